"""Who reported EEIs when: the periods each facility reported in, the newest report of
a period, each facility's first report of a period (from the version history) and
timeliness by eei.timeliness's rule, read with few, narrow queries for the briefing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.pgsql import json_text
from hcc_desktop.core.store import Store
from hcc_desktop.reports.stored_rows import read_rows


def reported_periods(store: Store, *, incident_id: str) -> dict[str, set[int]]:
    """facility id -> the periods in which it reported anything: what both
    `last_period_reported` and `reporting_counts` are made of, in one read."""
    r = m.EEIReport
    # DISTINCT in the index's order (period first): SQLite takes half the time it
    # takes to GROUP BY facility and period.
    stmt = (
        select(r.period, r.organization_id)
        .where(r.incident_id == incident_id, r.deleted.is_(False))
        .distinct()
    )
    out: dict[str, set[int]] = {}
    for per, org in read_rows(store, stmt):
        if org and per is not None:
            out.setdefault(org, set()).add(per)
    return out


def last_period_reported(
    store: Store,
    *,
    incident_id: str,
    before: int,
    periods: dict[str, set[int]] | None = None,
) -> dict[str, int]:
    """facility id -> the last period before `before` in which it reported (from
    `periods`, reported_periods' answer, when the caller has it)."""
    if periods is None:
        periods = reported_periods(store, incident_id=incident_id)
    out = {}
    for org, numbers in periods.items():
        last = max((n for n in numbers if n < before), default=0)
        if last:
            out[org] = last
    return out


def reporting_counts(
    store: Store, *, incident_id: str, periods: dict[str, set[int]] | None = None
) -> dict[int, int]:
    """period -> how many facilities reported anything in it (from `periods`,
    reported_periods' answer, when the caller has it)."""
    if periods is None:
        periods = reported_periods(store, incident_id=incident_id)
    out: dict[int, int] = {}
    for numbers in periods.values():
        for n in numbers:
            out[n] = out.get(n, 0) + 1
    return out


def newest_report(store: Store, *, incident_id: str, period: int) -> str | None:
    """When the newest EEI value of `period` was reported: how current the picture is."""
    r = m.EEIReport
    stmt = select(func.max(r.reported_at)).where(
        r.incident_id == incident_id, r.deleted.is_(False), r.period == period
    )
    with store.read() as s:
        return s.connection().execute(stmt).scalar()


def first_reports(
    store: Store,
    *,
    incident_id: str,
    period: int,
    organization_ids: Sequence[str] | None = None,
) -> dict[str, str]:
    """facility id -> time of its first report in `period` (of `organization_ids`
    only, when given): the answer of
    eei.first_reports (read from the version history, because a later update
    overwrites a report's current time), in one SQL query reading the JSON in the
    database rather than loading every report and parsing every version in Python.

    The history is read per report, in a correlated subquery, rather than joined:
    with a join SQLite's planner walks every EEI version of the store first (the
    `versions` index leads with the entity) and looks each report up, four times the
    cost of walking this period's reports and looking their versions up."""
    r, v = m.EEIReport, m.Version
    first_of_report = (
        select(func.min(json_text(v.value, "reported_at")))
        .where(v.entity == "eei_report", v.record_id == r.id, v.unit == "values")
        .scalar_subquery()
    )
    stmt = (
        select(r.organization_id, func.min(first_of_report))
        .where(*_facility_reports_in(incident_id, period))
        .group_by(r.organization_id)
    )
    if organization_ids is not None:
        stmt = stmt.where(r.organization_id.in_(list(organization_ids)))
    return {org: at for org, at in read_rows(store, stmt) if at}


def _facility_reports_in(incident_id: str, period: int) -> tuple[Any, ...]:
    """The live reports of facilities in one period of the incident (both reads)."""
    r = m.EEIReport
    return (
        r.incident_id == incident_id,
        r.deleted.is_(False),
        r.period == period,
        r.organization_id.is_not(None),
    )


def current_first_reports(store: Store, *, incident_id: str, period: int) -> dict[str, str | None]:
    """facility id -> the earliest current report time among its reports in `period`
    (None when none has a time). No report's first version is later than its current
    one, so this is never before the facility's first report (`first_reports`); it
    reads no history."""
    r = m.EEIReport
    stmt = (
        select(r.organization_id, func.min(r.reported_at))
        .where(*_facility_reports_in(incident_id, period))
        .group_by(r.organization_id)
    )
    return {org: at for org, at in read_rows(store, stmt)}


@dataclass(frozen=True)
class Timeliness:
    """eei.timeliness's answer (who reported by the due time, late, not at all)."""

    due_at: str | None
    expected: int
    on_time: list[str]
    late: list[tuple[str, str]]
    missing: list[str]


def timeliness(
    store: Store, *, incident_id: str, period: int, due_at: str | None, expected: Sequence[str]
) -> Timeliness:
    """The rule of eei.timeliness (a facility is on time when its first report came by
    the due time), over `expected` facility ids, with each late one's first report
    time.

    A facility whose current reports already include one by the due time was on time
    whatever their history (a first version is never later than the current one), so
    the history (first_reports: a JSON field of every version) is read only for the
    others: the late, and the few whose first report may have been on time."""
    current = current_first_reports(store, incident_id=incident_id, period=period)
    unsure = {o for o, at in current.items() if at is None or (due_at is not None and at > due_at)}
    first = {o: at for o, at in current.items() if at is not None and o not in unsure}
    if unsure:
        first.update(
            first_reports(
                store, incident_id=incident_id, period=period, organization_ids=sorted(unsure)
            )
        )
    on_time: list[str] = []
    late: list[tuple[str, str]] = []
    missing: list[str] = []
    for oid in expected:
        at = first.get(oid)
        if at is None:
            missing.append(oid)
        elif due_at is None or at <= due_at:
            on_time.append(oid)
        else:
            late.append((oid, at))
    return Timeliness(due_at, len(expected), on_time, late, missing)
