"""CAP in and out: the OASIS examples with every field, feeds, updates and
cancellations, hostile and odd files, and schema-valid exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import alerts, incidents, organizations
from hcc_desktop.core.services.log import LogFilter, list_entries
from hcc_desktop.interop.cap import parse_cap_bytes
from hcc_desktop.interop.cap_export import Advisory, export_cap
from hcc_desktop.interop.cap_import import import_cap
from hcc_desktop.interop.xmlsafe import XmlRefused

CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"


@pytest.fixture
def incident(store, actor) -> str:
    return incidents.create_incident(
        store, actor=actor, name="Hurricane exercise", incident_type="hurricane",
        exercise=True, started_at="2026-11-17T12:00Z",
    )  # fmt: skip


def _alert_xml(
    identifier: str,
    *,
    msg_type: str = "Alert",
    references: str = "",
    polygon: str = "",
    circle: str = "",
    geocode: tuple[str, str] | None = None,
    ns: str = CAP12,
    encoding: str = "UTF-8",
    headline: str = "Hurricane Warning",
) -> str:
    refs = f"<references>{references}</references>" if references else ""
    poly = f"<polygon>{polygon}</polygon>" if polygon else ""
    circ = f"<circle>{circle}</circle>" if circle else ""
    geo = (
        f"<geocode><valueName>{geocode[0]}</valueName><value>{geocode[1]}</value></geocode>"
        if geocode
        else ""
    )
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<alert xmlns="{ns}">
 <identifier>{identifier}</identifier><sender>w-nws.webmaster@noaa.gov</sender>
 <sent>2026-11-17T15:00:00-05:00</sent><status>Actual</status><msgType>{msg_type}</msgType>
 <scope>Public</scope>{refs}
 <info><category>Met</category><event>Hurricane Warning</event><urgency>Expected</urgency>
  <severity>Extreme</severity><certainty>Likely</certainty>
  <expires>2026-11-18T15:00:00-05:00</expires><senderName>NWS Boston/Norton MA</senderName>
  <headline>{headline}</headline><description>Hurricane conditions expected.</description>
  <instruction>Complete preparations.</instruction>
  <area><areaDesc>New London; Middlesex</areaDesc>{poly}{circ}{geo}</area>
 </info>
</alert>"""


def test_thunderstorm_example_every_field(cap_dir: Path) -> None:
    (a,) = parse_cap_bytes((cap_dir / "thunderstorm.cap").read_bytes(), label="t.cap")
    assert (a.identifier, a.sender, a.sent) == (
        "KSTO1055887203",
        "KSTO@NWS.NOAA.GOV",
        "2003-06-17T14:57:00-07:00",
    )
    assert (a.status, a.msg_type, a.scope, a.version) == ("Actual", "Alert", "Public", "1.2")
    (info,) = a.infos
    assert info.categories == ["Met"]
    assert info.event == "SEVERE THUNDERSTORM"
    assert (info.urgency, info.severity, info.certainty) == ("Immediate", "Severe", "Observed")
    assert info.expires == "2003-06-17T16:00:00-07:00"
    assert info.sender_name == "NATIONAL WEATHER SERVICE SACRAMENTO CA"
    assert info.headline == "SEVERE THUNDERSTORM WARNING"
    assert info.description.startswith("AT 254 PM PDT")
    assert info.instruction == "TAKE COVER IN A SUBSTANTIAL SHELTER UNTIL THE STORM PASSES."
    (area,) = info.areas
    assert area.description.startswith("EXTREME NORTH CENTRAL TUOLUMNE COUNTY")
    assert area.polygons == [
        [(38.47, -120.14), (38.34, -119.95), (38.52, -119.74), (38.62, -119.89), (38.47, -120.14)]
    ]
    assert area.geocodes == [("SAME", "006109"), ("SAME", "006009"), ("SAME", "006003")]
    assert a.warnings == []


def test_homeland_security_example_every_field(cap_dir: Path) -> None:
    data = (cap_dir / "oasis-spec-example-homeland-security.cap").read_bytes()
    (a,) = parse_cap_bytes(data, label="hs.cap")
    assert (a.identifier, a.sender, a.sent) == (
        "43b080713727",
        "hsas@dhs.gov",
        "2003-04-02T14:39:01-05:00",
    )
    (info,) = a.infos
    assert info.categories == ["Security"]
    assert info.event == "Homeland Security Advisory System Update"
    assert (info.urgency, info.severity, info.certainty) == ("Immediate", "Severe", "Likely")
    assert info.headline == "Homeland Security Sets Code ORANGE"
    assert info.web == "http://www.dhs.gov/dhspublic/display?theme=29"
    assert info.areas[0].description == "U.S. nationwide and interests worldwide"


def test_import_into_incident_and_recognise_duplicate(store, actor, incident, cap_dir) -> None:
    r = import_cap(store, cap_dir / "thunderstorm.cap", actor=actor, incident_id=incident)
    assert (r.new, r.duplicates) == (1, 0)
    (entry,) = list_entries(store, flt=LogFilter(incident_id=incident))
    assert entry.category == "alert" and entry.priority == "urgent"
    assert "SEVERE THUNDERSTORM WARNING" in entry.text and "KSTO1055887203" in entry.text
    before = dump_text(store)
    again = import_cap(store, cap_dir / "thunderstorm.cap", actor=actor, incident_id=incident)
    assert (again.new, again.duplicates) == (0, 1)
    assert dump_text(store) == before
    (kept,) = alerts.list_alerts(store, incident_id=incident)
    assert kept.infos[0]["areas"][0]["geocodes"][0] == ["SAME", "006109"]


def test_new_incident_from_alert(store, actor, cap_dir) -> None:
    r = import_cap(
        store, cap_dir / "oasis-spec-example-homeland-security.cap", actor=actor, new_incident=True
    )
    assert r.created_incident
    inc = incidents.get_incident(store, r.incident_id)
    assert inc.name == "Homeland Security Sets Code ORANGE"
    assert inc.started_at == "2003-04-02T19:39:01Z"
    assert not inc.exercise


def test_update_and_cancel_link_to_original(store, actor, incident, tmp_path) -> None:
    first = tmp_path / "a.xml"
    first.write_text(_alert_xml("HU-1"))
    ref = "w-nws.webmaster@noaa.gov,HU-1,2026-11-17T15:00:00-05:00"
    upd = tmp_path / "u.xml"
    upd.write_text(_alert_xml("HU-2", msg_type="Update", references=ref))
    cancel = tmp_path / "c.xml"
    cancel.write_text(_alert_xml("HU-3", msg_type="Cancel", references=ref))
    import_cap(store, first, actor=actor, incident_id=incident)
    r = import_cap(store, upd, actor=actor, incident_id=incident)
    assert r.alerts[0].outcome.references_known == [ref]
    import_cap(store, cancel, actor=actor, incident_id=incident)
    original = alerts.get_alert(store, alerts.alert_id("HU-1", "w-nws.webmaster@noaa.gov",
                                                       "2026-11-17T15:00:00-05:00"))  # fmt: skip
    kinds = sorted(a.msg_type for a in alerts.updates_of(store, original))
    assert kinds == ["Cancel", "Update"]
    assert alerts.is_cancelled(store, original)
    texts = [e.text for e in list_entries(store, flt=LogFilter(incident_id=incident))]
    assert any(t.startswith("CAP update") for t in texts)
    assert any(t.startswith("CAP cancellation") for t in texts)


def test_members_inside_polygon_and_circle(store, actor, incident, tmp_path) -> None:
    inside = organizations.add_organization(
        store, actor=actor, name="Lawrence + Memorial Hospital", member_type="hospital",
        membership="core", lat=41.3557, lon=-72.0995,
    )  # fmt: skip
    organizations.add_organization(
        store, actor=actor, name="Berkshire Medical Center", member_type="hospital",
        membership="core", lat=42.4617, lon=-73.2365,
    )  # fmt: skip
    poly = tmp_path / "p.xml"
    poly.write_text(
        _alert_xml("P-1", polygon="41.2,-72.4 41.6,-72.4 41.6,-71.8 41.2,-71.8 41.2,-72.4")
    )
    r = import_cap(store, poly, actor=actor, incident_id=incident)
    assert r.alerts[0].members_inside == ["Lawrence + Memorial Hospital"]
    circ = tmp_path / "c.xml"
    circ.write_text(_alert_xml("C-1", circle="41.35,-72.10 5"))
    r = import_cap(store, circ, actor=actor, incident_id=incident)
    assert r.alerts[0].members_inside == ["Lawrence + Memorial Hospital"]
    assert inside


def test_members_inside_county_geocode(store, actor, incident, tmp_path) -> None:
    organizations.add_organization(
        store, actor=actor, name="Hartford Hospital", member_type="hospital",
        membership="core", lat=41.7545, lon=-72.6797,
    )  # fmt: skip
    organizations.add_organization(
        store, actor=actor, name="Yale-New Haven Hospital", member_type="hospital",
        membership="core", lat=41.3036, lon=-72.9366,
    )  # fmt: skip
    path = tmp_path / "g.xml"
    path.write_text(_alert_xml("G-1", geocode=("SAME", "009003")))
    r = import_cap(store, path, actor=actor, incident_id=incident)
    assert r.alerts[0].members_inside == ["Hartford Hospital"]


def test_cap_11_and_other_encodings(tmp_path) -> None:
    v11 = _alert_xml("OLD-1", ns="urn:oasis:names:tc:emergency:cap:1.1")
    (a,) = parse_cap_bytes(v11.encode(), label="v11")
    assert a.version == "1.1" and a.infos[0].event == "Hurricane Warning"
    latin = _alert_xml("L-1", encoding="ISO-8859-1", headline="Ouragan à Montréal")
    (a,) = parse_cap_bytes(latin.encode("iso-8859-1"), label="latin")
    assert a.infos[0].headline == "Ouragan à Montréal"
    utf16 = _alert_xml("U-1", encoding="UTF-16", headline="Überschwemmung")
    (a,) = parse_cap_bytes(utf16.encode("utf-16"), label="utf16")
    assert a.infos[0].headline == "Überschwemmung"
    bom = b"\xef\xbb\xbf" + _alert_xml("B-1").encode()
    assert parse_cap_bytes(bom, label="bom")[0].identifier == "B-1"


def test_atom_feed_with_whole_alerts_and_summaries() -> None:
    whole = _alert_xml("F-1").split("?>", 1)[1]
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:cap="urn:oasis:names:tc:emergency:cap:1.1">
 <entry><id>urn:x:1</id><title>Whole</title><updated>2026-11-17T15:00:00-05:00</updated>
  <content type="text/xml">{whole}</content></entry>
 <entry><id>https://alerts.example/CT.1</id><updated>2026-11-17T16:00:00-05:00</updated>
  <published>2026-11-17T16:00:00-05:00</published><author><name>w-nws.webmaster@noaa.gov</name></author>
  <title>Flood Watch issued for Hartford County</title><summary>Heavy rain may cause flooding.</summary>
  <cap:event>Flood Watch</cap:event><cap:effective>2026-11-17T16:00:00-05:00</cap:effective>
  <cap:expires>2026-11-18T06:00:00-05:00</cap:expires><cap:status>Actual</cap:status>
  <cap:msgType>Alert</cap:msgType><cap:urgency>Future</cap:urgency><cap:severity>Moderate</cap:severity>
  <cap:certainty>Possible</cap:certainty><cap:areaDesc>Hartford</cap:areaDesc>
  <cap:polygon></cap:polygon>
  <cap:geocode><valueName>FIPS6</valueName><value>009003</value></cap:geocode>
 </entry>
</feed>"""
    alerts_ = parse_cap_bytes(feed.encode(), label="feed.atom")
    assert [a.identifier for a in alerts_] == ["F-1", "https://alerts.example/CT.1"]
    summary = alerts_[1]
    assert summary.sender == "w-nws.webmaster@noaa.gov"
    assert summary.infos[0].event == "Flood Watch"
    assert summary.infos[0].areas[0].geocodes == [("FIPS6", "009003")]
    assert summary.warnings and "summary" in summary.warnings[0]


HOSTILE = {
    "billion_laughs": """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;</identifier></alert>""",
    "external_entity": """<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>""",
    "dtd_fetch": """<?xml version="1.0"?>
<!DOCTYPE alert SYSTEM "http://127.0.0.1:9/evil.dtd">
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier></alert>""",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_refused_store_unchanged(store, actor, incident, tmp_path, name) -> None:
    path = tmp_path / f"{name}.xml"
    path.write_text(HOSTILE[name])
    before = dump_text(store)
    with pytest.raises(XmlRefused) as err:
        import_cap(store, path, actor=actor, incident_id=incident)
    assert str(path) in str(err.value)
    assert "refused for safety" in str(err.value)
    assert dump_text(store) == before


def test_malformed_and_wrong_files_name_the_problem(store, actor, incident, tmp_path) -> None:
    broken = tmp_path / "broken.cap"
    broken.write_text('<?xml version="1.0"?>\n<alert>\n<identifier>x</alert>')
    with pytest.raises(XmlRefused, match=r"broken.cap: line 3"):
        import_cap(store, broken, actor=actor, incident_id=incident)
    missing = tmp_path / "missing.cap"
    missing.write_text(f'<alert xmlns="{CAP12}"><identifier>x</identifier></alert>')
    with pytest.raises(XmlRefused, match=r"<sender> is missing"):
        import_cap(store, missing, actor=actor, incident_id=incident)
    other = tmp_path / "other.xml"
    other.write_text("<html><body/></html>")
    with pytest.raises(XmlRefused, match=r"<html> is not a CAP alert"):
        import_cap(store, other, actor=actor, incident_id=incident)
    bad_poly = tmp_path / "poly.cap"
    bad_poly.write_text(_alert_xml("X-1", polygon="41.2;-72.4 nonsense"))
    with pytest.raises(XmlRefused, match=r"polygon point"):
        import_cap(store, bad_poly, actor=actor, incident_id=incident)


def _schema(cap_dir: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(cap_dir / "CAP-v1.2.xsd")))


def test_export_is_schema_valid_and_exercise(store, actor, incident, cap_dir, tmp_path) -> None:
    out = tmp_path / "adv.xml"
    ident = export_cap(
        store, out,
        Advisory(headline="Hartford Hospital on diversion until 18:00",
                 description="EMS traffic closed; reroute ambulances.", expires="2026-11-18T23:00Z",
                 circles=[(41.7625, -72.6901, 2.0)], status="Actual"),
        actor=actor, incident_id=incident,
    )  # fmt: skip
    doc = etree.parse(str(out))
    schema = _schema(cap_dir)
    assert schema.validate(doc), schema.error_log
    ns = {"c": CAP12}
    assert doc.findtext("c:status", namespaces=ns) == "Exercise"
    assert doc.findtext("c:identifier", namespaces=ns) == ident
    assert doc.findtext("c:info/c:area/c:circle", namespaces=ns) == "41.7625,-72.6901 2"
    (parsed,) = parse_cap_bytes(out.read_bytes(), label="adv")
    assert parsed.infos[0].headline == "Hartford Hospital on diversion until 18:00"
    kept = [a for a in alerts.list_alerts(store) if a.direction == "out"]
    assert [a.identifier for a in kept] == [ident]


def test_export_update_and_cancel_valid(store, actor, cap_dir, tmp_path) -> None:
    real = incidents.create_incident(
        store, actor=actor, name="Real", started_at="2026-11-17T00:00Z"
    )
    first = tmp_path / "1.xml"
    export_cap(store, first, Advisory(headline="A", description="B"), actor=actor, incident_id=real)
    (p,) = parse_cap_bytes(first.read_bytes(), label="1")
    assert p.status == "Actual"
    ref = f"{p.sender},{p.identifier},{p.sent}"
    for kind in ("Update", "Cancel"):
        out = tmp_path / f"{kind}.xml"
        export_cap(
            store, out, Advisory(headline=kind, description="C", msg_type=kind, references=[ref]),
            actor=actor, incident_id=real,
        )  # fmt: skip
        assert _schema(cap_dir).validate(etree.parse(str(out)))
    original = alerts.get_alert(store, alerts.alert_id(p.identifier, p.sender, p.sent))
    assert alerts.is_cancelled(store, original)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"headline": " "}, "headline"),
        ({"urgency": "Soon"}, "urgency"),
        ({"msg_type": "Update"}, "references"),
        ({"scope": "Restricted"}, "restriction"),
    ],
)
def test_export_refusals_name_field(store, actor, incident, tmp_path, kw, field) -> None:
    args = {"headline": "H", "description": "D", **kw}
    before = dump_text(store)
    with pytest.raises(ValidationError) as err:
        export_cap(store, tmp_path / "x.xml", Advisory(**args), actor=actor, incident_id=incident)
    assert err.value.field == field
    assert not (tmp_path / "x.xml").exists()
    assert dump_text(store) == before
