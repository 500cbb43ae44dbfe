"""What every interchange dialog shares: file choosers, background runs whose refusals
come back as plain messages, the error dialog, and incident/period choices.

A refusal from the interop services (a malformed file, an unknown column, a value out
of range) is an `HccError` whose text already names the file and the element or line.
It is caught inside the background job and handed back as a `Refusal`, so the operator
reads that sentence and "nothing was changed", never a class name or a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from hcc_desktop.core.errors import HccError
from hcc_desktop.core.services import incidents
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.settings import app_settings
from hcc_desktop.gui.workers import Job, Progress

FOLDER_KEY = "interop/folder"
CAP_FILTER = "CAP alerts and feeds (*.xml *.cap *.atom *.rss);;All files (*)"
HAVE_FILTER = "EDXL-HAVE documents (*.xml);;All files (*)"
TABLE_FILTER = "Spreadsheets (*.csv *.xlsx *.xlsm *.txt);;All files (*)"
SAVE_TABLE_FILTER = "CSV (*.csv);;Excel workbook (*.xlsx)"
NOTHING_CHANGED = "Nothing was changed."


@dataclass(frozen=True)
class Refusal:
    """A service's refusal, carried back from the worker thread as a result."""

    message: str


def folder() -> str:
    """The folder the operator last used for interchange files (else home)."""
    saved = app_settings().value(FOLDER_KEY)
    if saved and Path(str(saved)).is_dir():
        return str(saved)
    return str(Path.home())


def remember(path: Path) -> None:
    app_settings().setValue(FOLDER_KEY, str(Path(path).parent))


def ask_open_path(parent: QWidget | None, title: str, filters: str) -> Path | None:
    """One file to read, or None when the operator cancels (tests replace this)."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, folder(), filters)
    if not chosen:
        return None
    path = Path(chosen)
    remember(path)
    return path


def ask_save_path(
    parent: QWidget | None, title: str, suggested: str, filters: str, suffix: str
) -> Path | None:
    """Where to write, with `suffix` added when the operator typed none (tests replace
    this)."""
    chosen, selected = QFileDialog.getSaveFileName(
        parent, title, str(Path(folder()) / suggested), filters
    )
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        path = path.with_suffix(".xlsx" if "xlsx" in (selected or "") else suffix)
    remember(path)
    return path


def show_refusal(parent: QWidget | None, title: str, message: str) -> None:
    """The one dialog for a refused file or value: the reason, then the reassurance
    that the store is as it was."""
    QMessageBox.warning(parent, title, f"{message}\n\n{NOTHING_CHANGED}")


def run_job(
    parent: QWidget | None,
    title: str,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    *,
    failed_title: str | None = None,
    writes: bool = False,
    on_end: Callable[[], None] | None = None,
) -> Job:
    """Run `fn` off the GUI thread; `on_done` gets its result on the GUI thread. A
    refusal or an unexpected failure ends in a dialog instead. The services work in
    one transaction, so a failure leaves the store as it was.

    Reading jobs show the cancellable progress dialog. A job that `writes` shows
    none: its one transaction cannot be stopped halfway, and a Cancel that came
    after the commit would claim "nothing written" falsely.

    `on_end` runs when the job ends without a result (refused, failed or cancelled):
    the dialog that disabled its buttons for the run gives them back, so the operator
    can correct the input and try again."""

    def work(progress: Progress) -> Any:
        progress.step(0, 1)
        try:
            return fn()
        except HccError as exc:
            return Refusal(str(exc))

    job = Job(
        work,
        pool=QThreadPool.globalInstance(),
        title=title,
        parent_widget=parent,
        show_progress=not writes,
    )
    heading = failed_title or title.rstrip("…. ")

    def ended() -> None:
        if on_end is not None:
            on_end()

    def finished(result: Any) -> None:
        if isinstance(result, Refusal):
            ended()
            show_refusal(parent, heading, result.message)
        else:
            on_done(result)

    def failed(message: str) -> None:
        ended()
        show_refusal(parent, heading, message)

    job.finished.connect(finished)
    job.failed.connect(failed)
    job.cancelled.connect(ended)
    return job


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
