"""Opening the store for a GUI session, whatever state it is in, and the restore that
needs the store closed.

`open_store` loops until the operator has a usable store or chooses to quit: a missing
store gets the welcome dialog; a locked, read-only, damaged, foreign or too-new one gets
a dialog that says what happened and offers the ways out that fit (a read-only copy, a
restore from backup, another store). Nothing here lets an exception reach the operator
as a traceback: refusals from the store become the same dialogs.

A running copy holds a lock file (`<store>.lock`, QLockFile: it records the process and
host, and a lock left by a crashed copy is taken over automatically), because SQLite
alone would let two copies on one store write under two operators without complaint.

An EOC server (a `postgresql://` connection string instead of a file) is opened with
none of that: many seats open it at once by design, and a seat makes no lock file, no
daily copy and no read-only snapshot of it (the server's backups are its IT's). A
server that cannot be reached, or refuses the password, gets the same kind of dialog;
a remembered connection string without its password makes the program ask for it.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLockFile, QSettings
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from sqlalchemy import event

from hcc_desktop.core import backups, opening, restore_points
from hcc_desktop.core.errors import Cancelled, StoreError
from hcc_desktop.core.pgurl import redact
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.station import key_path_for
from hcc_desktop.core.store import Store
from hcc_desktop.gui import file_dialogs
from hcc_desktop.gui.startup import dialogs
from hcc_desktop.gui.startup.dialogs import Action
from hcc_desktop.gui.startup.early import STORE_KEY, Location, as_location
from hcc_desktop.gui.startup.early import preferred_store as preferred_store
from hcc_desktop.gui.startup.probe import Kind, Problem, classify, diagnose
from hcc_desktop.gui.startup.server_check import (
    ServerProblem,
    Trouble,
    check_server,
    has_password,
    with_password,
    without_password,
)
from hcc_desktop.paths import default_store_path

log = logging.getLogger("hcc_desktop.startup")

#: app.exec() returns this when the window closed to restore a backup and reopen.
RESTART_EXIT = 75
#: What the operator is told a seat does about the server's backups.
SERVER_BACKUPS = (
    "This window works on the EOC server. A seat makes no copies of the server and "
    "cannot restore one: the server's backups (pg_dump) are kept by the EOC's IT, who "
    "can restore one for every seat at once."
)


def describe_location(location: Location) -> str:
    """For titles and messages: the file, or the server without its password."""
    return redact(location) if isinstance(location, str) else str(location)


@dataclass
class Session:
    """A store opened for the GUI, with what must be released when the window closes."""

    store: Store
    #: The store the operator chose (for a read-only session, not the copy shown); an
    #: EOC server's connection string for a server.
    path: Location
    #: Set when the welcome dialog already asked who is signing in.
    actor: Actor | None = None
    read_only: bool = False
    #: One line for the status bar after opening (what the first start made).
    message: str = ""
    lock: QLockFile | None = None
    temp_dir: Path | None = None
    pending_restore: Path | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return describe_location(self.path)

    def close(self) -> None:
        self.store.close()
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None


#: The session the GUI is running on (for actions that need the chosen path or must
#: know the window shows a read-only copy).
current: Session | None = None


# ------------------------------------------------------------------ where


def remember_store(
    settings: QSettings, location: Location, *, remember_password: bool = False
) -> None:
    """The store to open at the next start. A server's password is kept only when the
    operator asked for it (QSettings is plain text in the account's profile); without
    it the program asks for the password at the start."""
    value = str(location)
    if isinstance(location, str) and not remember_password:
        value = without_password(location)
    settings.setValue(STORE_KEY, value)
    settings.sync()


# ------------------------------------------------------------------ locking


def lock_path(store_path: Path) -> Path:
    return Path(f"{store_path}.lock")


def acquire_lock(store_path: Path) -> tuple[QLockFile | None, Problem | None]:
    """The lock, or the problem of another copy holding it. A folder where no lock file
    can be made (read-only) yields neither: the probe reports that case."""
    lock = QLockFile(str(lock_path(store_path)))
    lock.setStaleLockTime(0)  # never by age: only a dead holder's lock is taken over
    if lock.tryLock(0):
        return lock, None
    if lock.error() != QLockFile.LockError.LockFailedError:
        return None, None
    info: Any = lock.getLockInfo()
    holder = ""
    if isinstance(info, tuple) and len(info) >= 3:
        pid, host, app = info[-3:]
        holder = f"{app or 'hcc-desktop'}, process {pid} on {host or 'this computer'}"
    return None, Problem(Kind.LOCKED, store_path, holder)


# ------------------------------------------------------------------ read-only


def _snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a store that may be in use or on a read-only share."""
    uri = source.resolve().as_uri()
    for suffix in ("?mode=ro", "?immutable=1"):
        try:
            src = sqlite3.connect(f"{uri}{suffix}", uri=True)
            try:
                dst = sqlite3.connect(target)
                try:
                    src.backup(dst)
                    return
                finally:
                    dst.close()
            finally:
                src.close()
        except sqlite3.Error:
            target.unlink(missing_ok=True)
    shutil.copyfile(source, target)


def make_query_only(store: Store) -> None:
    """Refuse every write from now on (SQLite's query_only pragma on each connection):
    a read-only window must not look as if it saved something."""
    store.engine.dispose()

    @event.listens_for(store.engine, "connect")
    def _query_only(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.execute("PRAGMA query_only=ON")


def open_read_only(path: Path) -> Session:
    """Open a private copy of the store and forbid writes to it. A copy rather than the
    file itself because opening a store writes (the journal, the catalog), which a
    read-only folder or another copy's lock would refuse."""
    temp = Path(tempfile.mkdtemp(prefix="hcc-read-only-"))
    try:
        copy = temp / path.name
        _snapshot(path, copy)
        key = key_path_for(path)
        if key.exists():
            shutil.copy2(key, key_path_for(copy))
        store = opening.open_store(copy, create=False)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    make_query_only(store)
    return Session(store, path, read_only=True, temp_dir=temp)


# ------------------------------------------------------------------ opening


def _open_writable(path: Path, lock: QLockFile | None) -> Session:
    """The day's first copy of the store is not made here: the window makes it once it
    is up, off the GUI thread (gui.app), since copying a large store would hold the
    window while the operator waits."""
    return Session(opening.open_store(path), path, lock=lock)


def _choose_other(parent: QWidget | None, path: Path) -> Path | None:
    return file_dialogs.save_file(
        parent,
        "Choose a store (an existing one, or a new file name)",
        file_dialogs.STORE,
        path.name,
        "Stores (*.sqlite);;All files (*)",
        beside=path,
        options=QFileDialog.Option.DontConfirmOverwrite,
    )


def _restoring(path: Path, chosen: Path) -> Path | None:
    """`backups.restore` with a "Restoring…" dialog while it runs (no window is open)."""
    from hcc_desktop.gui.startup.busy import run_with_busy_dialog

    what = "restore point" if restore_points.is_point(chosen) else "copy"
    return run_with_busy_dialog(
        "Restore from a backup",
        f"Restoring {path.name} from the {what} {chosen.name}…",
        lambda stop: backups.restore(path, chosen, stop=stop),
        cancel="Cancel",
    )


def _restore_offline(path: Path, parent: QWidget | None) -> bool:
    """Restore with the store closed (at start); True when a backup was put in place."""
    chosen = dialogs.choose_backup(path, parent)
    if chosen is None:
        return False
    try:
        _restoring(path, chosen)
    except Cancelled:
        QMessageBox.information(parent, "Restore cancelled", RESTORE_CANCELLED)
        return False
    except (StoreError, OSError) as exc:
        QMessageBox.warning(parent, "Restore failed", f"The store was not changed.\n\n{exc}")
        return False
    return True


def _server_problem(exc: StoreError, url: str) -> ServerProblem:
    """Why the server could not be opened, in the words of the connection test (which
    tells a refused password from an unreachable host); the store's own message when
    the test finds nothing wrong (a missing server key, a failed migration)."""
    if isinstance(exc, ServerProblem):
        return exc
    try:
        check_server(url)
    except ServerProblem as found:
        return found
    return ServerProblem(Trouble.OTHER, str(exc))


def ask_password(parent: QWidget | None, url: str, *, refused: bool = False) -> str | None:
    """The server's password, asked at the start when it was not remembered."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    why = "The password was refused. " if refused else ""
    text, ok = QInputDialog.getText(
        parent,
        "EOC server password",
        f"{why}Password for {redact(url)}:",
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def open_server(url: str, parent: QWidget | None = None) -> Session | Problem:
    """A session on the EOC server, or the problem to show. No lock file and no daily
    copy: every seat opens the server at once, and its backups are IT's. The change
    listener starts with the window (AppContext), which also hears it fail."""
    typed: str | None = None
    while True:
        location = with_password(url, typed) if typed else url
        try:
            return Session(opening.open_store(location), location)
        except StoreError as exc:
            problem = _server_problem(exc, location)
        if problem.trouble is Trouble.PASSWORD and not has_password(url):
            typed = ask_password(parent, url, refused=typed is not None)
            if typed:
                continue
        log.warning("cannot open the server %s: %s", redact(url), problem)
        return Problem(Kind.SERVER, url, str(problem))


def open_store(
    path: Location, settings: QSettings, *, parent: QWidget | None = None
) -> Session | None:
    """A usable session on the store at `path` (or on another the operator chose), or
    None when they chose to quit."""
    path = as_location(path)
    while True:
        if isinstance(path, str):
            opened = open_server(path, parent)
            if isinstance(opened, Session):
                return opened
            action = dialogs.ask_bad_store(opened, parent)
            if action is Action.QUIT:
                return None
            if action is Action.CHOOSE:
                other = _choose_other(parent, default_store_path())
                if other is not None:
                    path = other
                    remember_store(settings, path)
            continue
        problem = diagnose(path)
        if problem is not None and problem.kind is Kind.MISSING:
            from hcc_desktop.gui.startup.welcome import WelcomeDialog

            welcome = WelcomeDialog(path, parent)
            if not welcome.exec() or welcome.outcome is None:
                return None
            if welcome.server.isChecked():
                url = welcome.server_location()
                remember_store(
                    settings, url, remember_password=welcome.remember_password.isChecked()
                )
                return Session(
                    welcome.outcome.store,
                    url,
                    actor=welcome.actor(),
                    message=welcome.outcome.summary,
                )
            if welcome.store_path != path or settings.value(STORE_KEY):
                remember_store(settings, welcome.store_path)
            lock, _ = acquire_lock(welcome.store_path)
            return Session(
                welcome.outcome.store,
                welcome.store_path,
                actor=welcome.actor(),
                lock=lock,
                message=welcome.outcome.summary,
            )
        lock = None
        if problem is None:
            lock, problem = acquire_lock(path)
        if problem is None:
            try:
                return _open_writable(path, lock)
            except StoreError as exc:
                if lock is not None:
                    lock.unlock()
                problem = classify(exc, path)
        log.warning("cannot open %s: %s (%s)", path, problem.kind.value, problem.detail)
        action = dialogs.ask_bad_store(problem, parent)
        if action is Action.QUIT:
            return None
        if action is Action.READ_ONLY:
            try:
                return open_read_only(path)
            except (StoreError, OSError, sqlite3.Error) as exc:
                QMessageBox.warning(
                    parent, "Cannot open a read-only copy", f"{exc}\n\nChoose another way."
                )
        elif action is Action.RESTORE:
            _restore_offline(path, parent)
        elif action is Action.CHOOSE:
            other = _choose_other(parent, path)
            if other is not None:
                path = other
                remember_store(settings, path)
        # RETRY, or after any of the above: look at the (possibly new) store again


# ------------------------------------------------------------------ while running


def _exit_loop(code: int) -> None:
    app = QApplication.instance()
    if app is not None:
        app.exit(code)


#: Ends the window's event loop with `code` (tests, which run no loop, replace it: an
#: exit() with no loop running would end the next loop that starts instead).
leave_event_loop: Callable[[int], None] = _exit_loop


def restore_backup(parent: QWidget | None, ctx: Any = None) -> bool:
    """File → Restore from backup: choose a copy, then close the window so the store can
    be replaced and reopened (app.run does that when exec() returns RESTART_EXIT).
    Returns True when a restore was scheduled."""
    session = current
    if (ctx is not None and ctx.store.is_server) or (
        session is not None and isinstance(session.path, str)
    ):
        QMessageBox.information(parent, "Restore from a backup", SERVER_BACKUPS)
        return False
    path = Path(session.path) if session is not None else Path(ctx.store.path)
    if session is not None and session.read_only:
        QMessageBox.information(
            parent,
            "Restore from a backup",
            "This window shows a read-only copy. Close the copy of hcc-desktop that has the "
            "store open, then restore from this one.",
        )
        return False
    chosen = dialogs.choose_backup(path, parent, running=True)
    if chosen is None:
        return False
    if session is None:
        QMessageBox.warning(parent, "Restore from a backup", "No store is open here.")
        return False
    session.pending_restore = chosen
    leave_event_loop(RESTART_EXIT)
    return True


def backup_now(parent: QWidget | None, ctx: Any) -> Path | None:
    """A copy on demand (before a risky bulk edit, before carrying the laptop away)."""
    if ctx.store.is_server:
        QMessageBox.information(parent, "Back up now", SERVER_BACKUPS)
        return None
    try:
        made = backups.make_backup(ctx.store.engine, ctx.store.path, backups.MANUAL)
    except (OSError, sqlite3.Error) as exc:
        QMessageBox.warning(parent, "Backup failed", f"No copy was made: {exc}")
        return None
    QMessageBox.information(parent, "Backup made", f"The store was copied to\n{made}")
    return made


#: Said when an operator cancelled a restore before its files were swapped.
RESTORE_CANCELLED = "The restore was cancelled. The store was not changed."


def finish_restore(session: Session) -> str:
    """Carry out the restore scheduled by `restore_backup` (the store is closed by
    now); returns one line for the status bar (a cancel is said there too)."""
    chosen = session.pending_restore
    session.pending_restore = None
    if chosen is None:
        return ""
    try:
        kept = _restoring(Path(session.path), chosen)
    except Cancelled:
        return RESTORE_CANCELLED
    where = f"; the replaced store is kept as {kept.name}" if kept else ""
    return f"Restored the backup {chosen.name}{where}"
