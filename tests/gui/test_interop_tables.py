"""Members and EEI reports from CSV/XLSX (map columns, preview, import the rows kept,
report refusals with line and reason; Cancel writes nothing) and tables to CSV/XLSX."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar, QPushButton, QWidget

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei, organizations
from hcc_desktop.gui import interop, workers
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop import table_export_dialog, table_import_dialog
from hcc_desktop.gui.interop.table_export_dialog import TableExportDialog
from hcc_desktop.gui.interop.table_import_dialog import TableImportDialog
from hcc_desktop.interop import table_export
from hcc_desktop.interop.table_read import read_table
from tests.gui.builders import Scenario

pytestmark = pytest.mark.gui

SHOTS = Path(os.environ.get("HCC_SHOTS", "/tmp/shots"))
TIMEOUT = 15_000

MEMBERS_CSV = """Facility Name,Type,Membership,City,ZIP,Phone,Beds
Backus Hospital,Hospital,Core,Norwich,06360,860-889-8331,213
Broken Row,Spaceport,Core,Nowhere,06000,,
,Hospital,Core,Anywhere,06001,,
Windham Hospital,hospital,non-core,Willimantic,6226,,abc
Masonicare,Long-term care,Non-core,Wallingford,06492,,
Johnson Memorial Hospital,Hospital,Core,Stafford Springs,06076,,
"""


@pytest.fixture
def members_csv(tmp_path: Path) -> Path:
    path = tmp_path / "members.csv"
    path.write_text(MEMBERS_CSV, encoding="utf-8")
    return path


def _dialog(qtbot: Any, parent: QWidget, cls: type) -> Any:
    qtbot.waitUntil(lambda: parent.findChild(cls) is not None, timeout=TIMEOUT)
    return parent.findChild(cls)


def _open(qtbot: Any, parent: QWidget, ctx: AppContext, kind: str, path: Path, mp) -> Any:
    mp.setattr(table_import_dialog, "ask_open_path", lambda *_a: path)
    (interop.import_members if kind == "members" else interop.import_eei)(parent, ctx)
    return _dialog(qtbot, parent, TableImportDialog)


def _preview(qtbot: Any, dialog: TableImportDialog) -> None:
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=TIMEOUT)


def _rows(dialog: TableImportDialog) -> dict[int, tuple[str, str]]:
    m = dialog.rows.model
    return {int(m.index(r, 1).data()): (m.index(r, 2).data(), m.index(r, 3).data())
            for r in range(m.rowCount())}  # fmt: skip


def _untick(dialog: TableImportDialog, line: int) -> None:
    m = dialog.rows.model
    for r in range(m.rowCount()):
        if m.index(r, 1).data() == str(line):
            m.setData(m.index(r, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)


def test_members_mapping_preview_and_import_of_the_rows_kept(
    qtbot: Any, parent: QWidget, view: AppContext, members_csv: Path, boxes: list, monkeypatch
) -> None:
    dialog = _open(qtbot, parent, view, "members", members_csv, monkeypatch)
    assert dialog.columns.combos["name"].currentData() == "Facility Name"
    assert dialog.columns.combos["member_type"].currentData() == "Type"
    assert dialog.columns.combos["town"].currentData() == "City"
    assert dialog.columns.combos["phone"].currentData() == "Phone"
    # The operator decides the phone column is not to be imported.
    dialog.columns.combos["phone"].setCurrentIndex(0)
    _preview(qtbot, dialog)
    rows = _rows(dialog)
    assert {line for line, (state, _) in rows.items() if state == "accepted"} == {2, 6, 7}
    assert rows[3][1].startswith("member_type: expected one of")
    assert rows[4][1].startswith("name:")
    assert rows[5][1] == "beds: expected a whole number, got 'abc'"
    assert "3 rows accepted, 3 refused" in dialog.rows.summary.text()
    _untick(dialog, 6)
    assert dialog.chosen_lines() == {2, 7}
    assert dialog.next_button.text() == "Import 2 rows"
    dialog.next_button.click()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    title, text = boxes[-1]
    assert title == "Import members"
    assert "Imported 2 rows: 2 new" in text
    assert "line 3: member_type: expected one of" in text
    assert "line 5: beds: expected a whole number, got 'abc'" in text
    assert "Left out by you: lines 6" in text
    orgs = {o.name: o for o in organizations.list_organizations(view.store)}
    assert "Backus Hospital" in orgs and "Johnson Memorial Hospital" in orgs
    assert "Masonicare" not in orgs
    assert orgs["Backus Hospital"].phone is None  # unmapped column not imported


def test_members_back_and_cancel_write_nothing(
    qtbot: Any, parent: QWidget, view: AppContext, members_csv: Path, monkeypatch
) -> None:
    before = dump_text(view.store)
    dialog = _open(qtbot, parent, view, "members", members_csv, monkeypatch)
    _preview(qtbot, dialog)
    dialog.back_button.click()
    assert dialog.pages.currentIndex() == 0
    _preview(qtbot, dialog)
    dialog.cancel_button.click()
    assert dump_text(view.store) == before


def test_members_without_a_name_column_asks_for_one(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Site;Kind;Tier\nBackus Hospital;Hospital;Core\n", encoding="utf-8")
    dialog = _open(qtbot, parent, view, "members", path, monkeypatch)
    assert dialog.columns.combos["name"].currentData() is None
    dialog.next_button.click()
    assert boxes and "name" in boxes[-1][1]
    dialog.columns.combos["name"].setCurrentIndex(dialog.columns.combos["name"].findData("Site"))
    dialog.columns.combos["member_type"].setCurrentIndex(
        dialog.columns.combos["member_type"].findData("Kind")
    )
    _preview(qtbot, dialog)
    assert _rows(dialog) == {2: ("accepted", "")}
    dialog.reject()


def test_eei_long_layout_with_a_mapping(
    qtbot: Any,
    parent: QWidget,
    view: AppContext,
    scenario: Scenario,
    tmp_path: Path,
    boxes: list,
    monkeypatch,
) -> None:
    path = tmp_path / "eei.csv"
    path.write_text(
        "Site,Measure,Reading,Period\n"
        "Waterbury Hospital,BEDS_ADULT_ICU_AVAILABLE,3,3\n"
        "Waterbury Hospital,Facility status,Compromised,3\n"
        "Nowhere General,FACILITY_STATUS,Normal,3\n"
        "Sharon Hospital,BEDS_BURN_AVAILABLE,-1,3\n",
        encoding="utf-8",
    )
    dialog = _open(qtbot, parent, view, "eei", path, monkeypatch)
    assert dialog.columns.combos["facility"].currentData() is None  # "Site" is not a known name
    assert dialog.columns.combos["period"].currentData() == "Period"
    assert "Wide layout" in dialog.columns.layout_note.text()
    for role, column in (("facility", "Site"), ("element", "Measure"), ("value", "Reading")):
        dialog.columns.combos[role].setCurrentIndex(dialog.columns.combos[role].findData(column))
    assert "Long layout" in dialog.columns.layout_note.text()
    _preview(qtbot, dialog)
    rows = _rows(dialog)
    assert rows[2] == ("accepted", "") and rows[3] == ("accepted", "")
    assert rows[4] == ("refused", "facility: unknown facility 'Nowhere General'")
    assert rows[5][1].startswith("value of BEDS_BURN_AVAILABLE: expected a whole number")
    dialog.next_button.click()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert "Recorded 2 EEI values from 2 rows, awaiting validation" in boxes[-1][1]
    assert "line 4: Nowhere General FACILITY_STATUS: facility: unknown" in boxes[-1][1]
    got = {
        r.element_code: (r.value, r.source)
        for r in eei.reports_for_period(view.store, incident_id=scenario.incident_id, period=3)
        if r.source == "spreadsheet eei.csv"
    }
    assert got == {
        "BEDS_ADULT_ICU_AVAILABLE": (3, "spreadsheet eei.csv"),
        "FACILITY_STATUS": ("Compromised", "spreadsheet eei.csv"),
    }


def test_eei_wide_rows_are_kept_or_left_out_whole(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "Hospital,FACILITY_STATUS,BEDS_ADULT_ICU_AVAILABLE\n"
        "Waterbury Hospital,Normal,2\nSharon Hospital,Normal,1\n"
    )
    before = dump_text(view.store)
    dialog = _open(qtbot, parent, view, "eei", path, monkeypatch)
    _preview(qtbot, dialog)
    m = dialog.rows.model
    assert m.rowCount() == 4  # two values per facility row
    _untick(dialog, 2)
    assert dialog.chosen_lines() == {3}
    role = Qt.ItemDataRole.CheckStateRole
    states = [m.index(r, 0).data(role) for r in range(m.rowCount()) if m.index(r, 1).data() == "2"]
    assert states == [Qt.CheckState.Unchecked] * 2
    dialog.reject()
    assert dump_text(view.store) == before


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("broken.xlsx", b"PK\x03\x04 not a workbook", "not a readable XLSX workbook"),
        ("twice.csv", b"name,Name\nA,B\n", "appears twice in the header"),
    ],
)
def test_bad_spreadsheet_gives_a_dialog_and_changes_nothing(
    qtbot: Any,
    parent: QWidget,
    view: AppContext,
    tmp_path: Path,
    boxes: list,
    monkeypatch,
    name: str,
    content: bytes,
    expected: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = dump_text(view.store)
    monkeypatch.setattr(table_import_dialog, "ask_open_path", lambda *_a: path)
    interop.import_members(parent, view)
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert boxes[-1][0] == "Import members"
    assert name in boxes[-1][1] and expected in boxes[-1][1]
    assert parent.findChild(TableImportDialog) is None
    assert dump_text(view.store) == before


# -------------------------------------------------------------------- export


def _export(parent: QWidget, ctx: AppContext, out: Path | None, monkeypatch) -> Any:
    monkeypatch.setattr(table_export_dialog, "ask_save_path", lambda *_a: out)
    interop.export_table(parent, ctx)
    dialogs = parent.findChildren(TableExportDialog)
    assert len(dialogs) == 1, "an earlier export dialog is still open"
    return dialogs[0]


def test_export_members_csv_and_eei_grid_xlsx(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    out = tmp_path / "members.csv"
    dialog = _export(parent, view, out, monkeypatch)
    assert dialog.kind.currentData() == "members"
    assert not dialog.period.isEnabled()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    table = read_table(out)
    assert len(table.rows) == len(organizations.list_organizations(view.store))
    # The result box comes just before the dialog closes; it is deleted on close.
    qtbot.waitUntil(lambda: not parent.findChildren(TableExportDialog), timeout=TIMEOUT)
    out = tmp_path / "grid.xlsx"
    dialog = _export(parent, view, out, monkeypatch)
    dialog.kind.setCurrentIndex(dialog.kind.findData("eei"))
    assert dialog.period.isEnabled() and dialog.period.currentData() == 3
    dialog.period.setCurrentIndex(dialog.period.findData(2))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: len(boxes) == 2, timeout=TIMEOUT)
    grid = read_table(out)
    assert grid.headers[:5] == ["facility", "town", "period", "status", "reporting"]
    assert {cells["period"] for _, cells in grid.rows} == {"2"}
    assert "rows written to" in boxes[-1][1]


def test_export_table_defaults_to_the_focused_panel(
    qtbot: Any, parent: QWidget, view: AppContext, monkeypatch
) -> None:
    panel = QWidget(parent)
    panel.setObjectName("incidentLogPanel")
    inner = QWidget(panel)
    inner.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    parent.show()
    inner.setFocus()
    qtbot.waitUntil(lambda: inner.hasFocus(), timeout=TIMEOUT)
    assert table_export_dialog.focused_kind(parent) == "log"


def test_export_cancel_writes_nothing(
    parent: QWidget, view: AppContext, tmp_path: Path, monkeypatch
) -> None:
    dialog = _export(parent, view, None, monkeypatch)  # the file chooser is cancelled
    dialog.save_button.click()
    assert dialog.isVisible()
    dialog.reject()
    assert [p for p in tmp_path.iterdir() if p.suffix in (".csv", ".xlsx")] == []


def test_screenshots(
    qtbot: Any, parent: QWidget, view: AppContext, members_csv: Path, monkeypatch
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog = _open(qtbot, parent, view, "members", members_csv, monkeypatch)
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(SHOTS / "interop_members_mapping.png"))
    _preview(qtbot, dialog)
    assert dialog.grab().save(str(SHOTS / "interop_members_preview.png"))
    dialog.reject()
    qtbot.waitUntil(lambda: parent.findChild(TableImportDialog) is None, timeout=TIMEOUT)
    path = members_csv.with_name("eei.csv")
    path.write_text("facility,element,value\nWaterbury Hospital,FACILITY_STATUS,Normal\n")
    eei_dialog = _open(qtbot, parent, view, "eei", path, monkeypatch)
    qtbot.waitExposed(eei_dialog)
    assert eei_dialog.grab().save(str(SHOTS / "interop_eei_mapping.png"))
    eei_dialog.reject()
    export = _export(parent, view, None, monkeypatch)
    qtbot.waitExposed(export)
    assert export.grab().save(str(SHOTS / "interop_export_table.png"))
    export.reject()


def test_a_refused_export_gives_the_save_button_back(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    """A refusal by the service ends in a dialog, and the export dialog stays usable:
    the operator corrects the choice and saves again."""
    real, calls = table_export.export_table, []

    def refuse_once(*args: Any, **kwargs: Any) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise ValidationError("period", "no such operational period")
        return real(*args, **kwargs)

    monkeypatch.setattr(table_export, "export_table", refuse_once)
    out = tmp_path / "members.csv"
    dialog = _export(parent, view, out, monkeypatch)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert "no such operational period" in boxes[0][1]
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: len(boxes) == 2, timeout=TIMEOUT)
    assert out.is_file()


def test_a_big_import_counts_its_rows_and_offers_no_cancel(
    qtbot: Any, parent: QWidget, view: AppContext, members_csv: Path, boxes: list, monkeypatch
) -> None:
    """The import is one transaction: its progress dialog shows "done of total rows"
    from the service's progress callback and has no Cancel button to break a promise."""
    monkeypatch.setattr(workers, "PROGRESS_DELAY_MS", 0)
    gate, stepped = threading.Event(), threading.Event()
    real = table_import_dialog.commit_members

    def slow(*args: Any, progress: Any, **kwargs: Any) -> Any:
        progress(1, 3)
        stepped.set()
        gate.wait(10)
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(table_import_dialog, "commit_members", slow)
    dialog = _open(qtbot, parent, view, "members", members_csv, monkeypatch)
    _preview(qtbot, dialog)
    dialog.next_button.click()
    try:
        assert stepped.wait(10)
        progress = dialog.job.dialog
        assert progress is not None and progress.findChild(QPushButton) is None
        bar = progress.findChild(QProgressBar)
        qtbot.waitUntil(lambda: bar.value() == 1, timeout=TIMEOUT)
        assert bar.text() == "1 of 3 rows"
        assert not dialog.cancel_button.isEnabled() and not dialog.back_button.isEnabled()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert "Imported 3 rows: 3 new" in boxes[-1][1]
