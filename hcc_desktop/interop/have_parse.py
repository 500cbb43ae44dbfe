"""EDXL-HAVE 1.0 read: a bare `HospitalStatus` or one inside an EDXL-DE envelope, turned
into one `HaveHospital` per hospital with the values the catalog's HAVE mappings name.
Safe parsing (no entities, capped size) through interop/xmlsafe; nothing is matched or
written here (see have_match.py and have_import.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.interop.have_map import Mapping, mappings
from hcc_desktop.interop.xmlsafe import XmlRefused, child, children, local, parse_xml


@dataclass
class HaveHospital:
    name: str
    ref_id: str | None
    lat: float | None
    lon: float | None
    town: str | None
    updated: str | None
    values: dict[str, object] = field(default_factory=dict)
    #: Address parts from xpil:Address, kept to describe a facility added from the file.
    address: str | None = None
    state: str | None = None
    zip: str | None = None


def _find_status(root: Element, label: str) -> Element:
    if local(root.tag) == "HospitalStatus":
        return root
    if local(root.tag) == "EDXLDistribution":
        for node in root.iter():
            if local(node.tag) == "HospitalStatus":
                return node
        raise XmlRefused(label, "EDXL-DE envelope carries no HospitalStatus")
    raise XmlRefused(label, f"root element <{local(root.tag)}> is not an EDXL-HAVE HospitalStatus")


def _descend(el: Element, mp: Mapping) -> Element | None:
    node: Element | None = el
    for step in mp.steps:
        if node is None:
            return None
        found = None
        for c in children(node, step.name):
            if step.key is None:
                found = c
                break
            keyed = child(c, step.key)
            if keyed is not None and (keyed.text or "").strip() == step.value:
                found = c
                break
        node = found
    return node


def _address_part(hospital: Element, part: str, inner: str) -> str | None:
    """The first xal `part` of a hospital's address, its `inner` texts joined."""
    for node in hospital.iter():
        if local(node.tag) == part:
            text = " ".join(
                " ".join((x.text or "").split()) for x in node.iter() if local(x.tag) == inner
            ).strip()
            return text or None
    return None


def parse_have(data: bytes, *, label: str) -> list[HaveHospital]:
    status = _find_status(parse_xml(data, label=label), label)
    maps = mappings(load_catalog())
    out = []
    for i, h in enumerate(children(status, "Hospital"), start=1):
        org = child(h, "Organization")
        info = child(org, "OrganizationInformation") if org is not None else None
        name_el = None
        if info is not None:
            name_el = next((n for n in info.iter() if local(n.tag) == "OrganisationName"), None)
        if name_el is None:
            raise XmlRefused(label, f"Hospital {i}: Organization/OrganisationName is missing")
        name = " ".join(
            (n.text or "").strip() for n in name_el.iter() if local(n.tag) == "NameElement"
        ).strip()
        ref = next((v for k, v in name_el.attrib.items() if local(k) == "ID"), None)
        lat = lon = None
        pos = next((n for n in h.iter() if local(n.tag) == "pos"), None)
        if pos is not None and pos.text:
            try:
                lat, lon = (float(x) for x in pos.text.split()[:2])
            except ValueError:
                raise XmlRefused(
                    label, f"Hospital {i} ({name}): gml:pos is not 'lat lon'"
                ) from None
        town = _address_part(h, "Locality", "NameElement")
        stamp = child(h, "LastUpdateTime")
        updated = (stamp.text or "").strip() if stamp is not None else None
        hosp = HaveHospital(
            name or f"Hospital {i}", ref, lat, lon, town, updated or None,
            address=_address_part(h, "Thoroughfare", "NameElement"),
            state=_address_part(h, "AdministrativeArea", "NameElement"),
            zip=_address_part(h, "PostCode", "Identifier"),
        )  # fmt: skip
        for mp in maps:
            node = _descend(h, mp)
            if node is not None and node.text and node.text.strip():
                hosp.values[mp.element.code] = mp.from_have(node.text.strip())
        out.append(hosp)
    if not out:
        raise XmlRefused(label, "HospitalStatus holds no Hospital")
    return out
