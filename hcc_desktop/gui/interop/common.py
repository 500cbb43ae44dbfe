"""What every interchange dialog shares: file choosers, the failure hook that turns a
refusal into a plain message (see `refused`), reading a file before its dialog opens,
and incident/period choices.

The work itself runs through gui.operations like everywhere else: reads as `QueryOp`,
writes (recording alerts, HAVE values, imported rows) as `CollectionOp`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from hcc_desktop.core.errors import HccError
from hcc_desktop.core.services import incidents
from hcc_desktop.gui import file_dialogs
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import Job, Progress, QueryOp, describe

#: The file_dialogs purpose of standards and spreadsheet files.
INTERCHANGE = "interchange"
CAP_FILTER = "CAP alerts and feeds (*.xml *.cap *.atom *.rss);;All files (*)"
HAVE_FILTER = "EDXL-HAVE documents (*.xml);;All files (*)"
TABLE_FILTER = "Spreadsheets (*.csv *.xlsx *.xlsm *.txt);;All files (*)"
SAVE_TABLE_FILTER = "CSV (*.csv);;Excel workbook (*.xlsx)"
NOTHING_CHANGED = "Nothing was changed."
T = TypeVar("T")


def _store_path(parent: QWidget | None) -> Path | None:
    """The store beside which a first dialog opens (the window's, when it has one)."""
    ctx = getattr(parent, "ctx", None) or getattr(getattr(parent, "window", None), "ctx", None)
    store = getattr(ctx, "store", None)
    return Path(store.path) if store is not None else None


def ask_open_path(parent: QWidget | None, title: str, filters: str) -> Path | None:
    """One file to read, or None when the operator cancels (tests replace this). Opens
    where the last interchange file came from, else beside the store (file_dialogs)."""
    return file_dialogs.open_file(parent, title, INTERCHANGE, filters, beside=_store_path(parent))


def ask_save_path(
    parent: QWidget | None, title: str, suggested: str, filters: str, suffix: str
) -> Path | None:
    """Where to write, with `suffix` added when the operator typed none (tests replace
    this)."""
    start = file_dialogs.start_folder(INTERCHANGE, beside=_store_path(parent))
    chosen, selected = QFileDialog.getSaveFileName(parent, title, str(start / suggested), filters)
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        path = path.with_suffix(".xlsx" if "xlsx" in (selected or "") else suffix)
    file_dialogs.remember(INTERCHANGE, path)
    return path


def show_refusal(parent: QWidget | None, title: str, message: str) -> None:
    """The one dialog for a refused file or value: the reason, then the reassurance
    that the store is as it was."""
    QMessageBox.warning(parent, title, f"{message}\n\n{NOTHING_CHANGED}")


def refused(
    parent: QWidget | None, title: str, *, then: Callable[[], object] | None = None
) -> Callable[[Exception], None]:
    """The failure hook of every interchange operation (`op.failure(refused(...))`).

    A refusal from the interop services is an `HccError` whose text already names the
    file and the element or line: the operator reads that sentence and "nothing was
    changed", never a class name. Anything else (a fault, logged with its traceback
    by the worker) still ends in the same dialog with its one-line description. The
    services work in one transaction, so either way the store is as it was.

    `then` runs first: the dialog that disabled its buttons for the run gives them
    back, so the operator can correct the input and try again."""

    def hook(exc: Exception) -> None:
        if then is not None:
            then()
        show_refusal(parent, title, str(exc) if isinstance(exc, HccError) else describe(exc))

    return hook


def close_with_report(
    dialog: QDialog, ctx: AppContext, title: str, *, status: str, report: str
) -> None:
    """End a finished interchange: a line in the status bar (it stays in the log of
    messages), the full report over the window, and the dialog closed under it."""
    ctx.message.emit(status)
    QMessageBox.information(dialog.parentWidget(), title, report)
    dialog.accept()


def open_dialog(dialog: QDialog) -> QDialog:
    """Show a window-modal dialog that deletes itself on close (every interchange
    dialog: the menu keeps no reference to it)."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def read_then_open(
    parent: QWidget,
    read: Callable[[Progress], T],
    show: Callable[[T], QDialog],
    *,
    title: str,
    label: str,
) -> Job:
    """Read a file off the GUI thread (with a cancellable progress dialog: a feed or
    a spreadsheet can be large), then open the dialog `show` makes from what was
    read; a refusal ends in the dialog of `refused` and opens nothing."""
    return (
        QueryOp(parent, read, title=title)
        .success(lambda found: open_dialog(show(found)))
        .failure(refused(parent, title))
        .with_progress(label)
        .run_in_background()
    )


def incident_combo(ctx: AppContext, *, current: str | None = None) -> QComboBox:
    """Open incidents, the one in view first selected; data is the incident id."""
    combo = QComboBox()
    combo.setObjectName("incidentCombo")
    chosen = current or ctx.incident_id
    for inc in incidents.list_incidents(ctx.store):
        label = inc.name or inc.id
        if inc.exercise:
            label += " (exercise)"
        combo.addItem(label, inc.id)
    found = combo.findData(chosen)
    if found >= 0:
        combo.setCurrentIndex(found)
    return combo


def fill_periods(combo: QComboBox, ctx: AppContext, incident_id: str | None, first: str) -> None:
    """`first` (data None) then the incident's periods; the period in view selected."""
    combo.clear()
    combo.addItem(first, None)
    if not incident_id:
        return
    for p in incidents.list_periods(ctx.store, incident_id=incident_id):
        combo.addItem(f"Period {p.number}", int(p.number or 0))
    if ctx.period and incident_id == ctx.incident_id:
        found = combo.findData(ctx.period)
        if found >= 0:
            combo.setCurrentIndex(found)


def read_only_table(
    headers: list[str], rows: list[list[str]], name: str, *, widest: int = 320
) -> QTableWidget:
    """A plain table for previews: read-only, sortable off (line order matters)."""
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.resizeColumnsToContents()
    for c in range(len(headers)):
        table.setColumnWidth(c, min(table.columnWidth(c), widest))
    header.setStretchLastSection(True)
    return table
