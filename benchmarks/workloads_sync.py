"""Sync workloads: importing and exporting `.hccsync` packages (issue 4, "Speed").

Each compares the real path (`sync.importer`, `sync.exporter`) with the cheapest honest
way to move the same rows with `sqlite3` and `json` on the same machine and disk, with
the store's own pragmas. Why each baseline is fair is spelled out in
benchmarks/README.md. Sizes follow `--scale`; goals are set for 1.0.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.registry import Context, Lap, Result, stopwatch, workload
from benchmarks.shared import (
    copy_store,
    insert_sql,
    raw_connect,
    remove_store,
    store_pragmas,
    table_ddl,
    timed_write,
)
from benchmarks.workloads_core import ACTOR, BATCH, _batches, _entries, _open_store
from hcc_desktop.core import backups
from hcc_desktop.core import models as m
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.log import add_entries
from hcc_desktop.core.store import Store
from hcc_desktop.sync import exporter, importer, trust
from hcc_desktop.sync import format as fmt

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


def _trusting_pair(tmpdir: Path, sender: Store, name: str, *, demo: bool = False) -> Path:
    """A new, closed receiver store that trusts `sender` (and is trusted by it). With
    `demo`, the receiver holds the demo coalition first: a station in use, whose
    restore point before the import is taken of a realistic store, not an empty file."""
    path = tmpdir / f"{name}.sqlite"
    receiver = open_store(path, station_name=name)
    if demo:
        from hcc_desktop.demo.seed import seed_demo

        seed_demo(receiver, as_of=dt.date(2026, 11, 18))
    trust.export_key(sender, tmpdir / "sender.pub")
    trust.export_key(receiver, tmpdir / f"{name}.pub")
    trust.trust(receiver, tmpdir / "sender.pub")
    trust.trust(sender, tmpdir / f"{name}.pub")
    receiver.close()
    return path


@dataclass
class _Full:
    """A sender store of `n` log entries (one version each), its full package and a
    closed receiver that trusts it and holds the demo coalition."""

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
    receiver = _trusting_pair(ctx.tmpdir, sender, "receiver", demo=True)
    package = ctx.tmpdir / "full.hccsync"
    versions = exporter.export_package(sender, package).versions
    return _Full(sender, package, receiver, n, versions)


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(str(path))
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


LOG_TABLE = m.LogEntry.__table__
#: The plain versions table of the import baseline: the package's columns, a primary key.
_PLAIN_VERSIONS = (
    "CREATE TABLE versions (id TEXT PRIMARY KEY, entity TEXT, record_id TEXT, unit TEXT, "
    "value TEXT, hlc INTEGER, site_id TEXT, parent_id TEXT, operator TEXT, resolves TEXT)"
)


def _package_rows(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """What the import ends up writing, already made: version rows and log rows (all
    columns) for the baseline, ordered by id as `fetch_all` reads them back."""
    with store.read() as s:
        conn = s.connection()
        versions = [
            tuple(r)
            for r in conn.exec_driver_sql(
                f"SELECT {', '.join(VERSION_COLUMNS)} FROM versions ORDER BY id"
            )
        ]
        logs = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM log_entries ORDER BY id")]
    return versions, logs


def _received(path: Path, site_id: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The sender's versions and their log rows as the receiver stored them."""
    conn = sqlite3.connect(str(path))
    try:
        versions = conn.execute(
            f"SELECT {', '.join(VERSION_COLUMNS)} FROM versions WHERE site_id = ? ORDER BY id",
            (site_id,),
        ).fetchall()
        logs = conn.execute(
            "SELECT * FROM log_entries WHERE id IN (SELECT record_id FROM versions "
            "WHERE site_id = ? AND entity = 'log_entry') ORDER BY id",
            (site_id,),
        ).fetchall()
    finally:
        conn.close()
    return versions, logs


class _TimedWayBack(backups.BeforeImport):
    """The program's own `before_write` (the restore point), with its time noted."""

    seconds = 0.0

    def __call__(self) -> Path | None:
        began = time.perf_counter()
        try:
            return super().__call__()
        finally:
            self.seconds += time.perf_counter() - began


def _import_as_operator(store: Store, package: Path) -> tuple[Lap, float, importer.ImportReport]:
    """What an operator waits for (File -> Import package, `hcc-desktop import`): the
    import with the restore point it takes once the package passed its checks (none for
    a package imported before). Returns the lap and the point's share of it."""
    way_back = _TimedWayBack(store)
    with stopwatch() as lap:
        report = importer.import_package(store, package, before_write=way_back)
    if not report.already_imported and way_back.made is None:
        raise AssertionError("the import took no restore point")
    return lap, way_back.seconds, report


def _seconds_of(best: Lap, parts: list[tuple[Lap, float]]) -> float:
    """The restore point's share of the lap that was kept as the best."""
    return round(next(b for lap, b in parts if lap is best), 6)


@workload(
    "sync_import",
    goal=4.0,
    description=(
        "restore point + import of a full package of 100k changes into a station holding the "
        "demo coalition vs sqlite3 executemany of the same rows in one transaction"
    ),
)
def sync_import(ctx: Context) -> Result:
    """The first exchange with a new station carries the whole store; it must cost a
    small multiple of writing its rows."""
    full = _full_package(ctx)
    versions, logs = _package_rows(full.sender)
    pragmas = store_pragmas(full.sender)
    site = full.sender.site_id
    trials = iter(range(1, 1_000_000))
    seen: dict[str, Any] = {}
    parts: list[tuple[Lap, float]] = []

    def ours() -> Lap:
        path = copy_store(full.receiver, ctx.tmpdir / f"import-{next(trials)}.sqlite")
        store = open_store(path)
        try:
            lap, point_s, report = _import_as_operator(store, full.package)
            parts.append((lap, point_s))
            seen["imported"] = report.new
        finally:
            store.close()
        seen["ours"] = _received(path, site)
        remove_store(path)
        return lap

    def baseline() -> Lap:
        lap, stored = timed_write(
            ctx.tmpdir / "baseline.sqlite",
            pragmas,
            [_PLAIN_VERSIONS, *table_ddl(LOG_TABLE)],
            [
                (insert_sql("versions", VERSION_COLUMNS), versions),
                (insert_sql(LOG_TABLE.name, [c.name for c in LOG_TABLE.columns]), logs),
            ],
        )
        seen["baseline"] = (stored["versions"], stored[LOG_TABLE.name])
        return lap

    try:
        value, base = ctx.compare(ours, baseline)
    finally:
        full.sender.close()
    if seen["imported"] != len(versions) or seen["ours"] != seen["baseline"]:
        raise AssertionError(
            f"the import stored {len(seen['ours'][0])} versions and {len(seen['ours'][1])} "
            f"log rows, the baseline {len(seen['baseline'][0])} and {len(seen['baseline'][1])}"
            " (or their contents differ)"
        )
    return Result.from_laps(
        value, base, changes=len(versions), package_bytes=full.package.stat().st_size,
        receiver_bytes_before=full.receiver.stat().st_size,
        value_point_seconds=_seconds_of(value, parts), same_rows=True,
        us_per_change=round(value.seconds / len(versions) * 1e6, 2),
    )  # fmt: skip


def _package_lines(package: Path) -> list[bytes]:
    with zipfile.ZipFile(package) as zf:
        return zf.read(fmt.CHANGES).splitlines(keepends=True)


@workload(
    "sync_export",
    goal=2.0,
    description=(
        "export of a full package (100k changes) vs raw SELECT of the version rows "
        "written as the stored bytes to a plain file, fsynced"
    ),
)
def sync_export(ctx: Context) -> Result:
    """Exports run on a timer in shared-folder mode; they must cost about what reading
    the rows and writing their bytes costs."""
    full = _full_package(ctx)
    pragmas = store_pragmas(full.sender)
    out = ctx.tmpdir / "export.hccsync"
    raw_out = ctx.tmpdir / "raw.tsv"
    columns = ", ".join(VERSION_COLUMNS)
    sizes: dict[str, int] = {}

    def ours() -> Lap:
        with stopwatch() as lap:
            res = exporter.export_package(full.sender, out)
        sizes["versions"] = res.versions
        return lap

    def baseline() -> Lap:
        # The stored text as it is, one row a line: no JSON decoding or encoding.
        conn = raw_connect(full.sender.path, pragmas)
        try:
            with stopwatch() as lap, raw_out.open("w", encoding="utf-8") as fh:
                rows = conn.execute(f"SELECT {columns} FROM versions ORDER BY seq")
                fh.writelines("\t".join(map(str, row)) + "\n" for row in rows)
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            conn.close()
        return lap

    try:
        value, base = ctx.compare(ours, baseline)
        # The same stored bytes: each package line carries, in the same order, the
        # stored value text the baseline wrote.
        conn = raw_connect(full.sender.path, pragmas)
        try:
            values = [r[0] for r in conn.execute("SELECT value FROM versions ORDER BY seq")]
        finally:
            conn.close()
    finally:
        full.sender.close()
    lines = _package_lines(out)
    with raw_out.open(encoding="utf-8") as fh:
        raw_lines = sum(1 for _ in fh)
    same = len(lines) == len(values) == raw_lines and all(
        line.endswith(f',"value":{v}}}\n'.encode()) for line, v in zip(lines, values, strict=True)
    )
    if not same or sizes["versions"] != len(values):
        raise AssertionError(f"exported {sizes['versions']} lines, {len(values)} stored")
    return Result.from_laps(
        value, base, changes=sizes["versions"], package_bytes=out.stat().st_size,
        baseline_bytes=raw_out.stat().st_size, same_values=same,
    )  # fmt: skip


@workload(
    "sync_reimport",
    goal=0.05,
    description=(
        "re-import of the same 100k-change package vs its first import (with its restore point)"
    ),
)
def sync_reimport(ctx: Context) -> Result:
    """Shared-folder mode and careful operators import the same file again and again;
    recognising it must cost a small fraction of importing it. Both sides go through the
    path the command line and the GUI take, restore point included (the first import
    takes one; a package imported before needs none)."""
    full = _full_package(ctx)
    full.sender.close()
    trials = iter(range(1, 1_000_000))
    firsts: list[tuple[Lap, float]] = []
    agains: list[tuple[Lap, float]] = []
    for _ in range(ctx.repeat):
        path = copy_store(full.receiver, ctx.tmpdir / f"reimport-{next(trials)}.sqlite")
        store = open_store(path)
        try:
            first, first_point, _ = _import_as_operator(store, full.package)
            again, again_point, report = _import_as_operator(store, full.package)
            if not report.already_imported:
                raise AssertionError("the second import was not recognised")
        finally:
            store.close()
            remove_store(path)
        firsts.append((first, first_point))
        agains.append((again, again_point))
    best = min(agains, key=lambda p: p[0].seconds)
    first_best = min(firsts, key=lambda p: p[0].seconds)
    return Result.from_laps(
        best[0], first_best[0], changes=full.versions,
        value_point_seconds=round(best[1], 6), baseline_point_seconds=round(first_best[1], 6),
    )  # fmt: skip


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
    small = copy_store(base, ctx.tmpdir / "small.sqlite")
    large = copy_store(base, ctx.tmpdir / "large.sqlite")
    for path, n in ((small, small_n), (large, large_n)):
        with open_store(path) as st:
            importer.import_package(st, created)
        _filler(path, n - have, seed=7 if path is small else 8)
    trials = iter(range(1, 1_000_000))
    counts: dict[str, int] = {}
    parts: list[tuple[Lap, float]] = []

    def trial(template: Path, label: str) -> Callable[[], Lap]:
        def run() -> Lap:
            # copy_store syncs the copy: its writeback is not charged to the import.
            path = copy_store(template, ctx.tmpdir / f"{label}-{next(trials)}.sqlite")
            store = open_store(path)
            try:
                lap, point_s, report = _import_as_operator(store, delta)
                parts.append((lap, point_s))
                counts[label] = report.new
            finally:
                store.close()
                remove_store(path)
            return lap

        return run

    value, base_lap = ctx.compare(trial(large, "large"), trial(small, "small"))
    if not counts["large"] == counts["small"] == edits:
        raise AssertionError(f"expected {edits} new versions on each side, got {counts}")
    value_point, base_point = _seconds_of(value, parts), _seconds_of(base_lap, parts)
    return Result.from_laps(
        value, base_lap, edits=edits, members=len(ids),
        large_store_versions=_count(large, "versions"),
        small_store_versions=_count(small, "versions"),
        large_store_bytes=large.stat().st_size, small_store_bytes=small.stat().st_size,
        value_point_seconds=value_point, baseline_point_seconds=base_point,
        # The import alone, without its restore point.
        ratio_import_only=round(
            (value.seconds - value_point) / (base_lap.seconds - base_point), 3
        ),
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
from hcc_desktop.core import backups
from hcc_desktop.core.opening import open_store
from hcc_desktop.sync import importer
store = open_store(Path(sys.argv[1]))
before = peak_kib()
report = importer.import_package(
    store, Path(sys.argv[2]), before_write=backups.BeforeImport(store)
)
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
        path = copy_store(full.receiver, ctx.tmpdir / f"memory-{i}.sqlite")
        try:
            out = subprocess.run(
                [sys.executable, "-c", _MEMORY_CHILD, str(path), str(full.package)],
                capture_output=True, text=True, check=True, cwd=ROOT,
            ).stdout.split()  # fmt: skip
        finally:
            remove_store(path)
        before_kb, after_kb, new = (int(x) for x in out)
        if new != full.versions:
            raise AssertionError(f"imported {new} changes, expected {full.versions}")
        peaks.append(after_kb / 1024)
        opened.append(before_kb / 1024)
    return Result(
        min(peaks), MEMORY_BUDGET_MB, "MB",
        {"rss_after_open_mb": round(min(opened), 1), "changes": full.versions},
    )  # fmt: skip
