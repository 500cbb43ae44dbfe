"""EEI figures a briefing prints: bed sums by HAvBED type and region, the latest value
of chosen elements per facility, and the per-period series behind the trend charts.

Read with column queries rather than ORM objects: a coalition of 500 hospitals reports
some 15,000 values per period, and the briefing should cost about what laying out its
tables costs. Bed sums count only the values reported *in* a period (a hospital that
did not report is not counted, rather than counted with last period's beds), and leave
out values the situation unit rejected.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Catalog
from hcc_desktop.core.services import status
from hcc_desktop.core.store import Store

TOTAL_AVAILABLE = "BEDS_TOTAL_AVAILABLE"
TOTAL_STAFFED = "BEDS_TOTAL_STAFFED"
ICU_AVAILABLE = "BEDS_ADULT_ICU_AVAILABLE"

_BED = re.compile(r"^BEDS_(?P<stem>[A-Z_]+)_AVAILABLE$")


@dataclass(frozen=True)
class BedType:
    """One HAvBED bed type: the pair of catalog elements that report it."""

    stem: str
    label: str
    available: str
    staffed: str


def bed_types(cat: Catalog) -> list[BedType]:
    """The bed types of the catalog in catalog order, the total last."""
    out: list[BedType] = []
    total: BedType | None = None
    for code, el in cat.elements.items():
        match = _BED.match(code)
        staffed = f"BEDS_{match.group('stem')}_STAFFED" if match else ""
        if not match or staffed not in cat.elements:
            continue
        label = re.sub(r"\s+(beds\s+)?available$", "", el.label, flags=re.IGNORECASE)
        bt = BedType(match.group("stem"), label, code, staffed)
        if bt.stem == "TOTAL":
            total = BedType("TOTAL", "Total inpatient", code, staffed)
        else:
            out.append(bt)
    if total is not None:
        out.append(total)
    return out


@dataclass
class Tally:
    """A sum over facilities and how many facilities it covers."""

    total: float = 0
    facilities: int = 0

    def add(self, value: float) -> None:
        self.total += value
        self.facilities += 1


#: (period, element code, region id or None for all) -> Tally
Tallies = dict[tuple[int, str, str | None], Tally]
#: (period, element code) -> facility id -> value
PerFacility = dict[tuple[int, str], dict[str, float]]


def _rejected(state: str | None, validated: str | None, values: str | None) -> bool:
    return state == "rejected" and validated == values


def tally(
    store: Store,
    *,
    incident_id: str,
    periods: Sequence[int],
    codes: Iterable[str],
    region_of: dict[str, str | None],
    keep: PerFacility | None = None,
) -> Tallies:
    """Sum numeric values per period and element, overall and per region; with `keep`,
    also record each facility's value (for like-for-like changes)."""
    out: Tallies = defaultdict(Tally)
    wanted = list(dict.fromkeys(codes))
    if not periods or not wanted:
        return out
    r = m.EEIReport
    stmt = select(
        r.organization_id,
        r.element_code,
        r.period,
        r.value,
        r.validation_state,
        r.validated_version,
        r.values_version,
    ).where(
        r.incident_id == incident_id,
        r.deleted.is_(False),
        r.period.in_(list(periods)),
        r.element_code.in_(wanted),
    )
    with store.read() as s:
        for org, code, period, value, state, validated, version in s.execute(stmt):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            if _rejected(state, validated, version):
                continue
            out[(period, code, None)].add(value)
            out[(period, code, region_of.get(org))].add(value)
            if keep is not None:
                keep.setdefault((period, code), {})[org] = value
    return out


def paired_change(
    keep: PerFacility, code: str, now: int, before: int, only: set[str] | None = None
) -> tuple[float, int] | None:
    """The change of `code` from period `before` to `now`, summed over the facilities
    that reported it in both (a hospital that skipped a report does not look like a
    loss of its beds), and how many facilities that is."""
    a, b = keep.get((before, code), {}), keep.get((now, code), {})
    both = [org for org in b if org in a and (only is None or org in only)]
    if not both:
        return None
    return sum(b[org] - a[org] for org in both), len(both)


@dataclass(frozen=True)
class Latest:
    """The latest value of one element for one facility, up to a period."""

    value: Any
    period: int
    reported_at: str | None
    reporter: str | None


def latest_values(
    store: Store,
    *,
    incident_id: str,
    period: int,
    codes: Iterable[str],
    organization_ids: Iterable[str] | None = None,
) -> dict[str, dict[str, Latest]]:
    """facility id -> element -> the value from its latest report up to `period` (the
    same rule as status.facility_statuses: a value stands until it is reported again)."""
    r = m.EEIReport
    stmt = select(
        r.organization_id, r.element_code, r.value, r.period, r.reported_at, r.reporter
    ).where(
        r.incident_id == incident_id,
        r.deleted.is_(False),
        r.period <= period,
        r.element_code.in_(list(codes)),
    )
    if organization_ids is not None:
        stmt = stmt.where(r.organization_id.in_(list(organization_ids)))
    out: dict[str, dict[str, Latest]] = {}
    with store.read() as s:
        for org, code, value, per, at, reporter in s.execute(stmt):
            slot = out.setdefault(org, {})
            old = slot.get(code)
            if old is None or (per or 0, at or "") > (old.period, old.reported_at or ""):
                slot[code] = Latest(value, per or 0, at, reporter)
    return out


def first_report_times(
    store: Store, *, incident_id: str, period: int, organization_ids: Iterable[str]
) -> dict[str, str]:
    """facility id -> time of its first report in `period`, for a few facilities (the
    late ones). Read from the version history, as eei.first_reports does, because a
    later update overwrites a report's current time; column queries only, so it costs
    little when few facilities are asked about."""
    wanted = list(organization_ids)
    if not wanted:
        return {}
    r, v = m.EEIReport, m.Version
    first: dict[str, str] = {}
    with store.read() as s:
        org_of = dict(
            s.execute(
                select(r.id, r.organization_id).where(
                    r.incident_id == incident_id,
                    r.deleted.is_(False),
                    r.period == period,
                    r.organization_id.in_(wanted),
                )
            ).all()
        )
        ids = list(org_of)
        for i in range(0, len(ids), 400):
            rows = s.execute(
                select(v.record_id, v.value).where(
                    v.entity == "eei_report", v.unit == "values", v.record_id.in_(ids[i : i + 400])
                )
            )
            for record_id, raw in rows:
                at = json.loads(raw).get("reported_at")
                org = org_of[record_id]
                if at and (org not in first or at < first[org]):
                    first[org] = at
    return first


def status_series(
    store: Store, *, incident_id: str, periods: Sequence[int]
) -> dict[int, dict[str, str]]:
    """period -> facility id -> status key, for the trend charts: the rule of
    status.facility_statuses (each status element's latest value up to the period,
    judged by status.classify), computed for every period in one pass over the values
    instead of one query per period."""
    if not periods:
        return {}
    r = m.EEIReport
    stmt = (
        select(r.organization_id, r.element_code, r.value, r.period, r.reported_at)
        .where(
            r.incident_id == incident_id,
            r.deleted.is_(False),
            r.element_code.in_(status.STATUS_ELEMENTS),
            r.period <= max(periods),
        )
        .order_by(r.period)
    )
    with store.read() as s:
        rows = s.execute(stmt).all()
    slots: dict[str, dict[str, tuple[int, str, Any]]] = {}
    out: dict[int, dict[str, str]] = {}
    i = 0
    for p in sorted(periods):
        while i < len(rows) and (rows[i][3] or 0) <= p:
            org, code, value, per, at = rows[i]
            slot = slots.setdefault(org, {})
            key = (per or 0, at or "")
            if code not in slot or key > slot[code][:2]:
                slot[code] = (per or 0, at or "", value)
            i += 1
        out[p] = {
            org: status.classify({c: v for c, (_, _, v) in slot.items()})[0]
            for org, slot in slots.items()
        }
    return out


def last_period_reported(store: Store, *, incident_id: str, before: int) -> dict[str, int]:
    """facility id -> the last period before `before` in which it reported."""
    r = m.EEIReport
    stmt = (
        select(r.organization_id, func.max(r.period))
        .where(r.incident_id == incident_id, r.deleted.is_(False), r.period < before)
        .group_by(r.organization_id)
    )
    with store.read() as s:
        return {org: per for org, per in s.execute(stmt) if org and per}


def reporting_counts(store: Store, *, incident_id: str) -> dict[int, int]:
    """period -> how many facilities reported anything in it."""
    r = m.EEIReport
    stmt = (
        select(r.period, func.count(func.distinct(r.organization_id)))
        .where(r.incident_id == incident_id, r.deleted.is_(False))
        .group_by(r.period)
    )
    with store.read() as s:
        return {per: n for per, n in s.execute(stmt) if per is not None}


def newest_report(store: Store, *, incident_id: str, period: int) -> str | None:
    """When the newest EEI value of `period` was reported: how current the picture is."""
    r = m.EEIReport
    stmt = select(func.max(r.reported_at)).where(
        r.incident_id == incident_id, r.deleted.is_(False), r.period == period
    )
    with store.read() as s:
        return s.scalar(stmt)
