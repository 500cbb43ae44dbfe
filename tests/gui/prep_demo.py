"""Fixtures of the preparedness dock tests: the demo coalition (with its year of
preparedness: an HVA, plans, two exercises, an AAR and its improvement plan), seeded
once per session and copied per test, with a main window on it in which the
preparedness docks are shown.

Made available to the GUI tests by conftest; the session store is seeded only when a
test asks for it, so the other GUI tests do not pay for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.demo.seed import seed_demo
from hcc_desktop.gui.context import AppContext
from tests.conftest import FakeWall, copy_store

AS_OF = dt.date(2026, 11, 18)  # the FakeWall's day


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with open_store(path, station_name="State EOC", wall=FakeWall()) as s:
        seed_demo(s, as_of=AS_OF)
    return path


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Iterator[Store]:
    s = open_store(copy_store(demo_template, tmp_path / "demo.sqlite"), wall=FakeWall())
    yield s
    s.close()


@pytest.fixture
def demo_window(qtbot: Any, demo_store: Store, actor: Actor) -> Iterator[Any]:
    from tests.gui.conftest import close_window, open_window

    context = AppContext(demo_store, actor)
    window = open_window(qtbot, context, restore_layout=False)
    yield window
    close_window(window)
    context.detach()


def show(window: Any, dock_name: str) -> Any:
    """Bring a preparedness dock forward as the View menu does; its panel."""
    window.show_dock(dock_name)
    return window.panels[dock_name]
