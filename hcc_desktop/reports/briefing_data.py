"""Everything a situation briefing says, gathered from the store without any layout.

Kept apart from the PDF code so that the figures can be tested against the services
on their own, so the benchmark can time layout against gathering, and so that another
output (an e-mail summary, a screen) can reuse the same answers. Every figure comes
from the core services where they have one (status, timeliness, requests, log); this
module adds the sums and the choices a briefing makes: which period is "previous",
which window of significant events, what the public version leaves out.

This module decides what is read and in what order; the rows are made by one module
per part of the briefing: briefing_status_data (statuses, map, protected EEIs),
briefing_beds_data (bed sums, trends, annex) and briefing_lists_data (reporting,
requests, events).
"""

from __future__ import annotations

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.services import eei, incidents, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.reports import briefing_lists_data as lists
from hcc_desktop.reports import briefing_status_data as rows
from hcc_desktop.reports import eei_figures as fig
from hcc_desktop.reports import eei_reporting
from hcc_desktop.reports.briefing_beds_data import bed_figures
from hcc_desktop.reports.briefing_model import BriefingData, Member
from hcc_desktop.reports.stored_rows import read_rows
from hcc_desktop.reports.timefmt import Clock


def choose_period(
    store: Store, incident_id: str, number: int | None, now: str
) -> tuple[m.OperationalPeriod | None, list[m.OperationalPeriod]]:
    """The period asked for (refused, naming `period`, when it does not exist), else the
    one running now, else the latest that has begun, else the first; None when the
    incident has no periods yet."""
    periods = incidents.list_periods(store, incident_id=incident_id)
    if number is not None:
        with store.read() as s:
            chosen = incidents.get_period(s, incident_id, number)
        return chosen, periods
    if not periods:
        return None, periods
    for p in periods:
        if (p.starts_at or "") <= now < (p.ends_at or ""):
            return p, periods
    begun = [p for p in periods if (p.starts_at or "") <= now]
    return (begun[-1] if begun else periods[0]), periods


def collect(
    store: Store,
    *,
    incident_id: str | None = None,
    period: int | None = None,
    summary_text: str = "",
    public: bool = False,
    prepared_by: Actor | None = None,
    now: str | None = None,
    clock: Clock | None = None,
) -> BriefingData:
    """Gather the briefing for one incident and period (defaults: the current ones)."""
    clock = clock or Clock()
    now = now or from_ms(store.wall())
    cat = load_catalog()
    inc = incidents.resolve_incident(store, incident_id)
    current, periods = choose_period(store, inc.id, period, now)
    upto = [p for p in periods if current is not None and (p.number or 0) <= (current.number or 0)]
    previous = upto[-2] if len(upto) >= 2 else None
    number = current.number if current is not None else None

    regions = {r.id: r.name or r.key or "" for r in organizations.list_regions(store)}
    orgs = {o.id: o for o in members(store)}
    expected_ids = [row[0] for row in eei.expected_facility_rows(store, incident_id=inc.id)]
    sensitive = frozenset(code for code, el in cat.elements.items() if el.sensitive)
    picture = (
        fig.status_picture(
            store,
            incident_id=inc.id,
            period=number,
            periods=[p.number or 0 for p in upto],
            codes=sorted(sensitive),
        )
        if number is not None
        else None
    )
    statuses = picture.statuses if picture else {}
    latest = picture.latest if picture else {}
    universe = list(dict.fromkeys([*expected_ids, *(k for k in statuses if k in orgs)]))
    facilities = {oid: rows.facility(orgs[oid], regions, True) for oid in universe}

    troubled, limited, counts = rows.status_rows(
        facilities, statuses, latest, sensitive, clock, public=public
    )
    map_key = rows.number_markers(troubled, limited, facilities, statuses)

    region_of = {oid: orgs[oid].region_id for oid in orgs}
    # Who reported in which period: the trend charts' counts and, for the missing,
    # their last period reported.
    reported = eei_reporting.reported_periods(store, incident_id=inc.id)
    beds, by_region, trends, annex = bed_figures(
        store,
        cat,
        inc.id,
        upto,
        previous,
        facilities,
        statuses,
        picture.series if picture else {},
        region_of,
        regions,
        eei_reporting.reporting_counts(store, incident_id=inc.id, periods=reported),
    )
    reporting = (
        lists.reporting(store, inc.id, current, expected_ids, facilities, reported)
        if current is not None and number is not None
        else None
    )
    since = (
        previous.starts_at
        if previous is not None
        else (current.starts_at if current is not None else inc.started_at)
    )
    until = current.ends_at if current is not None else None
    return BriefingData(
        incident=inc,
        period=current,
        previous=previous,
        periods=upto,
        prepared_at=now,
        prepared_by=prepared_by,
        station=store.station_name,
        public=public,
        summary_text=summary_text.strip(),
        eei_as_of=eei_reporting.newest_report(store, incident_id=inc.id, period=number)
        if number is not None
        else None,
        last_package=lists.last_package(store),
        status_counts=counts,
        # One definition with the overview's tile: who sent any EEI in this period
        # (eei.timeliness), not whose latest status element is from this period.
        reporting_this_period=reporting.on_time + len(reporting.late) if reporting else 0,
        troubled=troubled,
        limited=limited,
        beds=beds,
        beds_by_region=by_region,
        requests=lists.open_requests(store, inc.id, orgs, now),
        events=lists.events(store, inc.id, since, until, orgs),
        events_since=since,
        events_until=until,
        reporting=reporting,
        trends=trends,
        protected=[] if public else rows.protected(facilities, latest, sensitive, cat, clock),
        markers=rows.markers(orgs, inc, facilities, statuses, map_key),
        annex=annex,
        sensitive_codes=sensitive,
        map_key=map_key,
    )


def members(store: Store) -> list[Member]:
    """Every member that is not deleted, by name (organizations.list_organizations'
    order), as plain rows of the columns the briefing uses."""
    o = m.Organization
    stmt = (
        select(o.id, o.name, o.short_name, o.town, o.region_id, o.member_type, o.lat, o.lon)
        .where(o.deleted.is_(False))
        .order_by(o.name, o.id)
    )
    return [Member(*row) for row in read_rows(store, stmt)]
