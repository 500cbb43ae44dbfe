"""The communications log (issue 16, part 4): every message the coalition sends (EEI
request, advisory, CAP alert, briefing, EDXL-RM reply) or receives, with its
recipients, channel and time, and the acknowledgements that come back for it.

A message is a fact once sent, so it is recorded whole and never edited (only
retracted with `deleted`). Each acknowledgement is its own record with an id derived
from the message and the recipient: two stations logging different partners' replies
never touch the same record, and two stations logging the same partner's reply write
the same record (shown as a conflict only if they disagree).

Recipients are kept as a list of strings. A recipient that is an organization id names
a member (so an EEI request's partner line can tell it was sent, and the printed lists
show the member's name); anything else is a name or address as typed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import natural_id, uuid7
from hcc_desktop.core.services.common import (
    MAX_TEXT,
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
    resolve_prefix,
)
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise

DIRECTIONS: dict[str, str] = {"out": "Outbound", "in": "Inbound"}

MESSAGE_KINDS: dict[str, str] = {
    "eei_request": "EEI request",
    "eei_reminder": "EEI reminder",
    "advisory": "Advisory",
    "cap": "CAP alert",
    "briefing": "Briefing",
    "edxl_rm": "EDXL-RM message",
    "notification": "Notification",
    "other": "Other",
}

#: Channels offered in the forms; any other short word is accepted (a coalition's
#: own notification system has its own name).
CHANNELS: tuple[str, ...] = (
    "email",
    "phone",
    "sms",
    "radio",
    "fax",
    "portal",
    "notification_system",
    "file",
    "in_person",
)

MAX_RECIPIENTS = 2000


def _recipients(raw: Iterable[object] | None) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, (str, bytes, dict)):
        raise ValidationError("recipients", "expected a list of names, addresses or member ids")
    out: list[str] = []
    for i, item in enumerate(raw):
        text = require_text(f"recipients[{i}]", item, max_len=200)
        if text not in out:
            out.append(text)
    if len(out) > MAX_RECIPIENTS:
        raise ValidationError("recipients", f"at most {MAX_RECIPIENTS} recipients")
    return out


def _channel(raw: object) -> str | None:
    text = optional_text("channel", raw, max_len=30)
    return text.lower().replace(" ", "_").replace("-", "_") if text else None


def record_message(
    store: Store,
    *,
    actor: Actor,
    direction: str,
    kind: str,
    subject: str,
    body: str = "",
    channel: str = "",
    recipients: Sequence[str] | None = None,
    sender: str = "",
    sent_at: str | None = None,
    ref_kind: str | None = None,
    ref_id: str | None = None,
    external_id: str | None = None,
    incident_id: str | None = None,
    record_id: str | None = None,
) -> str:
    """Log one message and return its id (`record_id`: a natural key the demo or an
    importer chose, so two stations logging the same message make one record).
    `sent_at` defaults to now; an outbound message's sender defaults to this
    station's name. Refused (nothing written) with
    the field named when the direction or kind is unknown, the subject empty, a time
    unreadable or the incident unknown. Joins an open `store.atomic()` scope, so a
    caller that writes a file or another record with it commits both or neither."""
    values = {
        "direction": require_choice("direction", direction, DIRECTIONS),
        "kind": require_choice("kind", kind, MESSAGE_KINDS),
        "subject": require_text("subject", subject, max_len=300),
        "body": optional_text("body", body, max_len=MAX_TEXT),
        "channel": _channel(channel),
        "recipients": _recipients(recipients),
        "sender": optional_text("sender", sender, max_len=200),
        "sent_at": normalise("sent_at", sent_at) or from_ms(store.wall()),
        "sent_by": actor.label,
        "ref_kind": optional_text("ref_kind", ref_kind, max_len=30),
        "ref_id": optional_text("ref_id", ref_id, max_len=36),
        "external_id": optional_text("external_id", external_id, max_len=200),
    }
    if values["direction"] == "out" and not values["sender"]:
        values["sender"] = store.station_name[:200] or None
    if values["ref_id"] and not values["ref_kind"]:
        raise ValidationError("ref_kind", "say what kind of record ref_id names")
    with store.writing(operator=actor.label, summary=f"Message: {values['subject']}") as w:
        inc_id = (
            get_live(w.session, m.Incident, incident_id, "incident").id if incident_id else None
        )
        rid = record_id or uuid7(store.wall())
        if record_id and w.session.get(m.Message, record_id) is not None:
            raise ValidationError("id", f"a message with id {record_id} exists already")
        w.put(
            "message",
            rid,
            {"message": {**values, "incident_id": inc_id}, "deleted": False},
            new=record_id is None,
        )
    return rid


def find_by_external_id(session: Session, external_id: str) -> m.Message | None:
    """The live message another system knows by this id (EDXL-RM MessageID, CAP
    identifier), so a message that arrives twice is recognised; the earliest if the
    log holds it more than once."""
    if not external_id:
        return None
    return session.scalars(
        select(m.Message)
        .where(m.Message.external_id == external_id, m.Message.deleted.is_(False))
        .order_by(m.Message.sent_at, m.Message.id)
        .limit(1)
    ).first()


def get_message(store: Store, ref: str) -> m.Message:
    """A message by id or a unique start or end of one."""
    with store.read() as s:
        return resolve_prefix(s, m.Message, ref, "message")


def retract_message(store: Store, *, actor: Actor, message_id: str) -> None:
    """Take a message out of the log (logged by mistake); its versions stay."""
    with store.writing(operator=actor.label, summary="Retract message") as w:
        row = get_live(w.session, m.Message, message_id, "message")
        w.put("message", row.id, {"deleted": True})


# ------------------------------------------------------------ acknowledgements


def ack_id(message_id: str, organization_id: str | None, recipient: str | None) -> str:
    """One acknowledgement per message and recipient, the same at every station."""
    who = organization_id or (recipient or "").strip().lower()
    return natural_id("message_ack", message_id, who)


def acknowledge(
    store: Store,
    *,
    actor: Actor,
    message_id: str,
    organization_id: str | None = None,
    recipient: str | None = None,
    acknowledged_at: str | None = None,
    channel: str = "",
    note: str = "",
) -> str:
    """Record that a recipient (a member, or a name as typed) acknowledged an outbound
    message. A second acknowledgement by the same recipient replaces the first (the
    later call, a corrected time); returns the acknowledgement's id."""
    who = optional_text("recipient", recipient, max_len=200)
    values = {
        "acknowledged_at": normalise("acknowledged_at", acknowledged_at) or from_ms(store.wall()),
        "channel": _channel(channel),
        "note": optional_text("note", note, max_len=2000),
        "recorded_by": actor.label,
    }
    with store.writing(operator=actor.label, summary="Message acknowledged") as w:
        msg = resolve_prefix(w.session, m.Message, message_id, "message")
        if msg.direction != "out":
            raise ValidationError("message", "only an outbound message is acknowledged")
        org = (
            get_live(w.session, m.Organization, organization_id, "organization")
            if (organization_id)
            else None
        )
        if org is None and not who:
            raise ValidationError("recipient", "name the member or the person who acknowledged")
        if who is None and org is not None:
            who = org.name
        rid = ack_id(msg.id, org.id if org else None, who)
        row = w.session.get(m.MessageAck, rid)
        w.put(
            "message_ack",
            rid,
            {
                "ack": {
                    **values,
                    "message_id": msg.id,
                    "organization_id": org.id if org else None,
                    "recipient": who,
                },
                "deleted": False,
            },
            new=row is None,
        )
    return rid


def withdraw_ack(store: Store, *, actor: Actor, ack: str) -> None:
    """Take back an acknowledgement recorded by mistake."""
    with store.writing(operator=actor.label, summary="Acknowledgement withdrawn") as w:
        row = get_live(w.session, m.MessageAck, ack, "ack")
        w.put("message_ack", row.id, {"deleted": True})


# ------------------------------------------------------------------ listing


@dataclass(frozen=True)
class Recipient:
    """One recipient as shown: a member's name when the entry is a member id."""

    key: str
    name: str
    organization_id: str | None
    acknowledged_at: str | None


@dataclass(frozen=True)
class MessageRow:
    message: m.Message
    recipients: list[Recipient]
    acks: list[m.MessageAck] = field(default_factory=list)

    @property
    def ack_count(self) -> int:
        return len(self.acks)

    @property
    def awaiting(self) -> list[Recipient]:
        """Recipients who have not acknowledged (an outbound message's loose ends)."""
        return [r for r in self.recipients if r.acknowledged_at is None]

    def as_dict(self) -> dict[str, object]:
        msg = self.message
        return {
            "id": msg.id,
            "incident_id": msg.incident_id,
            "direction": msg.direction,
            "kind": msg.kind,
            "subject": msg.subject,
            "body": msg.body,
            "channel": msg.channel,
            "sender": msg.sender,
            "sent_at": msg.sent_at,
            "sent_by": msg.sent_by,
            "ref_kind": msg.ref_kind,
            "ref_id": msg.ref_id,
            "external_id": msg.external_id,
            "recipients": [
                {
                    "recipient": r.name,
                    "organization_id": r.organization_id,
                    "acknowledged_at": r.acknowledged_at,
                }
                for r in self.recipients
            ],
            "acks": [
                {
                    "id": a.id,
                    "organization_id": a.organization_id,
                    "recipient": a.recipient,
                    "acknowledged_at": a.acknowledged_at,
                    "channel": a.channel,
                    "note": a.note,
                    "recorded_by": a.recorded_by,
                }
                for a in self.acks
            ],
        }


def list_messages(
    store: Store,
    *,
    incident_id: str | None = None,
    direction: str | None = None,
    kind: str | None = None,
    ref_kind: str | None = None,
    ref_id: str | None = None,
    since: str | None = None,
) -> list[MessageRow]:
    """Live messages, newest first, with their recipients resolved and the
    acknowledgements matched to them. Filters name the field when refused."""
    want_dir = require_choice("direction", direction, DIRECTIONS) if direction else None
    want_kind = require_choice("kind", kind, MESSAGE_KINDS) if kind else None
    after = normalise("since", since)
    with store.read() as s:
        q = select(m.Message).where(m.Message.deleted.is_(False))
        if incident_id:
            q = q.where(m.Message.incident_id == incident_id)
        if want_dir:
            q = q.where(m.Message.direction == want_dir)
        if want_kind:
            q = q.where(m.Message.kind == want_kind)
        if ref_kind:
            q = q.where(m.Message.ref_kind == ref_kind)
        if ref_id:
            q = q.where(m.Message.ref_id == ref_id)
        if after:
            q = q.where(m.Message.sent_at >= after)
        msgs = list(s.scalars(q.order_by(m.Message.sent_at.desc(), m.Message.id.desc())))
        return _rows(s, msgs)


def _rows(s: Session, msgs: list[m.Message]) -> list[MessageRow]:
    ids = [x.id for x in msgs]
    acks: dict[str, list[m.MessageAck]] = defaultdict(list)
    for chunk in range(0, len(ids), 500):
        for a in s.scalars(
            select(m.MessageAck).where(
                m.MessageAck.message_id.in_(ids[chunk : chunk + 500]),
                m.MessageAck.deleted.is_(False),
            )
        ):
            acks[a.message_id or ""].append(a)
    keys = {k for x in msgs for k in (x.recipients or []) if isinstance(k, str)}
    names: dict[str, str | None] = {}
    if keys:
        stmt = select(m.Organization.id, m.Organization.name).where(m.Organization.id.in_(keys))
        names = {oid: name for oid, name in s.execute(stmt)}
    out = []
    for x in msgs:
        got = sorted(acks.get(x.id, []), key=lambda a: (a.acknowledged_at or "", a.id))
        by_org = {a.organization_id: a.acknowledged_at for a in got if a.organization_id}
        by_name = {(a.recipient or "").lower(): a.acknowledged_at for a in got}
        recips = []
        for key in x.recipients or []:
            key = str(key)
            if key in names:
                recips.append(Recipient(key, names[key] or key, key, by_org.get(key)))
            else:
                recips.append(Recipient(key, key, None, by_name.get(key.lower())))
        out.append(MessageRow(x, recips, got))
    return out


def message_row(store: Store, ref: str) -> MessageRow:
    with store.read() as s:
        msg = resolve_prefix(s, m.Message, ref, "message")
        return _rows(s, [msg])[0]


def sent_for(session: Session, ref_kind: str, ref_ids: Iterable[str]) -> list[m.Message]:
    """Live outbound messages about these records (an EEI request's sends and
    reminders), oldest first."""
    wanted = list(ref_ids)
    if not wanted:
        return []
    return list(
        session.scalars(
            select(m.Message)
            .where(
                m.Message.ref_kind == ref_kind,
                m.Message.ref_id.in_(wanted),
                m.Message.direction == "out",
                m.Message.deleted.is_(False),
            )
            .order_by(m.Message.sent_at, m.Message.id)
        )
    )
