"""The briefing's lists, gathered from the services: EEI reporting (late and missing
facilities), open resource requests, approved significant events with their newest
corrections, and the last package received.
"""

from __future__ import annotations

from sqlalchemy import select

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.services import log, requests
from hcc_desktop.core.store import Store
from hcc_desktop.reports import eei_reporting
from hcc_desktop.reports.briefing_model import EventRow, Facility, Member, Reporting, RequestRow
from hcc_desktop.reports.briefing_status_data import number_text
from hcc_desktop.reports.stored_rows import read_rows


def reporting(
    store: Store,
    incident_id: str,
    current: m.OperationalPeriod,
    expected: list[str],
    facilities: dict[str, Facility],
    periods: dict[str, set[int]],
) -> Reporting:
    """eei.timeliness of the current period, with each late facility's first report
    and each missing one's last period reported (from `periods`,
    eei_figures.reported_periods' answer)."""
    number = current.number or 0
    t = eei_reporting.timeliness(
        store,
        incident_id=incident_id,
        period=number,
        due_at=current.eei_due_at,
        expected=expected,
    )
    last = eei_reporting.last_period_reported(
        store, incident_id=incident_id, before=number, periods=periods
    )

    def fac(oid: str) -> Facility:
        return facilities.get(oid) or Facility(oid, oid, "", "", "", None, None, True)

    late = sorted(((fac(o), at) for o, at in t.late), key=lambda x: x[1])
    missing = sorted(
        ((fac(o), last.get(o)) for o in t.missing),
        key=lambda x: (x[0].region.lower(), x[0].name.lower()),
    )
    return Reporting(t.due_at, t.expected, len(t.on_time), late, missing)


def open_requests(
    store: Store, incident_id: str, orgs: dict[str, Member], now: str
) -> list[RequestRow]:
    """Open requests, overdue ones first, then by priority and need."""
    rows = []
    for r in requests.list_requests(store, incident_id=incident_id):
        if not lifecycle.is_open(r.status):
            continue
        qty = number_text(r.quantity)
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


def events(
    store: Store,
    incident_id: str,
    since: str | None,
    until: str | None,
    orgs: dict[str, Member],
) -> list[EventRow]:
    """Approved significant events in the window, each as its newest correction says."""
    flt = log.LogFilter(incident_id, significant="approved", since=since, until=until)
    entries = log.list_entries(store, flt=flt)
    fixes = corrections(store, incident_id, [e.id for e in entries])
    out = []
    for e in entries:
        fix = fixes.get(e.id)
        who = f"{e.operator} ({e.position})" if e.position else (e.operator or "")
        org = orgs.get(e.organization_id or "")
        out.append(
            EventRow(
                e.occurred_at,
                (fix[0] if fix else e.text) or "",
                who,
                org.name if org and org.name else "",
                fix[1] if fix else None,
            )
        )
    return out


def corrections(
    store: Store, incident_id: str, ids: list[str]
) -> dict[str, tuple[str | None, str | None]]:
    """entry id -> (text, time) of its newest correction, if any (a correction is a
    new entry). Two columns are all the briefing prints of it."""
    if not ids:
        return {}
    t = m.LogEntry
    stmt = (
        select(t.corrects_id, t.text, t.occurred_at)
        .where(t.incident_id == incident_id, t.deleted.is_(False), t.corrects_id.in_(ids))
        .order_by(t.occurred_at)
    )
    return {fixed: (text, at) for fixed, text, at in read_rows(store, stmt) if fixed}


def last_package(store: Store) -> tuple[str, str] | None:
    """(station, time) of the newest package imported here, if any."""
    try:
        from hcc_desktop.sync.history import last_import_at
    except ImportError:  # a build without sync: this station's data only
        return None
    received = last_import_at(store)
    if not received:
        return None
    station, at = max(received.items(), key=lambda kv: kv[1])
    return station, at
