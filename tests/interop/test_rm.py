"""EDXL-RM 1.0 in and out: a partner's request becomes an ICS 213 RR; replies to our
requests move them along the lifecycle with the message in their history; a repeated
message changes nothing; exports are valid against the OASIS schemas; messy but safe
files are read and what was not understood is said."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import incidents, messages, requests
from hcc_desktop.interop.rm_export import build_rm, export_rm
from hcc_desktop.interop.rm_import import import_rm, preview_rm

RM = "urn:oasis:names:tc:emergency:EDXL:RM:1.0"
MSG = "urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg"
DE = "urn:oasis:names:tc:emergency:EDXL:DE:1.0"
XSD = Path(__file__).resolve().parents[1] / "fixtures/standards/edxl-rm/xsd/edxl-rm/1.0"


def schema(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD / f"EDXL-RM{kind}.xsd")))


def assert_valid(data: bytes, kind: str) -> None:
    root = etree.fromstring(data)
    if etree.QName(root).localname == "EDXLDistribution":
        (root,) = root.iter(f"{{{MSG}}}{kind}")
    s = schema(kind)
    assert s.validate(root), s.error_log


@pytest.fixture
def incident(store, actor) -> str:
    inc = incidents.create_incident(
        store, actor=actor, name="Hurricane exercise", exercise=True,
        started_at="2026-11-17T12:00Z", first_period_hours=12,
    )  # fmt: skip
    return inc


REQUEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<de:EDXLDistribution xmlns:de="{DE}">
 <de:distributionID>D-1</de:distributionID>
 <de:senderID>ems@county.example</de:senderID>
 <de:contentObject><de:xmlContent><de:embeddedXMLContent>
 <ns1:RequestResource xmlns:ns1="{MSG}" xmlns:ns2="{RM}">
  <ns1:MessageID>COUNTY-RR-77</ns1:MessageID>
  <ns1:SentDateTime>2026-11-17T14:00:00-05:00</ns1:SentDateTime>
  <ns1:MessageContentType>RequestResource</ns1:MessageContentType>
  <ns1:MessageDescription>Shelter medical needs</ns1:MessageDescription>
  <ns1:OriginatingMessageID>COUNTY-RR-77</ns1:OriginatingMessageID>
  <ns1:IncidentInformation><ns2:IncidentDescription>Hurricane Delta</ns2:IncidentDescription>
  </ns1:IncidentInformation>
  <ns1:ContactInformation>
   <ns2:ContactDescription>County EOC ESF-8 desk</ns2:ContactDescription>
   <ns2:ContactRole>Requester</ns2:ContactRole>
   <ns2:ContactLocation><ns2:LocationDescription>County EOC</ns2:LocationDescription>
   </ns2:ContactLocation>
  </ns1:ContactInformation>
  <ns1:ResourceInformation>
   <ns1:ResourceInfoElementID>RI-A</ns1:ResourceInfoElementID>
   <ns1:Resource><ns1:Name>Oxygen concentrators</ns1:Name>
    <ns1:Description>For the high school shelter</ns1:Description></ns1:Resource>
   <ns1:AssignmentInformation><ns1:Quantity><ns2:MeasuredQuantity>
    <ns2:Amount>12</ns2:Amount>
    <ns2:UnitOfMeasure><ns2:ValueListURN>u</ns2:ValueListURN><ns2:Value>units</ns2:Value>
    </ns2:UnitOfMeasure></ns2:MeasuredQuantity></ns1:Quantity></ns1:AssignmentInformation>
   <ns1:ScheduleInformation><ns1:ScheduleType>RequestedArrival</ns1:ScheduleType>
    <ns1:DateTime>2026-11-17T20:00:00-05:00</ns1:DateTime>
    <ns1:Location><ns2:LocationDescription>Norwich Free Academy gym</ns2:LocationDescription>
    </ns1:Location></ns1:ScheduleInformation>
  </ns1:ResourceInformation>
  <ns1:ResourceInformation>
   <ns1:ResourceInfoElementID>RI-B</ns1:ResourceInfoElementID>
   <ns1:Resource><ns1:Name>Cots</ns1:Name></ns1:Resource>
   <ns1:Funding>odd place</ns1:Funding>
  </ns1:ResourceInformation>
 </ns1:RequestResource>
 </de:embeddedXMLContent></de:xmlContent></de:contentObject>
</de:EDXLDistribution>"""


def reply(
    kind: str, msg_id: str, answers: str, response: str | None = None, *, line: str = "1",
    extra: str = "",
) -> str:  # fmt: skip
    info = (
        f"<ResponseInformation><rm:PrecedingResourceInfoElementID>{line}"
        f"</rm:PrecedingResourceInfoElementID><rm:ResponseType>{response}</rm:ResponseType>"
        "<rm:ResponseReason>stock on hand</rm:ResponseReason></ResponseInformation>"
        if response
        else ""
    )
    return f"""<{kind} xmlns="{MSG}" xmlns:rm="{RM}">
 <MessageID>{msg_id}</MessageID><SentDateTime>2026-11-17T16:00:00Z</SentDateTime>
 <MessageContentType>{kind}</MessageContentType>
 <OriginatingMessageID>{answers}</OriginatingMessageID>
 <PrecedingMessageID>{answers}</PrecedingMessageID>
 <ContactInformation><rm:ContactDescription>State ESF-8</rm:ContactDescription>
  <rm:ContactRole>RespondingOrg</rm:ContactRole></ContactInformation>
 <ResourceInformation><ResourceInfoElementID>R1</ResourceInfoElementID>{info}
  <AssignmentInformation><Quantity><rm:MeasuredQuantity><rm:Amount>4</rm:Amount>
  </rm:MeasuredQuantity></Quantity><OrderID>PO-9</OrderID></AssignmentInformation>
 </ResourceInformation>{extra}
</{kind}>"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_partner_request_becomes_requests_with_origin(store, actor, incident, tmp_path) -> None:
    f = write(tmp_path, "rr.xml", REQUEST)
    result = import_rm(store, f, actor=actor)
    assert len(result.created) == 2
    notes = result.preview.notes
    assert any("Funding not understood" in n for n in notes)
    assert any("no quantity given" in n for n in notes)
    with store.read() as s:
        first = requests.find_request(s, result.created[0][0])
        second = requests.find_request(s, result.created[1][0])
        logged = messages.find_by_external_id(s, "COUNTY-RR-77")
    assert (first.resource_kind, first.quantity, first.unit) == (
        "Oxygen concentrators",
        12,
        "units",
    )
    assert first.needed_by == "2026-11-18T01:00:00Z"
    assert first.deliver_to == "Norwich Free Academy gym"
    assert first.status == "submitted" and first.incident_id == incident
    assert (first.external_ref, first.external_sender, first.external_line) == (
        "COUNTY-RR-77", "ems@county.example", 1,
    )  # fmt: skip
    assert "«RI-A»" in (first.notes or "") and "Hurricane Delta" in (first.notes or "")
    assert (second.resource_kind, second.quantity, second.external_line) == ("Cots", 1, 2)
    assert second.deliver_to == "County EOC"
    assert logged is not None and logged.direction == "in" and logged.ref_id == first.id
    before = dump_text(store)
    again = import_rm(store, f, actor=actor)
    assert again.preview.duplicate and again.created == []
    assert dump_text(store) == before


def test_replies_move_our_request_with_history(store, actor, incident, tmp_path) -> None:
    rid = requests.create_request(
        store, actor=actor, incident_id=incident, resource_kind="Ventilators", quantity=4,
        needed_by="2026-11-17T22:00Z", deliver_to="Backus Hospital dock",
    )  # fmt: skip
    out = tmp_path / "ours.xml"
    sent = export_rm(store, rid, out, actor=actor)
    assert sent.kind == "RequestResource"
    assert_valid(out.read_bytes(), "RequestResource")
    ack = write(
        tmp_path, "a.xml", reply("ResponseToRequestResource", "ST-1", sent.message_id, "Accept")
    )
    import_rm(store, ack, actor=actor)
    commit = write(tmp_path, "c.xml", reply("CommitResource", "ST-2", "ST-1", "Accept"))
    import_rm(store, commit, actor=actor)
    steps = requests.status_history(store, request_id=rid)
    assert [s.status for s in steps] == ["submitted", "approved", "sourcing", "committed"]
    assert "ST-1" in (steps[2].note or "") and "Accept" in (steps[2].note or "")
    assert "on the way to sourcing" in (steps[1].note or "")
    assert "ST-2" in (steps[3].note or "") and "4 each" in (steps[3].note or "")
    with store.read() as s:
        req = requests.find_request(s, rid)
    assert (req.supplier, req.order_number) == ("State ESF-8", "PO-9")
    release = write(tmp_path, "r.xml", reply("ReleaseResource", "ST-3", "ST-2"))
    import_rm(store, release, actor=actor)
    assert requests.status_history(store, request_id=rid)[-1].status == "returned"


def test_decline_denies_and_information_is_only_kept(store, actor, incident, tmp_path) -> None:
    rid = requests.create_request(
        store, actor=actor, incident_id=incident, resource_kind="Burn beds", quantity=2
    )
    sent = export_rm(store, rid, tmp_path / "o.xml", actor=actor)
    ask = write(
        tmp_path, "q.xml",
        f"""<RequestInformation xmlns="{MSG}" xmlns:rm="{RM}"><MessageID>Q-1</MessageID>
        <SentDateTime>2026-11-17T16:00:00Z</SentDateTime>
        <MessageContentType>RequestInformation</MessageContentType>
        <MessageDescription>Adult or paediatric?</MessageDescription>
        <OriginatingMessageID>{sent.message_id}</OriginatingMessageID>
        <ContactInformation><rm:ContactRole>Sender</rm:ContactRole></ContactInformation>
        </RequestInformation>""",
    )  # fmt: skip
    p = preview_rm(store, ask)
    assert p.moves == [] and p.concerns
    import_rm(store, ask, actor=actor)
    with store.read() as s:
        assert requests.find_request(s, rid).status == "submitted"
        assert messages.find_by_external_id(s, "Q-1").ref_id == rid
    no = write(tmp_path, "d.xml", reply("CommitResource", "D-1", sent.message_id, "Decline"))
    import_rm(store, no, actor=actor)
    with store.read() as s:
        assert requests.find_request(s, rid).status == "denied"


@pytest.mark.parametrize(
    ("status", "kind", "response"),
    [
        ("submitted", "ResponseToRequestResource", "Provisional"),
        ("approved", "ResponseToRequestResource", "Accept"),
        ("committed", "CommitResource", "Accept"),
        ("denied", "CommitResource", "Decline"),
    ],
)
def test_answer_to_partner_request_is_schema_valid(
    store, actor, incident, tmp_path, status, kind, response
) -> None:
    result = import_rm(store, write(tmp_path, "rr.xml", REQUEST), actor=actor)
    rid = result.created[0][0]
    path = {"approved": ["approved"], "committed": ["approved", "committed"], "denied": ["denied"]}
    for step in path.get(status, []):
        requests.set_status(store, actor=actor, request_id=rid, status=step, note="by phone")
    for envelope in (False, True):
        data, got_kind, _mid, got_response, _req = build_rm(store, rid, envelope=envelope)
        assert (got_kind, got_response) == (kind, response)
        assert_valid(data, kind)
        root = etree.fromstring(data)
        assert root.findtext(f".//{{{RM}}}PrecedingResourceInfoElementID") == "RI-A"
        assert root.findtext(f".//{{{MSG}}}PrecedingMessageID") == "COUNTY-RR-77"


def test_our_request_enveloped_is_valid_inside(store, actor, incident, tmp_path) -> None:
    rid = requests.create_request(
        store, actor=actor, incident_id=incident, resource_kind="Generators", quantity=2.5,
        unit="MW", resource_type="Generator, Type II", description="For Backus <ICU>",
    )  # fmt: skip
    data, kind, *_ = build_rm(store, rid, envelope=True)
    assert kind == "RequestResource"
    assert_valid(data, kind)
    assert etree.fromstring(data).tag == f"{{{DE}}}EDXLDistribution"


def test_round_trip_through_a_partner(store, actor, incident, tmp_path) -> None:
    """Our RequestResource read as a partner would read it gives the same request."""
    rid = requests.create_request(
        store, actor=actor, incident_id=incident, resource_kind="Ventilators", quantity=4,
        unit="each", needed_by="2026-11-17T22:00Z", deliver_to="Backus Hospital dock",
    )  # fmt: skip
    data, *_ = build_rm(store, rid)
    incoming = write(tmp_path, "in.xml", data.decode())
    p = preview_rm(store, incoming)
    (line,) = p.new_lines
    assert (line.what(), line.quantity, line.quantity_unit) == ("Ventilators", 4, "each")
    sched = line.schedule("RequestedArrival")
    assert sched and sched.at == "2026-11-17T22:00:00Z" and sched.location == "Backus Hospital dock"
