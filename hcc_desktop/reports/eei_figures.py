"""EEI figures a briefing prints: bed sums by HAvBED type and region, the latest value
of chosen elements per facility, and the per-period series behind the trend charts.

Read as column rows through Core, values decoded once per distinct stored text
(stored_rows): a coalition of 500 hospitals reports some 15,000 values per period, and
the briefing should cost about what laying out its tables costs. Bed sums count only
the values reported *in* a period (a hospital that did not report is not counted,
rather than counted with last period's beds), and leave out values the situation unit
rejected.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.engine import Row

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Catalog
from hcc_desktop.core.pgsql import Decoder, stored_json
from hcc_desktop.core.services import status
from hcc_desktop.core.store import Store

# eei_reporting's first_reports, named here too: callers outside the reports read it here.
from hcc_desktop.reports.eei_reporting import first_reports as first_reports
from hcc_desktop.reports.stored_rows import stream_rows

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
        if state == "rejected" and validated == version:  # a rejection of these very values
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
