"""The risk assessment dock on the demo coalition: the ranked table and heat map load,
a score typed in place and a hazard added through the form reach the store through
`hva`, and refusals are said beside the work with the store unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

from hcc_desktop.core.services import hva
from hcc_desktop.gui.dialogs.hazard_dialog import HazardDialog
from hcc_desktop.gui.panels.hva import FIRST_SCORE, RISK_COL, HvaPanel
from tests.gui.prep_demo import show

pytestmark = pytest.mark.gui


def _panel(window: Any, qtbot: Any) -> HvaPanel:
    panel = show(window, "hvaDock")
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.table.rowCount() > 0, timeout=10_000)
    return panel


def _to_draft(panel: HvaPanel, qtbot: Any) -> None:
    if panel.current_assessment() and panel.current_assessment().status == "final":
        panel.toggle_final()
        qtbot.waitUntil(lambda: panel.is_loaded() and panel.state.text() == "draft")


def test_dock_is_closed_by_default_and_loads_the_ranked_demo_hva(
    demo_window: Any, qtbot: Any
) -> None:
    assert demo_window.docks["hvaDock"].isHidden()
    panel = _panel(demo_window, qtbot)
    risks = [int(panel.table.item(i, RISK_COL).text().split()[0])
             for i in range(panel.table.rowCount())]  # fmt: skip
    assert risks == sorted(risks, reverse=True) and len(risks) == 18
    assert set(panel.heat.placed) == {r.id for r in panel.rows}
    top = panel.rows[0]
    assert panel.table.item(0, 1).text() == top.name
    assert panel.table.item(0, RISK_COL).background().color().name() == "#ef9a9a"


def test_score_typed_in_place_reaches_the_store_and_reranks(demo_window: Any, qtbot: Any) -> None:
    panel = _panel(demo_window, qtbot)
    _to_draft(panel, qtbot)
    last = panel.rows[-1]
    row = panel.table.rowCount() - 1
    panel.table.item(row, FIRST_SCORE).setText("3")  # probability
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.rows[-1].id != last.id)
    stored = {r.id: r for r in hva.ranked(panel.ctx.store, assessment_id=panel.assessment_id())}
    assert stored[last.id].scores["probability"] == 3
    assert "set to 3" in panel.note.text()


def test_bad_score_in_place_is_refused_beside_the_table(demo_window: Any, qtbot: Any) -> None:
    panel = _panel(demo_window, qtbot)
    _to_draft(panel, qtbot)
    before = hva.ranked(panel.ctx.store, assessment_id=panel.assessment_id())
    panel.table.item(0, FIRST_SCORE + 1).setText("7")  # human impact
    assert "Human of" in panel.note.text() and "0 (N/A) to 3" in panel.note.text()
    assert panel.table.item(0, FIRST_SCORE + 1).text() == str(before[0].scores["human"])
    assert hva.ranked(panel.ctx.store, assessment_id=panel.assessment_id()) == before


def test_final_assessment_cannot_be_edited_in_place(demo_window: Any, qtbot: Any) -> None:
    panel = _panel(demo_window, qtbot)
    if panel.current_assessment().status != "final":
        panel.toggle_final()
        qtbot.waitUntil(lambda: panel.is_loaded() and "FINAL" in panel.state.text())
    from PySide6.QtCore import Qt

    assert not panel.table.item(0, FIRST_SCORE).flags() & Qt.ItemFlag.ItemIsEditable


def test_new_hazard_form_refuses_a_blank_name_then_adds(
    demo_window: Any, qtbot: Any, actor: Any
) -> None:
    panel = _panel(demo_window, qtbot)
    _to_draft(panel, qtbot)
    store, aid = panel.ctx.store, panel.assessment_id()
    dialog = HazardDialog(store, actor, aid, None, panel)
    qtbot.addWidget(dialog)
    dialog.category.setCurrentIndex(dialog.category.findData("human"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    error = dialog.findChild(QLabel, "error_hazard")
    assert error.isVisibleTo(dialog) and error.text()
    assert len(hva.ranked(store, assessment_id=aid)) == 18
    dialog.name.setText("Bus crash on I-95")
    dialog.scores["probability"].setValue(2)
    dialog.scores["human"].setValue(3)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.hazard_id
    qtbot.waitUntil(lambda: panel.is_loaded() and len(panel.rows) == 19)
    assert any(r.name == "Bus crash on I-95" for r in panel.rows)


def test_export_xlsx_writes_the_ranked_table(
    demo_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = _panel(demo_window, qtbot)
    out = tmp_path / "hva.xlsx"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), ""))
    )
    panel.export_xlsx()
    assert out.stat().st_size > 0 and "written" in panel.note.text()
