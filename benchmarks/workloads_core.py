"""Core store workloads: writing the incident log and dumping the store.

Each compares the real service path with the cheapest honest way to do the same job
with the standard library's `sqlite3` and `json` on the same machine, disk and SQLite.
What the ratio then measures is the price of everything the store adds on top of
SQLite (validation, versions, winners, the HLC, SQLAlchemy), which is the part we can
change. Why each baseline is fair is spelled out in benchmarks/README.md.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, func, select

from benchmarks.registry import Context, Lap, Result, stopwatch, workload
from benchmarks.shared import (
    insert_sql,
    probe_pragmas,
    q,
    raw_connect,
    remove_store,
    store_pragmas,
    table_ddl,
    timed_write,
)
from hcc_desktop.core import dump as core_dump
from hcc_desktop.core import models as m
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.enums import LOG_CATEGORIES, LOG_PRIORITIES
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.incidents import create_incident
from hcc_desktop.core.services.log import NewEntry, add_entries
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso

#: Row counts the goals were set for (the issue's numbers); --scale multiplies them.
LOG_ROWS = 100_000
DUMP_ROWS = 100_000
#: Entries per add_entries call: what an ICS 214 import or the demo loader would send.
BATCH = 5_000

ACTOR = Actor("Bench Scribe", "Documentation Unit")
STATION = "Bench Station"
INCIDENT_START = datetime(2026, 11, 18, 6, 0, tzinfo=UTC)
SEED = 20261118

LOG_TABLE = m.LogEntry.__table__
LOG_COLUMNS = [c.name for c in LOG_TABLE.columns]

_VERBS = ("Received", "Confirmed", "Requested", "Relayed", "Updated", "Escalated", "Logged")
_THINGS = (
    "bed availability report",
    "generator fuel status",
    "patient transfer request",
    "ventilator count",
    "shelter census",
    "road closure notice",
    "decontamination team status",
    "oxygen resupply ETA",
)
_WHO = ("Mercy General", "County EMS", "St. Luke's", "Regional Burn Center", "Public Health")
_TAIL = (
    "",
    " Follow-up at next briefing.",
    " Situation unit notified; no action needed from the coalition at this time.",
    " Caller asked for a call back on the 24/7 line within the hour, logged for the PSC.",
)


# --------------------------------------------------------------------------- inputs


def _entries(n: int) -> list[NewEntry]:
    """Deterministic, realistic log entries: ICS 214 lines of 40-180 characters with an
    explicit time, as an import brings them (so the time parsing is exercised)."""
    rng = random.Random(SEED)
    out = []
    for i in range(n):
        text = (
            f"{rng.choice(_VERBS)} {rng.choice(_THINGS)} from {rng.choice(_WHO)}"
            f" (#{i}).{rng.choice(_TAIL)}"
        )
        out.append(
            NewEntry(
                text=text,
                category=rng.choice(LOG_CATEGORIES),
                priority=rng.choice(LOG_PRIORITIES),
                occurred_at=to_iso(INCIDENT_START + timedelta(seconds=i + 1)),
                source="ICS 214 import" if i % 3 == 0 else None,
            )
        )
    return out


def _baseline_rows(entries: Sequence[NewEntry], incident_id: str) -> list[tuple[Any, ...]]:
    """The rows the service ends up with in log_entries, already made: ids, times in
    stored form, every column. The baseline gets them for free; building and checking
    them is part of what the service is charged for."""
    base_ms = int(INCIDENT_START.timestamp() * 1000)
    rows = []
    for i, e in enumerate(entries):
        row = {c: None for c in LOG_COLUMNS}
        row.update(
            id=uuid7(base_ms + i),
            incident_id=incident_id,
            occurred_at=e.occurred_at,
            operator=ACTOR.name,
            position=ACTOR.position,
            station=STATION,
            category=e.category,
            priority=e.priority,
            text=e.text,
            source=e.source,
            deleted=0,
        )
        rows.append(tuple(row[c] for c in LOG_COLUMNS))
    return rows


def _batches(items: Sequence[NewEntry], size: int) -> Iterator[Sequence[NewEntry]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --------------------------------------------------------------------------- stores


def _open_store(path: Path) -> tuple[Store, str]:
    """A fresh store with one incident that started before every entry."""
    store = open_store(path, station_name=STATION)
    incident = create_incident(
        store,
        actor=ACTOR,
        name="Benchmark exercise",
        incident_type="other",
        exercise=True,
        started_at=to_iso(INCIDENT_START),
    )
    return store, incident


def _count_log(store: Store, incident_id: str) -> int:
    with store.read() as s:
        stmt = select(func.count()).select_from(LOG_TABLE)
        return s.scalar(stmt.where(LOG_TABLE.c.incident_id == incident_id)) or 0


# --------------------------------------------------------------------------- log_write


@dataclass
class _FloorBatch:
    """One add_entries transaction as rows: what the store's schema makes SQLite write."""

    change_set: tuple[Any, ...]
    versions: list[tuple[Any, ...]]
    winners: list[tuple[Any, ...]]
    log_rows: list[tuple[Any, ...]]
    hlc: int


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _extract_floor(path: Path) -> tuple[dict[str, str], list[_FloorBatch]]:
    """Read back, per transaction, every row the service wrote for the log entries
    (change set, versions, winners, log_entries, clock), in the order it wrote them."""
    conn = sqlite3.connect(str(path))
    try:
        sql = {t: _columns(conn, t) for t in ("change_sets", "versions", "winners", "log_entries")}
        by_change: dict[int, _FloorBatch] = {}
        for row in conn.execute(
            "SELECT * FROM change_sets WHERE id IN "
            "(SELECT change_id FROM versions WHERE entity = 'log_entry') ORDER BY id"
        ):
            by_change[row[0]] = _FloorBatch(row, [], [], [], 0)
        change_at = sql["versions"].index("change_id")
        hlc_at = sql["versions"].index("hlc")
        for row in conn.execute("SELECT * FROM versions WHERE entity = 'log_entry' ORDER BY seq"):
            b = by_change[row[change_at]]
            b.versions.append(row)
            b.hlc = max(b.hlc, row[hlc_at])
        for table, join in (
            ("winners", "v.id = t.version_id"),
            ("log_entries", "v.entity = 'log_entry' AND v.unit = 'entry' AND v.record_id = t.id"),
        ):
            rows = conn.execute(
                f"SELECT t.*, v.change_id FROM {table} t JOIN versions v ON {join} "
                "WHERE v.entity = 'log_entry' ORDER BY v.seq"
            )
            for row in rows:
                batch = by_change[row[-1]]
                (batch.winners if table == "winners" else batch.log_rows).append(row[:-1])
    finally:
        conn.close()
    return {t: insert_sql(t, cols) for t, cols in sql.items()}, list(by_change.values())


@workload(
    "log_write",
    goal=3.0,
    description=(
        "100k log entries via services.log.add_entries (batches of 5,000) vs sqlite3 "
        "executemany of the same rows in one transaction"
    ),
)
def log_write(ctx: Context) -> Result:
    """Bulk-writing the log is what an ICS 214 import, the demo loader and a sync of a
    busy shift do; it must stay close to what SQLite itself costs.

    A third, informational timing, `schema_floor`, replays with raw sqlite3 exactly the
    rows the service wrote (change set, versions, winners, log_entries, clock) in the
    same transactions: the least the current schema can cost. The gap between it and
    the service is Python/SQLAlchemy overhead; the gap between it and the baseline is
    the price of the versioned schema."""
    n = ctx.rows(LOG_ROWS)
    batch = min(BATCH, n)
    entries = _entries(n)
    rows = _baseline_rows(entries, incident_id=str(uuid7()))
    pragmas = probe_pragmas(ctx.tmpdir)
    insert = insert_sql(LOG_TABLE.name, LOG_COLUMNS)
    ddl = table_ddl(LOG_TABLE)
    counts: dict[str, int] = {}
    floor: list[_FloorBatch] = []
    floor_sql: dict[str, str] = {}
    trials = iter(range(1, 1_000_000))

    def service() -> Lap:
        path = ctx.tmpdir / f"log_write_service_{next(trials)}.sqlite"
        store, incident = _open_store(path)
        try:
            with stopwatch() as lap:
                for chunk in _batches(entries, batch):
                    add_entries(store, actor=ACTOR, incident_id=incident, entries=chunk)
            counts["service_rows"] = _count_log(store, incident)
            store.close()
            if not floor:
                sql, batches = _extract_floor(path)
                floor_sql.update(sql)
                floor.extend(batches)
        finally:
            store.close()
            remove_store(path)
        return lap

    def baseline() -> Lap:
        path = ctx.tmpdir / "log_write_baseline.sqlite"
        lap, stored = timed_write(path, pragmas, ddl, [(insert, rows)])
        counts["baseline_rows"] = len(stored[LOG_TABLE.name])
        return lap

    def schema_floor() -> Lap:
        path = ctx.tmpdir / "log_write_floor.sqlite"
        _open_store(path)[0].close()  # same starting state as the service's store
        conn = raw_connect(path, pragmas)
        try:
            with stopwatch() as lap:
                for b in floor:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute(floor_sql["change_sets"], b.change_set)
                    conn.executemany(floor_sql["versions"], b.versions)
                    conn.executemany(floor_sql["winners"], b.winners)
                    conn.executemany(floor_sql["log_entries"], b.log_rows)
                    conn.execute("UPDATE clock_state SET hlc = ? WHERE id = 1", (b.hlc,))
                    conn.execute("COMMIT")
            counts["floor_rows"] = conn.execute(
                f"SELECT count(*) FROM {LOG_TABLE.name} WHERE incident_id IS NOT NULL"
            ).fetchone()[0]
        finally:
            conn.close()
            remove_store(path)
        return lap

    value, base, least = ctx.interleave(service, baseline, schema_floor)
    if not counts["service_rows"] == counts["baseline_rows"] == counts["floor_rows"] == n:
        raise AssertionError(f"expected {n} log rows on each side, got {counts}")
    return Result.from_laps(
        value,
        base,
        rows=n,
        batch=batch,
        transactions=len(floor),
        service_us_per_row=round(value.seconds / n * 1e6, 2),
        baseline_us_per_row=round(base.seconds / n * 1e6, 2),
        schema_floor_seconds=round(least.seconds, 6),
        schema_floor_cpu_seconds=round(least.cpu_seconds, 6),
        # service / floor: Python and SQLAlchemy overhead; floor / baseline: the schema.
        ratio_service_to_floor=round(value.seconds / least.seconds, 3),
        ratio_floor_to_baseline=round(least.seconds / base.seconds, 3),
        pragmas=pragmas,
    )


# --------------------------------------------------------------------------- dump

#: Mirrors the constant in hcc_desktop.core.dump so both sides emit the same columns.
_DUMP_SKIP: set[str] = set(getattr(core_dump, "_SKIP", set()))
_DUMP_FORMAT = "hcc-dump/1"


def _dump_plan() -> list[tuple[str, str, list[str], list[tuple[int, Any]]]]:
    """Per entity table: name, SELECT, column names, and the columns whose stored text
    must be decoded the way SQLAlchemy types decode them (Boolean -> bool, JSON ->
    object). Without the decoding the baseline would emit different bytes."""
    plan = []
    for name in sorted(ENTITIES):
        table = ENTITIES[name].table
        cols = [c for c in table.columns if c.name not in _DUMP_SKIP]
        decoders: list[tuple[int, Any]] = []
        for i, c in enumerate(cols):
            if isinstance(c.type, Boolean):
                decoders.append((i, bool))
            elif isinstance(c.type, JSON):
                decoders.append((i, json.loads))
        sql = f"SELECT {', '.join(q(c.name) for c in cols)} FROM {q(table.name)} ORDER BY id"
        plan.append((name, sql, [c.name for c in cols], decoders))
    return plan


def _raw_dump(conn: sqlite3.Connection, plan: list[Any]) -> str:
    """What a person would write with sqlite3 and json: SELECT each table in id order,
    json.dumps each row with sorted keys, one line per row."""

    def dumps(obj: Any) -> str:
        return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    sections: dict[str, list[str]] = {}
    for name, sql, names, decoders in plan:
        lines = sections[name] = []
        for row in conn.execute(sql):
            record = dict(zip(names, row, strict=True))
            for i, decode in decoders:
                if row[i] is not None:
                    record[names[i]] = decode(row[i])
            lines.append(dumps({name: record}))
    sections["conflicts"] = [
        dumps({"conflicts": list(r)})
        for r in conn.execute(
            "SELECT entity, record_id, unit, version_ids FROM conflicts ORDER BY id"
        )
    ]
    out = [dumps({"format": _DUMP_FORMAT})]
    for name in sorted(sections):
        out.extend(sections[name])
    return "\n".join(out) + "\n"


@workload(
    "dump",
    goal=2.0,
    description=(
        "dump.dump_text of a store with 100k log entries vs raw SELECT + json.dumps per "
        "row (sorted keys) of the same rows"
    ),
)
def dump(ctx: Context) -> Result:
    """The canonical dump is how operators and tests prove two stations converged; it
    runs on whole stores, so it must cost about what reading the rows costs."""
    n = ctx.rows(DUMP_ROWS)
    path = ctx.tmpdir / "dump.sqlite"
    store, incident = _open_store(path)
    outputs: dict[str, str] = {}
    try:
        for chunk in _batches(_entries(n), BATCH):
            add_entries(store, actor=ACTOR, incident_id=incident, entries=chunk)
        plan = _dump_plan()
        raw = raw_connect(path, store_pragmas(store))
        try:

            def service() -> Lap:
                outputs.pop("service", None)
                with stopwatch() as lap:
                    outputs["service"] = core_dump.dump_text(store)
                return lap

            def baseline() -> Lap:
                outputs.pop("baseline", None)
                with stopwatch() as lap:
                    outputs["baseline"] = _raw_dump(raw, plan)
                return lap

            value, base = ctx.compare(service, baseline)
            rows = sum(raw.execute(f"SELECT count(*) FROM {q(t)}").fetchone()[0] for t in _tables())
        finally:
            raw.close()
    finally:
        store.close()
        remove_store(path)
    return Result.from_laps(
        value,
        base,
        rows=rows,
        log_entries=n,
        bytes=len(outputs["service"].encode("utf-8")),
        # True when the baseline produced byte-identical output: it did the same job.
        same_output=outputs["service"] == outputs["baseline"],
    )


def _tables() -> list[str]:
    return [ENTITIES[name].table.name for name in sorted(ENTITIES)] + ["conflicts"]
