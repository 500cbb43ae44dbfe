"""Everything a situation briefing says, gathered from the store without any layout.

Kept apart from the PDF code so that the figures can be tested against the services
on their own, so the benchmark can time layout against gathering, and so that another
output (an e-mail summary, a screen) can reuse the same answers. Every figure comes
from the core services where they have one (status, timeliness, requests, log); this
module adds the sums and the choices a briefing makes: which period is "previous",
which window of significant events, what the public version leaves out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Catalog, load_catalog
from hcc_desktop.core.services import eei, incidents, log, organizations, requests, status
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.reports import eei_figures as fig
from hcc_desktop.reports.briefing_model import (
    DIVERSION_REASON,
    NOTABLE_IF_POSITIVE,
    TROUBLED,
    AnnexRow,
    BedRow,
    BriefingData,
    EventRow,
    Facility,
    MapKeyRow,
    Marker,
    ProtectedRow,
    Reporting,
    RequestRow,
    StatusRow,
    TrendPoint,
)
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
    orgs = {o.id: o for o in organizations.list_organizations(store)}
    expected_ids = [o.id for o in eei.expected_facilities(store, incident_id=inc.id)]
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
    facilities = {oid: _facility(orgs[oid], regions, True) for oid in universe}

    troubled, limited, counts = _status_rows(
        facilities, statuses, latest, sensitive, clock, public=public
    )
    map_key = _number_markers(troubled, limited, facilities, statuses)

    region_of = {oid: orgs[oid].region_id for oid in orgs}
    beds, by_region, trends, annex = _bed_figures(
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
    )
    reporting = (
        _reporting(store, inc.id, current, expected_ids, facilities)
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
        eei_as_of=fig.newest_report(store, incident_id=inc.id, period=number)
        if number is not None
        else None,
        last_package=_last_package(store),
        status_counts=counts,
        # One definition with the overview's tile: who sent any EEI in this period
        # (eei.timeliness), not whose latest status element is from this period.
        reporting_this_period=reporting.on_time + len(reporting.late) if reporting else 0,
        troubled=troubled,
        limited=limited,
        beds=beds,
        beds_by_region=by_region,
        requests=_open_requests(store, inc.id, orgs, now),
        events=_events(store, inc.id, since, until, orgs),
        events_since=since,
        events_until=until,
        reporting=reporting,
        trends=trends,
        protected=[] if public else _protected(facilities, latest, sensitive, cat, clock),
        markers=_markers(orgs, inc, facilities, statuses, map_key),
        annex=annex,
        sensitive_codes=sensitive,
        map_key=map_key,
    )


# --------------------------------------------------------------------- pieces


def _facility(o: m.Organization, regions: dict[str, str], reports: bool) -> Facility:
    return Facility(
        id=o.id,
        name=o.name or o.short_name or o.id,
        town=o.town or "",
        region=regions.get(o.region_id or "", ""),
        member_type=o.member_type or "",
        lat=o.lat,
        lon=o.lon,
        reports=reports,
    )


def _status_rows(
    facilities: dict[str, Facility],
    statuses: dict[str, status.FacilityStatus],
    latest: dict[str, dict[str, fig.Latest]],
    sensitive: frozenset[str],
    clock: Clock,
    *,
    public: bool,
) -> tuple[list[StatusRow], list[StatusRow], dict[str, int]]:
    counts = dict.fromkeys(status.STATUSES, 0)
    troubled: list[StatusRow] = []
    limited: list[StatusRow] = []
    for oid, fac in facilities.items():
        fs = statuses.get(oid)
        key = fs.status if fs else "not_reported"
        counts[key] += 1
        if fs is None or key not in (*TROUBLED, "limited"):
            continue
        values = {code: v.value for code, v in latest.get(oid, {}).items()}
        open_values = {k: v for k, v in values.items() if k not in sensitive}
        shown = list(status.classify(open_values)[1]) if key == "limited" else list(fs.reasons)
        withheld = key == "limited" and set(fs.reasons) - set(shown)
        details = shown if public else list(fs.reasons)
        row_sensitive = bool(withheld) and not public
        if key == "diversion":
            if fs.diversion_until:
                details.append(f"until {clock.short(str(fs.diversion_until))}")
            reason = values.get(DIVERSION_REASON)
            if reason and not public:
                details.append(f"reason: {reason}")
                row_sensitive = True
        row = StatusRow(fac, key, details, fs.reported_at, sensitive=row_sensitive)
        (limited if key == "limited" else troubled).append(row)
    order = {k: i for i, k in enumerate(status.STATUSES)}
    troubled.sort(key=lambda r: (order[r.status], r.facility.name.lower()))
    limited.sort(key=lambda r: r.facility.name.lower())
    return troubled, limited, counts


def _bed_figures(
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
) -> tuple[list[BedRow], list[BedRow], list[TrendPoint], list[AnnexRow]]:
    if not upto:
        return [], [], [], _annex(facilities, statuses, {})
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
    reporting = fig.reporting_counts(store, incident_id=incident_id)
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
    return beds, by_region, trends, _annex(facilities, statuses, this_period)


def _annex(
    facilities: dict[str, Facility],
    statuses: dict[str, status.FacilityStatus],
    values: dict[str, dict[str, Any]],
) -> list[AnnexRow]:
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


def _reporting(
    store: Store,
    incident_id: str,
    current: m.OperationalPeriod,
    expected: list[str],
    facilities: dict[str, Facility],
) -> Reporting:
    number = current.number or 0
    t = fig.timeliness(
        store,
        incident_id=incident_id,
        period=number,
        due_at=current.eei_due_at,
        expected=expected,
    )
    last = fig.last_period_reported(store, incident_id=incident_id, before=number)

    def fac(oid: str) -> Facility:
        return facilities.get(oid) or Facility(oid, oid, "", "", "", None, None, True)

    late = sorted(((fac(o), at) for o, at in t.late), key=lambda x: x[1])
    missing = sorted(
        ((fac(o), last.get(o)) for o in t.missing),
        key=lambda x: (x[0].region.lower(), x[0].name.lower()),
    )
    return Reporting(t.due_at, t.expected, len(t.on_time), late, missing)


def _open_requests(
    store: Store, incident_id: str, orgs: dict[str, m.Organization], now: str
) -> list[RequestRow]:
    rows = []
    for r in requests.list_requests(store, incident_id=incident_id):
        if r.status not in lifecycle.OPEN:
            continue
        qty = _number(r.quantity)
        resource = " ".join(x for x in (qty, r.unit or "", r.resource_kind or "") if x)
        detail = "; ".join(x for x in (r.resource_type, r.description) if x)
        org = orgs.get(r.requester_org_id or "")
        requester = org.name if org and org.name else (r.requested_by or "")
        rows.append(
            RequestRow(
                r.number or r.id[:8],
                r.priority or "routine",
                resource,
                detail or "",
                requester or "",
                r.needed_by,
                r.status or "",
                r.status_at,
                requests.is_overdue(r, now),
            )
        )
    rows.sort(
        key=lambda x: (
            not x.overdue,
            requests.PRIORITY_ORDER.get(x.priority, 9),
            x.needed_by or "9999",
            x.number,
        )
    )
    return rows


def _events(
    store: Store,
    incident_id: str,
    since: str | None,
    until: str | None,
    orgs: dict[str, m.Organization],
) -> list[EventRow]:
    flt = log.LogFilter(incident_id, significant="approved", since=since, until=until)
    entries = log.list_entries(store, flt=flt)
    corrections = _corrections(store, incident_id, [e.id for e in entries])
    out = []
    for e in entries:
        fix = corrections.get(e.id)
        who = f"{e.operator} ({e.position})" if e.position else (e.operator or "")
        org = orgs.get(e.organization_id or "")
        out.append(
            EventRow(
                e.occurred_at,
                (fix.text if fix else e.text) or "",
                who,
                org.name if org and org.name else "",
                fix.occurred_at if fix else None,
            )
        )
    return out


def _corrections(store: Store, incident_id: str, ids: list[str]) -> dict[str, m.LogEntry]:
    """The newest correction of each entry, if any (a correction is a new entry)."""
    if not ids:
        return {}
    t = m.LogEntry
    stmt = (
        select(t)
        .where(t.incident_id == incident_id, t.deleted.is_(False), t.corrects_id.in_(ids))
        .order_by(t.occurred_at)
    )
    with store.read() as s:
        return {e.corrects_id: e for e in s.scalars(stmt) if e.corrects_id}


def _protected(
    facilities: dict[str, Facility],
    latest: dict[str, dict[str, fig.Latest]],
    sensitive: frozenset[str],
    cat: Catalog,
    clock: Clock,
) -> list[ProtectedRow]:
    rows = []
    for oid, fac in facilities.items():
        vals = latest.get(oid, {})
        codes = [c for c in cat.elements if c in sensitive and c in vals and c != DIVERSION_REASON]
        if not any(_notable(cat, c, vals[c].value) for c in codes):
            continue
        codes = [c for c in codes if _notable(cat, c, vals[c].value)]
        items = [(cat.elements[c].label, _show(vals[c].value, clock)) for c in codes]
        at = max((vals[c].reported_at or "" for c in codes), default="") or None
        rows.append(ProtectedRow(fac, items, at))
    rows.sort(key=lambda r: r.facility.name.lower())
    return rows


def _notable(cat: Catalog, code: str, value: Any) -> bool:
    """Worth a line in the protected section: anything but the normal state."""
    el = cat.elements[code]
    if el.value_type == "choice":
        return bool(el.choices) and value != el.choices[0]
    if el.value_type == "text":
        return bool(str(value or "").strip())
    if code in NOTABLE_IF_POSITIVE:
        return isinstance(value, (int, float)) and value > 0
    return False


def _number_markers(
    troubled: list[StatusRow],
    limited: list[StatusRow],
    facilities: dict[str, Facility],
    statuses: dict[str, status.FacilityStatus],
) -> list[MapKeyRow]:
    """Number every facility that is not open, in the order the briefing lists them:
    closed, evacuating and on diversion, then limited, then never reported. Open ones
    stay plain dots, so a map of 200 members carries only the numbers that matter."""
    unreported = sorted(
        (
            f
            for oid, f in facilities.items()
            if (statuses[oid].status if oid in statuses else "not_reported") == "not_reported"
        ),
        key=lambda f: f.name.lower(),
    )
    key: list[MapKeyRow] = []
    for row in [*troubled, *limited]:
        row.map_number = len(key) + 1
        located = row.facility.lat is not None and row.facility.lon is not None
        key.append(MapKeyRow(row.map_number, row.facility, row.status, located))
    for f in unreported:
        located = f.lat is not None and f.lon is not None
        key.append(MapKeyRow(len(key) + 1, f, "not_reported", located))
    return key


def _markers(
    orgs: dict[str, m.Organization],
    inc: m.Incident,
    facilities: dict[str, Facility],
    statuses: dict[str, status.FacilityStatus],
    map_key: list[MapKeyRow],
) -> list[Marker]:
    numbers = {r.facility.id: r.number for r in map_key}
    regions = set(inc.region_ids or ())
    out = []
    for oid, o in orgs.items():
        if o.lat is None or o.lon is None:
            continue
        if oid in facilities:
            fs = statuses.get(oid)
            key = fs.status if fs else "not_reported"
        elif not regions or o.region_id in regions:
            key = "non_reporting"
        else:
            continue
        out.append(Marker(o.lon, o.lat, key, numbers.get(oid), o.member_type or ""))
    # Draw the quiet ones first so that a closed hospital is never hidden under them.
    rank = {"non_reporting": 0, "open": 1, "not_reported": 1, "limited": 2}
    out.sort(key=lambda k: rank.get(k.status, 3))
    return out


def _last_package(store: Store) -> tuple[str, str] | None:
    try:
        from hcc_desktop.sync.history import last_import_at
    except ImportError:  # a build without sync: this station's data only
        return None
    received = last_import_at(store)
    if not received:
        return None
    station, at = max(received.items(), key=lambda kv: kv[1])
    return station, at


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _show(value: Any, clock: Clock) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        return _number(value)
    text = str(value)
    if len(text) >= 16 and text[4] == "-" and text.endswith("Z"):
        return clock.short(text)
    return text
