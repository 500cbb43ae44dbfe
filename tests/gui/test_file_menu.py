"""The File menu's sync and print items, and files dropped on the window, reach the same
operations the Sync dock and the CLI use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from hcc_desktop.core import dump
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.gui.actions import MENUS, ActionId, MenuId
from hcc_desktop.sync import exporter, trust
from tests.conftest import FakeWall


def _menu_texts(window: Any, menu: MenuId) -> list[str]:
    return [a.text().replace("&", "") for a in window.menus[menu].actions() if a.text()]


def test_file_menu_offers_sync_and_printing(main_window: Any) -> None:
    texts = _menu_texts(main_window, MenuId.FILE)
    for wanted in ("Export package…", "Import package…", "Print briefing…", "Preferences…"):
        assert wanted in texts
    assert set(MENUS[MenuId.INTERCHANGE]) >= {ActionId.IMPORT_ALERT, ActionId.EXPORT_HAVE}


def test_export_package_from_the_menu_writes_a_signed_package(
    qtbot: Any, main_window: Any, tmp_path: Path, boxes: list[tuple[str, str]], monkeypatch
) -> None:
    out = tmp_path / "state.hccsync"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), ""))
    )
    monkeypatch.setattr(QDialog, "exec", lambda self: int(QDialog.DialogCode.Accepted))
    main_window.actions_[ActionId.EXPORT_PACKAGE].trigger()
    qtbot.waitUntil(out.exists, timeout=15_000)
    qtbot.waitUntil(lambda: bool(boxes), timeout=15_000)
    assert boxes[-1][0] == "Package exported", boxes


def _peer_package(main_window: Any, tmp_path: Path) -> Path:
    """A package from another station that this window's store trusts."""
    other_path = tmp_path / "region.sqlite"
    with open_store(other_path, station_name="Region 2 HCC", wall=FakeWall()) as other:
        from hcc_desktop.core.services import organizations

        organizations.add_organization(
            other,
            actor=Actor("Lee Park", "Coordinator"),
            name="Windham Hospital",
            member_type="hospital",
            membership="core",
        )
        key = tmp_path / "region.hcckey"
        trust.export_key(other, key)
        trust.trust(main_window.ctx.store, key)
        out = tmp_path / "region.hccsync"
        exporter.export_package(other, out)
    return out


def test_dropping_a_package_imports_it(
    qtbot: Any, main_window: Any, tmp_path: Path, boxes: list[tuple[str, str]]
) -> None:
    package = _peer_package(main_window, tmp_path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(package))])
    event = QDropEvent(
        QPointF(QPoint(50, 50)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    main_window.dropEvent(event)
    qtbot.waitUntil(lambda: bool(boxes), timeout=15_000)
    assert boxes[-1][0] == "Package imported", boxes
    assert "Windham Hospital" in dump.dump_text(main_window.ctx.store)


def test_dropping_an_unknown_file_says_so_and_changes_nothing(
    main_window: Any, tmp_path: Path, boxes: list[tuple[str, str]], monkeypatch
) -> None:
    import hcc_desktop.gui.drops as drops
    import hcc_desktop.gui.interop as interop

    monkeypatch.setattr(interop, "handle_drop", lambda *_a, **_k: False)
    before = dump.dump_text(main_window.ctx.store)
    stray = tmp_path / "notes.docx"
    stray.write_bytes(b"PK\x03\x04")
    assert drops.route_drop(main_window, [stray]) is False
    assert boxes and "notes.docx" in boxes[-1][1]
    assert dump.dump_text(main_window.ctx.store) == before


def test_sync_folder_now_without_a_folder_explains_where_to_set_it(
    main_window: Any, boxes: list[tuple[str, str]]
) -> None:
    main_window.actions_[ActionId.SYNC_FOLDER_NOW].trigger()
    assert boxes and boxes[-1][0] == "No shared folder"
    assert "Preferences" in boxes[-1][1]


@pytest.mark.parametrize(
    ("action", "dialog"),
    [
        (ActionId.PRINT_BRIEFING, "BriefingDialog"),
        (ActionId.PRINT_ICS214, "Ics214Dialog"),
        (ActionId.PRINT_HICS251, "Hics251Dialog"),
    ],
)
def test_print_items_open_their_dialog(
    qtbot: Any, main_window: Any, action: ActionId, dialog: str
) -> None:
    main_window.actions_[action].trigger()
    shown = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == dialog]
    assert shown, f"{action} opened no {dialog}"
    for w in shown:
        w.close()


def test_back_up_now_makes_a_copy_that_opens_as_a_store(
    main_window: Any, boxes: list[tuple[str, str]]
) -> None:
    main_window.actions_[ActionId.BACKUP_NOW].trigger()
    assert boxes and boxes[-1][0] == "Backup made", boxes
    copy = Path(boxes[-1][1].split("\n", 1)[1])
    assert copy.exists()
    with open_store(copy) as restored:
        assert dump.dump_text(restored) == dump.dump_text(main_window.ctx.store)


def test_preferences_and_about_open_from_the_menus(main_window: Any, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    opened: list[str] = []

    def fake_exec(self: Any) -> int:
        opened.append(self.objectName() or type(self).__name__)
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(QDialog, "exec", fake_exec)
    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    main_window.actions_[ActionId.PREFERENCES].trigger()
    main_window.actions_[ActionId.ABOUT].trigger()
    assert len(opened) == 2, opened
    assert "aboutDialog" in opened
