"""Incidents (activations and exercises) and their operational periods.

Each operational period carries the due time of its EEI reports: timeliness of
reporting, a figure the coalition is judged by, is measured against it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import INCIDENT_STATUSES, INCIDENT_TYPES
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.ids import natural_id, uuid7
from hcc_desktop.core.services.common import (
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
    resolve_prefix,
)
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import add_hours, from_ms, normalise, parse_iso, to_iso

CURRENT_KEY = "current_incident"
#: The longest operational period an operator may open in one step (a week).
MAX_PERIOD_HOURS = 168
#: The coalition's usual operational period, used where nothing else says how long the
#: first one lasts (an incident opened from an alert without an expiry).
DEFAULT_PERIOD_HOURS = 12.0


def period_id(incident_id: str, number: int) -> str:
    return natural_id("period", incident_id, number)


def create_incident(
    store: Store,
    *,
    actor: Actor,
    name: str,
    incident_type: str = "other",
    status: str = "active",
    exercise: bool = False,
    description: str = "",
    started_at: str | None = None,
    region_ids: list[str] | None = None,
    record_id: str | None = None,
    make_current: bool = True,
    first_period_hours: float | None = None,
) -> str:
    """A new incident, made current unless told otherwise. With `first_period_hours`
    its first operational period starts with it, in the same transaction: an operator
    whose period is refused must not be left with an incident that a second press of
    Save would duplicate."""
    values: dict[str, Any] = {
        "name": require_text("name", name, max_len=200),
        "incident_type": require_choice("incident_type", incident_type, INCIDENT_TYPES),
        "status": require_choice("status", status, INCIDENT_STATUSES),
        "exercise": bool(exercise),
        "description": optional_text("description", description, max_len=10_000),
        "started_at": normalise("started_at", started_at) or from_ms(store.wall()),
        "ended_at": None,
        "region_ids": sorted(region_ids) if region_ids else None,
        "deleted": False,
    }
    rid = record_id or uuid7(store.wall())
    with store.atomic():
        with store.writing(operator=actor.label, summary=f"New incident {name}") as w:
            for region in region_ids or ():
                get_live(w.session, m.Region, region, "region_ids")
            w.put("incident", rid, values, new=record_id is None)
        if first_period_hours is not None:
            if not 0 < first_period_hours <= MAX_PERIOD_HOURS:
                raise ValidationError(
                    "first_period_hours", f"between 0 and {MAX_PERIOD_HOURS} hours"
                )
            start = values["started_at"]
            add_period(
                store,
                actor=actor,
                incident_id=rid,
                starts_at=start,
                ends_at=add_hours(start, first_period_hours),
            )
        if make_current:
            store.set_setting(CURRENT_KEY, rid)
    return rid


def update_incident(store: Store, *, actor: Actor, incident_id: str, **fields: Any) -> list[str]:
    allowed = {"name", "incident_type", "status", "exercise", "description", "ended_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(sorted(unknown)[0], "not an incident field that can be changed")
    with store.writing(operator=actor.label, summary="Edit incident") as w:
        inc = get_live(w.session, m.Incident, incident_id, "incident")
        values: dict[str, Any] = {}
        for key, raw in fields.items():
            if key == "name":
                values[key] = require_text("name", raw, max_len=200)
            elif key == "incident_type":
                values[key] = require_choice(key, raw, INCIDENT_TYPES)
            elif key == "status":
                values[key] = require_choice(key, raw, INCIDENT_STATUSES)
            elif key == "exercise":
                values[key] = bool(raw)
            elif key == "ended_at":
                values[key] = normalise(key, raw)
                if values[key] and inc.started_at and values[key] < inc.started_at:
                    raise ValidationError(key, "the incident cannot end before it started")
            else:
                values[key] = optional_text(key, raw, max_len=10_000)
        changed = {k: v for k, v in values.items() if getattr(inc, k) != v}
        if changed:
            w.put("incident", inc.id, changed)
    return sorted(changed)


def add_period(
    store: Store,
    *,
    actor: Actor,
    incident_id: str,
    starts_at: str,
    ends_at: str,
    eei_due_at: str | None = None,
    objectives: str = "",
    number: int | None = None,
) -> int:
    """Add the next operational period (or the numbered one). EEIs are due at
    `eei_due_at`, by default two hours into the period."""
    with store.writing(operator=actor.label, summary="New operational period") as w:
        inc = get_live(w.session, m.Incident, incident_id, "incident")
        start = normalise("starts_at", starts_at)
        end = normalise("ends_at", ends_at)
        assert start is not None and end is not None
        if end <= start:
            raise ValidationError("ends_at", "must be after the start of the period")
        if inc.started_at and start < inc.started_at:
            raise ValidationError("starts_at", f"before the incident started ({inc.started_at})")
        if inc.ended_at and start >= inc.ended_at:
            raise ValidationError("starts_at", f"after the incident ended ({inc.ended_at})")
        due = normalise("eei_due_at", eei_due_at) or to_iso(parse_iso(start) + timedelta(hours=2))
        if not start <= due <= end:
            raise ValidationError("eei_due_at", "must fall within the period")
        existing = _periods(w.session, inc.id)
        if number is None:
            number = (existing[-1].number or 0) + 1 if existing else 1
        if number < 1:
            raise ValidationError("number", "periods are numbered from 1")
        if any(p.number == number for p in existing):
            raise ValidationError("number", f"period {number} exists already")
        for p in existing:
            if p.starts_at and p.ends_at and start < p.ends_at and p.starts_at < end:
                raise ValidationError(
                    "starts_at",
                    f"overlaps operational period {p.number} ({p.starts_at}–{p.ends_at})",
                )
        w.put(
            "period",
            period_id(inc.id, number),
            {
                "incident_id": inc.id,
                "number": number,
                "starts_at": start,
                "ends_at": end,
                "eei_due_at": due,
                "objectives": optional_text("objectives", objectives, max_len=10_000),
                "deleted": False,
            },
        )
    return number


def _periods(session: Session, incident_id: str) -> list[m.OperationalPeriod]:
    stmt = (
        select(m.OperationalPeriod)
        .where(
            m.OperationalPeriod.incident_id == incident_id,
            m.OperationalPeriod.deleted.is_(False),
        )
        .order_by(m.OperationalPeriod.number)
    )
    return list(session.scalars(stmt))


def list_periods(store: Store, *, incident_id: str) -> list[m.OperationalPeriod]:
    with store.read() as s:
        return _periods(s, incident_id)


def get_period(
    session: Session, incident_id: str, number: int, field: str = "period"
) -> m.OperationalPeriod:
    row = session.get(m.OperationalPeriod, period_id(incident_id, number))
    if row is None or row.deleted:
        raise ValidationError(
            field, f"period {number} is not an operational period of this incident"
        )
    return row


def period_at(store: Store, *, incident_id: str, moment: str) -> m.OperationalPeriod | None:
    """The period containing `moment` (the current one when given now)."""
    for p in list_periods(store, incident_id=incident_id):
        if p.starts_at and p.ends_at and p.starts_at <= moment < p.ends_at:
            return p
    return None


def list_incidents(store: Store) -> list[m.Incident]:
    with store.read() as s:
        stmt = (
            select(m.Incident)
            .where(m.Incident.deleted.is_(False))
            .order_by(m.Incident.started_at.desc(), m.Incident.id)
        )
        return list(s.scalars(stmt))


def get_incident(store: Store, ref: str) -> m.Incident:
    with store.read() as s:
        return resolve_prefix(s, m.Incident, ref, "incident")


def current_incident(store: Store) -> m.Incident | None:
    """The incident this station works on: the one chosen last, else the most recent
    active one."""
    chosen = store.get_setting(CURRENT_KEY)
    with store.read() as s:
        if chosen:
            row = s.get(m.Incident, chosen)
            if row is not None and not row.deleted:
                return row
    for inc in list_incidents(store):
        if inc.status != "closed":
            return inc
    return None


def resolve_incident(store: Store, ref: str | None) -> m.Incident:
    """An explicit incident, else the current one, else a refusal that says what to do."""
    if ref:
        return get_incident(store, ref)
    inc = current_incident(store)
    if inc is None:
        raise NotFoundError("incident", "no incident yet: create one or give --incident ID")
    return inc


def set_current_incident(store: Store, incident_id: str) -> None:
    store.set_setting(CURRENT_KEY, get_incident(store, incident_id).id)
