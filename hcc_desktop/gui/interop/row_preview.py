"""Step 2 of a spreadsheet import: every row accepted or refused with its line and
reason, accepted rows ticked to import.

`member_rows` and `eei_rows` turn a service's preview into what the table shows; they
run off the GUI thread with the preview itself (they look up region names), so the
dialog only hands the result to the model.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from hcc_desktop.core.enums import MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.services.organizations import list_regions
from hcc_desktop.core.store import Store
from hcc_desktop.gui.interop.column_mapping import MEMBER_LABELS
from hcc_desktop.gui.interop.preview_model import PreviewModel, PreviewRows
from hcc_desktop.interop.eei_import import EEIPreview
from hcc_desktop.interop.members_import import SYNONYMS, MemberPreview
from hcc_desktop.interop.table_read import Table

WIDEST = 320
#: Rows the view reads to size its columns: enough for a fair width, and a preview of
#: 200,000 rows still opens at once.
SIZE_FROM_ROWS = 500
EEI_HEADERS = ["Line", "Result", "Reason", "Facility", "Element", "Period", "Value",
               "Reported at", "Comment"]  # fmt: skip


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _member_value(field: str, value: object, regions: dict[str, str | None]) -> str:
    """A cleaned member value as the directory shows it (labels, not codes)."""
    if field == "region_id":
        return _text(regions.get(str(value)) or value)
    if field == "member_type":
        return MEMBER_TYPES.get(str(value), _text(value))
    if field == "membership":
        return MEMBERSHIPS.get(str(value), _text(value))
    return _text(value)


def member_rows(store: Store, preview: MemberPreview, table: Table) -> PreviewRows:
    """Accepted rows show the cleaned values; refused rows have none, so they show
    what the file says."""
    fields = [f for f in SYNONYMS if f in preview.mapping]
    keys = ["region_id" if f == "region" else f for f in fields]
    labels = [MEMBER_LABELS[f].removesuffix(" (required)") for f in fields]
    regions = {r.id: r.name or r.key for r in list_regions(store)}
    raw = dict(table.rows)
    cells = []
    for r in preview.rows:
        if r.accepted:
            shown = [_member_value(k, r.values.get(k), regions) for k in keys]
        else:
            line_cells = raw.get(r.line, {})
            shown = [line_cells.get(preview.mapping[f], "") for f in fields]
        cells.append([str(r.line), "accepted" if r.accepted else "refused", r.error or "", *shown])
    return PreviewRows(
        ["Line", "Result", "Reason", *labels],
        cells,
        [r.accepted for r in preview.rows],
        [r.line for r in preview.rows],
    )


def eei_rows(preview: EEIPreview) -> PreviewRows:
    cells = [
        [str(r.line), "accepted" if r.accepted else "refused", r.error or "", r.facility,
         r.element, _text(r.period), _text(r.value), r.reported_at or "", r.comment or ""]
        for r in preview.rows
    ]  # fmt: skip
    per = "value" if preview.layout == "long" else "facility"
    return PreviewRows(
        list(EEI_HEADERS),
        cells,
        [r.accepted for r in preview.rows],
        [r.line for r in preview.rows],
        note=f" Layout: {preview.layout} (one row per {per}).",
    )


class RowPreview(QWidget):
    """The summary line over the table of rows."""

    #: Forwarded from the model: the lines to import changed.
    chosen_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setObjectName("previewSummary")
        self.summary.setWordWrap(True)
        self.model = PreviewModel()
        self.model.chosen_changed.connect(self.chosen_changed)
        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(SIZE_FROM_ROWS)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def show_rows(self, rows: PreviewRows) -> None:
        self.model.show(rows)
        self.table.resizeColumnsToContents()
        for c in range(self.model.columnCount()):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), WIDEST))
        self.table.horizontalHeader().setStretchLastSection(True)
        n_ok = sum(rows.accepted)
        self.summary.setText(
            f"{n_ok} rows accepted, {len(rows.cells) - n_ok} refused (shaded, with the line "
            f"and the reason).{rows.note} Untick accepted rows to leave them out; nothing "
            "is written until you press Import."
        )

    def chosen_lines(self) -> set[int]:
        return self.model.chosen_lines()
