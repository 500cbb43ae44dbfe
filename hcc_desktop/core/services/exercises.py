"""HSEEP exercises (DOMAIN.md 2): records of seminars to full-scale exercises, their
numbered objectives mapped to ASPR capabilities, and the start of an operations-based
exercise as an incident.

An operations-based exercise (drill, functional, full-scale) is played in the same
tools as a real response: `start_exercise` makes (or links) an incident flagged as an
exercise, so its log, EEI reports and requests need nothing of their own, and the
after-action review draws its evidence from that incident. Discussion-based exercises
(seminar, workshop, tabletop, game) have no incident: their record is the exercise.

Objectives are named by their exercise and number (a natural key), so the same
objective entered at two stations is one record; its wording and the capabilities it
maps to are one merge unit, as the mapping follows from the wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hcc_desktop.core import aspr
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import EXERCISE_TYPES, INCIDENT_TYPES, OPERATIONS_BASED
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import natural_id, uuid7
from hcc_desktop.core.services import incidents
from hcc_desktop.core.services.common import (
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
)
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import parse_date

DATES = ("starts_on", "ends_on")
THREAT = ("hazard", "hva_hazard_id")
FIELDS = ("name", "exercise_type", "scenario", "location", "sponsor", "participants", "notes",
          *DATES, *THREAT)  # fmt: skip


def objective_id_for(exercise_id: str, number: int) -> str:
    return natural_id("exercise-objective", exercise_id, number)


def _day(field: str, raw: Any) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    return parse_date(field, str(raw).strip()).isoformat()


def _participants(session: Session, raw: Any) -> list[str]:
    if isinstance(raw, (bool, int, float, dict)):
        raise ValidationError("participants", f"expected member ids, got {raw!r}")
    items: Iterable[Any] = raw.split(",") if isinstance(raw, str) else (raw or ())
    ids = {str(x).strip() for x in items if str(x).strip()}
    return sorted(get_live(session, m.Organization, i, "participants").id for i in ids)


def _clean(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "name":
            out[key] = require_text("name", raw, max_len=200)
        elif key == "exercise_type":
            out[key] = require_choice("exercise_type", raw, EXERCISE_TYPES)
        elif key in DATES:
            out[key] = _day(key, raw)
        elif key == "hazard":
            out[key] = optional_text("hazard", raw, max_len=200)
        elif key == "hva_hazard_id":
            out[key] = get_live(session, m.HvaHazard, raw, "hva_hazard").id if raw else None
        elif key == "location":
            out[key] = optional_text("location", raw, max_len=300)
        elif key == "sponsor":
            out[key] = optional_text("sponsor", raw, max_len=200)
        elif key == "participants":
            out[key] = _participants(session, raw)
        elif key in ("scenario", "notes"):
            out[key] = optional_text(key, raw, max_len=10_000)
        else:
            raise ValidationError(key, "not an exercise field")
    return out


def _fold(values: dict[str, Any], current: m.Exercise | None) -> None:
    """Dates and threat as their group units, completed from the record. An exercise
    ends on or after its start (without an end, the day it starts); a threat
    that points at an HVA hazard is named after it unless named otherwise."""
    given = {k: values.pop(k) for k in DATES if k in values}
    if given:
        dates = {k: getattr(current, k, None) for k in DATES}
        dates.update(given)
        if dates["starts_on"] is None:
            raise ValidationError("starts_on", "an exercise needs its start date")
        if dates["ends_on"] is None:
            dates["ends_on"] = dates["starts_on"]
        if dates["ends_on"] < dates["starts_on"]:
            raise ValidationError(
                "ends_on", f"{dates['ends_on']} is before the start on {dates['starts_on']}"
            )
        values["dates"] = dates
    given = {k: values.pop(k) for k in THREAT if k in values}
    if given:
        threat = {k: getattr(current, k, None) for k in THREAT}
        if "hazard" not in given:
            threat["hazard"] = None  # named after the HVA hazard it now points at
        threat.update(given)
        values["threat"] = threat


def _hazard_name(session: Session, values: dict[str, Any]) -> None:
    threat = values.get("threat")
    if threat and threat["hva_hazard_id"] and not threat["hazard"]:
        threat["hazard"] = session.get_one(m.HvaHazard, threat["hva_hazard_id"]).name


def add_exercise(store: Store, *, actor: Actor, record_id: str | None = None, **fields: Any) -> str:
    """A new exercise; name, type and start date are required (the end defaults to the
    start)."""
    with store.writing(operator=actor.label, summary=f"New exercise {fields.get('name')}") as w:
        values = _clean(w.session, fields)
        for required in ("name", "exercise_type", "starts_on"):
            if not values.get(required):
                raise ValidationError(required, "required for a new exercise")
        values.setdefault("participants", [])
        _fold(values, None)
        values.setdefault("threat", {k: None for k in THREAT})
        _hazard_name(w.session, values)
        rid = record_id or uuid7(store.wall())
        if record_id and w.session.get(m.Exercise, record_id) is not None:
            raise ValidationError("id", f"an exercise with id {record_id} exists already")
        w.put("exercise", rid, {**values, "incident_id": None, "deleted": False},
              new=record_id is None)  # fmt: skip
    return rid


def update_exercise(store: Store, *, actor: Actor, exercise_id: str, **fields: Any) -> list[str]:
    """Change some fields; returns the names of those that really changed."""
    with store.writing(operator=actor.label, summary="Edit exercise") as w:
        row = get_live(w.session, m.Exercise, exercise_id, "exercise")
        values = _clean(w.session, fields)
        if values.get("exercise_type") and values["exercise_type"] not in OPERATIONS_BASED \
                and row.incident_id:  # fmt: skip
            raise ValidationError(
                "exercise_type", "it runs as an incident: only drill, functional or full_scale"
            )
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        names = sorted(changed)
        _fold(changed, row)
        _hazard_name(w.session, changed)
        if changed:
            w.put("exercise", row.id, changed)
    return names


def delete_exercise(store: Store, *, actor: Actor, exercise_id: str) -> None:
    with store.writing(operator=actor.label, summary="Remove exercise") as w:
        row = get_live(w.session, m.Exercise, exercise_id, "exercise")
        w.put("exercise", row.id, {"deleted": True})


# ------------------------------------------------------------------ objectives


def _objectives(session: Session, exercise_id: str) -> list[m.ExerciseObjective]:
    o = m.ExerciseObjective
    stmt = select(o).where(o.exercise_id == exercise_id, o.deleted.is_(False)).order_by(o.number)
    return list(session.scalars(stmt))


def set_objective(
    store: Store,
    *,
    actor: Actor,
    exercise_id: str,
    text: str,
    capabilities: Any,
    number: int | str | None = None,
) -> int:
    """Add an objective (the next number) or reword objective `number`; each maps to
    one or more ASPR capabilities or objectives. Returns its number."""
    statement = {
        "text": require_text("text", text, max_len=2000),
        "capabilities": aspr.check_refs("capabilities", capabilities, required=True),
    }
    if number is not None:
        try:
            number = int(str(number).strip())
        except ValueError:
            raise ValidationError("number", f"expected a number like 2, got {number!r}") from None
        if not 1 <= number <= 99:
            raise ValidationError("number", f"objectives are numbered 1 to 99, got {number}")
    with store.writing(operator=actor.label, summary="Exercise objective") as w:
        ex = get_live(w.session, m.Exercise, exercise_id, "exercise")
        existing = _objectives(w.session, ex.id)
        if number is None:
            number = (existing[-1].number or 0) + 1 if existing else 1
        oid = objective_id_for(ex.id, number)
        row = w.session.get(m.ExerciseObjective, oid)
        if row is None or row.deleted:
            w.put("exercise_objective", oid, {
                "objective": {"exercise_id": ex.id, "number": number},
                "statement": statement, "deleted": False,
            })  # fmt: skip
        elif (row.text, row.capabilities) != (statement["text"], statement["capabilities"]):
            w.put("exercise_objective", oid, {"statement": statement})
    return number


def remove_objective(store: Store, *, actor: Actor, exercise_id: str, number: int) -> None:
    with store.writing(operator=actor.label, summary="Remove exercise objective") as w:
        ex = get_live(w.session, m.Exercise, exercise_id, "exercise")
        row = get_live(w.session, m.ExerciseObjective, objective_id_for(ex.id, number), "number")
        w.put("exercise_objective", row.id, {"deleted": True})


def list_objectives(store: Store, *, exercise_id: str) -> list[m.ExerciseObjective]:
    with store.read() as s:
        return _objectives(s, exercise_id)


# ------------------------------------------------------------------ conduct


def start_exercise(
    store: Store,
    *,
    actor: Actor,
    exercise_id: str,
    incident_id: str | None = None,
    incident_type: str = "other",
    started_at: str | None = None,
    first_period_hours: float | None = None,
    make_current: bool = True,
) -> str:
    """Run an operations-based exercise: a new incident flagged as an exercise (or the
    exercise incident `incident_id`), and the exercise pointing at it, in one
    transaction. Returns the incident's id."""
    kind = require_choice("incident_type", incident_type, INCIDENT_TYPES)
    with store.atomic():
        with store.read() as s:
            ex = get_live(s, m.Exercise, exercise_id, "exercise")
            if ex.exercise_type not in OPERATIONS_BASED:
                raise ValidationError(
                    "exercise", f"a {ex.exercise_type} is discussion-based and runs no incident"
                )
            if ex.incident_id:
                current = s.get(m.Incident, ex.incident_id)
                if current is not None and not current.deleted:
                    raise ValidationError("exercise", f"{ex.name} runs as {current.name} already")
            if incident_id is not None:
                inc = get_live(s, m.Incident, incident_id, "incident")
                if not inc.exercise:
                    raise ValidationError("incident", f"{inc.name} is not an exercise incident")
        if incident_id is None:
            incident_id = incidents.create_incident(
                store, actor=actor, name=ex.name or "Exercise", incident_type=kind,
                exercise=True, description=ex.scenario or "", started_at=started_at,
                first_period_hours=first_period_hours, make_current=make_current,
            )  # fmt: skip
        with store.writing(operator=actor.label, summary=f"Start exercise {ex.name}") as w:
            w.put("exercise", ex.id, {"incident_id": incident_id})
    return incident_id


# ------------------------------------------------------------------ reading


def list_exercises(
    store: Store, *, exercise_type: str | None = None, since: dt.date | None = None
) -> list[m.Exercise]:
    """Most recent first (by start date, then name)."""
    with store.read() as s:
        stmt = select(m.Exercise).where(m.Exercise.deleted.is_(False))
        if exercise_type:
            stmt = stmt.where(m.Exercise.exercise_type == exercise_type)
        if since is not None:
            stmt = stmt.where(m.Exercise.ends_on >= since.isoformat())
        rows = list(s.scalars(stmt))
    rows.sort(key=lambda e: (e.name or "", e.id))
    rows.sort(key=lambda e: e.starts_on or "", reverse=True)
    return rows


def exercise_of_incident(store: Store, incident_id: str) -> m.Exercise | None:
    """The exercise an incident plays, if it plays one."""
    with store.read() as s:
        stmt = select(m.Exercise).where(
            m.Exercise.incident_id == incident_id, m.Exercise.deleted.is_(False)
        )
        return s.scalars(stmt.order_by(m.Exercise.id)).first()


def capabilities_of(objectives: Iterable[m.ExerciseObjective]) -> set[str]:
    """The capabilities (1-4) the objectives exercise, objectives rolled up."""
    return {aspr.capability_of(ref) for o in objectives for ref in (o.capabilities or ())}


@dataclass(frozen=True)
class ExerciseView:
    exercise: m.Exercise
    objectives: list[m.ExerciseObjective]
    participants: dict[str, str]
    incident: m.Incident | None

    def as_dict(self) -> dict[str, Any]:
        e, ref = self.exercise, aspr.load()
        return {
            "id": e.id, "name": e.name, "type": e.exercise_type,
            "discussion_based": e.exercise_type not in OPERATIONS_BASED,
            "starts_on": e.starts_on, "ends_on": e.ends_on, "scenario": e.scenario,
            "hazard": e.hazard, "hva_hazard_id": e.hva_hazard_id, "location": e.location,
            "sponsor": e.sponsor, "notes": e.notes,
            "participants": [{"id": k, "name": v} for k, v in self.participants.items()],
            "incident_id": e.incident_id,
            "incident": self.incident.name if self.incident else None,
            "capabilities": sorted(capabilities_of(self.objectives)),
            "objectives": [
                {"number": o.number, "text": o.text, "capabilities": list(o.capabilities or []),
                 "labels": [ref.label(c) for c in o.capabilities or ()]}
                for o in self.objectives
            ],
        }  # fmt: skip


def view(store: Store, *, exercise_id: str) -> ExerciseView:
    with store.read() as s:
        e = get_live(s, m.Exercise, exercise_id, "exercise")
        objectives = _objectives(s, e.id)
        names = {o.id: o.name or "" for o in s.scalars(select(m.Organization))}
        incident = s.get(m.Incident, e.incident_id) if e.incident_id else None
    people = {
        i: names.get(i, i) for i in sorted(e.participants or (), key=lambda i: names.get(i, i))
    }
    live = incident if incident is not None and not incident.deleted else None
    return ExerciseView(e, objectives, people, live)
