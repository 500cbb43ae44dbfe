"""Everything the situation overview shows, gathered in one pass (Qt-free, run in a
worker thread): the incident and period, facility status counts, reporting
timeliness, open and overdue requests, approved significant events, and the EEI trends
over periods.

The counts come from the same services the briefing uses (status.facility_statuses,
eei.timeliness, requests.is_overdue), so the screen and the printed page agree; what
the facilities' statuses sum up to, limited ones included, is status.summarize's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.services import eei, incidents, log, requests, status
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms

Step = Callable[[int, int], None]

#: Bed types charted over periods (element code → legend label).
BED_SERIES = {
    "BEDS_MEDICAL_SURGICAL_AVAILABLE": "Med/surg",
    "BEDS_ADULT_ICU_AVAILABLE": "Adult ICU",
    "BEDS_PEDIATRICS_AVAILABLE": "Pediatric",
    "BEDS_PEDIATRIC_ICU_AVAILABLE": "Pediatric ICU",
    "BEDS_NEGATIVE_PRESSURE_AVAILABLE": "Neg. pressure",
    "BEDS_BURN_AVAILABLE": "Burn",
    "BEDS_ADULT_PSYCHIATRIC_AVAILABLE": "Adult psych",
}


@dataclass
class Trends:
    periods: list[int] = field(default_factory=list)
    beds: dict[str, list[float]] = field(default_factory=dict)  # label → per period
    diversion: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)


@dataclass
class Overview:
    incident: m.Incident | None = None
    period: m.OperationalPeriod | None = None
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    #: (facility name, status key, status label, diversion until) for diversions,
    #: closures, evacuations, worst first.
    alerts: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: The expected facilities' statuses summed up (status.summarize): its note is what
    #: the alerts list says besides them, so that a limited facility is never hidden
    #: behind "all open" while the map and the briefing show it as limited.
    facilities: status.StatusSummary = field(default_factory=lambda: status.summarize({}, {}))
    open_by_priority: dict[str, int] = field(default_factory=dict)
    overdue: list[m.ResourceRequest] = field(default_factory=list)
    significant: list[m.LogEntry] = field(default_factory=list)
    trends: Trends = field(default_factory=Trends)


def load_overview(
    store: Store, *, incident_id: str | None, period: int | None, step: Step | None = None
) -> Overview:
    step = step or (lambda done, total: None)
    out = Overview()
    if not incident_id:
        return out
    with store.read() as s:
        out.incident = s.get(m.Incident, incident_id)
    periods = incidents.list_periods(store, incident_id=incident_id)
    out.period = next((p for p in periods if p.number == period), None)
    step(1, 5)
    names = {o.id: o.name or "" for o in eei.expected_facilities(store, incident_id=incident_id)}
    out.expected = len(names)
    if out.period is not None and period:
        t = eei.timeliness(store, incident_id=incident_id, period=period)
        out.on_time, out.late, out.missing = len(t.on_time), len(t.late), len(t.missing)
    statuses = status.facility_statuses(store, incident_id=incident_id, period=period)
    out.facilities = status.summarize(statuses, names)
    out.by_status = {k: n for k, n in out.facilities.counts.items() if n}
    out.alerts = [
        (name, st.status, st.label, st.diversion_until or "")
        for name, st in out.facilities.troubled
    ]
    step(2, 5)
    now = from_ms(store.wall())
    for r in requests.list_requests(store, incident_id=incident_id):
        if lifecycle.is_open(r.status):
            key = r.priority or "routine"
            out.open_by_priority[key] = out.open_by_priority.get(key, 0) + 1
        if requests.is_overdue(r, now):
            out.overdue.append(r)
    out.overdue.sort(key=lambda r: (r.needed_by or "", r.number or ""))
    flt = log.LogFilter(incident_id=incident_id, significant="approved")
    out.significant = log.list_entries(store, flt=flt, newest_first=True, limit=20)
    step(3, 5)
    out.trends = load_trends(store, incident_id, [p.number for p in periods if p.number], names)
    step(5, 5)
    return out


def load_trends(
    store: Store, incident_id: str, periods: list[int], facilities: dict[str, str]
) -> Trends:
    """Beds available by type summed over facilities, and facilities on diversion or
    closed, per period."""
    t = Trends(periods=sorted(periods))
    if not t.periods:
        return t
    sums: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    with store.read() as s:
        rows = s.execute(
            select(m.EEIReport.period, m.EEIReport.element_code, m.EEIReport.value).where(
                m.EEIReport.incident_id == incident_id,
                m.EEIReport.deleted.is_(False),
                m.EEIReport.element_code.in_(list(BED_SERIES)),
            )
        )
        for per, code, value in rows:
            if isinstance(value, (int, float)) and not isinstance(value, bool) and per:
                sums[code][per] += value
    for code, label in BED_SERIES.items():
        if code in sums:
            t.beds[label] = [sums[code].get(p, float("nan")) for p in t.periods]
    for p in t.periods:
        sts = status.facility_statuses(store, incident_id=incident_id, period=p)
        counted = [st.status for oid, st in sts.items() if oid in facilities]
        t.diversion.append(sum(1 for x in counted if x == "diversion"))
        t.closed.append(sum(1 for x in counted if x in ("closed", "evacuating")))
    return t
