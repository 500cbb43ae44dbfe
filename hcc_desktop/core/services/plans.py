"""The plans register: the coalition's response plan and annexes and each member's
COOP, with the edition in force and when it is due for review.

"Overdue" is not stored: it depends on today, so `plan_rows` compares the review date
with the day it is given (the CLI and GUI give the operator's local date), and a plan
that was current yesterday is overdue today without anyone editing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import CAPABILITIES, PLAN_TYPES
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
from hcc_desktop.core.timeutil import parse_date

#: A review due within this many days is "due soon".
DUE_SOON_DAYS = 60
EDITION = ("version", "approved_on", "review_due")
PLAN_FIELDS = ("title", "plan_type", "owner_org_id", "capabilities", "notes", *EDITION)


def _day(field: str, raw: Any) -> str | None:
    if raw is None or str(raw).strip() == "":
        return None
    return parse_date(field, str(raw).strip()).isoformat()


def _capabilities(raw: Any) -> list[str]:
    items: Iterable[Any] = raw.split(",") if isinstance(raw, str) else (raw or ())
    out = sorted({str(x).strip() for x in items if str(x).strip()})
    for item in out:
        if item not in CAPABILITIES:
            raise ValidationError(
                "capabilities", f"expected ASPR capabilities 1 to 4, got {item!r}"
            )
    return out


def _clean(session: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in data.items():
        if key == "title":
            out[key] = require_text("title", raw, max_len=200)
        elif key == "plan_type":
            out[key] = require_choice("plan_type", raw, PLAN_TYPES)
        elif key == "owner_org_id":
            out[key] = get_live(session, m.Organization, raw, "owner").id
        elif key == "capabilities":
            out[key] = _capabilities(raw)
        elif key == "version":
            out[key] = optional_text("version", raw, max_len=40)
        elif key in ("approved_on", "review_due"):
            out[key] = _day(key, raw)
        elif key == "notes":
            out[key] = optional_text("notes", raw, max_len=10_000)
        else:
            raise ValidationError(key, "not a plan field")
    return out


def _fold_edition(values: dict[str, Any], current: m.Plan | None) -> None:
    """Version, approval and review dates as one `edition` value, completed from the
    record; a review cannot fall due before the approval."""
    given = {k: values.pop(k) for k in EDITION if k in values}
    if not given:
        return
    edition = {k: getattr(current, k, None) if current is not None else None for k in EDITION}
    edition.update(given)
    approved, due = edition["approved_on"], edition["review_due"]
    if approved and due and due < approved:
        raise ValidationError("review_due", f"{due} is before the approval on {approved}")
    values["edition"] = edition


def add_plan(store: Store, *, actor: Actor, record_id: str | None = None, **fields: Any) -> str:
    """A new plan; title, type and owner member are required."""
    with store.writing(operator=actor.label, summary=f"New plan {fields.get('title')}") as w:
        values = _clean(w.session, fields)
        for required, field in (("title", "title"), ("plan_type", "plan_type"),
                                ("owner_org_id", "owner")):  # fmt: skip
            if not values.get(required):
                raise ValidationError(field, "required for a new plan")
        values.setdefault("capabilities", [])
        _fold_edition(values, None)
        values.setdefault("edition", {k: None for k in EDITION})
        rid = record_id or uuid7(store.wall())
        if record_id and w.session.get(m.Plan, record_id) is not None:
            raise ValidationError("id", f"a plan with id {record_id} exists already")
        w.put("plan", rid, {**values, "deleted": False}, new=record_id is None)
    return rid


def update_plan(store: Store, *, actor: Actor, plan_id: str, **fields: Any) -> list[str]:
    """Change some fields (a new edition: version, approved, review due); returns the
    names of those that really changed."""
    with store.writing(operator=actor.label, summary="Edit plan") as w:
        row = get_live(w.session, m.Plan, plan_id, "plan")
        values = _clean(w.session, fields)
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        names = sorted(changed)
        _fold_edition(changed, row)
        if changed:
            w.put("plan", row.id, changed)
    return names


def delete_plan(store: Store, *, actor: Actor, plan_id: str) -> None:
    with store.writing(operator=actor.label, summary="Remove plan") as w:
        row = get_live(w.session, m.Plan, plan_id, "plan")
        w.put("plan", row.id, {"deleted": True})


@dataclass(frozen=True)
class PlanRow:
    plan: m.Plan
    owner: str
    #: "overdue", "due soon", "current" or "no review date".
    review: str
    #: Days past the review date (negative: days left); None without one.
    days_overdue: int | None

    @property
    def overdue(self) -> bool:
        return self.review == "overdue"

    def as_dict(self) -> dict[str, Any]:
        p = self.plan
        return {
            "id": p.id, "title": p.title, "type": p.plan_type, "owner_id": p.owner_org_id,
            "owner": self.owner, "capabilities": list(p.capabilities or []),
            "version": p.version, "approved_on": p.approved_on, "review_due": p.review_due,
            "review": self.review, "overdue": self.overdue, "days_overdue": self.days_overdue,
            "notes": p.notes,
        }  # fmt: skip


def review_state(review_due: str | None, today: dt.date) -> tuple[str, int | None]:
    if not review_due:
        return "no review date", None
    days = (today - dt.date.fromisoformat(review_due)).days
    if days > 0:
        return "overdue", days
    return ("due soon" if -days <= DUE_SOON_DAYS else "current"), days


def plan_rows(
    store: Store,
    *,
    today: dt.date,
    owner_org_id: str | None = None,
    plan_type: str | None = None,
) -> list[PlanRow]:
    """The register as of `today`: overdue first (longest overdue first), then by
    review date, then title."""
    with store.read() as s:
        stmt = select(m.Plan).where(m.Plan.deleted.is_(False))
        if owner_org_id:
            stmt = stmt.where(m.Plan.owner_org_id == owner_org_id)
        if plan_type:
            stmt = stmt.where(m.Plan.plan_type == plan_type)
        plans = list(s.scalars(stmt))
        names = {o.id: o.name or "" for o in s.scalars(select(m.Organization))}
    rows = []
    for p in plans:
        state, days = review_state(p.review_due, today)
        rows.append(PlanRow(p, names.get(p.owner_org_id or "", ""), state, days))
    rows.sort(key=lambda r: (not r.overdue, r.plan.review_due or "9999", r.plan.title or "",
                             r.plan.id))  # fmt: skip
    return rows
