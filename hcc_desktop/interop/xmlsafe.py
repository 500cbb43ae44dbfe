"""Hardened XML parsing for files from outside: no DTDs, no entities, no network, a
size cap, and errors that name the file and the line.

Real-world files declare other encodings or carry a byte-order mark; the parser is
given bytes so it honours both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from hcc_desktop.core.errors import HccError

MAX_XML = 50 * 1024 * 1024
#: The attribute a capped parse puts on an element whose text it cut: the length the
#: text had, so the reader can say what was cut (no file can carry it: "{}" is not a
#: legal XML name).
CUT = "{}cut-from"


class XmlRefused(HccError):
    """A file that is not safe or not well-formed XML; nothing was imported."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


def read_capped(path: Path, cap: int = MAX_XML) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise XmlRefused(str(path), f"cannot read the file ({exc.strerror})") from None
    if size > cap:
        raise XmlRefused(str(path), f"{size} bytes; at most {cap // 2**20} MiB are read")
    return path.read_bytes()


class _CappedText:
    """A parser target that keeps at most `caps[name]` (else `default`) characters of
    each element's text and notes on the element (attribute CUT) how long it was: a
    50 MB description would otherwise be held whole, then copied into the store."""

    def __init__(
        self,
        caps: Mapping[str, int],
        default: int,
        on_child: Callable[[Element, Element], bool] | None = None,
    ) -> None:
        self._tb = TreeBuilder()
        self._caps = caps
        self._default = default
        self._open: list[list[Any]] = []  # [limit, characters seen]
        self._on_child = on_child
        self._root: Element | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self._open.append([self._caps.get(local(tag), self._default), 0])
        el = self._tb.start(tag, attrs)
        if self._root is None:
            self._root = el
        return el

    def data(self, chunk: str) -> None:
        if self._open:
            top = self._open[-1]
            limit, seen = top
            top[1] = now = seen + len(chunk)
            if now > limit:
                chunk = chunk[: max(0, limit - seen)]
        if chunk:
            self._tb.data(chunk)

    def end(self, tag: str) -> Element:
        limit, seen = self._open.pop()
        el = self._tb.end(tag)
        if seen > limit:
            el.set(CUT, str(seen))
        if self._on_child is not None and len(self._open) == 1:
            root = self._root
            if root is not None and self._on_child(root, el):
                root.remove(el)
        return el

    def close(self) -> Element:
        return self._tb.close()


def parse_xml(
    data: bytes,
    *,
    label: str,
    text_caps: Mapping[str, int] | None = None,
    text_cap: int = MAX_XML,
    on_child: Callable[[Element, Element], bool] | None = None,
) -> Element:
    """Parse or refuse with the reason: DTDs and entities are refused outright (they
    are how billion-laughs and external-entity attacks arrive). With `text_caps`
    (element name → characters; `text_cap` for the others) no element keeps more
    text than that, and a cut element says so in its CUT attribute.

    `on_child(root, element)` (with `text_caps` only) is called as each child of the
    root element is complete (its text capped); when it returns True the child is
    taken out of the tree. A feed is read entry by entry so: a thousand alerts are
    never all held as elements at once, which cost more in garbage collection than
    their parse. The callback must not raise: an error in it would stop the parse,
    and a malformed file is to be refused as such whatever its entries hold."""
    if len(data) > MAX_XML:
        raise XmlRefused(label, f"larger than {MAX_XML // 2**20} MiB")
    try:
        if text_caps is None:
            return DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        parser = DET.DefusedXMLParser(
            target=_CappedText(text_caps, text_cap, on_child),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        parser.feed(data)
        return parser.close()
    except DefusedXmlException as exc:
        kind = type(exc).__name__
        reason = {
            "DTDForbidden": "contains a DTD (document type declaration), refused for safety",
            "EntitiesForbidden": "declares XML entities, refused for safety",
            "ExternalReferenceForbidden": "refers to external resources, refused for safety",
        }.get(kind, f"refused for safety ({kind})")
        raise XmlRefused(label, reason) from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise XmlRefused(label, f"line {line}, column {col}: not well-formed XML") from None
    except (ValueError, LookupError) as exc:  # unknown encoding name and the like
        raise XmlRefused(label, f"cannot be decoded ({exc})") from None


@lru_cache(maxsize=4096)
def local(tag: str) -> str:
    """Element name without its namespace: files in the wild vary in namespaces.
    Remembered per tag: a feed repeats a few dozen tags thousands of times."""
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def child(el: Element, name: str) -> Element | None:
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def children(el: Element, name: str) -> list[Element]:
    return [c for c in el if local(c.tag) == name]


def text(el: Element, name: str) -> str | None:
    return _clean(child(el, name), name)


def _clean(c: Element | None, name: str) -> str | None:
    if c is None or c.text is None:
        return None
    value = (
        " ".join(c.text.split()) if name not in ("description", "instruction") else c.text.strip()
    )
    return value or None


class Fields:
    """An element's children by local name, indexed in one pass: reading a CAP alert
    asks for twenty-odd children by name, and walking the children for each was most
    of the parse. Same answers as `child`, `children` and `text`."""

    __slots__ = ("_by",)

    def __init__(self, el: Element) -> None:
        by: dict[str, list[Element]] = {}
        for c in el:
            name = local(c.tag)
            found = by.get(name)
            if found is None:
                by[name] = [c]
            else:
                found.append(c)
        self._by = by

    def child(self, name: str) -> Element | None:
        found = self._by.get(name)
        return found[0] if found else None

    def children(self, name: str) -> list[Element]:
        return list(self._by.get(name, ()))

    def text(self, name: str) -> str | None:
        # `_clean(self.child(name), name)` written out: a feed asks this ~25 times an
        # alert, and the two calls were a fifth of reading the alert.
        found = self._by.get(name)
        raw = found[0].text if found else None
        if raw is None:
            return None
        if name in ("description", "instruction"):
            return raw.strip() or None
        return " ".join(raw.split()) or None

    def has_any(self, names: tuple[str, ...]) -> bool:
        return any(n in self._by for n in names)
