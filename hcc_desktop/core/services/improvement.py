"""The improvement plan (HSEEP AAR/IP, Appendix A): corrective actions, each answering
an area for improvement of an after-action report (or an issue named in words), with
its capability, capability element (POETE), owner member and point of contact, start
and due dates, and a status tracked to closure: open, in progress, complete or
cancelled.

Actions stay editable after their report is final: tracking them is what happens
after the report. "Overdue" is not stored: it depends on the day, so `action_rows`
judges it against the day it is given (an action still open after its due date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hcc_desktop.core import aspr
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import ACTION_OPEN, ACTION_STATUSES, CAPABILITY_ELEMENTS
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.services.common import (
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
)
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise, parse_date

SCHEDULE = ("starts_on", "due_on")
FIELDS = ("action", "capability", "element", "owner_org_id", "poc", "notes", *SCHEDULE)


def _day(field: str, raw: Any) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    return parse_date(field, str(raw).strip()).isoformat()


def _clean(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "action":
            out[key] = require_text("action", raw, max_len=10_000)
        elif key == "capability":
            out[key] = aspr.check_ref("capability", raw)
        elif key == "element":
            out[key] = require_choice("element", raw, CAPABILITY_ELEMENTS) if raw else None
        elif key == "owner_org_id":
            out[key] = get_live(session, m.Organization, raw, "owner").id
        elif key == "poc":
            out[key] = optional_text("poc", raw, max_len=200)
        elif key == "notes":
            out[key] = optional_text("notes", raw, max_len=10_000)
        elif key in SCHEDULE:
            out[key] = _day(key, raw)
        else:
            raise ValidationError(key, "not a corrective-action field")
    return out


def _fold_schedule(values: dict[str, Any], current: m.CorrectiveAction | None) -> None:
    given = {k: values.pop(k) for k in SCHEDULE if k in values}
    if not given:
        return
    schedule = {k: getattr(current, k, None) for k in SCHEDULE}
    schedule.update(given)
    if schedule["starts_on"] and schedule["due_on"] and schedule["due_on"] < schedule["starts_on"]:
        raise ValidationError(
            "due_on", f"{schedule['due_on']} is before the start on {schedule['starts_on']}"
        )
    values["schedule"] = schedule


def _issue(
    session: Session, aar_id: str | None, finding_id: str | None, issue: Any
) -> dict[str, Any]:
    """What the action answers: an area for improvement of a report (its wording by
    default), or an issue in words, within a report or on its own."""
    text = optional_text("issue", issue, max_len=10_000)
    if finding_id:
        f = get_live(session, m.AarFinding, finding_id, "finding")
        if f.kind != "improvement":
            raise ValidationError("finding", "a corrective action answers an area for improvement")
        if aar_id and aar_id != f.aar_id:
            raise ValidationError("aar", "the finding belongs to another after-action report")
        return {"aar_id": f.aar_id, "finding_id": f.id, "issue": text or f.text}
    if aar_id:
        get_live(session, m.Aar, aar_id, "aar")
    if not text:
        raise ValidationError("issue", "name the area for improvement (a finding) or the issue")
    return {"aar_id": aar_id or None, "finding_id": None, "issue": text}


def add_action(
    store: Store,
    *,
    actor: Actor,
    record_id: str | None = None,
    aar_id: str | None = None,
    finding_id: str | None = None,
    issue: str | None = None,
    status: str = "open",
    at: str | None = None,
    **fields: Any,
) -> str:
    """A corrective action; the action, its capability and owner member are
    required, and what it answers (a finding, or an issue in words)."""
    state = require_choice("status", status, ACTION_STATUSES)
    with store.writing(operator=actor.label, summary="New corrective action") as w:
        values = _clean(w.session, fields)
        for required, name in (("action", "action"), ("capability", "capability"),
                               ("owner_org_id", "owner")):  # fmt: skip
            if not values.get(required):
                raise ValidationError(name, "required for a corrective action")
        values["issue"] = _issue(w.session, aar_id, finding_id, issue)
        _fold_schedule(values, None)
        values.setdefault("schedule", {k: None for k in SCHEDULE})
        for key in ("element", "poc", "notes"):
            values.setdefault(key, None)
        rid = record_id or uuid7(store.wall())
        if record_id and w.session.get(m.CorrectiveAction, record_id) is not None:
            raise ValidationError("id", f"a corrective action with id {record_id} exists already")
        values["status"] = {"status": state, "status_by": actor.label, "status_note": None,
                            "status_at": normalise("at", at) or from_ms(store.wall())}  # fmt: skip
        w.put("corrective_action", rid, {**values, "deleted": False}, new=record_id is None)
    return rid


def update_action(store: Store, *, actor: Actor, action_id: str, **fields: Any) -> list[str]:
    """Change some fields (not the status: `set_status`); returns those that changed."""
    with store.writing(operator=actor.label, summary="Edit corrective action") as w:
        row = get_live(w.session, m.CorrectiveAction, action_id, "action")
        issue_keys = {k: fields.pop(k) for k in ("aar_id", "finding_id", "issue") if k in fields}
        values = _clean(w.session, fields)
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        names = sorted(changed)
        if issue_keys:
            issue = _issue(w.session, issue_keys.get("aar_id", row.aar_id),
                           issue_keys.get("finding_id", row.finding_id),
                           issue_keys.get("issue", row.issue))  # fmt: skip
            if issue != {k: getattr(row, k) for k in ("aar_id", "finding_id", "issue")}:
                changed["issue"] = issue
                names = sorted({*names, *issue_keys})
        _fold_schedule(changed, row)
        if changed:
            w.put("corrective_action", row.id, changed)
    return names


def set_status(
    store: Store,
    *,
    actor: Actor,
    action_id: str,
    status: str,
    note: str | None = None,
    at: str | None = None,
) -> bool:
    """Move an action (closing it is `complete` or `cancelled`; reopening is `open`);
    who, when and why go with the status. Returns whether it changed."""
    new = require_choice("status", status, ACTION_STATUSES)
    why = optional_text("note", note, max_len=2000)
    with store.writing(operator=actor.label, summary=f"Corrective action → {new}") as w:
        row = get_live(w.session, m.CorrectiveAction, action_id, "action")
        if row.status == new and (why is None or why == row.status_note):
            return False
        w.put("corrective_action", row.id, {"status": {
            "status": new, "status_by": actor.label, "status_note": why,
            "status_at": normalise("at", at) or from_ms(store.wall()),
        }})  # fmt: skip
    return True


def delete_action(store: Store, *, actor: Actor, action_id: str) -> None:
    with store.writing(operator=actor.label, summary="Remove corrective action") as w:
        row = get_live(w.session, m.CorrectiveAction, action_id, "action")
        w.put("corrective_action", row.id, {"deleted": True})


# ------------------------------------------------------------------ the matrix


@dataclass(frozen=True)
class ActionRow:
    action: m.CorrectiveAction
    owner: str
    overdue: bool
    #: Days past the due date while still open (negative: days left); None without one
    #: or once closed.
    days_overdue: int | None

    @property
    def is_open(self) -> bool:
        return self.action.status in ACTION_OPEN

    def as_dict(self) -> dict[str, Any]:
        a = self.action
        return {
            "id": a.id, "aar_id": a.aar_id, "finding_id": a.finding_id, "issue": a.issue,
            "capability": a.capability, "action": a.action, "element": a.element,
            "owner_id": a.owner_org_id, "owner": self.owner, "poc": a.poc,
            "starts_on": a.starts_on, "due_on": a.due_on, "status": a.status,
            "status_by": a.status_by, "status_at": a.status_at, "status_note": a.status_note,
            "open": self.is_open, "overdue": self.overdue, "days_overdue": self.days_overdue,
            "notes": a.notes,
        }  # fmt: skip


def action_rows(
    store: Store,
    *,
    today: dt.date,
    aar_id: str | None = None,
    owner_org_id: str | None = None,
    status: str | None = None,
) -> list[ActionRow]:
    """The improvement plan as of `today`: overdue first (longest overdue first), then
    open ones by due date, then closed ones."""
    a = m.CorrectiveAction
    with store.read() as s:
        stmt = select(a).where(a.deleted.is_(False))
        if aar_id:
            stmt = stmt.where(a.aar_id == aar_id)
        if owner_org_id:
            stmt = stmt.where(a.owner_org_id == owner_org_id)
        if status:
            stmt = stmt.where(a.status == status)
        rows = list(s.scalars(stmt))
        names = {o.id: o.name or "" for o in s.scalars(select(m.Organization))}
    out = []
    for r in rows:
        days = None
        if r.status in ACTION_OPEN and r.due_on:
            days = (today - dt.date.fromisoformat(r.due_on)).days
        out.append(ActionRow(r, names.get(r.owner_org_id or "", ""), days is not None and days > 0,
                             days))  # fmt: skip
    out.sort(key=lambda x: (not x.overdue, not x.is_open, x.action.due_on or "9999",
                            x.action.capability or "", x.action.id))  # fmt: skip
    return out
