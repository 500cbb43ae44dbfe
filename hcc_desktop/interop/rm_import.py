"""EDXL-RM 1.0 in: what a resource message does to the resource tracker.

A RequestResource becomes one ICS 213 RR per resource line (submitted, in the chosen
incident), remembering the message it came from (the request's "origin"). Replies find
their request through the ids they name (PrecedingMessageID, OriginatingMessageID):
either a request that arrived in that message, or one of ours that went out in it (the
communications log holds every EDXL-RM message sent or received, with its MessageID).
Responses and commitments move the request along its lifecycle (core/lifecycle.py),
one allowed step at a time, each step noted with the message that caused it, so the
request's history tells the story. Every message is kept in the communications log;
one that is there already is recognised and changes nothing.

`preview_rm` reads and plans without writing; `commit_rm` writes all of it in one
transaction.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents, messages, organizations, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import normalise
from hcc_desktop.interop.rm_parse import RmLine, RmMessage, parse_rm
from hcc_desktop.interop.xmlsafe import read_capped

#: EDXL-RM files are small; a bigger one is not a resource message.
MAX_RM = 5 * 1024 * 1024

#: Where a reply moves the request it answers: (message type, response type) → status.
TARGETS: dict[tuple[str, str | None], str] = {
    ("ResponseToRequestResource", "Accept"): "sourcing",
    ("ResponseToRequestResource", "Provisional"): "sourcing",
    ("ResponseToRequestResource", "Decline"): "denied",
    ("CommitResource", "Accept"): "committed",
    ("CommitResource", "Provisional"): "sourcing",
    ("CommitResource", "Decline"): "denied",
    ("ReleaseResource", None): "returned",
    ("ReleaseResource", "Accept"): "returned",
}

_LINE_MARK = re.compile(r"EDXL-RM resource line «([^»]*)»")


@dataclass(frozen=True)
class Move:
    """A planned (or made) change to one request."""

    request_id: str
    number: str
    from_status: str
    to_status: str | None
    note: str
    supplier: str | None = None
    order_number: str | None = None


@dataclass
class RmPreview:
    file: str
    source: str
    message: RmMessage
    duplicate: bool
    incident_id: str | None
    moves: list[Move] = field(default_factory=list)
    #: Requests the message concerns without moving them (questions, answers).
    concerns: list[tuple[str, str]] = field(default_factory=list)
    new_lines: list[RmLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def plan(self) -> list[str]:
        """What importing would do, in words (the preview dialog and the CLI)."""
        msg = self.message
        if self.duplicate:
            return [f"{msg.kind} {msg.message_id} was imported before: nothing changes"]
        out = []
        for line in self.new_lines:
            qty = f"{line.quantity:g} {line.quantity_unit or 'each'}" if line.quantity else "1"
            out.append(f"new request: {qty} {line.what()}")
        for mv in self.moves:
            if mv.to_status and mv.to_status != mv.from_status:
                out.append(f"request {mv.number}: {mv.from_status} → {mv.to_status}")
            else:
                out.append(f"request {mv.number}: stays {mv.from_status} ({mv.note})")
        for number, what in self.concerns:
            out.append(f"request {number}: {what} kept with its communications")
        return out


@dataclass(frozen=True)
class RmImportResult:
    preview: RmPreview
    created: list[tuple[str, str]]
    moved: list[Move]
    message_log_id: str | None


def _label(path: Path) -> str:
    return str(path)


def read_rm(path: Path) -> RmMessage:
    path = Path(path)
    return parse_rm(read_capped(path, MAX_RM), label=_label(path))


def _path(current: str | None, target: str) -> list[str] | None:
    """The shortest chain of allowed steps from `current` to `target` (empty when it
    is there already), or None when the lifecycle does not lead there."""
    if current == target:
        return []
    seen = {current}
    queue: deque[tuple[str | None, list[str]]] = deque([(current, [])])
    while queue:
        status, steps = queue.popleft()
        for nxt in lifecycle.allowed_next(status):
            if nxt in seen:
                continue
            if nxt == target:
                return [*steps, nxt]
            seen.add(nxt)
            queue.append((nxt, [*steps, nxt]))
    return None


def _linked_requests(session: Session, msg: RmMessage) -> list[m.ResourceRequest]:
    """Requests named through the message's references: arrived in one of them, or
    sent out in one of them."""
    refs = msg.references()
    if not refs:
        return []
    found: dict[str, m.ResourceRequest] = {}
    for req in session.scalars(
        select(m.ResourceRequest).where(
            m.ResourceRequest.external_ref.in_(refs), m.ResourceRequest.deleted.is_(False)
        )
    ):
        found[req.id] = req
    sent = session.scalars(
        select(m.Message.ref_id).where(
            m.Message.external_id.in_(refs),
            m.Message.ref_kind == "request",
            m.Message.deleted.is_(False),
        )
    )
    for rid in sent:
        mine = session.get(m.ResourceRequest, rid) if rid else None
        if mine is not None and not mine.deleted:
            found[mine.id] = mine
    return sorted(found.values(), key=lambda r: (r.external_line or 0, r.number or ""))


def element_id(req: m.ResourceRequest) -> str:
    """The ResourceInfoElementID a request's line had in the message it came from
    (kept in its notes), else its line number, else its request number."""
    match = _LINE_MARK.search(req.notes or "")
    if match:
        return match.group(1)
    if req.external_line:
        return str(req.external_line)
    return req.number or req.id


def _match_line(line: RmLine, reqs: list[m.ResourceRequest]) -> m.ResourceRequest | None:
    if len(reqs) == 1:
        return reqs[0]
    wanted = line.response.preceding_line if line.response else None
    for key in (wanted, line.element_id):
        if key:
            for req in reqs:
                if key in (element_id(req), req.number, str(req.external_line or "")):
                    return req
    return None


def _note(msg: RmMessage, line: RmLine | None) -> str:
    who = msg.sender() or "an unnamed sender"
    parts = [f"EDXL-RM {msg.kind} {msg.message_id} from {who}"]
    if line is not None and line.response is not None:
        r = line.response
        parts.append(f": {r.response_type}")
        why = "; ".join(x for x in (r.reason_code, r.reason) if x)
        if why:
            parts.append(f" ({why})")
    if line is not None and line.quantity is not None:
        parts.append(f"; {line.quantity:g} {line.quantity_unit or 'each'}")
    if line is not None:
        eta = line.schedule("EstimatedArrival", "Committed", "RequestedArrival")
        if eta and eta.at:
            parts.append(f"; {eta.kind} {eta.at}")
    if msg.description:
        parts.append(f". {msg.description[:500]}")
    return "".join(parts)[:2000]


def _supplier(msg: RmMessage, line: RmLine) -> str | None:
    c = line.responsible or msg.contact("RespondingOrg", "Sender")
    if c is None:
        return None
    return (c.organisation or c.name or c.description or "")[:200] or None


def preview_rm(store: Store, path: Path, *, incident_id: str | None = None) -> RmPreview:
    """Read the message and plan what importing it would do; writes nothing. A reply
    whose request is not in this store is refused, naming the reference."""
    path = Path(path)
    msg = read_rm(path)
    label = _label(path)
    notes = list(msg.not_understood)
    with store.read() as s:
        duplicate = messages.find_by_external_id(s, msg.message_id) is not None or bool(
            s.scalar(
                select(m.ResourceRequest.id)
                .where(m.ResourceRequest.external_ref == msg.message_id)
                .limit(1)
            )
        )
        linked = _linked_requests(s, msg)
    preview = RmPreview(label, path.name, msg, duplicate, None, notes=notes)
    if msg.recall:
        notes.append(
            f"MessageRecall ({msg.recall[1]} of {msg.recall[0]}) is not acted on: "
            "change or cancel the request by hand"
        )
    if duplicate:
        return preview
    if msg.kind == "RequestResource":
        preview.incident_id = incidents.resolve_incident(store, incident_id).id
        preview.new_lines = list(msg.lines)
        notes += [
            f"ResourceInformation {new.position}: no quantity given; 1 is recorded"
            for new in msg.lines
            if new.quantity is None
        ]
        return preview
    if not linked:
        refs = ", ".join(msg.references()) or "(none)"
        raise ValidationError(
            "PrecedingMessageID",
            f"{label}: {msg.kind} answers {refs}, which names no request in this store",
        )
    if msg.kind in ("RequestInformation", "ResponseToRequestInformation"):
        what = "a question" if msg.kind == "RequestInformation" else "an answer"
        preview.concerns = [(r.number or r.id, what) for r in linked]
        return preview
    planned: dict[str, Move] = {}
    lines: list[RmLine | None] = list(msg.lines) or [None]
    for line in lines:
        targets: list[m.ResourceRequest | None] = (
            [_match_line(line, linked)] if line is not None else list(linked)
        )
        if line is not None and targets == [None]:
            if msg.kind == "ReleaseResource":
                targets = [*linked]
            else:
                notes.append(
                    f"ResourceInformation {line.position} ({line.element_id}) matches none of "
                    f"the requests {', '.join(r.number or '' for r in linked)}; not applied"
                )
                continue
        rtype = line.response.response_type if line and line.response else None
        target = TARGETS.get((msg.kind, rtype))
        for req in targets:
            if req is None or req.id in planned:
                continue
            note = _note(msg, line)
            to = target
            if target is not None and _path(req.status, target) is None:
                notes.append(
                    f"request {req.number} is {req.status}: {msg.kind} ({rtype or 'release'}) "
                    f"cannot move it to {target}; kept in its communications only"
                )
                to = None
            supplier = order = None
            if msg.kind == "CommitResource" and rtype == "Accept" and line is not None:
                supplier = None if req.supplier else _supplier(msg, line)
                order = None if req.order_number else (line.order_id or "")[:80] or None
            planned[req.id] = Move(
                req.id, req.number or req.id, req.status or "", to, note, supplier, order
            )
    preview.moves = list(planned.values())
    return preview


def _member_named(store: Store, name: str | None) -> str | None:
    if not name:
        return None
    key = name.strip().casefold()
    for org in organizations.list_organizations(store):
        if key in ((org.name or "").casefold(), (org.short_name or "").casefold()):
            return org.id
    return None


def _time(raw: str | None, what: str, notes: list[str]) -> str | None:
    if not raw:
        return None
    try:
        return normalise(what, raw)
    except ValidationError:
        notes.append(f"{what} {raw!r} is not a date and time; left out")
        return None


def _new_request(
    store: Store, actor: Actor, preview: RmPreview, line: RmLine, notes: list[str]
) -> tuple[str, str]:
    msg = preview.message
    assert preview.incident_id is not None
    requester = msg.contact("Requester", "Sender")
    arrival = line.schedule("RequestedArrival", "ReportTo")
    deliver = (arrival.location if arrival else None) or (requester.location if requester else None)
    what = line.what() or f"Resource line {line.position}"
    extra = [
        line.description,
        f"Special requirements: {line.special}" if line.special else None,
        f"Keywords: {', '.join(line.keywords)}" if line.keywords else None,
        f"Function: {line.function}" if line.function else None,
        f"Quantity as written: {line.quantity_text}" if line.quantity_text else None,
    ]
    who = msg.sender() or "an unnamed sender"
    origin_note = (
        f"From EDXL-RM RequestResource {msg.message_id} ({who}), "
        f"EDXL-RM resource line «{line.element_id}»"
    )
    if msg.incident_description or msg.incident_id:
        origin_note += f"; their incident: {msg.incident_description or msg.incident_id}"
    fields = {
        "resource_type": (line.type_value or None) if line.type_value != what else None,
        "description": "\n".join(x for x in extra if x) or None,
        "needed_by": _time(arrival.at if arrival else None, "needed_by", notes),
        "deliver_to": (deliver or "")[:300] or None,
        "requested_by": ((requester.name or requester.organisation) if requester else None),
        "requester_contact": (
            ", ".join(x for x in (requester.phone, requester.email) if x)[:120] or None
            if requester
            else None
        ),
        "requester_org_id": _member_named(store, requester.organisation if requester else None),
        "notes": origin_note,
    }
    for key in ("resource_type", "requested_by"):
        if fields[key]:
            fields[key] = str(fields[key])[:120]
    rid = requests.create_request(
        store,
        actor=actor,
        incident_id=preview.incident_id,
        resource_kind=what[:120],
        quantity=line.quantity if line.quantity else 1,
        unit=(line.quantity_unit or "each")[:40],
        origin=(msg.message_id, (who if msg.sender() else None), line.position),
        **{k: v for k, v in fields.items() if v is not None},
    )
    with store.read() as s:
        number = requests.find_request(s, rid).number or rid
    return rid, number


def commit_rm(store: Store, preview: RmPreview, *, actor: Actor) -> RmImportResult:
    """Write what the preview planned, all in one transaction, and keep the message in
    the communications log. A message imported before changes nothing."""
    msg = preview.message
    if preview.duplicate:
        return RmImportResult(preview, [], [], None)
    created: list[tuple[str, str]] = []
    moved: list[Move] = []
    with store.atomic():
        for line in preview.new_lines:
            created.append(_new_request(store, actor, preview, line, preview.notes))
        for mv in preview.moves:
            steps = _path(mv.from_status, mv.to_status) if mv.to_status else []
            for i, step in enumerate(steps or ()):
                last = i == len(steps or ()) - 1
                requests.set_status(
                    store,
                    actor=actor,
                    request_id=mv.request_id,
                    status=step,
                    note=mv.note if last else f"{mv.note} (on the way to {mv.to_status})",
                )
            changes = {
                k: v for k, v in (("supplier", mv.supplier), ("order_number", mv.order_number)) if v
            }
            if changes:
                requests.update_request(store, actor=actor, request_id=mv.request_id, **changes)
            moved.append(mv)
        ref_ids = [rid for rid, _ in created] or [mv.request_id for mv in preview.moves]
        if not ref_ids:
            with store.read() as s:
                ref_ids = [r.id for r in _linked_requests(s, msg)]
        incident_id = preview.incident_id
        if incident_id is None and ref_ids:
            with store.read() as s:
                incident_id = requests.find_request(s, ref_ids[0]).incident_id
        log_id = messages.record_message(
            store,
            actor=actor,
            direction="in",
            kind="edxl_rm",
            subject=f"EDXL-RM {msg.kind} {msg.message_id}"[:300],
            body=_body(preview),
            channel="file",
            sender=msg.sender() or "",
            sent_at=_time(msg.sent, "SentDateTime", preview.notes),
            ref_kind="request" if ref_ids else None,
            ref_id=ref_ids[0] if ref_ids else None,
            external_id=msg.message_id,
            incident_id=incident_id,
        )
    return RmImportResult(preview, created, moved, log_id)


def _body(preview: RmPreview) -> str:
    msg = preview.message
    lines = [f"Read from {preview.source}."]
    if msg.description:
        lines.append(msg.description)
    lines += preview.plan()
    if msg.references():
        lines.append("Answers: " + ", ".join(msg.references()))
    lines += preview.notes
    return "\n".join(lines)


def import_rm(
    store: Store, path: Path, *, actor: Actor, incident_id: str | None = None
) -> RmImportResult:
    return commit_rm(store, preview_rm(store, path, incident_id=incident_id), actor=actor)
