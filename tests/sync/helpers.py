"""Shared machinery of the sync tests (SYNC.md, "Tests that prove it").

- Stations: real stores, each with its own FakeWall. Opening and migrating a new store
  costs 100-250 ms, so the session builds a *pool* of distinct stations once (each its
  own key and site id, all trusting each other) and tests copy the templates they need:
  a copy is the same station, cheaply, with a fresh history.
- Package surgery: read a package's members, change lines or manifest, recompute the
  hashes, re-sign with any station's key, and write the ZIP (with zipfile or by hand
  for headers zipfile will not write).
- A reference model of the merge that does not use the code under test: winners are
  the greatest (hlc, site id) of each unit, conflicts are disagreeing siblings that no
  resolution names, both computed from the `versions` tables alone.
- Determinism: pool stations get keys derived from a seed and their name, and
  `SeededIds` replaces the random part of new record ids, so that a hypothesis seed
  replays the same run in any process (site ids decide tie-breaks; record ids decide
  the order of lists the tests draw from).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import random
import shutil
import sqlite3
import struct
import sys
import uuid
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, func, select, text

from hcc_desktop.core import ids
from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.station import key_path_for, load_private_key
from hcc_desktop.core.store import Store
from hcc_desktop.sync import exporter, importer, trust
from hcc_desktop.sync import format as fmt
from hcc_desktop.sync.errors import PackageRefused

ROOT = Path(__file__).resolve().parents[2]


def _root_conftest() -> Any:
    """tests/conftest.py as a module of its own (the name `conftest` is ambiguous once
    tests/sync has one too)."""
    spec = importlib.util.spec_from_file_location("_hcc_tests_conftest", ROOT / "tests/conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_conftest = _root_conftest()
FakeWall = _conftest.FakeWall
START_MS: int = _conftest.START_MS
copy_store = _conftest.copy_store

SECOND_MS = 1000
HOUR_MS = 3600 * SECOND_MS
DAY_MS = 24 * HOUR_MS
ACTOR = Actor("Dana Reyes", "Situation Unit Leader")
POOL_NAMES = ("S0", "S1", "S2", "S3", "S4", "S5")
OUTSIDER = "X9"  # a station nobody trusts


# ------------------------------------------------------------------ stations


def write_seeded_key(store_path: Path, seed: str) -> None:
    """Put a private key derived from `seed` where a new store at `store_path` looks for
    its key, so the store adopts it instead of generating one: the same seed gives the
    same site id in every process."""
    secret = hashlib.sha256(b"hcc-test-key\x00" + seed.encode("utf-8")).digest()
    pem = Ed25519PrivateKey.from_private_bytes(secret).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = key_path_for(store_path)
    path.write_bytes(pem)
    path.chmod(0o600)


def build_pool(
    directory: Path, names: Iterable[str] = POOL_NAMES, *, seed: str | None = None
) -> dict[str, Path]:
    """Fresh stores, all trusting each other; returns closed template paths by name.
    With `seed`, every station's key (and so its site id) is derived from the seed and
    its name, which makes tie-breaks between sites reproducible across processes."""
    directory.mkdir(parents=True, exist_ok=True)
    if seed is not None:
        for n in names:
            write_seeded_key(directory / f"{n}.sqlite", f"{seed}/{n}")
    stores = {
        n: open_store(directory / f"{n}.sqlite", station_name=n, wall=FakeWall()) for n in names
    }
    for n, s in stores.items():
        trust.export_key(s, directory / f"{n}.pub.json")
    for n, s in stores.items():
        for other in stores:
            if other != n:
                trust.trust(s, directory / f"{other}.pub.json")
    paths = {n: s.path for n, s in stores.items()}
    for s in stores.values():
        s.close()
    return paths


@dataclass
class Station:
    """A store and the wall clock it runs on; `restart` closes and reopens it."""

    name: str
    path: Path
    wall: Any
    store: Store

    def restart(self) -> None:
        self.store.close()
        self.store = open_store(self.path, wall=self.wall)

    def close(self) -> None:
        self.store.close()


#: `make_station("S1", wall_ms=...)` (the fixture in conftest.py). Defined here, not in
#: conftest.py: tests/sync and tests/interop both have a conftest module without a
#: package, so `from conftest import` names whichever was imported first.
StationFactory = Callable[..., Station]


def station_from(template: Path, dest: Path, *, wall_ms: int = START_MS) -> Station:
    """A working copy of a template station in `dest` (a directory), on its own wall."""
    dest.mkdir(parents=True, exist_ok=True)
    path = copy_store(template, dest / template.name)
    wall = FakeWall(wall_ms)
    store = open_store(path, wall=wall)
    return Station(store.station_name, path, wall, store)


def fresh_station(directory: Path, name: str, *, wall_ms: int = START_MS) -> Station:
    """A really new store (its own new key), for tests about keys and trust."""
    directory.mkdir(parents=True, exist_ok=True)
    wall = FakeWall(wall_ms)
    store = open_store(directory / f"{name}.sqlite", station_name=name, wall=wall)
    return Station(name, store.path, wall, store)


def trust_each_other(stations: Iterable[Station], directory: Path) -> None:
    group = list(stations)
    for st in group:
        trust.export_key(st.store, directory / f"{st.name}.pub.json")
    for st in group:
        for other in group:
            if other is not st:
                trust.trust(st.store, directory / f"{other.name}.pub.json")


class SeededIds:
    """A stand-in for `ids.uuid7` whose random bits come from a seeded generator.

    Record ids decide the order of lists (log entries, open conflicts) that a stateful
    test draws from; with random ids the same hypothesis choices lead to different
    stores, which hypothesis reports as flaky or inconsistent data generation."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)

    def reset(self, seed: int = 0) -> None:
        self.rng.seed(seed)

    def uuid7(self, now_ms: int | None = None) -> str:
        ms = 0 if now_ms is None else now_ms  # the core always passes the store's wall
        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= self.rng.getrandbits(12) << 64
        value |= 0b10 << 62
        value |= self.rng.getrandbits(62)
        return str(uuid.UUID(int=value))


def install_seeded_ids(monkeypatch: pytest.MonkeyPatch, seed: int = 0) -> SeededIds:
    """Replace `uuid7` in every loaded hcc_desktop module that imported it (they bind
    the name at import time, so patching `ids` alone would not reach them)."""
    seeded = SeededIds(seed)
    original = ids.uuid7
    for name, module in list(sys.modules.items()):
        if name.startswith("hcc_desktop") and getattr(module, "uuid7", None) is original:
            monkeypatch.setattr(module, "uuid7", seeded.uuid7)
    return seeded


# ------------------------------------------------------------------ reading a store


@dataclass(frozen=True)
class VersionRow:
    id: str
    entity: str
    record_id: str
    unit: str
    value: str
    hlc: int
    site_id: str
    parent_id: str | None
    resolves: str | None


UnitKey = tuple[str, str, str]


def version_rows(store: Store) -> dict[str, VersionRow]:
    with store.read() as s:
        rows = s.connection().exec_driver_sql(
            "SELECT id, entity, record_id, unit, value, hlc, site_id, parent_id, resolves "
            "FROM versions"
        )
        return {r[0]: VersionRow(*r) for r in rows}


def version_ids(store: Store) -> set[str]:
    with store.read() as s:
        return set(s.connection().exec_driver_sql("SELECT id FROM versions").scalars())


def winners_table(store: Store) -> dict[UnitKey, str]:
    with store.read() as s:
        rows = s.connection().exec_driver_sql(
            "SELECT entity, record_id, unit, version_id FROM winners"
        )
        return {(r[0], r[1], r[2]): r[3] for r in rows}


def conflicts_table(store: Store) -> set[tuple[Any, ...]]:
    with store.read() as s:
        conn = s.connection()
        rows = conn.exec_driver_sql(
            "SELECT id, entity, record_id, unit, parent_id, version_ids FROM conflicts"
        )
        return {(r[0], r[1], r[2], r[3], r[4], tuple(sorted(_json(r[5], conn)))) for r in rows}


def _json(stored: Any, conn: Connection) -> Any:
    """A JSON column's value read with raw SQL: text on SQLite (or a number: the
    column's numeric affinity turns the text `10` into 10), already decoded by the
    driver on PostgreSQL (psycopg turns `json` columns into Python objects, so a JSON
    string arrives as a str there too: the engine decides, not only the type)."""
    if conn.dialect.name == "postgresql" or not isinstance(stored, str | bytes):
        return stored
    return json.loads(stored)


def clock_hlc(store: Store) -> int:
    """The station's persisted hybrid clock."""
    with store.read() as s:
        return s.get_one(m.ClockState, 1).hlc


def import_log_count(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(m.ImportRecord)) or 0


# ------------------------------------------------------------------ reference model

#: Keys of group values that decide whether two siblings disagree (SYNC.md "Merge
#: units"), written out here rather than read from `entities`.
COMPARE: dict[tuple[str, str], tuple[str, ...]] = {
    ("request", "status"): ("status",),
    ("eei_report", "values"): ("value",),
    ("eei_report", "validation"): ("validation_state", "validated_version"),
    ("log_entry", "significant"): ("significant",),
    ("hva_assessment", "status"): ("status",),
    ("aar", "status"): ("status",),
    ("aar_rating", "rating"): ("rating",),
    ("corrective_action", "status"): ("status",),
    ("request", "escalation"): ("filled_quantity", "elevated_to", "elevated_quantity"),
    ("handover", "ack"): ("acknowledged_by",),
    # Two stations closing the same EEI request agree, whoever and whenever.
    ("eei_request", "status"): ("status",),
}


def _canon(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def reference_winners(rows: Mapping[str, VersionRow]) -> dict[UnitKey, str]:
    best: dict[UnitKey, VersionRow] = {}
    for v in rows.values():
        key = (v.entity, v.record_id, v.unit)
        cur = best.get(key)
        if cur is None or (v.hlc, v.site_id) > (cur.hlc, cur.site_id):
            best[key] = v
    return {k: v.id for k, v in best.items()}


def reference_conflict_id(key: UnitKey, parent: str | None) -> str:
    return hashlib.sha256(_canon([*key, parent]).encode("utf-8")).hexdigest()


def reference_conflicts(rows: Mapping[str, VersionRow]) -> set[tuple[Any, ...]]:
    by_unit: dict[UnitKey, list[VersionRow]] = defaultdict(list)
    for v in rows.values():
        by_unit[(v.entity, v.record_id, v.unit)].append(v)
    out = set()
    for key, vs in by_unit.items():
        resolved: set[str] = set()
        for v in vs:
            if v.resolves:
                resolved.update(json.loads(v.resolves))
        siblings: dict[str | None, list[VersionRow]] = defaultdict(list)
        for v in vs:
            siblings[v.parent_id].append(v)
        keys = COMPARE.get((key[0], key[2]))
        for parent, group in siblings.items():
            if len(group) < 2 or all(v.id in resolved for v in group):
                continue
            values = set()
            for v in group:
                value = json.loads(v.value)
                if keys and isinstance(value, dict):
                    value = {k: value.get(k) for k in keys}
                values.add(_canon(value))
            if len(values) > 1:
                ids = tuple(sorted(v.id for v in group))
                out.add((reference_conflict_id(key, parent), *key, parent, ids))
    return out


def assert_matches_reference(
    store: Store, union: Mapping[str, VersionRow], *, domain: bool = True
) -> None:
    """Winners and open conflicts of `store` are what the reference model derives from
    `union`, and (unless `domain` is false: one query per unit is the slow part) the
    domain rows show the winning values."""
    winners = reference_winners(union)
    assert winners_table(store) == winners, "winners differ from the reference model"
    assert conflicts_table(store) == reference_conflicts(union), (
        "open conflicts differ from the reference model"
    )
    if not domain:
        return
    with store.read() as s:
        conn = s.connection()
        for (entity, record_id, unit), vid in winners.items():
            value = json.loads(union[vid].value)
            table = {
                "organization": "organizations",
                "incident": "incidents",
                "period": "operational_periods",
                "log_entry": "log_entries",
                "request": "resource_requests",
                "eei_report": "eei_reports",
                "region": "regions",
                "contact": "contacts",
                "hva_assessment": "hva_assessments",
                "hva_hazard": "hva_hazards",
                "plan": "plans",
                "essential_function": "essential_functions",
                "exercise": "exercises",
                "exercise_objective": "exercise_objectives",
                "aar": "aars",
                "aar_rating": "aar_ratings",
                "aar_finding": "aar_findings",
                "corrective_action": "corrective_actions",
                "position_assignment": "position_assignments",
                "duty_shift": "duty_shifts",
                "handover": "handovers",
            }.get(entity)
            if table is None:
                continue
            group = ENTITIES[entity].units[unit]
            if group.group:
                # A group value sets all of its columns; a key it lacks (undo writes {}
                # for "no value") leaves that column empty.
                data = value if isinstance(value, dict) else {}
                cols = {c: data.get(c) for c in group.columns}
            else:
                cols = {unit: value}
            if entity == "eei_report" and unit == "values":
                cols["values_version"] = vid
            names = sorted(cols)
            got = conn.execute(
                text(f"SELECT {', '.join(_quote(n) for n in names)} FROM {table} WHERE id = :id"),
                {"id": record_id},
            ).one()
            for name, have in zip(names, got, strict=True):
                want = cols[name]
                if (table, name) in _JSON_COLUMNS:
                    have = _json(have, conn)
                if isinstance(want, bool):
                    assert have in (0, 1) and bool(have) is want, (entity, record_id, name, have)
                elif isinstance(want, int | float) and isinstance(have, int | float):
                    assert float(have) == float(want), (entity, record_id, name, have, want)
                else:
                    assert have == want, (entity, record_id, name, have, want)


_JSON_COLUMNS = {
    ("incidents", "region_ids"),
    ("eei_reports", "value"),
    ("plans", "capabilities"),
    ("exercises", "participants"),
    ("exercise_objectives", "capabilities"),
    ("handovers", "content"),
}


def _quote(name: str) -> str:
    return f'"{name}"'


# ------------------------------------------------------------------ packages


@dataclass
class Parts:
    manifest_bytes: bytes
    changes: bytes
    signature_bytes: bytes

    @property
    def manifest(self) -> dict[str, Any]:
        return json.loads(self.manifest_bytes)

    @property
    def signature(self) -> dict[str, Any]:
        return json.loads(self.signature_bytes)

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(x) for x in self.changes.splitlines()]


def read_parts(path: Path) -> Parts:
    with zipfile.ZipFile(path) as zf:
        return Parts(zf.read(fmt.MANIFEST), zf.read(fmt.CHANGES), zf.read(fmt.SIGNATURE))


def package_version_ids(path: Path) -> set[str]:
    return {line["id"] for line in read_parts(path).lines}


def canonical_bytes(obj: Any) -> bytes:
    return _canon(obj).encode("utf-8")


def encode_lines(lines: Iterable[Mapping[str, Any]]) -> bytes:
    return b"".join(canonical_bytes(dict(line)) + b"\n" for line in lines)


def line_id(line: Mapping[str, Any]) -> str:
    """The version id a line must carry (content hash, computed here independently)."""
    value_text = _canon(line["value"])
    resolves = _canon(sorted(line["resolves"])) if line["resolves"] else None
    body = [
        line["entity"],
        line["record_id"],
        line["unit"],
        value_text,
        line["hlc"],
        line["site"],
        line["parent"],
        line["operator"],
        resolves,
    ]
    return hashlib.sha256(_canon(body).encode("utf-8")).hexdigest()


def with_id(line: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(line)
    out["id"] = line_id(out)
    return out


def sign_manifest(manifest_bytes: bytes, signer: Store) -> bytes:
    key = load_private_key(key_path_for(signer.path))
    sig = {
        "alg": "ed25519",
        "key_id": signer.identity.fingerprint,
        "site_id": signer.site_id,
        "sig": base64.b64encode(key.sign(manifest_bytes)).decode("ascii"),
    }
    return canonical_bytes(sig)


def write_zip(
    path: Path,
    members: Iterable[tuple[str, bytes]],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 18, 12, 0, 0)), data)
    return path


def craft(
    base: Parts,
    path: Path,
    *,
    changes: bytes | None = None,
    manifest_edit: Mapping[str, Any] | None = None,
    signer: Store | None = None,
    rehash: bool = True,
    keep_signature: bool = False,
    manifest_bytes: bytes | None = None,
) -> Path:
    """A package made from `base`: other changes and/or manifest fields, hashes
    recomputed (unless `rehash` is false), signed by `signer` (or the old signature
    kept)."""
    body = changes if changes is not None else base.changes
    if manifest_bytes is None:
        manifest = base.manifest
        if rehash:
            manifest["members"] = {
                fmt.CHANGES: {
                    "sha256": hashlib.sha256(body).hexdigest(),
                    "size": len(body),
                    "lines": body.count(b"\n"),
                }
            }
        for k, v in (manifest_edit or {}).items():
            manifest[k] = v
        manifest_bytes = canonical_bytes(manifest)
    if keep_signature or signer is None:
        sig = base.signature_bytes
    else:
        sig = sign_manifest(manifest_bytes, signer)
    return write_zip(
        path, [(fmt.MANIFEST, manifest_bytes), (fmt.CHANGES, body), (fmt.SIGNATURE, sig)]
    )


def claim_site(parts: Parts, path: Path, site_id: str) -> Path:
    """The same package, its signature record rewritten to claim `site_id` (the
    signature itself untouched)."""
    sig = parts.signature
    sig["site_id"] = site_id
    return write_zip(
        path,
        [
            (fmt.MANIFEST, parts.manifest_bytes),
            (fmt.CHANGES, parts.changes),
            (fmt.SIGNATURE, json.dumps(sig).encode()),
        ],
    )


@dataclass
class RawMember:
    """A member for `raw_zip`: the bytes as stored (already compressed) and the header
    fields, which may lie."""

    name: str
    data: bytes
    method: int = zipfile.ZIP_STORED
    crc: int | None = None
    file_size: int | None = None
    compress_size: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def raw_zip(path: Path, members: Iterable[RawMember]) -> Path:
    """Write a ZIP by hand, so headers can say what zipfile would never write."""
    out = bytearray()
    central = bytearray()
    count = 0
    for mem in members:
        name = mem.name.encode("utf-8")
        crc = mem.crc if mem.crc is not None else zlib.crc32(mem.data)
        csize = mem.compress_size if mem.compress_size is not None else len(mem.data)
        usize = mem.file_size if mem.file_size is not None else len(mem.data)
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0x800, mem.method, 0, 0x5B21,
            crc, csize, usize, len(name), 0,
        )  # fmt: skip
        out += name
        out += mem.data
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0x800, mem.method, 0, 0x5B21,
            crc, csize, usize, len(name), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += name
        count += 1
    cd_offset = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), cd_offset, 0)
    path.write_bytes(bytes(out))
    return path


def deflated_zeros(total: int, block: int = 1 << 20) -> bytes:
    """Raw deflate data that inflates to `total` zero bytes, built without ever holding
    them: one full-flushed block repeated (full flush resets the window, so the pieces
    concatenate), then the final empty block."""
    assert total % block == 0
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = c.compress(b"\0" * block) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush(zlib.Z_FINISH)
    return piece * (total // block) + tail


# ------------------------------------------------------------------ sync moves


def export_full(store: Store, out: Path) -> Path:
    exporter.export_package(store, out)
    return out


def exchange_full(stations: list[Station], directory: Path, *, rounds: int = 2) -> None:
    """Everyone sends a full package to everyone else, `rounds` times."""
    directory.mkdir(parents=True, exist_ok=True)
    for r in range(rounds):
        for a in stations:
            pkg = export_full(a.store, directory / f"all-{r}-{a.name}.hccsync")
            for b in stations:
                if b is not a:
                    importer.import_package(b.store, pkg)


def assert_refused(
    store: Store,
    path: Path,
    exc_class: type[PackageRefused],
    fragment: str,
) -> PackageRefused:
    """The package is refused by exactly this check, with this fragment in the message,
    and the store is byte-for-byte what it was (canonical dump, no import logged)."""
    before = dump_text(store)
    logged = import_log_count(store)
    with pytest.raises(PackageRefused) as info:
        importer.import_package(store, path)
    exc = info.value
    assert type(exc) is exc_class, f"{type(exc).__name__}: {exc}"
    assert fragment in str(exc), str(exc)
    assert dump_text(store) == before
    assert import_log_count(store) == logged
    return exc


def tree(directory: Path) -> list[tuple[str, int]]:
    """Every path under `directory`, with its size, for 'nothing was written' checks."""
    return sorted(
        (str(p.relative_to(directory)), p.stat().st_size if p.is_file() else -1)
        for p in directory.rglob("*")
    )


def copy_files(src: Path, dst: Path) -> None:
    for suffix in ("", ".key"):
        shutil.copy2(str(src) + suffix, str(dst) + suffix)


#: Local bookkeeping a restore point leaves as it is now (the clock never goes back;
#: AUTOINCREMENT counters never hand out a number twice).
NOT_RESTORED = frozenset({"clock_state", "sqlite_sequence"})


def file_tables(path: Path, skip: Iterable[str] = NOT_RESTORED) -> dict[str, list[str]]:
    """Every row of every table of a closed store file, as text, sorted, but `skip`:
    what "the same store" means when a restore is compared with a copy."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            n
            for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if n not in set(skip)
        ]
        return {n: sorted(map(repr, conn.execute(f'SELECT * FROM "{n}"'))) for n in names}
    finally:
        conn.close()
