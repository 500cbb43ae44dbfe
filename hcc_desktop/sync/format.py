"""The `.hccsync` package format (SYNC.md "Package file"): names, caps, and the strict
encoding of one version per NDJSON line."""

from __future__ import annotations

import json
import math
from typing import Any

from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.ids import canonical_json
from hcc_desktop.core.versions import version_id

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

LINE_KEYS = frozenset(
    {"id", "entity", "record_id", "unit", "value", "hlc", "site", "parent", "operator", "resolves"}
)


def version_line(row: Any) -> bytes:
    """One stored version as its package line (value as JSON, not as text, so the line
    is readable and strictly typed)."""
    body = {
        "id": row.id,
        "entity": row.entity,
        "record_id": row.record_id,
        "unit": row.unit,
        "value": json.loads(row.value),
        "hlc": row.hlc,
        "site": row.site_id,
        "parent": row.parent_id,
        "operator": row.operator,
        "resolves": json.loads(row.resolves) if row.resolves else None,
    }
    return canonical_json(body).encode("utf-8") + b"\n"


class LineError(ValueError):
    """What is wrong with one line; the importer adds file and line number."""


def _refuse_constant(name: str) -> Any:
    raise LineError(f"{name} is not allowed")


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


def _text(body: dict[str, Any], key: str, *, optional: bool = False, limit: int = 200) -> Any:
    value = body[key]
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise LineError(f"{key}: expected text of 1 to {limit} characters")
    return value


def parse_line(raw: bytes) -> dict[str, Any]:
    """Decode and check one line; returns the row to insert into `versions`."""
    if len(raw) > MAX_LINE:
        raise LineError(f"longer than {MAX_LINE // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LineError("not valid UTF-8") from None
    if text.count("[") + text.count("{") > 10_000:
        raise LineError(f"nested deeper than {MAX_DEPTH} levels")
    try:
        body = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise LineError(f"nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise LineError(f"not JSON ({exc.msg})") from None
    if not isinstance(body, dict) or set(body) != LINE_KEYS:
        raise LineError("expected an object with exactly the keys " + ", ".join(sorted(LINE_KEYS)))
    _depth_and_text(body)
    entity = _text(body, "entity", limit=30)
    unit = _text(body, "unit", limit=40)
    ent = ENTITIES.get(entity)
    if ent is None or unit not in ent.units:
        raise LineError(f"unknown merge unit {entity}.{unit}")
    record_id = _text(body, "record_id", limit=36)
    site = _text(body, "site", limit=40)
    parent = _text(body, "parent", optional=True, limit=64)
    operator = _text(body, "operator", optional=True, limit=200)
    hlc = body["hlc"]
    if not isinstance(hlc, int) or isinstance(hlc, bool) or not 0 < hlc < 2**63:
        raise LineError("hlc: expected a positive 64-bit integer")
    resolves = body["resolves"]
    if resolves is not None:
        if (
            not isinstance(resolves, list)
            or not resolves
            or not all(isinstance(r, str) and len(r) == 64 for r in resolves)
        ):
            raise LineError("resolves: expected a list of version ids")
        resolves_text: str | None = canonical_json(sorted(resolves))
    else:
        resolves_text = None
    value_text = canonical_json(body["value"])
    vid = version_id(
        entity=entity,
        record_id=record_id,
        unit=unit,
        value=value_text,
        hlc=hlc,
        site_id=site,
        parent_id=parent,
        operator=operator,
        resolves=resolves_text,
    )
    if body["id"] != vid:
        raise LineError("id does not match the version's content")
    return {
        "id": vid,
        "entity": entity,
        "record_id": record_id,
        "unit": unit,
        "value": value_text,
        "hlc": hlc,
        "site_id": site,
        "parent_id": parent,
        "operator": operator,
        "resolves": resolves_text,
        "change_id": None,
    }
