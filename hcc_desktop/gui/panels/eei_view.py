"""The EEI grid's table view: grouped header, cell delegate, typing starts an edit (as
in a spreadsheet), facility names as row headers that stay put while the elements
scroll, and column widths by value type so that 50 columns need no measuring."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from hcc_desktop.core.catalog import Element
from hcc_desktop.gui.models.eei_model import FIXED, EEIGridModel
from hcc_desktop.gui.panels.eei_delegate import EEICellDelegate
from hcc_desktop.gui.panels.eei_header import GroupedHeader

#: Column width by value type (resizeColumnsToContents would measure 1,000 rows).
WIDTHS = {"choice": 104, "yesno": 52, "text": 150, "datetime": 122}
DEFAULT_WIDTH = 84
FIXED_WIDTHS = (150, 150, 130)


class EEIGridView(QTableView):
    def __init__(self, model: EEIGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eeiGridView")
        self.header = GroupedHeader(self)
        self.setHorizontalHeader(self.header)
        self.setModel(model)
        self.setItemDelegate(EEICellDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setWordWrap(False)
        rows = self.verticalHeader()
        rows.setDefaultSectionSize(24)
        rows.setMaximumWidth(260)
        rows.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.horizontalScrollBar().valueChanged.connect(self.header.viewport().update)

    def size_columns(self, elements: Sequence[Element]) -> None:
        """Widths by value type, after a model reset (which puts every section back to
        the default width). The header's signals are held meanwhile: each width set
        emits sectionResized, which the table answers with a zero-time timer that lays
        out and repaints the whole viewport, and that timer fired after the first paint
        of the loaded grid, painting every cell in view a second time."""
        blocked = self.header.blockSignals(True)
        try:
            for column, width in enumerate(FIXED_WIDTHS):
                self.setColumnWidth(column, width)
            for j, el in enumerate(elements):
                self.setColumnWidth(len(FIXED) + j, WIDTHS.get(el.value_type, DEFAULT_WIDTH))
        finally:
            self.header.blockSignals(blocked)
        # No updateGeometries() here: the model reset before this has scheduled the
        # view's layout (lay_out_now runs it), which sizes both headers with these
        # widths; calling it as well measured the row header's facility names once more.
        self.header.invalidate_groups()

    def lay_out_now(self) -> None:
        """Run the layout a model reset schedules now, not from its zero-time timer:
        when the data arrive with a paint already due, the paint comes first, and the
        timer's layout then repainted the whole viewport. Call once the model, the
        widths and the hidden rows and columns are set, before the first paint."""
        self.executeDelayedItemsLayout()
