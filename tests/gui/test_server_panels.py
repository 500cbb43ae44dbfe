"""Every dock of the main window loads on an EOC server seat as it does on a file: the
demo coalition seeded on the server, every dock opened (the closed, tabbed ones too)
and read, and none says it could not load or raises a dialog. A read that works on
SQLite and not on PostgreSQL (a JSON column psycopg decodes, a function spelled
differently) shows up here rather than on the first seat that opens that dock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.demo.seed import seed_demo
from hcc_desktop.gui import operations
from hcc_desktop.gui.context import AppContext
from tests.gui.conftest import LOAD_TIMEOUT_MS, close_window, open_window
from tests.pg.conftest import (  # noqa: F401  (fixtures)
    new_database,
    pg_admin,
    pg_template,
    pg_url,
    server_url,
)

ACTOR = Actor("Dana Reyes", "Situation Unit Leader")


@pytest.fixture
def op_failures(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every background operation that failed, whatever the panel then shows of it
    (a status-bar line, a note in the dock, a dialog)."""
    seen: list[str] = []
    fail = operations._Op._fail

    def recorded(self: Any, exc: Exception) -> None:
        seen.append(f"{self._title}: {exc.__class__.__name__}: {exc}")
        fail(self, exc)

    monkeypatch.setattr(operations._Op, "_fail", recorded)
    return seen


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes recorded instead of shown (a modal box would hang the test)."""
    seen: list[str] = []

    def record(kind: str) -> Any:
        def box(_parent: Any, title: str, text: str, *args: Any, **kw: Any) -> Any:
            seen.append(f"{kind}: {title}: {text}")
            return QMessageBox.StandardButton.Ok

        return staticmethod(box)

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))
    return seen


def test_every_dock_loads_on_a_server_seat(
    qtbot: Any,
    server_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dialogs: list[str],
    op_failures: list[str],
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    store = open_store(server_url, station_name="EOC server", live=False)
    try:
        seed_demo(store, as_of=dt.date(2026, 11, 18))
        ctx = AppContext(store, ACTOR)
        said: list[str] = []
        ctx.message.connect(said.append)
        window = open_window(qtbot, ctx)
        try:
            for dock in window.docks.values():
                dock.show()
                dock.raise_()
            for panel in window.panels.values():
                panel.reload()
            qtbot.waitUntil(window.all_loaded, timeout=LOAD_TIMEOUT_MS)
            qtbot.wait(200)  # late fills and their status-bar lines
            assert op_failures == [], op_failures
            failures = [s for s in said if "not loaded" in s or "could not" in s.lower()]
            assert failures == [], failures
            assert dialogs == [], dialogs
            assert len(window.panels) >= 10  # the registry's docks, not a subset
        finally:
            close_window(window)
    finally:
        store.close()
