"""Interchange workloads: a CAP feed in, EDXL-HAVE out.

Baselines are the XML library alone doing the same parse or the same serialisation,
so the ratio is the price of what the program adds: hardening, mapping to the catalog,
matching members inside alert areas, the store transaction.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, fromstring, tostring

from benchmarks.registry import Context, Result, stopwatch, workload
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, incidents, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.interop.cap_import import import_cap
from hcc_desktop.interop.have_export import build_have
from hcc_desktop.interop.have_map import HAVE_NS

ACTOR = Actor("Bench Operator", "Situation Unit")
ALERTS = 1_000
FACILITIES = 1_000
CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"


def _feed(n: int) -> bytes:
    entries = []
    for i in range(n):
        lat = 41.0 + (i % 50) * 0.02
        entries.append(
            f"""<entry><id>urn:bench:{i}</id><title>Alert {i}</title>
<updated>2026-11-17T15:00:00-05:00</updated><content type="text/xml">
<alert xmlns="{CAP12}"><identifier>BENCH-{i}</identifier><sender>bench@nws.noaa.gov</sender>
<sent>2026-11-17T15:{i % 60:02d}:00-05:00</sent><status>Actual</status><msgType>Alert</msgType>
<scope>Public</scope><info><category>Met</category><event>Flood Warning</event>
<urgency>Expected</urgency><severity>Severe</severity><certainty>Likely</certainty>
<headline>Flood Warning {i}</headline><description>River flooding expected.</description>
<area><areaDesc>Zone {i}</areaDesc>
<polygon>{lat},-72.9 {lat + 0.1},-72.9 {lat + 0.1},-72.6 {lat},-72.6 {lat},-72.9</polygon>
<geocode><valueName>SAME</valueName><value>009003</value></geocode></area></info></alert>
</content></entry>"""
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        + "".join(entries)
        + "</feed>"
    ).encode()


def _store(ctx: Context, name: str) -> Store:
    return open_store(ctx.tmpdir / f"{name}.sqlite", station_name="Bench")


@workload(
    "cap_feed_import",
    3.0,
    "Import a CAP feed of 1,000 alerts (log entries, alert records, members in areas) vs. "
    "parsing the same feed with the XML parser alone",
)
def cap_feed_import(ctx: Context) -> Result:
    n = ctx.rows(ALERTS, minimum=10)
    feed = ctx.tmpdir / "feed.xml"
    data = _feed(n)
    feed.write_bytes(data)
    counter = iter(range(10_000))

    def ours() -> float:
        store = _store(ctx, f"cap{next(counter)}")
        for i in range(30):
            organizations.add_organization(
                store, actor=ACTOR, name=f"Hospital {i}", member_type="hospital",
                membership="core", lat=41.0 + i * 0.03, lon=-72.7,
            )  # fmt: skip
        inc = incidents.create_incident(
            store, actor=ACTOR, name="Bench", started_at="2026-11-17T00:00Z"
        )
        with stopwatch() as lap:
            import_cap(store, feed, actor=ACTOR, incident_id=inc)
        store.close()
        return lap.seconds

    def baseline() -> float:
        with stopwatch() as lap:
            fromstring(data)
        return lap.seconds

    v, b = ctx.compare(ours, baseline)
    return Result(v.seconds, b.seconds, details={"alerts": n, "bytes": len(data)})


def _have_store(ctx: Context, n: int) -> tuple[Store, str]:
    store = _store(ctx, "have")
    inc = incidents.create_incident(
        store, actor=ACTOR, name="Bench", exercise=True, started_at="2026-11-17T00:00Z"
    )
    incidents.add_period(store, actor=ACTOR, incident_id=inc, starts_at="2026-11-17T00:00Z",
                         ends_at="2026-11-17T12:00Z")  # fmt: skip
    from hcc_desktop.core.services.organizations import upsert_organizations

    upsert_organizations(store, actor=ACTOR, rows=[
        {"name": f"Hospital {i:04d}", "member_type": "hospital", "membership": "core",
         "lat": 41.0 + (i % 100) * 0.01, "lon": -72.0 - (i // 100) * 0.01, "town": "Hartford",
         "state": "CT", "zip": "06106"}
        for i in range(n)
    ])  # fmt: skip
    orgs = organizations.list_organizations(store)
    reports = [
        eei.FacilityReport(o.id, 1, {
            "FACILITY_STATUS": "Normal", "EMS_TRAFFIC_STATUS": "Normal",
            "BEDS_ADULT_ICU_STAFFED": 20, "BEDS_ADULT_ICU_AVAILABLE": 5,
            "BEDS_MEDICAL_SURGICAL_STAFFED": 200, "BEDS_MEDICAL_SURGICAL_AVAILABLE": 30,
            "STAFFING_STATUS": "Adequate"}, reported_at="2026-11-17T01:00Z")
        for o in orgs
    ]  # fmt: skip
    ids = eei.submit_reports(store, actor=ACTOR, incident_id=inc, reports=reports)
    eei.validate(store, actor=ACTOR, report_ids=ids, state="validated")
    return store, inc


@workload(
    "have_export",
    2.0,
    "EDXL-HAVE export for 1,000 facilities vs. serialising the same values with the XML "
    "library alone",
)
def have_export(ctx: Context) -> Result:
    n = ctx.rows(FACILITIES, minimum=10)
    store, inc = _have_store(ctx, n)
    rows = [(o.name, o.lat, o.lon, o.town) for o in organizations.list_organizations(store)]

    def ours() -> float:
        with stopwatch() as lap:
            build_have(store, incident_id=inc, period=1)
        return lap.seconds

    def baseline() -> float:
        with stopwatch() as lap:
            root = Element(f"{{{HAVE_NS}}}HospitalStatus")
            for name, lat, lon, town in rows:
                h = SubElement(root, f"{{{HAVE_NS}}}Hospital")
                SubElement(h, f"{{{HAVE_NS}}}Name").text = name
                SubElement(h, f"{{{HAVE_NS}}}Pos").text = f"{lat} {lon}"
                SubElement(h, f"{{{HAVE_NS}}}Town").text = town
                for tag, value in (("FacilityStatus", "Normal"), ("EMSTrafficStatus", "Normal"),
                                   ("Staffing", "Adequate")):  # fmt: skip
                    SubElement(h, f"{{{HAVE_NS}}}{tag}").text = value
                for bed, avail, base in (("AdultICU", 5, 20), ("MedicalSurgical", 30, 200)):
                    bc = SubElement(h, f"{{{HAVE_NS}}}BedCapacity")
                    SubElement(bc, f"{{{HAVE_NS}}}BedType").text = bed
                    SubElement(bc, f"{{{HAVE_NS}}}AvailableCount").text = str(avail)
                    SubElement(bc, f"{{{HAVE_NS}}}BaselineCount").text = str(base)
            tostring(root, encoding="utf-8")
        return lap.seconds

    v, b = ctx.compare(ours, baseline)
    store.close()
    return Result(v.seconds, b.seconds, details={"facilities": n})
