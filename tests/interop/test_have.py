"""EDXL-HAVE 1.0 out (schema-valid, validated values only, envelope) and in (bare and
enveloped, matching, round trip, refusals)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, incidents, organizations
from hcc_desktop.core.store import Store
from hcc_desktop.interop.have_export import export_have
from hcc_desktop.interop.have_import import import_have
from hcc_desktop.interop.have_parse import parse_have
from hcc_desktop.interop.xmlsafe import XmlRefused
from tests.conftest import FakeWall

HAVE = "urn:oasis:names:tc:emergency:EDXL:HAVE:1.0"
NS = {"have": HAVE, "xnl": "urn:oasis:names:tc:ciq:xnl:3", "gml": "http://www.opengis.net/gml"}

VALUES = {
    "FACILITY_STATUS": "Compromised",
    "EMS_TRAFFIC_STATUS": "Closed",
    "EMS_TRAFFIC_REASON": "Generator failure",
    "BEDS_ADULT_ICU_STAFFED": 20,
    "BEDS_ADULT_ICU_AVAILABLE": 4,
    "BEDS_BURN_STAFFED": 6,
    "BEDS_BURN_AVAILABLE": 0,
    "BEDS_MEDICAL_SURGICAL_STAFFED": 300,
    "BEDS_MEDICAL_SURGICAL_AVAILABLE": 31,
    "SECURITY_STATUS": "Restricted Access",
    "STAFFING_STATUS": "Insufficient",
    "DECON_STATUS": "Open",
    "PATIENTS_ADMITTED": 12,
    "EMS_OFFLOAD_MINUTES": 40,
}


def _world(store: Store, actor) -> dict[str, str]:
    hh = organizations.add_organization(
        store, actor=actor, name="Hartford Hospital", member_type="hospital", membership="core",
        address="80 Seymour St", town="Hartford", state="CT", zip="06102",
        lat=41.7545, lon=-72.6797,
    )  # fmt: skip
    ynh = organizations.add_organization(
        store, actor=actor, name="Yale-New Haven Hospital", member_type="hospital",
        membership="core", town="New Haven", state="CT", lat=41.3036, lon=-72.9366,
    )  # fmt: skip
    inc = incidents.create_incident(
        store, actor=actor, name="Hurricane exercise", exercise=True,
        started_at="2026-11-18T00:00Z",
    )  # fmt: skip
    incidents.add_period(
        store, actor=actor, incident_id=inc, starts_at="2026-11-18T00:00Z",
        ends_at="2026-11-18T12:00Z",
    )  # fmt: skip
    return {"hh": hh, "ynh": ynh, "inc": inc}


@pytest.fixture
def world(store, actor) -> dict[str, str]:
    w = _world(store, actor)
    ids = eei.set_values(
        store, actor=actor, incident_id=w["inc"], organization_id=w["hh"], period=1,
        values=VALUES, reported_at="2026-11-18T01:30Z",
    )  # fmt: skip
    eei.validate(store, actor=actor, report_ids=ids, state="validated")
    eei.set_values(
        store,
        actor=actor,
        incident_id=w["inc"],
        organization_id=w["ynh"],
        period=1,
        values={"FACILITY_STATUS": "Closed"},
        reported_at="2026-11-18T01:40Z",
    )  # fmt: skip  (reported, never validated: must not be sent)
    return w


def _schema(have_xsd: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(have_xsd)))


def test_export_valid_with_validated_values_only(store, world, have_xsd, tmp_path) -> None:
    out = tmp_path / "have.xml"
    result = export_have(store, out, incident_id=world["inc"])
    assert (result.hospitals, result.skipped_unvalidated) == (1, 1)
    doc = etree.parse(str(out))
    schema = _schema(have_xsd)
    assert schema.validate(doc), schema.error_log
    (hospital,) = doc.findall("have:Hospital", NS)
    name = hospital.find(".//xnl:OrganisationName", NS)
    assert name.findtext("xnl:NameElement", namespaces=NS) == "Hartford Hospital"
    assert name.get(f"{{{NS['xnl']}}}ID") == world["hh"]
    assert hospital.findtext(".//gml:pos", namespaces=NS) == "41.754500 -72.679700"
    assert hospital.findtext(".//have:EMSTrafficStatus", namespaces=NS) == "Closed"
    assert hospital.findtext(".//have:SecurityStatus", namespaces=NS) == "RestrictedAccess"
    beds = {
        bc.findtext("have:BedType", namespaces=NS): (
            bc.findtext("have:Capacity/have:CapacityStatus", namespaces=NS),
            bc.findtext("have:Capacity/have:AvailableCount", namespaces=NS),
            bc.findtext("have:Capacity/have:BaselineCount", namespaces=NS),
        )
        for bc in hospital.findall(".//have:BedCapacity", NS)
    }
    assert beds == {
        "AdultICU": ("Vacant/Available", "4", "20"),
        "Burn": ("NotAvailable", "0", "6"),
        "MedicalSurgical": ("Vacant/Available", "31", "300"),
    }
    assert hospital.findtext("have:LastUpdateTime", namespaces=NS) == "2026-11-18T01:30:00Z"
    assert "Yale" not in out.read_text()


def test_envelope_carries_a_valid_have(store, world, have_xsd, tmp_path) -> None:
    out = tmp_path / "de.xml"
    export_have(store, out, incident_id=world["inc"], envelope=True)
    doc = etree.parse(str(out))
    de = "urn:oasis:names:tc:emergency:EDXL:DE:1.0"
    assert doc.getroot().tag == f"{{{de}}}EDXLDistribution"
    assert doc.findtext(f"{{{de}}}distributionStatus") == "Exercise"
    inner = doc.find(f".//{{{de}}}embeddedXMLContent/{{{HAVE}}}HospitalStatus")
    assert inner is not None
    assert _schema(have_xsd).validate(etree.ElementTree(inner))


def test_stale_validation_is_not_sent(store, actor, world, tmp_path) -> None:
    eei.set_values(
        store, actor=actor, incident_id=world["inc"], organization_id=world["hh"], period=1,
        values={"BEDS_ADULT_ICU_AVAILABLE": 2},
    )  # fmt: skip
    export_have(store, tmp_path / "h.xml", incident_id=world["inc"])
    hospitals = parse_have((tmp_path / "h.xml").read_bytes(), label="h")
    assert "BEDS_ADULT_ICU_AVAILABLE" not in hospitals[0].values
    assert hospitals[0].values["BEDS_ADULT_ICU_STAFFED"] == "20"


def test_nothing_validated_is_refused(store, actor, tmp_path) -> None:
    w = _world(store, actor)
    with pytest.raises(ValidationError) as err:
        export_have(store, tmp_path / "x.xml", incident_id=w["inc"])
    assert err.value.field == "eei"
    assert not (tmp_path / "x.xml").exists()


@pytest.mark.parametrize("envelope", [False, True])
def test_round_trip_into_another_store(store, actor, world, tmp_path, envelope) -> None:
    out = tmp_path / "have.xml"
    export_have(store, out, incident_id=world["inc"], envelope=envelope)
    other = open_store(tmp_path / "other.sqlite", station_name="Region 1", wall=FakeWall())
    try:
        w2 = _world(other, actor)
        result = import_have(other, out, actor=actor, incident_id=w2["inc"], period=1)
        (match,) = result.matches
        assert (match.organization_id, match.how) == (w2["hh"], "name")
        got = {
            r.element_code: r.value
            for r in eei.reports_for_period(other, incident_id=w2["inc"], period=1)
        }
        assert got == VALUES
        reps = eei.reports_for_period(other, incident_id=w2["inc"], period=1)
        assert {eei.effective_state(r) for r in reps} == {"reported"}
        assert {r.source for r in reps} == {"EDXL-HAVE have.xml"}
        assert {r.reported_at for r in reps} == {"2026-11-18T01:30:00Z"}
        before = dump_text(other)
        import_have(other, out, actor=actor, incident_id=w2["inc"], period=1)
        assert dump_text(other) == before
    finally:
        other.close()


def test_same_store_matches_by_id_and_unknown_hospital_is_reported(
    store, actor, world, tmp_path
) -> None:
    out = tmp_path / "have.xml"
    export_have(store, out, incident_id=world["inc"])
    text = out.read_text().replace(
        "</have:HospitalStatus>",
        """ <have:Hospital>
  <have:Organization><have:OrganizationInformation>
   <xnl:OrganisationName><xnl:NameElement>Mystery General</xnl:NameElement></xnl:OrganisationName>
  </have:OrganizationInformation></have:Organization>
  <have:HospitalFacilityStatus><have:FacilityStatus>Normal</have:FacilityStatus></have:HospitalFacilityStatus>
  <have:LastUpdateTime>2026-11-18T02:00:00Z</have:LastUpdateTime>
 </have:Hospital>
</have:HospitalStatus>""",
    )
    out.write_text(text)
    result = import_have(store, out, actor=actor, incident_id=world["inc"], period=1)
    hows = {mt.hospital.name: mt.how for mt in result.matches}
    assert hows == {"Hartford Hospital": "id", "Mystery General": ""}
    assert [mt.hospital.name for mt in result.unmatched] == ["Mystery General"]


def test_match_by_name_words_and_location(store, actor, tmp_path) -> None:
    w = _world(store, actor)
    doc = tmp_path / "h.xml"
    doc.write_text(f"""<HospitalStatus xmlns="{HAVE}" xmlns:xnl="urn:oasis:names:tc:ciq:xnl:3"
  xmlns:gml="http://www.opengis.net/gml"><Hospital><Organization><OrganizationInformation>
  <xnl:OrganisationName><xnl:NameElement>HARTFORD HOSP</xnl:NameElement></xnl:OrganisationName>
  </OrganizationInformation><OrganizationGeoLocation><gml:Point><gml:pos>41.7550 -72.6800</gml:pos>
  </gml:Point></OrganizationGeoLocation></Organization>
  <HospitalResourcesStatus><Staffing>Adequate</Staffing></HospitalResourcesStatus>
  <LastUpdateTime>2026-11-18T02:00:00-05:00</LastUpdateTime></Hospital></HospitalStatus>""")
    result = import_have(store, doc, actor=actor, incident_id=w["inc"], period=1)
    assert [(mt.organization_id, mt.how) for mt in result.matches] == [
        (w["hh"], "name and location")
    ]
    rep = eei.find_report(
        store, incident_id=w["inc"], organization_id=w["hh"], element="STAFFING_STATUS", period=1
    )
    assert rep.value == "Adequate" and rep.reported_at == "2026-11-18T07:00:00Z"


def test_bad_value_refuses_file_naming_hospital(store, actor, tmp_path) -> None:
    w = _world(store, actor)
    doc = tmp_path / "bad.xml"
    doc.write_text(f"""<HospitalStatus xmlns="{HAVE}" xmlns:xnl="urn:oasis:names:tc:ciq:xnl:3">
  <Hospital><Organization><OrganizationInformation><xnl:OrganisationName>
  <xnl:NameElement>Hartford Hospital</xnl:NameElement></xnl:OrganisationName>
  </OrganizationInformation></Organization><HospitalBedCapacityStatus><BedCapacity>
  <BedType>AdultICU</BedType><Capacity><AvailableCount>-3</AvailableCount></Capacity>
  </BedCapacity></HospitalBedCapacityStatus><LastUpdateTime>2026-11-18T02:00:00Z</LastUpdateTime>
  </Hospital></HospitalStatus>""")
    before = dump_text(store)
    with pytest.raises(ValidationError) as err:
        import_have(store, doc, actor=actor, incident_id=w["inc"], period=1)
    assert "bad.xml" in err.value.field and "Hartford Hospital" in err.value.field
    assert "BEDS_ADULT_ICU_AVAILABLE" in err.value.field
    assert dump_text(store) == before


def test_not_have_and_hostile_files_refused(store, actor, tmp_path) -> None:
    _world(store, actor)
    other = tmp_path / "other.xml"
    other.write_text("<alert/>")
    with pytest.raises(XmlRefused, match="not an EDXL-HAVE"):
        import_have(store, other, actor=actor)
    env = tmp_path / "env.xml"
    env.write_text('<EDXLDistribution xmlns="urn:oasis:names:tc:emergency:EDXL:DE:1.0"/>')
    with pytest.raises(XmlRefused, match="carries no HospitalStatus"):
        import_have(store, env, actor=actor)
    evil = tmp_path / "evil.xml"
    evil.write_text(
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><HospitalStatus>&e;</HospitalStatus>'
    )
    with pytest.raises(XmlRefused, match="refused for safety"):
        import_have(store, evil, actor=actor)
