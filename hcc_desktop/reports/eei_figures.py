"""EEI figures a briefing prints: bed sums by HAvBED type and region, the latest value
of chosen elements per facility, and the per-period series behind the trend charts.

Read with column queries through SQLAlchemy Core rather than ORM objects or the ORM
session's result machinery (which builds loading state even for plain column tuples),
and values are read as their stored JSON text and decoded once per distinct text
(`Decoder`): a coalition of 500 hospitals reports some 15,000 values per period, and
the briefing should cost about what laying out its tables costs. Bed sums count only
the values reported *in* a period (a hospital that did not report is not counted,
rather than counted with last period's beds), and leave out values the situation unit
rejected.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Row

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Catalog
from hcc_desktop.core.pgsql import json_text, stored_json
from hcc_desktop.core.services import status
from hcc_desktop.core.store import Store

TOTAL_AVAILABLE = "BEDS_TOTAL_AVAILABLE"
TOTAL_STAFFED = "BEDS_TOTAL_STAFFED"
ICU_AVAILABLE = "BEDS_ADULT_ICU_AVAILABLE"

_BED = re.compile(r"^BEDS_(?P<stem>[A-Z_]+)_AVAILABLE$")


def read_rows(store: Store, stmt: Select[Any]) -> list[Row[Any]]:
    """The rows of a column query, executed through Core on the session's connection
    (so inside `store.atomic()` it still reads the open transaction): the ORM
    session's result machinery costs more than SQLite's own read for a few thousand
    plain tuples."""
    with store.read() as s:
        return list(s.connection().execute(stmt).all())


_BATCH = 500


def stream_rows(store: Store, stmt: Select[Any]) -> Iterator[Row[Any]]:
    """The rows of a column query one at a time, as read_rows reads them. For the
    large reads (every status value of an incident): a row that is overtaken is freed
    at once instead of living in a list until the end, and the tens of thousands of
    rows alive at once were what set off most of the garbage collector's passes
    during a briefing (with a full collection of the whole process among them)."""
    with store.read() as s:
        # Fetched a few hundred at a time: one driver call per row costs more than the
        # row, and a batch smaller than the collector's first threshold (700 new
        # objects) is mostly freed before a pass would move it to an older generation.
        for batch in s.connection().execute(stmt).partitions(_BATCH):
            yield from batch


class Decoder(dict[str, Any]):
    """Stored JSON text (`stored_json`) -> value, decoded once per distinct text. EEI
    values repeat endlessly ("Normal", small counts), so a look-up replaces most
    json.loads calls. SQLite hands a JSON number back as a number (the column has
    numeric affinity), which passes through; PostgreSQL hands back text."""

    def __missing__(self, raw: str) -> Any:
        value = json.loads(raw)
        if not isinstance(value, list | dict):  # a shared mutable value could be changed
            self[raw] = value
        return value

    def value(self, raw: Any) -> Any:
        """The decoded value of one stored value (None stays None)."""
        return self[raw] if isinstance(raw, str) else raw


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
        stored_json(r.value),
        r.validation_state,
        r.validated_version,
        r.values_version,
    ).where(
        r.incident_id == incident_id,
        r.deleted.is_(False),
        r.period.in_(list(periods)),
        r.element_code.in_(wanted),
    )
    decoded = Decoder()
    for org, code, period, raw, state, validated, version in stream_rows(store, stmt):
        value = decoded[raw] if raw.__class__ is str else raw
        if value.__class__ not in _NUMBERS:  # bool is not a number here
            continue
        if state == "rejected" and validated == version:  # _rejected, inline: per row
            continue
        region = region_of.get(org)
        # Overall, and in the facility's region when it has one (a facility without
        # one, or a tally without regions, counts once: in the overall sum).
        for key in (
            ((period, code, None), (period, code, region)) if region else ((period, code, None),)
        ):
            t = out[key]
            t.total += value
            t.facilities += 1
        if keep is not None:
            keep.setdefault((period, code), {})[org] = value
    return out


#: The value types summed (exactly: a bool is an int to isinstance, not to a count).
_NUMBERS = frozenset({int, float})


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
    stmt = _value_rows(incident_id, period, codes)
    if organization_ids is not None:
        stmt = stmt.where(m.EEIReport.organization_id.in_(list(organization_ids)))
    newest: dict[str, dict[str, Row[Any]]] = {}
    for row in stream_rows(store, stmt):
        _keep_newest(newest, row)
    return _as_latest(newest)


def _value_rows(incident_id: str, period: int, codes: Iterable[str]) -> Select[Any]:
    """The values of `codes` reported up to `period`, oldest period first, as
    (facility, element, stored value, period, reported at, reporter)."""
    r = m.EEIReport
    return (
        select(
            r.organization_id,
            r.element_code,
            stored_json(r.value),
            r.period,
            r.reported_at,
            r.reporter,
        )
        .where(
            r.incident_id == incident_id,
            r.deleted.is_(False),
            r.element_code.in_(list(dict.fromkeys(codes))),
            r.period <= period,
        )
        .order_by(r.period)
    )


def _keep_newest(newest: dict[str, dict[str, Row[Any]]], row: Row[Any]) -> None:
    """Keep `row` as its facility's value of its element when it is the latest so far
    (by period, then report time; the first of equals stays). Rows are kept as read
    and turned into `Latest` once at the end: most are overtaken by a later period."""
    slot = newest.get(row[0])
    if slot is None:
        slot = newest[row[0]] = {}
    old = slot.get(row[1])
    if old is None or (row[3] or 0, row[4] or "") > (old[3] or 0, old[4] or ""):
        slot[row[1]] = row


def _as_latest(newest: dict[str, dict[str, Row[Any]]]) -> dict[str, dict[str, Latest]]:
    decode = Decoder().value
    return {
        org: {
            code: Latest(decode(raw), per or 0, at, reporter)
            for code, (_, _, raw, per, at, reporter) in slot.items()
        }
        for org, slot in newest.items()
    }


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
        .where(
            r.incident_id == incident_id,
            r.deleted.is_(False),
            r.period == period,
            r.organization_id.is_not(None),
        )
        .group_by(r.organization_id)
    )
    if organization_ids is not None:
        stmt = stmt.where(r.organization_id.in_(list(organization_ids)))
    return {org: at for org, at in read_rows(store, stmt) if at}


def current_first_reports(store: Store, *, incident_id: str, period: int) -> dict[str, str | None]:
    """facility id -> the earliest current report time among its reports in `period`
    (None when none has a time). No report's first version is later than its current
    one, so this is never before the facility's first report (`first_reports`); it
    reads no history."""
    r = m.EEIReport
    stmt = (
        select(r.organization_id, func.min(r.reported_at))
        .where(
            r.incident_id == incident_id,
            r.deleted.is_(False),
            r.period == period,
            r.organization_id.is_not(None),
        )
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
    decode = Decoder().value
    newest: dict[str, dict[str, Row[Any]]] = {}
    series: dict[int, dict[str, str]] = {}
    marks = sorted(p for p in periods if p <= period)
    i = 0  # marks[:i] have their snapshot

    def snapshot() -> dict[str, str]:
        out = {}
        for org, slot in newest.items():
            values = {c: decode(row[2]) for c, row in slot.items() if c in status_codes}
            if values:
                out[org] = status.classify(values)[0]
        return out

    # Rows come oldest period first: a mark's snapshot is taken when the first row of
    # a later period comes, so it holds every row up to the mark and none after it.
    for row in stream_rows(store, _value_rows(incident_id, period, wanted)):
        while i < len(marks) and marks[i] < (row[3] or 0):
            series[marks[i]] = snapshot()
            i += 1
        _keep_newest(newest, row)
    for mark in marks[i:]:
        series[mark] = snapshot()
    latest = _as_latest(newest)
    statuses: dict[str, status.FacilityStatus] = {}
    for org, slot in latest.items():
        own = {c: v for c, v in slot.items() if c in status_codes}
        if not own:
            continue
        values = {c: v.value for c, v in own.items()}
        key, reasons = status.classify(values)
        top = max(own.values(), key=lambda v: (v.period, v.reported_at or ""))
        until = values.get("EMS_TRAFFIC_EXPIRES") if key == "diversion" else None
        statuses[org] = status.FacilityStatus(
            org,
            key,
            top.reported_at or None,
            top.period or None,
            until,  # type: ignore[arg-type]
            reasons,  # type: ignore[arg-type]
        )
    return StatusPicture(statuses, series, latest)
