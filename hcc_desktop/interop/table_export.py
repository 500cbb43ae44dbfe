"""Any panel's table, and the EEI grid, to CSV or XLSX: the same rows the GUI shows,
for partners who live in spreadsheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.services import eei, incidents, log, organizations, requests
from hcc_desktop.core.services.status import STATUSES, facility_statuses
from hcc_desktop.core.store import Store
from hcc_desktop.interop.tabular import write_table

KINDS = ("members", "eei", "log", "requests")


def export_members(store: Store, out: Path) -> int:
    regions = {r.id: r.key or r.name for r in organizations.list_regions(store)}
    headers = ["id", "name", "short_name", "member_type", "membership", "region", "address",
               "town", "state", "zip", "county", "lat", "lon", "phone", "phone_24_7", "email",
               "beds", "trauma_level", "facility_type", "external_key"]  # fmt: skip
    rows = (
        [regions.get(o.region_id or "", "") if h == "region" else getattr(o, h) for h in headers]
        for o in organizations.list_organizations(store)
    )
    return write_table(out, headers, rows)


def export_eei_grid(
    store: Store, out: Path, *, incident_id: str | None = None, period: int | None = None,
    public: bool = False,
) -> int:  # fmt: skip
    """Rows are facilities, columns the catalog's elements, with status, validation
    and timeliness, for one period."""
    inc = incidents.resolve_incident(store, incident_id)
    if period is None:
        periods = incidents.list_periods(store, incident_id=inc.id)
        period = int(periods[-1].number or 1) if periods else 1
    cat = load_catalog()
    codes = [c for c, el in cat.elements.items() if not (public and el.sensitive)]
    cells = eei.grid(store, incident_id=inc.id, period=period)
    timely = eei.timeliness(store, incident_id=inc.id, period=period)
    on_time, late = set(timely.on_time), set(timely.late)
    statuses = facility_statuses(store, incident_id=inc.id, period=period)
    headers = ["facility", "town", "period", "status", "reporting", *codes]

    def rows() -> Any:
        for org in eei.expected_facilities(store, incident_id=inc.id):
            got = cells.get(org.id, {})
            st = statuses.get(org.id)
            reporting = "on time" if org.id in on_time else "late" if org.id in late else "missing"
            label = st.label if st else STATUSES["not_reported"]
            yield [org.name, org.town, period, label, reporting,
                   *(_cell(got.get(c)) for c in codes)]  # fmt: skip

    return write_table(out, headers, rows())


def _cell(rep: Any) -> Any:
    if rep is None:
        return None
    state = eei.effective_state(rep)
    value = rep.value
    return value if state in ("reported", "validated") else f"{value} ({state})"


def export_log(store: Store, out: Path, *, incident_id: str | None = None) -> int:
    inc = incidents.resolve_incident(store, incident_id)
    headers = ["id", "occurred_at", "operator", "position", "station", "category", "priority",
               "significant", "text", "corrects_id"]  # fmt: skip
    entries = log.list_entries(store, flt=log.LogFilter(incident_id=inc.id))
    return write_table(out, headers, ([getattr(e, h) for h in headers] for e in entries))


def export_requests(store: Store, out: Path, *, incident_id: str | None = None) -> int:
    inc = incidents.resolve_incident(store, incident_id)
    names = {o.id: o.name for o in organizations.list_organizations(store)}
    headers = ["number", "status", "priority", "resource_kind", "resource_type", "quantity",
               "unit", "requester", "needed_by", "deliver_to", "supplier", "order_number",
               "created_at", "status_at"]  # fmt: skip
    rows = (
        [names.get(r.requester_org_id or "", "") if h == "requester" else getattr(r, h)
         for h in headers]
        for r in requests.list_requests(store, incident_id=inc.id)
    )  # fmt: skip
    return write_table(out, headers, rows)


def export_table(
    store: Store, kind: str, out: Path, *, incident_id: str | None = None,
    period: int | None = None, public: bool = False,
) -> int:  # fmt: skip
    if kind == "members":
        return export_members(store, out)
    if kind == "eei":
        return export_eei_grid(store, out, incident_id=incident_id, period=period, public=public)
    if kind == "log":
        return export_log(store, out, incident_id=incident_id)
    if kind == "requests":
        return export_requests(store, out, incident_id=incident_id)
    from hcc_desktop.core.errors import ValidationError

    raise ValidationError("kind", f"expected one of {', '.join(KINDS)}; got {kind!r}")
