"""Alerts received (CAP in) or issued (CAP out), recorded through the version engine
like everything else, so they sync to every station.

An alert's id is UUIDv5(identifier, sender, sent) — CAP's own definition of "the same
alert" — so importing it twice, here or at another station, makes one record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import natural_id, uuid7
from hcc_desktop.core.services.common import Actor, get_live
from hcc_desktop.core.services.log import NewEntry, _entry_value
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms


def alert_id(identifier: str, sender: str, sent: str) -> str:
    return natural_id("cap", identifier.strip(), sender.strip(), sent.strip())


def reference_id(reference: str) -> str | None:
    """A CAP reference is "sender,identifier,sent"."""
    parts = reference.split(",")
    if len(parts) != 3:
        return None
    sender, identifier, sent = parts
    return alert_id(identifier, sender, sent)


@dataclass(frozen=True)
class AlertInput:
    identifier: str
    sender: str
    sent: str
    status: str
    msg_type: str
    scope: str | None
    note: str | None
    references: list[str]
    infos: list[dict[str, Any]]
    source: str | None
    log_text: str
    priority: str
    direction: str = "in"
    #: `alert_id` of identifier, sender and sent, when the caller has worked it out
    #: already (a file's import does, to tell known alerts): a UUIDv5 per alert costs.
    id: str | None = None


@dataclass(frozen=True)
class AlertOutcome:
    alert_id: str
    log_entry_id: str | None
    duplicate: bool
    references_known: list[str]
    references_unknown: list[str]


def record_alert(
    store: Store, *, actor: Actor, alert: AlertInput, incident_id: str
) -> AlertOutcome:
    return record_alerts(store, actor=actor, alerts=[alert], incident_id=incident_id)[0]


def record_alerts(
    store: Store, *, actor: Actor, alerts: list[AlertInput], incident_id: str
) -> list[AlertOutcome]:
    """Keep each alert and put a log entry about it in the incident, all in one
    transaction; an alert imported before (here or at another station) changes
    nothing and is reported as a duplicate."""
    outcomes: list[AlertOutcome] = []
    now = from_ms(store.wall())
    batch_ids: dict[str, str] = {}
    with store.writing(operator=actor.label, summary=f"{len(alerts)} alerts") as w:
        inc = get_live(w.session, m.Incident, incident_id, "incident")
        ids = [a.id or alert_id(a.identifier, a.sender, a.sent) for a in alerts]
        wanted = set(ids)
        wanted |= {rid for a in alerts for r in a.references if (rid := reference_id(r))}
        known_rows = _load(w.session, wanted)
        for alert, aid in zip(alerts, ids, strict=True):
            known = [
                r
                for r in alert.references
                if (rid := reference_id(r)) and (rid in batch_ids or rid in known_rows)
            ]
            unknown = [r for r in alert.references if r not in known]
            existing = known_rows.get(aid)
            if aid in batch_ids or (existing is not None and not existing.deleted):
                logged = batch_ids.get(aid) or (existing.log_entry_id if existing else None)
                outcomes.append(AlertOutcome(aid, logged, True, known, unknown))
                continue
            entry_id = uuid7(store.wall())
            entry = NewEntry(
                alert.log_text, "alert", alert.priority, source=f"CAP {alert.identifier}"[:200]
            )
            value = _entry_value(actor, store.station_name, inc.id, now, entry)
            log_item = ("log_entry", entry_id, {"entry": value})
            record = {
                "alert": {
                    "identifier": alert.identifier,
                    "sender": alert.sender,
                    "sent": alert.sent,
                    "status": alert.status,
                    "msg_type": alert.msg_type,
                    "scope": alert.scope,
                    "references": alert.references or None,
                    "note": alert.note,
                    "infos": alert.infos,
                    "source": alert.source,
                    "received_at": now,
                    "direction": alert.direction,
                },
                "incident_id": inc.id,
                "log_entry_id": entry_id,
                "deleted": False,
            }
            # Both fresh records in one `put_new` (the versions `put(new=True)` of each
            # would make, without its per-call set-up), alert by alert: a batch of the
            # whole feed held every value until the end, which set off a full garbage
            # collection. An alert deleted before and received again is an edit of its
            # record.
            if existing is None:
                w.put_new((log_item, ("alert", aid, record)))
            else:
                w.put_new((log_item,))
                w.put("alert", aid, record, new=False)
            batch_ids[aid] = entry_id
            outcomes.append(AlertOutcome(aid, entry_id, False, known, unknown))
    return outcomes


def _load(session: Any, ids: set[str]) -> dict[str, m.Alert]:
    found: dict[str, m.Alert] = {}
    ordered = sorted(ids)
    for i in range(0, len(ordered), 400):
        stmt = select(m.Alert).where(m.Alert.id.in_(ordered[i : i + 400]))
        found.update({a.id: a for a in session.scalars(stmt)})
    return found


def list_alerts(store: Store, *, incident_id: str | None = None) -> list[m.Alert]:
    with store.read() as s:
        stmt = select(m.Alert).where(m.Alert.deleted.is_(False))
        if incident_id:
            stmt = stmt.where(m.Alert.incident_id == incident_id)
        return list(s.scalars(stmt.order_by(m.Alert.received_at, m.Alert.id)))


def updates_of(store: Store, alert: m.Alert) -> list[m.Alert]:
    """Later alerts that reference this one (Updates and Cancels)."""
    ref = f"{alert.sender},{alert.identifier},{alert.sent}"
    return [a for a in list_alerts(store) if a.references and ref in a.references]


def is_cancelled(store: Store, alert: m.Alert) -> bool:
    return any(a.msg_type == "Cancel" for a in updates_of(store, alert))


def get_alert(store: Store, ref: str) -> m.Alert:
    with store.read() as s:
        row = s.get(m.Alert, ref)
        if row is None and len(ref) >= 6:
            rows = list(s.scalars(select(m.Alert).where(m.Alert.id.startswith(ref)).limit(2)))
            row = rows[0] if len(rows) == 1 else None
        if row is None or row.deleted:
            raise ValidationError("alert", f"unknown alert {ref!r}")
        return row
