"""EDXL-HAVE 1.0 out: a `have:HospitalStatus` document of the facilities' latest
validated EEIs, valid against the OASIS schema, optionally inside an EDXL-DE 1.0
distribution envelope.

Only validated values are sent: a partner system must not receive numbers the
coalition has not checked. Stale validations (values changed since) do not count.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import register_namespace
from xml.sax.saxutils import escape

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


#: Prefix per namespace, as `register_namespace` above gives them to ElementTree: the
#: document is written as text (below), byte for byte what ElementTree would write.
_PREFIX = {HAVE_NS: "have", XNL_NS: "xnl", XPIL_NS: "xpil", XAL_NS: "xal", GML_NS: "gml",
           DE_NS: "de"}  # fmt: skip


#: Schema position of each child, per element (from ORDER, computed once).
_RANK: dict[str, dict[str, int]] = {
    name: {n: i for i, n in enumerate(order)} for name, order in ORDER.items()
}
_NO_RANK: dict[str, int] = {}


@dataclass(frozen=True)
class HaveExport:
    path: Path
    hospitals: int
    values: int
    skipped_unvalidated: int
    #: What the validated reports hold that HAVE 1.0 has no place for, one line per
    #: kind ("EVACUATION_STATUS (Evacuation status): 3 facilities"): said in the export
    #: report rather than dropped without a word.
    not_carried: tuple[str, ...] = ()


#: What ElementTree escapes in an attribute value beyond &, < and >.
_ATTRIB_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _cdata(text: str) -> str:
    """Character data escaped as ElementTree escapes it (&, <, >), and a carriage
    return as a character reference: a parser turns a raw one into a line feed, so a
    comment typed on Windows would not come back equal."""
    return escape(text).replace("\r", "&#13;")


#: Characters XML 1.0 cannot carry at all (most C0 controls, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _attrib(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it."""
    return escape(text, _ATTRIB_ENTITIES)


def _leaf(tag: str, text: str | None) -> str:
    """A childless element: ElementTree writes `<x />` when it has no text."""
    return f"<{tag}>{_cdata(text)}</{tag}>" if text else f"<{tag} />"


class _Node:
    """A HAVE element under construction; children are put in schema order when
    written. Written straight to indented text (one pass) rather than through an
    ElementTree tree, `indent` and `tostring` (three passes, the slowest part of an
    export of a thousand facilities)."""

    __slots__ = ("children", "name", "text")

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

    def write(self, out: list[str], level: int) -> None:
        """Append this element at nesting `level`, indented as `indent(space=" ")`
        would indent it (the caller writes the whitespace before it)."""
        tag = "have:" + self.name
        if not self.children:
            out.append(_leaf(tag, self.text))
            return
        rank = _RANK.get(self.name, _NO_RANK)
        last = len(rank)
        kids = sorted(self.children.values(), key=lambda n: (rank.get(n.name, last), n._sort_key()))
        inner = "\n" + " " * (level + 1)
        text = self.text
        out.append(f"<{tag}>" + (_cdata(text) if text and text.strip() else inner))
        if self.name == "Capacity":
            status = _capacity_status(kids)
            if status is not None:
                out.append(_leaf("have:CapacityStatus", status) + inner)
        for i, node in enumerate(kids):
            if i:
                out.append(inner)
            node.write(out, level + 1)
        out.append("\n" + " " * level + f"</{tag}>")

    def _sort_key(self) -> str:
        inner = next(iter(self.children.values()), None)
        return (inner.text or "") if inner is not None and inner.name == "BedType" else ""


def _capacity_status(kids: list[_Node]) -> str | None:
    """CapacityStatus from the available count (written first, as the schema wants),
    or None when no count is given."""
    available = next((n for n in kids if n.name == "AvailableCount"), None)
    if available is None:
        return None
    return "Vacant/Available" if int(available.text or 0) > 0 else "NotAvailable"


def _organization(out: list[str], org: Any, level: int, used: set[str]) -> None:
    """The have:Organization block of one facility at nesting `level`; `used` collects
    the namespaces it needs (declared on the root, as ElementTree declares them)."""

    def pad(n: int) -> str:
        return "\n" + " " * (level + n)

    name = org.name or ""
    parts = [
        "<have:Organization>", pad(1), "<have:OrganizationInformation>", pad(2),
        f'<xnl:OrganisationName xnl:ID="{_attrib(org.id)}">', pad(3),
        _leaf("xnl:NameElement", name), pad(2), "</xnl:OrganisationName>",
    ]  # fmt: skip
    if org.town or org.address or org.zip:
        used.update((XPIL_NS, XAL_NS))
        lines = [("Country", "NameElement", "US")]
        for part, value in (
            ("AdministrativeArea", org.state),
            ("Locality", org.town),
            ("Thoroughfare", org.address),
        ):
            if value:
                lines.append((part, "NameElement", value))
        if org.zip:
            lines.append(("PostCode", "Identifier", org.zip))
        parts += [pad(2), "<xpil:Addresses>", pad(3), "<xpil:Address>"]
        for part, inner, value in lines:
            parts += [
                pad(4), f"<xal:{part}>", pad(5), _leaf(f"xal:{inner}", value), pad(4),
                f"</xal:{part}>",
            ]  # fmt: skip
        parts += [pad(3), "</xpil:Address>", pad(2), "</xpil:Addresses>"]
    parts += [pad(1), "</have:OrganizationInformation>"]
    if org.lat is not None and org.lon is not None:
        used.add(GML_NS)
        parts += [
            pad(1), "<have:OrganizationGeoLocation>", pad(2), "<gml:Point>", pad(3),
            _leaf("gml:pos", f"{org.lat:.6f} {org.lon:.6f}"), pad(2), "</gml:Point>", pad(1),
            "</have:OrganizationGeoLocation>",
        ]  # fmt: skip
    parts += [pad(0), "</have:Organization>"]
    out.append("".join(parts))


def _latest_validated(
    store: Store, incident_id: str, period: int | None
) -> tuple[dict[str, dict[str, Any]], int]:
    """facility → element → its latest validated report up to `period`. Only the
    columns used are read, as plain rows through the session's connection: building
    an ORM object per report cost more than the rest of the export."""
    r = m.EEIReport
    stmt = select(
        r.organization_id, r.element_code, r.period, r.reported_at, r.value, r.comment,
        r.validation_state, r.validated_version, r.values_version,
    ).where(r.incident_id == incident_id, r.deleted.is_(False))  # fmt: skip
    if period is not None:
        stmt = stmt.where(r.period <= period)
    best: dict[str, dict[str, Any]] = defaultdict(dict)
    skipped = 0
    with store.read() as s:
        for rep in s.connection().execute(stmt):
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


def _organizations(store: Store, ids: list[str]) -> dict[str, Any]:
    """The facilities' columns the export writes, as plain rows (no ORM objects)."""
    o = m.Organization
    stmt = select(o.id, o.name, o.deleted, o.address, o.town, o.state, o.zip, o.lat, o.lon).where(
        o.id.in_(ids)
    )
    with store.read() as s:
        return {row.id: row for row in s.connection().execute(stmt)}


class _Losses:
    """What an export leaves out, counted per kind, for the export report."""

    def __init__(self) -> None:
        self.no_element: Counter[str] = Counter()
        self.no_value: Counter[tuple[str, str]] = Counter()
        self.comments = 0
        self.cleaned: Counter[str] = Counter()
        self.not_facility = 0

    def lines(self) -> tuple[str, ...]:
        cat = load_catalog()

        def label(code: str) -> str:
            el = cat.elements.get(code)
            return f"{code} ({el.label})" if el else code

        out = [
            f"{label(code)}: no HAVE element; {n} {_facilities(n)} not sent"
            for code, n in sorted(self.no_element.items())
        ]
        out += [
            f"{label(code)} = {value!r}: no HAVE value; {n} {_facilities(n)} not sent"
            for (code, value), n in sorted(self.no_value.items())
        ]
        out += [
            f"{label(code)}: {n} {_facilities(n)} sent without characters XML cannot carry"
            for code, n in sorted(self.cleaned.items())
        ]
        if self.comments:
            out.append(f"comments on {self.comments} reported values: HAVE has no place per value")
        if self.not_facility:
            out.append(f"reports of {self.not_facility} deleted members")
        return tuple(out)


def _facilities(n: int) -> str:
    return "facility's value" if n == 1 else "facilities' values"


def _hospitals(
    latest: dict[str, dict[str, Any]],
    orgs: dict[str, Any],
    maps: dict[str, Mapping],
    level: int,
    used: set[str],
    losses: _Losses,
) -> tuple[list[str], int, int]:
    """The have:Hospital elements at nesting `level`, each preceded by its indentation;
    what cannot be written is counted in `losses`."""
    out: list[str] = []
    hospitals = values = 0
    pad = "\n" + " " * level
    inner = pad + " "
    for org_id in sorted(latest, key=lambda i: (orgs[i].name or "") if i in orgs else i):
        org = orgs.get(org_id)
        if org is None or org.deleted:
            losses.not_facility += 1
            continue
        for code in latest[org_id]:
            if code not in maps:
                losses.no_element[code] += 1
        reports = {c: r for c, r in latest[org_id].items() if c in maps}
        if not reports:
            continue
        tree = _Node("Hospital")
        for code, rep in sorted(reports.items()):
            text = maps[code].to_have(rep.value)
            if text is None:
                losses.no_value[(code, str(rep.value))] += 1
                continue
            if _NOT_XML.search(text):
                losses.cleaned[code] += 1
                text = _NOT_XML.sub("", text)
            if rep.comment:
                losses.comments += 1
            node = tree
            for step in maps[code].steps:
                node = node.child(step.name, step.key, step.value)
            node.text = text
            values += 1
        out += [pad, "<have:Hospital>", inner]
        _organization(out, org, level + 1, used)
        for node in sorted(tree.children.values(), key=lambda n: ORDER["Hospital"].index(n.name)):
            out.append(inner)
            node.write(out, level + 1)
        stamp = max(r.reported_at or "" for r in reports.values())
        out += [inner, _leaf("have:LastUpdateTime", stamp), pad, "</have:Hospital>"]
        hospitals += 1
    return out, hospitals, values


def _root(tag: str, used: set[str]) -> str:
    """The root's start tag with every namespace the document uses, sorted by prefix
    (ElementTree's order)."""
    decls = sorted((_PREFIX[ns], ns) for ns in used)
    return f"<{tag}" + "".join(f' xmlns:{p}="{_attrib(ns)}"' for p, ns in decls) + ">"


def build_have(
    store: Store,
    *,
    incident_id: str | None = None,
    period: int | None = None,
    envelope: bool = False,
) -> tuple[bytes, int, int, int, tuple[str, ...]]:
    """The HAVE document, the facilities and values in it, the reports skipped as not
    validated, and the lines saying what HAVE could not carry."""
    inc = incidents.resolve_incident(store, incident_id)
    maps: dict[str, Mapping] = {mp.element.code: mp for mp in mappings(load_catalog())}
    latest, skipped = _latest_validated(store, inc.id, period)
    orgs = _organizations(store, list(latest))
    used = {HAVE_NS, XNL_NS}
    level = 4 if envelope else 0
    losses = _Losses()
    body, hospitals, values = _hospitals(latest, orgs, maps, level + 1, used, losses)
    if hospitals == 0:
        from hcc_desktop.core.errors import ValidationError

        raise ValidationError(
            "eei", "no validated EEIs to send: validate facility reports before exporting HAVE"
        )
    close = "\n" + " " * level + "</have:HospitalStatus>"
    if envelope:
        used.add(DE_NS)
        head, tail = _envelope(store, exercise=bool(inc.exercise), used=used)
        doc = [head, "<have:HospitalStatus>", *body, close, tail]
    else:
        doc = [_root("have:HospitalStatus", used), *body, close]
    text = "<?xml version='1.0' encoding='utf-8'?>\n" + "".join(doc)
    return text.encode("utf-8"), hospitals, values, skipped, losses.lines()


def _envelope(store: Store, *, exercise: bool, used: set[str]) -> tuple[str, str]:
    """EDXL-DE 1.0 distribution carrying the HAVE document as embedded XML: the text
    before the HAVE root (which sits at nesting level 4) and the text after it."""
    fields = [
        ("distributionID", f"HCC-HAVE-{uuid7(store.wall())}"),
        ("senderID", f"{store.site_id}@hcc-desktop"),
        ("dateTimeSent", from_ms(store.wall())),
        ("distributionStatus", "Exercise" if exercise else "Actual"),
        ("distributionType", "Report"),
        ("combinedConfidentiality", "UNCLASSIFIED AND NOT SENSITIVE"),
    ]
    head = [_root("de:EDXLDistribution", used)]
    head += [f"\n {_leaf('de:' + name, value)}" for name, value in fields]
    head += [
        "\n <de:contentObject>\n  ",
        _leaf("de:contentDescription", "EDXL-HAVE hospital status"),
        "\n  <de:xmlContent>\n   <de:embeddedXMLContent>\n    ",
    ]
    tail = "\n   </de:embeddedXMLContent>\n  </de:xmlContent>\n </de:contentObject>\n"
    return "".join(head), tail + "</de:EDXLDistribution>"


def export_have(
    store: Store,
    out: Path,
    *,
    incident_id: str | None = None,
    period: int | None = None,
    envelope: bool = False,
) -> HaveExport:
    body, hospitals, values, skipped, not_carried = build_have(
        store, incident_id=incident_id, period=period, envelope=envelope
    )
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(body)
    tmp.replace(out)
    return HaveExport(out, hospitals, values, skipped, not_carried)


__all__: list[Any] = ["HaveExport", "build_have", "export_have"]
