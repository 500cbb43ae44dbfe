"""Fork server for the kill -9 tests (tests/sync/test_crash.py).

Started once per test module: it imports the program (about a second) and then, per
command read from stdin (one JSON object per line), forks a child that opens a store
and imports or exports a package. The child dies by SIGKILL either from itself, at the
N-th *step* (an SQL statement, a commit, a progress callback, a ZIP member write, an
fsync or a rename), or from this server after a delay. Forking keeps each trial at a
few milliseconds of overhead instead of a fresh interpreter's second.

Reply per command, one JSON line: {"killed": bool, "steps": int, "seconds": float}.
`steps` is only known when the child finished (a dry run with no kill point).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from hcc_desktop.core import migrations  # noqa: E402
from hcc_desktop.core.opening import open_store  # noqa: E402
from hcc_desktop.sync import exporter, importer  # noqa: E402

# As in tests/sync/conftest.py: the answer cannot change within a process.
migrations.known_revisions = functools.cache(migrations.known_revisions)  # type: ignore[method-assign]
migrations.head_revision = functools.cache(migrations.head_revision)  # type: ignore[method-assign]
migrations.known_revisions()
migrations.head_revision()


class Steps:
    """Counts steps once armed and kills this process at the chosen one."""

    def __init__(self, kill_at: int | None) -> None:
        self.kill_at = kill_at
        self.count = 0
        self.armed = False

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        if not self.armed:
            return
        self.count += 1
        if self.kill_at is not None and self.count >= self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


def _wrap(steps: Steps, func: Any) -> Any:
    """A step before and after `func`: a kill lands on either side of the syscall."""

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        steps()
        result = func(*args, **kwargs)
        steps()
        return result

    return wrapped


def child(cmd: dict[str, Any], report_fd: int) -> None:
    steps = Steps(cmd.get("kill_step"))
    event.listen(Engine, "before_cursor_execute", steps)
    event.listen(Engine, "commit", steps)
    event.listen(Session, "after_commit", steps)
    os.fsync = _wrap(steps, os.fsync)
    os.replace = _wrap(steps, os.replace)
    zipfile.ZipFile.writestr = _wrap(steps, zipfile.ZipFile.writestr)  # type: ignore[method-assign]
    zipfile.ZipFile.write = _wrap(steps, zipfile.ZipFile.write)  # type: ignore[method-assign]
    wall_ms = int(cmd["wall"])
    store = open_store(Path(cmd["store"]), wall=lambda: wall_ms)
    steps.armed = True

    def progress(done: int, total: int) -> bool:
        steps()
        return True

    if cmd["op"] == "import":
        importer.import_package(store, Path(cmd["package"]), progress=progress)
    else:
        exporter.export_package(store, Path(cmd["out"]), progress=progress)
    steps.armed = False
    store.close()
    os.write(report_fd, str(steps.count).encode())
    os._exit(0)


def serve() -> None:
    for line in sys.stdin:
        cmd = json.loads(line)
        rfd, wfd = os.pipe()
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(rfd)
            try:
                child(cmd, wfd)
            finally:
                os._exit(3)
        os.close(wfd)
        delay = cmd.get("delay")
        if delay is not None:
            time.sleep(delay)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        seconds = time.perf_counter() - start
        with os.fdopen(rfd, "rb") as fh:
            raw = fh.read()
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        reply = {
            "killed": killed,
            "code": code,
            "steps": int(raw) if raw else None,
            "seconds": seconds,
        }
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
