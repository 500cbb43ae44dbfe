"""SQLAlchemy 2 models: the domain tables and the sync tables.

Domain tables (regions ... eei_reports) are a materialised view of the winning versions
in `versions`; only `core.versions` writes them. They carry no foreign keys on purpose:
versions may arrive in any order from other stations, so a row can name a record that
has not arrived yet. Services check references for local input instead.
Local tables (stations, operators, change_sets, clock, imports) are never synchronised.

Why one module of more than 400 lines: it is the schema, table by table, in the order
the migrations in db/versions/ build it. Each class is a flat list of columns with no
logic; a reviewer compares a migration with this one file, and the dump, the entities
and the sync reference model all read the one MetaData declared here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(36)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --------------------------------------------------------------------------- domain


class Region(Base):
    __tablename__ = "regions"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[str | None] = mapped_column(String(2))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    external_key: Mapped[str | None] = mapped_column(String(80), index=True)
    name: Mapped[str | None] = mapped_column(String(300), index=True)
    short_name: Mapped[str | None] = mapped_column(String(80))
    member_type: Mapped[str | None] = mapped_column(String(40))
    membership: Mapped[str | None] = mapped_column(String(20))
    joined_on: Mapped[str | None] = mapped_column(String(10))
    left_on: Mapped[str | None] = mapped_column(String(10))
    region_id: Mapped[str | None] = mapped_column(ID)
    parent_id: Mapped[str | None] = mapped_column(ID)
    facility_type: Mapped[str | None] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(300))
    town: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str | None] = mapped_column(String(2))
    zip: Mapped[str | None] = mapped_column(String(10))
    county: Mapped[str | None] = mapped_column(String(80))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    coords_source: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_24_7: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    beds: Mapped[int | None] = mapped_column(Integer)
    trauma_level: Mapped[str | None] = mapped_column(String(40))
    helipad: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    merged_into: Mapped[str | None] = mapped_column(ID)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(ID, index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_24_7: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    is_24_7: Mapped[bool | None] = mapped_column(Boolean)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Incident(Base):
    __tablename__ = "incidents"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    incident_type: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(20))
    exercise: Mapped[bool | None] = mapped_column(Boolean)
    description: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[str | None] = mapped_column(String(32))
    ended_at: Mapped[str | None] = mapped_column(String(32))
    region_ids: Mapped[Any] = mapped_column(JSON, nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class OperationalPeriod(Base):
    __tablename__ = "operational_periods"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(ID, index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    starts_at: Mapped[str | None] = mapped_column(String(32))
    ends_at: Mapped[str | None] = mapped_column(String(32))
    eei_due_at: Mapped[str | None] = mapped_column(String(32))
    objectives: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class LogEntry(Base):
    __tablename__ = "log_entries"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(ID)
    occurred_at: Mapped[str | None] = mapped_column(String(32))
    operator: Mapped[str | None] = mapped_column(String(120))
    position: Mapped[str | None] = mapped_column(String(120))
    station: Mapped[str | None] = mapped_column(String(120))
    category: Mapped[str | None] = mapped_column(String(30))
    priority: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    organization_id: Mapped[str | None] = mapped_column(ID)
    corrects_id: Mapped[str | None] = mapped_column(ID)
    source: Mapped[str | None] = mapped_column(String(200))
    significant: Mapped[str | None] = mapped_column(String(20))
    significant_by: Mapped[str | None] = mapped_column(String(120))
    significant_at: Mapped[str | None] = mapped_column(String(32))
    significant_note: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        # The log panel counts and pages live entries of one incident in time order:
        # with `deleted` in the index both are answered from the index alone.
        Index("ix_log_entries_incident_deleted_time", "incident_id", "deleted", "occurred_at"),
        # Corrections are few; finding those of a page of entries must not scan the log.
        Index(
            "ix_log_entries_corrects",
            "corrects_id",
            sqlite_where=sql_text("corrects_id IS NOT NULL"),
            postgresql_where=sql_text("corrects_id IS NOT NULL"),
        ),
        # The significant-events tab and its pending count read a few nominations out
        # of a log that may hold a million entries: without this they scan the log.
        Index(
            "ix_log_entries_significant",
            "incident_id",
            "significant",
            "occurred_at",
            sqlite_where=sql_text("significant IS NOT NULL"),
            postgresql_where=sql_text("significant IS NOT NULL"),
        ),
    )


class ResourceRequest(Base):
    __tablename__ = "resource_requests"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(ID, index=True)
    number: Mapped[str | None] = mapped_column(String(40))
    requester_org_id: Mapped[str | None] = mapped_column(ID)
    requested_by: Mapped[str | None] = mapped_column(String(120))
    requester_contact: Mapped[str | None] = mapped_column(String(120))
    resource_kind: Mapped[str | None] = mapped_column(String(120))
    resource_type: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(40))
    priority: Mapped[str | None] = mapped_column(String(20))
    needed_by: Mapped[str | None] = mapped_column(String(32))
    deliver_to: Mapped[str | None] = mapped_column(String(300))
    supplier: Mapped[str | None] = mapped_column(String(200))
    order_number: Mapped[str | None] = mapped_column(String(80))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(20))
    status_note: Mapped[str | None] = mapped_column(Text)
    status_at: Mapped[str | None] = mapped_column(String(32))
    status_by: Mapped[str | None] = mapped_column(String(120))
    # Escalation (issue 16): how much the coalition's own members filled, and the
    # unfilled part elevated to the state (ESF-8 / DPH) with its tracking number.
    filled_quantity: Mapped[float | None] = mapped_column(Float)
    elevated_to: Mapped[str | None] = mapped_column(String(200))
    elevated_quantity: Mapped[float | None] = mapped_column(Float)
    elevated_at: Mapped[str | None] = mapped_column(String(32))
    elevated_by: Mapped[str | None] = mapped_column(String(120))
    elevated_ref: Mapped[str | None] = mapped_column(String(80))
    elevated_note: Mapped[str | None] = mapped_column(Text)
    # Origin (issue 18): a request that arrived as an EDXL-RM message keeps the
    # message's id, its sender and the resource line it was, so replies link back.
    external_ref: Mapped[str | None] = mapped_column(String(200), index=True)
    external_sender: Mapped[str | None] = mapped_column(String(200))
    external_line: Mapped[int | None] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class EEIElement(Base):
    """The catalog (resources/eei_catalog.json) as loaded into this store: local, never
    synchronised, refreshed when the catalog file changes."""

    __tablename__ = "eei_elements"
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    value_type: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str | None] = mapped_column(String(40))
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    choices: Mapped[Any] = mapped_column(JSON, nullable=True)
    reported_by: Mapped[Any] = mapped_column(JSON, nullable=True)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    have: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class EEIReport(Base):
    __tablename__ = "eei_reports"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(ID)
    organization_id: Mapped[str | None] = mapped_column(ID)
    element_code: Mapped[str | None] = mapped_column(String(60))
    period: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    comment: Mapped[str | None] = mapped_column(Text)
    reporter: Mapped[str | None] = mapped_column(String(120))
    reported_at: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(200))
    values_version: Mapped[str | None] = mapped_column(String(64))
    validation_state: Mapped[str | None] = mapped_column(String(20))
    validated_by: Mapped[str | None] = mapped_column(String(120))
    validated_at: Mapped[str | None] = mapped_column(String(32))
    validation_note: Mapped[str | None] = mapped_column(Text)
    validated_version: Mapped[str | None] = mapped_column(String(64))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_eei_reports_incident_period", "incident_id", "period"),)


class Alert(Base):
    """A CAP alert as received (or issued): kept whole so its areas can be drawn and
    its updates and cancellations linked; the log entry made from it is the operator's
    record that it arrived."""

    __tablename__ = "alerts"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    identifier: Mapped[str | None] = mapped_column(String(300))
    sender: Mapped[str | None] = mapped_column(String(300))
    sent: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(20))
    msg_type: Mapped[str | None] = mapped_column(String(20))
    scope: Mapped[str | None] = mapped_column(String(20))
    references: Mapped[Any] = mapped_column(JSON, nullable=True)
    note: Mapped[str | None] = mapped_column(Text)
    infos: Mapped[Any] = mapped_column(JSON, nullable=True)
    source: Mapped[str | None] = mapped_column(String(300))
    received_at: Mapped[str | None] = mapped_column(String(32))
    direction: Mapped[str | None] = mapped_column(String(10))
    incident_id: Mapped[str | None] = mapped_column(ID, index=True)
    log_entry_id: Mapped[str | None] = mapped_column(ID)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class HvaAssessment(Base):
    """A hazard vulnerability analysis of one scope (the coalition or a region) for one
    year: the id is derived from both, so two stations starting the same year's
    analysis make one record."""

    __tablename__ = "hva_assessments"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    region_id: Mapped[str | None] = mapped_column(ID, index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    status_by: Mapped[str | None] = mapped_column(String(120))
    status_at: Mapped[str | None] = mapped_column(String(32))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class HvaHazard(Base):
    """One row of an analysis: an event and its seven 0-3 scores. The relative risk is
    computed from the scores when read, never stored."""

    __tablename__ = "hva_hazards"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    assessment_id: Mapped[str | None] = mapped_column(ID, index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(20))
    probability: Mapped[int | None] = mapped_column(Integer)
    human: Mapped[int | None] = mapped_column(Integer)
    property: Mapped[int | None] = mapped_column(Integer)
    business: Mapped[int | None] = mapped_column(Integer)
    preparedness: Mapped[int | None] = mapped_column(Integer)
    internal: Mapped[int | None] = mapped_column(Integer)
    external: Mapped[int | None] = mapped_column(Integer)
    occurred: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Plan(Base):
    """A plan in the coalition's register: the coalition's own (response plan, surge
    annex) and members' (each hospital's COOP), with the edition in force."""

    __tablename__ = "plans"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    title: Mapped[str | None] = mapped_column(String(200))
    plan_type: Mapped[str | None] = mapped_column(String(40))
    owner_org_id: Mapped[str | None] = mapped_column(ID, index=True)
    capabilities: Mapped[Any] = mapped_column(JSON, nullable=True)
    version: Mapped[str | None] = mapped_column(String(40))
    approved_on: Mapped[str | None] = mapped_column(String(10))
    review_due: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class EssentialFunction(Base):
    """A function a member must keep up or restore first (ASPR capability 3, objective
    1), with its priority and recovery time objective."""

    __tablename__ = "essential_functions"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(ID, index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    priority: Mapped[int | None] = mapped_column(Integer)
    rto_hours: Mapped[float | None] = mapped_column(Float)
    owner: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Exercise(Base):
    """An HSEEP exercise: its type, dates, scenario, threat (which may be a hazard of
    the HVA), where and by whom, and the members taking part. An operations-based one
    runs as an incident flagged as an exercise, which `incident_id` names."""

    __tablename__ = "exercises"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    exercise_type: Mapped[str | None] = mapped_column(String(20))
    starts_on: Mapped[str | None] = mapped_column(String(10))
    ends_on: Mapped[str | None] = mapped_column(String(10))
    scenario: Mapped[str | None] = mapped_column(Text)
    hazard: Mapped[str | None] = mapped_column(String(200))
    hva_hazard_id: Mapped[str | None] = mapped_column(ID)
    location: Mapped[str | None] = mapped_column(String(300))
    sponsor: Mapped[str | None] = mapped_column(String(200))
    participants: Mapped[Any] = mapped_column(JSON, nullable=True)
    incident_id: Mapped[str | None] = mapped_column(ID, index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class ExerciseObjective(Base):
    """A numbered objective of an exercise and the ASPR capabilities or objectives
    ('2', '2.2': resources/aspr_capabilities.json) it exercises."""

    __tablename__ = "exercise_objectives"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    exercise_id: Mapped[str | None] = mapped_column(ID, index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    capabilities: Mapped[Any] = mapped_column(JSON, nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Aar(Base):
    """An after-action report of an exercise or an incident (one per each: the id is
    derived from it), draft until the after-action meeting makes it final."""

    __tablename__ = "aars"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    exercise_id: Mapped[str | None] = mapped_column(ID, index=True)
    incident_id: Mapped[str | None] = mapped_column(ID, index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    status_by: Mapped[str | None] = mapped_column(String(120))
    status_at: Mapped[str | None] = mapped_column(String(32))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class AarRating(Base):
    """One row of the AAR's summary table: an objective (0 = none, for an incident) and
    a capability, rated P, S, M or U by someone at some time."""

    __tablename__ = "aar_ratings"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    aar_id: Mapped[str | None] = mapped_column(ID, index=True)
    objective_number: Mapped[int | None] = mapped_column(Integer)
    capability: Mapped[str | None] = mapped_column(String(10))
    rating: Mapped[str | None] = mapped_column(String(1))
    rated_by: Mapped[str | None] = mapped_column(String(120))
    rated_at: Mapped[str | None] = mapped_column(String(32))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class AarFinding(Base):
    """A strength or an area for improvement under an objective and capability; an
    area for improvement carries its reference (plan or policy) and analysis (cause)."""

    __tablename__ = "aar_findings"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    aar_id: Mapped[str | None] = mapped_column(ID, index=True)
    kind: Mapped[str | None] = mapped_column(String(20))
    capability: Mapped[str | None] = mapped_column(String(10))
    objective_number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(Text)
    analysis: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class CorrectiveAction(Base):
    """A row of the improvement plan: what will be done about an area for improvement,
    by which member, when, and where it stands."""

    __tablename__ = "corrective_actions"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    aar_id: Mapped[str | None] = mapped_column(ID, index=True)
    finding_id: Mapped[str | None] = mapped_column(ID)
    issue: Mapped[str | None] = mapped_column(Text)
    capability: Mapped[str | None] = mapped_column(String(10))
    action: Mapped[str | None] = mapped_column(Text)
    element: Mapped[str | None] = mapped_column(String(20))
    owner_org_id: Mapped[str | None] = mapped_column(ID, index=True)
    poc: Mapped[str | None] = mapped_column(String(200))
    starts_on: Mapped[str | None] = mapped_column(String(10))
    due_on: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str | None] = mapped_column(String(20))
    status_by: Mapped[str | None] = mapped_column(String(120))
    status_at: Mapped[str | None] = mapped_column(String(32))
    status_note: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


# ------------------------------------------------------------ response coordination


class EEIRequest(Base):
    """An ask for EEIs (issue 16): which elements, from which partners (by member type,
    region or a list), due when, repeated each operational period or every N hours.
    Each partner's line (sent, on time, late, missing) is derived from the messages
    sent for it and the EEI reports that arrive, never stored."""

    __tablename__ = "eei_requests"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(ID, index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    elements: Mapped[Any] = mapped_column(JSON, nullable=True)
    targets: Mapped[Any] = mapped_column(JSON, nullable=True)
    due_at: Mapped[str | None] = mapped_column(String(32))
    repeat: Mapped[str | None] = mapped_column(String(20))
    repeat_hours: Mapped[int | None] = mapped_column(Integer)
    context: Mapped[str | None] = mapped_column(String(30))
    issued_at: Mapped[str | None] = mapped_column(String(32))
    issued_by: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    status_by: Mapped[str | None] = mapped_column(String(120))
    status_at: Mapped[str | None] = mapped_column(String(32))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class PositionAssignment(Base):
    """Who holds an ICS position (duty officer, EEI desk, logistics...) in an incident,
    optionally for one operational period, from sign-in to sign-out."""

    __tablename__ = "position_assignments"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(ID, index=True)
    period_id: Mapped[str | None] = mapped_column(ID)
    position: Mapped[str | None] = mapped_column(String(40))
    person: Mapped[str | None] = mapped_column(String(120))
    organization_id: Mapped[str | None] = mapped_column(ID)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    signed_in_at: Mapped[str | None] = mapped_column(String(32))
    signed_out_at: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class DutyShift(Base):
    """A planned shift of the coalition's 24/7 duty officer (or another standing role),
    outside any incident; gaps between shifts are derived."""

    __tablename__ = "duty_shifts"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    role: Mapped[str | None] = mapped_column(String(40))
    person: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[str | None] = mapped_column(String(32), index=True)
    ends_at: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Handover(Base):
    """A shift handover: the report the outgoing officer prepared (its content kept as
    shown, so what was handed over can be read later), and the incoming officer's
    acknowledgement."""

    __tablename__ = "handovers"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(ID, index=True)
    prepared_at: Mapped[str | None] = mapped_column(String(32))
    prepared_by: Mapped[str | None] = mapped_column(String(120))
    since: Mapped[str | None] = mapped_column(String(32))
    content: Mapped[Any] = mapped_column(JSON, nullable=True)
    incoming: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))
    acknowledged_at: Mapped[str | None] = mapped_column(String(32))
    ack_note: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Message(Base):
    """The communications log: a message the coalition sent (EEI request, advisory, CAP,
    briefing, EDXL-RM...) or received, with recipients, channel and time, and what it
    concerns (`ref_kind`, `ref_id`). `external_id` is a message id given by another
    system (EDXL-RM MessageID, CAP identifier), so a repeated message is recognised."""

    __tablename__ = "messages"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    incident_id: Mapped[str | None] = mapped_column(ID, index=True)
    direction: Mapped[str | None] = mapped_column(String(10))
    kind: Mapped[str | None] = mapped_column(String(30))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(30))
    recipients: Mapped[Any] = mapped_column(JSON, nullable=True)
    sender: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[str | None] = mapped_column(String(32))
    sent_by: Mapped[str | None] = mapped_column(String(120))
    ref_kind: Mapped[str | None] = mapped_column(String(30))
    ref_id: Mapped[str | None] = mapped_column(ID, index=True)
    external_id: Mapped[str | None] = mapped_column(String(200), index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class MessageAck(Base):
    """An acknowledgement of an outbound message by one recipient: its own record, so
    two stations logging different partners' replies never conflict."""

    __tablename__ = "message_acks"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    message_id: Mapped[str | None] = mapped_column(ID, index=True)
    organization_id: Mapped[str | None] = mapped_column(ID)
    recipient: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[str | None] = mapped_column(String(32))
    recorded_by: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


# --------------------------------------------------------------------------- sync


class Version(Base):
    """Append-only history of every synchronised edit (triggers refuse UPDATE/DELETE).

    `seq` is local arrival order; `id` is the content hash shared by all stations.
    `change_id` is local too: which of this station's change sets made it (null when
    imported), used by undo and the audit view.
    """

    __tablename__ = "versions"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    entity: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(ID)
    unit: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    hlc: Mapped[int] = mapped_column(BigInteger)
    site_id: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    operator: Mapped[str | None] = mapped_column(String(200))
    resolves: Mapped[str | None] = mapped_column(Text)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("change_sets.id"))

    __table_args__ = (
        Index("ix_versions_unit", "entity", "record_id", "unit"),
        Index("ix_versions_site_hlc", "site_id", "hlc"),
        # "Changed by import since I last looked" (log banner, panel marks) reads only
        # imported versions after a mark; local writes never touch this index.
        Index(
            "ix_versions_imported",
            "entity",
            "seq",
            sqlite_where=sql_text("change_id IS NULL"),
            postgresql_where=sql_text("change_id IS NULL"),
        ),
    )


class Winner(Base):
    """Current winning version of each merge unit; rebuildable from `versions`."""

    __tablename__ = "winners"
    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    record_id: Mapped[str] = mapped_column(ID, primary_key=True)
    unit: Mapped[str] = mapped_column(String(40), primary_key=True)
    version_id: Mapped[str] = mapped_column(String(64))
    hlc: Mapped[int] = mapped_column(BigInteger)
    site_id: Mapped[str] = mapped_column(String(40))


class Conflict(Base):
    """Open conflicts: sibling versions (same parent) whose values disagree and that no
    resolution has covered. Derived from `versions`, so every station lists the same."""

    __tablename__ = "conflicts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(ID)
    unit: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    version_ids: Mapped[Any] = mapped_column(JSON)

    __table_args__ = (Index("ix_conflicts_unit", "entity", "record_id", "unit"),)


class ChangeSet(Base):
    """One local service call: the unit of undo and of the audit trail."""

    __tablename__ = "change_sets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32))
    operator: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    undoes: Mapped[int | None] = mapped_column(Integer)
    undone_by: Mapped[int | None] = mapped_column(Integer)


class ClockState(Base):
    __tablename__ = "clock_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hlc: Mapped[int] = mapped_column(BigInteger, default=0)


class Station(Base):
    """This station (is_self) and the peers it knows; trust is local."""

    __tablename__ = "stations"
    site_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    public_key: Mapped[str | None] = mapped_column(String(120))
    fingerprint: Mapped[str | None] = mapped_column(String(80))
    is_self: Mapped[bool] = mapped_column(Boolean, default=False)
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[str | None] = mapped_column(String(32))


class Operator(Base):
    __tablename__ = "operators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str | None] = mapped_column(String(120))
    last_used_at: Mapped[str | None] = mapped_column(String(32))


class ImportRecord(Base):
    __tablename__ = "import_log"
    package_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    origin_site: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[str] = mapped_column(String(32))
    new_versions: Mapped[int] = mapped_column(Integer, default=0)
    known_versions: Mapped[int] = mapped_column(Integer, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, default=0)
    clock_warnings: Mapped[int] = mapped_column(Integer, default=0)


class PeerVector(Base):
    """Highest HLC of each origin that a peer is known to hold (for delta exports)."""

    __tablename__ = "peer_vectors"
    peer_site: Mapped[str] = mapped_column(String(40), primary_key=True)
    origin_site: Mapped[str] = mapped_column(String(40), primary_key=True)
    hlc: Mapped[int] = mapped_column(BigInteger)


class Setting(Base):
    """Small local key/value settings (current incident, catalog version, ...)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
