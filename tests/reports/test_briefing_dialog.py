"""The briefing and form dialogs (pytest-qt, offscreen): options reach the PDF, the
work runs off the GUI thread, the PDF is opened and printing is offered."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt", reason="pytest-qt is not installed")

from pypdf import PdfReader
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog, QPushButton

from hcc_desktop.cli.context import resolve_org
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import incidents, requests
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.reports import (
    briefing_dialog,
    open_briefing_dialog,
    output,
    print_form_hics251,
    print_form_ics213rr,
    print_form_ics214,
    printing,
)
from hcc_desktop.gui.reports.printing import lp_command, print_pdf
from hcc_desktop.gui.settings import SETTINGS_ENV
from hcc_desktop.reports.pages import SENSITIVE_MARKING as SENSITIVE_MARKING_TEXT
from tests.reports.conftest import DUTY_OFFICER

pytestmark = pytest.mark.gui
JOB_TIMEOUT_MS = 60_000


@pytest.fixture
def ctx(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv(SETTINGS_ENV, str(tmp_path / "settings"))
    store = open_store(demo_path)
    context = AppContext(store, DUTY_OFFICER)
    inc = incidents.current_incident(store)
    assert inc is not None
    context.set_incident(inc.id)
    context.set_period(3)
    yield context
    QThreadPool.globalInstance().waitForDone(JOB_TIMEOUT_MS)
    context.detach()
    store.close()


@pytest.fixture
def window(qtbot, ctx: AppContext) -> QMainWindow:  # type: ignore[no-untyped-def]
    win = QMainWindow()
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """PDFs opened in the viewer, on a machine with a printer set up (the case without
    one is in tests/gui/test_defaults.py)."""
    seen: list[Path] = []
    monkeypatch.setattr(output, "open_in_viewer", lambda p: seen.append(Path(p)) or True)
    monkeypatch.setattr(printing, "printers_available", lambda: True)
    return seen


def _finish(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.job is not None and dialog.job.done, timeout=JOB_TIMEOUT_MS)


def test_briefing_dialog_builds_the_chosen_briefing(
    qtbot, window: QMainWindow, ctx: AppContext, tmp_path: Path, opened: list[Path]
) -> None:  # type: ignore[no-untyped-def]
    dialog = open_briefing_dialog(window, ctx)
    assert dialog is not None and dialog.isVisible()
    assert dialog.period.currentData() == 3  # the period in view
    assert all(box.isChecked() for box in dialog.sections.values())
    dialog.public.setChecked(True)
    assert not dialog.sections["protected"].isEnabled()
    assert "public" in dialog.path.text()
    dialog.sections["facilities"].setChecked(False)
    dialog.summary.setPlainText("Généralement calme; Zoë on shift.")
    out = tmp_path / "from-dialog.pdf"
    dialog.path.setText(str(out))
    dialog.create()
    _finish(qtbot, dialog)
    assert opened == [out]
    text = " ".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Généralement calme; Zoë on shift." in text
    assert "Public version." in text and "Annex" not in text
    assert SENSITIVE_MARKING_TEXT not in text
    box = dialog.job.result_box
    assert isinstance(box, QMessageBox) and box.findChild(object, "print_button") is not None
    box.close()
    again = open_briefing_dialog(window, ctx)
    assert again.summary.toPlainText() == "Généralement calme; Zoë on shift."  # remembered
    again.reject()


def test_briefing_dialog_refuses_a_missing_folder(
    qtbot, window: QMainWindow, ctx: AppContext
) -> None:  # type: ignore[no-untyped-def]
    dialog = open_briefing_dialog(window, ctx)
    dialog.path.setText("/no/such/folder/briefing.pdf")
    dialog.create()
    assert dialog.isVisible() and dialog.job is None
    assert "no such folder" in dialog.error.text()
    dialog.reject()


def test_form_dialogs_preselect_and_write(
    qtbot, window: QMainWindow, ctx: AppContext, tmp_path: Path, opened: list[Path]
) -> None:  # type: ignore[no-untyped-def]
    inc = incidents.current_incident(ctx.store)
    req = requests.list_requests(ctx.store, incident_id=inc.id)[3]
    milford = resolve_org(ctx.store, "Milford Hospital", "facility")
    ctx.select_member(milford.id)
    dialogs = [
        print_form_ics214(window, ctx),
        print_form_ics213rr(window, ctx, request_id=req.id),
        print_form_hics251(window, ctx),
    ]
    assert dialogs[0].operator.currentData() == DUTY_OFFICER.name
    assert dialogs[1].request.currentData() == req.id
    assert dialogs[2].facility.currentData() == milford.id
    for i, dialog in enumerate(dialogs):
        out = tmp_path / f"form{i}.pdf"
        dialog.path.setText(str(out))
        dialog.create()
        _finish(qtbot, dialog)
        assert out.exists() and len(PdfReader(str(out)).pages) >= 1
        dialog.job.result_box.close()
    assert len(opened) == 3


def test_print_is_cancellable_and_lp_gets_the_choices(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    outcome = print_pdf(None, pdf, choose=lambda printer, parent: False)
    assert not outcome.printed and outcome.message == "Printing cancelled"
    assert lp_command("lp", pdf, printer="EOC-Laser", copies=3, duplex=True) == [
        "lp", "-d", "EOC-Laser", "-n", "3", "-o", "sides=two-sided-long-edge",
        "-t", "x", "--", str(pdf),
    ]  # fmt: skip


def test_print_to_file_copies_the_pdf(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4 test\n")
    target = tmp_path / "copy.pdf"

    def choose(printer, parent) -> bool:  # type: ignore[no-untyped-def]
        printer.setOutputFileName(str(target))
        return True

    outcome = print_pdf(None, pdf, choose=choose)
    assert outcome.printed and target.read_bytes() == pdf.read_bytes()


def test_briefing_is_built_off_the_gui_thread_and_cancel_leaves_no_file(
    qtbot, window: QMainWindow, ctx: AppContext, tmp_path: Path, opened: list[Path], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()
    threads: list[threading.Thread] = []
    real = briefing_dialog.build_briefing

    def held(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(briefing_dialog, "build_briefing", held)
    messages: list[str] = []
    ctx.message.connect(messages.append)
    dialog = open_briefing_dialog(window, ctx)
    out = tmp_path / "cancelled.pdf"
    dialog.path.setText(str(out))
    dialog.create()
    job = dialog.job
    assert job is not None and isinstance(job.dialog, QProgressDialog)
    assert not dialog.isVisible()  # the options dialog closed; the GUI is free
    qtbot.waitUntil(lambda: bool(threads), timeout=JOB_TIMEOUT_MS)
    assert threads[0] is not threading.main_thread()
    cancel = job.dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    cancel.click()
    gate.set()
    _finish(qtbot, dialog)
    assert not out.exists() and not list(tmp_path.glob("*.pdf*")) + list(tmp_path.glob(".*"))
    assert opened == [] and getattr(job, "result_box", None) is None
    assert any(m.endswith("cancelled") for m in messages), messages


def test_a_refusal_during_the_build_is_shown_and_nothing_opens(
    qtbot, window: QMainWindow, ctx: AppContext, tmp_path: Path, opened: list[Path], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(
        output.QMessageBox, "warning", lambda parent, title, text: shown.append(text)
    )
    dialog = open_briefing_dialog(window, ctx)
    out = tmp_path / "b.pdf"
    dialog.path.setText(str(out))
    monkeypatch.setattr(
        briefing_dialog,
        "build_briefing",
        lambda *a, **k: (_ for _ in ()).throw(
            ValidationError("out", f"{out}: cannot write the PDF there (Disk full)")
        ),
    )
    dialog.create()
    _finish(qtbot, dialog)
    assert shown and "cannot write the PDF there (Disk full)" in shown[0]
    assert opened == [] and not out.exists()
