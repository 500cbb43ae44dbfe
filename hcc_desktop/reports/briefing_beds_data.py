"""The briefing's bed figures: sums by HAvBED bed type and by region with the like for
like change since the previous period, the per-period trend points, and the annex row
of every facility.

Reads only through eei_figures (column queries, two tallies: the detailed bed codes of
this and the previous period, and the two trend codes of the earlier periods), then
adds the sums up in Python.
"""

from __future__ import annotations

from typing import Any

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Catalog
from hcc_desktop.core.services import status
from hcc_desktop.core.store import Store
from hcc_desktop.reports import eei_figures as fig
from hcc_desktop.reports.briefing_model import AnnexRow, BedRow, Facility, TrendPoint

BedFigures = tuple[list[BedRow], list[BedRow], list[TrendPoint], list[AnnexRow]]


def bed_figures(
    store: Store,
    cat: Catalog,
    incident_id: str,
    upto: list[m.OperationalPeriod],
    previous: m.OperationalPeriod | None,
    facilities: dict[str, Facility],
    statuses: dict[str, status.FacilityStatus],
    series: dict[int, dict[str, str]],
    region_of: dict[str, str | None],
    regions: dict[str, str],
    reporting: dict[int, int],
) -> BedFigures:
    """(beds by type, total beds by region, trend points, annex rows) for the last
    period of `upto`; `reporting` is how many facilities reported in each period."""
    if not upto:
        return [], [], [], annex(facilities, statuses, {})
    number = upto[-1].number or 0
    prev = previous.number if previous is not None else None
    types = fig.bed_types(cat)
    now_periods = [number] if prev is None else [prev, number]
    codes = [c for bt in types for c in (bt.available, bt.staffed)]
    keep: fig.PerFacility = {}
    detail = fig.tally(
        store,
        incident_id=incident_id,
        periods=now_periods,
        codes=codes,
        region_of=region_of,
        keep=keep,
    )
    trend_codes = [fig.TOTAL_AVAILABLE, fig.ICU_AVAILABLE]
    all_numbers = [p.number or 0 for p in upto]
    trend = fig.tally(
        store,
        incident_id=incident_id,
        periods=[n for n in all_numbers if n not in now_periods],
        codes=trend_codes,
        region_of={},
    )
    trend.update({k: v for k, v in detail.items() if k[2] is None})

    def figure(period: int | None, code: str, region: str | None = None) -> float | None:
        if period is None:
            return None
        t = detail.get((period, code, region)) or trend.get((period, code, region))
        return t.total if t and t.facilities else None

    def row(
        label: str, avail: str, staffed: str, region: str | None, only: set[str] | None
    ) -> BedRow:
        t = detail.get((number, avail, region))
        change = fig.paired_change(keep, avail, number, prev, only) if prev is not None else None
        return BedRow(
            label,
            figure(number, avail, region),
            figure(number, staffed, region),
            t.facilities if t else 0,
            figure(prev, avail, region),
            change[0] if change else None,
            change[1] if change else 0,
        )

    beds = [row(bt.label, bt.available, bt.staffed, None, None) for bt in types]
    beds = [b for b in beds if b.available is not None or b.previous is not None]
    region_ids = sorted(
        {region_of.get(oid) for oid in facilities} - {None},
        key=lambda r: regions.get(r or "", ""),
    )
    by_region = []
    for rid in region_ids:
        members = {oid for oid, r in region_of.items() if r == rid}
        name = regions.get(rid or "", rid or "")
        by_region.append(row(name, fig.TOTAL_AVAILABLE, fig.TOTAL_STAFFED, rid, members))
    trends = []
    for p in upto:
        n = p.number or 0
        states = [key for oid, key in series.get(n, {}).items() if oid in facilities]
        trends.append(
            TrendPoint(
                n,
                figure(n, fig.TOTAL_AVAILABLE),
                figure(n, fig.ICU_AVAILABLE),
                states.count("diversion"),
                states.count("closed") + states.count("evacuating"),
                reporting.get(n, 0),
            )
        )
    this_period: dict[str, dict[str, Any]] = {}
    for code in (fig.TOTAL_AVAILABLE, fig.TOTAL_STAFFED, fig.ICU_AVAILABLE):
        for oid, value in keep.get((number, code), {}).items():
            this_period.setdefault(oid, {})[code] = value
    return beds, by_region, trends, annex(facilities, statuses, this_period)


def annex(
    facilities: dict[str, Facility],
    statuses: dict[str, status.FacilityStatus],
    values: dict[str, dict[str, Any]],
) -> list[AnnexRow]:
    """One row per facility (status, this period's bed totals), by region and name."""
    rows = []
    for oid, fac in facilities.items():
        fs = statuses.get(oid)
        v = values.get(oid, {})
        rows.append(
            AnnexRow(
                fac,
                fs.status if fs else "not_reported",
                v.get(fig.TOTAL_AVAILABLE),
                v.get(fig.TOTAL_STAFFED),
                v.get(fig.ICU_AVAILABLE),
                fs.reported_at if fs else None,
            )
        )
    rows.sort(key=lambda r: (r.facility.region.lower(), r.facility.name.lower()))
    return rows
