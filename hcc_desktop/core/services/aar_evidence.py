"""What an after-action review starts from, read from an incident's own data: the
significant events the situation unit approved, EEI reporting that was late or missing
in each period already due, requests that were denied or overdue, and conflicts still
open on the incident's records.

It is plain data (lists of dicts), judged as of one moment (the incident's end, else
now) so that a review written a month later shows what was overdue when the incident
ended, and so that the GUI, the CLI and the printed AAR share one reading. Conflicts are
read from the store's own table rather than the sync layer, which the core must not use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.services import eei, incidents, log, requests
from hcc_desktop.core.services.common import get_live
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise

#: Entities whose records belong to an incident through their `incident_id`.
_BY_INCIDENT: dict[str, type[Any]] = {
    "period": m.OperationalPeriod,
    "log_entry": m.LogEntry,
    "request": m.ResourceRequest,
    "eei_report": m.EEIReport,
    "alert": m.Alert,
}


@dataclass
class Evidence:
    incident_id: str
    incident: str
    exercise: bool
    as_of: str
    significant_events: list[dict[str, Any]] = field(default_factory=list)
    eei_periods: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def evidence(store: Store, incident_id: str, *, as_of: str | None = None) -> Evidence:
    """The incident's evidence as of `as_of` (stored time; default: when the incident
    ended, else now)."""
    with store.read() as s:
        inc = get_live(s, m.Incident, incident_id, "incident")
        names = {o.id: o.name or "" for o in s.scalars(select(m.Organization))}
    moment = normalise("as_of", as_of) or inc.ended_at or from_ms(store.wall())
    out = Evidence(inc.id, inc.name or "", bool(inc.exercise), moment)
    out.significant_events = _significant(store, inc.id, names, moment)
    out.eei_periods = _eei(store, inc.id, names, moment)
    out.requests = _requests(store, inc.id, names, moment)
    out.conflicts = _conflicts(store, inc.id)
    return out


def _significant(
    store: Store, incident_id: str, names: dict[str, str], moment: str
) -> list[dict[str, Any]]:
    flt = log.LogFilter(incident_id=incident_id, significant="approved")
    return [
        {"id": e.id, "occurred_at": e.occurred_at, "text": e.text, "operator": e.operator,
         "position": e.position, "member": names.get(e.organization_id or "") or None,
         "approved_by": e.significant_by}
        for e in log.list_entries(store, flt=flt)
        if (e.occurred_at or "") <= moment
    ]  # fmt: skip


def _eei(
    store: Store, incident_id: str, names: dict[str, str], moment: str
) -> list[dict[str, Any]]:
    """Per period already due: who was late and who is missing."""
    out = []
    for p in incidents.list_periods(store, incident_id=incident_id):
        if p.number is None or not p.eei_due_at or p.eei_due_at > moment:
            continue
        t = eei.timeliness(store, incident_id=incident_id, period=p.number)
        out.append({
            "period": p.number, "due_at": t.due_at, "expected": t.expected,
            "on_time": len(t.on_time), "share_on_time": round(t.share_on_time, 3),
            "late": sorted(names.get(i, i) for i in t.late),
            "missing": sorted(names.get(i, i) for i in t.missing),
        })  # fmt: skip
    return out


def _requests(
    store: Store, incident_id: str, names: dict[str, str], moment: str
) -> list[dict[str, Any]]:
    out = []
    for r in requests.list_requests(store, incident_id=incident_id):
        if r.status == "denied":
            why = "denied"
        elif requests.is_overdue(r, moment):
            why = "overdue"
        else:
            continue
        out.append({
            "id": r.id, "number": r.number, "why": why, "status": r.status,
            "resource": " ".join(x for x in (r.resource_kind, r.resource_type) if x),
            "quantity": r.quantity, "unit": r.unit, "needed_by": r.needed_by,
            "requester": names.get(r.requester_org_id or "") or None, "note": r.status_note,
        })  # fmt: skip
    return out


def _conflicts(store: Store, incident_id: str) -> list[dict[str, Any]]:
    """Open conflicts on the incident or on records that belong to it."""
    out = []
    with store.read() as s:
        for c in s.scalars(select(m.Conflict).order_by(m.Conflict.entity, m.Conflict.id)):
            if c.entity == "incident":
                mine = c.record_id == incident_id
            elif c.entity in _BY_INCIDENT:
                row = s.get(_BY_INCIDENT[c.entity], c.record_id)
                mine = row is not None and row.incident_id == incident_id
            else:
                mine = False
            if mine:
                out.append({"id": c.id, "entity": c.entity, "record_id": c.record_id,
                            "unit": c.unit, "versions": len(c.version_ids or ())})  # fmt: skip
    return out
