"""Identifiers and canonical encodings.

Records get UUIDv7 (time-ordered, so indexes stay append-friendly) unless a natural key
exists, in which case UUIDv5 makes two stations entering the same fact produce the same
record. Version ids are content hashes so the same version is the same everywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from json.encoder import encode_basestring
from typing import Any

#: Namespace of every UUIDv5 this program derives. Never change it: ids in the field
#: depend on it.
NAMESPACE = uuid.UUID("6f1d0c2e-6b8a-5c8e-9a55-2f0a8d6c4b11")


def uuid7(now_ms: int | None = None) -> str:
    """A UUIDv7 string (RFC 9562): 48-bit Unix milliseconds, then random bits."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 68) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    h = f"{value:032x}"  # formatted directly: uuid.UUID costs as much as the rest
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def natural_id(kind: str, *parts: str | int) -> str:
    """UUIDv5 of a record kind and its natural key parts."""
    name = "\x1f".join([kind, *(str(p) for p in parts)])
    return str(uuid.uuid5(NAMESPACE, name))


_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(obj: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text, NaN refused: the same data gives the same text.
    (One encoder for all calls: json.dumps with options builds a new one each time.)"""
    return _CANONICAL.encode(obj)


def canonical_atom(x: object) -> str:
    """One text, whole number or null exactly as `canonical_json` writes it (anything
    else through `canonical_json` itself). Hot paths that write flat lists and objects
    of such values (version ids, package lines) splice these instead of running the
    general encoder once per row, which cost more than the rest of the row's work."""
    if type(x) is str:
        return encode_basestring(x)
    if x is None:
        return "null"
    if type(x) is int:
        return int.__repr__(x)
    if x is True or x is False:
        return "true" if x else "false"
    return canonical_json(x)


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()
