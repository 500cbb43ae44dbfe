"""Scaffolding the workload modules share: raw `sqlite3` baselines with the store's own
pragmas, store files that are copied and removed between trials, and the lower bound of
a backup.

A baseline that writes rows follows one pattern everywhere: a plain connection with the
store's pragmas, tables made from the models' own DDL (or given), one timed
`BEGIN IMMEDIATE` ... `executemany` ... `COMMIT`, then the file is removed. `raw_db` and
`write_rows` hold that pattern so a workload only says which rows go where.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

from benchmarks.registry import Lap, stopwatch
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.store import Store

#: Connection settings that change what reads and writes cost. They are read from a live
#: store, so the baselines follow hcc_desktop.core.sqlite when it changes (a bigger page
#: cache for the store must not make the store look faster than SQLite "for free").
PRAGMAS = (
    "page_size",  # first: it only takes effect on a database that is still empty
    "journal_mode",
    "synchronous",
    "cache_size",
    "temp_store",
    "mmap_size",
    "wal_autocheckpoint",
    "foreign_keys",
    "busy_timeout",
)


def q(name: str) -> str:
    """Quote an SQL identifier: some columns are SQL keywords (alerts.references)."""
    return '"' + name.replace('"', '""') + '"'


def insert_sql(table: str, columns: Sequence[str]) -> str:
    cols = ", ".join(q(c) for c in columns)
    return f"INSERT INTO {q(table)} ({cols}) VALUES ({', '.join('?' * len(columns))})"


def remove_store(path: Path) -> None:
    """Delete a database and its companions (-wal, -shm, .key, .lock, -backups/) so
    trials stay fresh and the temporary directory stays small."""
    for p in path.parent.glob(path.name + "*"):
        p.unlink()
    shutil.rmtree(backup_folder(path), ignore_errors=True)


def backup_folder(path: Path) -> Path:
    """Where hcc_desktop.core.backups puts a store's copies (`<stem>-backups/`)."""
    return path.with_name(f"{path.stem}-backups")


def store_pragmas(store: Store) -> dict[str, Any]:
    """The pragmas a store's connections run with (hcc_desktop.core.sqlite)."""
    with store.engine.connect() as conn:
        return {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in PRAGMAS}


def probe_pragmas(tmpdir: Path) -> dict[str, Any]:
    path = tmpdir / "probe.sqlite"
    store = open_store(path, station_name="Probe")
    try:
        return store_pragmas(store)
    finally:
        store.close()
        remove_store(path)


def raw_connect(path: Path, pragmas: dict[str, Any]) -> sqlite3.Connection:
    """A plain sqlite3 connection in autocommit mode with the store's pragmas, so both
    sides pay for the same journal, the same fsyncs and the same page cache."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    for name, value in pragmas.items():
        conn.execute(f"PRAGMA {name}={value}")
    return conn


def table_ddl(*tables: Table) -> list[str]:
    """CREATE TABLE/INDEX from the models, so a baseline table keeps the store's
    columns, primary key and indexes when the schema changes."""
    dialect = sqlite_dialect.dialect()
    ddl = []
    for table in tables:
        ddl.append(str(CreateTable(table).compile(dialect=dialect)))
        ddl += [str(CreateIndex(ix).compile(dialect=dialect)) for ix in table.indexes]
    return ddl


@contextmanager
def raw_db(
    path: Path, pragmas: dict[str, Any], ddl: Iterable[str] = ()
) -> Iterator[sqlite3.Connection]:
    """A fresh raw database for one baseline trial (tables made untimed), removed after."""
    remove_store(path)
    conn = raw_connect(path, pragmas)
    try:
        for stmt in ddl:
            conn.execute(stmt)
        yield conn
    finally:
        conn.close()
        remove_store(path)


def write_rows(conn: sqlite3.Connection, inserts: Iterable[tuple[str, Sequence[Any]]]) -> None:
    """One durable transaction of `executemany(sql, rows)` per (sql, rows): the least a
    program can do to store rows it already has."""
    conn.execute("BEGIN IMMEDIATE")
    for sql, rows in inserts:
        conn.executemany(sql, rows)
    conn.execute("COMMIT")


def fetch_all(conn: sqlite3.Connection, table: str) -> list[tuple[Any, ...]]:
    return conn.execute(f"SELECT * FROM {q(table)} ORDER BY id").fetchall()


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_store(src: Path, dst: Path) -> Path:
    """A working copy of a closed store and its key, synced to disk before it is used:
    otherwise the first fsync of a timed block pays for writing the whole copy."""
    remove_store(dst)
    for suffix in ("", ".key"):
        source = Path(str(src) + suffix)
        if source.exists():
            shutil.copyfile(source, str(dst) + suffix)
            fsync_file(Path(str(dst) + suffix))
    fsync_file(dst.parent)
    return dst


def timed_write(
    path: Path,
    pragmas: dict[str, Any],
    ddl: Iterable[str],
    inserts: Sequence[tuple[str, Sequence[Any]]],
) -> tuple[Lap, dict[str, list[tuple[Any, ...]]]]:
    """The common raw baseline: a fresh database with `ddl`, then one timed transaction
    of the `inserts`. Returns the lap and what each written table holds, read back
    untimed, so the caller can check the baseline stored the same rows as the program."""
    with raw_db(path, pragmas, ddl) as conn:
        with stopwatch() as lap:
            write_rows(conn, inserts)
        tables = {sql.split('"')[1] for sql, _rows in inserts}
        stored = {t: fetch_all(conn, t) for t in tables}
    return lap, stored
