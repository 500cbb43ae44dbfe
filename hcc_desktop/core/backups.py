"""Rolling backups of the store: a consistent copy once a day and before every schema
migration, a restore point before every package import, kept for a number of days, and
a restore that puts one back.

Why these moments: an import is the one operation that writes thousands of rows another
station made, a migration rewrites the schema in place, and a day is what an operator
can reconstruct from paper if everything else is lost. Copies sit beside the store, in
`<store stem>-backups/`, so a restore never crosses disks and an operator can find them.

An import gets a restore point (`restore_points`), not a copy: its cost follows the
package while a copy's follows the store, and it puts the store back exactly as the
import found it. A point needs the store it was made from, so the daily copy stays the
way back from a damaged file.

Retention keeps the newest `KEEP_RECENT` copies and points whatever their age (a shared
folder may import every ten minutes), the newest full copy of each day within
`keep_days`, and the newest full copy whatever its age, so the folder stays bounded (at
most `KEEP_RECENT + keep_days + 1` items) while a store that sat unopened for a month
still has its last copies, and points never push out the copies a damaged file needs.

Each copy is the SQLite file made with the online backup API (the store stays usable
while it runs) plus the station's key file, because a store without its key cannot sign
packages. Qt-free: the GUI, the command line and the folder sync call the same functions.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from hcc_desktop.core import restore_points
from hcc_desktop.core import sqlite as sq
from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.files import staged
from hcc_desktop.core.station import key_path_for

if TYPE_CHECKING:
    from hcc_desktop.core.store import Store

log = logging.getLogger("hcc_desktop.backups")

#: Days of daily copies kept (a store setting overrides it, see `keep_days`).
KEEP_DAYS = 14
#: Newest copies kept whatever their age or day.
KEEP_RECENT = 10
#: The store setting (local, never synchronised) that holds the number of days.
KEEP_DAYS_SETTING = "backup_keep_days"

DAILY = "daily"
IMPORT = "import"
MIGRATION = "migration"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
REASONS = (DAILY, IMPORT, MIGRATION, MANUAL, BEFORE_RESTORE)

_STAMP = "%Y%m%dT%H%M%SZ"
_COPY = ".sqlite"
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<at>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?-(?P<reason>[a-z-]+)"
    r"(?P<kind>\.sqlite|\.point)$"
)


@dataclass(frozen=True)
class Backup:
    path: Path
    at: datetime  # UTC
    reason: str
    size: int

    @property
    def key_path(self) -> Path:
        return key_path_for(self.path)

    @property
    def is_point(self) -> bool:
        """A restore point (see `restore_points`), not a copy of the whole file."""
        return restore_points.is_point(self.path)

    def describe(self) -> str:
        """'2026-11-20 14:15 daily, 3.2 MB' in local time, for a list a person reads."""
        local = self.at.astimezone()
        if self.is_point:
            return f"{local:%Y-%m-%d %H:%M} before an import (restore point of this store)"
        return f"{local:%Y-%m-%d %H:%M} {self.reason.replace('-', ' ')}, {_size(self.size)}"


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"  # pragma: no cover


def backup_dir(store_path: Path) -> Path:
    """`<folder>/<stem>-backups/` beside the store."""
    store_path = Path(store_path)
    return store_path.with_name(f"{store_path.stem}-backups")


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _target(store_path: Path, reason: str, at: datetime, kind: str = _COPY) -> Path:
    folder = backup_dir(store_path)
    stem = Path(store_path).stem
    base = f"{stem}-{at.strftime(_STAMP)}"
    path = folder / f"{base}-{reason}{kind}"
    n = 1
    while path.exists() or key_path_for(path).exists():
        path = folder / f"{base}-{n}-{reason}{kind}"
        n += 1
    return path


def make_backup(
    engine: Engine, store_path: Path, reason: str, *, now: datetime | None = None
) -> Path:
    """Copy the store (consistently, while it stays open) and its key into the backup
    folder; returns the copy's path. Written under a temporary name and renamed, so a
    crash never leaves a half copy that looks like a backup."""
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    store_path = Path(store_path)
    target = _target(store_path, reason, _now(now))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        sq.online_backup(engine, partial)
        key = key_path_for(store_path)
        if key.exists():
            shutil.copy2(key, key_path_for(target))
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        key_path_for(target).unlink(missing_ok=True)
        raise
    log.info("backup of %s (%s) written to %s", store_path, reason, target)
    return target


def make_point(store_path: Path, reason: str = IMPORT, *, now: datetime | None = None) -> Path:
    """Write a restore point of the store into the backup folder; returns its path.
    Written under a temporary name and renamed, as a copy is."""
    store_path = Path(store_path)
    target = _target(store_path, reason, _now(now), restore_points.SUFFIX)
    target.parent.mkdir(parents=True, exist_ok=True)
    with staged(target) as partial:
        partial.unlink(missing_ok=True)
        restore_points.make_point(store_path, partial)
    log.info("restore point of %s (%s) written to %s", store_path, reason, target)
    return target


def list_backups(store_path: Path) -> list[Backup]:
    """The store's backups, newest first."""
    folder = backup_dir(store_path)
    stem = Path(store_path).stem
    found = []
    if not folder.is_dir():
        return []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or match["stem"] != stem or not path.is_file():
            continue
        at = datetime.strptime(match["at"], _STAMP).replace(tzinfo=UTC)
        found.append(Backup(path, at, match["reason"], path.stat().st_size))
    found.sort(key=lambda b: (b.at, b.path.name), reverse=True)
    return found


def keep_days(store: Store | None) -> int:
    """The store's own setting if it has one (the preferences write it), else KEEP_DAYS."""
    if store is not None:
        try:
            value = int(store.get_setting(KEEP_DAYS_SETTING) or KEEP_DAYS)
        except ValueError:
            value = KEEP_DAYS
        return max(1, value)
    return KEEP_DAYS


def prune(
    store_path: Path,
    *,
    days: int = KEEP_DAYS,
    recent: int = KEEP_RECENT,
    now: datetime | None = None,
) -> list[Path]:
    """Delete the copies that fall out of the retention rule; returns what was deleted."""
    items = list_backups(store_path)
    keep = set(items[:recent])
    copies = [b for b in items if not b.is_point]
    keep.update(copies[:1])
    cutoff = _now(now) - timedelta(days=days)
    days_seen = set()
    for b in copies:
        if b.at < cutoff:
            continue
        day = b.at.astimezone().date()
        if day not in days_seen:
            days_seen.add(day)
            keep.add(b)
    removed = []
    for b in items:
        if b in keep:
            continue
        try:
            b.path.unlink()
            b.key_path.unlink(missing_ok=True)
            removed.append(b.path)
        except OSError as exc:  # a copy open in another program: try again next time
            log.warning("could not delete the old backup %s: %s", b.path, exc)
    removed.extend(_abandoned_partials(store_path, _now(now)))
    return removed


#: A copy still being written is never this old; one that is was cut off (the program
#: closed or the power went mid-copy) and only takes disk space.
PARTIAL_AGE = timedelta(hours=6)


#: What an interrupted write leaves in the backup folder: a full copy's `.partial`
#: and a restore point's `.tmp` (written through `files.staged`).
_UNFINISHED = (".partial", ".tmp")


def _abandoned_partials(store_path: Path, now: datetime) -> list[Path]:
    """Delete half-written copies and restore points left by an interrupted backup
    (`*.partial` with their key, `*.tmp`), once they are old enough that nothing can
    still be writing them."""
    folder = backup_dir(store_path)
    if not folder.is_dir():
        return []
    stem = Path(store_path).stem
    removed = []
    for path in folder.glob(f"{glob.escape(stem)}-*"):
        # The name without its ending must be one of this store's backups: a store
        # named "s" must not delete what "s-west" left.
        match = _NAME.match(path.stem) if path.suffix in _UNFINISHED else None
        if not match or match["stem"] != stem:
            continue
        try:
            written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if now - written < PARTIAL_AGE:
                continue
            path.unlink()
            final = path.with_suffix("")
            if not final.exists():  # the key copied for the copy that never finished
                key_path_for(final).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not delete the unfinished copy %s: %s", path, exc)
            continue
        removed.append(path)
    return removed


def daily(store: Store, *, now: datetime | None = None) -> Path | None:
    """Make today's copy unless there is a full copy from today already (any reason
    counts: a manual copy this morning is as good; a restore point is not), then prune.
    Returns the new copy."""
    if store.is_server:
        # An EOC server store (PostgreSQL) gets no copies from a seat, which cannot copy
        # the server's database: its backups (pg_dump, base backups) are the server
        # administrator's, as for every other database the EOC's IT runs.
        return None
    today = _now(now).astimezone().date()
    made = None
    made_today = (
        b.at.astimezone().date() == today for b in list_backups(store.path) if not b.is_point
    )
    if not any(made_today):
        made = make_backup(store.engine, store.path, DAILY, now=now)
    prune(store.path, days=keep_days(store), now=now)
    return made


def before_import(store: Store, *, now: datetime | None = None) -> Path | None:
    """The restore point to fall back on if an import brings in something unwanted. One
    that cannot be written (disk full) is logged and the import goes ahead: during an
    incident the packages matter more than the point, and the import is all-or-nothing
    by itself."""
    if store.is_server:
        return None  # the server's backups are its administrator's (see `daily`)
    try:
        made = make_point(store.path, IMPORT, now=now)
    except (OSError, sqlite3.Error) as exc:
        log.warning("no backup before the import into %s: %s", store.path, exc)
        return None
    prune(store.path, days=keep_days(store), now=now)
    return made


class BeforeImport:
    """The `before_write` of a batch of imports (see `importer.import_package`): one
    restore point, taken when the first package that will change the store is about to
    be applied, covers the whole batch; none when nothing in it is new."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.taken = False
        self.made: Path | None = None

    def __call__(self) -> Path | None:
        if not self.taken:
            self.taken = True
            self.made = before_import(self.store)
        return self.made


def before_migration(engine: Engine, store_path: Path, *, now: datetime | None = None) -> Path:
    """The copy that lets an operator go back to the previous program version. Unlike an
    import's, its failure stops the migration: a schema rewritten without a way back is
    the one change a station cannot undo."""
    try:
        return make_backup(engine, store_path, MIGRATION, now=now)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(
            f"{store_path}: cannot back up the store before upgrading its schema ({exc}); "
            "free some disk space or make its folder writable, then start again"
        ) from exc


def check_copy(path: Path, *, stop: restore_points.Stop = None) -> list[str]:
    """PRAGMA integrity_check on a copy, read-only; [] when sound. Raises Cancelled
    when `stop` says so during the check (seconds on a large copy)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        with sq.interrupted_when(conn, stop):
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.Error as exc:
        sq.stop_if(stop)  # interrupted by the cancel: not a finding about the copy
        return [str(exc)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


#: Bytes copied between two questions to a restore's `stop`.
COPY_CHUNK = 16 * 2**20


def _copy(source: Path, target: Path, stop: restore_points.Stop) -> None:
    """shutil.copy2, asking `stop` between chunks: a gigabyte copy takes seconds."""
    if stop is None:
        shutil.copy2(source, target)
        return
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(COPY_CHUNK):
            sq.stop_if(stop)
            dst.write(chunk)
    shutil.copystat(source, target)


def restore(
    store_path: Path,
    backup: Path,
    *,
    now: datetime | None = None,
    stop: restore_points.Stop = None,
) -> Path | None:
    """Put `backup` in place of the store, which must be closed. The store being
    replaced (damaged or not) is first moved into the backup folder as a
    `before-restore` copy, with its key and write-ahead log, so a restore can itself be
    undone. Returns where that copy went (None when there was no store).

    Raises StoreError when the backup itself fails the integrity check: restoring it
    would swap one damaged store for another. A restore point is rebuilt into the
    earlier store from the store it was made from, and refused (StoreError) when that
    store is missing, unreadable or not the one.

    `stop` is asked all through the checks and copies; once it says so the restore
    ends with Cancelled and the store as it was. It is not asked once the files start
    to be swapped: that last step is a few renames and must not stop half way.
    """
    store_path, backup = Path(store_path), Path(backup)
    point = restore_points.is_point(backup)
    problems = check_copy(backup, stop=stop)
    if problems:
        raise StoreError(f"{backup}: this backup is damaged too ({problems[0]}); choose another")
    if point and not store_path.exists():
        raise StoreError(
            f"{backup.name}: a restore point rewinds the store it was made from, and "
            f"{store_path} is gone; choose a full copy instead"
        )
    # Every copy that needs disk space is made before anything is moved: a full disk
    # then stops the restore with the store where it was. What follows is renames.
    partial = store_path.with_name(store_path.name + ".restoring")
    partial_key = key_path_for(partial)
    key = key_path_for(store_path)
    kept = _target(store_path, BEFORE_RESTORE, _now(now)) if store_path.exists() else None
    try:
        if point:
            partial.unlink(missing_ok=True)
            restore_points.build_restored(store_path, backup, partial, stop=stop)
        else:
            _copy(backup, partial, stop)
        if not point and key_path_for(backup).exists():
            shutil.copy2(key_path_for(backup), partial_key)
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            if key.exists():
                shutil.copy2(key, key_path_for(kept))
        sq.stop_if(stop)  # the last chance: from here on it is renames
    except BaseException:
        for left in (partial, partial_key, *((key_path_for(kept),) if kept else ())):
            left.unlink(missing_ok=True)
        raise
    wal, shm = sq.side_files(store_path)
    if kept is not None:
        os.replace(store_path, kept)
        if wal.exists():
            os.replace(wal, f"{kept}-wal")
    for side in (wal, shm):  # a stale log beside the restored copy would corrupt it
        side.unlink(missing_ok=True)
    os.replace(partial, store_path)
    if partial_key.exists():
        os.replace(partial_key, key)
    log.info("restored %s from %s (the replaced store is in %s)", store_path, backup, kept)
    return kept
