"""Shift handover: what the outgoing officer hands to the incoming one.

No published HCC handover checklist exists (DOMAIN.md §7); this follows the crisis
shift-change practice of briefing by exception: open resource requests and what
changed since the last handover, EEIs overdue, significant events, conflicts awaiting
a decision, what each station has not yet received from this one, open alerts, and
who holds which position and where the duty schedule has a gap.

`build_report` only reads and returns plain data (JSON-ready dicts), so the dialog,
the PDF and the stored snapshot show the same thing. `prepare` stores that snapshot
as shown, so what was handed over can be read later even after the requests moved
on; `acknowledge` records the incoming officer's acknowledgement and writes it to the
incident log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.services import duty, eei, log, requests, roster
from hcc_desktop.core.services.common import (
    Actor,
    get_live,
    optional_text,
    require_text,
    resolve_prefix,
)
from hcc_desktop.core.services.escalation import HERE, LogTrail
from hcc_desktop.core.services.escalation import history as request_history
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise, parse_iso, to_iso

#: The sections of a report, in the order the dialog and the PDF show them.
SECTIONS: dict[str, str] = {
    "positions": "Positions",
    "requests_open": "Open resource requests",
    "requests_changed": "Requests changed since the last handover",
    "eei_overdue": "EEIs overdue",
    "events": "Significant events",
    "conflicts": "Conflicts awaiting a decision",
    "stations": "Not yet sent to other stations",
    "alerts": "Open alerts",
    "duty_gaps": "Duty schedule gaps (next 48 hours)",
}
#: CAP alerts that are not in force whatever their times say.
_NOT_OPEN_STATUS = frozenset({"Test", "System", "Draft", "Exercise"})
_NOT_OPEN_TYPES = frozenset({"Cancel", "Ack", "Error"})


def last_handover(store: Store, *, incident_id: str) -> m.Handover | None:
    with store.read() as s:
        return s.scalar(
            select(m.Handover)
            .where(m.Handover.incident_id == incident_id, m.Handover.deleted.is_(False))
            .order_by(m.Handover.prepared_at.desc(), m.Handover.id.desc())
            .limit(1)
        )


def build_report(
    store: Store, *, incident_id: str, since: str | None = None, now: str | None = None
) -> dict[str, Any]:
    """The handover report as of `now` (default: the store's clock) covering changes
    since `since` (default: the last handover of the incident, else its start)."""
    at = normalise("now", now) or from_ms(store.wall())
    with store.read() as s:
        inc = get_live(s, m.Incident, incident_id, "incident")
        inc_name, started = inc.name, inc.started_at
        names = {o.id: o.name or "" for o in s.scalars(select(m.Organization))}
    previous = last_handover(store, incident_id=incident_id)
    start = normalise("since", since) or (previous.prepared_at if previous else None) or started
    report: dict[str, Any] = {
        "incident_id": incident_id,
        "incident": inc_name,
        "now": at,
        "since": start,
        "previous_handover": previous.id if previous else None,
    }
    report["positions"] = [
        {"position": roster.position_label(a.row.position), "person": a.row.person,
         "phone": a.row.phone, "since": a.row.signed_in_at}
        for a in roster.holders(store, incident_id=incident_id, at=at)
    ]  # fmt: skip
    report.update(_requests(store, incident_id, start, at, names))
    report["eei_overdue"] = _eei_overdue(store, incident_id, at, names)
    report["events"] = _events(store, incident_id, start, at)
    report["conflicts"] = _conflicts(store)
    report["stations"] = _stations(store)
    report["alerts"] = _alerts(store, incident_id, at)
    window_end = to_iso(parse_iso(at) + timedelta(hours=48))
    report["duty_gaps"] = [
        {"starts_at": g.starts_at, "ends_at": g.ends_at}
        for g in duty.gaps(store, start=at, end=window_end)
    ]
    return report


def _requests(
    store: Store, incident_id: str, since: str | None, now: str, names: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    open_rows: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for r in requests.list_requests(store, incident_id=incident_id):
        steps = [
            st for st in request_history(store, request_id=r.id)
            if (since is None or (st.at or "") > since) and (st.at or "") <= now
        ]  # fmt: skip
        if steps:
            new = since is None or (r.created_at or "") > since
            changed.append(
                {"number": r.number, "resource": r.resource_kind, "new": new,
                 "status": lifecycle.LABELS.get(r.status or "", r.status),
                 "changes": [f"{st.text}" + (f" ({st.by})" if st.by else "") for st in steps]}
            )  # fmt: skip
        if not lifecycle.is_open(r.status):
            continue
        open_rows.append(
            {"number": r.number, "resource": r.resource_kind, "quantity": r.quantity,
             "unit": r.unit, "priority": r.priority,
             "status": lifecycle.LABELS.get(r.status or "", r.status),
             "requester": names.get(r.requester_org_id or "") or r.requested_by,
             "needed_by": r.needed_by, "overdue": requests.is_overdue(r, now),
             "filled": r.filled_quantity, "elevated": r.elevated_quantity,
             "elevated_to": r.elevated_to, "elevated_ref": r.elevated_ref}
        )  # fmt: skip
    open_rows.sort(
        key=lambda d: (not d["overdue"], requests.PRIORITY_ORDER.get(str(d["priority"]), 9),
                       d["needed_by"] or "9999", d["number"] or "")
    )  # fmt: skip
    return {"requests_open": open_rows, "requests_changed": changed}


def _eei_overdue(
    store: Store, incident_id: str, now: str, names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Per period whose EEI due time has passed, the facilities that have not reported
    (the latest two such periods: older ones are history, not a handover item)."""
    with store.read() as s:
        periods = list(
            s.scalars(
                select(m.OperationalPeriod)
                .where(
                    m.OperationalPeriod.incident_id == incident_id,
                    m.OperationalPeriod.deleted.is_(False),
                    m.OperationalPeriod.eei_due_at.is_not(None),
                    m.OperationalPeriod.eei_due_at < now,
                )
                .order_by(m.OperationalPeriod.number.desc())
                .limit(2)
            )
        )
    out = []
    for p in periods:
        t = eei.timeliness(store, incident_id=incident_id, period=int(p.number or 0))
        if t.missing:
            out.append(
                {"period": p.number, "due_at": p.eei_due_at, "expected": t.expected,
                 "missing": sorted(names.get(o, o) for o in t.missing)}
            )  # fmt: skip
    return out


def _events(store: Store, incident_id: str, since: str | None, now: str) -> list[dict[str, Any]]:
    with store.read() as s:
        stmt = select(m.LogEntry).where(
            m.LogEntry.incident_id == incident_id,
            m.LogEntry.occurred_at <= now,
            m.LogEntry.deleted.is_(False),
            m.LogEntry.significant.in_(("approved", "nominated")),
        )
        if since:
            stmt = stmt.where(m.LogEntry.occurred_at > since)
        rows = list(s.scalars(stmt.order_by(m.LogEntry.occurred_at, m.LogEntry.id)))
    return [
        {"at": e.occurred_at, "text": e.text, "state": e.significant,
         "by": f"{e.operator} ({e.position})" if e.position else e.operator}
        for e in rows
    ]  # fmt: skip


def _conflicts(store: Store) -> list[dict[str, Any]]:
    """Open conflicts, named the way the Conflicts dock names them."""
    out = []
    with store.read() as s:
        for c in s.scalars(select(m.Conflict).order_by(m.Conflict.entity, m.Conflict.id)):
            row = s.get(ENTITIES[c.entity].model, c.record_id) if c.entity in ENTITIES else None
            label = next(
                (str(getattr(row, a))[:60] for a in ("name", "number", "person", "text", "title")
                 if row is not None and getattr(row, a, None)),
                c.record_id[:8],
            )  # fmt: skip
            out.append({"entity": c.entity.replace("_", " "), "record": label, "field": c.unit,
                        "sides": len(c.version_ids or ())})  # fmt: skip
    return out


def _stations(store: Store) -> list[dict[str, Any]]:
    """Per trusted peer: how many of this store's versions it is not known to hold
    (what a delta package for it would carry), and when it last sent a package here."""
    with store.read() as s:
        peers = list(
            s.scalars(
                select(m.Station)
                .where(
                    m.Station.is_self.is_(False),
                    m.Station.trusted.is_(True),
                    m.Station.revoked.is_(False),
                )
                .order_by(m.Station.name)
            )
        )
        out = []
        for st in peers:
            known = dict(
                s.execute(
                    select(m.PeerVector.origin_site, m.PeerVector.hlc).where(
                        m.PeerVector.peer_site == st.site_id
                    )
                ).all()
            )
            lacking = 0
            for site, count_stmt in _per_origin(s):
                lacking += int(
                    s.scalar(count_stmt.where(m.Version.hlc > int(known.get(site, -1)))) or 0
                )
            last = s.scalar(
                select(func.max(m.ImportRecord.imported_at)).where(
                    m.ImportRecord.origin_site == st.site_id
                )
            )
            out.append({"station": st.name, "not_sent": lacking, "last_received": last})
    return out


def _per_origin(s: Any) -> list[tuple[str, Any]]:
    sites = s.scalars(select(m.Version.site_id).distinct()).all()
    return [
        (site, select(func.count()).select_from(m.Version).where(m.Version.site_id == site))
        for site in sites
    ]


def _alerts(store: Store, incident_id: str, now: str) -> list[dict[str, Any]]:
    """Alerts still in force: not a test or cancellation, not superseded by a later
    update or cancel, not past the latest expiry of their info blocks."""
    with store.read() as s:
        every = list(s.scalars(select(m.Alert).where(m.Alert.deleted.is_(False))))
    superseded = {ref for a in every for ref in (a.references or ()) if isinstance(ref, str)}
    out = []
    for a in every:
        if a.incident_id not in (incident_id, None):
            continue
        if a.status in _NOT_OPEN_STATUS or a.msg_type in _NOT_OPEN_TYPES:
            continue
        if f"{a.sender},{a.identifier},{a.sent}" in superseded:
            continue
        infos = [i for i in (a.infos or ()) if isinstance(i, dict)]
        expiries = [_utc(i.get("expires")) for i in infos]
        if infos and all(expiries) and max(e for e in expiries if e) < now:
            continue
        first = infos[0] if infos else {}
        out.append(
            {"headline": str(first.get("headline") or first.get("event") or a.identifier),
             "severity": first.get("severity"), "sender": first.get("sender_name") or a.sender,
             "sent": a.sent, "expires": max((e for e in expiries if e), default=None)}
        )  # fmt: skip
    return out


def _utc(value: Any) -> str | None:
    try:
        return to_iso(parse_iso(str(value))) if value else None
    except ValueError:
        return None


def counts(report: Mapping[str, Any]) -> dict[str, int]:
    """How many items each section holds (the summary line and the log entry)."""
    out = {k: len(report.get(k) or ()) for k in SECTIONS}
    out["requests_overdue"] = sum(1 for r in report.get("requests_open") or () if r["overdue"])
    out["not_sent"] = sum(int(st["not_sent"]) for st in report.get("stations") or ())
    return out


# ------------------------------------------------------------------ writes


def prepare(
    store: Store,
    *,
    actor: Actor,
    incident_id: str,
    incoming: str | None = None,
    notes: str | None = None,
    since: str | None = None,
    at: str | None = None,
    record_id: str | None = None,
) -> str:
    """Build the report as of `at` (default: now) and store it as shown, addressed to
    `incoming` (who may be named later by acknowledging)."""
    with store.atomic():
        report = build_report(store, incident_id=incident_id, since=since, now=at)
        rid = record_id or uuid7(store.wall())
        with store.writing(operator=actor.label, summary="Prepare handover") as w:
            get_live(w.session, m.Incident, incident_id, "incident")
            w.put(
                "handover",
                rid,
                {
                    "report": {
                        "incident_id": incident_id,
                        "prepared_at": report["now"],
                        "prepared_by": actor.label,
                        "since": report["since"],
                        "content": report,
                    },
                    "incoming": optional_text("incoming", incoming, max_len=120),
                    "notes": optional_text("notes", notes, max_len=10_000),
                    "deleted": False,
                },
                new=record_id is None,
            )
    return rid


def acknowledge(
    store: Store,
    *,
    actor: Actor,
    handover_id: str,
    by: str | None = None,
    note: str | None = None,
    at: str | None = None,
    trail: LogTrail = HERE,
) -> m.Handover:
    """The incoming officer takes over: recorded on the handover and in the incident
    log, together. Refused when acknowledged already, when the handover is addressed
    to someone else, or when dated before it was prepared."""
    who = require_text("acknowledged_by", by or actor.name, max_len=120)
    with store.atomic():
        with store.writing(operator=actor.label, summary="Acknowledge handover") as w:
            row = resolve_prefix(w.session, m.Handover, handover_id, "handover")
            if row.acknowledged_at:
                raise ValidationError(
                    "handover",
                    f"acknowledged already by {row.acknowledged_by} at {row.acknowledged_at}",
                )
            if row.incoming and row.incoming.casefold() != who.casefold():
                raise ValidationError(
                    "acknowledged_by", f"the handover is addressed to {row.incoming}, not {who}"
                )
            when = normalise("acknowledged_at", at) or from_ms(store.wall())
            if when < (row.prepared_at or ""):
                raise ValidationError(
                    "acknowledged_at", f"{when} is before it was prepared ({row.prepared_at})"
                )
            text_note = optional_text("note", note, max_len=2000)
            w.put(
                "handover",
                row.id,
                {"ack": {"acknowledged_by": who, "acknowledged_at": when, "ack_note": text_note}},
            )
            hid, incident_id, prepared_by = row.id, row.incident_id, row.prepared_by
            content = row.content or {}
        n = counts(content)
        text = (
            f"Shift handover from {prepared_by} acknowledged by {who}: "
            f"{n['requests_open']} open requests ({n['requests_overdue']} overdue), "
            f"{n['eei_overdue']} periods with EEIs overdue, {n['conflicts']} conflicts, "
            f"{n['alerts']} open alerts."
        ) + (f" {text_note}" if text_note else "")
        if incident_id:
            entry = log.NewEntry(text, "general", "important", occurred_at=when,
                                 source="handover", record_id=trail.log_id,
                                 station=trail.station)  # fmt: skip
            log.add_entries(store, actor=Actor(who, actor.position), incident_id=incident_id,
                            entries=[entry])  # fmt: skip
    with store.read() as s:
        return resolve_prefix(s, m.Handover, hid, "handover")


def list_handovers(store: Store, *, incident_id: str) -> list[m.Handover]:
    """Newest first."""
    with store.read() as s:
        return list(
            s.scalars(
                select(m.Handover)
                .where(m.Handover.incident_id == incident_id, m.Handover.deleted.is_(False))
                .order_by(m.Handover.prepared_at.desc(), m.Handover.id.desc())
            )
        )


def get_handover(store: Store, ref: str) -> m.Handover:
    with store.read() as s:
        return resolve_prefix(s, m.Handover, ref, "handover")


def handover_dict(h: m.Handover) -> dict[str, Any]:
    return {
        "id": h.id, "incident_id": h.incident_id, "prepared_at": h.prepared_at,
        "prepared_by": h.prepared_by, "since": h.since, "incoming": h.incoming,
        "notes": h.notes, "acknowledged_by": h.acknowledged_by,
        "acknowledged_at": h.acknowledged_at, "ack_note": h.ack_note,
        "counts": counts(h.content or {}),
    }  # fmt: skip
