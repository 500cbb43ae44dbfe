"""Issue 17 (5), the GUI's defaults for a US coalition: the paper from the locale as
the command line chooses it, the station name asked for rather than the host name,
file dialogs opening beside the store or in the last folder used, and no Print…
button on a machine without a printer."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from hcc_desktop.core import paper
from hcc_desktop.gui import file_dialogs
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.reports import open_briefing_dialog, output, printing
from hcc_desktop.gui.settings import set_application_names
from hcc_desktop.gui.startup.welcome import WelcomeDialog
from hcc_desktop.gui.sync.stations import StationsDialog

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("locale", "expected"), [("en_US.UTF-8", "letter"), ("en_GB.UTF-8", "a4")])
def test_paper_follows_the_locale_as_the_command_line_does(
    qtbot: Any, parent: Any, view: AppContext, monkeypatch: pytest.MonkeyPatch, locale: str,
    expected: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("LC_ALL", locale)
    assert output.default_paper() == paper.default_paper() == expected
    dialog = open_briefing_dialog(parent, view)
    assert dialog is not None and dialog.paper.currentData() == expected
    dialog.reject()
    output.remember_paper("a4" if expected == "letter" else "letter")  # a choice wins
    assert output.default_paper() != expected


def test_station_name_is_asked_for_not_taken_from_the_host(qtbot: Any, tmp_path: Path) -> None:
    set_application_names()
    path = tmp_path / "new" / "store.sqlite"
    dialog = WelcomeDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.station.text() == ""
    assert socket.gethostname() not in dialog.station.placeholderText()
    dialog.name.setText("Dana Reyes")
    dialog.station.setText("   ")
    dialog.start_button.click()
    assert dialog.result() != WelcomeDialog.DialogCode.Accepted and not path.exists()
    error = dialog.station_error
    assert error.isVisible() and error.text().startswith("Give this station a name")
    assert dialog.error.isHidden()  # said beside the field, not at the bottom
    below = dialog.station.mapTo(dialog, dialog.station.rect().bottomLeft()).y()
    assert 0 <= error.mapTo(dialog, error.rect().topLeft()).y() - below < 20
    dialog.station.setText("Region 2 HCC")
    dialog.start_button.click()
    assert dialog.result() == WelcomeDialog.DialogCode.Accepted and path.exists()
    dialog.outcome.store.close()


def test_file_dialogs_open_beside_the_store_then_in_the_last_folder(
    qtbot: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    stick = tmp_path / "usb-stick"
    stick.mkdir()

    def save(_parent: Any, _title: str, suggested: str, *_a: Any, **_k: Any) -> tuple[str, str]:
        asked.append(suggested)
        return str(stick / Path(suggested).name), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save))
    dialog = StationsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog._export()
    assert Path(asked[0]).parent == ctx.store.path.parent  # beside the store
    assert (stick / f"{ctx.store.station_name}.hcckey").is_file()
    dialog._export()
    assert Path(asked[1]).parent == stick  # where the key went last time
    # Each purpose remembers its own folder.
    assert file_dialogs.start_folder(file_dialogs.KEYS) == stick
    assert file_dialogs.start_folder(file_dialogs.PACKAGES, beside=ctx.store.path) == (
        ctx.store.path.parent
    )


@pytest.mark.parametrize("printers", [False, True])
def test_print_button_only_where_a_printer_is_set_up(
    qtbot: Any, parent: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    printers: bool,
) -> None:  # fmt: skip
    monkeypatch.setattr(output, "open_in_viewer", lambda _p: True)
    monkeypatch.setattr(printing, "printers_available", lambda: printers)
    pdf = tmp_path / "briefing.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    box = output.deliver(parent, ctx, pdf, "Briefing written (6 pages)")
    assert isinstance(box, QMessageBox)
    has_button = box.findChild(object, "print_button") is not None
    assert has_button is printers
    assert (printing.NO_PRINTER in box.text()) is not printers
    assert (printing.how_printing_works() == printing.NO_PRINTER) is not printers
    box.close()
