"""Start-up shows the window's frame before it loads the store's libraries and opens the
store, when the store looks sound; anything doubtful gets its questions first, as
before. The frame then becomes the window on the store (or is closed unsaved when the
store is refused)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QApplication

from hcc_desktop import logs
from hcc_desktop.gui import app as gui_app
from hcc_desktop.gui import layout
from hcc_desktop.gui.settings import app_settings, set_application_names
from hcc_desktop.gui.startup import early, session
from hcc_desktop.gui.startup.dialogs import Action, BadStoreDialog
from tests.conftest import copy_store
from tests.store_faults import damage_pages

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    return copy_store(template_store, tmp_path / "eoc.sqlite")


def test_only_a_sound_looking_file_gets_the_early_frame(store_path: Path, tmp_path: Path) -> None:
    assert early.looks_openable(store_path)
    assert not early.looks_openable(tmp_path / "missing.sqlite")  # the welcome comes first
    assert not early.looks_openable(tmp_path)  # a folder
    text = tmp_path / "notes.sqlite"
    text.write_text("not a store", encoding="utf-8")
    assert not early.looks_openable(text)
    assert not early.looks_openable("postgresql://hcc@eoc-server/hcc_eoc")  # may ask a password
    other = QLockFile(f"{store_path}.lock")
    assert other.tryLock(0)
    try:
        assert not early.looks_openable(store_path)  # the locked-store dialog comes first
    finally:
        other.unlock()
    assert early.looks_openable(store_path)  # looking did not leave a lock behind
    assert not Path(f"{store_path}.lock").exists()


def test_the_frame_is_painted_before_the_store_opens_and_becomes_the_window(
    qtbot: Any, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    monkeypatch.setenv(gui_app.OPERATOR_ENV, "Dana Reyes")
    set_application_names()
    at_open: list[tuple[bool, bool, bool]] = []
    opening = session.open_store

    def open_store(*args: Any, **kwargs: Any) -> Any:
        frame = kwargs.get("parent")
        at_open.append((frame is not None, frame.isVisible(), frame._frame_shown))
        return opening(*args, **kwargs)

    monkeypatch.setattr(session, "open_store", open_store)
    seen: list[Any] = []

    def app_exec() -> int:
        windows = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"]
        visible = [w for w in windows if w.isVisible()]
        assert len(visible) == 1, "one window: the frame became it"
        window = visible[0]
        qtbot.waitUntil(window.all_loaded, timeout=20_000)
        seen.append((window.windowTitle(), window.attached(), len(window.panels)))
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(app_exec))
    assert gui_app.run(store_path, ["hcc-desktop"]) == 0
    assert at_open == [(True, True, True)]  # shown and painted before the store opened
    title, attached, panels = seen[0]
    assert title.startswith("hcc-desktop — ") and title != "hcc-desktop — " and attached
    assert panels == len(early_panels())


def early_panels() -> list[str]:
    from hcc_desktop.gui.panels.registry import PANELS

    return [s.DOCK_NAME for s in PANELS]


def test_a_refused_store_closes_the_frame_without_saving_its_layout(
    qtbot: Any, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store passes the header check but fails the probe (damaged): the bad-store
    dialog comes over the frame; Quit closes it and the operator's layout stays."""
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    set_application_names()
    settings = app_settings()
    settings.setValue(layout.KEY_STATE, b"the operator's own layout")
    damage_pages(store_path)  # the header stays, the b-trees break
    parents: list[str] = []

    def exec_(dialog: BadStoreDialog) -> int:
        parent = dialog.parentWidget()
        parents.append(parent.objectName() if parent is not None else "")
        dialog.buttons[Action.QUIT].click()
        return int(dialog.result())

    monkeypatch.setattr(BadStoreDialog, "exec", exec_)
    assert gui_app.run(store_path, ["hcc-desktop"]) == 0
    assert parents == ["mainWindow"]
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert app_settings().value(layout.KEY_STATE) == b"the operator's own layout"
    assert not Path(f"{store_path}.lock").exists()


_CHILD = """
import json, runpy, sys
import hcc_desktop.gui.main_window as mw
from PySide6.QtCore import QEvent, QObject
HEAVY = ("sqlalchemy", "numpy", "pyqtgraph", "reportlab", "alembic")
show = mw.MainWindow.show
def show_and_look(self):
    window = self
    class Look(QObject):
        def eventFilter(self, watched, event):
            if watched is window and event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                loaded = sorted(m for m in HEAVY if m in sys.modules)
                print(json.dumps({"loaded": loaded, "attached": window.attached()}), flush=True)
                import os
                os._exit(0)
            return False
    self._look = Look(self)
    self.installEventFilter(self._look)
    show(self)
mw.MainWindow.show = show_and_look
sys.argv = ["hcc-desktop", *sys.argv[1:]]
runpy.run_module("hcc_desktop", run_name="__main__", alter_sys=True)
"""


def test_the_first_frame_comes_before_the_store_libraries(store_path: Path, tmp_path: Path) -> None:
    """`python -m hcc_desktop --store S`: when the window first paints, SQLAlchemy, numpy,
    pyqtgraph and reportlab are not loaded yet, and the window is not on the store."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HCC_OPERATOR="Dana Reyes",
        HCC_SETTINGS_DIR=str(tmp_path / "settings"),
        HCC_LOG_DIR=str(tmp_path / "logs"),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
    )
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, "--store", str(store_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    first = json.loads(out.stdout.splitlines()[0])
    assert first == {"loaded": [], "attached": False}, out.stderr[-2000:]
