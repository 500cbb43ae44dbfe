"""Interchange → Import / Export EDXL-RM: a dropped message opens a preview that says
what importing would do and what was not understood; Cancel writes nothing; Import
creates the requests; a bad file ends in a dialog; a request exports schema-valid."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PySide6.QtWidgets import QWidget

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import requests
from hcc_desktop.gui import interop
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop import rm_dialog
from hcc_desktop.gui.interop.rm_dialog import RmExportDialog, RmImportDialog
from tests.interop.test_rm import REQUEST, assert_valid

pytestmark = pytest.mark.gui

SHOTS = Path(os.environ.get("HCC_SHOTS", "/tmp/shots"))
TIMEOUT = 15_000


def _dialog(qtbot: Any, parent: QWidget, cls: type) -> Any:
    qtbot.waitUntil(lambda: parent.findChild(cls) is not None, timeout=TIMEOUT)
    return parent.findChild(cls)


def _status(ctx: AppContext, rid: str) -> str | None:
    with ctx.store.read() as s:
        return requests.find_request(s, rid).status


@pytest.fixture
def message(tmp_path: Path) -> Path:
    f = tmp_path / "county-request.xml"
    f.write_text(REQUEST, encoding="utf-8")
    return f


def test_dropped_message_previews_then_imports(
    qtbot: Any, parent: QWidget, view: AppContext, message: Path, boxes: list
) -> None:
    before = dump_text(view.store)
    assert interop.handle_drop(parent, view, [message]) is True
    dialog = _dialog(qtbot, parent, RmImportDialog)
    text = dialog.detail.toPlainText()
    assert "RequestResource COUNTY-RR-77" in text
    assert "new request: 12 units Oxygen concentrators" in text
    assert "Funding not understood" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(SHOTS / "interop_import_rm.png"))
    dialog.reject()
    assert dump_text(view.store) == before
    interop.handle_drop(parent, view, [message])
    dialog = _dialog(qtbot, parent, RmImportDialog)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=TIMEOUT)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert boxes[-1][0] == rm_dialog.IMPORT_TITLE, boxes
    assert "New requests:" in boxes[-1][1]
    made = [
        r
        for r in requests.list_requests(view.store, incident_id=view.incident_id)
        if r.external_ref == "COUNTY-RR-77"
    ]
    assert len(made) == 2


def test_bad_message_ends_in_a_dialog(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list
) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text(
        '<RequestResource xmlns="urn:oasis:names:tc:emergency:EDXL:RM:1.0:msg"/>',
        encoding="utf-8",
    )
    before = dump_text(view.store)
    interop.handle_drop(parent, view, [bad])
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert "RequestResource/MessageID is missing" in boxes[-1][1]
    assert parent.findChild(RmImportDialog) is None
    assert dump_text(view.store) == before


def test_export_request_is_schema_valid(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    out = tmp_path / "rm.xml"
    monkeypatch.setattr(rm_dialog, "ask_save_path", lambda *_a: out)
    interop.export_rm(parent, view)
    dialog = _dialog(qtbot, parent, RmExportDialog)
    assert dialog.request.count() > 0
    found = next(
        i
        for i in range(dialog.request.count())
        if _status(view, dialog.request.itemData(i)) != "draft"
    )
    dialog.request.setCurrentIndex(found)
    dialog.envelope.setChecked(True)
    assert dialog.grab().save(str(SHOTS / "interop_export_rm.png"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert boxes[-1][0] == rm_dialog.EXPORT_TITLE, boxes
    kind = etree.QName(next(iter(etree.parse(str(out)).iter("{*}embeddedXMLContent")))[0])
    assert_valid(out.read_bytes(), kind.localname)
