"""Issue 17 (2, 3): every save shows its result where the operator looks, and a refusal
is said beside the work, once, in the operator's words.

The log: a new entry is selected, scrolled into view and flashed, the status bar says
what was logged, an empty line says why nothing was logged, and a red line clears
when the next entry is logged. The EEI grid: a save is said beside the cell and in the
status bar, a refusal replaces nothing in the store and is cleared by the next save,
and the Checked column says in words (and colour) how far a row is validated.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import log
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.models.eei_model import CHECK_COLOURS, CHECKED
from tests.gui.test_eei_grid import _index, _type_into

pytestmark = pytest.mark.gui


def _log(window: Any) -> Any:
    return window.panels["incidentLogDock"]


def _grid(window: Any) -> Any:
    return window.panels["eeiGridDock"]


def _status(window: Any) -> str:
    return str(window.statusBar().currentMessage())


def test_a_new_entry_is_selected_scrolled_to_flashed_and_announced(
    qtbot: Any, main_window: Any
) -> None:
    panel = _log(main_window)
    ctx = main_window.ctx
    panel.view.scrollToBottom()  # the operator was reading older entries
    qtbot.keyClicks(panel.entry.line, "Saint Francis requests two ventilators")
    qtbot.keyClick(panel.entry.line, Qt.Key.Key_Return)
    (entry,) = log.list_entries(ctx.store, flt=log.LogFilter(ctx.incident_id, text="ventilators"))
    qtbot.waitUntil(lambda: panel.current_id() == entry.id, timeout=5000)
    assert panel.selected_ids() == [entry.id]
    assert panel.view.flashing
    row = panel.model.row_of(entry.id)
    rect = panel.view.visualRect(panel.model.index(row, 0))
    assert panel.view.viewport().rect().contains(rect.center())  # scrolled into view
    assert _status(main_window).startswith("Logged at ")
    assert "ventilators" in _status(main_window)
    note = panel.entry.note
    assert note.isVisible() and note.text().startswith("Logged at ")
    qtbot.waitUntil(lambda: not panel.view.flashing, timeout=5000)  # a flash, not a state


def test_an_empty_line_says_why_and_the_red_line_clears_on_the_next_entry(
    qtbot: Any, main_window: Any
) -> None:
    panel = _log(main_window)
    store = main_window.ctx.store
    before = dump_text(store)
    qtbot.keyClicks(panel.entry.line, "   ")
    qtbot.keyClick(panel.entry.line, Qt.Key.Key_Return)
    note = panel.entry.note
    assert note.isVisible() and "Nothing logged" in note.text() and "spaces" in note.text()
    assert "b71c1c" in note.styleSheet()  # red
    assert dump_text(store) == before
    panel.entry.line.clear()
    panel.entry.add.click()
    assert "is empty" in note.text()
    qtbot.keyClicks(panel.entry.line, "Shelter at Wilbur Cross High School opened")
    qtbot.keyClick(panel.entry.line, Qt.Key.Key_Return)
    assert "Nothing logged" not in note.text() and "b71c1c" not in note.styleSheet()


def test_an_eei_save_is_said_beside_the_cell_and_clears_a_refusal(
    qtbot: Any, main_window: Any, scenario: Any, boxes: list[tuple[str, str]]
) -> None:
    panel = _grid(main_window)
    index = _index(panel, scenario.facilities[0], "BEDS_BURN_AVAILABLE")
    _type_into(qtbot, panel, index, "lots")
    qtbot.waitUntil(lambda: panel.note.kind == "error", timeout=3000)
    assert panel.note.text().startswith("Not saved — Burn beds available:")
    assert boxes == []
    # The refused value's editor is deleted later: wait, or the keys would go to it.
    qtbot.waitUntil(lambda: panel.view.viewport().findChild(QLineEdit) is None, timeout=3000)
    value = "0" if index.data(Qt.ItemDataRole.EditRole) != "0" else "1"  # a change
    _type_into(qtbot, panel, index, value)
    qtbot.waitUntil(lambda: panel.note.kind == "ok", timeout=3000)
    assert panel.note.isVisible() and panel.note.text().startswith("Saved — Burn beds available: ")
    cell = panel.view.visualRect(index)
    # Under the cell, or above it when the cell is near the bottom of a short grid
    # (a crowded default layout).
    below = abs(panel.note.y() - cell.bottom()) <= 4
    above = abs(panel.note.y() + panel.note.height() - cell.top()) <= 4
    assert below or above, (panel.note.geometry(), cell)
    assert _status(main_window).startswith(f"Saved — Burn beds available: {value}")
    assert panel.message.isHidden()
    qtbot.waitUntil(lambda: panel.note.kind == "", timeout=6000)  # the green note goes


def test_validated_is_readable_in_words_and_colour(
    qtbot: Any, main_window: Any, scenario: Any
) -> None:
    panel = _grid(main_window)
    org = scenario.facilities[1]
    row = panel.model.grid.row_of(org)
    checked = panel.model.index(row, CHECKED)
    assert panel.model.headerData(CHECKED, Qt.Orientation.Horizontal) == "Checked"
    assert checked.data() == "Not checked"
    panel.view.setCurrentIndex(_index(panel, org, "EMS_TRAFFIC_STATUS"))
    main_window.actions_[ActionId.EEI_VALIDATE].trigger()
    qtbot.waitUntil(lambda: checked.data() != "Not checked", timeout=5000)
    total = sum(1 for c in panel.model.grid.cells[row] if c is not None)
    assert checked.data() == f"Validated 1 of {total}"
    assert checked.data(Qt.ItemDataRole.BackgroundRole) == CHECK_COLOURS["partly"]
    panel.view.selectRow(row)
    main_window.actions_[ActionId.EEI_VALIDATE].trigger()
    qtbot.waitUntil(lambda: checked.data() == "Validated", timeout=5000)
    assert checked.data(Qt.ItemDataRole.BackgroundRole) == CHECK_COLOURS["validated"]
