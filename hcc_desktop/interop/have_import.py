"""EDXL-HAVE 1.0 in: a bare `HospitalStatus` or one inside an EDXL-DE envelope.

Hospitals are matched to facilities by the id this program writes, else by name,
else by name words and location; the operator is shown what matched and what did not.
Values are recorded as EEI reports marked with their source and left unvalidated, so
the coalition still checks them. The whole file is checked first: one bad value
refuses the file and names the hospital and element, and the store stays unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei, incidents
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.organizations import list_organizations
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise
from hcc_desktop.interop.areas import distance_km
from hcc_desktop.interop.have_map import Mapping, mappings
from hcc_desktop.interop.xmlsafe import XmlRefused, child, children, local, parse_xml, read_capped

NEAR_KM = 2.0
_WORDS = re.compile(r"[a-z0-9]+")
_NOISE = {"the", "inc", "of", "and", "hospital", "medical", "center", "centre", "health"}


@dataclass
class HaveHospital:
    name: str
    ref_id: str | None
    lat: float | None
    lon: float | None
    town: str | None
    updated: str | None
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    hospital: HaveHospital
    organization_id: str | None
    organization_name: str | None
    how: str  # "id", "name", "name and location", or "" when unmatched


@dataclass(frozen=True)
class HaveImportResult:
    file: str
    incident_id: str
    period: int
    matches: list[Match]
    values: int

    @property
    def unmatched(self) -> list[Match]:
        return [mt for mt in self.matches if mt.organization_id is None]


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
        town = next(
            (
                " ".join((x.text or "").split())
                for n in h.iter()
                if local(n.tag) == "Locality"
                for x in n.iter()
                if local(x.tag) == "NameElement"
            ),
            None,
        )
        updated = (
            (child(h, "LastUpdateTime").text or "").strip()
            if child(h, "LastUpdateTime") is not None
            else None
        )
        hosp = HaveHospital(name or f"Hospital {i}", ref, lat, lon, town, updated or None)
        for mp in maps:
            node = _descend(h, mp)
            if node is not None and node.text and node.text.strip():
                hosp.values[mp.element.code] = mp.from_have(node.text.strip())
        out.append(hosp)
    if not out:
        raise XmlRefused(label, "HospitalStatus holds no Hospital")
    return out


def _words(name: str) -> set[str]:
    return {w for w in _WORDS.findall(name.lower()) if w not in _NOISE}


def match_hospitals(hospitals: list[HaveHospital], orgs: list[m.Organization]) -> list[Match]:
    by_id = {o.id: o for o in orgs}
    by_name: dict[str, list[m.Organization]] = {}
    for o in orgs:
        by_name.setdefault((o.name or "").strip().lower(), []).append(o)
    out = []
    for h in hospitals:
        if h.ref_id and h.ref_id in by_id:
            o = by_id[h.ref_id]
            out.append(Match(h, o.id, o.name, "id"))
            continue
        same = by_name.get(h.name.strip().lower(), [])
        if len(same) == 1:
            out.append(Match(h, same[0].id, same[0].name, "name"))
            continue
        best = None
        if h.lat is not None and h.lon is not None:
            want = _words(h.name)
            near = [
                o for o in orgs
                if o.lat is not None and o.lon is not None
                and distance_km(h.lat, h.lon, o.lat, o.lon) <= NEAR_KM
                and want & _words(o.name or "")
            ]  # fmt: skip
            if len(near) == 1:
                best = near[0]
        if best is not None:
            out.append(Match(h, best.id, best.name, "name and location"))
        else:
            out.append(Match(h, None, None, ""))
    return out


@dataclass(frozen=True)
class HavePreview:
    """A read and matched HAVE file, not yet recorded: the operator sees what matched
    and what did not before anything is written. Every value was already checked
    against the catalog, so `commit_have` fails only if the store changed meanwhile."""

    file: str
    source: str
    incident_id: str
    period: int
    matches: list[Match]
    reports: list[eei.FacilityReport]

    @property
    def values(self) -> int:
        return sum(len(r.values) for r in self.reports)

    @property
    def unmatched(self) -> list[Match]:
        return [mt for mt in self.matches if mt.organization_id is None]


def preview_have(
    store: Store,
    path: Path,
    *,
    incident_id: str | None = None,
    period: int | None = None,
) -> HavePreview:
    """Read, match and check the whole file; reads the store, writes nothing."""
    label = str(path)
    hospitals = parse_have(read_capped(Path(path)), label=label)
    inc = incidents.resolve_incident(store, incident_id)
    if period is None:
        current = incidents.period_at(store, incident_id=inc.id, moment=from_ms(store.wall()))
        periods = incidents.list_periods(store, incident_id=inc.id)
        chosen = current or (periods[-1] if periods else None)
        if chosen is None:
            raise ValidationError("period", "the incident has no operational period; add one first")
        period = int(chosen.number or 1)
    orgs = [o for o in list_organizations(store)]
    matches = match_hospitals(hospitals, orgs)
    reports = []
    cat = load_catalog()
    for mt in matches:
        if mt.organization_id is None or not mt.hospital.values:
            continue
        for code, raw in mt.hospital.values.items():
            try:
                cat.element(code).coerce(raw)
            except ValidationError as exc:
                raise ValidationError(
                    f"{label}: {mt.hospital.name}: {exc.field}", exc.message
                ) from None
        at = None
        if mt.hospital.updated:
            at = normalise(f"{mt.hospital.name}: LastUpdateTime", mt.hospital.updated)
        reports.append(
            eei.FacilityReport(
                organization_id=mt.organization_id,
                period=period,
                values=mt.hospital.values,
                reported_at=at,
                reporter=f"EDXL-HAVE {Path(path).name}",
                source=f"EDXL-HAVE {Path(path).name}"[:300],
            )
        )
    return HavePreview(label, Path(path).name, inc.id, period, matches, reports)


def commit_have(store: Store, preview: HavePreview, *, actor: Actor) -> HaveImportResult:
    """Record the matched hospitals' values as EEI reports awaiting validation, in one
    transaction."""
    if preview.reports:
        try:
            eei.submit_reports(
                store, actor=actor, incident_id=preview.incident_id, reports=preview.reports
            )
        except ValidationError as exc:
            raise ValidationError(f"{preview.file}: {exc.field}", exc.message) from None
    return HaveImportResult(
        preview.file, preview.incident_id, preview.period, preview.matches, preview.values
    )


def import_have(
    store: Store,
    path: Path,
    *,
    actor: Actor,
    incident_id: str | None = None,
    period: int | None = None,
) -> HaveImportResult:
    preview = preview_have(store, path, incident_id=incident_id, period=period)
    return commit_have(store, preview, actor=actor)
