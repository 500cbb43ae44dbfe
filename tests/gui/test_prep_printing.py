"""Preparedness documents from the window: the menu actions reach a dialog over the
CLI's builders, the PDF is written off the GUI thread with the figures the services
give, and a document with nothing to print is refused in the dialog, naming the row,
with nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from hcc_desktop.core.services import aar, membership
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.reports import output, printing
from hcc_desktop.gui.reports.prep_documents import AarPrintDialog, PrepDocumentDialog
from tests.gui.prep_demo import show

pytestmark = pytest.mark.gui


def _text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


@pytest.fixture
def quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """No viewer started and no printer asked about on the build machine."""
    monkeypatch.setattr(output, "open_in_viewer", lambda _p: True)
    monkeypatch.setattr(printing, "printers_available", lambda: False)


def _dialog(window: Any) -> PrepDocumentDialog:
    found = [d for d in window.findChildren(PrepDocumentDialog) if d.isVisible()]
    assert len(found) == 1, found
    return found[0]


def _make(qtbot: Any, dialog: PrepDocumentDialog, out: Path) -> None:
    dialog.path.setText(str(out))
    dialog.make_pdf()
    # Written atomically, then delivered: the "Document written" box says it is done.
    qtbot.waitUntil(lambda: getattr(dialog.job, "result_box", None) is not None, timeout=30_000)
    assert out.exists()
    dialog.job.result_box.close()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (ActionId.PRINT_MEMBERSHIP, "Membership report"),
        (ActionId.PRINT_PLANS, "Plans register"),
        (ActionId.PRINT_HVA, "Relative risk"),
    ],
)
def test_menu_actions_write_the_documents(
    demo_window: Any, qtbot: Any, tmp_path: Path, quiet: None, action: ActionId, expected: str
) -> None:
    demo_window.actions_[action].trigger()
    dialog = _dialog(demo_window)
    out = tmp_path / "doc.pdf"
    _make(qtbot, dialog, out)
    text = _text(out)
    assert expected in text
    if action is ActionId.PRINT_MEMBERSHIP:
        rep = membership.membership_report(demo_window.ctx.store)
        assert f"{rep.total} members as of" in text


def test_print_aar_from_the_dock_and_refused_when_there_is_none(
    demo_window: Any, qtbot: Any, tmp_path: Path, quiet: None
) -> None:
    panel = show(demo_window, "exercisesDock")
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.table.rowCount() > 0)
    report = aar.list_aars(demo_window.ctx.store)[0]
    row = next(r for r in panel.rows if r.report is not None)
    from hcc_desktop.gui.panels.prep_common import select_key

    assert select_key(panel.table, row.exercise.id)
    panel.print_aar()
    dialog = _dialog(demo_window)
    assert isinstance(dialog, AarPrintDialog) and dialog.report.currentData() == report.id
    out = tmp_path / "aar.pdf"
    _make(qtbot, dialog, out)
    assert "Improvement Plan" in _text(out)

    store, actor = demo_window.ctx.store, demo_window.ctx.actor
    aar.set_status(store, actor=actor, aar_id=report.id, status="draft")
    aar.delete_aar(store, actor=actor, aar_id=report.id)
    empty = AarPrintDialog(demo_window.ctx, demo_window)
    qtbot.addWidget(empty)
    empty.path.setText(str(tmp_path / "none.pdf"))
    empty.make_pdf()
    assert empty.error.isVisibleTo(empty) and empty.error.text().startswith("After-action report:")
    assert empty.job is None and not (tmp_path / "none.pdf").exists()
