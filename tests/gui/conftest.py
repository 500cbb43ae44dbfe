"""Fixtures of the GUI tests (pytest-qt, offscreen).

As in Spyder's tests, one fixture owns the main window: it builds it on a copy of a
populated store, waits until every panel has loaded, hands it to the test and closes
it afterwards (waiting for worker threads before the store closes). The populated
store is built once per session and copied per test, as Anki copies an empty
collection. Settings go to a per-test folder (HCC_SETTINGS_DIR), never to the user's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui import qtcheck
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.settings import SETTINGS_ENV, app_settings, set_application_names
from tests.conftest import FakeWall, copy_store
from tests.gui.builders import Scenario, build

LOAD_TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def _qt_binding_sound() -> None:
    """Fail with the fix instead of letting a broken binding abort the whole run."""
    fault = qtcheck.refcount_fault()
    if fault:
        pytest.fail(fault, pytrace=False)


@pytest.fixture(autouse=True)
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "settings"
    monkeypatch.setenv(SETTINGS_ENV, str(folder))
    return folder


@pytest.fixture(scope="session")
def scenario_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Scenario]:
    path = tmp_path_factory.mktemp("scenario") / "store.sqlite"
    with open_store(path, station_name="State EOC", wall=FakeWall()) as s:
        scenario = build(s, Actor("Dana Reyes", "Situation Unit Leader"))
    return path, scenario


@pytest.fixture
def scenario(scenario_template: tuple[Path, Scenario]) -> Scenario:
    return scenario_template[1]


@pytest.fixture
def populated_path(scenario_template: tuple[Path, Scenario], tmp_path: Path) -> Path:
    return copy_store(scenario_template[0], tmp_path / "populated.sqlite")


@pytest.fixture
def populated(populated_path: Path, wall: FakeWall) -> Iterator[Store]:
    s = open_store(populated_path, wall=wall)
    yield s
    s.close()


@pytest.fixture
def ctx(populated: Store, actor: Actor) -> Iterator[AppContext]:
    context = AppContext(populated, actor)
    yield context
    context.detach()


def open_window(qtbot: Any, ctx: AppContext, *, restore_layout: bool = True) -> Any:
    """A main window on `ctx`, shown at the default size, with every panel loaded."""
    from hcc_desktop.gui.main_window import MainWindow

    set_application_names()
    window = MainWindow(ctx, app_settings(), restore_layout=restore_layout)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitUntil(window.all_loaded, timeout=LOAD_TIMEOUT_MS)
    return window


def close_window(window: Any) -> None:
    window.close()
    QThreadPool.globalInstance().waitForDone(10_000)


@pytest.fixture
def main_window(qtbot: Any, ctx: AppContext) -> Iterator[Any]:
    window = open_window(qtbot, ctx)
    yield window
    close_window(window)


@pytest.fixture
def parent(qtbot: Any) -> Iterator[QWidget]:
    """A window for dialogs to open on; the thread pool is drained afterwards so no
    background job outlives the test's store."""
    w = QWidget()
    w.resize(1200, 800)
    qtbot.addWidget(w)
    yield w
    QThreadPool.globalInstance().waitForDone(10_000)


@pytest.fixture
def view(ctx: AppContext, scenario: Scenario) -> AppContext:
    """The context with the scenario's incident and last period in view."""
    ctx.set_incident(scenario.incident_id)
    ctx.set_period(scenario.periods)
    return ctx


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Message boxes shown, as (title, text), instead of blocking the test."""
    shown: list[tuple[str, str]] = []

    def record(_parent: Any, title: str, text: str, *_a: Any, **_k: Any) -> int:
        shown.append((title, text))
        return int(QMessageBox.StandardButton.Ok)

    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(record))
    return shown


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Texts that QInputDialog.getText returns, in order (then: cancelled)."""
    queue: list[str] = []

    def get_text(*_a: Any, **_k: Any) -> tuple[str, bool]:
        return (queue.pop(0), True) if queue else ("", False)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return queue


# The demo coalition for the preparedness dock tests (seeded only when a test asks).
from tests.gui.prep_demo import demo_store, demo_template, demo_window  # noqa: E402, F401
