"""The exercises and AAR dock on the demo coalition: the exercises with their incident
and AAR state, objectives with their capabilities, the AAR's ratings and findings as
the service reads them, evidence from the exercise incident's log; an exercise, an
objective, a rating and a finding made through the forms with refusals beside the
field and the store unchanged; an exercise started as an exercise incident and put in
view; a discussion-based one refused in a dialog."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import aar, exercises
from hcc_desktop.gui.dialogs.exercise_dialogs import (
    AarDialog,
    ExerciseDialog,
    FindingDialog,
    ObjectiveDialog,
    RatingDialog,
)
from hcc_desktop.gui.panels.exercises import ExercisesPanel
from hcc_desktop.gui.panels.prep_common import select_key
from tests.gui.prep_demo import show

pytestmark = pytest.mark.gui


def _panel(window: Any, qtbot: Any) -> ExercisesPanel:
    panel = show(window, "exercisesDock")
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.table.rowCount() > 0)
    return panel


def _select(panel: ExercisesPanel, qtbot: Any, exercise_id: str) -> None:
    qtbot.waitUntil(lambda: select_key(panel.table, exercise_id))
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.detail.exercise_id == exercise_id)


def _save(dialog: Any) -> None:
    buttons = dialog.buttons
    ok = buttons.button(QDialogButtonBox.StandardButton.Save) or buttons.button(
        QDialogButtonBox.StandardButton.Ok
    )
    ok.click()


def _error(dialog: Any, field: str) -> str:
    label = dialog.findChild(QLabel, f"error_{field}")
    assert label is not None and label.isVisibleTo(dialog), field
    return str(label.text())


def _by_type(panel: ExercisesPanel, kind: str) -> Any:
    return next(r for r in panel.rows if r.exercise.exercise_type == kind)


def test_exercises_objectives_aar_and_evidence(demo_window: Any, qtbot: Any) -> None:
    panel = _panel(demo_window, qtbot)
    store = panel.ctx.store
    assert panel.table.rowCount() == len(exercises.list_exercises(store)) == 2
    tabletop, functional = _by_type(panel, "tabletop"), _by_type(panel, "functional")
    texts = {panel.table.item(i, 0).text(): i for i in range(panel.table.rowCount())}
    row = texts[tabletop.exercise.name]
    assert panel.table.item(row, 4).text() == "Discussion-based"
    assert panel.table.item(row, 5).text() == "Final"
    assert panel.table.item(row, 3).text() == str(len(tabletop.exercise.participants))
    runs = panel.table.item(texts[functional.exercise.name], 4)
    assert runs.text() == "Active exercise incident"
    assert functional.view.incident.name in runs.toolTip()

    _select(panel, qtbot, tabletop.exercise.id)
    assert panel.objectives_table.rowCount() == len(tabletop.view.objectives)
    assert "2.2 " in panel.objectives_table.item(0, 2).text()
    view = aar.view(store, aar_id=tabletop.report.id)
    assert panel.ratings_table.rowCount() == len(view.ratings)
    assert [panel.ratings_table.item(i, 0).text() for i in range(len(view.ratings))] == [
        r.rating for r in view.ratings
    ]
    assert panel.findings_table.rowCount() == len(view.findings)
    assert "FINAL" in panel.aar_title.text() and panel.status_button.text() == "Back to draft"
    assert "discussion-based" in panel.evidence_note.text()

    _select(panel, qtbot, functional.exercise.id)
    ev = aar.evidence(store, functional.view.incident.id)
    assert len(ev.significant_events) > 0
    shown = [panel.evidence_table.item(i, 0).text() for i in range(panel.evidence_table.rowCount())]
    assert shown.count("Significant event") == len(ev.significant_events)
    assert sum(s.startswith("Request ") for s in shown) == len(ev.requests)
    assert "no after-action report yet" in panel.aar_title.text()


def test_forms_refuse_beside_the_field_then_save(demo_window: Any, qtbot: Any, actor: Any) -> None:
    panel = _panel(demo_window, qtbot)
    store = panel.ctx.store
    before = dump_text(store)
    dialog = ExerciseDialog(store, actor, None, panel)
    qtbot.addWidget(dialog)
    dialog.name.setText("Surge drill — Region 2")
    dialog.exercise_type.setCurrentIndex(dialog.exercise_type.findData("drill"))
    dialog.starts_on.setText("2027-03-10")
    dialog.ends_on.setText("2027-03-09")
    _save(dialog)
    assert "before the start" in _error(dialog, "ends_on")
    assert dump_text(store) == before and dialog.exercise_id is None
    dialog.ends_on.setText("")
    dialog.participants.item(0).setCheckState(dialog.participants.item(0).checkState().Checked)
    _save(dialog)
    drill = dialog.exercise_id
    assert drill and exercises.view(store, exercise_id=drill).exercise.ends_on == "2027-03-10"
    qtbot.waitUntil(lambda: panel.is_loaded() and len(panel.rows) == 3)
    _select(panel, qtbot, drill)
    row = panel.current()
    assert row is not None and len(row.view.participants) == 1

    after = dump_text(store)
    objective = ObjectiveDialog(store, actor, row.exercise, None, panel)
    qtbot.addWidget(objective)
    objective.text.setPlainText("Place 40 surge patients within two hours")
    objective.capabilities.setText("9")
    _save(objective)
    assert _error(objective, "capabilities")
    assert dump_text(store) == after
    objective.capabilities.setText("4, 2.2")
    _save(objective)
    assert objective.number == 1
    qtbot.waitUntil(lambda: panel.is_loaded() and panel.objectives_table.rowCount() == 1)

    start = AarDialog(store, actor, row.exercise, None, panel)
    qtbot.addWidget(start)
    start.title_edit.setText("Surge drill AAR")
    _save(start)
    report = aar.view(store, aar_id=start.aar_id).aar
    again = AarDialog(store, actor, row.exercise, None, panel)
    qtbot.addWidget(again)
    made = dump_text(store)
    _save(again)  # one report per exercise: refused in the banner (it names no row)
    assert again.banner.isVisibleTo(again) and "has an after-action report" in again.banner.text()
    assert dump_text(store) == made and again.aar_id is None
    objectives = exercises.list_objectives(store, exercise_id=drill)

    rating = RatingDialog(store, actor, report, objectives, panel)
    qtbot.addWidget(rating)
    rating.objective.setCurrentIndex(rating.objective.findData("1"))
    mapped = objectives[0].capabilities
    assert sorted(mapped) == ["2.2", "4"]
    assert rating.capability.currentData() == mapped[0]  # the objective's first capability
    rating.capability.setCurrentIndex(rating.capability.findData("3"))
    rating.rating.setCurrentIndex(rating.rating.findData("S"))
    _save(rating)
    assert f"maps to {', '.join(mapped)}, not 3" in _error(rating, "capability")
    rating.capability.setCurrentIndex(rating.capability.findData("4"))
    _save(rating)
    assert [r.rating for r in aar.view(store, aar_id=report.id).ratings] == ["S"]

    finding = FindingDialog(store, actor, report, objectives, None, panel)
    qtbot.addWidget(finding)
    finding.objective.setCurrentIndex(finding.objective.findData("1"))
    finding.text.setPlainText("Every hospital answered the bed poll within 30 minutes")
    finding.reference.setText("Surge annex 2.1")
    _save(finding)
    assert "area for improvement" in _error(finding, "reference")
    finding.reference.setText("")
    _save(finding)
    found = aar.view(store, aar_id=report.id).findings
    assert [(f.kind, f.objective_number, f.capability) for f in found] == [
        ("strength", 1, mapped[0])
    ]


def test_start_puts_the_exercise_incident_in_view(
    demo_window: Any, qtbot: Any, actor: Any, boxes: list[tuple[str, str]]
) -> None:
    panel = _panel(demo_window, qtbot)
    store = panel.ctx.store
    tabletop = _by_type(panel, "tabletop")
    _select(panel, qtbot, tabletop.exercise.id)
    before = dump_text(store)
    panel.start_exercise()
    assert boxes and boxes[-1][0] == "Exercise not started"
    assert "discussion-based" in boxes[-1][1]
    assert dump_text(store) == before

    drill = exercises.add_exercise(store, actor=actor, name="Evacuation drill",
                                   exercise_type="drill", starts_on="2027-02-01")  # fmt: skip
    qtbot.waitUntil(lambda: panel.is_loaded() and len(panel.rows) == 3)
    _select(panel, qtbot, drill)
    panel.start_exercise()
    incident = exercises.view(store, exercise_id=drill).incident
    assert incident is not None and incident.exercise
    assert panel.ctx.incident_id == incident.id
    switcher = demo_window.switchers.incident
    assert switcher.currentData() == incident.id and "[exercise]" in switcher.currentText()
    qtbot.waitUntil(lambda: panel.is_loaded() and "Evacuation drill" in panel.table.item(
        panel.table.currentRow(), 4).toolTip())  # fmt: skip


def test_finding_from_a_line_of_evidence(demo_window: Any, qtbot: Any, monkeypatch: Any) -> None:
    panel = _panel(demo_window, qtbot)
    store, actor = panel.ctx.store, panel.ctx.actor
    functional = _by_type(panel, "functional")
    aar.create_aar(store, actor=actor, exercise_id=functional.exercise.id)
    qtbot.waitUntil(lambda: panel.is_loaded() and _by_type(panel, "functional").report is not None)
    _select(panel, qtbot, functional.exercise.id)
    qtbot.waitUntil(lambda: panel.detail.report is not None)
    seen: list[FindingDialog] = []

    def fake_exec(dialog: FindingDialog) -> int:
        seen.append(dialog)
        return 0

    monkeypatch.setattr(FindingDialog, "exec", fake_exec)
    request = next(
        i for i in range(panel.evidence_table.rowCount())
        if panel.evidence_table.item(i, 0).text().startswith("Request ")
    )  # fmt: skip
    panel.evidence_table.setCurrentCell(request, 0)
    panel.finding_from_evidence()
    assert seen and seen[0].kind.currentData() == "improvement"
    assert seen[0].text.toPlainText().startswith(panel.evidence_table.item(request, 0).text())
