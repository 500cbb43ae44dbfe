"""The error log: where a crash leaves its traceback, so an operator can send one file to
whoever supports the station instead of describing a window that has already closed.

Operators never see a console (the installed program is windowed), so an unhandled
exception must be written somewhere they can find and named in a message. The log is a
rotating file in the platform's user log folder (a few hundred KB at most, never
growing without bound on a workstation that runs for months), or in `HCC_LOG_DIR` when
that is set (tests, the self-test, a support technician who wants it on a USB stick).

Qt-free: the GUI passes a `show` callback that opens its dialog; the command line and
the launcher pass none and print the log path themselves.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from hcc_desktop import __version__
from hcc_desktop.paths import APP_NAME

LOG_DIR_ENV = "HCC_LOG_DIR"
LOG_FILE = f"{APP_NAME}.log"
LOGGER_NAME = "hcc_desktop"
#: 512 KB per file, four old files: enough for many tracebacks, small on any disk.
MAX_BYTES = 512 * 1024
BACKUP_COUNT = 4

#: What the GUI shows for an unhandled error: (one line about the error, the log file).
Show = Callable[[str, Path], None]

_handler: RotatingFileHandler | None = None
_lock = threading.Lock()


def log_dir() -> Path:
    """`HCC_LOG_DIR` if set, else the platform's user log folder (on Windows under
    %LOCALAPPDATA%, on Linux ~/.local/state, on macOS ~/Library/Logs)."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def log_path() -> Path:
    """The current log file (older ones are `<name>.1` ... `<name>.4` beside it)."""
    return log_dir() / LOG_FILE


def logger() -> logging.Logger:
    """The program's logger, writing to the log file once `setup()` has run."""
    return logging.getLogger(LOGGER_NAME)


def setup() -> Path:
    """Attach the rotating file handler to the program's logger (once per process) and
    return the log file's path. A folder that cannot be created (a locked-down profile)
    leaves the logger writing to stderr only: logging must never stop the program."""
    global _handler
    path = log_path()
    with _lock:
        if _handler is not None and Path(_handler.baseFilename) == path.resolve():
            return path
        log = logger()
        if _handler is not None:
            log.removeHandler(_handler)
            _handler.close()
            _handler = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
            )
        except OSError as exc:
            print(
                f"{APP_NAME}: cannot write the error log in {path.parent} ({exc})", file=sys.stderr
            )
            return path
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s")
        )
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        _handler = handler
    return path


def log_exception(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    *,
    where: str = "unhandled error",
) -> Path:
    """Write one traceback to the log and return the log file's path."""
    path = setup()
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    logger().error("%s in %s %s (Python %s):\n%s", where, APP_NAME, __version__,
                   sys.version.split()[0], text.rstrip())  # fmt: skip
    for h in logger().handlers:
        h.flush()
    return path


def describe(exc: BaseException) -> str:
    """One line for a person: the exception's class and message, never a traceback."""
    message = " ".join(str(exc).split())
    name = type(exc).__name__
    return f"{name}: {message}" if message else name


def install_excepthook(show: Show | None = None) -> Path:
    """Route unhandled exceptions (the main thread, other threads, and Qt slots, which
    PySide6 hands to sys.excepthook) to the log file, then to `show(summary, log file)`
    when given, else to one line on stderr naming the log. Returns the log file's path.
    `show` is called on the main thread only; errors in other threads are logged and
    printed, and the GUI learns of them through its workers' own failure signals.

    Calling it again replaces the previous hook (the GUI installs its dialog after the
    launcher installed the plain one). Ctrl+C keeps Python's own behaviour.
    """
    path = setup()

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            written = log_exception(exc_type, exc, tb)
        except Exception:  # the log itself failed: say what we can, where we can
            sys.__excepthook__(exc_type, exc, tb)
            return
        summary = describe(exc)
        # Only the main thread may open a dialog; an error in a worker (a QThreadPool
        # runnable reaches this hook on its own thread) is logged and printed.
        if show is not None and threading.current_thread() is threading.main_thread():
            try:
                show(summary, written)
                return
            except Exception:
                logger().exception("the error dialog itself failed")
        if sys.stderr is not None:
            print(f"{APP_NAME}: {summary}", file=sys.stderr)
            print(f"{APP_NAME}: the details are in {written}", file=sys.stderr)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
    return path


def shutdown() -> None:
    """Detach and close the log file (the self-test removes its scratch folder, which
    Windows refuses while the file is open)."""
    global _handler
    with _lock:
        if _handler is not None:
            logger().removeHandler(_handler)
            _handler.close()
            _handler = None


def log_caught(exc: BaseException, *, where: str) -> Path:
    """Log an exception that was caught and shown to the operator as a dialog (a failed
    start-up step, a failed self-test step), so support still gets the traceback."""
    return log_exception(type(exc), exc, exc.__traceback__, where=where)
