"""The EEI grid: typed values go through the catalog, refusals leave the store as it
was, validation from the grid, timeliness, copy, history, and a model that never
queries while painting."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import eei, status
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.models.eei_data import (
    Facility,
    GridData,
    LazyRows,
    display,
    load_grid,
    put_cell,
)
from hcc_desktop.gui.models.eei_model import FIXED, STATE_ROLE, EEIGridModel
from hcc_desktop.gui.models.eei_style import Level, level
from hcc_desktop.gui.panels.eei_grid import EEIGridPanel
from tests.gui.conftest import LOAD_TIMEOUT_MS

pytestmark = pytest.mark.gui


def _panel(window: Any) -> Any:
    return window.panels["eeiGridDock"]


def _index(panel: Any, org_id: str, code: str) -> Any:
    grid = panel.model.grid
    column = len(FIXED) + [e.code for e in grid.elements].index(code)
    return panel.model.index(grid.row_of(org_id), column)


def _type_into(qtbot: Any, panel: Any, index: Any, text: str) -> None:
    """Edit a cell the way an operator does: start editing, type, press Enter."""
    panel.view.setCurrentIndex(index)
    panel.view.edit(index)
    editor = panel.view.viewport().findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_typed_value_is_stored_and_patched_in(qtbot: Any, main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    index = _index(panel, scenario.facilities[0], "BEDS_BURN_AVAILABLE")
    with qtbot.waitSignal(main_window.ctx.changed, timeout=5000):
        _type_into(qtbot, panel, index, "2")
    qtbot.waitUntil(panel.is_loaded, timeout=5000)  # the cell is read back off-thread
    rep = eei.find_report(
        main_window.ctx.store, incident_id=scenario.incident_id,
        organization_id=scenario.facilities[0], element="BEDS_BURN_AVAILABLE", period=3,
    )  # fmt: skip
    assert rep.value == 2
    assert index.data() == "2"
    assert resets == []


def test_invalid_value_shows_a_message_and_changes_nothing(
    qtbot: Any, main_window: Any, scenario: Any, boxes: list[tuple[str, str]]
) -> None:
    """Issue 17 (3): the refusal is said once, beside the cell, with the column's name
    for the field; no modal box pops up to take the next clicks."""
    panel = _panel(main_window)
    store = main_window.ctx.store
    index = _index(panel, scenario.facilities[0], "BEDS_ADULT_ICU_AVAILABLE")
    shown = index.data()
    before = dump_text(store)
    _type_into(qtbot, panel, index, "many")
    qtbot.wait(50)  # a box would have been queued for after the editor closed
    assert boxes == []
    note = panel.note
    assert note.isVisible() and note.kind == "error"
    assert note.text().startswith("Not saved — Adult ICU beds available: expected a whole")
    assert "BEDS" not in note.text() and "value of" not in note.text()
    assert panel.message.isHidden()  # said once, not again above the grid
    cell = panel.view.visualRect(index)
    assert abs(note.y() - cell.bottom()) <= 4 and note.x() <= cell.right()
    assert dump_text(store) == before
    assert index.data() == shown


def test_cross_field_rule_refusal_changes_nothing(
    qtbot: Any, main_window: Any, scenario: Any, boxes: list[tuple[str, str]]
) -> None:
    panel = _panel(main_window)
    store = main_window.ctx.store
    before = dump_text(store)
    index = _index(panel, scenario.facilities[0], "BEDS_ADULT_ICU_AVAILABLE")
    _type_into(qtbot, panel, index, "999")  # more than staffed
    qtbot.waitUntil(lambda: panel.note.kind == "error", timeout=3000)
    assert panel.note.text().startswith("Not saved — Adult ICU beds available cannot exceed")
    assert boxes == []
    assert dump_text(store) == before


def test_validation_state_changes_from_the_grid(
    qtbot: Any, main_window: Any, scenario: Any, answers: list[str]
) -> None:
    panel = _panel(main_window)
    store, org = main_window.ctx.store, scenario.facilities[1]
    cell = _index(panel, org, "EMS_TRAFFIC_STATUS")
    panel.view.setCurrentIndex(cell)
    main_window.actions_[ActionId.EEI_VALIDATE].trigger()  # F6
    qtbot.waitUntil(panel.is_loaded, timeout=5000)  # the cells are read back off-thread
    rep = eei.find_report(store, incident_id=scenario.incident_id, organization_id=org,
                          element="EMS_TRAFFIC_STATUS", period=3)  # fmt: skip
    assert eei.effective_state(rep) == "validated"
    assert cell.data(STATE_ROLE) == "validated"
    # A whole row, questioned with a note.
    row = cell.row()
    panel.view.selectionModel().select(
        panel.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    answers.append("Numbers look like last period's")
    panel.set_validation("questioned")
    qtbot.waitUntil(panel.is_loaded, timeout=5000)
    reported = [r for r in eei.reports_for_period(store, incident_id=scenario.incident_id,
                                                  period=3) if r.organization_id == org]  # fmt: skip
    assert reported and {eei.effective_state(r) for r in reported} == {"questioned"}
    assert {r.validation_note for r in reported} == {"Numbers look like last period's"}
    assert cell.data(STATE_ROLE) == "questioned"


def test_reject_without_a_reason_is_not_sent(
    qtbot: Any, main_window: Any, scenario: Any, answers: list[str]
) -> None:
    panel = _panel(main_window)
    before = dump_text(main_window.ctx.store)
    panel.view.setCurrentIndex(_index(panel, scenario.facilities[0], "FACILITY_STATUS"))
    panel.set_validation("rejected")  # the note dialog is cancelled
    assert dump_text(main_window.ctx.store) == before


def test_timeliness_and_missing_reports(main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    t = eei.timeliness(main_window.ctx.store, incident_id=scenario.incident_id, period=3)
    assert f"on time {len(t.on_time)}/{t.expected}" in panel.summary.text()
    grid = panel.model.grid
    never = grid.row_of(scenario.facilities[-1])
    late = grid.row_of(scenario.facilities[4])
    assert panel.model.index(never, 0).data() == "Missing"
    assert panel.model.index(late, 0).data().startswith("Late")
    assert panel.model.index(grid.row_of(scenario.facilities[0]), 0).data().startswith("On time")


def test_diversion_shows_its_status_and_colour(main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    index = _index(panel, scenario.facilities[1], "EMS_TRAFFIC_STATUS")
    assert index.data().startswith("Closed")
    assert panel.model.grid.levels[index.row()][index.column() - len(FIXED)] == Level.BAD
    status_cell = panel.model.index(index.row(), 1)
    assert status_cell.data().startswith("Diversion") or status_cell.data() == "On diversion"


def test_copy_selection_as_tab_separated_table(main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    a = _index(panel, scenario.facilities[0], "FACILITY_STATUS")
    b = _index(panel, scenario.facilities[1], "EMS_TRAFFIC_STATUS")
    sm = panel.view.selectionModel()
    sm.select(a, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    sm.select(b, QItemSelectionModel.SelectionFlag.Select)
    panel.copy_selection()
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == ["Facility", "Facility status", "EMS traffic (diversion)"]
    names = [f.name for f in panel.model.grid.facilities]
    rows = sorted([a.row(), b.row()])
    assert [line.split("\t")[0] for line in lines[1:]] == [names[r] for r in rows]
    assert "Normal" in lines[1 + rows.index(a.row())].split("\t")[1]


def test_cell_history_chart(qtbot: Any, main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    panel.view.setCurrentIndex(_index(panel, scenario.facilities[2], "GENERATOR_FUEL_HOURS"))
    panel.toggle_history()
    assert panel.history.isVisible()
    qtbot.waitUntil(panel.is_loaded, timeout=5000)  # the history is read off-thread
    assert [p for p, _ in panel.history.points] == [1, 2, 3]
    assert [v for _, v in panel.history.points] == [20, 10, 4]


def test_selecting_a_row_selects_the_member(main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    panel.view.setCurrentIndex(_index(panel, scenario.facilities[3], "FACILITY_STATUS"))
    assert main_window.ctx.selected_member == scenario.facilities[3]


def _synthetic(rows: int, cols: int) -> GridData:
    cat = load_catalog()
    elements = list(cat.elements.values())[:cols]
    facilities = [Facility(f"f{i}", f"Facility {i}", "hospital", "Town") for i in range(rows)]
    grid = GridData("inc", 1, facilities, elements, dict(cat.categories),
                    eei.Timeliness(1, None, rows), {})  # fmt: skip
    grid.display = [[f"{i}:{j}" for j in range(cols)] for i in range(rows)]
    grid.levels = [[Level.NONE] * cols for _ in range(rows)]
    grid.cells = [[None] * cols for _ in range(rows)]
    grid.row_state = ["on_time"] * rows
    grid.first_report = [None] * rows
    return grid


def test_model_serves_a_thousand_facilities_without_queries(qtbot: Any) -> None:
    """1,000 × 40 from arrays built once: every role of every cell, no store at all."""
    model = EEIGridModel()
    model.set_grid(_synthetic(1000, 40))
    assert (model.rowCount(), model.columnCount()) == (1000, 40 + len(FIXED))
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole, STATE_ROLE)
    for r in range(0, 1000, 7):
        for c in range(model.columnCount()):
            index = model.index(r, c)
            for role in roles:
                model.data(index, role)
    assert model.index(999, len(FIXED) + 39).data() == "999:39"


def test_grid_timeliness_agrees_with_the_service(main_window: Any, scenario: Any) -> None:
    grid = _panel(main_window).model.grid
    t = eei.timeliness(main_window.ctx.store, incident_id=scenario.incident_id, period=3)
    got = grid.timeliness
    assert (got.due_at, got.expected) == (t.due_at, t.expected)
    assert (sorted(got.on_time), sorted(got.late), sorted(got.missing)) == (
        sorted(t.on_time),
        sorted(t.late),
        sorted(t.missing),
    )


def test_ctrl_c_in_the_grid_copies_the_table(qtbot: Any, main_window: Any, scenario: Any) -> None:
    panel = _panel(main_window)
    main_window.activateWindow()
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus, timeout=3000)
    panel.view.setCurrentIndex(_index(panel, scenario.facilities[0], "FACILITY_STATUS"))
    QApplication.clipboard().clear()
    qtbot.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text().startswith("Facility\tFacility status\n")


def test_rows_are_made_when_asked_for_and_match_the_stored_reports(
    populated: Any, scenario: Any
) -> None:
    """load_grid places the reports and leaves each facility's cells, text and levels to
    be made when first asked for: made, they say what the stored reports say (the
    level grey where the member type does not report the element), and a patch to a row
    nobody has looked at yet is kept."""
    grid = load_grid(populated, incident_id=scenario.incident_id, period=3)
    assert isinstance(grid.cells, LazyRows)
    assert all(grid.cells.made(i) is None for i in range(len(grid.facilities)))
    stored = eei.grid(populated, incident_id=scenario.incident_id, period=3)
    codes = {e.code for e in grid.elements}
    expected_ids = sorted(
        rep.id
        for f in grid.facilities
        for code, rep in stored.get(f.id, {}).items()
        if code in codes
    )
    assert expected_ids and sorted(grid.report_ids()) == expected_ids  # rows still unmade
    assert all(grid.cells.made(i) is None for i in range(len(grid.facilities)))
    for i, f in enumerate(grid.facilities):
        for j, el in enumerate(grid.elements):
            rep = stored.get(f.id, {}).get(el.code)
            cell = grid.cells[i][j]
            assert (cell and cell.report_id) == (rep and rep.id)
            if rep is not None:
                assert cell is not None
                assert (cell.value, cell.state) == (rep.value, eei.effective_state(rep))
            if el.reported_by and f.member_type not in el.reported_by:
                assert grid.levels[i][j] == Level.NOT_APPLICABLE
            elif rep is None:
                assert (grid.display[i][j], grid.levels[i][j]) == ("", Level.NONE)
            else:
                assert grid.levels[i][j] == level(el.code, rep.value)
                if el.code != "EMS_TRAFFIC_STATUS":
                    assert grid.display[i][j] == display(el, rep.value)
    assert len(grid.cells) == len(grid.facilities)
    first = eei.first_reports(populated, incident_id=scenario.incident_id, period=3)
    assert grid.first_report == [first.get(f.id) for f in grid.facilities]
    assert list(grid.display)[-1] is grid.display[-1]

    patched = load_grid(populated, incident_id=scenario.incident_id, period=3)
    row = next(i for i, f in enumerate(patched.facilities) if stored.get(f.id))
    reported = stored[patched.facilities[row].id]
    j = next(j for j, e in enumerate(patched.elements) if e.code in reported)
    assert patched.cells.made(row) is None
    put_cell(patched, row, j, None)  # as a retraction read back does
    assert (patched.cells[row][j], patched.display[row][j]) == (None, "")
    assert reported[patched.elements[j].code].id not in set(patched.report_ids())


def test_grid_statuses_agree_with_the_service(populated: Any, scenario: Any) -> None:
    """load_grid hands the statuses the period's reports it read (only earlier periods
    are read again for them); they must be status.facility_statuses', in its order."""
    for period in range(1, scenario.periods + 1):
        grid = load_grid(populated, incident_id=scenario.incident_id, period=period)
        expected = status.facility_statuses(
            populated, incident_id=scenario.incident_id, period=period
        )
        assert list(grid.statuses.items()) == list(expected.items())
    assert {s.status for s in expected.values()} >= {"diversion", "evacuating", "limited"}


def test_the_loaded_grid_is_painted_once(qtbot: Any, view: Any) -> None:
    """The column widths and the layout the model reset schedules take effect before
    the grid's first paint with its data: from zero-time timers they came after that
    paint and painted every cell in view a second time."""
    panel = EEIGridPanel(view)
    qtbot.addWidget(panel)
    viewport = panel.view.viewport()
    whole: list[bool] = []

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and panel.model.grid is not None:
                assert isinstance(event, QPaintEvent)
                whole.append(event.rect() == viewport.rect())  # not a hovered cell
            return False

    paints = Paints(panel)
    viewport.installEventFilter(paints)
    panel.resize(1400, 800)
    panel.show()
    qtbot.waitUntil(panel.is_loaded, timeout=LOAD_TIMEOUT_MS)
    qtbot.wait(200)  # the timers a late layout would have used
    assert whole.count(True) == 1
    assert panel.view.columnWidth(len(FIXED)) > 0


def test_find_hides_the_other_facilities_until_cleared(qtbot: Any, main_window: Any) -> None:
    """The find box filters rows by name or town, through a reload too; cleared, every
    facility shows again (with nothing typed and nothing hidden the filter does no
    work at all)."""
    panel = _panel(main_window)
    names = [f.name for f in panel.model.grid.facilities]

    def shown() -> list[str]:
        return [n for i, n in enumerate(names) if not panel.view.isRowHidden(i)]

    assert shown() == names
    panel.find.setText(names[1][:12].upper())
    assert shown() == [n for n in names if names[1][:12].lower() in n.lower()]
    assert len(shown()) < len(names)
    panel.reload()
    qtbot.waitUntil(panel.is_loaded, timeout=LOAD_TIMEOUT_MS)
    assert shown() == [n for n in names if names[1][:12].lower() in n.lower()]
    panel.find.setText("")
    assert shown() == names
