"""Sync workloads: importing and exporting `.hccsync` packages (issue 4, "Speed").

Each compares the real path (`sync.importer`, `sync.exporter`) with the cheapest honest
way to move the same rows with `sqlite3` and `json` on the same machine and disk, with
the store's own pragmas. Why each baseline is fair is spelled out in
benchmarks/README.md. Sizes follow `--scale`; goals are set for 1.0.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.registry import Context, Lap, Result, stopwatch, workload
from benchmarks.workloads_core import (
    ACTOR,
    BATCH,
    _batches,
    _entries,
    _insert_sql,
    _open_store,
    _raw_connect,
    _remove,
    store_pragmas,
)
from hcc_desktop.core import models as m
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.log import add_entries
from hcc_desktop.core.store import Store
from hcc_desktop.sync import exporter, importer, trust

#: Sizes the goals were set for (issue 4); --scale multiplies them.
PACKAGE_CHANGES = 100_000
SMALL_STORE = 10_000
LARGE_STORE = 1_000_000
EDITS = 10_000
FIELDS = ("phone", "phone_24_7", "address", "town", "county", "notes", "source",
          "short_name", "facility_type", "trauma_level")  # fmt: skip
MEMORY_BUDGET_MB = 300.0
ROOT = Path(__file__).resolve().parents[1]

VERSION_COLUMNS = ("id", "entity", "record_id", "unit", "value", "hlc", "site_id",
                   "parent_id", "operator", "resolves")  # fmt: skip


def _copy(src: Path, dst: Path) -> Path:
    """A working copy of a closed store and its key."""
    _remove(dst)
    for suffix in ("", ".key"):
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dst) + suffix)
    return dst


def _trusting_pair(tmpdir: Path, sender: Store, name: str) -> Path:
    """A new, closed receiver store that trusts `sender` (and is trusted by it)."""
    path = tmpdir / f"{name}.sqlite"
    receiver = open_store(path, station_name=name)
    trust.export_key(sender, tmpdir / "sender.pub")
    trust.export_key(receiver, tmpdir / f"{name}.pub")
    trust.trust(receiver, tmpdir / "sender.pub")
    trust.trust(sender, tmpdir / f"{name}.pub")
    receiver.close()
    return path


@dataclass
class _Full:
    """A sender store of `n` log entries (one version each), its full package and a
    closed empty receiver that trusts it."""

    sender: Store
    package: Path
    receiver: Path
    n: int
    versions: int


def _full_package(ctx: Context) -> _Full:
    n = ctx.rows(PACKAGE_CHANGES)
    sender, incident = _open_store(ctx.tmpdir / "sender.sqlite")
    for chunk in _batches(_entries(n), BATCH):
        add_entries(sender, actor=ACTOR, incident_id=incident, entries=chunk)
    receiver = _trusting_pair(ctx.tmpdir, sender, "receiver")
    package = ctx.tmpdir / "full.hccsync"
    versions = exporter.export_package(sender, package).versions
    return _Full(sender, package, receiver, n, versions)


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(str(path))
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _package_rows(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[str]]:
    """What the import ends up writing, already made: version rows and log rows (all
    columns) for the baseline."""
    log_cols = [c.name for c in m.LogEntry.__table__.columns]
    with store.read() as s:
        conn = s.connection()
        versions = [
            tuple(r)
            for r in conn.exec_driver_sql(
                f"SELECT {', '.join(VERSION_COLUMNS)} FROM versions ORDER BY seq"
            )
        ]
        logs = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM log_entries")]
    return versions, logs, log_cols


@workload(
    "sync_import",
    goal=4.0,
    description=(
        "import of a full package of 100k changes into an empty store vs sqlite3 "
        "executemany of the same rows into plain tables in one transaction"
    ),
)
def sync_import(ctx: Context) -> Result:
    """The first exchange with a new station carries the whole store; it must cost a
    small multiple of writing the rows."""
    full = _full_package(ctx)
    versions, logs, log_cols = _package_rows(full.sender)
    pragmas = store_pragmas(full.sender)
    trials = iter(range(1, 1_000_000))
    counts: dict[str, int] = {}

    def ours() -> Lap:
        path = _copy(full.receiver, ctx.tmpdir / f"import-{next(trials)}.sqlite")
        store = open_store(path)
        try:
            with stopwatch() as lap:
                report = importer.import_package(store, full.package)
            counts["imported"] = report.new
        finally:
            store.close()
            _remove(path)
        return lap

    def baseline() -> Lap:
        path = ctx.tmpdir / "baseline.sqlite"
        conn = _raw_connect(path, pragmas)
        try:
            conn.execute(
                "CREATE TABLE versions (id TEXT PRIMARY KEY, entity TEXT, record_id TEXT, "
                "unit TEXT, value TEXT, hlc INTEGER, site_id TEXT, parent_id TEXT, "
                "operator TEXT, resolves TEXT)"
            )
            conn.execute(f"CREATE TABLE log_entries ({', '.join(log_cols)}, PRIMARY KEY (id))")
            with stopwatch() as lap:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(_insert_sql("versions", VERSION_COLUMNS), versions)
                conn.executemany(_insert_sql("log_entries", log_cols), logs)
                conn.execute("COMMIT")
            counts["baseline"] = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
        finally:
            conn.close()
            _remove(path)
        return lap

    try:
        value, base = ctx.compare(ours, baseline)
    finally:
        full.sender.close()
    if counts["imported"] != len(versions) or counts["baseline"] != len(versions):
        raise AssertionError(f"expected {len(versions)} versions on each side, got {counts}")
    return Result.from_laps(
        value, base, changes=len(versions), package_bytes=full.package.stat().st_size,
        us_per_change=round(value.seconds / len(versions) * 1e6, 2),
    )  # fmt: skip


@workload(
    "sync_export",
    goal=2.0,
    description=(
        "export of a full package (100k changes) vs raw SELECT of the versions written "
        "as NDJSON with the standard library"
    ),
)
def sync_export(ctx: Context) -> Result:
    """Exports run on a timer in shared-folder mode; they must cost about what reading
    and writing the rows costs."""
    full = _full_package(ctx)
    pragmas = store_pragmas(full.sender)
    out = ctx.tmpdir / "export.hccsync"
    raw_out = ctx.tmpdir / "raw.ndjson"
    sizes: dict[str, int] = {}

    def ours() -> Lap:
        with stopwatch() as lap:
            res = exporter.export_package(full.sender, out)
        sizes["versions"] = res.versions
        return lap

    def baseline() -> Lap:
        conn = _raw_connect(full.sender.path, pragmas)
        try:
            with stopwatch() as lap, raw_out.open("w", encoding="utf-8") as fh:
                rows = conn.execute(
                    f"SELECT {', '.join(VERSION_COLUMNS)} FROM versions ORDER BY seq"
                )
                lines = 0
                for row in rows:
                    body = dict(zip(VERSION_COLUMNS, row, strict=True))
                    body["value"] = json.loads(body["value"])
                    fh.write(json.dumps(body, sort_keys=True, separators=(",", ":")))
                    fh.write("\n")
                    lines += 1
                fh.flush()
                os.fsync(fh.fileno())
            sizes["baseline"] = lines
        finally:
            conn.close()
        return lap

    try:
        value, base = ctx.compare(ours, baseline)
    finally:
        full.sender.close()
    if sizes["versions"] != sizes["baseline"]:
        raise AssertionError(f"exported {sizes}")
    return Result.from_laps(
        value, base, changes=sizes["versions"], package_bytes=out.stat().st_size,
        ndjson_bytes=raw_out.stat().st_size,
    )  # fmt: skip


@workload(
    "sync_reimport",
    goal=0.05,
    description="re-import of the same 100k-change package vs its first import",
)
def sync_reimport(ctx: Context) -> Result:
    """Shared-folder mode and careful operators import the same file again and again;
    recognising it must cost a small fraction of importing it."""
    full = _full_package(ctx)
    full.sender.close()
    trials = iter(range(1, 1_000_000))
    firsts: list[Lap] = []
    agains: list[Lap] = []
    for _ in range(ctx.repeat):
        path = _copy(full.receiver, ctx.tmpdir / f"reimport-{next(trials)}.sqlite")
        store = open_store(path)
        try:
            with stopwatch() as first:
                importer.import_package(store, full.package)
            with stopwatch() as again:
                report = importer.import_package(store, full.package)
            if not report.already_imported:
                raise AssertionError("the second import was not recognised")
        finally:
            store.close()
            _remove(path)
        firsts.append(first)
        agains.append(again)
    best = min(agains, key=lambda lap: lap.seconds)
    first_best = min(firsts, key=lambda lap: lap.seconds)
    return Result.from_laps(best, first_best, changes=full.versions)


def _filler(path: Path, n: int, seed: int) -> None:
    """Add `n` versions from a third station (log entries, with their winners and rows)
    straight into a closed store, as years of history would have left them: the cost
    under test is how the import scales with this, not how it was made."""
    if n <= 0:
        return
    rng = random.Random(seed)
    site = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(16))
    incident = "0190f0e0-0000-7000-8000-00000000f111"
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        hlc = 1_790_000_000_000 << 16
        chunk = 50_000
        for start in range(0, n, chunk):
            versions, winners, logs = [], [], []
            for i in range(start, min(n, start + chunk)):
                rid = f"{i:08x}-0000-7000-8000-{seed:012x}"
                vid = f"{seed:08x}{i:056x}"
                value = json.dumps({"text": f"filler {i}", "incident_id": incident})
                hlc += 1
                versions.append((vid, "log_entry", rid, "entry", value, hlc, site))
                winners.append(("log_entry", rid, "entry", vid, hlc, site))
                logs.append((rid, incident, f"filler {i}", 0))
            conn.executemany(
                "INSERT INTO versions (id, entity, record_id, unit, value, hlc, site_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                versions,
            )
            conn.executemany(
                "INSERT INTO winners (entity, record_id, unit, version_id, hlc, site_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                winners,
            )
            conn.executemany(
                "INSERT INTO log_entries (id, incident_id, text, deleted) VALUES (?, ?, ?, ?)",
                logs,
            )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


@workload(
    "sync_import_scaling",
    goal=1.5,
    description=(
        "import of 10k field edits into a store of 1M versions vs the same into a store "
        "of 10k versions"
    ),
)
def sync_import_scaling(ctx: Context) -> Result:
    """The cost of an import must follow the package, not the store: a coalition's
    store grows all season while each day's packages stay small."""
    members = max(10, ctx.rows(EDITS) // len(FIELDS))
    sender = open_store(ctx.tmpdir / "editor.sqlite", station_name="Editor")
    ids = orgs.add_organizations(
        sender,
        actor=ACTOR,
        members=[
            (None, {"name": f"Member {i}", "member_type": "hospital", "membership": "core"})
            for i in range(members)
        ],
    )
    base = _trusting_pair(ctx.tmpdir, sender, "peer")
    created = ctx.tmpdir / "created.hccsync"
    exporter.export_package(sender, created)
    peer = open_store(base)
    importer.import_package(peer, created)
    back = ctx.tmpdir / "back.hccsync"
    exporter.export_package(peer, back)  # so the editor knows what the peer holds
    have = _count_versions(peer)
    peer.close()
    importer.import_package(sender, back)
    rows = [{"name": f"Member {i}", **{f: f"{f} {i} v2" for f in FIELDS}} for i in range(members)]
    orgs.upsert_organizations(sender, actor=ACTOR, rows=rows)
    delta = ctx.tmpdir / "edits.hccsync"
    edits = exporter.export_package(sender, delta, for_station="peer").versions
    sender.close()
    small_n = max(ctx.rows(SMALL_STORE), have)
    large_n = max(ctx.rows(LARGE_STORE), small_n * 2)
    small = _copy(base, ctx.tmpdir / "small.sqlite")
    large = _copy(base, ctx.tmpdir / "large.sqlite")
    for path, n in ((small, small_n), (large, large_n)):
        with open_store(path) as st:
            importer.import_package(st, created)
        _filler(path, n - have, seed=7 if path is small else 8)
    trials = iter(range(1, 1_000_000))
    counts: dict[str, int] = {}

    def trial(template: Path, label: str) -> Callable[[], Lap]:
        def run() -> Lap:
            path = _copy(template, ctx.tmpdir / f"{label}-{next(trials)}.sqlite")
            store = open_store(path)
            try:
                with stopwatch() as lap:
                    counts[label] = importer.import_package(store, delta).new
            finally:
                store.close()
                _remove(path)
            return lap

        return run

    value, base_lap = ctx.compare(trial(large, "large"), trial(small, "small"))
    if not counts["large"] == counts["small"] == edits:
        raise AssertionError(f"expected {edits} new versions on each side, got {counts}")
    return Result.from_laps(
        value, base_lap, edits=edits, members=len(ids),
        large_store_versions=_count(large, "versions"),
        small_store_versions=_count(small, "versions"),
    )  # fmt: skip


def _count_versions(store: Store) -> int:
    with store.read() as s:
        return s.query(m.Version).count()


#: Peak RSS in KiB from /proc (VmHWM belongs to this process's own memory map; Linux's
#: ru_maxrss survives fork and exec, so a child of a big runner would report the
#: runner's peak), else ru_maxrss.
_MEMORY_CHILD = """
import resource, sys
from pathlib import Path
def peak_kib():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from hcc_desktop.core.store import Store
from hcc_desktop.sync import importer
store = open_store(Path(sys.argv[1]))
before = peak_kib()
report = importer.import_package(store, Path(sys.argv[2]))
after = peak_kib()
store.close()
print(before, after, report.new)
"""


@workload(
    "sync_import_memory",
    goal=1.0,
    description=(
        "peak resident memory (MB) of a process importing a 100k-change package vs the "
        "300 MB budget"
    ),
)
def sync_import_memory(ctx: Context) -> Result:
    """An EOC desktop may have 4 GB and a browser open: the import must hold the package
    in a bounded way. Measured as the whole process's peak RSS (Python, SQLite's page
    cache, everything), in a fresh interpreter per run."""
    full = _full_package(ctx)
    full.sender.close()
    peaks, opened = [], []
    for i in range(ctx.repeat):
        path = _copy(full.receiver, ctx.tmpdir / f"memory-{i}.sqlite")
        try:
            out = subprocess.run(
                [sys.executable, "-c", _MEMORY_CHILD, str(path), str(full.package)],
                capture_output=True, text=True, check=True, cwd=ROOT,
            ).stdout.split()  # fmt: skip
        finally:
            _remove(path)
        before_kb, after_kb, new = (int(x) for x in out)
        if new != full.versions:
            raise AssertionError(f"imported {new} changes, expected {full.versions}")
        peaks.append(after_kb / 1024)
        opened.append(before_kb / 1024)
    return Result(
        min(peaks), MEMORY_BUDGET_MB, "MB",
        {"rss_after_open_mb": round(min(opened), 1), "changes": full.versions},
    )  # fmt: skip
