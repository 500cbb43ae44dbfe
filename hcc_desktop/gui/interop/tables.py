"""Spreadsheets in and out: members and EEI reports from CSV/XLSX, and any panel's
table (or the EEI grid) to CSV/XLSX.

An import is three steps, because files from other reporting systems name their
columns in their own way and carry rows that will not fit: (1) map the columns (a
combo per field, guessed from the header), (2) preview every row as accepted or
refused with its line and reason, and untick accepted rows to leave them out, (3)
import and report. Nothing is written before step 3; Cancel at any step, or Back,
writes nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.enums import MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.services.organizations import list_regions
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop.common import (
    SAVE_TABLE_FILTER,
    TABLE_FILTER,
    ask_open_path,
    ask_save_path,
    fill_periods,
    incident_combo,
    read_only_table,
    run_job,
)
from hcc_desktop.gui.workers import Job
from hcc_desktop.interop import table_export
from hcc_desktop.interop.eei_import import (
    COLUMN_ROLES,
    EEIPreview,
    commit_eei,
    guess_columns,
    preview_eei,
)
from hcc_desktop.interop.members_import import (
    SYNONYMS,
    MemberPreview,
    auto_mapping,
    commit_members,
    preview_members,
)
from hcc_desktop.interop.tabular import Table, read_table

MEMBERS = "members"
EEI = "eei"
TITLES = {MEMBERS: "Import members", EEI: "Import EEI reports"}
NOT_MAPPED = "— not in the file —"
REFUSED_BG = QBrush(QColor("#ffe0e0"))
SAMPLE_ROWS = 5
REPORT_LINES = 25

#: Field labels of the mapping step (the service's field names are for the CLI).
MEMBER_LABELS: dict[str, str] = {
    "name": "Name (required)", "short_name": "Short name", "member_type": "Member type",
    "membership": "Membership", "region": "Region", "address": "Address", "town": "Town",
    "state": "State", "zip": "ZIP", "county": "County", "lat": "Latitude",
    "lon": "Longitude", "phone": "Phone", "phone_24_7": "24/7 phone", "email": "Email",
    "beds": "Beds", "trauma_level": "Trauma level", "facility_type": "Facility type",
    "external_key": "Id in the other system", "notes": "Notes",
}  # fmt: skip
EEI_LABELS: dict[str, str] = {
    "facility": "Facility (required)",
    "element": "Element (long layout)",
    "value": "Value (long layout)",
    "period": "Period",
    "reported_at": "Reported at",
    "comment": "Comment",
}


def _mapping_combo(headers: list[str], chosen: str | None) -> QComboBox:
    combo = QComboBox()
    combo.addItem(NOT_MAPPED, None)
    for h in headers:
        if h:
            combo.addItem(h, h)
    found = combo.findData(chosen) if chosen else -1
    combo.setCurrentIndex(max(found, 0))
    return combo


class TableImportDialog(QDialog):
    """Map columns → preview → import, for members or EEI reports."""

    def __init__(
        self, ctx: AppContext, kind: str, path: Path, table: Table, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.kind, self.path, self.table_ = ctx, kind, Path(path), table
        self.preview: MemberPreview | EEIPreview | None = None
        self.job: Job | None = None
        self.report: str = ""
        self.setObjectName(f"{kind}ImportDialog")
        self.setWindowTitle(f"{TITLES[kind]} — {self.path.name}")
        self.resize(1000, 640)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._preview_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("← Back to columns")
        self.back_button.setObjectName("backButton")
        self.next_button = QPushButton("Preview rows →")
        self.next_button.setObjectName("nextButton")
        self.next_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelButton")
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.reject)
        self._show_page(0)

    # ------------------------------------------------------------- step 1: map

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        headers = self.table_.headers
        if self.kind == MEMBERS:
            guessed, labels = auto_mapping(headers), MEMBER_LABELS
            fields = list(SYNONYMS)
        else:
            guessed, labels = guess_columns(headers), EEI_LABELS
            fields = list(COLUMN_ROLES)
        self.combos: dict[str, QComboBox] = {}
        box = QGroupBox("Which column holds each field (guessed from the header)")
        form = QFormLayout(box)
        if self.kind == MEMBERS:
            # Two columns of combos: twenty fields in one column would not fit a laptop.
            grid = QHBoxLayout()
            halves = (fields[: (len(fields) + 1) // 2], fields[(len(fields) + 1) // 2 :])
            for half in halves:
                col = QFormLayout()
                for f in half:
                    self.combos[f] = _mapping_combo(headers, guessed.get(f))
                    self.combos[f].setObjectName(f"map_{f}")
                    col.addRow(labels.get(f, f), self.combos[f])
                grid.addLayout(col)
            form.addRow(grid)
        else:
            for f in fields:
                self.combos[f] = _mapping_combo(headers, guessed.get(f))
                self.combos[f].setObjectName(f"map_{f}")
                form.addRow(labels.get(f, f), self.combos[f])
            self.incident = incident_combo(self.ctx)
            self.period = QComboBox()
            self.period.setObjectName("periodCombo")
            self.incident.currentIndexChanged.connect(self._fill_periods)
            self._fill_periods()
            form.addRow("Incident", self.incident)
            form.addRow("Period of rows without one", self.period)
            self.layout_note = QLabel()
            self.layout_note.setObjectName("layoutNote")
            self.layout_note.setWordWrap(True)
            form.addRow(self.layout_note)
            for combo in self.combos.values():
                combo.currentIndexChanged.connect(self._update_layout_note)
            self._update_layout_note()
        sample = read_only_table(
            [h or "(blank)" for h in headers],
            [[cells.get(h, "") for h in headers] for _, cells in self.table_.rows[:SAMPLE_ROWS]],
            "sampleTable",
        )
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(f"{self.path.name}: {len(self.table_.rows)} rows, {len(headers)} columns")
        )
        layout.addWidget(box)
        layout.addWidget(QLabel("The first rows of the file:"))
        layout.addWidget(sample, 1)
        return page

    def _fill_periods(self, *_: object) -> None:
        fill_periods(self.period, self.ctx, self.incident.currentData(), "None (refuse the row)")

    def _update_layout_note(self, *_: object) -> None:
        mapping = self.mapping()
        if "element" in mapping and "value" in mapping:
            text = "Long layout: one row per facility × element (× period)."
        else:
            text = (
                "Wide layout: one row per facility; every other column whose header names "
                "an EEI element (code or label) is read."
            )
        self.layout_note.setText(text)

    def mapping(self) -> dict[str, str]:
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData()}

    # --------------------------------------------------------- step 2: preview

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.preview_summary = QLabel()
        self.preview_summary.setObjectName("previewSummary")
        self.preview_summary.setWordWrap(True)
        self.rows_table = QTableWidget()
        self.rows_table.setObjectName("previewTable")
        self.rows_table.verticalHeader().setVisible(False)
        self.rows_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rows_table.itemChanged.connect(self._on_item_changed)
        layout = QVBoxLayout(page)
        layout.addWidget(self.preview_summary)
        layout.addWidget(self.rows_table, 1)
        return page

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.back_button.setVisible(index == 1)
        if index == 0:
            self.next_button.setText("Preview rows →")
            self.next_button.setEnabled(True)
        else:
            self._update_import_button()

    def back(self) -> None:
        self._show_page(0)

    def next(self) -> None:
        if self.pages.currentIndex() == 0:
            self.run_preview()
        else:
            self.commit()

    def run_preview(self) -> None:
        """Check every row off the GUI thread with the mapping chosen (reads only)."""
        store, path, mapping = self.ctx.store, self.path, self.mapping()
        if self.kind == MEMBERS:
            if "name" not in mapping:
                QMessageBox.warning(self, TITLES[self.kind], "Choose the column of the name.")
                return

            def work() -> Any:
                return preview_members(store, path, mapping=mapping)
        else:
            if "facility" not in mapping:
                QMessageBox.warning(self, TITLES[self.kind], "Choose the facility column.")
                return
            incident_id, period = self.incident.currentData(), self.period.currentData()

            def work() -> Any:
                return preview_eei(
                    store, path, incident_id=incident_id, period=period, columns=mapping
                )

        self.next_button.setEnabled(False)
        self.job = run_job(
            self, "Checking rows…", work, self._show_preview,
            failed_title=TITLES[self.kind], on_end=lambda: self.next_button.setEnabled(True),
        )  # fmt: skip
        self.job.finished.connect(lambda *_: self.next_button.setEnabled(True))

    def _show_preview(self, preview: MemberPreview | EEIPreview) -> None:
        self.preview = preview
        if isinstance(preview, MemberPreview):
            fields = [f for f in SYNONYMS if f in preview.mapping]
            value_cols = [
                ("region_id" if f == "region" else f, MEMBER_LABELS[f].removesuffix(" (required)"))
                for f in fields
            ]
            headers = ["Import", "Line", "Result", "Reason"] + [label for _, label in value_cols]
            regions = {r.id: r.name or r.key for r in list_regions(self.ctx.store)}
            raw = dict(self.table_.rows)
            rows = []
            for r in preview.rows:
                if r.accepted:
                    shown = [_member_text(k, r.values.get(k), regions) for k, _ in value_cols]
                else:  # refused rows have no clean values: show what the file says
                    cells = raw.get(r.line, {})
                    shown = [cells.get(preview.mapping[f], "") for f in fields]
                rows.append(
                    [str(r.line), "accepted" if r.accepted else "refused", r.error or "", *shown]
                )
            accepted = [r.accepted for r in preview.rows]
            lines = [r.line for r in preview.rows]
            layout = ""
        else:
            headers = ["Import", "Line", "Result", "Reason", "Facility", "Element", "Period",
                       "Value", "Reported at", "Comment"]  # fmt: skip
            rows = [
                [str(r.line), "accepted" if r.accepted else "refused", r.error or "",
                 r.facility, r.element, _text(r.period), _text(r.value), r.reported_at or "",
                 r.comment or ""]
                for r in preview.rows
            ]  # fmt: skip
            accepted = [r.accepted for r in preview.rows]
            lines = [r.line for r in preview.rows]
            per = "value" if preview.layout == "long" else "facility"
            layout = f" Layout: {preview.layout} (one row per {per})."
        t = self.rows_table
        t.blockSignals(True)
        t.clear()
        t.setColumnCount(len(headers))
        t.setRowCount(len(rows))
        t.setHorizontalHeaderLabels(headers)
        for r, (cells, ok, line) in enumerate(zip(rows, accepted, lines, strict=True)):
            check = QTableWidgetItem()
            check.setData(Qt.ItemDataRole.UserRole, line)
            if ok:
                check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                check.setCheckState(Qt.CheckState.Checked)
            else:
                check.setFlags(Qt.ItemFlag.ItemIsEnabled)
                check.setToolTip("Refused: cannot be imported")
            t.setItem(r, 0, check)
            for c, value in enumerate(cells, start=1):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if not ok:
                    item.setBackground(REFUSED_BG)
                t.setItem(r, c, item)
            if not ok:
                check.setBackground(REFUSED_BG)
        t.resizeColumnsToContents()
        for c in range(t.columnCount()):
            t.setColumnWidth(c, min(t.columnWidth(c), 320))
        t.horizontalHeader().setStretchLastSection(True)
        t.blockSignals(False)
        n_ok = sum(accepted)
        self.preview_summary.setText(
            f"{n_ok} rows accepted, {len(rows) - n_ok} refused (shaded, with the line and "
            f"the reason).{layout} Untick accepted rows to leave them out; nothing is "
            "written until you press Import."
        )
        self._show_page(1)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        """Rows of one spreadsheet line (a wide EEI row gives several) go together:
        the import keeps or leaves whole lines."""
        if item.column() != 0 or not (item.flags() & Qt.ItemFlag.ItemIsUserCheckable):
            return
        line, state = item.data(Qt.ItemDataRole.UserRole), item.checkState()
        t = self.rows_table
        t.blockSignals(True)
        for r in range(t.rowCount()):
            other = t.item(r, 0)
            if (
                other is not item
                and other.data(Qt.ItemDataRole.UserRole) == line
                and other.flags() & Qt.ItemFlag.ItemIsUserCheckable
            ):
                other.setCheckState(state)
        t.blockSignals(False)
        self._update_import_button()

    def chosen_lines(self) -> set[int]:
        t = self.rows_table
        return {
            int(t.item(r, 0).data(Qt.ItemDataRole.UserRole))
            for r in range(t.rowCount())
            if t.item(r, 0).flags() & Qt.ItemFlag.ItemIsUserCheckable
            and t.item(r, 0).checkState() == Qt.CheckState.Checked
        }

    def _update_import_button(self) -> None:
        lines = self.chosen_lines()
        self.next_button.setText(f"Import {len(lines)} rows")
        self.next_button.setEnabled(bool(lines))

    # ---------------------------------------------------------- step 3: import

    def commit(self) -> None:
        preview, lines = self.preview, self.chosen_lines()
        if preview is None or not lines:
            return
        store, actor = self.ctx.store, self.ctx.actor
        source = f"spreadsheet {self.path.name}"

        def work() -> Any:
            if isinstance(preview, MemberPreview):
                return commit_members(store, preview, actor=actor, lines=lines)
            return commit_eei(store, preview, actor=actor, source=source, lines=lines)

        # A started import completes (one transaction): Back and Cancel wait with it.
        for button in (self.next_button, self.back_button, self.cancel_button):
            button.setEnabled(False)
        self.job = run_job(
            self, "Importing…", work, self._done,
            failed_title=TITLES[self.kind], writes=True, on_end=self._import_ended,
        )  # fmt: skip

    def _import_ended(self) -> None:
        self.back_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        self._update_import_button()

    def _done(self, result: Any) -> None:
        preview = self.preview
        assert preview is not None
        lines = self.chosen_lines()
        if self.kind == MEMBERS:
            head = (
                f"Imported {len(lines)} rows: {len(result.created)} new, "
                f"{len(result.updated)} updated, {len(result.unchanged)} unchanged."
            )
        else:
            head = f"Recorded {result} EEI values from {len(lines)} rows, awaiting validation."
        self.report = import_report(head, preview, lines)
        self.ctx.message.emit(f"{TITLES[self.kind]}: {head}")
        QMessageBox.information(self.parentWidget(), TITLES[self.kind], self.report)
        self.accept()


def import_report(head: str, preview: MemberPreview | EEIPreview, lines: set[int]) -> str:
    """What was imported, then every row not imported with its line and reason."""
    out = [head]
    refused: list[tuple[int, str]] = []
    if isinstance(preview, MemberPreview):
        refused = [(r.line, r.error or "") for r in preview.refused]
        left = sorted({r.line for r in preview.accepted} - lines)
    else:
        refused = [(r.line, f"{r.facility} {r.element}: {r.error}") for r in preview.refused]
        left = sorted({r.line for r in preview.accepted} - lines)
    if refused:
        out.append("")
        out.append(f"{len(refused)} refused (not imported):")
        out.extend(f"  line {line}: {reason}" for line, reason in refused[:REPORT_LINES])
        if len(refused) > REPORT_LINES:
            out.append(f"  and {len(refused) - REPORT_LINES} more")
    if left:
        out.append("")
        out.append("Left out by you: lines " + ", ".join(str(n) for n in left))
    return "\n".join(out)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _member_text(field: str, value: object, regions: dict[str, str | None]) -> str:
    """A cleaned member value as the directory shows it (labels, not codes)."""
    if field == "region_id":
        return _text(regions.get(str(value)) or value)
    if field == "member_type":
        return MEMBER_TYPES.get(str(value), _text(value))
    if field == "membership":
        return MEMBERSHIPS.get(str(value), _text(value))
    return _text(value)


def open_table_file(parent: QWidget, ctx: AppContext, kind: str, path: Path) -> Job:
    """Read the header and rows off the GUI thread, then show the mapping step."""

    def show(table: Table) -> None:
        dialog = TableImportDialog(ctx, kind, path, table, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    return run_job(parent, "Reading spreadsheet…", lambda: read_table(path), show,
                   failed_title=TITLES[kind])  # fmt: skip


def import_members(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Import members."""
    path = ask_open_path(parent, TITLES[MEMBERS], TABLE_FILTER)
    if path is not None:
        open_table_file(parent, ctx, MEMBERS, path)


def import_eei(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Import EEI reports."""
    path = ask_open_path(parent, TITLES[EEI], TABLE_FILTER)
    if path is not None:
        open_table_file(parent, ctx, EEI, path)


# -------------------------------------------------------------------- export

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
        self.job = run_job(
            self,
            "Writing table…",
            lambda: (
                table_export.export_table(
                    store, kind, out, incident_id=incident_id, period=period, public=public
                ),
                out,
            ),
            self._done,
            failed_title=EXPORT_TITLE,
            writes=True,
            on_end=lambda: self.save_button.setEnabled(True),
        )

    def _done(self, result: tuple[int, Path]) -> None:
        count, out = result
        label = KIND_LABELS.get(self.kind.currentData(), "table")
        self.ctx.message.emit(f"Wrote {count} rows to {out}")
        QMessageBox.information(
            self.parentWidget(), EXPORT_TITLE, f"{label}: {count} rows written to\n{out}"
        )
        self.accept()


def export_table_dialog(parent: QWidget, ctx: AppContext, kind: str | None = None) -> None:
    """Interchange → Export table: the table of the panel in use is offered first."""
    dialog = TableExportDialog(ctx, kind or focused_kind(parent), parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
