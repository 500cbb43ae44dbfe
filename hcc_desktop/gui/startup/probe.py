"""What is wrong with a store file, found before the program tries to use it, so the
operator gets a sentence about their situation instead of a traceback.

Qt-free and read-only: the file is opened with SQLite's `mode=ro` (or `immutable=1`
where even that needs a writable folder), so probing a store held by another copy or
sitting on a read-only share changes nothing.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the store's modules load SQLAlchemy: imported where used (dialogs)
    from hcc_desktop.core.errors import StoreError


class Kind(StrEnum):
    MISSING = "missing"  # no store yet: the first start
    LOCKED = "locked"  # another running copy has it open
    READ_ONLY = "read-only"  # the file or its folder cannot be written
    CORRUPT = "corrupt"  # fails SQLite's integrity check, or not readable as SQLite
    NEWER = "newer"  # written by a newer program (unknown schema revision)
    NOT_STORE = "not-store"  # some other file
    KEY_MISSING = "key-missing"  # the store is fine, its station key is gone
    SERVER = "server"  # an EOC server that cannot be reached or used as given
    OTHER = "other"  # any other refusal from open_store


@dataclass(frozen=True)
class Problem:
    kind: Kind
    #: The store file, or an EOC server's connection string.
    path: Path | str
    #: One line for a person (the SQLite message, the holder of the lock, ...).
    detail: str = ""


def writable(path: Path) -> bool:
    """The file and its folder (SQLite writes `-wal` and `-shm` files beside it)."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def _connect(path: Path) -> sqlite3.Connection:
    """Read-only; `immutable=1` when the folder forbids even the shared-memory file."""
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        return sqlite3.connect(f"{uri}?immutable=1", uri=True)


def diagnose(path: Path, *, check_integrity: bool = True) -> Problem | None:
    """The first problem found with the store at `path`, or None when it can be opened
    for writing. The lock held by another copy is the caller's to test (it is a Qt lock
    file, see session.py).

    The integrity test here is SQLite's quick check (every page and b-tree, not the
    agreement of each index with its table): it is what start-up can afford while the
    operator waits, and it finds a file broken by a disk fault or a torn copy. The full
    check runs once the window is up, off the GUI thread (`full_check`)."""
    from hcc_desktop.core import migrations
    from hcc_desktop.core.station import key_path_for

    path = Path(path)
    if not path.exists():
        return Problem(Kind.MISSING, path)
    if path.is_dir():
        return Problem(Kind.NOT_STORE, path, "this is a folder, not a store file")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return Problem(Kind.READ_ONLY, path, f"cannot read it ({exc.strerror})")
    if size == 0:
        return None if writable(path) else Problem(Kind.READ_ONLY, path, "empty and read-only")
    if head != b"SQLite format 3\x00":
        return Problem(Kind.NOT_STORE, path, "not an SQLite file")
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        return Problem(Kind.CORRUPT, path, str(exc))
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" in tables:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if revision and revision[0] not in migrations.known_revisions():
                return Problem(
                    Kind.NEWER, path, f"schema revision {revision[0]} is unknown to this version"
                )
        elif tables:
            return Problem(Kind.NOT_STORE, path, "an SQLite file, but not an hcc-desktop store")
        if check_integrity:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(20)").fetchall()]
            if rows != ["ok"]:
                return Problem(Kind.CORRUPT, path, rows[0] if rows else "integrity check failed")
    except sqlite3.DatabaseError as exc:
        return Problem(Kind.CORRUPT, path, str(exc))
    finally:
        conn.close()
    if not writable(path):
        return Problem(Kind.READ_ONLY, path, "the file or its folder is read-only for you")
    if tables and not key_path_for(path).exists():
        return Problem(
            Kind.KEY_MISSING, path, f"{key_path_for(path).name} is missing beside the store"
        )
    return None


def full_check(path: Path) -> Problem | None:
    """SQLite's full integrity check of the store at `path` (indexes against their
    tables too), on its own read-only connection: None when sound. It reads the whole
    file, so the window runs it in the background after start-up."""
    try:
        conn = _connect(Path(path))
    except sqlite3.Error as exc:
        return Problem(Kind.CORRUPT, Path(path), str(exc))
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)").fetchall()]
    except sqlite3.DatabaseError as exc:
        return Problem(Kind.CORRUPT, Path(path), str(exc))
    finally:
        conn.close()
    if rows == ["ok"]:
        return None
    return Problem(Kind.CORRUPT, Path(path), rows[0] if rows else "integrity check failed")


def classify(exc: StoreError, path: Path) -> Problem:
    """A refusal from open_store as a Problem, for what the probe could not foresee
    (a lock taken between probe and open, a key of another station)."""
    from hcc_desktop.core.migrations import NewerStoreError

    text = str(exc)
    if isinstance(exc, NewerStoreError):
        return Problem(Kind.NEWER, path, f"schema revision {exc.revision} is unknown here")
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return Problem(Kind.LOCKED, path, "another program is writing to it")
    if "readonly" in lowered or "read-only" in lowered:
        return Problem(Kind.READ_ONLY, path, text)
    if "damaged" in lowered or "malformed" in lowered or "not a database" in lowered:
        return Problem(Kind.CORRUPT, path, text)
    if "not an hcc-desktop store" in lowered:
        return Problem(Kind.NOT_STORE, path, text)
    if "private key is missing" in lowered:
        return Problem(Kind.KEY_MISSING, path, text)
    return Problem(Kind.OTHER, path, text)
