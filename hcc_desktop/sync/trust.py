"""Stations and trust: public-key files, fingerprints compared by phone or on paper,
trust and revocation. Trust is local to each station and never synchronised."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.station import fingerprint, site_id_for
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.sync.errors import KeyFileError

KEY_FORMAT = "hcc-station-key/1"
MAX_KEY_FILE = 64 * 1024


@dataclass(frozen=True)
class StationInfo:
    site_id: str
    name: str
    fingerprint: str
    is_self: bool
    trusted: bool
    revoked: bool


def _info(row: m.Station) -> StationInfo:
    return StationInfo(
        row.site_id, row.name, row.fingerprint or "", row.is_self, row.trusted, row.revoked
    )


def this_station(store: Store) -> StationInfo:
    with store.read() as s:
        return _info(s.get_one(m.Station, store.site_id))


def list_stations(store: Store) -> list[StationInfo]:
    with store.read() as s:
        rows = s.scalars(select(m.Station).order_by(m.Station.is_self.desc(), m.Station.name))
        return [_info(r) for r in rows]


def export_key(store: Store, out: Path) -> None:
    """Write this station's public key file (safe to hand to anyone)."""
    body = {
        "format": KEY_FORMAT,
        "name": store.station_name,
        "site_id": store.site_id,
        "public_key": store.identity.public_key_b64,
        "fingerprint": store.identity.fingerprint,
    }
    out.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class KeyFile:
    name: str
    site_id: str
    public_key: bytes
    fingerprint: str


def read_key_file(path: Path) -> KeyFile:
    """Parse and check a public-key file; the site id must derive from the key."""
    label = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{label}: cannot read ({exc.strerror})") from None
    if len(raw) > MAX_KEY_FILE:
        raise KeyFileError(f"{label}: too large for a station key file")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KeyFileError(f"{label}: not a station key file (expected JSON)") from None
    if not isinstance(data, dict) or data.get("format") != KEY_FORMAT:
        raise KeyFileError(f"{label}: format: expected {KEY_FORMAT!r}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        raise KeyFileError(f"{label}: name: expected the station's name")
    try:
        key = base64.b64decode(str(data.get("public_key")), validate=True)
    except ValueError:
        raise KeyFileError(f"{label}: public_key: expected base64") from None
    if len(key) != 32:
        raise KeyFileError(f"{label}: public_key: expected a 32-byte Ed25519 key")
    site = site_id_for(key)
    if data.get("site_id") != site:
        raise KeyFileError(
            f"{label}: site_id: {data.get('site_id')!r} does not belong to this key "
            f"(the key's site is {site})"
        )
    return KeyFile(name.strip(), site, key, fingerprint(key))


def trust(store: Store, path: Path) -> StationInfo:
    """Trust the station whose key file this is (after the operator compared the
    fingerprint with the other station's screen)."""
    kf = read_key_file(path)
    if kf.site_id == store.site_id:
        raise ValidationError("key", "this is this station's own key")
    with store.local_session() as s, s.begin():
        row = s.get(m.Station, kf.site_id)
        if row is None:
            row = m.Station(
                site_id=kf.site_id,
                name=kf.name,
                public_key=base64.b64encode(kf.public_key).decode("ascii"),
                fingerprint=kf.fingerprint,
                is_self=False,
                trusted=True,
                revoked=False,
                added_at=from_ms(store.wall()),
            )
            s.add(row)
        else:
            row.name = kf.name
            row.trusted = True
            row.revoked = False
        return _info(row)


def find_station(store: Store, ref: str) -> StationInfo:
    """By name (case-insensitive), site id or fingerprint."""
    wanted = ref.strip().lower()
    for st in list_stations(store):
        fp = st.fingerprint.replace(" ", "").lower()
        if wanted in (st.name.lower(), st.site_id) or wanted.replace(" ", "") == fp:
            return st
    raise ValidationError("station", f"unknown station {ref!r}; see `station list`")


def revoke(store: Store, ref: str) -> StationInfo:
    st = find_station(store, ref)
    if st.is_self:
        raise ValidationError("station", "cannot revoke this station's own key")
    with store.local_session() as s, s.begin():
        row = s.get_one(m.Station, st.site_id)
        row.trusted = False
        row.revoked = True
        return _info(row)
