"""The mapping between catalog elements and EDXL-HAVE 1.0 elements, read from the
catalog's `have` paths (data, not code), and the child order the HAVE schema demands
(its types are xs:sequence, so order is part of validity)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hcc_desktop.core.catalog import Catalog, Element

HAVE_NS = "urn:oasis:names:tc:emergency:EDXL:HAVE:1.0"
XNL_NS = "urn:oasis:names:tc:ciq:xnl:3"
XPIL_NS = "urn:oasis:names:tc:ciq:xpil:3"
XAL_NS = "urn:oasis:names:tc:ciq:xal:3"
GML_NS = "http://www.opengis.net/gml"
DE_NS = "urn:oasis:names:tc:emergency:EDXL:DE:1.0"

#: Children in schema order, per HAVE element (edxl-have.xsd 1.0).
ORDER: dict[str, tuple[str, ...]] = {
    "Hospital": (
        "Organization", "EmergencyDepartmentStatus", "HospitalBedCapacityStatus",
        "ServiceCoverageStatus", "HospitalFacilityStatus", "HospitalResourcesStatus",
        "LastUpdateTime",
    ),
    "EmergencyDepartmentStatus": (
        "EMSTraffic", "EMSCapacity", "EMSCensus", "EMSAmbulanceStatus", "EMSAirTransportStatus",
        "CommentText",
    ),
    "EMSTraffic": ("EMSTrafficStatus", "EMSTrafficReason", "CommentText"),
    "EMSAmbulanceStatus": ("EMSOffloadStatus", "EMSOffloadMinutes"),
    "EMSAirTransportStatus": ("EMSOffloadStatus", "EMSOffloadMinutes"),
    "HospitalBedCapacityStatus": ("BedCapacity",),
    "BedCapacity": ("BedType", "SubCategoryBedType", "Capacity", "CommentText"),
    "Capacity": (
        "CapacityStatus", "AvailableCount", "BaselineCount", "AdditionalCapacityCount24Hr",
        "AdditionalCapacityCount72Hr",
    ),
    "HospitalFacilityStatus": (
        "HospitalEOCStatus", "HospitalEOCPlan", "ClinicalStatus", "DeconCapacity",
        "MorgueCapacity", "FacilityStatus", "SecurityStatus", "Activity24Hr", "CommentText",
    ),
    "DeconCapacity": (
        "DeconCapacityStatus", "AmbulatoryPatientsDeconCapacity",
        "NonAmbulatoryPatientsDeconCapacity",
    ),
    "MorgueCapacity": ("MorgueCapacityStatus", "MorgueCapacityUnits"),
    "Activity24Hr": ("Admissions", "Discharges", "Deaths"),
    "HospitalResourcesStatus": (
        "Staffing", "FacilityOperations", "ClinicalOperations", "ResourcesInformationText",
        "CommentText",
    ),
}  # fmt: skip

_STEP = re.compile(r"^(\w+)(?:\[(\w+)=(\w+)\])?$")


@dataclass(frozen=True)
class Step:
    name: str
    key: str | None = None  # e.g. BedType
    value: str | None = None  # e.g. AdultICU


@dataclass(frozen=True)
class Mapping:
    element: Element
    steps: tuple[Step, ...]

    def to_have(self, value: object) -> str | None:
        """The HAVE text for a catalog value, or None when HAVE has no such value."""
        el = self.element
        if el.value_type == "choice":
            table = el.have_values
            if value in table:
                return table[value]
            return str(value)
        if el.value_type in ("integer", "number", "percent") and isinstance(value, (int, float)):
            return str(int(value))
        return None if value is None else str(value)

    def from_have(self, text: str) -> object:
        """The catalog value for a HAVE text (the inverse of `to_have`)."""
        el = self.element
        if el.value_type == "choice":
            table = el.have_values
            for ours, theirs in table.items():
                if theirs == text:
                    return ours
        return text


def parse_path(path: str) -> tuple[Step, ...]:
    steps = []
    for part in path.split("/"):
        match = _STEP.match(part.strip())
        if not match:
            raise ValueError(f"cannot read HAVE path step {part!r} in {path!r}")
        steps.append(Step(*match.groups()))
    return tuple(steps)


def mappings(cat: Catalog) -> list[Mapping]:
    return [Mapping(el, parse_path(el.have)) for el in cat.elements.values() if el.have]
