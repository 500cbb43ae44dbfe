"""`hcc-desktop --self-test`: does this installation work, end to end, without touching
the operator's own store or settings?

It is what an installer (or CI, or a support technician on the phone) runs after
copying the program to a PC: a temporary store is seeded with the demo, a briefing PDF
is written (fonts, reportlab), a signed sync package is exported and imported into a
second temporary store (cryptography, the migrations), a backup is made and checked,
the main window is rendered offscreen to a PNG (Qt and its plugins), and the EOC server
driver (psycopg, libpq) is loaded. Each of these
is a place where a bundle can miss a file that running from source never notices.

Exit 0 with one summary line; otherwise exit 1 naming the step that failed (details in
the error log, whose path is printed).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hcc_desktop import __version__, logs
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor

T = TypeVar("T")
ACTOR = Actor("Self-test", "Duty Officer")
SHOT_SIZE = (1280, 800)


class StepFailed(Exception):
    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(f"{step}: {logs.describe(cause)}")
        self.step = step
        self.cause = cause


def _step(name: str, fn: Callable[[], T]) -> T:
    try:
        return fn()
    except Exception as exc:
        raise StepFailed(name, exc) from exc


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def run_steps(work: Path) -> str:
    """Every step in `work` (a scratch folder); the summary line. Raises StepFailed."""
    from hcc_desktop.core import backups

    a_path, b_path = work / "station-a.sqlite", work / "station-b.sqlite"
    store = _step("open store", lambda: open_store(a_path, station_name="Self-test hub"))
    try:

        def seed() -> Any:
            from hcc_desktop.demo import seed_demo

            return seed_demo(store, as_of=dt.datetime.now().astimezone(), actor=ACTOR)

        demo = _step("seed demo", seed)

        def briefing() -> Any:
            from hcc_desktop.reports.briefing import build_briefing

            out = work / "briefing.pdf"
            result = build_briefing(store, out, prepared_by=ACTOR, paper="letter")
            _check(out.read_bytes()[:5] == b"%PDF-", f"{out} is not a PDF")
            _check(result.pages >= 1, "the briefing has no pages")
            return result

        brief = _step("briefing PDF", briefing)

        def export() -> Any:
            from hcc_desktop.sync import exporter, trust

            trust.export_key(store, work / "hub.hcckey")
            return exporter.export_package(store, work / "hub.hccsync")

        package = _step("export package", export)
        copy = _step(
            "backup",
            lambda: backups.make_backup(store.engine, store.path, backups.MANUAL),
        )
        _step("backup", lambda: _check(backups.check_copy(copy) == [], f"{copy} is damaged"))
    finally:
        store.close()

    def join() -> Any:
        from hcc_desktop.sync import importer, trust

        with open_store(b_path, station_name="Self-test station") as other:
            trust.trust(other, work / "hub.hcckey")
            report = importer.import_package(other, package.path)
            _check(report.new == package.versions, f"imported {report.new} of {package.versions}")
            return report

    report = _step("import package", join)

    def screenshot() -> int:
        from hcc_desktop.gui.app import run

        shot = work / "window.png"
        code = run(b_path, ["hcc-desktop"], screenshot=shot, size=SHOT_SIZE)
        _check(code in (0, 2), f"screenshot mode exited with {code}")
        _check(shot.is_file() and shot.stat().st_size > 10_000, f"{shot} was not written")
        return code

    _step("screenshot", screenshot)
    libpq = _step("EOC server driver", _server_driver)
    members = getattr(demo, "members", "?")
    return (
        f"demo {members} members, briefing {brief.pages} pages, package of "
        f"{package.versions} versions imported ({report.new} new), backup checked, "
        f"window {SHOT_SIZE[0]}x{SHOT_SIZE[1]} rendered, server driver (libpq {libpq}) loaded"
    )


def _server_driver() -> str:
    """The PostgreSQL driver an EOC seat needs (psycopg and its libpq, SQLAlchemy's
    dialect): loaded and a statement compiled, no server contacted. A bundle that
    missed them would only fail when a seat first joins a server."""
    from sqlalchemy import select

    from hcc_desktop.core import models as m
    from hcc_desktop.core import pg

    engine = pg.make_engine("postgresql://self-test@127.0.0.1:9/self_test")
    try:
        sql = str(select(m.LogEntry.__table__).compile(dialect=engine.dialect))
        _check("log_entries" in sql, "the PostgreSQL dialect compiled nothing")
        import psycopg

        version = psycopg.pq.version()
        _check(version > 0, "psycopg has no libpq")
    finally:
        engine.dispose()
    return f"{version // 10000}.{version % 100}"


def main(argv: list[str] | None = None) -> int:
    """Run the self-test in a scratch folder that is removed afterwards (kept with
    --keep, for looking at the PDF and the picture)."""
    args = list(sys.argv[1:] if argv is None else argv)
    keep = "--keep" in args
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="hcc-self-test-"))
    # Never the operator's settings or error log; always offscreen (it must run on a
    # build machine without a display, and must not flash a window on a PC's screen).
    os.environ.setdefault("HCC_SETTINGS_DIR", str(scratch / "settings"))
    os.environ.setdefault(logs.LOG_DIR_ENV, str(scratch / "logs"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        summary = run_steps(scratch)
    except StepFailed as exc:
        written = logs.log_exception(type(exc.cause), exc.cause, exc.cause.__traceback__,
                                     where=f"self-test step {exc.step!r}")  # fmt: skip
        _say(f"hcc-desktop {__version__} self-test FAILED at {exc}", err=True)
        _say(f"hcc-desktop: details in {written} (scratch folder {scratch})", err=True)
        return 1
    finally:
        if not keep and os.environ.get(logs.LOG_DIR_ENV, "").startswith(str(scratch)):
            logs.shutdown()
    seconds = time.monotonic() - started
    _say(f"hcc-desktop {__version__} self-test passed in {seconds:.1f} s: {summary}")
    if keep:
        _say(f"hcc-desktop: kept {scratch}")
    else:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _say(line: str, *, err: bool = False) -> None:
    """Print, and log too: the windowed Windows build has no console to print to."""
    stream = sys.stderr if err else sys.stdout
    if stream is not None:
        print(line, file=stream, flush=True)
    logs.logger().info(line)
