"""Help → User guide shows the bundled guide with its pictures; Help → About names the
version, store, station, fingerprint and the licences of the bundled data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from hcc_desktop import __version__
from hcc_desktop.gui.dialogs import help_dialog
from hcc_desktop.paths import docs_dir, user_guide


def test_the_guide_opens_rendered_with_its_images(qtbot: Any) -> None:
    dialog = help_dialog.open_user_guide(None)
    assert dialog is not None
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert "hcc-desktop user guide" in text and "What the error messages mean" in text
    dialog.close()


def test_every_picture_the_guide_names_exists_and_is_small() -> None:
    names = re.findall(r"\]\((images/[^)]+\.png)\)", user_guide().read_text(encoding="utf-8"))
    assert len(names) >= 4
    for name in names:
        path = docs_dir() / name
        assert path.is_file(), name
        assert path.stat().st_size < 300_000, f"{name} is {path.stat().st_size} bytes"


def test_about_names_the_station_and_the_licences(
    qtbot: Any, ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    help_dialog.show_about(None, ctx)
    text = shown[0]
    assert __version__ in text
    assert ctx.store.station_name in text
    assert ctx.store.identity.fingerprint in text
    assert str(ctx.store.path) in text
    for word in ("HIFLD", "DejaVu", "us-atlas", "LGPL"):
        assert word in text
