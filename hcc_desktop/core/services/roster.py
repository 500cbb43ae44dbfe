"""The position roster of an incident: who holds duty officer, EEI desk, logistics...
from sign-in to sign-out, with a contact, per operational period.

Single-holder positions (the duty officer, the incident commander and the section
chiefs) have one person at a time: a sign-in while someone holds the position is
refused unless it relieves them (`relieve=True` signs the holder out at the same
moment, in the same transaction, as at a shift change). Staff positions (EEI desk,
logistics, communications...) may have several people at once. Two stations that sign
in different duty officers while apart both keep their row after sync: the roster then
shows two holders and `holders()` returns both, so the status bar can say so instead of
silently picking one.

A sign-out is never before the sign-in, and a row is signed out once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.services.common import (
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
    resolve_prefix,
)
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise

#: ICS positions of a coalition's response, in the order rosters list them.
POSITIONS: dict[str, str] = {
    "duty_officer": "Duty Officer",
    "incident_commander": "Incident Commander",
    "operations_chief": "Operations Section Chief",
    "planning_chief": "Planning Section Chief",
    "logistics_chief": "Logistics Section Chief",
    "eei_desk": "EEI Desk",
    "situation_unit": "Situation Unit",
    "resource_unit": "Resource Unit",
    "logistics": "Logistics",
    "planning": "Planning",
    "communications": "Communications",
    "liaison": "Liaison",
    "documentation": "Documentation",
}
#: One person at a time (a relief signs the previous holder out).
SINGLE_HOLDER: frozenset[str] = frozenset(
    {"duty_officer", "incident_commander", "operations_chief", "planning_chief",
     "logistics_chief"}
)  # fmt: skip


def position_label(code: str | None) -> str:
    return POSITIONS.get(code or "", (code or "").replace("_", " ").title())


@dataclass(frozen=True)
class Assignment:
    """A roster row as shown: the record plus the names it points at."""

    row: m.PositionAssignment
    organization: str
    period: int | None

    @property
    def on_duty(self) -> bool:
        return self.row.signed_out_at is None

    def as_dict(self) -> dict[str, Any]:
        r = self.row
        return {
            "id": r.id, "incident_id": r.incident_id, "period": self.period,
            "position": r.position, "position_label": position_label(r.position),
            "person": r.person, "organization_id": r.organization_id,
            "organization": self.organization or None, "phone": r.phone, "email": r.email,
            "signed_in_at": r.signed_in_at, "signed_out_at": r.signed_out_at,
            "on_duty": self.on_duty, "notes": r.notes,
        }  # fmt: skip


def _period_id(session: Session, incident_id: str, number: Any, at: str) -> str | None:
    """The period asked for by number, else the period running at `at` (none is fine:
    an incident's first hours often have no period yet)."""
    if number is not None and str(number).strip() != "":
        try:
            wanted = int(str(number).strip())
        except ValueError:
            raise ValidationError("period", f"expected a period number, got {number!r}") from None
        row = session.scalar(
            select(m.OperationalPeriod).where(
                m.OperationalPeriod.incident_id == incident_id,
                m.OperationalPeriod.number == wanted,
                m.OperationalPeriod.deleted.is_(False),
            )
        )
        if row is None:
            raise ValidationError("period", f"the incident has no operational period {wanted}")
        return row.id
    for p in session.scalars(
        select(m.OperationalPeriod).where(
            m.OperationalPeriod.incident_id == incident_id,
            m.OperationalPeriod.deleted.is_(False),
        )
    ):
        if (p.starts_at or "") <= at and (p.ends_at is None or at < p.ends_at):
            return p.id
    return None


def _holding(session: Session, incident_id: str, position: str, at: str) -> list[Any]:
    """Rows of the position whose time overlaps [at, open end): still signed in, or
    signed out after `at`."""
    rows = session.scalars(
        select(m.PositionAssignment).where(
            m.PositionAssignment.incident_id == incident_id,
            m.PositionAssignment.position == position,
            m.PositionAssignment.deleted.is_(False),
        )
    )
    return [r for r in rows if r.signed_out_at is None or r.signed_out_at > at]


def sign_in(
    store: Store,
    *,
    actor: Actor,
    incident_id: str,
    position: str,
    person: str,
    at: str | None = None,
    period: int | str | None = None,
    organization_id: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    notes: str | None = None,
    relieve: bool = False,
    record_id: str | None = None,
) -> str:
    """Sign a person in to a position; returns the roster row's id.

    For a single-holder position held at `at` (or later), `relieve=True` signs the
    holder out at `at`; without it the sign-in is refused, naming the holder."""
    code = require_choice("position", position, POSITIONS)
    who = require_text("person", person, max_len=120)
    summary = f"{who} signed in as {position_label(code)}"
    with store.writing(operator=actor.label, summary=summary) as w:
        inc = get_live(w.session, m.Incident, incident_id, "incident")
        when = normalise("signed_in_at", at) or from_ms(store.wall())
        if inc.started_at and when < inc.started_at:
            raise ValidationError("signed_in_at", f"before the incident started ({inc.started_at})")
        org = (
            get_live(w.session, m.Organization, organization_id, "organization").id
            if (organization_id)
            else None
        )
        values = {
            "incident_id": inc.id,
            "period_id": _period_id(w.session, inc.id, period, when),
            "position": code,
            "person": who,
            "organization_id": org,
            "notes": optional_text("notes", notes, max_len=2000),
            "contact": {
                "phone": optional_text("phone", phone, max_len=40),
                "email": optional_text("email", email, max_len=200),
            },
            "shift": {"signed_in_at": when, "signed_out_at": None},
            "deleted": False,
        }
        current = _holding(w.session, inc.id, code, when)
        same = [r for r in current if (r.person or "").casefold() == who.casefold()]
        if same:
            raise ValidationError("person", f"{who} is already signed in as {position_label(code)}")
        if code in SINGLE_HOLDER and current:
            later = [r for r in current if (r.signed_in_at or "") > when]
            if later or not relieve:
                holder = (later or current)[0]
                raise ValidationError(
                    "position",
                    f"{position_label(code)} is held by {holder.person} from "
                    f"{holder.signed_in_at}"
                    + ("" if later else "; sign them out first or relieve them"),
                )
            for r in current:
                w.put(
                    "position_assignment",
                    r.id,
                    {"shift": {"signed_in_at": r.signed_in_at, "signed_out_at": when}},
                )
        rid = record_id or uuid7(store.wall())
        w.put("position_assignment", rid, values, new=record_id is None)
    return rid


def sign_out(
    store: Store, *, actor: Actor, assignment_id: str, at: str | None = None
) -> m.PositionAssignment:
    """End a roster row; refused when already signed out or before the sign-in."""
    with store.writing(operator=actor.label, summary="Sign out") as w:
        row = resolve_prefix(w.session, m.PositionAssignment, assignment_id, "assignment")
        if row.signed_out_at is not None:
            raise ValidationError(
                "assignment", f"{row.person} signed out already at {row.signed_out_at}"
            )
        when = normalise("signed_out_at", at) or from_ms(store.wall())
        if when < (row.signed_in_at or ""):
            raise ValidationError(
                "signed_out_at", f"{when} is before the sign-in at {row.signed_in_at}"
            )
        w.put(
            "position_assignment",
            row.id,
            {"shift": {"signed_in_at": row.signed_in_at, "signed_out_at": when}},
        )
        rid = row.id
    with store.read() as s:
        return s.get_one(m.PositionAssignment, rid)


def update_contact(
    store: Store,
    *,
    actor: Actor,
    assignment_id: str,
    phone: str | None = None,
    email: str | None = None,
) -> None:
    """A holder's phone or e-mail changed during the shift (a radio, a borrowed cell)."""
    with store.writing(operator=actor.label, summary="Roster contact") as w:
        row = resolve_prefix(w.session, m.PositionAssignment, assignment_id, "assignment")
        w.put(
            "position_assignment",
            row.id,
            {
                "contact": {
                    "phone": optional_text("phone", phone, max_len=40),
                    "email": optional_text("email", email, max_len=200),
                }
            },
        )


def remove(store: Store, *, actor: Actor, assignment_id: str) -> None:
    """A row entered by mistake (undo and sync keep the record of it)."""
    with store.writing(operator=actor.label, summary="Remove roster row") as w:
        row = resolve_prefix(w.session, m.PositionAssignment, assignment_id, "assignment")
        w.put("position_assignment", row.id, {"deleted": True})


def _order(a: Assignment) -> tuple[int, str, str]:
    codes = list(POSITIONS)
    rank = codes.index(a.row.position) if a.row.position in codes else len(codes)
    return rank, a.row.signed_in_at or "", a.row.id


def roster(
    store: Store,
    *,
    incident_id: str,
    period: int | None = None,
    on_duty: bool = False,
) -> list[Assignment]:
    """The roster of an incident (of one period when asked), positions in ICS order,
    then by sign-in."""
    with store.read() as s:
        numbers = {
            p.id: p.number
            for p in s.scalars(
                select(m.OperationalPeriod).where(m.OperationalPeriod.incident_id == incident_id)
            )
        }
        names = {o.id: o.name or "" for o in s.scalars(select(m.Organization))}
        rows = list(
            s.scalars(
                select(m.PositionAssignment).where(
                    m.PositionAssignment.incident_id == incident_id,
                    m.PositionAssignment.deleted.is_(False),
                )
            )
        )
    out = [
        Assignment(r, names.get(r.organization_id or "", ""), numbers.get(r.period_id or ""))
        for r in rows
    ]
    if period is not None:
        out = [a for a in out if a.period == period]
    if on_duty:
        out = [a for a in out if a.on_duty]
    return sorted(out, key=_order)


def holders(
    store: Store, *, incident_id: str, position: str | None = None, at: str | None = None
) -> list[Assignment]:
    """Who holds positions at `at` (default: now): signed in by then, not yet out."""
    when = normalise("at", at) or from_ms(store.wall())
    out = [
        a
        for a in roster(store, incident_id=incident_id)
        if (a.row.signed_in_at or "") <= when
        and (a.row.signed_out_at is None or a.row.signed_out_at > when)
    ]
    if position is not None:
        out = [a for a in out if a.row.position == position]
    return out


def served(
    store: Store, *, incident_id: str, start: str | None, end: str | None
) -> list[Assignment]:
    """Everyone on the roster during [start, end) (either open): the "resources
    assigned" of an ICS 214 for that time."""
    return [
        a
        for a in roster(store, incident_id=incident_id)
        if (end is None or (a.row.signed_in_at or "") < end)
        and (start is None or a.row.signed_out_at is None or a.row.signed_out_at > start)
    ]
