"""The coalition's 24/7 duty schedule: planned shifts of the duty officer (and of any
other standing role, such as the notification center technician), outside incidents.

The MSCC handbook asks that notification and the escalation decision run all the time,
so what matters most on this schedule is where nobody is on call: gaps are derived from
the shifts of a role over a window, never stored, so moving a shift closes or opens a
gap without anyone editing one. Shifts of the same role may overlap (a handover
overlap of half an hour is good practice); overlapping shifts simply cover the time
together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.services.common import (
    Actor,
    optional_text,
    require_choice,
    require_text,
    resolve_prefix,
)
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import normalise, parse_iso

#: Standing roles a coalition keeps on call around the clock.
ROLES: dict[str, str] = {
    "duty_officer": "Duty Officer",
    "notification_center": "Notification Center",
    "backup_duty_officer": "Backup Duty Officer",
}
#: A shift longer than this is surely a typing error (a month instead of a day).
MAX_SHIFT_HOURS = 7 * 24


def role_label(code: str | None) -> str:
    return ROLES.get(code or "", (code or "").replace("_", " ").title())


def _times(starts: Any, ends: Any) -> dict[str, str]:
    start = normalise("starts_at", starts)
    end = normalise("ends_at", ends)
    if start is None:
        raise ValidationError("starts_at", "a shift needs a start")
    if end is None:
        raise ValidationError("ends_at", "a shift needs an end")
    if end <= start:
        raise ValidationError("ends_at", f"{end} is not after the start {start}")
    hours = (parse_iso(end) - parse_iso(start)).total_seconds() / 3600
    if hours > MAX_SHIFT_HOURS:
        raise ValidationError("ends_at", f"a shift of {hours:.0f} hours; at most {MAX_SHIFT_HOURS}")
    return {"starts_at": start, "ends_at": end}


def add_shift(
    store: Store,
    *,
    actor: Actor,
    person: str,
    starts_at: Any,
    ends_at: Any,
    role: str = "duty_officer",
    phone: str | None = None,
    email: str | None = None,
    notes: str | None = None,
    record_id: str | None = None,
) -> str:
    code = require_choice("role", role, ROLES)
    who = require_text("person", person, max_len=120)
    values = {
        "role": code,
        "person": who,
        "notes": optional_text("notes", notes, max_len=2000),
        "contact": {
            "phone": optional_text("phone", phone, max_len=40),
            "email": optional_text("email", email, max_len=200),
        },
        "times": _times(starts_at, ends_at),
        "deleted": False,
    }
    rid = record_id or uuid7(store.wall())
    with store.writing(operator=actor.label, summary=f"Duty shift {who}") as w:
        w.put("duty_shift", rid, values, new=record_id is None)
    return rid


def update_shift(store: Store, *, actor: Actor, shift_id: str, **fields: Any) -> list[str]:
    """Change some of person, role, phone, email, starts_at, ends_at, notes; returns
    the names of those that changed. A new start or end is checked with the other."""
    allowed = {"person", "role", "phone", "email", "starts_at", "ends_at", "notes"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(sorted(unknown)[0], "not a duty shift field")
    with store.writing(operator=actor.label, summary="Edit duty shift") as w:
        row = resolve_prefix(w.session, m.DutyShift, shift_id, "shift")
        changed: dict[str, Any] = {}
        names: list[str] = []
        if "person" in fields:
            changed["person"] = require_text("person", fields["person"], max_len=120)
        if "role" in fields:
            changed["role"] = require_choice("role", fields["role"], ROLES)
        if "notes" in fields:
            changed["notes"] = optional_text("notes", fields["notes"], max_len=2000)
        changed = {k: v for k, v in changed.items() if getattr(row, k) != v}
        names.extend(changed)
        if "phone" in fields or "email" in fields:
            contact = {
                "phone": optional_text("phone", fields.get("phone", row.phone), max_len=40),
                "email": optional_text("email", fields.get("email", row.email), max_len=200),
            }
            if contact != {"phone": row.phone, "email": row.email}:
                changed["contact"] = contact
                names.extend(k for k in contact if contact[k] != getattr(row, k))
        if "starts_at" in fields or "ends_at" in fields:
            times = _times(
                fields.get("starts_at", row.starts_at), fields.get("ends_at", row.ends_at)
            )
            if times != {"starts_at": row.starts_at, "ends_at": row.ends_at}:
                changed["times"] = times
                names.extend(k for k in times if times[k] != getattr(row, k))
        if changed:
            w.put("duty_shift", row.id, changed)
    return sorted(names)


def remove_shift(store: Store, *, actor: Actor, shift_id: str) -> m.DutyShift:
    with store.writing(operator=actor.label, summary="Remove duty shift") as w:
        row = resolve_prefix(w.session, m.DutyShift, shift_id, "shift")
        w.put("duty_shift", row.id, {"deleted": True})
        rid = row.id
    with store.read() as s:
        return s.get_one(m.DutyShift, rid)


@dataclass(frozen=True)
class Slot:
    """One line of the schedule: a shift, or a gap (`shift` None) where nobody of the
    role is on call."""

    starts_at: str
    ends_at: str
    shift: m.DutyShift | None

    @property
    def gap(self) -> bool:
        return self.shift is None

    def as_dict(self) -> Mapping[str, Any]:
        s = self.shift
        return {
            "starts_at": self.starts_at, "ends_at": self.ends_at, "gap": self.gap,
            "id": s.id if s else None, "role": s.role if s else None,
            "person": s.person if s else None, "phone": s.phone if s else None,
            "email": s.email if s else None, "notes": s.notes if s else None,
        }  # fmt: skip


def shifts(store: Store, *, role: str | None = None) -> list[m.DutyShift]:
    with store.read() as s:
        stmt = select(m.DutyShift).where(m.DutyShift.deleted.is_(False))
        if role:
            stmt = stmt.where(m.DutyShift.role == role)
        return list(s.scalars(stmt.order_by(m.DutyShift.starts_at, m.DutyShift.id)))


def schedule(store: Store, *, start: str, end: str, role: str = "duty_officer") -> list[Slot]:
    """The role's shifts that touch [start, end), in start order, with the gaps between
    them (and at either edge of the window) as slots of their own."""
    code = require_choice("role", role, ROLES)
    lo = normalise("from", start) or ""
    hi = normalise("to", end) or ""
    if hi <= lo:
        raise ValidationError("to", f"{hi} is not after {lo}")
    rows = [
        r for r in shifts(store, role=code) if (r.starts_at or "") < hi and (r.ends_at or "") > lo
    ]
    out: list[Slot] = []
    covered = lo
    for r in rows:
        s_at, e_at = r.starts_at or lo, r.ends_at or hi
        if s_at > covered:
            out.append(Slot(covered, s_at, None))
        out.append(Slot(s_at, e_at, r))
        covered = max(covered, e_at)
    if covered < hi:
        out.append(Slot(covered, hi, None))
    return out


def gaps(store: Store, *, start: str, end: str, role: str = "duty_officer") -> list[Slot]:
    return [s for s in schedule(store, start=start, end=end, role=role) if s.gap]


def on_call(store: Store, *, at: str, role: str = "duty_officer") -> list[m.DutyShift]:
    """Whose shift covers `at` (several during a handover overlap)."""
    when = normalise("at", at) or ""
    return [
        r
        for r in shifts(store, role=require_choice("role", role, ROLES))
        if (r.starts_at or "") <= when < (r.ends_at or "")
    ]
