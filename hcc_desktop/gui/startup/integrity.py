"""The store's full integrity check, run once the window is up.

Start-up tests the file with SQLite's quick check (gui.startup.probe), which finds a
file broken by a disk fault or a torn copy; the full check also compares every index
with its table and reads the whole file, which on a store of a long response takes
longer than an operator should wait for the window. So it runs in the background after
the window has opened, and a store that fails it gets the same advice as a damaged
store at start: restore the most recent backup. The window stays usable meanwhile;
nothing is restored without the operator.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from hcc_desktop.gui.operations import QueryOp
from hcc_desktop.gui.startup.probe import Problem, full_check

log = logging.getLogger("hcc_desktop.startup")

TITLE = "The store is damaged"


def check_in_background(parent: QWidget, path: Path) -> None:
    """Run the full check of the store at `path`; a failure is a dialog on `parent`."""
    (
        QueryOp(parent, lambda _p: full_check(path), title="Integrity check not run")
        .success(lambda problem: _report(parent, problem))
        .failure(lambda exc: log.warning("integrity check of %s not run: %s", path, exc))
        .run_in_background()
    )


def message(problem: Problem) -> str:
    return (
        f"The store file {problem.path} fails SQLite's integrity check ({problem.detail}). "
        "This happens after a disk fault or when a copy was made while the program was "
        "writing.\n\nWhat you see may be incomplete, and changes may not be saved. Restore "
        "the most recent backup (File → Restore from backup…): copies are made every day "
        "and before every import, the damaged file is kept in the backup folder, and "
        "changes made since can be brought back by importing the latest packages from "
        "the other stations again."
    )


def _report(parent: QWidget, problem: Problem | None) -> None:
    if problem is None:
        return
    log.error("the store %s fails the integrity check: %s", problem.path, problem.detail)
    QMessageBox.critical(parent, TITLE, message(problem))
