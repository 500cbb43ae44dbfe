"""The `.hccsync` package format (SYNC.md "Package file"): names, caps, and the strict
encoding of one version per NDJSON line."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from functools import lru_cache, partial
from hashlib import sha256
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from sys import intern
from typing import Any, NamedTuple

from sqlalchemy import JSON, Boolean, Float, Integer, String

from hcc_desktop.core.entities import ENTITIES, Unit
from hcc_desktop.core.ids import canonical_atom, canonical_json

FORMAT = "hccsync/1"
FORMAT_MAJOR = 1
MANIFEST = "manifest.json"
CHANGES = "changes.ndjson"
SIGNATURE = "manifest.sig"
MEMBERS = (MANIFEST, CHANGES, SIGNATURE)

MAX_FILE = 256 * 1024 * 1024
MAX_MEMBER = 512 * 1024 * 1024
MAX_MANIFEST = 4 * 1024 * 1024
MAX_SIGNATURE = 4 * 1024
MAX_LINE = 1024 * 1024
MAX_TEXT = 64 * 1024
MAX_DEPTH = 32

#: SQLite integers are signed 64-bit; a larger number cannot be stored in a column.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
SITE_ID = re.compile(r"[a-z2-7]{16}")
VERSION_ID = re.compile(r"[0-9a-f]{64}")

LINE_KEYS = frozenset(
    {"id", "entity", "record_id", "unit", "value", "hlc", "site", "parent", "operator", "resolves"}
)


def version_line(row: Any) -> bytes:
    """One stored version as its package line (value as JSON, not as text, so the line
    is readable and strictly typed).

    The stored value is already canonical JSON (version ids are hashed over it), and
    "value" sorts last among the line's keys, so the value text is spliced in as it is
    rather than decoded and encoded again for every line of an export."""
    return line_of(
        row.id, row.entity, row.record_id, row.unit, row.value, row.hlc,
        row.site_id, row.parent_id, row.operator, row.resolves,
    )  # fmt: skip


def line_of(
    vid: str,
    entity: str,
    record_id: str,
    unit: str,
    value: str,
    hlc: int,
    site_id: str,
    parent_id: str | None,
    operator: str | None,
    resolves: str | None,
) -> bytes:
    """`version_line` of a row given as its columns: the canonical JSON object (sorted
    keys, no spaces) written out directly, with the same bytes `canonical_json` gives,
    because an export writes one per version and the general encoder was most of it."""
    enc, a = encode_basestring, canonical_atom
    vid_j = enc(vid) if type(vid) is str else a(vid)
    record_j = enc(record_id) if type(record_id) is str else a(record_id)
    parent_j = "null" if parent_id is None else a(parent_id)
    hlc_j = int.__repr__(hlc) if type(hlc) is int else a(hlc)
    res_j = canonical_json(json.loads(resolves)) if resolves else "null"
    return (
        f'{{"entity":{_shared(entity)},"hlc":{hlc_j},"id":{vid_j},'
        f'"operator":{_shared(operator)},"parent":{parent_j},"record_id":{record_j},'
        f'"resolves":{res_j},"site":{_shared(site_id)},"unit":{_shared(unit)},"value":{value}}}\n'
    ).encode()


#: `canonical_atom` of the values that repeat on most lines of a package (entity,
#: unit, site, operator), remembered: an export writes them once per version.
_shared = lru_cache(maxsize=4096)(canonical_atom)


class LineError(ValueError):
    """What is wrong with one line; the importer adds file and line number."""


def _refuse_constant(name: str) -> Any:
    raise LineError(f"{name} is not allowed")


def _finite_float(literal: str) -> float:
    """json's float hook: 1e999 would otherwise arrive as infinity."""
    number = float(literal)
    if not math.isfinite(number):
        raise LineError("a number is not finite")
    return number


def _depth_and_text(value: Any) -> None:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LineError(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, str):
            if len(item) > MAX_TEXT:
                raise LineError(f"a text field is longer than {MAX_TEXT // 1024} KiB")
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise LineError("a number is not finite")
        elif isinstance(item, dict):
            for k, v in item.items():
                stack.append((k, depth + 1))
                stack.append((v, depth + 1))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


Check = Callable[[Any], bool]


def _is_text(v: Any) -> bool:
    return v is None or isinstance(v, str)


def _is_int(v: Any) -> bool:
    return v is None or (isinstance(v, int) and not isinstance(v, bool) and INT_MIN <= v <= INT_MAX)


def _is_number(v: Any) -> bool:
    return v is None or isinstance(v, float) or _is_int(v)


def _is_bool(v: Any) -> bool:
    return v is None or isinstance(v, bool)


def _any(v: Any) -> bool:
    return True


def _column_check(column: Any) -> tuple[Check, str]:
    """What a domain column accepts, from its SQL type: a value of another type would
    either fail inside the import transaction or be stored as something nobody
    entered."""
    kind = column.type
    if isinstance(kind, JSON):
        return _any, "any JSON"
    if isinstance(kind, Boolean):
        return _is_bool, "true, false or null"
    if isinstance(kind, Integer):
        return _is_int, "a 64-bit whole number or null"
    if isinstance(kind, Float):
        return _is_number, "a number or null"
    if isinstance(kind, String):
        return _is_text, "text or null"
    return _any, "any JSON"


def _unit_checks(unit: Unit, table: Any) -> dict[str, tuple[Check, str]]:
    return {c: _column_check(table.c[c]) for c in unit.columns}


#: Per (entity, unit): the check of each column its value sets.
UNIT_CHECKS: dict[tuple[str, str], dict[str, tuple[Check, str]]] = {
    (name, unit_name): _unit_checks(unit, ent.table)
    for name, ent in ENTITIES.items()
    for unit_name, unit in ent.units.items()
}


#: Group units all of whose columns take text or null: `check_value` tests their values
#: in one loop (decoded JSON text is exactly `str`; anything else takes the full path).
_TEXT_GROUPS = frozenset(
    key
    for key, checks in UNIT_CHECKS.items()
    if ENTITIES[key[0]].units[key[1]].group and all(c[0] is _is_text for c in checks.values())
)


def check_value(entity: str, unit_name: str, value: Any) -> None:
    """The value of a version must fit the columns its unit sets (SYNC.md: lines are
    strictly typed). Runs once per line of an import, so the common case (every field
    known, text fields holding text) takes no lists or sets."""
    checks = UNIT_CHECKS[(entity, unit_name)]
    if (
        type(value) is dict
        and (entity, unit_name) in _TEXT_GROUPS
        and value.keys() <= checks.keys()
    ):
        # A group of text columns (a log entry): text or null in each, nothing else.
        for item in value.values():
            if item is not None and type(item) is not str:
                break
        else:
            return
    unit = ENTITIES[entity].units[unit_name]
    if unit.group:
        if value is None:
            return
        if not isinstance(value, dict):
            raise LineError(f"value: {entity}.{unit_name} expects an object or null")
        if not value.keys() <= checks.keys():
            extra = sorted(set(value) - set(checks))
            raise LineError(f"value: {entity}.{unit_name} has no field {extra[0]!r}")
        for key, item in value.items():
            ok, expected = checks[key]
            if ok is _is_text:
                if item is None or isinstance(item, str):
                    continue
            elif ok(item):
                continue
            raise LineError(f"value: {entity}.{key} expects {expected}")
        return
    ok, expected = checks[unit_name]
    if not ok(value):
        raise LineError(f"value: {entity}.{unit_name} expects {expected}")


def _text(body: dict[str, Any], key: str, *, optional: bool = False, limit: int = 200) -> Any:
    value = body[key]
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise LineError(f"{key}: expected text of 1 to {limit} characters")
    return value


class Line(NamedTuple):
    """One checked line, as the `versions` row it becomes. A tuple rather than a dict:
    an import holds every line of the package until its transaction, and a tuple is a
    third of a dict's size."""

    id: str
    entity: str
    record_id: str
    unit: str
    value: str
    hlc: int
    site_id: str
    parent_id: str | None
    operator: str | None
    resolves: str | None

    def row(self) -> dict[str, Any]:
        """The `versions` row (imported versions belong to no local change set)."""
        return {**self._asdict(), "change_id": None}

    def as_version(self) -> tuple[Any, ...]:
        """The same row as a tuple in `versions.VERSION_KEYS` order: the fields of this
        tuple are those keys, in that order, then `change_id`."""
        return (*self, None)


#: One decoder for every line: json.loads with hooks builds a new decoder (and its
#: scanner) per call, which cost more than decoding a short line.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


#: (entity, unit) of every merge unit whose names pass the entity and unit text checks:
#: one set look-up answers all three for the usual line (see `parse_line`).
_KNOWN_UNITS = frozenset(
    (name, unit)
    for name, ent in ENTITIES.items()
    for unit in ent.units
    if 0 < len(name) <= 30 and 0 < len(unit) <= 40
)
_SITE_MATCH = SITE_ID.fullmatch
_VERSION_MATCH = VERSION_ID.fullmatch
_new_line = partial(tuple.__new__, Line)


def _text_fields(body: dict[str, Any]) -> tuple[str, str, str, str, str | None, str | None]:
    """Entity, unit, record id, site, parent and operator, checked one by one in this
    order, so that a line with several faults is refused for the first of them."""
    entity = _text(body, "entity", limit=30)
    unit = _text(body, "unit", limit=40)
    ent = ENTITIES.get(entity)
    if ent is None or unit not in ent.units:
        raise LineError(f"unknown merge unit {entity}.{unit}")
    record_id = _text(body, "record_id", limit=36)
    site = _text(body, "site", limit=40)
    if not SITE_ID.fullmatch(site):
        raise LineError("site: expected a site id")
    parent = _text(body, "parent", optional=True, limit=64)
    if parent is not None and not VERSION_ID.fullmatch(parent):
        raise LineError("parent: expected a version id")
    operator = _text(body, "operator", optional=True, limit=200)
    return entity, unit, record_id, site, parent, operator


_scan = _DECODER.scan_once  # type: ignore[attr-defined]  # the C scanner json.loads uses


def _value_encoder() -> Callable[[Any], str]:
    """`canonical_json` for decoded JSON (an import encodes every line's value again).
    `canonical_json` builds a C encoder object and a closure on every call; this keeps
    one C encoder with the same settings (sorted keys, "," and ":", text as it is,
    NaN refused) and no circular-reference bookkeeping, which decoded JSON cannot
    need. Where the C encoder is missing, or ever encodes differently, canonical_json
    is used as it is."""
    if c_make_encoder is None:
        return canonical_json
    encoder = c_make_encoder(None, None, encode_basestring, None, ":", ",", True, False, False)

    def encode(value: Any) -> str:
        return "".join(encoder(value, 0))

    sample = {"b": [1, 2.5, -0.0, 1e300, None, True, 'é\n\u2028"\\'], "a": {"z": "", "y": False}}
    return encode if encode(sample) == canonical_json(sample) else canonical_json


_encode_value = _value_encoder()


def _decoded(text: str) -> Any:
    """`_DECODER.decode(text)`, with the usual line (no white space around the object)
    read by the scanner directly: `decode` also matches white space at both ends with
    regular expressions, once per line of an import. Anything the scanner does not
    read to the very end goes through `decode`, which refuses it with its own words."""
    try:
        body, end = _scan(text, 0)
    except (StopIteration, json.JSONDecodeError):
        end = -1
    if end != len(text):
        return _DECODER.decode(text)
    return body


def parse_line(raw: bytes) -> Line:
    """Decode and check one line; returns the row to insert into `versions`.

    Runs once per line of an import (100,000 for a first exchange), so the usual line
    is checked by a few direct tests that accept exactly what the step-by-step checks
    accept (`_text_fields`, which also says what is wrong with any other line), and its
    version id is hashed from text written here (the same bytes as `version_id`)."""
    if len(raw) > MAX_LINE:
        raise LineError(f"longer than {MAX_LINE // 2**20} MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LineError("not valid UTF-8") from None
    containers = text.count("[") + text.count("{")
    if containers > 10_000:
        raise LineError(f"nested deeper than {MAX_DEPTH} levels")
    if text.startswith("\ufeff"):  # what json.loads refuses before decoding
        raise LineError("not JSON (Unexpected UTF-8 BOM (decode using utf-8-sig))")
    try:
        body = _decoded(text)
    except RecursionError:
        raise LineError(f"nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise LineError(f"not JSON ({exc.msg})") from None
    if type(body) is not dict or body.keys() != LINE_KEYS:
        raise LineError("expected an object with exactly the keys " + ", ".join(sorted(LINE_KEYS)))
    if len(text) > MAX_TEXT or containers >= MAX_DEPTH:
        # Only a line this long can hold a text field over the cap, and only one with
        # this many brackets can nest past the depth cap (brackets inside strings
        # count too, which only sends a harmless line the slow way). Most lines are
        # short and flat: walking each one cost a fifth of a large import.
        _depth_and_text(body)
    entity = body["entity"]
    unit = body["unit"]
    record_id = body["record_id"]
    site = body["site"]
    parent = body["parent"]
    operator = body["operator"]
    # Decoded JSON text is exactly `str`, so `type(x) is str` is `_text`'s isinstance;
    # a site or version id that matches its pattern has a length within the limits.
    if not (
        type(entity) is str
        and type(unit) is str
        and (entity, unit) in _KNOWN_UNITS
        and type(record_id) is str
        and 0 < len(record_id) <= 36
        and type(site) is str
        and _SITE_MATCH(site)
        and (parent is None or (type(parent) is str and _VERSION_MATCH(parent)))
        and (operator is None or (type(operator) is str and 0 < len(operator) <= 200))
    ):
        entity, unit, record_id, site, parent, operator = _text_fields(body)
    hlc = body["hlc"]
    if type(hlc) is not int or not 0 < hlc < 2**63:  # JSON's true and false are bool
        raise LineError("hlc: expected a positive 64-bit integer")
    resolves = body["resolves"]
    if resolves is not None:
        if (
            not isinstance(resolves, list)
            or not resolves
            or not all(isinstance(r, str) and VERSION_ID.fullmatch(r) for r in resolves)
        ):
            raise LineError("resolves: expected a list of version ids")
        resolves_text: str | None = canonical_json(sorted(resolves))
    else:
        resolves_text = None
    value = body["value"]
    check_value(entity, unit, value)
    value_text = _encode_value(value)
    # `version_id`'s text: canonical JSON of the nine fields as a list.
    e = encode_basestring
    hashed = (
        f"[{e(entity)},{e(record_id)},{e(unit)},{e(value_text)},{int.__repr__(hlc)},"
        f"{e(site)},{'null' if parent is None else e(parent)},"
        f"{'null' if operator is None else e(operator)},"
        f"{'null' if resolves_text is None else e(resolves_text)}]"
    )
    try:
        vid = sha256(hashed.encode("utf-8")).hexdigest()
    except UnicodeEncodeError:
        # JSON may escape a lone surrogate ("\ud800"), which is no character at all.
        raise LineError("text is not valid Unicode (a lone surrogate)") from None
    if body["id"] != vid:
        raise LineError("id does not match the version's content")
    # Entity, unit, site and operator repeat on most lines of a package: one shared
    # string each instead of one per line (a 100,000-line import holds every line).
    return _new_line(
        (
            vid,
            intern(entity),
            record_id,
            intern(unit),
            value_text,
            hlc,
            intern(site),
            parent,
            None if operator is None else intern(operator),
            resolves_text,
        )
    )
