"""EEI figures a briefing prints: bed sums by HAvBED type and region, the latest value
of chosen elements per facility, and the per-period series behind the trend charts.

Read with column queries rather than ORM objects: a coalition of 500 hospitals reports
some 15,000 values per period, and the briefing should cost about what laying out its
tables costs. Bed sums count only the values reported *in* a period (a hospital that
did not report is not counted, rather than counted with last period's beds), and leave
out values the situation unit rejected.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Catalog
from hcc_desktop.core.pgsql import json_text
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


def first_reports(store: Store, *, incident_id: str, period: int) -> dict[str, str]:
    """facility id -> time of its first report in `period`: the answer of
    eei.first_reports (read from the version history, because a later update
    overwrites a report's current time), in one SQL query reading the JSON in the database
    rather than loading every report and parsing every version in Python, which for
    500 hospitals was most of the briefing's time."""
    r, v = m.EEIReport, m.Version
    first_at = func.min(json_text(v.value, "reported_at"))
    stmt = (
        select(r.organization_id, first_at)
        .join(v, (v.record_id == r.id) & (v.entity == "eei_report") & (v.unit == "values"))
        .where(
            r.incident_id == incident_id,
            r.deleted.is_(False),
            r.period == period,
            r.organization_id.is_not(None),
        )
        .group_by(r.organization_id)
    )
    with store.read() as s:
        return {org: at for org, at in s.execute(stmt) if at}


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
    time, from one query (first_reports)."""
    first = first_reports(store, incident_id=incident_id, period=period)
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


@dataclass
class StatusPicture:
    """What one pass over the status (and other chosen) elements tells a briefing."""

    #: facility id -> its status at the period, as status.facility_statuses says.
    statuses: dict[str, status.FacilityStatus]
    #: period -> facility id -> status key, for each period asked for (trend charts).
    series: dict[int, dict[str, str]]
    #: facility id -> element -> its latest value up to the period (latest_values).
    latest: dict[str, dict[str, Latest]]


def status_picture(
    store: Store,
    *,
    incident_id: str,
    period: int,
    periods: Sequence[int],
    codes: Iterable[str] = (),
) -> StatusPicture:
    """status.facility_statuses at `period`, status_series over `periods` and
    latest_values of `codes` (plus the status elements), from one read of the values
    up to `period` instead of three: each is "the latest value of each element up to
    a period", judged by status.classify, and the three reads were half of the time a
    500-hospital briefing spent gathering."""
    wanted = list(dict.fromkeys([*status.STATUS_ELEMENTS, *codes]))
    status_codes = frozenset(status.STATUS_ELEMENTS)
    r = m.EEIReport
    stmt = (
        select(r.organization_id, r.element_code, r.value, r.period, r.reported_at, r.reporter)
        .where(
            r.incident_id == incident_id,
            r.deleted.is_(False),
            r.element_code.in_(wanted),
            r.period <= period,
        )
        .order_by(r.period)
    )
    with store.read() as s:
        rows = s.execute(stmt).all()
    latest: dict[str, dict[str, Latest]] = {}
    series: dict[int, dict[str, str]] = {}
    marks = sorted(p for p in periods if p <= period)
    i = 0

    def snapshot() -> dict[str, str]:
        out = {}
        for org, slot in latest.items():
            values = {c: v.value for c, v in slot.items() if c in status_codes}
            if values:
                out[org] = status.classify(values)[0]
        return out

    for mark in marks:
        while i < len(rows) and (rows[i][3] or 0) <= mark:
            _keep_latest(latest, rows[i])
            i += 1
        series[mark] = snapshot()
    for row in rows[i:]:
        _keep_latest(latest, row)
    statuses: dict[str, status.FacilityStatus] = {}
    for org, slot in latest.items():
        own = {c: v for c, v in slot.items() if c in status_codes}
        if not own:
            continue
        values = {c: v.value for c, v in own.items()}
        key, reasons = status.classify(values)
        newest = max(own.values(), key=lambda v: (v.period, v.reported_at or ""))
        until = values.get("EMS_TRAFFIC_EXPIRES") if key == "diversion" else None
        statuses[org] = status.FacilityStatus(
            org,
            key,
            newest.reported_at or None,
            newest.period or None,
            until,  # type: ignore[arg-type]
            reasons,  # type: ignore[arg-type]
        )
    return StatusPicture(statuses, series, latest)


def _keep_latest(latest: dict[str, dict[str, Latest]], row: Any) -> None:
    org, code, value, per, at, reporter = row
    slot = latest.setdefault(org, {})
    old = slot.get(code)
    if old is None or (per or 0, at or "") > (old.period, old.reported_at or ""):
        slot[code] = Latest(value, per or 0, at, reporter)
