"""CAP (Common Alerting Protocol) 1.2 and 1.1 in: one alert, or an Atom/RSS feed of
alerts, to plain data.

Strict about safety (xmlsafe), lenient about shape: a missing optional part is fine,
an unknown namespace version is read by element names, and an Atom feed whose entries
only summarise alerts with cap:* elements (as national weather services publish) is
read from those elements. What could not be understood is said, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from xml.etree.ElementTree import Element

from hcc_desktop.interop.cap_geo import parse_circle, parse_polygon
from hcc_desktop.interop.xmlsafe import (
    CUT,
    MAX_XML,
    Fields,
    XmlRefused,
    child,
    children,
    local,
    parse_xml,
    text,
)

CAP_NAMESPACES = {
    "urn:oasis:names:tc:emergency:cap:1.2": "1.2",
    "urn:oasis:names:tc:emergency:cap:1.1": "1.1",
    "http://www.incident.com/cap/1.0": "1.0",
}
STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")

#: Characters of text kept per element. A real alert's description is a few KB; the
#: store and every station it syncs to would otherwise carry a 50 MB one whole. The
#: cut is said in the alert's warnings. Polygons are not cut (a cut polygon is a
#: different area): theirs is a limit on points, below.
TEXT_CAPS = {
    "description": 64 * 1024,
    "instruction": 64 * 1024,
    "note": 64 * 1024,
    "summary": 64 * 1024,
    "content": 64 * 1024,
    "references": 64 * 1024,
    "polygon": MAX_XML,
}
#: Every other element (identifier, headline, event, ...): a line, not a document.
TEXT_CAP = 4 * 1024
#: Elements that identify an alert: cut, they would name another alert, so refused.
KEY_ELEMENTS = ("identifier", "sender", "sent")
#: Points in all the polygons of one file (a feed of every alert in a country).
MAX_FILE_POINTS = 250_000
_CAP_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


@dataclass
class Area:
    description: str
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)  # (lat, lon)
    circles: list[tuple[float, float, float]] = field(default_factory=list)  # lat, lon, km
    geocodes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Info:
    event: str
    urgency: str | None = None
    severity: str | None = None
    certainty: str | None = None
    categories: list[str] = field(default_factory=list)
    headline: str | None = None
    description: str | None = None
    instruction: str | None = None
    sender_name: str | None = None
    effective: str | None = None
    onset: str | None = None
    expires: str | None = None
    language: str | None = None
    web: str | None = None
    areas: list[Area] = field(default_factory=list)


@dataclass
class CapAlert:
    identifier: str
    sender: str
    sent: str
    status: str
    msg_type: str
    scope: str | None = None
    note: str | None = None
    references: list[str] = field(default_factory=list)  # "sender,identifier,sent"
    infos: list[Info] = field(default_factory=list)
    version: str = "1.2"
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the store (dataclasses.asdict is ten times slower: it deep-copies
        every value, which a feed of a thousand alerts feels)."""
        return {
            "identifier": self.identifier,
            "sender": self.sender,
            "sent": self.sent,
            "status": self.status,
            "msg_type": self.msg_type,
            "scope": self.scope,
            "note": self.note,
            "references": list(self.references),
            "version": self.version,
            "warnings": list(self.warnings),
            "infos": [_info_dict(i) for i in self.infos],
        }

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.identifier, self.sender, self.sent)


def _info_dict(info: Info) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in vars(info).items() if k != "areas"}
    out["categories"] = list(info.categories)
    out["areas"] = [
        {
            "description": a.description,
            "polygons": [[list(p) for p in poly] for poly in a.polygons],
            "circles": [list(c) for c in a.circles],
            "geocodes": [list(g) for g in a.geocodes],
        }
        for a in info.areas
    ]
    return out


def parse_cap_bytes(data: bytes, *, label: str) -> list[CapAlert]:
    """Every alert in a file: a bare alert, or a feed (Atom or RSS) of them."""
    atom = _AtomEntries(label)
    root = parse_xml(data, label=label, text_caps=TEXT_CAPS, text_cap=TEXT_CAP, on_child=atom.child)
    name = local(root.tag)
    if name == "alert":
        alerts = [_alert(root, label)]
    elif name == "feed":
        alerts = atom.alerts()
    elif name in ("rss", "channel"):
        chan = child(root, "channel") if name == "rss" else root
        alerts = _feed(chan if chan is not None else root, label, entry="item")
    else:
        raise XmlRefused(label, f"root element <{name}> is not a CAP alert or a feed of alerts")
    points = sum(len(p) for a in alerts for i in a.infos for ar in i.areas for p in ar.polygons)
    if points > MAX_FILE_POINTS:
        raise XmlRefused(
            label,
            f"its polygons hold {points} points in all; at most {MAX_FILE_POINTS} are read "
            "from one file",
        )
    return alerts


def _cuts(el: Element, label: str, where: str) -> list[str]:
    """What the capped parse cut inside `el`, as notes; a cut key element refuses."""
    notes = []
    for node in el.iter():
        seen = node.get(CUT)
        if seen is None:
            continue
        name = local(node.tag)
        cap = TEXT_CAPS.get(name, TEXT_CAP)
        if name in KEY_ELEMENTS:
            raise XmlRefused(label, f"{where}: <{name}> is {seen} characters; at most {cap}")
        notes.append(f"{where}: <{name}> of {seen} characters cut to its first {cap}")
    return notes


def check_time(raw: str | None) -> str | None:
    """Why `raw` is not a CAP date and time with its zone, or None when it is one."""
    if raw is None:
        return None
    if not _CAP_TIME.fullmatch(raw):
        return f"{raw[:60]!r} is not a date and time like 2026-11-17T15:00:00-05:00"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return f"{raw[:60]!r} is not a real date and time"
    if moment.tzinfo is None:
        return f"{raw[:60]!r} has no time zone (like -05:00), so the moment is unknown"
    return None


def _required_time(f: Fields, name: str, label: str, where: str) -> str:
    value = _required(f, name, label, where)
    problem = check_time(value)
    if problem:
        raise XmlRefused(label, f"{where}: <{name}> {problem}")
    return value


def _optional_time(f: Fields, name: str, where: str, warnings: list[str]) -> str | None:
    """An optional time that cannot be read is left out, and the note says so: a
    guessed expiry would keep an area on the map, or take it off, at the wrong time."""
    value = f.text(name)
    problem = check_time(value)
    if problem:
        warnings.append(f"{where}: <{name}> {problem}; ignored")
        return None
    return value


def _required(el: Fields, name: str, label: str, where: str) -> str:
    value = el.text(name)
    if not value:
        raise XmlRefused(label, f"{where}: <{name}> is missing")
    return value


def _alert(el: Element, label: str, where: str = "alert") -> CapAlert:
    f = Fields(el)
    ns = el.tag[1:].split("}", 1)[0] if el.tag.startswith("{") else ""
    version = CAP_NAMESPACES.get(ns, "")
    warnings = (
        [] if version else [f"{where}: namespace {ns or 'none'} is not CAP 1.x; read by names"]
    )
    alert = CapAlert(
        identifier=_required(f, "identifier", label, where),
        sender=_required(f, "sender", label, where),
        sent=_required_time(f, "sent", label, where),
        status=_required(f, "status", label, where),
        msg_type=_required(f, "msgType", label, where),
        scope=f.text("scope"),
        note=f.text("note"),
        references=(f.text("references") or "").split(),
        version=version or "?",
        warnings=warnings,
    )
    alert.warnings.extend(_cuts(el, label, where))
    if alert.status not in STATUSES:
        alert.warnings.append(f"{where}: status {alert.status!r} is not a CAP status")
    if alert.msg_type not in MSG_TYPES:
        alert.warnings.append(f"{where}: msgType {alert.msg_type!r} is not a CAP message type")
    for i, info in enumerate(f.children("info"), start=1):
        alert.infos.append(_info(info, label, f"{where} info {i}", alert.warnings))
    return alert


def _info(el: Element, label: str, where: str, warnings: list[str]) -> Info:
    f = Fields(el)
    info = Info(
        event=f.text("event") or "(no event given)",
        urgency=f.text("urgency"),
        severity=f.text("severity"),
        certainty=f.text("certainty"),
        categories=[c.text.strip() for c in f.children("category") if c.text],
        headline=f.text("headline"),
        description=f.text("description"),
        instruction=f.text("instruction"),
        sender_name=f.text("senderName"),
        effective=_optional_time(f, "effective", where, warnings),
        onset=_optional_time(f, "onset", where, warnings),
        expires=_optional_time(f, "expires", where, warnings),
        language=f.text("language"),
        web=f.text("web"),
    )
    for a in f.children("area"):
        info.areas.append(_area(a, label, where))
    return info


def _area(el: Element, label: str, where: str) -> Area:
    f = Fields(el)
    area = Area(description=f.text("areaDesc") or "")
    for p in f.children("polygon"):
        area.polygons.append(parse_polygon(p.text or "", label, where))
    for c in f.children("circle"):
        area.circles.append(parse_circle(c.text or "", label, where))
    for g in f.children("geocode"):
        gf = Fields(g)
        name, value = gf.text("valueName"), gf.text("value")
        if name and value:
            area.geocodes.append((name, value))
    return area


# ------------------------------------------------------------------ feeds


def _feed(root: Element, label: str, *, entry: str) -> list[CapAlert]:
    alerts = [
        _feed_item(item, label, f"{entry} {i}")
        for i, item in enumerate(children(root, entry), start=1)
    ]
    if not alerts:
        raise XmlRefused(label, "the feed holds no alerts")
    return alerts


def _feed_item(item: Element, label: str, where: str) -> CapAlert:
    embedded = _find_alert(item)
    if embedded is not None:
        return _alert(embedded, label, where)
    if any(local(c.tag) in ("event", "msgType", "areaDesc") for c in item):
        return _summary_entry(item, label, where)
    raise XmlRefused(label, f"{where}: neither a CAP alert nor CAP summary elements")


class _AtomEntries:
    """Reads an Atom feed's entries as the parse completes each one (`parse_xml`'s
    `on_child`), so the feed is never held whole as elements. The same alerts, the
    same order and the same refusals as `_feed` on the whole tree: the first entry
    that cannot be read stops the reading, and its error is raised only once the
    whole file has parsed (a file that is not well-formed is refused as that)."""

    __slots__ = ("_alerts", "_error", "_label")

    def __init__(self, label: str) -> None:
        self._label = label
        self._alerts: list[CapAlert] = []
        self._error: Exception | None = None

    def child(self, root: Element, el: Element) -> bool:
        if local(root.tag) != "feed" or local(el.tag) != "entry":
            return False
        if self._error is None:
            where = f"entry {len(self._alerts) + 1}"
            try:
                self._alerts.append(_feed_item(el, self._label, where))
            except Exception as exc:  # raised by alerts(), after the parse
                self._error = exc
        return True

    def alerts(self) -> list[CapAlert]:
        if self._error is not None:
            raise self._error
        if not self._alerts:
            raise XmlRefused(self._label, "the feed holds no alerts")
        return self._alerts


def _find_alert(el: Element) -> Element | None:
    for node in el.iter():
        if node is not el and local(node.tag) == "alert":
            return node
    return None


def _summary_entry(item: Element, label: str, where: str) -> CapAlert:
    """An Atom entry that carries cap:* summary elements instead of a whole alert."""
    f = Fields(item)
    ident = f.text("id") or f.text("guid") or f.text("identifier")
    sender = f.text("sender") or _author(item) or "unknown sender"
    sent = f.text("sent") or f.text("published") or f.text("updated")
    sent = sent or f.text("pubDate")
    if not ident or not sent:
        raise XmlRefused(label, f"{where}: no id or no time to identify the alert")
    name = next(n for n in ("sent", "published", "updated", "pubDate") if f.text(n) == sent)
    if check_time(sent) and not _rfc822(sent):
        raise XmlRefused(label, f"{where}: <{name}> {check_time(sent)}")
    warnings = _cuts(item, label, where)
    info = Info(
        event=f.text("event") or f.text("title") or "(no event given)",
        urgency=f.text("urgency"),
        severity=f.text("severity"),
        certainty=f.text("certainty"),
        headline=f.text("title"),
        description=f.text("summary") or f.text("description"),
        effective=_optional_time(f, "effective", where, warnings),
        onset=_optional_time(f, "onset", where, warnings),
        expires=_optional_time(f, "expires", where, warnings),
    )
    area = Area(description=f.text("areaDesc") or "")
    poly = f.text("polygon")
    if poly:
        area.polygons.append(parse_polygon(poly, label, where))
    geo = f.child("geocode")
    if geo is not None:
        names = [n.text or "" for n in children(geo, "valueName")]
        values = [v.text or "" for v in children(geo, "value")]
        for name, value in zip(names, values, strict=False):
            area.geocodes.extend((name.strip(), v) for v in value.split())
    if area.description or area.polygons or area.geocodes:
        info.areas.append(area)
    return CapAlert(
        identifier=ident,
        sender=sender,
        sent=sent,
        status=f.text("status") or "Actual",
        msg_type=f.text("msgType") or "Alert",
        scope=f.text("scope"),
        infos=[info],
        version="feed",
        warnings=[f"{where}: read from the feed's summary, not a whole CAP alert", *warnings],
    )


def _rfc822(raw: str) -> bool:
    """RSS dates ("Tue, 17 Nov 2026 20:00:00 GMT") identify a summary entry too."""
    try:
        return parsedate_to_datetime(raw).tzinfo is not None
    except (TypeError, ValueError, IndexError):
        return False


def _author(item: Element) -> str | None:
    author = child(item, "author")
    return text(author, "name") if author is not None else None
