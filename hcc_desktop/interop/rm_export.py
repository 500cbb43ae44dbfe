"""EDXL-RM 1.0 out: one of our requests as a message another system can read.

A request made here goes out as a RequestResource. A request that arrived as an EDXL-RM
message (it has an origin) is answered: a CommitResource once we have committed (or
later), a CommitResource with a Decline when we denied or cancelled it, else a
ResponseToRequestResource (Provisional while submitted, Accept once approved). The
document follows the schema's element order (its types are sequences); optionally it
travels in an EDXL-DE 1.0 envelope. Each message written is kept in the communications
log with its MessageID, so the replies that name it find the request again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, indent, register_namespace, tostring

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.files import staged
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.services import messages, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.interop.have_map import DE_NS
from hcc_desktop.interop.rm_import import element_id
from hcc_desktop.interop.rm_parse import RM_MSG_NS, RM_NS

register_namespace("rm", RM_NS)
register_namespace("rmsg", RM_MSG_NS)

COMMITTED = frozenset({"committed", "in_transit", "delivered", "returned"})
REFUSED = frozenset({"denied", "cancelled"})
#: Names the value lists our codes come from (ValueListURN is required wherever a
#: ValueListType is used).
UNIT_LIST = "urn:x-hcc-desktop:unit"
TYPE_LIST = "urn:x-hcc-desktop:resource-type"


@dataclass(frozen=True)
class RmExport:
    path: Path
    kind: str
    message_id: str
    response: str | None
    request_number: str


def _rm(parent: Element, name: str, text: str | None = None) -> Element:
    el = SubElement(parent, f"{{{RM_NS}}}{name}")
    if text is not None:
        el.text = text
    return el


def _msg(parent: Element, name: str, text: str | None = None) -> Element:
    el = SubElement(parent, f"{{{RM_MSG_NS}}}{name}")
    if text is not None:
        el.text = text
    return el


def _value_list(parent: Element, urn: str, value: str) -> None:
    _rm(parent, "ValueListURN", urn)
    _rm(parent, "Value", value)


def _quantity(parent: Element, req: m.ResourceRequest) -> None:
    q = _msg(parent, "Quantity")
    mq = _rm(q, "MeasuredQuantity")
    _rm(mq, "Amount", f"{req.quantity or 1:g}")
    if req.unit:
        _value_list(_rm(mq, "UnitOfMeasure"), UNIT_LIST, req.unit)


def _head(root: Element, kind: str, message_id: str, sent: str, description: str) -> None:
    _msg(root, "MessageID", message_id)
    _msg(root, "SentDateTime", sent)
    _msg(root, "MessageContentType", kind)
    _msg(root, "MessageDescription", description)


def _incident(root: Element, inc: m.Incident | None) -> None:
    if inc is None:
        return
    info = _msg(root, "IncidentInformation")
    _rm(info, "IncidentID", inc.id)
    _rm(info, "IncidentDescription", inc.name or "")


def _contact(root: Element, role: str, description: str) -> None:
    c = _msg(root, "ContactInformation")
    _rm(c, "ContactDescription", description)
    _rm(c, "ContactRole", role)


def _resource(parent: Element, req: m.ResourceRequest, *, full: bool) -> None:
    res = _msg(parent, "Resource")
    _msg(res, "Name", req.resource_kind or "")
    if full and req.resource_type:
        _value_list(_msg(res, "TypeStructure"), TYPE_LIST, req.resource_type)
    if full and req.description:
        _msg(res, "Description", req.description)


def _request_resource(
    req: m.ResourceRequest, inc: m.Incident | None, message_id: str, sent: str, station: str
) -> Element:
    root = Element(f"{{{RM_MSG_NS}}}RequestResource")
    _head(root, "RequestResource", message_id, sent, f"Resource request {req.number}")
    _msg(root, "OriginatingMessageID", message_id)
    _incident(root, inc)
    who = ", ".join(x for x in (req.requested_by, req.requester_contact, station) if x)
    _contact(root, "Requester", who or station)
    line = _msg(root, "ResourceInformation")
    _msg(line, "ResourceInfoElementID", req.number or req.id)
    _resource(line, req, full=True)
    assign = _msg(line, "AssignmentInformation")
    _quantity(assign, req)
    if req.needed_by or req.deliver_to:
        sched = _msg(line, "ScheduleInformation")
        _msg(sched, "ScheduleType", "RequestedArrival")
        if req.needed_by:
            _msg(sched, "DateTime", req.needed_by)
        if req.deliver_to:
            _rm(_msg(sched, "Location"), "LocationDescription", req.deliver_to)
    return root


def _answer(
    req: m.ResourceRequest, inc: m.Incident | None, message_id: str, sent: str, station: str
) -> tuple[Element, str, str]:
    status = req.status or ""
    if status in COMMITTED:
        kind, response = "CommitResource", "Accept"
    elif status in REFUSED:
        kind, response = "CommitResource", "Decline"
    elif status in ("approved", "sourcing"):
        kind, response = "ResponseToRequestResource", "Accept"
    else:
        kind, response = "ResponseToRequestResource", "Provisional"
    root = Element(f"{{{RM_MSG_NS}}}{kind}")
    _head(root, kind, message_id, sent, f"Request {req.number}: {status}")
    ref = req.external_ref or ""
    _msg(root, "OriginatingMessageID", ref)
    _msg(root, "PrecedingMessageID", ref)
    _incident(root, inc)
    _contact(root, "RespondingOrg", station)
    line = _msg(root, "ResourceInformation")
    _msg(line, "ResourceInfoElementID", req.number or req.id)
    info = _msg(line, "ResponseInformation")
    _rm(info, "PrecedingResourceInfoElementID", element_id(req))
    _rm(info, "ResponseType", response)
    if req.status_note or response == "Decline":
        _rm(info, "ResponseReason", req.status_note or f"request {status}")
    _resource(line, req, full=False)
    assign = _msg(line, "AssignmentInformation")
    _quantity(assign, req)
    if kind == "CommitResource" and req.order_number:
        _msg(assign, "OrderID", req.order_number)
    return root, kind, response


def _envelope(store: Store, message: Element, exercise: bool, sent: str) -> Element:
    de = f"{{{DE_NS}}}"
    root = Element(de + "EDXLDistribution")
    for name, value in (
        ("distributionID", f"HCC-RM-{uuid7(store.wall())}"),
        ("senderID", f"{store.site_id}@hcc-desktop"),
        ("dateTimeSent", sent),
        ("distributionStatus", "Exercise" if exercise else "Actual"),
        ("distributionType", "Request"),
        ("combinedConfidentiality", "UNCLASSIFIED AND NOT SENSITIVE"),
    ):
        SubElement(root, de + name).text = value
    content = SubElement(root, de + "contentObject")
    SubElement(content, de + "contentDescription").text = "EDXL-RM resource message"
    xml = SubElement(content, de + "xmlContent")
    SubElement(xml, de + "embeddedXMLContent").append(message)
    return root


def build_rm(
    store: Store, request_ref: str, *, envelope: bool = False
) -> tuple[bytes, str, str, str | None, m.ResourceRequest]:
    """The document for one request: bytes, message type, MessageID, response type,
    and the request."""
    with store.read() as s:
        req = requests.find_request(s, request_ref)
        inc = s.get(m.Incident, req.incident_id) if req.incident_id else None
    if req.status == "draft" and not req.external_ref:
        raise ValidationError(
            "request", f"{req.number} is a draft: submit it before sending it to a partner"
        )
    sent = from_ms(store.wall())
    message_id = f"HCC-RM-{uuid7(store.wall())}"
    station = store.station_name or store.site_id
    response: str | None = None
    if req.external_ref:
        doc, kind, response = _answer(req, inc, message_id, sent, station)
    else:
        doc, kind = _request_resource(req, inc, message_id, sent, station), "RequestResource"
    if envelope:
        register_namespace("de", DE_NS)
        doc = _envelope(store, doc, bool(inc.exercise) if inc else False, sent)
    indent(doc, space=" ")
    body = tostring(doc, encoding="utf-8", xml_declaration=True)
    return body, kind, message_id, response, req


def export_rm(
    store: Store, request_ref: str, out: Path, *, actor: Actor, envelope: bool = False
) -> RmExport:
    """Write the message and log it as sent, together: the file appears only if the
    log entry commits."""
    body, kind, message_id, response, req = build_rm(store, request_ref, envelope=envelope)
    out = Path(out)
    with staged(out) as tmp, store.atomic():
        tmp.write_bytes(body)
        what = f"{kind} ({response})" if response else kind
        messages.record_message(
            store,
            actor=actor,
            direction="out",
            kind="edxl_rm",
            subject=f"EDXL-RM {what} for request {req.number}"[:300],
            body=f"Written to {out.name}.",
            channel="file",
            recipients=[req.external_sender] if req.external_sender else None,
            ref_kind="request",
            ref_id=req.id,
            external_id=message_id,
            incident_id=req.incident_id,
        )
    return RmExport(out, kind, message_id, response, req.number or req.id)
