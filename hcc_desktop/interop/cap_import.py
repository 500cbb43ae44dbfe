"""CAP alerts into the incident: each alert becomes a log entry (and a kept alert
record) in the chosen incident, or opens a new incident."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import alerts as alert_service
from hcc_desktop.core.services import incidents
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.organizations import list_organizations
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import add_hours, normalise, parse_iso
from hcc_desktop.interop.areas import MemberPoints, members_inside
from hcc_desktop.interop.cap import CapAlert, Info, parse_cap_bytes
from hcc_desktop.interop.xmlsafe import read_capped

#: An alert that expires sooner than this does not make the first period: EEIs fall
#: due two hours into a period, and a period that ends before they are due is refused.
MIN_ALERT_PERIOD_HOURS = 2.0

URGENT_SEVERITY = {"Extreme", "Severe"}
URGENT_URGENCY = {"Immediate", "Expected"}

INCIDENT_TYPE_WORDS = (
    ("hurricane", "hurricane"),
    ("tropical", "hurricane"),
    ("winter", "winter_storm"),
    ("blizzard", "winter_storm"),
    ("ice storm", "winter_storm"),
    ("flood", "flood"),
    ("cyber", "cyber"),
    ("power", "utility_failure"),
)


@dataclass(frozen=True)
class ImportedAlert:
    alert: CapAlert
    outcome: alert_service.AlertOutcome
    members_inside: list[str]


@dataclass(frozen=True)
class FirstPeriod:
    number: int
    starts_at: str
    ends_at: str
    basis: str


def first_period_span(alert: CapAlert) -> tuple[str, str, str]:
    """Start, end and basis of the first operational period of an incident opened from
    `alert`: from the alert's onset (else effective, else sent) to its expiry, so the
    period covers what the alert warns of. Without a usable expiry (none, not after the
    start, or longer than an operator may open in one step) the coalition's default
    length is used: an incident without a period refuses every EEI and HAVE report."""
    info = alert.infos[0] if alert.infos else None
    sent = normalise("sent", alert.sent)
    assert sent is not None
    start = sent
    for raw in (info.onset, info.effective) if info else ():
        moment = _moment(raw)
        if moment:
            start = moment
            break
    end = _moment(info.expires) if info else None
    hours = incidents.DEFAULT_PERIOD_HOURS
    if end and end > start:
        span = (parse_iso(end) - parse_iso(start)).total_seconds() / 3600
        if MIN_ALERT_PERIOD_HOURS <= span <= incidents.MAX_PERIOD_HOURS:
            return start, end, "until the alert expires"
        why = "too short" if span < MIN_ALERT_PERIOD_HOURS else "too long"
        return start, add_hours(start, hours), f"default length, {hours:g} h: alert span {why}"
    return start, add_hours(start, hours), f"default length, {hours:g} h"


def _moment(raw: str | None) -> str | None:
    """A CAP time as stored, or None when absent or unreadable (the parser has said
    so in its warnings already)."""
    if not raw:
        return None
    try:
        return normalise("time", raw)
    except ValidationError:
        return None


@dataclass(frozen=True)
class CapImportResult:
    file: str
    incident_id: str
    created_incident: bool
    alerts: list[ImportedAlert]
    warnings: list[str]
    #: The first operational period of an incident opened from the alert: number,
    #: start, end and where its length came from ("the alert's expiry" or the default).
    first_period: FirstPeriod | None = None

    @property
    def new(self) -> int:
        return sum(1 for a in self.alerts if not a.outcome.duplicate)

    @property
    def duplicates(self) -> int:
        return sum(1 for a in self.alerts if a.outcome.duplicate)


def _priority(info: Info | None) -> str:
    if info is None:
        return "routine"
    if info.severity in URGENT_SEVERITY and info.urgency in URGENT_URGENCY:
        return "urgent"
    if info.severity in URGENT_SEVERITY or info.urgency == "Immediate":
        return "important"
    return "routine"


def _log_text(alert: CapAlert, inside: list[str]) -> str:
    info = alert.infos[0] if alert.infos else None
    kind = {"Update": "CAP update", "Cancel": "CAP cancellation"}.get(alert.msg_type, "CAP alert")
    who = (info.sender_name if info and info.sender_name else None) or alert.sender
    parts = [f"{kind} ({alert.status}) from {who}"]
    if info is not None:
        head = info.headline or info.event
        parts.append(f": {head}")
        grade = "/".join(x for x in (info.urgency, info.severity, info.certainty) if x)
        parts.append(f" — {info.event}" + (f"; {grade}" if grade else ""))
        if info.expires:
            parts.append(f"; expires {info.expires}")
        areas = "; ".join(a.description for i in alert.infos for a in i.areas if a.description)
        if areas:
            parts.append(f". Areas: {areas[:600]}")
        if info.instruction:
            parts.append(f". Instruction: {info.instruction[:600]}")
    if alert.references:
        parts.append(f". References {len(alert.references)} earlier alert(s)")
    if inside:
        shown = ", ".join(inside[:12]) + (
            f" and {len(inside) - 12} more" if len(inside) > 12 else ""
        )
        parts.append(f". Members in the area ({len(inside)}): {shown}")
    parts.append(f". Sent {alert.sent}; id {alert.identifier}")
    return "".join(parts)


def _incident_type(alert: CapAlert) -> str:
    words = " ".join(i.event.lower() for i in alert.infos)
    for needle, kind in INCIDENT_TYPE_WORDS:
        if needle in words:
            return kind
    return "other"


@dataclass(frozen=True)
class CapFile:
    """A parsed alert file, not yet recorded: what the operator is shown before
    choosing where the alerts go. `known` holds the alerts already in the store
    (identifier + sender + sent), which importing again would not duplicate."""

    file: str
    source: str
    alerts: list[CapAlert]
    infos: list[list[dict[str, Any]]]
    members_inside: list[list[str]]
    known: list[bool]
    warnings: list[str]
    #: Record ids (`alerts.alert_id`) by (identifier, sender, sent), worked out once
    #: for `known` and used again when the alerts are recorded.
    ids: dict[tuple[str, str, str], str] | None = None


def read_cap(store: Store, path: Path) -> CapFile:
    """Parse the whole file (a malformed file is refused as a whole) and find the
    members inside each alert's areas. Reads the store, writes nothing."""
    label = str(path)
    parsed = parse_cap_bytes(read_capped(Path(path)), label=label)
    warnings = [w for a in parsed for w in a.warnings]
    members = MemberPoints(list_organizations(store))
    inside_names: list[list[str]] = []
    infos_dicts: list[list[dict[str, Any]]] = []
    for a in parsed:
        infos = list(a.as_dict()["infos"])
        infos_dicts.append(infos)
        inside_names.append(sorted(o.name or "" for o in members_inside(infos, members)))
    ids = [alert_service.alert_id(a.identifier, a.sender, a.sent) for a in parsed]
    known = _known_ids(store, ids)
    return CapFile(
        label,
        Path(path).name,
        parsed,
        infos_dicts,
        inside_names,
        [i in known for i in ids],
        warnings,
        {(a.identifier, a.sender, a.sent): i for a, i in zip(parsed, ids, strict=True)},
    )


def _known_ids(store: Store, ids: list[str]) -> set[str]:
    """Ids of live alerts among `ids` (in chunks: SQLite caps the parameters)."""
    found: set[str] = set()
    ordered = sorted(set(ids))
    with store.read() as s:
        for i in range(0, len(ordered), 400):
            stmt = select(m.Alert.id).where(
                m.Alert.id.in_(ordered[i : i + 400]), m.Alert.deleted.is_(False)
            )
            found.update(s.scalars(stmt))
    return found


def record_cap(
    store: Store,
    cap: CapFile,
    *,
    actor: Actor,
    incident_id: str | None = None,
    new_incident: bool = False,
) -> CapImportResult:
    """Record every alert of a parsed file in one transaction: log entries in the
    chosen incident, or a new incident opened from the first alert (and made the
    current one)."""
    # One transaction for all of it: a new incident (made current) with none of its
    # alerts, or the current incident switched and the alerts lost, cannot be left
    # behind by a failure part way.
    with store.atomic():
        return _record(store, cap, actor, incident_id, new_incident)


def _record(
    store: Store, cap: CapFile, actor: Actor, incident_id: str | None, new_incident: bool
) -> CapImportResult:
    parsed = cap.alerts
    created = False
    period: FirstPeriod | None = None
    if new_incident:
        first = parsed[0]
        info = first.infos[0] if first.infos else None
        sent = normalise("sent", first.sent)
        assert sent is not None
        starts, ends, basis = first_period_span(first)
        incident_id = incidents.create_incident(
            store,
            actor=actor,
            name=(info.headline or info.event if info else first.identifier)[:200],
            incident_type=_incident_type(first),
            exercise=first.status in ("Exercise", "Test"),
            description=f"Opened from CAP alert {first.identifier} by {first.sender}",
            # An onset before the alert was sent (an update about a storm already
            # under way) starts the incident then: a period may not precede it.
            started_at=min(sent, starts),
        )
        number = incidents.add_period(
            store, actor=actor, incident_id=incident_id, starts_at=starts, ends_at=ends
        )
        period = FirstPeriod(number, starts, ends, basis)
        created = True
    else:
        incident_id = incidents.resolve_incident(store, incident_id).id
    known_ids = cap.ids or {}
    inputs = [
        alert_service.AlertInput(
            identifier=a.identifier,
            sender=a.sender,
            sent=a.sent,
            status=a.status,
            msg_type=a.msg_type,
            scope=a.scope,
            note=a.note,
            references=a.references,
            infos=infos,
            source=cap.source,
            log_text=_log_text(a, inside),
            priority=_priority(a.infos[0] if a.infos else None),
            id=known_ids.get((a.identifier, a.sender, a.sent)),
        )
        for a, infos, inside in zip(parsed, cap.infos, cap.members_inside, strict=True)
    ]
    outcomes = alert_service.record_alerts(
        store, actor=actor, alerts=inputs, incident_id=incident_id
    )
    imported = [
        ImportedAlert(a, o, inside)
        for a, o, inside in zip(parsed, outcomes, cap.members_inside, strict=True)
    ]
    return CapImportResult(cap.file, incident_id, created, imported, list(cap.warnings), period)


def import_cap(
    store: Store,
    path: Path,
    *,
    actor: Actor,
    incident_id: str | None = None,
    new_incident: bool = False,
) -> CapImportResult:
    """Parse the whole file first (a malformed file imports nothing), then record every
    alert in one transaction."""
    return record_cap(
        store, read_cap(store, path), actor=actor, incident_id=incident_id,
        new_incident=new_incident,
    )  # fmt: skip
