"""Interchange → Export table: any panel's table (or the EEI grid of one period) to
CSV or XLSX, through the same service as the command line's `export-table`.

The table of the panel the operator works in is offered first, because "export
table" from the EEI grid means the grid. Every cell is written as a value, never as
a formula (interop.tabular.safe_cell).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QWidget,
)

from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop.common import (
    SAVE_TABLE_FILTER,
    ask_save_path,
    close_with_report,
    fill_periods,
    incident_combo,
    open_dialog,
    refused,
)
from hcc_desktop.gui.operations import CollectionOp, Job
from hcc_desktop.interop import table_export

EXPORT_TITLE = "Export table"
KIND_LABELS = {
    "members": "Members directory",
    "eei": "EEI grid (one period)",
    "log": "Incident log",
    "requests": "Resource requests",
}
#: The panel the operator works in decides what "export table" means by default.
PANEL_KINDS = {
    "membersPanel": "members",
    "memberMapPanel": "members",
    "eeiGridPanel": "eei",
    "incidentLogPanel": "log",
    "resourceTrackerPanel": "requests",
}


def focused_kind(parent: QWidget | None) -> str:
    """The table kind of the panel holding the keyboard focus (members otherwise)."""
    widget = QApplication.focusWidget()
    while widget is not None:
        kind = PANEL_KINDS.get(widget.objectName())
        if kind:
            return kind
        widget = widget.parentWidget()
    return "members"


class TableExportDialog(QDialog):
    """Which table, for which incident and period; then where (CSV or XLSX)."""

    def __init__(self, ctx: AppContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.job: Job | None = None
        self.setObjectName("tableExportDialog")
        self.setWindowTitle(EXPORT_TITLE)
        self.kind = QComboBox()
        self.kind.setObjectName("kindCombo")
        for key in table_export.KINDS:
            self.kind.addItem(KIND_LABELS.get(key, key), key)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self.incident = incident_combo(ctx)
        self.period = QComboBox()
        self.period.setObjectName("periodCombo")
        self.public = QCheckBox("Leave sensitive EEIs out (for sharing outside the coalition)")
        self.public.setObjectName("publicCheck")
        form = QFormLayout(self)
        form.addRow("Table", self.kind)
        form.addRow("Incident", self.incident)
        form.addRow("Period", self.period)
        form.addRow(self.public)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton("Save…")
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        cancel = QPushButton("Cancel")
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)
        form.addRow(buttons)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        self.incident.currentIndexChanged.connect(self._fill_periods)
        self.kind.currentIndexChanged.connect(self._on_kind)
        self._fill_periods()
        self._on_kind()
        self.resize(520, self.sizeHint().height())

    def _fill_periods(self, *_: object) -> None:
        fill_periods(self.period, self.ctx, self.incident.currentData(), "Latest period")

    def _on_kind(self, *_: object) -> None:
        kind = self.kind.currentData()
        self.incident.setEnabled(kind != "members")
        self.period.setEnabled(kind == "eei")
        self.public.setEnabled(kind == "eei")

    def save(self) -> None:
        kind = self.kind.currentData()
        name = f"{kind}-{date.today():%Y%m%d}.csv"
        out = ask_save_path(self, EXPORT_TITLE, name, SAVE_TABLE_FILTER, ".csv")
        if out is None:
            return
        if out.suffix.lower() not in (".csv", ".xlsx"):
            out = out.with_name(out.name + ".csv")
        store = self.ctx.store
        incident_id = self.incident.currentData()
        period, public = self.period.currentData(), self.public.isChecked()
        self.save_button.setEnabled(False)
        self.job = (
            CollectionOp(
                self,
                lambda _p: (
                    table_export.export_table(
                        store, kind, out, incident_id=incident_id, period=period, public=public
                    ),
                    out,
                ),
                title=EXPORT_TITLE,
            )
            .success(self._done)
            .failure(refused(self, EXPORT_TITLE, then=lambda: self.save_button.setEnabled(True)))
            .with_progress("Writing table…")
            .run_in_background()
        )

    def _done(self, result: tuple[int, Path]) -> None:
        count, out = result
        label = KIND_LABELS.get(self.kind.currentData(), "table")
        close_with_report(
            self,
            self.ctx,
            EXPORT_TITLE,
            status=f"Wrote {count} rows to {out}",
            report=f"{label}: {count} rows written to\n{out}",
        )


def export_table_dialog(parent: QWidget, ctx: AppContext, kind: str | None = None) -> None:
    """Interchange → Export table: the table of the panel in use is offered first."""
    open_dialog(TableExportDialog(ctx, kind or focused_kind(parent), parent))
