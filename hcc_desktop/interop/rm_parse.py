"""EDXL-RM 1.0 read: one resource message, bare or inside an EDXL-DE 1.0 envelope,
turned into plain data (`RmMessage`). Nothing is matched or written here (see
rm_import.py).

Safety is strict: the bytes go through interop/xmlsafe (no DTD, no entities, a size cap,
text capped per element). Shape is lenient: elements are found by local name whatever
the namespace or prefix, optional parts may be missing, and what is present but not
read is listed in `not_understood`, so the operator is told rather than left guessing.
Only what cannot be acted on at all is refused, naming the element: a root that is not
a resource message, a message type this program does not handle, a missing MessageID,
a reply that names no earlier message, a request without a resource line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from hcc_desktop.interop.xmlsafe import CUT, XmlRefused, local, parse_xml

RM_NS = "urn:oasis:names:tc:emergency:EDXL:RM:1.0"
RM_MSG_NS = "urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg"

#: The message types read here, and what each does to a request.
HANDLED: dict[str, str] = {
    "RequestResource": "asks for resources: becomes a resource request",
    "ResponseToRequestResource": "answers a request: accept, decline or provisional",
    "CommitResource": "commits (or declines to commit) resources to a request",
    "RequestInformation": "asks about a request: kept in its communications",
    "ResponseToRequestInformation": "answers a question: kept in its communications",
    "ReleaseResource": "releases committed resources: the request is returned",
}

#: Types that must name the message they answer (the request is found through it).
REPLIES = frozenset(HANDLED) - {"RequestResource", "RequestInformation"}

#: Children of a message read by this module; others are reported as not understood.
_MESSAGE_READ = {
    "MessageID", "SentDateTime", "MessageContentType", "MessageDescription",
    "OriginatingMessageID", "PrecedingMessageID", "IncidentInformation",
    "ContactInformation", "ResourceInformation", "MessageRecall",
}  # fmt: skip
_LINE_READ = {
    "ResourceInfoElementID", "ResponseInformation", "Resource", "AssignmentInformation",
    "ScheduleInformation",
}  # fmt: skip
_RESOURCE_READ = {
    "ResourceID", "Name", "TypeStructure", "TypeInfo", "Keyword", "Description",
    "SpecialRequirements", "ResponsibleParty", "OwnershipInformation", "ResourceStatus",
    "Credentials", "Certifications",
}  # fmt: skip

#: Text kept per element: descriptions may be long, identifiers are not.
TEXT_CAPS = {"Description": 20_000, "MessageDescription": 20_000, "ResponseReason": 4_000}
TEXT_CAP = 2_000
MAX_LINES = 500


@dataclass(frozen=True)
class Contact:
    role: str | None
    description: str | None
    name: str | None
    organisation: str | None
    phone: str | None
    email: str | None
    location: str | None

    def summary(self) -> str:
        parts = [p for p in (self.name, self.organisation, self.phone, self.email) if p]
        if not parts and self.description:
            parts = [self.description]
        return ", ".join(parts)


@dataclass(frozen=True)
class Response:
    response_type: str
    reason_code: str | None
    reason: str | None
    preceding_line: str | None


@dataclass(frozen=True)
class Schedule:
    kind: str
    at: str | None
    location: str | None


@dataclass
class RmLine:
    """One ResourceInformation: a resource asked for, offered or committed."""

    position: int
    element_id: str
    name: str | None = None
    resource_id: str | None = None
    type_value: str | None = None
    description: str | None = None
    keywords: list[str] = field(default_factory=list)
    special: str | None = None
    quantity: float | None = None
    quantity_unit: str | None = None
    quantity_text: str | None = None
    function: str | None = None
    order_id: str | None = None
    response: Response | None = None
    schedules: list[Schedule] = field(default_factory=list)
    responsible: Contact | None = None

    def what(self) -> str:
        """The resource in a few words, for the request's kind and for reports."""
        return self.name or self.type_value or self.resource_id or (self.keywords or [""])[0]

    def schedule(self, *kinds: str) -> Schedule | None:
        for kind in kinds:
            for s in self.schedules:
                if s.kind == kind:
                    return s
        return None


@dataclass
class RmMessage:
    kind: str
    message_id: str
    sent: str | None
    description: str | None
    originating_id: str | None
    preceding_ids: list[str]
    incident_id: str | None
    incident_description: str | None
    contacts: list[Contact]
    lines: list[RmLine]
    envelope_sender: str | None = None
    recall: tuple[str, str] | None = None
    not_understood: list[str] = field(default_factory=list)

    def references(self) -> list[str]:
        """The earlier messages this one names, nearest first."""
        out = [*self.preceding_ids]
        if self.originating_id and self.originating_id not in out:
            out.append(self.originating_id)
        return [r for r in out if r != self.message_id]

    def contact(self, *roles: str) -> Contact | None:
        for role in roles:
            for c in self.contacts:
                if c.role == role:
                    return c
        return self.contacts[0] if self.contacts else None

    def sender(self) -> str | None:
        """Who sent it: the envelope's senderID, else the Sender (or Requester or
        RespondingOrg) contact."""
        if self.envelope_sender:
            return self.envelope_sender
        c = self.contact("Sender", "Requester", "RespondingOrg")
        return (c.organisation or c.name or c.description) if c else None


def _text(el: Element | None) -> str | None:
    if el is None:
        return None
    joined = " ".join("".join(el.itertext()).split())
    return joined or None


def _kids(el: Element, name: str) -> list[Element]:
    return [c for c in el if local(c.tag) == name]


def _kid(el: Element | None, name: str) -> Element | None:
    if el is None:
        return None
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def _first_desc(el: Element | None, name: str) -> Element | None:
    if el is None:
        return None
    for node in el.iter():
        if node is not el and local(node.tag) == name:
            return node
    return None


def _values(el: Element | None) -> str | None:
    """A ValueListType's values joined ("ValueListURN" is the list's name, not a value)."""
    if el is None:
        return None
    vals = [_text(v) for v in _kids(el, "Value")]
    joined = ", ".join(v for v in vals if v)
    return joined or _text(el)


def _location(el: Element | None) -> str | None:
    """A LocationType in words: its description, else the address lines, else the
    coordinates of a point."""
    if el is None:
        return None
    desc = _text(_kid(el, "LocationDescription"))
    if desc:
        return desc
    address = _kid(el, "Address")
    if address is not None:
        parts = [
            " ".join(t.split())
            for node in address.iter()
            if local(node.tag) == "NameElement" or local(node.tag) == "Identifier"
            for t in [node.text or ""]
            if t.strip()
        ]
        if parts:
            return ", ".join(parts)
    pos = _first_desc(el, "pos")
    return f"at {_text(pos)}" if pos is not None and _text(pos) else None


def _contact(el: Element) -> Contact:
    party = _kid(el, "AdditionalContactInformation")
    person = _first_desc(party, "PersonName")
    org = _first_desc(party, "OrganisationName")
    phone = email = None
    if party is not None:
        for node in party.iter():
            if local(node.tag) == "ContactNumber" and phone is None:
                phone = _text(node)
            if local(node.tag) == "ElectronicAddressIdentifier" and email is None:
                email = _text(node)
    return Contact(
        role=_text(_kid(el, "ContactRole")),
        description=_text(_kid(el, "ContactDescription")),
        name=_text(person),
        organisation=_text(org),
        phone=phone,
        email=email,
        location=_location(_kid(el, "ContactLocation")),
    )


_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(.*)$")


def _quantity(line: RmLine, q: Element | None, where: str, notes: list[str]) -> None:
    if q is None:
        return
    measured = _kid(q, "MeasuredQuantity")
    if measured is not None:
        raw = _text(_kid(measured, "Amount"))
        try:
            line.quantity = float(raw) if raw is not None else None
        except ValueError:
            notes.append(f"{where}/Quantity/MeasuredQuantity/Amount {raw!r} is not a number")
        line.quantity_unit = _values(_kid(measured, "UnitOfMeasure"))
        return
    texts = [t for t in (_text(x) for x in _kids(q, "QuantityText")) if t]
    if texts:
        line.quantity_text = "; ".join(texts)
        match = _NUMBER.match(texts[0])
        if match:
            line.quantity = float(match.group(1))
            line.quantity_unit = match.group(2).strip() or None


def _line(el: Element, position: int, kind: str, notes: list[str]) -> RmLine:
    where = f"ResourceInformation {position}"
    line = RmLine(position, _text(_kid(el, "ResourceInfoElementID")) or str(position))
    resp = _kid(el, "ResponseInformation")
    if resp is not None:
        rtype = _text(_kid(resp, "ResponseType"))
        if rtype not in ("Accept", "Decline", "Provisional"):
            notes.append(f"{where}/ResponseInformation/ResponseType {rtype!r} not understood")
        else:
            line.response = Response(
                rtype,
                _values(_kid(resp, "ReasonCode")),
                _text(_kid(resp, "ResponseReason")),
                _text(_kid(resp, "PrecedingResourceInfoElementID")),
            )
    res = _kid(el, "Resource")
    if res is not None:
        line.resource_id = _text(_kid(res, "ResourceID"))
        line.name = _text(_kid(res, "Name"))
        line.type_value = _values(_kid(res, "TypeStructure"))
        line.keywords = [v for v in (_values(k) for k in _kids(res, "Keyword")) if v]
        line.description = _text(_kid(res, "Description"))
        line.special = _text(_kid(res, "SpecialRequirements"))
        party = _kid(res, "ResponsibleParty")
        line.responsible = _contact(party) if party is not None else None
        for c in res:
            if local(c.tag) not in _RESOURCE_READ:
                notes.append(f"{where}/Resource/{local(c.tag)} not understood")
    assignment = _kid(el, "AssignmentInformation")
    if assignment is not None:
        _quantity(line, _kid(assignment, "Quantity"), where, notes)
        line.function = _text(_kid(assignment, "AnticipatedFunction"))
        line.order_id = _text(_kid(assignment, "OrderID"))
    for sched in _kids(el, "ScheduleInformation"):
        skind = _text(_kid(sched, "ScheduleType")) or ""
        at = _text(_kid(sched, "DateTime"))
        line.schedules.append(Schedule(skind, at, _location(_kid(sched, "Location"))))
    for c in el:
        if local(c.tag) not in _LINE_READ:
            notes.append(f"{where}/{local(c.tag)} not understood")
    if kind == "RequestResource" and not line.what():
        notes.append(f"{where}/Resource names no resource (no Name, TypeStructure, ResourceID)")
    return line


def _find_message(root: Element, label: str) -> tuple[Element, str | None]:
    """The RM message element and the envelope's senderID, if enveloped."""
    name = local(root.tag)
    if name == "EDXLDistribution":
        sender = _text(_kid(root, "senderID"))
        for node in root.iter():
            if local(node.tag) in HANDLED:
                return node, sender
        carried = [
            local(inner.tag)
            for node in root.iter()
            if local(node.tag) == "embeddedXMLContent"
            for inner in list(node)[:1]
        ]
        what = f" (it carries <{carried[0]}>)" if carried else ""
        raise XmlRefused(
            label, f"the EDXL-DE envelope carries no EDXL-RM message this program reads{what}"
        )
    return root, None


def parse_rm(data: bytes, *, label: str) -> RmMessage:
    """Parse one EDXL-RM message or refuse it, naming the element."""
    root = parse_xml(data, label=label, text_caps=TEXT_CAPS, text_cap=TEXT_CAP)
    el, sender = _find_message(root, label)
    kind = local(el.tag)
    if kind not in HANDLED:
        raise XmlRefused(
            label,
            f"root element <{kind}> is not an EDXL-RM message this program reads "
            f"(reads: {', '.join(HANDLED)})",
        )
    notes: list[str] = []
    for node in el.iter():
        if CUT in node.attrib:
            notes.append(f"{local(node.tag)}: text of {node.attrib[CUT]} characters cut")
    message_id = _text(_kid(el, "MessageID"))
    if not message_id:
        raise XmlRefused(label, f"{kind}/MessageID is missing: the message cannot be tracked")
    if len(message_id) > 200:
        raise XmlRefused(label, f"{kind}/MessageID is longer than 200 characters")
    content_type = _text(_kid(el, "MessageContentType"))
    if content_type and content_type != kind:
        notes.append(f"MessageContentType {content_type!r} differs from the element <{kind}>")
    info = _kid(el, "IncidentInformation")
    preceding = [t for t in (_text(p) for p in _kids(el, "PrecedingMessageID")) if t]
    msg = RmMessage(
        kind=kind,
        message_id=message_id,
        sent=_text(_kid(el, "SentDateTime")),
        description=_text(_kid(el, "MessageDescription")),
        originating_id=_text(_kid(el, "OriginatingMessageID")),
        preceding_ids=preceding,
        incident_id=_text(_kid(info, "IncidentID")),
        incident_description=_text(_kid(info, "IncidentDescription")),
        contacts=[_contact(c) for c in _kids(el, "ContactInformation")],
        lines=[],
        envelope_sender=sender,
        not_understood=notes,
    )
    recall = _kid(el, "MessageRecall")
    if recall is not None:
        msg.recall = (
            _text(_kid(recall, "RecallMessageID")) or "",
            _text(_kid(recall, "RecallType")) or "",
        )
    lines = _kids(el, "ResourceInformation")
    if len(lines) > MAX_LINES:
        raise XmlRefused(label, f"{kind} has {len(lines)} ResourceInformation; at most {MAX_LINES}")
    msg.lines = [_line(x, i, kind, notes) for i, x in enumerate(lines, start=1)]
    if kind == "RequestResource" and not msg.lines:
        raise XmlRefused(label, "RequestResource/ResourceInformation is missing: nothing asked for")
    if kind in REPLIES and not msg.references():
        raise XmlRefused(
            label,
            f"{kind}/PrecedingMessageID (or OriginatingMessageID) is missing: "
            "the message does not say which request it answers",
        )
    for c in el:
        if local(c.tag) not in _MESSAGE_READ:
            notes.append(f"{local(c.tag)} not understood")
    return msg
