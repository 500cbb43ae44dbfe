"""Interchange → Import members and Import EEI reports, from CSV or XLSX.

An import is three steps, because files from other reporting systems name their
columns in their own way and carry rows that will not fit: (1) map the columns
(column_mapping), (2) preview every row as accepted or refused with its line and
reason, and untick accepted rows to leave them out (row_preview), (3) import and
report. Nothing is written before step 3; Cancel at any step, or Back, writes nothing.

The file is read, and the preview checked, off the GUI thread with a progress dialog
that can cancel (reads only). The import itself is one transaction: its progress
dialog counts the rows and offers no Cancel, since a started import completes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop.column_mapping import EEI, MEMBERS, ColumnMapping
from hcc_desktop.gui.interop.common import (
    TABLE_FILTER,
    ask_open_path,
    close_with_report,
    read_then_open,
    refused,
)
from hcc_desktop.gui.interop.preview_model import PreviewRows
from hcc_desktop.gui.interop.row_preview import RowPreview, eei_rows, member_rows
from hcc_desktop.gui.operations import CollectionOp, Job, Progress, QueryOp
from hcc_desktop.interop.eei_import import EEIPreview, commit_eei, preview_eei
from hcc_desktop.interop.members_import import MemberPreview, commit_members, preview_members
from hcc_desktop.interop.table_read import Table, read_table

TITLES = {MEMBERS: "Import members", EEI: "Import EEI reports"}
REPORT_LINES = 25


class TableImportDialog(QDialog):
    """Map columns → preview → import, for members or EEI reports."""

    def __init__(
        self, ctx: AppContext, kind: str, path: Path, table: Table, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.kind, self.path, self.table_ = ctx, kind, Path(path), table
        self.title = TITLES[kind]
        self.preview: MemberPreview | EEIPreview | None = None
        self.job: Job | None = None
        self.report: str = ""
        self.setObjectName(f"{kind}ImportDialog")
        self.setWindowTitle(f"{self.title} — {self.path.name}")
        self.resize(1000, 640)
        self.columns = ColumnMapping(ctx, kind, self.path, table)
        self.rows = RowPreview()
        self.rows.chosen_changed.connect(self._update_import_button)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.columns)
        self.pages.addWidget(self.rows)
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

    # --------------------------------------------------------- step 2: preview

    def run_preview(self) -> None:
        """Check every row off the GUI thread with the mapping chosen (reads only)."""
        missing = self.columns.missing()
        if missing:
            QMessageBox.warning(self, self.title, missing)
            return
        store, path, table, mapping = self.ctx.store, self.path, self.table_, self.columns.mapping()
        kind = self.kind
        incident_id = self.columns.incident.currentData() if kind == EEI else None
        period = self.columns.period.currentData() if kind == EEI else None

        def work(progress: Progress) -> tuple[MemberPreview | EEIPreview, PreviewRows]:
            if kind == MEMBERS:
                members = preview_members(store, path, mapping=mapping, progress=progress.step)
                return members, member_rows(store, members, table)
            found = preview_eei(
                store,
                path,
                incident_id=incident_id,
                period=period,
                columns=mapping,
                progress=progress.step,
            )
            return found, eei_rows(found)

        def again() -> None:
            self.next_button.setEnabled(True)

        self.next_button.setEnabled(False)
        self.job = (
            QueryOp(self, work, title=self.title)
            .success(self._show_preview)
            .failure(refused(self, self.title, then=again))
            .cancelled(again)
            .with_progress("Checking rows…")
            .run_in_background()
        )

    def _show_preview(self, found: tuple[MemberPreview | EEIPreview, PreviewRows]) -> None:
        self.preview, rows = found
        self.rows.show_rows(rows)
        self._show_page(1)

    def chosen_lines(self) -> set[int]:
        return self.rows.chosen_lines()

    def _update_import_button(self) -> None:
        if self.pages.currentIndex() != 1:
            return
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

        def work(progress: Progress) -> Any:
            if isinstance(preview, MemberPreview):
                return commit_members(
                    store, preview, actor=actor, lines=lines, progress=progress.step
                )
            return commit_eei(
                store, preview, actor=actor, source=source, lines=lines, progress=progress.step
            )

        if isinstance(preview, MemberPreview):
            label, counts = f"Importing {len(lines)} rows…", "rows"
        else:
            label, counts = f"Recording the EEI values of {len(lines)} rows…", "values"
        # A started import completes (one transaction): Back and Cancel wait with it,
        # and the progress dialog counts the rows without offering a Cancel.
        for button in (self.next_button, self.back_button, self.cancel_button):
            button.setEnabled(False)
        self.job = (
            CollectionOp(self, work, title=self.title)
            .success(self._done)
            .failure(refused(self, self.title, then=self._import_ended))
            .with_progress(label, counts=counts)
            .run_in_background()
        )

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
        close_with_report(
            self, self.ctx, self.title, status=f"{self.title}: {head}", report=self.report
        )


def import_report(head: str, preview: MemberPreview | EEIPreview, lines: set[int]) -> str:
    """What was imported, then every row not imported with its line and reason."""
    out = [head]
    refused_rows: list[tuple[int, str]] = []
    if isinstance(preview, MemberPreview):
        refused_rows = [(r.line, r.error or "") for r in preview.refused]
        left = sorted({r.line for r in preview.accepted} - lines)
    else:
        refused_rows = [(r.line, f"{r.facility} {r.element}: {r.error}") for r in preview.refused]
        left = sorted({r.line for r in preview.accepted} - lines)
    if refused_rows:
        out.append("")
        out.append(f"{len(refused_rows)} refused (not imported):")
        out.extend(f"  line {line}: {reason}" for line, reason in refused_rows[:REPORT_LINES])
        if len(refused_rows) > REPORT_LINES:
            out.append(f"  and {len(refused_rows) - REPORT_LINES} more")
    if left:
        out.append("")
        out.append("Left out by you: lines " + ", ".join(str(n) for n in left))
    return "\n".join(out)


def open_table_file(parent: QWidget, ctx: AppContext, kind: str, path: Path) -> Job:
    """Read the header and rows off the GUI thread, then show the mapping step."""
    return read_then_open(
        parent,
        lambda progress: read_table(path, progress=progress.step),
        lambda table: TableImportDialog(ctx, kind, path, table, parent),
        title=TITLES[kind],
        label="Reading spreadsheet…",
    )


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
