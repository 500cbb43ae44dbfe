"""EDXL-HAVE 1.0 out: a `have:HospitalStatus` document of the facilities' latest
validated EEIs, valid against the OASIS schema, optionally inside an EDXL-DE 1.0
distribution envelope.

Only validated values are sent: a partner system must not receive numbers the
coalition has not checked. Stale validations (values changed since) do not count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, indent, register_namespace, tostring

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.services import eei, incidents
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.interop.have_map import (
    DE_NS,
    GML_NS,
    HAVE_NS,
    ORDER,
    XAL_NS,
    XNL_NS,
    XPIL_NS,
    Mapping,
    mappings,
)

for prefix, uri in (("have", HAVE_NS), ("xnl", XNL_NS), ("xpil", XPIL_NS), ("xal", XAL_NS),
                    ("gml", GML_NS), ("de", DE_NS)):  # fmt: skip
    register_namespace(prefix, uri)


def _h(name: str) -> str:
    return f"{{{HAVE_NS}}}{name}"


@dataclass(frozen=True)
class HaveExport:
    path: Path
    hospitals: int
    values: int
    skipped_unvalidated: int


class _Node:
    """A HAVE element under construction; children are put in schema order when
    written."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.text: str | None = None
        self.children: dict[tuple[str, str | None], _Node] = {}

    def child(self, name: str, key: str | None = None, value: str | None = None) -> _Node:
        slot = (name, value)
        node = self.children.get(slot)
        if node is None:
            node = _Node(name)
            self.children[slot] = node
            if key and value:
                node.child(key).text = value
        return node

    def write(self, parent: Element) -> None:
        el = SubElement(parent, _h(self.name))
        if self.text is not None:
            el.text = self.text
        order = ORDER.get(self.name, ())
        rank = {n: i for i, n in enumerate(order)}
        for node in sorted(
            self.children.values(), key=lambda n: (rank.get(n.name, len(order)), n._sort_key())
        ):
            node.write(el)
        if self.name == "Capacity" and self.children:
            _capacity_status(el)

    def _sort_key(self) -> str:
        inner = next(iter(self.children.values()), None)
        return (inner.text or "") if inner is not None and inner.name == "BedType" else ""


def _capacity_status(el: Element) -> None:
    """CapacityStatus from the available count, first as the schema wants."""
    available = el.find(_h("AvailableCount"))
    if available is None:
        return
    status = Element(_h("CapacityStatus"))
    status.text = "Vacant/Available" if int(available.text or 0) > 0 else "NotAvailable"
    el.insert(0, status)


def _organization(hospital: Element, org: m.Organization) -> None:
    organization = SubElement(hospital, _h("Organization"))
    info = SubElement(organization, _h("OrganizationInformation"))
    name = SubElement(info, f"{{{XNL_NS}}}OrganisationName", {f"{{{XNL_NS}}}ID": org.id})
    SubElement(name, f"{{{XNL_NS}}}NameElement").text = org.name or ""
    if org.town or org.address or org.zip:
        addresses = SubElement(info, f"{{{XPIL_NS}}}Addresses")
        address = SubElement(addresses, f"{{{XPIL_NS}}}Address")
        SubElement(
            SubElement(address, f"{{{XAL_NS}}}Country"), f"{{{XAL_NS}}}NameElement"
        ).text = "US"
        for part, value in (("AdministrativeArea", org.state), ("Locality", org.town),
                            ("Thoroughfare", org.address)):  # fmt: skip
            if value:
                SubElement(
                    SubElement(address, f"{{{XAL_NS}}}{part}"), f"{{{XAL_NS}}}NameElement"
                ).text = value
        if org.zip:
            SubElement(
                SubElement(address, f"{{{XAL_NS}}}PostCode"), f"{{{XAL_NS}}}Identifier"
            ).text = org.zip
    if org.lat is not None and org.lon is not None:
        geo = SubElement(organization, _h("OrganizationGeoLocation"))
        point = SubElement(geo, f"{{{GML_NS}}}Point")
        SubElement(point, f"{{{GML_NS}}}pos").text = f"{org.lat:.6f} {org.lon:.6f}"


def _latest_validated(
    store: Store, incident_id: str, period: int | None
) -> tuple[dict[str, dict[str, m.EEIReport]], int]:
    """facility → element → its latest validated report up to `period`."""
    stmt = select(m.EEIReport).where(
        m.EEIReport.incident_id == incident_id, m.EEIReport.deleted.is_(False)
    )
    if period is not None:
        stmt = stmt.where(m.EEIReport.period <= period)
    best: dict[str, dict[str, m.EEIReport]] = defaultdict(dict)
    skipped = 0
    with store.read() as s:
        for rep in s.scalars(stmt):
            if eei.effective_state(rep) != "validated":
                skipped += 1
                continue
            slot = best[rep.organization_id or ""]
            old = slot.get(rep.element_code or "")
            if old is None or (rep.period or 0, rep.reported_at or "") > (
                old.period or 0,
                old.reported_at or "",
            ):
                slot[rep.element_code or ""] = rep
    return best, skipped


def build_have(
    store: Store,
    *,
    incident_id: str | None = None,
    period: int | None = None,
    envelope: bool = False,
) -> tuple[bytes, int, int, int]:
    inc = incidents.resolve_incident(store, incident_id)
    maps: dict[str, Mapping] = {mp.element.code: mp for mp in mappings(load_catalog())}
    latest, skipped = _latest_validated(store, inc.id, period)
    root = Element(_h("HospitalStatus"))
    hospitals = values = 0
    with store.read() as s:
        orgs = {
            o.id: o
            for o in s.scalars(select(m.Organization).where(m.Organization.id.in_(list(latest))))
        }
    for org_id in sorted(latest, key=lambda i: (orgs[i].name or "") if i in orgs else i):
        org = orgs.get(org_id)
        reports = {c: r for c, r in latest[org_id].items() if c in maps}
        if org is None or org.deleted or not reports:
            continue
        hospital = Element(_h("Hospital"))
        _organization(hospital, org)
        tree = _Node("Hospital")
        for code, rep in sorted(reports.items()):
            text = maps[code].to_have(rep.value)
            if text is None:
                continue
            node = tree
            for step in maps[code].steps:
                node = node.child(step.name, step.key, step.value)
            node.text = text
            values += 1
        for node in sorted(tree.children.values(), key=lambda n: ORDER["Hospital"].index(n.name)):
            node.write(hospital)
        SubElement(hospital, _h("LastUpdateTime")).text = max(
            r.reported_at or "" for r in reports.values()
        )
        root.append(hospital)
        hospitals += 1
    if hospitals == 0:
        from hcc_desktop.core.errors import ValidationError

        raise ValidationError(
            "eei", "no validated EEIs to send: validate facility reports before exporting HAVE"
        )
    doc = _envelope(store, root, exercise=bool(inc.exercise)) if envelope else root
    indent(doc, space=" ")
    body = tostring(doc, encoding="utf-8", xml_declaration=True)
    return body, hospitals, values, skipped


def _envelope(store: Store, have: Element, *, exercise: bool) -> Element:
    """EDXL-DE 1.0 distribution carrying the HAVE document as embedded XML."""
    de = Element(f"{{{DE_NS}}}EDXLDistribution")
    for name, value in (
        ("distributionID", f"HCC-HAVE-{uuid7(store.wall())}"),
        ("senderID", f"{store.site_id}@hcc-desktop"),
        ("dateTimeSent", from_ms(store.wall())),
        ("distributionStatus", "Exercise" if exercise else "Actual"),
        ("distributionType", "Report"),
        ("combinedConfidentiality", "UNCLASSIFIED AND NOT SENSITIVE"),
    ):
        SubElement(de, f"{{{DE_NS}}}{name}").text = value
    content = SubElement(de, f"{{{DE_NS}}}contentObject")
    SubElement(content, f"{{{DE_NS}}}contentDescription").text = "EDXL-HAVE hospital status"
    xml = SubElement(content, f"{{{DE_NS}}}xmlContent")
    embedded = SubElement(xml, f"{{{DE_NS}}}embeddedXMLContent")
    embedded.append(have)
    return de


def export_have(
    store: Store,
    out: Path,
    *,
    incident_id: str | None = None,
    period: int | None = None,
    envelope: bool = False,
) -> HaveExport:
    body, hospitals, values, skipped = build_have(
        store, incident_id=incident_id, period=period, envelope=envelope
    )
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(body)
    tmp.replace(out)
    return HaveExport(out, hospitals, values, skipped)


__all__: list[Any] = ["HaveExport", "build_have", "export_have"]
