"""What the operator selected in the EEI grid: the reports to validate, and the table
to copy.

The copy keeps the grid's shape (facility names down, element labels across, blanks
where a cell in the rectangle was not selected) so it pastes into a spreadsheet or an
e-mail to a facility as a readable table.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from hcc_desktop.gui.clipboard import table_text
from hcc_desktop.gui.models.eei_data import Cell
from hcc_desktop.gui.models.eei_model import EEIGridModel


def _selected_cells(view: QTableView, model: EEIGridModel) -> list[Cell]:
    """Reports behind the selected cells; a selected row means every report in it."""
    sm = view.selectionModel()
    rows_whole = {i.row() for i in sm.selectedRows()}
    cells = {(i.row(), i.column()) for i in sm.selectedIndexes()}
    for row in rows_whole:
        cells.update((row, c) for c in range(model.columnCount()))
    found = []
    for row, column in sorted(cells):
        if view.isRowHidden(row) or view.isColumnHidden(column):
            continue
        cell = model.cell(row, column)
        if cell is not None:
            found.append(cell)
    return found


def selected_report_ids(view: QTableView, model: EEIGridModel) -> list[str]:
    """Reports behind the selected cells, each once, in the grid's order."""
    return list(dict.fromkeys(c.report_id for c in _selected_cells(view, model)))


def selected_seen(view: QTableView, model: EEIGridModel) -> dict[str, str | None]:
    """The values version each selected report showed when the grid loaded it: what a
    validation of the selection vouches for (eei.validate's `seen`)."""
    return {c.report_id: c.values_version for c in _selected_cells(view, model)}


def copy_text(view: QTableView, model: EEIGridModel) -> str:
    """The selection as tab-separated text with a header row and the facility names,
    each cell guarded so that a spreadsheet pastes it as text, never as a formula
    (gui.clipboard)."""
    selected = [
        i
        for i in view.selectionModel().selectedIndexes()
        if not view.isRowHidden(i.row()) and not view.isColumnHidden(i.column())
    ]
    if not selected:
        return ""
    rows = sorted({i.row() for i in selected})
    columns = sorted({i.column() for i in selected})
    chosen = {(i.row(), i.column()) for i in selected}
    horizontal = Qt.Orientation.Horizontal
    table = [["Facility", *(model.headerData(c, horizontal) for c in columns)]]
    for r in rows:
        values = [model.index(r, c).data() if (r, c) in chosen else "" for c in columns]
        table.append([model.headerData(r, Qt.Orientation.Vertical), *values])
    return table_text(table)
