"""The GUI's one way to run work: `QueryOp` to read, `CollectionOp` to write (after
Anki's operations of the same names).

    CollectionOp(self, lambda _p: requests.set_status(...), title="Status not changed")
        .success(lambda _r: self.ctx.message.emit("Request moved"))
        .run_now()

    QueryOp(self, lambda _p: load_rows(store)).supersede("reload")
        .success(self._fill).run_in_background()

The function gets a `Progress`: long work calls `progress.step(done, total)`, which
raises `Cancelled` once the operator pressed Cancel on the progress dialog (shown by
`with_progress`, and only for work that outlasts workers.PROGRESS_DELAY_MS).

Errors end the same way everywhere unless a `.failure(cb)` hook takes them (forms that
show a refusal next to the field): a service's ValidationError is a warning that names
the field and says nothing was changed; another HccError (a refusal whose text names
the file or rule) is a critical dialog with that text; anything else is logged with
its traceback and shown as a critical dialog, never lost.

Where the work runs: reads always off the GUI thread, so no panel waits on SQLite.
Writes that move many rows (package import, the shared folder) use
`run_in_background()`; the store's writes are thread-safe (each `store.writing()`
opens its own session, SQLite in WAL mode) and AppContext relays the store's change
broadcast to the GUI thread. The GUI's small writes (one form, one status step, one log
line: a few milliseconds) use `run_now()` on the GUI thread: the caller learns the
outcome at once, so a form closes only on success and keeps its input on a refusal,
and the change-set reaches every panel before the operator's next keystroke.

On an EOC server every write runs through the window's writer (`use_writer`, set by
AppContext to `store.retrying`): a lost connection or a serialisation failure is tried
again before the operator hears of it. A server that stays unreachable ends in one
dialog that says so (never a traceback), and since the write failed the form or entry
line keeps what was typed, to save again once the server is back.

`supersede(key)` makes the newest query of one parent and key win: starting another
cancels the one in flight and its result is never delivered, so a fast incident switch
never shows stale rows.

`hold_reads()` / `release_reads()` keep panel reloads (queries with a supersede key)
from starting until the main window has painted its first frame: a worker thread
started earlier competes with the window's construction and painting for the
interpreter, so the operator would see the window later and its data no sooner. Held
queries still supersede one another, and `busy` counts them as running, so a panel
waiting for its first read says it is not loaded.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMessageBox, QWidget

from hcc_desktop.core.errors import HccError, ValidationError
from hcc_desktop.gui.reads import hold_reads, queue, reads_held, release_reads
from hcc_desktop.gui.workers import Cancelled, Job, Progress, describe

__all__ = [
    "Cancelled",
    "CollectionOp",
    "Job",
    "Progress",
    "QueryOp",
    "busy",
    "describe",
    "drop",
    "forget_writer",
    "hold_reads",
    "reads_held",
    "refusal_text",
    "release_reads",
    "server_lost",
    "show_error",
    "use_writer",
]

T = TypeVar("T")
log = logging.getLogger(__name__)

#: The newest job per parent and supersede key.
_latest: weakref.WeakKeyDictionary[QWidget, dict[Hashable, QueryOp[Any]]] = (
    weakref.WeakKeyDictionary()
)


#: How writes run: the newest writer installed (the window's AppContext), else at once.
Writer = Callable[[Callable[[], Any]], Any]
_writers: list[Writer] = []


def use_writer(writer: Writer) -> None:
    """Run every CollectionOp's work through `writer(work)` (AppContext: store.retrying)."""
    _writers.append(writer)


def forget_writer(writer: Writer) -> None:
    if writer in _writers:
        _writers.remove(writer)


def _write(work: Callable[[], T]) -> T:
    writer = _writers[-1] if _writers else None
    return writer(work) if writer is not None else work()


def server_lost(exc: BaseException) -> bool:
    """True when a write failed because the EOC server could not be reached (a lost or
    refused connection), as opposed to a refusal of what was written."""
    from hcc_desktop.core import pg  # the store's libraries: not before the first frame

    state = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return pg.is_transient(exc) and state not in ("40001", "40P01")


SERVER_LOST_TITLE = "EOC server unreachable"


def server_lost_text(title: str, exc: BaseException) -> str:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    why = f"\n\n({reason[0][:200]})" if reason else ""
    return (
        f"{title}: the EOC server cannot be reached.\n\n"
        "What you typed is still here: save it again once the status bar no longer says "
        "the server is unreachable. If the server stays down, tell the EOC's IT; the "
        "program keeps trying to reach it." + why
    )


def refusal_text(exc: ValidationError) -> str:
    """A refusal as the operator reads it: the field, why, and that nothing changed."""
    field = exc.field.replace("_", " ")
    return f"Not saved — {field}: {exc.message}.\n\nNothing was changed."


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """The default end of a failed operation (see the module docstring)."""
    if isinstance(exc, ValidationError):
        QMessageBox.warning(parent, title, refusal_text(exc))
    elif server_lost(exc):
        log.warning("%s: the server cannot be reached: %s", title, exc)
        QMessageBox.warning(parent, SERVER_LOST_TITLE, server_lost_text(title, exc))
    elif isinstance(exc, HccError):
        QMessageBox.critical(parent, title, str(exc))
    else:
        log.error("%s: unexpected failure", title, exc_info=exc)
        QMessageBox.critical(parent, title, f"{title}: {exc}")


class _Op(Generic[T]):
    """What both kinds share: callbacks, progress settings and how errors end."""

    _show_progress = False
    _cancellable = True
    _counts = ""
    #: Set when a newer query of the same key replaced this one.
    _stale = False

    def __init__(
        self, parent: QWidget | None, fn: Callable[[Progress], T], *, title: str = ""
    ) -> None:
        self._parent = parent
        self._fn = fn
        self._title = title
        self._label = ""
        self._on_success: Callable[[T], object] | None = None
        self._on_failure: Callable[[Any], object] | None = None
        self._failure_types: type[Exception] = Exception
        self._on_cancel: Callable[[], object] | None = None

    def success(self, cb: Callable[[T], object]) -> Any:
        """`cb(result)` on the GUI thread once the work is done."""
        self._on_success = cb
        return self

    def failure(self, cb: Callable[[Any], object], *, only: type[Exception] = Exception) -> Any:
        """`cb(exc)` instead of the error dialog, for failures of type `only` (a form
        takes `only=ValidationError` to show it beside the field; others still get
        the dialog)."""
        self._on_failure = cb
        self._failure_types = only
        return self

    def cancelled(self, cb: Callable[[], object]) -> Any:
        """`cb()` when the operator cancelled the work."""
        self._on_cancel = cb
        return self

    def with_progress(self, label: str = "", *, counts: str = "") -> Any:
        """Show a progress dialog with Cancel for work that takes a while; with
        `counts` ("rows") the bar shows "done of total rows" rather than a percentage."""
        self._show_progress = True
        self._label = label or self._title
        self._counts = counts
        return self

    def _succeed(self, result: T) -> None:
        if self._stale:
            return
        if self._on_success is not None:
            self._on_success(result)

    def _fail(self, exc: Exception) -> None:
        if self._stale:
            return
        if self._on_failure is not None and isinstance(exc, self._failure_types):
            self._on_failure(exc)
        else:
            show_error(self._parent, self._title or "Not done", exc)

    def _cancel(self) -> None:
        if self._stale:
            return
        if self._on_cancel is not None:
            self._on_cancel()

    def _start(self) -> Job:
        job = Job(
            self._fn,
            pool=QThreadPool.globalInstance(),
            title=self._label,
            parent_widget=self._parent,
            show_progress=self._show_progress,
            cancellable=self._cancellable,
            counts=self._counts,
        )
        job.finished.connect(self._succeed)
        job.failed.connect(lambda _msg: self._fail(job.error or RuntimeError(_msg)))
        job.cancelled.connect(self._cancel)
        return job


class QueryOp(_Op[T]):
    """Read off the GUI thread; the result comes back to `success` on the GUI thread."""

    def __init__(self, parent: QWidget, fn: Callable[[Progress], T], *, title: str = "") -> None:
        super().__init__(parent, fn, title=title)
        self._key: Hashable | None = None
        self._job: Job | None = None

    def supersede(self, key: Hashable) -> QueryOp[T]:
        """Newest wins among this parent's queries with `key` (panel reloads)."""
        self._key = key
        return self

    def run_in_background(self) -> Job | None:
        """Start the read now; a panel's reload (a query with a supersede key) waits
        while reads are held (`hold_reads`) and returns None. Work the operator asked
        for (a document, an export: no key) always starts at once."""
        if self._key is not None and self._parent is not None:
            lanes = _latest.setdefault(self._parent, {})
            old = lanes.get(self._key)
            if old is not None:
                old._stale = True  # a superseded result is never delivered
                if old._job is not None and not old._job.done:
                    old._job.cancel()
                    for sig in (old._job.finished, old._job.failed, old._job.cancelled):
                        sig.connect(old._job.deleteLater)
                elif old._job is not None:
                    old._job.deleteLater()
            lanes[self._key] = self
        if self._key is not None and queue(self):
            return None
        return self._launch()

    def _succeed(self, result: T) -> None:
        self._forget()
        super()._succeed(result)

    def _fail(self, exc: Exception) -> None:
        self._forget()
        super()._fail(exc)

    def _cancel(self) -> None:
        self._forget()
        super()._cancel()

    def _forget(self) -> None:
        """Leave the parent's lanes once done, before the result is delivered (which
        may start the next read of the same key). A finished read kept there held its
        parent for ever: the lanes are weakly keyed by the parent, but the read refers
        to it, so a closed panel and everything it showed were never freed."""
        if self._key is None or self._parent is None:
            return
        lanes = _latest.get(self._parent)
        if lanes is not None and lanes.get(self._key) is self:
            del lanes[self._key]
            if not lanes:
                del _latest[self._parent]

    def release(self) -> None:
        """Start a held reload, unless a newer one of the same key replaced it."""
        if not self._stale:
            self._launch()

    def _launch(self) -> Job:
        self._job = self._start()
        return self._job


def drop(parent: QWidget, key: Hashable) -> None:
    """Forget `parent`'s query with `key`: what it finds is no longer wanted."""
    op = _latest.get(parent, {}).pop(key, None)
    if op is not None:
        op._stale = True
        if op._job is not None:
            op._job.cancel()


def busy(parent: QWidget, key: Hashable) -> bool:
    """True while `parent`'s newest query with `key` runs (panels' is_loaded)."""
    op = _latest.get(parent, {}).get(key)
    return op is not None and (op._job is None or not op._job.done)


class CollectionOp(_Op[T]):
    """Write through a service; see the module docstring for which `run_*` to use."""

    _cancellable = False

    def with_progress(
        self, label: str = "", *, cancellable: bool = False, counts: str = ""
    ) -> CollectionOp[T]:
        """Show a progress dialog; Cancel only where the work can stop before it
        commits (a package import checks everything first), else it would promise
        "nothing written" after the fact."""
        super().with_progress(label, counts=counts)
        self._cancellable = cancellable
        return self

    def run_now(self) -> T | None:
        """Run on the GUI thread; the result, or None after a refusal (already shown
        or handed to the failure hook)."""
        try:
            result = _write(lambda: self._fn(Progress()))
        except Cancelled:
            self._cancel()
            return None
        except Exception as exc:  # every failure ends in the hook or a dialog
            self._fail(exc)
            return None
        self._succeed(result)
        return result

    def run_in_background(self) -> Job:
        fn = self._fn
        self._fn = lambda progress: _write(lambda: fn(progress))
        return self._start()
