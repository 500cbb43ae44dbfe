"""Printing from the EEI requests and communications log docks over the demo: each
entry of the docks' "Print PDF…" menus asks where to save, suggests a name after the
paper and the incident, and writes the PDF the CLI writes (its title and a row the demo
is known to hold); a folder that cannot take the file, and a paper with nothing on it,
end in a dialog in plain words with nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog

from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.reports import output, printing
from tests.gui.prep_demo import show

pytestmark = pytest.mark.gui


def _text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


@pytest.fixture
def quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """No viewer started and no printer asked about on the build machine."""
    monkeypatch.setattr(output, "open_in_viewer", lambda _p: True)
    monkeypatch.setattr(printing, "printers_available", lambda: False)


class SaveAs:
    """The save dialog: answers with the queued paths (then: cancelled) and keeps the
    names it was asked to suggest."""

    def __init__(self) -> None:
        self.answers: list[Path] = []
        self.suggested: list[str] = []

    def __call__(self, _parent: Any, _title: str, suggested: str, filters: str, *_a: Any,
                 **_k: Any) -> tuple[str, str]:  # fmt: skip
        self.suggested.append(Path(suggested).name)
        return (str(self.answers.pop(0)), filters) if self.answers else ("", "")


@pytest.fixture
def save_as(monkeypatch: pytest.MonkeyPatch) -> SaveAs:
    dialog = SaveAs()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    return dialog


def _loaded(qtbot: Any, window: Any, dock: str) -> Any:
    """The dock, shown and loaded with the demo incident's rows."""
    panel = show(window, dock)
    table = panel.requests if dock == "eeiRequestsDock" else panel.table
    qtbot.waitUntil(lambda: panel.is_loaded() and table.rowCount() > 0, timeout=20_000)
    return panel


def _choose(panel: Any, index: int) -> None:
    """Pick the menu entry as the operator does after clicking Print PDF…."""
    panel.print_menu.menu().actions()[index].trigger()


def _written(qtbot: Any, panel: Any, out: Path) -> str:
    qtbot.waitUntil(lambda: getattr(panel.print_job, "result_box", None) is not None,
                    timeout=30_000)  # fmt: skip
    panel.print_job.result_box.close()
    assert out.exists()
    return _text(out)


#: The demo's incident and its one EEI request, as file names spell them.
INCIDENT = "hurricane-landfall-exercise-connecticut-"
REQUEST = "Facility status each operational period"


@pytest.mark.parametrize(
    ("index", "suggested", "expected"),
    [
        (0, f"hpp-phep-6-1-{INCIDENT}", "Connecticut · as of"),
        (1, f"hpp-phep-6-1-{INCIDENT}facility-status-each-operational-period-",
         f"Connecticut · one request: {REQUEST} · as of"),
    ],
)  # fmt: skip
def test_eei_requests_dock_prints_hpp(
    demo_window: Any, qtbot: Any, tmp_path: Path, quiet: None, save_as: SaveAs,
    index: int, suggested: str, expected: str,
) -> None:  # fmt: skip
    panel = _loaded(qtbot, demo_window, "eeiRequestsDock")
    out = tmp_path / "hpp.pdf"
    save_as.answers.append(out)
    _choose(panel, index)
    text = _written(qtbot, panel, out)
    assert "HPP-PHEP 6.1" in text and "EEI reported within the requested time" in text
    assert expected in text and "partners that received a request for EEI" in text
    assert REQUEST in text  # the row of the requests table
    assert save_as.suggested[0].startswith(suggested)


@pytest.mark.parametrize(
    ("index", "suggested", "expected"),
    [
        (0, f"ics-205a-{INCIDENT}", ["Communications list (ICS 205A)", "NOT FOR PUBLIC RELEASE",
                                     "EEI Desk Tom Kowalczyk 860-555-0150"]),
        (1, f"outbound-messages-{INCIDENT}", ["Outbound messages",
                                              "Top off generator fuel before landfall"]),
    ],
)  # fmt: skip
def test_messages_dock_prints_ics205a_and_outbound(
    demo_window: Any, qtbot: Any, tmp_path: Path, quiet: None, save_as: SaveAs,
    index: int, suggested: str, expected: list[str],
) -> None:  # fmt: skip
    panel = _loaded(qtbot, demo_window, "messagesDock")
    out = tmp_path / "list"  # no extension: .pdf is added
    save_as.answers.append(out)
    _choose(panel, index)
    text = _written(qtbot, panel, out.with_suffix(".pdf"))
    for piece in expected:
        assert piece in text
    assert save_as.suggested[0].startswith(suggested)


@pytest.mark.parametrize(
    ("action", "dock", "expected"),
    [
        (ActionId.PRINT_HPP, "eeiRequestsDock", "EEI reported within the requested time"),
        (ActionId.PRINT_ICS205A, "messagesDock", "Communications list (ICS 205A)"),
        (ActionId.PRINT_OUTBOUND, "messagesDock", "Top off generator fuel before landfall"),
    ],
)
def test_menu_actions_print_the_coordination_documents(
    demo_window: Any, qtbot: Any, tmp_path: Path, quiet: None, save_as: SaveAs,
    action: ActionId, dock: str, expected: str,
) -> None:  # fmt: skip
    """EEI → Print HPP-PHEP 6.1 report… and Log → Print ICS 205A… / outbound messages…
    (with their shortcuts) print what the dock's Print PDF… menu prints."""
    panel = _loaded(qtbot, demo_window, dock)
    out = tmp_path / "doc.pdf"
    save_as.answers.append(out)
    demo_window.actions_[action].trigger()
    assert expected in _written(qtbot, panel, out)


def test_refused_folder_and_nothing_to_print(
    demo_window: Any, qtbot: Any, tmp_path: Path, quiet: None, save_as: SaveAs,
    boxes: list[tuple[str, str]],
) -> None:  # fmt: skip
    panel = _loaded(qtbot, demo_window, "messagesDock")
    save_as.answers.append(tmp_path / "no such folder" / "ics.pdf")
    _choose(panel, 0)
    assert panel.print_job is None
    assert boxes and boxes[-1][0] == "PDF not written"
    assert "no such folder" in boxes[-1][1] and "Choose a folder" in boxes[-1][1]
    assert "Error" not in boxes[-1][1] and "Traceback" not in boxes[-1][1]
    assert not (tmp_path / "no such folder").exists()

    # Cancelled at the save dialog: nothing happens.
    _choose(panel, 1)
    assert panel.print_job is None and len(boxes) == 1

    # No incident in view: told so, and not asked where to save.
    demo_window.ctx.set_incident(None)
    qtbot.waitUntil(panel.is_loaded, timeout=20_000)
    asked = len(save_as.suggested)
    _choose(panel, 1)
    eei = show(demo_window, "eeiRequestsDock")
    qtbot.waitUntil(eei.is_loaded, timeout=20_000)
    _choose(eei, 0)
    assert [b[1].split(":")[0] for b in boxes[1:]] == ["Open an incident first"] * 2
    assert len(save_as.suggested) == asked
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == []
