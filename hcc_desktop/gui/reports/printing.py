"""Printing a PDF the program made: through Qt's print dialog, then whichever way this
installation can actually put the PDF on paper.

PySide6-Essentials has no QtPdf, so Qt itself cannot draw a PDF page onto a QPrinter.
The print dialog still lets the operator pick the printer, copies and duplex; the PDF
then goes to the printer by the platform's own spooler (`lp` on Linux and macOS, the
shell's "print" verb on Windows), which prints the PDF as it is, text and all. When
PySide6-Addons provides QtPdf, pages are rendered onto the QPrinter instead. Where
neither works, the operator is told to print from the PDF viewer that is already open.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

#: Resolution pages are rendered at when QtPdf prints (enough for text; a letter page is
#: then 2550 x 3300 pixels, 33 MB, instead of 134 MB at 600 dpi).
RENDER_DPI = 300
LP_TIMEOUT_S = 30

Chooser = Callable[[QPrinter, QWidget | None], bool]


@dataclass(frozen=True)
class PrintOutcome:
    """What happened, in words for the status bar or a message box."""

    printed: bool
    message: str


#: Said instead of offering Print… on a machine with no printer set up.
NO_PRINTER = "No printer is set up on this computer; open the PDF and print it from there."


def printers_available() -> bool:
    """Whether the system knows any printer (CUPS on Linux and macOS, the Windows print
    spooler). Without one a Print… button only leads to an empty printer list or an
    lp error, so the dialogs leave it out and say why."""
    from PySide6.QtPrintSupport import QPrinterInfo

    return bool(QPrinterInfo.availablePrinters())


def qtpdf_available() -> bool:
    try:
        from PySide6.QtPdf import QPdfDocument  # noqa: F401
    except ImportError:
        return False
    return True


def how_printing_works() -> str:
    """One sentence for the dialog: which way this installation prints."""
    if not printers_available():
        return NO_PRINTER
    if qtpdf_available():
        return "Printing goes through Qt's print dialog (pages rendered with QtPdf)."
    if sys.platform == "win32":
        return "Printing hands the PDF to Windows, which prints it on the default printer."
    if shutil.which("lp"):
        return "Printing hands the PDF to the system spooler (lp) for the printer you choose."
    return "This computer has no print spooler: print from the PDF viewer."


def ask_printer(printer: QPrinter, parent: QWidget | None) -> bool:
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print")
    return dialog.exec() == QDialog.DialogCode.Accepted


def print_pdf(parent: QWidget | None, path: Path, *, choose: Chooser = ask_printer) -> PrintOutcome:
    """Print `path` after the operator chose a printer (`choose` shows the dialog)."""
    path = Path(path)
    if sys.platform == "win32" and not qtpdf_available():
        try:
            os.startfile(str(path), "print")  # type: ignore[attr-defined]
        except OSError as exc:
            return PrintOutcome(False, f"Windows could not print {path.name}: {exc}")
        return PrintOutcome(True, f"Sent {path.name} to the default printer")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(path.stem)
    if not choose(printer, parent):
        return PrintOutcome(False, "Printing cancelled")
    target = printer.outputFileName()
    if target:  # "Print to file": the PDF already is the file
        try:
            shutil.copyfile(path, target)
        except OSError as exc:
            return PrintOutcome(False, f"Cannot write {target}: {exc.strerror}")
        return PrintOutcome(True, f"Saved a copy as {target}")
    if qtpdf_available():
        return _print_with_qtpdf(printer, path)
    lp = shutil.which("lp")
    if lp is None:
        return PrintOutcome(
            False,
            "This computer has no print spooler (lp): print from the PDF viewer instead.",
        )
    return _print_with_lp(lp, printer, path)


def lp_command(
    lp: str, path: Path, *, printer: str = "", copies: int = 1, duplex: bool = False
) -> list[str]:
    """The `lp` call for the operator's choices in the print dialog."""
    cmd = [lp]
    if printer:
        cmd += ["-d", printer]
    if copies > 1:
        cmd += ["-n", str(copies)]
    if duplex:
        cmd += ["-o", "sides=two-sided-long-edge"]
    cmd += ["-t", path.stem, "--", str(path)]
    return cmd


def _print_with_lp(lp: str, printer: QPrinter, path: Path) -> PrintOutcome:
    duplex = printer.duplex() not in (QPrinter.DuplexMode.DuplexNone,)
    cmd = lp_command(
        lp, path, printer=printer.printerName(), copies=printer.copyCount(), duplex=duplex
    )
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=LP_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return PrintOutcome(False, f"lp did not accept {path.name}: {exc}")
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        return PrintOutcome(False, f"lp refused {path.name}: {why}")
    where = printer.printerName() or "the default printer"
    return PrintOutcome(True, f"Sent {path.name} to {where} (lp: {done.stdout.strip()})")


def _print_with_qtpdf(printer: QPrinter, path: Path) -> PrintOutcome:
    from PySide6.QtPdf import QPdfDocument

    doc: Any = QPdfDocument()
    doc.load(str(path))
    if doc.pageCount() == 0:
        return PrintOutcome(False, f"QtPdf could not read {path.name}")
    first = max(printer.fromPage() - 1, 0) if printer.fromPage() else 0
    last = min(printer.toPage(), doc.pageCount()) if printer.toPage() else doc.pageCount()
    painter = QPainter()
    if not painter.begin(printer):
        return PrintOutcome(False, f"Cannot start printing on {printer.printerName()}")
    try:
        area = printer.pageRect(QPrinter.Unit.DevicePixel)
        for i in range(first, last):
            if i > first:
                printer.newPage()
            points = doc.pagePointSize(i)
            size = QSize(
                int(points.width() / 72 * RENDER_DPI), int(points.height() / 72 * RENDER_DPI)
            )
            image = doc.render(i, size)
            scaled = QSize(size)
            scaled.scale(int(area.width()), int(area.height()), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(0, 0, scaled.width(), scaled.height()), image)
    finally:
        painter.end()
    return PrintOutcome(True, f"Printed {last - first} pages on {printer.printerName()}")
