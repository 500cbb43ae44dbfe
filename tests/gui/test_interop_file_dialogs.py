"""Interchange file dialogs open where the operator's files are: beside the store the
first time, then in the folder the last interchange file came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop import common

pytestmark = pytest.mark.gui


class _Window(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx


def test_open_and_save_start_beside_the_store_then_remember(
    qtbot: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _Window(ctx)
    qtbot.addWidget(window)
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    asked: list[str] = []

    def open_name(_p: Any, _t: str, folder: str, *_a: Any, **_k: Any) -> tuple[str, str]:
        asked.append(folder)
        return str(feeds / "alert.xml"), ""

    def save_name(_p: Any, _t: str, suggested: str, *_a: Any, **_k: Any) -> tuple[str, str]:
        asked.append(str(Path(suggested).parent))
        return str(feeds / "members"), "Excel (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(open_name))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    assert common.ask_open_path(window, "Import alert", "CAP (*.xml)") == feeds / "alert.xml"
    assert Path(asked[0]) == ctx.store.path.parent
    saved = common.ask_save_path(window, "Export", "members.xlsx", "Excel (*.xlsx)", ".csv")
    assert saved == feeds / "members.xlsx"  # the suffix of the chosen filter
    assert Path(asked[1]) == feeds
