"""Where documents go and what happens once one is written: off the GUI thread with a
progress dialog that can cancel, then the PDF opens in the system's viewer and a small
window offers to print it.

The operator who asked for a briefing wants it on paper; the viewer shows at once what
will be printed, and the Print button is one click away rather than a menu hunt.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from hcc_desktop.core import paper
from hcc_desktop.core.paper import PAPERS
from hcc_desktop.gui import file_dialogs, operations
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.operations import Job, Progress, QueryOp
from hcc_desktop.gui.reports import printing
from hcc_desktop.gui.reports.printing import print_pdf
from hcc_desktop.gui.settings import app_settings

PAPER_KEY = "reports/paper"
PDF_FILTER = "PDF documents (*.pdf)"

#: Tests replace this so that no viewer starts on the build machine.
open_in_viewer: Callable[[Path], bool] = lambda path: QDesktopServices.openUrl(  # noqa: E731
    QUrl.fromLocalFile(str(path))
)


def default_folder(store_path: Path | None = None) -> Path:
    """The last folder a document was saved in, else beside the store, else home
    (gui.file_dialogs)."""
    return file_dialogs.start_folder(file_dialogs.REPORTS, beside=store_path)


def remember_folder(path: Path) -> None:
    file_dialogs.remember(file_dialogs.REPORTS, path)


def default_paper() -> str:
    """What the operator chose last, else core.paper's choice from the locale (Letter
    in the US and its neighbours, A4 elsewhere): the GUI, the command line and the
    report builders must not disagree about the paper nobody chose."""
    saved = app_settings().value(PAPER_KEY)
    if saved in PAPERS:
        return str(saved)
    return paper.default_paper()


def remember_paper(paper: str) -> None:
    app_settings().setValue(PAPER_KEY, paper)


def file_name(*parts: object) -> str:
    """A safe, sortable file name: 'briefing-hurricane-calder-p4-2026-11-20.pdf'."""
    words = [re.sub(r"[^a-z0-9]+", "-", str(p).lower()).strip("-") for p in parts if p]
    return "-".join(w for w in words if w)[:120] + ".pdf"


def ask_path(parent: QWidget, title: str, suggested: Path) -> Path | None:
    chosen = file_dialogs.save_file(parent, title, file_dialogs.REPORTS, str(suggested), PDF_FILTER)
    if chosen is None:
        return None
    return chosen if chosen.name.lower().endswith(".pdf") else Path(f"{chosen}.pdf")


def today() -> str:
    return date.today().isoformat()


def run_document(
    parent: QWidget,
    ctx: AppContext,
    *,
    title: str,
    work: Callable[[Progress], Any],
    describe: Callable[[Any], str],
    path: Path,
) -> Job:
    """Run `work` off the GUI thread; when it is done, open the PDF and offer to print.
    A refusal or failure is shown in a message box and nothing is opened."""
    # reportlab is imported here, not with this module: the paper-size helpers above
    # are read at start-up (Preferences, the display zone), before any PDF is asked for.
    from hcc_desktop.reports.fonts import register_fonts

    register_fonts()  # once, on this thread: font registration is not thread-safe

    def done(result: Any) -> None:
        remember_folder(path)
        summary = describe(result)
        ctx.message.emit(summary)
        job.result_box = deliver(parent, ctx, path, summary)

    # A document only reads the store (the PDF is written beside it): a query.
    job = (
        QueryOp(parent, work)
        .with_progress(title)
        .success(done)
        .failure(lambda exc: _failed(parent, ctx, title, operations.describe(exc)))
        .cancelled(lambda: ctx.message.emit(f"{title.rstrip('…')}: cancelled"))
        .run_in_background()
    )
    return job


def _failed(parent: QWidget, ctx: AppContext, title: str, message: str) -> None:
    text = message.split(": ", 1)[1] if message.count(": ") >= 1 else message
    ctx.message.emit(f"{title.rstrip('…')} failed: {text}")
    QMessageBox.warning(parent, "Document not written", text)


def deliver(parent: QWidget, ctx: AppContext, path: Path, summary: str) -> QMessageBox:
    """Open the PDF in the system's viewer and show a non-blocking window with Print…,
    or, on a machine with no printer set up, the sentence that says so instead."""
    opened = open_in_viewer(path)
    box = QMessageBox(parent)
    box.setWindowTitle("Document written")
    box.setIcon(QMessageBox.Icon.Information)
    extra = "" if opened else "\n\nNo PDF viewer could be started; open the file yourself."
    can_print = printing.printers_available()
    if not can_print:
        extra += f"\n\n{printing.NO_PRINTER}"
    box.setText(f"{summary}\n\n{path}{extra}")
    print_button: QPushButton | None = None
    if can_print:
        print_button = box.addButton("Print…", QMessageBox.ButtonRole.ActionRole)
        print_button.setObjectName("print_button")
    box.addButton(QMessageBox.StandardButton.Close)

    def on_click(button: QPushButton) -> None:
        if print_button is not None and button is print_button:
            outcome = print_pdf(parent, path)
            ctx.message.emit(outcome.message)
            if not outcome.printed and outcome.message != "Printing cancelled":
                QMessageBox.information(parent, "Not printed", outcome.message)

    box.buttonClicked.connect(on_click)
    box.open()
    return box
