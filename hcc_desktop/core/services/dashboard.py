"""The capability dashboard: for each ASPR capability (resources/aspr_capabilities.json),
how ready the coalition's records say it is on a given day.

- **Plans**: plans in the register that name the capability, by review state (as
  `plans.review_state` judges it: current or due soon, overdue, no review date).
- **Exercises**: exercises held in the twelve months up to the day (begun by then and
  not ended before the year began; one under way counts) with an objective mapped to
  the capability or to one of its objectives.
- **Corrective actions**: open ones (open or in progress) mapped to the capability, and
  how many of those are overdue (as `improvement.action_rows` judges it).
- **Members trained**: there is no training record yet, so this is derived: the
  distinct members that took part in one of those exercises. It counts exercise
  participation, not courses; a training register would replace it.

Everything is computed on read from the records and the day given, so it never needs
updating and two stations with the same data show the same dashboard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import aspr
from hcc_desktop.core import models as m
from hcc_desktop.core.services import exercises, improvement, plans
from hcc_desktop.core.store import Store

#: The look-back window for exercises held and members trained.
WINDOW_DAYS = 365


@dataclass
class CapabilityRow:
    capability: str
    name: str
    plans_current: int = 0
    plans_overdue: int = 0
    plans_no_date: int = 0
    exercises: list[dict[str, Any]] = field(default_factory=list)
    actions_open: int = 0
    actions_overdue: int = 0
    members_trained: int = 0

    @property
    def plans(self) -> int:
        return self.plans_current + self.plans_overdue + self.plans_no_date

    def as_dict(self) -> dict[str, Any]:
        return {
            "capability": self.capability, "name": self.name, "plans": self.plans,
            "plans_current": self.plans_current, "plans_overdue": self.plans_overdue,
            "plans_no_review_date": self.plans_no_date, "exercises": self.exercises,
            "exercises_held": len(self.exercises), "actions_open": self.actions_open,
            "actions_overdue": self.actions_overdue, "members_trained": self.members_trained,
        }  # fmt: skip


def dashboard(store: Store, *, today: dt.date) -> list[CapabilityRow]:
    """One row per capability of the reference edition, in its order."""
    rows = {c.id: CapabilityRow(c.id, c.name) for c in aspr.load().capabilities}
    for p in plans.plan_rows(store, today=today):
        for cap in {aspr.capability_of(c) for c in p.plan.capabilities or ()}:
            row = rows.get(cap)
            if row is None:
                continue
            if p.review == "no review date":
                row.plans_no_date += 1
            elif p.overdue:
                row.plans_overdue += 1
            else:
                row.plans_current += 1
    _exercises(store, today, rows)
    for a in improvement.action_rows(store, today=today):
        row = rows.get(aspr.capability_of(a.action.capability or ""))
        if row is not None and a.is_open:
            row.actions_open += 1
            row.actions_overdue += a.overdue
    return list(rows.values())


def _exercises(store: Store, today: dt.date, rows: dict[str, CapabilityRow]) -> None:
    since = today - dt.timedelta(days=WINDOW_DAYS)
    with store.read() as s:
        live = {o.id for o in s.scalars(select(m.Organization).where(
            m.Organization.deleted.is_(False)))}  # fmt: skip
    trained: dict[str, set[str]] = {cap: set() for cap in rows}
    for e in exercises.list_exercises(store, since=since):
        if not e.starts_on or e.starts_on > today.isoformat():
            continue
        caps = exercises.capabilities_of(exercises.list_objectives(store, exercise_id=e.id))
        held = {"id": e.id, "name": e.name, "type": e.exercise_type,
                "starts_on": e.starts_on, "ends_on": e.ends_on}  # fmt: skip
        for cap in sorted(caps & set(rows)):
            rows[cap].exercises.append(held)
            trained[cap].update(p for p in e.participants or () if p in live)
    for cap, members in trained.items():
        rows[cap].members_trained = len(members)
