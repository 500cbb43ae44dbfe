"""Merge units of each synchronised entity (SYNC.md, "Merge units").

A *field* unit is one column whose value is a scalar. A *group* unit carries several
columns that must change together (an EEI value with its comment, a status with who
moved it), so nobody ever sees a combination nobody entered. `compare` names the keys
that decide whether two concurrent versions disagree: two stations approving the same
request at once agree, even though their timestamps differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import HVA_SCORES


@dataclass(frozen=True)
class Unit:
    name: str
    columns: tuple[str, ...]
    group: bool = False
    compare: tuple[str, ...] = ()
    #: Domain column that records the winning version id of this unit.
    version_column: str | None = None
    #: For a group that began as a single field (an organization's `membership` before
    #: it carried its dates): older versions hold a bare value, which is this column's.
    scalar_column: str | None = None

    def normalise(self, value: Any) -> Any:
        """A group's value as a dict; a bare value of a former field unit becomes the
        dict it means, so old and new versions read and compare alike."""
        if self.group and self.scalar_column and not isinstance(value, dict):
            return {} if value is None else {self.scalar_column: value}
        return value

    def comparable(self, value: Any) -> Any:
        value = self.normalise(value)
        if self.group and self.compare and isinstance(value, dict):
            return {k: value.get(k) for k in self.compare}
        return value


@dataclass(frozen=True)
class Entity:
    name: str
    model: type[m.Base]
    units: dict[str, Unit] = field(default_factory=dict)

    @property
    def table(self) -> Table:
        return cast(Table, self.model.__table__)


def _fields(*names: str) -> dict[str, Unit]:
    return {n: Unit(n, (n,)) for n in names}


def _group(name: str, columns: tuple[str, ...], **kw: Any) -> dict[str, Unit]:
    return {name: Unit(name, columns, group=True, **kw)}


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity("region", m.Region, _fields("key", "name", "kind", "state", "deleted")),
        Entity(
            "organization",
            m.Organization,
            {
                **_fields(
                    "external_key", "name", "short_name", "member_type", "region_id",
                    "parent_id", "facility_type", "address", "town", "state", "zip",
                    "county", "lat", "lon", "coords_source", "phone", "phone_24_7", "email",
                    "beds", "trauma_level", "helipad", "notes", "source", "merged_into",
                    "deleted",
                ),
                # Status and its dates change together (a lapse sets the left date, a
                # return clears it): merged per field, two stations could show "core,
                # left 2025-06-30". Versions from before the dates hold the bare status.
                **_group(
                    "membership",
                    ("membership", "joined_on", "left_on"),
                    scalar_column="membership",
                ),
            },
        ),
        Entity(
            "contact",
            m.Contact,
            _fields(
                "organization_id", "name", "role", "phone", "phone_24_7", "email", "is_24_7",
                "deleted",
            ),
        ),
        Entity(
            "incident",
            m.Incident,
            _fields(
                "name", "incident_type", "status", "exercise", "description",
                "started_at", "ended_at", "region_ids", "deleted",
            ),
        ),
        Entity(
            "period",
            m.OperationalPeriod,
            _fields(
                "incident_id", "number", "starts_at", "ends_at", "eei_due_at",
                "objectives", "deleted",
            ),
        ),
        Entity(
            "log_entry",
            m.LogEntry,
            {
                **_group(
                    "entry",
                    (
                        "incident_id", "occurred_at", "operator", "position", "station",
                        "category", "priority", "text", "organization_id", "corrects_id",
                        "source",
                    ),
                ),
                **_group(
                    "significant",
                    ("significant", "significant_by", "significant_at", "significant_note"),
                    compare=("significant",),
                ),
                **_fields("deleted"),
            },
        ),
        Entity(
            "request",
            m.ResourceRequest,
            {
                **_fields(
                    "incident_id", "number", "requester_org_id", "requested_by",
                    "requester_contact", "resource_kind", "resource_type", "description",
                    "quantity", "unit", "priority", "needed_by", "deliver_to", "supplier",
                    "order_number", "notes", "created_at", "deleted",
                ),
                **_group(
                    "status",
                    ("status", "status_note", "status_at", "status_by"),
                    compare=("status",),
                ),
                # The members' fill and the elevated remainder are one decision: merged
                # per field, a station could show 40 filled and 80 of 100 elevated.
                **_group(
                    "escalation",
                    (
                        "filled_quantity", "elevated_to", "elevated_quantity",
                        "elevated_at", "elevated_by", "elevated_ref", "elevated_note",
                    ),
                    compare=("filled_quantity", "elevated_to", "elevated_quantity"),
                ),
                # Where an EDXL-RM request came from: written once, on import.
                **_group("origin", ("external_ref", "external_sender", "external_line")),
            },
        ),
        Entity(
            "eei_report",
            m.EEIReport,
            {
                **_group("key", ("incident_id", "organization_id", "element_code", "period")),
                **_group(
                    "values",
                    ("value", "comment", "reporter", "reported_at", "source"),
                    compare=("value",),
                    version_column="values_version",
                ),
                **_group(
                    "validation",
                    (
                        "validation_state", "validated_by", "validated_at",
                        "validation_note", "validated_version",
                    ),
                    compare=("validation_state", "validated_version"),
                ),
                **_fields("deleted"),
            },
        ),
        Entity(
            "alert",
            m.Alert,
            {
                **_group(
                    "alert",
                    (
                        "identifier", "sender", "sent", "status", "msg_type", "scope",
                        "references", "note", "infos", "source", "received_at", "direction",
                    ),
                ),
                **_fields("incident_id", "log_entry_id", "deleted"),
            },
        ),
        Entity(
            "hva_assessment",
            m.HvaAssessment,
            {
                # The natural key the id is made of: written once, never edited.
                **_group("scope", ("region_id", "year")),
                **_fields("title", "notes", "deleted"),
                # Finalising names who and when; two stations agreeing on the status
                # agree, whatever their clocks say.
                **_group("status", ("status", "status_by", "status_at"), compare=("status",)),
            },
        ),
        Entity(
            "hva_hazard",
            m.HvaHazard,
            {
                **_group("hazard", ("assessment_id", "name")),
                # The risk is computed from all seven scores: merged per score, two
                # stations' rescoring would show a risk nobody assessed.
                **_group("scores", HVA_SCORES),
                **_fields("category", "occurred", "notes", "deleted"),
            },
        ),
        Entity(
            "plan",
            m.Plan,
            {
                **_fields("title", "plan_type", "owner_org_id", "capabilities", "notes", "deleted"),
                # An edition: its version, when it was approved and when it is next due
                # for review are one fact (version 3 approved in May, due next May).
                **_group("edition", ("version", "approved_on", "review_due")),
            },
        ),
        Entity(
            "essential_function",
            m.EssentialFunction,
            {
                **_group("function", ("organization_id", "name")),
                # Priority tier and recovery time objective are decided together.
                **_group("recovery", ("priority", "rto_hours")),
                **_fields("owner", "notes", "deleted"),
            },
        ),
        Entity(
            "exercise",
            m.Exercise,
            {
                **_fields(
                    "name", "exercise_type", "scenario", "location", "sponsor",
                    "participants", "incident_id", "notes", "deleted",
                ),
                # The end is checked against the start: merged per field, two stations
                # moving the exercise could leave it ending before it begins.
                **_group("dates", ("starts_on", "ends_on")),
                # The threat's name and the HVA hazard it points at are one choice.
                **_group("threat", ("hazard", "hva_hazard_id")),
            },
        ),
        Entity(
            "exercise_objective",
            m.ExerciseObjective,
            {
                # The natural key the id is made of (exercise, number): written once.
                **_group("objective", ("exercise_id", "number")),
                # The capabilities an objective exercises follow from its wording.
                **_group("statement", ("text", "capabilities")),
                **_fields("deleted"),
            },
        ),
        Entity(
            "aar",
            m.Aar,
            {
                # What it reviews, the natural key the id is made of: written once.
                **_group("subject", ("exercise_id", "incident_id")),
                **_fields("title", "summary", "deleted"),
                **_group("status", ("status", "status_by", "status_at"), compare=("status",)),
            },
        ),
        Entity(
            "aar_rating",
            m.AarRating,
            {
                **_group("key", ("aar_id", "objective_number", "capability")),
                # A rating is someone's judgement at a time: the mark with its rater.
                # Two evaluators giving the same mark agree whatever their clocks say.
                **_group("rating", ("rating", "rated_by", "rated_at"), compare=("rating",)),
                **_fields("deleted"),
            },
        ),
        Entity(
            "aar_finding",
            m.AarFinding,
            {
                # Where a finding sits in the report: moving it to another objective
                # moves it under that objective's capability too.
                **_group("placement", ("aar_id", "kind", "capability", "objective_number")),
                **_fields("text", "reference", "analysis", "deleted"),
            },
        ),
        Entity(
            "corrective_action",
            m.CorrectiveAction,
            {
                # The area for improvement it answers: the finding and its wording.
                **_group("issue", ("aar_id", "finding_id", "issue")),
                **_fields(
                    "capability", "action", "element", "owner_org_id", "poc", "notes",
                    "deleted",
                ),
                # The due date is checked against the start.
                **_group("schedule", ("starts_on", "due_on")),
                # Closing names who and when; two stations completing it agree.
                **_group(
                    "status", ("status", "status_by", "status_at", "status_note"),
                    compare=("status",),
                ),
            },
        ),
        Entity(
            "eei_request",
            m.EEIRequest,
            {
                **_fields("incident_id", "title", "context", "notes", "deleted"),
                # What is asked of whom: the elements and the partners are one ask.
                **_group("ask", ("elements", "targets")),
                # The due time and its repetition are decided together.
                **_group("schedule", ("due_at", "repeat", "repeat_hours")),
                **_group("issued", ("issued_at", "issued_by")),
                **_group("status", ("status", "status_by", "status_at"), compare=("status",)),
            },
        ),
        Entity(
            "position_assignment",
            m.PositionAssignment,
            {
                **_fields(
                    "incident_id", "period_id", "position", "person", "organization_id",
                    "notes", "deleted",
                ),
                **_group("contact", ("phone", "email")),
                # Sign-out is checked against sign-in.
                **_group("shift", ("signed_in_at", "signed_out_at")),
            },
        ),
        Entity(
            "duty_shift",
            m.DutyShift,
            {
                **_fields("role", "person", "notes", "deleted"),
                **_group("contact", ("phone", "email")),
                # The end is checked against the start.
                **_group("times", ("starts_at", "ends_at")),
            },
        ),
        Entity(
            "handover",
            m.Handover,
            {
                # The report as handed over: written once, by the outgoing officer.
                **_group(
                    "report", ("incident_id", "prepared_at", "prepared_by", "since", "content")
                ),
                **_fields("incoming", "notes", "deleted"),
                # Acknowledging names who and when; two stations recording the same
                # officer's acknowledgement agree.
                **_group(
                    "ack", ("acknowledged_by", "acknowledged_at", "ack_note"),
                    compare=("acknowledged_by",),
                ),
            },
        ),
        Entity(
            "message",
            m.Message,
            {
                # A message, once sent or received, is a fact: recorded whole.
                **_group(
                    "message",
                    (
                        "incident_id", "direction", "kind", "subject", "body", "channel",
                        "recipients", "sender", "sent_at", "sent_by", "ref_kind", "ref_id",
                        "external_id",
                    ),
                ),
                **_fields("deleted"),
            },
        ),
        Entity(
            "message_ack",
            m.MessageAck,
            {
                **_group(
                    "ack",
                    (
                        "message_id", "organization_id", "recipient", "acknowledged_at",
                        "recorded_by", "channel", "note",
                    ),
                ),
                **_fields("deleted"),
            },
        ),
    )
}  # fmt: skip


def entity(name: str) -> Entity:
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}") from None
