"""Restore points: the way back from an import without copying the whole store.

Why not a copy: a season's store grows to hundreds of megabytes while each day's
packages stay small, and a full copy before every import made the import's cost follow
the store (two seconds and 900 MB written for a store of a million versions, before a
package of a few thousand changes; a shared folder imports every few minutes).

Why a point is enough: the store's history (`versions`) is append-only (triggers refuse
UPDATE and DELETE) and numbered in local arrival order (`seq`); everything an import
changes besides it is either derived from the versions (winners, conflicts and the
domain tables, which `versions.rebuild` derives again) or one of a few small local
tables. So "the store as it was before the import" is fully described by the highest
`seq` and `change_sets.id` at that moment plus a copy of the small local tables, and a
point costs the same on a store of 10,000 versions as on one of 10 million.

A point lives in the backup folder beside the full copies, as a small SQLite file
(`*-import.point`), and is restored by building the earlier store from the current
one: copy it, drop the versions (and local change sets) that came after, put the small
tables back, derive the rest again. It therefore needs the store it was made from,
readable; it does not protect against a damaged file, which is what the daily, manual
and migration copies are for.

The clock (`clock_state`) is left as it is now: a hybrid clock must never go back,
whereas a full copy's restore would wind it back.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from hcc_desktop.core import sqlite as sq
from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.files import sync_file

#: Asked by long work whether the operator cancelled (None: nothing can cancel).
Stop = Callable[[], bool] | None

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: The file name's ending, which tells a point from a full copy (`.sqlite`).
SUFFIX = ".point"
FORMAT = 1

#: Local tables an import may change and that no version describes: copied whole (each
#: holds tens to a few thousand rows). `clock_state` is deliberately absent (see above).
SNAPSHOT_TABLES = (
    "stations",
    "operators",
    "peer_vectors",
    "settings",
    "import_log",
    "eei_elements",
)


@dataclass(frozen=True)
class Mark:
    """Where the store stood when the point was made."""

    revision: str
    site_id: str
    seq: int  # highest versions.seq, 0 for none
    version_id: str  # the id of that version, "" for none
    change_set: int  # highest change_sets.id, 0 for none


def _ro_uri(path: Path) -> str:
    """A read-only URI that survives spaces, '?' and '#' in folder names."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def _ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(_ro_uri(path), uri=True)


def _mark(conn: sqlite3.Connection) -> Mark:
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    site = conn.execute("SELECT site_id FROM stations WHERE is_self").fetchone()
    last = conn.execute("SELECT seq, id FROM versions ORDER BY seq DESC LIMIT 1").fetchone()
    change = conn.execute("SELECT max(id) FROM change_sets").fetchone()
    return Mark(
        revision=revision[0] if revision else "",
        site_id=site[0] if site else "",
        seq=int(last[0]) if last else 0,
        version_id=str(last[1]) if last else "",
        change_set=int(change[0] or 0),
    )


def is_point(path: Path) -> bool:
    """A restore point's file, not a full copy's (by the name's ending)."""
    return Path(path).suffix == SUFFIX


def make_point(store_path: Path, target: Path) -> Mark:
    """Write a point for the store at `store_path` (open or not; it is only read) to
    `target`, which must not exist (the caller syncs it and renames it into place). All
    of it is read in one transaction, so a write running meanwhile is either wholly
    before the point or wholly after it."""
    conn = sqlite3.connect(str(store_path), isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("ATTACH DATABASE ? AS point", (str(target),))
        conn.execute("BEGIN")
        try:
            mark = _mark(conn)
            for table in SNAPSHOT_TABLES:
                conn.execute(f"CREATE TABLE point.{table} AS SELECT * FROM main.{table}")
            conn.execute("CREATE TABLE point.point_mark (key TEXT PRIMARY KEY, value)")
            conn.executemany(
                "INSERT INTO point.point_mark VALUES (?, ?)",
                [("format", FORMAT), *vars(mark).items()],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("DETACH DATABASE point")
    finally:
        conn.close()
    return mark


def read_mark(point: Path) -> Mark:
    """The point's mark; StoreError when the file is not a readable point."""
    try:
        conn = _ro(point)
        try:
            rows = dict(conn.execute("SELECT key, value FROM point_mark").fetchall())
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{point}: not a readable restore point ({exc})") from None
    if rows.get("format") != FORMAT:
        raise StoreError(f"{point}: a restore point of an unknown format ({rows.get('format')})")
    return Mark(
        revision=str(rows["revision"]),
        site_id=str(rows["site_id"]),
        seq=int(rows["seq"]),
        version_id=str(rows["version_id"]),
        change_set=int(rows["change_set"]),
    )


def _refuse(point: Path, why: str) -> StoreError:
    return StoreError(
        f"{point.name}: this restore point cannot be used: {why}. A restore point rewinds "
        "the store it was made from; choose a full copy (daily, manual or before an "
        "upgrade) instead"
    )


def check_against(store_path: Path, point: Path) -> Mark:
    """The point's mark, once the store is shown to be the one it was made from and to
    still hold everything the point keeps; StoreError saying why otherwise."""
    mark = read_mark(point)
    try:
        conn = _ro(store_path)
        try:
            now = _mark(conn)
            at_seq = conn.execute("SELECT id FROM versions WHERE seq = ?", (mark.seq,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise _refuse(point, f"the store cannot be read ({exc})") from None
    if now.site_id != mark.site_id:
        raise _refuse(point, "it was made from another store")
    if now.revision != mark.revision:
        raise _refuse(point, "the store was upgraded to a newer schema since")
    if mark.seq and (at_seq is None or at_seq[0] != mark.version_id):
        raise _refuse(point, "the store no longer holds the history it was made on")
    if now.seq < mark.seq or now.change_set < mark.change_set:
        raise _refuse(point, "the store was put back to an earlier copy since")
    return mark


def _rederive(session: Session, touched: list[tuple[str, str]]) -> None:
    """Derive winners, conflicts and domain rows again for the records that later
    versions touched, from the versions that remain: what `versions.rebuild` does for
    the whole store, for these records only (a record left without versions is gone,
    a field left without versions is back to empty)."""
    from hcc_desktop.core.entities import ENTITIES
    from hcc_desktop.core.versions import recompute_units

    if not touched:
        return
    conn = session.connection()
    conn.exec_driver_sql(
        "CREATE TEMP TABLE rewound (entity TEXT, record_id TEXT, PRIMARY KEY (entity, record_id))"
    )
    conn.exec_driver_sql("INSERT INTO rewound VALUES (?, ?)", [tuple(t) for t in touched])
    for table in ("winners", "conflicts"):
        conn.exec_driver_sql(
            f"DELETE FROM {table} WHERE (entity, record_id) IN "
            "(SELECT entity, record_id FROM rewound)"
        )
    for name, entity in ENTITIES.items():
        conn.exec_driver_sql(
            f'DELETE FROM "{entity.table.name}" WHERE id IN '
            "(SELECT record_id FROM rewound WHERE entity = ?)",
            (name,),
        )
    keys = conn.exec_driver_sql(
        "SELECT DISTINCT v.entity, v.record_id, v.unit FROM versions v "
        "JOIN rewound r ON r.entity = v.entity AND r.record_id = v.record_id"
    ).all()
    recompute_units(session, [(k[0], k[1], k[2]) for k in keys])
    conn.exec_driver_sql("DROP TABLE temp.rewound")


@contextlib.contextmanager
def _versions_writable(conn: sqlite3.Connection) -> Iterator[None]:
    """Lift the append-only triggers for the rewind, and put them back as they were
    (their text is read from the store, so a later migration's wording is kept)."""
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'versions'"
    ).fetchall()
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield
    for _name, sql in triggers:
        conn.execute(sql)


#: Pages copied between two questions to a restore's `stop` (16 MiB of 4 KiB pages).
COPY_PAGES = 4096


def build_restored(store_path: Path, point: Path, out: Path, *, stop: Stop = None) -> None:
    """Write to `out` the store as it was when `point` was made: a consistent copy of the
    store with later versions and change sets removed, the small local tables put back
    and the derived tables derived again. The store itself is only read; on any failure
    nothing is left at `out`. `stop` is asked all along (the copy of a large store takes
    seconds) and ends the work with Cancelled once it says so."""
    mark = check_against(store_path, point)
    try:
        _rewind_copy(store_path, point, out, mark, stop)
    except (sqlite3.Error, SQLAlchemyError) as exc:
        _remove(out)
        sq.stop_if(stop)  # a statement interrupted by the cancel, not a damaged store
        raise _refuse(point, f"the store cannot be read whole ({exc})") from None
    except BaseException:
        _remove(out)
        raise
    for side in sq.side_files(out):
        side.unlink(missing_ok=True)
    sync_file(out)


def _remove(path: Path) -> None:
    for each in (path, *sq.side_files(path)):
        each.unlink(missing_ok=True)


def _rewind_copy(store_path: Path, point: Path, out: Path, mark: Mark, stop: Stop) -> None:
    from sqlalchemy.orm import Session  # the ORM: only when restoring

    src = _ro(store_path)
    try:
        dst = sqlite3.connect(Path(out).resolve().as_uri(), uri=True, isolation_level=None)
        try:
            src.backup(dst, pages=COPY_PAGES, progress=lambda *_: sq.stop_if(stop))
        finally:
            dst.close()
    finally:
        src.close()
    sq.stop_if(stop)
    dst = sqlite3.connect(Path(out).resolve().as_uri(), uri=True, isolation_level=None)
    try:
        with sq.interrupted_when(dst, stop):
            touched = _rewind(dst, point, mark)
    finally:
        dst.close()
    engine = sq.make_engine(out)
    try:
        with Session(engine) as session, session.begin(), sq.abandoned_when(session, stop):
            _rederive(session, touched)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
            with sq.interrupted_when(raw, stop):
                problems = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
    finally:
        engine.dispose()
    if problems != ["ok"]:
        raise _refuse(point, f"the store rebuilt from it fails SQLite's check ({problems[0]})")


def _rewind(dst: sqlite3.Connection, point: Path, mark: Mark) -> list[tuple[str, str]]:
    """In the copy: delete what came after the mark and put the point's small tables
    back, in one transaction; returns the records the deleted versions touched."""
    dst.execute("ATTACH DATABASE ? AS point", (_ro_uri(point),))
    dst.execute("BEGIN IMMEDIATE")
    touched = dst.execute(
        "SELECT DISTINCT entity, record_id FROM versions WHERE seq > ?", (mark.seq,)
    ).fetchall()
    with _versions_writable(dst):
        dst.execute("DELETE FROM versions WHERE seq > ?", (mark.seq,))
    later = (mark.change_set,)
    dst.execute("UPDATE change_sets SET undone_by = NULL WHERE undone_by > ?", later)
    dst.execute("DELETE FROM change_sets WHERE id > ?", later)
    for table in SNAPSHOT_TABLES:
        dst.execute(f"DELETE FROM main.{table}")
        dst.execute(f"INSERT INTO main.{table} SELECT * FROM point.{table}")
    dst.execute("COMMIT")
    dst.execute("DETACH DATABASE point")
    return touched
