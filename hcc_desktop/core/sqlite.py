"""Everything SQLite-specific lives here, so the rest of the store stays portable
SQLAlchemy (a multi-seat EOC may run the same schema on PostgreSQL).

WAL lets the GUI read while an import writes; synchronous=FULL plus one BEGIN IMMEDIATE
transaction per write makes a kill -9 leave either all of a change or none of it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

from hcc_desktop.core.errors import Cancelled

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 10_000


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        # 64 MiB page cache: the versions table's content-hash index is random access.
        cur.execute("PRAGMA cache_size=-65536")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("hcc_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def integrity_check(engine: Engine) -> list[str]:
    """PRAGMA integrity_check; an empty list means the file is sound."""
    with engine.connect() as conn:
        rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def online_backup(engine: Engine, target: Path) -> None:
    """Copy a consistent snapshot with SQLite's online backup API (the store stays
    usable while it runs)."""
    raw = engine.raw_connection()
    try:
        src: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        raw.close()


def side_files(path: Path) -> tuple[Path, Path]:
    """The write-ahead log and its index beside a store file (WAL mode)."""
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


#: SQLite virtual-machine steps between two questions to a read's `stop` (about a
#: millisecond of a count).
STOP_EVERY = 20_000


@contextmanager
def abandoned_when(session: Session, stop: Callable[[], bool] | None) -> Iterator[None]:
    """Let a long read on `session` be abandoned: SQLite asks `stop` every STOP_EVERY
    steps and ends the statement (OperationalError "interrupted") once it says so. A
    count over a million log entries superseded by the next keystroke of a filter
    otherwise ran to its end and held one of the two worker threads the page reads
    need."""
    if stop is None:
        yield
        return
    raw: sqlite3.Connection = session.connection().connection.driver_connection  # type: ignore[assignment]
    with interrupted_when(raw, stop):
        yield


@contextmanager
def interrupted_when(raw: sqlite3.Connection, stop: Callable[[], bool] | None) -> Iterator[None]:
    """`abandoned_when` for a plain sqlite3 connection (a restore's copy and checks)."""
    if stop is None:
        yield
        return
    raw.set_progress_handler(lambda: 1 if stop() else 0, STOP_EVERY)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def stop_if(stop: Callable[[], bool] | None) -> None:
    """Raise Cancelled when `stop` says the operator cancelled: long core work calls it
    between its steps."""
    if stop is not None and stop():
        raise Cancelled
