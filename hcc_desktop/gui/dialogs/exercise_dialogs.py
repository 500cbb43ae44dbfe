"""Forms of the exercises dock: an exercise record (HSEEP: type, dates, scenario,
threat, participating members), one of its objectives with the ASPR capabilities it
exercises, the after-action report's title and summary, a P/S/M/U rating, and a
strength or area for improvement.

Each form calls one service of core/services/exercises.py or aar.py, the same the CLI
calls, so a refusal ("ends_on: 2026-04-01 is before the start", "capability: objective
2 maps to 2.2, not 3") comes back naming its field and is shown beside it; the store
is unchanged until Save succeeds. Dates are typed as YYYY-MM-DD like the plans forms,
so an end date can stay blank (the service makes it the start day). An edit sends
only what changed, so a colleague's edit of another field survives a sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import EXERCISE_TYPES, FINDING_KINDS, RATINGS
from hcc_desktop.core.services import aar, exercises
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.dialogs.action_dialog import capability_choices
from hcc_desktop.gui.dialogs.form import FormDialog
from hcc_desktop.gui.dialogs.plan_dialogs import member_choices
from hcc_desktop.gui.panels.prep_common import choose, combo

_WORDS = {"strength": "Strength", "improvement": "Area for improvement"}
#: The finding kinds in the service's order, in words (a newer kind shows as its key).
FINDING_LABELS = {k: _WORDS.get(k, k) for k in FINDING_KINDS}


def _text_box(height: int = 56, name: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit(objectName=name) if name else QPlainTextEdit()
    box.setFixedHeight(height)
    return box


def _blank(value: Any) -> str:
    return "" if value is None else str(value)


class ParticipantList(QListWidget):
    """Members as check boxes: an exercise has a handful to a few dozen of them, and a
    list of ticks is quicker to read and change than a multi-select."""

    def __init__(self, choices: dict[str, str], chosen: Sequence[str] = ()) -> None:
        super().__init__(objectName="exerciseParticipants")
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFixedHeight(130)
        wanted = set(chosen)
        # Those taking part first: among two hundred members they would be lost.
        ordered = sorted(choices.items(), key=lambda kv: kv[0] not in wanted)
        for oid, name in ordered:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, oid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if oid in wanted else Qt.CheckState.Unchecked)
            self.addItem(item)

    def chosen(self) -> list[str]:
        return sorted(
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_chosen(self, ids: Sequence[str]) -> None:
        wanted = set(ids)
        for i in range(self.count()):
            item = self.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


class ExerciseDialog(FormDialog):
    TEXTS = ("name", "starts_on", "ends_on", "location", "sponsor", "hazard")

    def __init__(
        self,
        store: Store,
        actor: Actor,
        exercise: m.Exercise | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            name="exerciseDialog",
            title=f"Edit {exercise.name}" if exercise else "New exercise",
            scroll=True,  # the participants list makes it taller than a laptop
        )
        self.store, self.actor, self.exercise = store, actor, exercise
        self.exercise_id: str | None = exercise.id if exercise else None
        self.name = QLineEdit(objectName="exerciseName")
        self.exercise_type = combo(EXERCISE_TYPES, "— choose —", "exerciseType")
        self.starts_on = QLineEdit(placeholderText="YYYY-MM-DD")
        self.ends_on = QLineEdit(placeholderText="YYYY-MM-DD (blank: the same day)")
        self.location = QLineEdit()
        self.sponsor = QLineEdit(placeholderText="e.g. HPP cooperative agreement")
        self.hazard = QLineEdit(placeholderText="e.g. Hurricane (category 3 landfall)")
        self.scenario = _text_box(70, "exerciseScenario")
        self.participants = ParticipantList(member_choices(store))
        self.notes = _text_box()
        self.field("name", "Name:", self.name)
        self.field("exercise_type", "Type:", self.exercise_type, "type")
        self.field("starts_on", "Starts on:", self.starts_on, "dates")
        self.field("ends_on", "Ends on:", self.ends_on)
        self.field("location", "Location:", self.location)
        self.field("sponsor", "Sponsor:", self.sponsor)
        self.field("hazard", "Threat or hazard:", self.hazard, "hva_hazard")
        self.field("scenario", "Scenario:", self.scenario)
        self.field("participants", "Participating members:", self.participants)
        self.field("notes", "Notes:", self.notes)
        if exercise is not None:
            self.name.setText(exercise.name or "")
            choose(self.exercise_type, exercise.exercise_type)
            for key in self.TEXTS[1:]:
                getattr(self, key).setText(_blank(getattr(exercise, key)))
            self.scenario.setPlainText(exercise.scenario or "")
            self.participants.set_chosen(exercise.participants or [])
            self.notes.setPlainText(exercise.notes or "")
        self.resize(560, 620)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k).text().strip() or None for k in self.TEXTS}
        out["name"] = self.name.text()
        out["exercise_type"] = self.exercise_type.currentData() or None
        out["scenario"] = self.scenario.toPlainText() or None
        out["participants"] = self.participants.chosen()
        out["notes"] = self.notes.toPlainText() or None
        return out

    def submit(self) -> str:
        values = self.values()
        if self.exercise is None:
            given = {k: v for k, v in values.items() if v not in (None, "", [])}
            given.setdefault("name", values["name"])
            return exercises.add_exercise(self.store, actor=self.actor, **given)
        before = self.exercise
        changed = {
            k: v
            for k, v in values.items()
            if (sorted(before.participants or []) if k == "participants" else
                _blank(getattr(before, k))) != (v if k == "participants" else _blank(v))
        }  # fmt: skip
        if changed:
            exercises.update_exercise(
                self.store, actor=self.actor, exercise_id=before.id, **changed
            )
        return before.id

    def saved(self, result: str) -> None:
        self.exercise_id = result


class ObjectiveDialog(FormDialog):
    """A new objective (the next number) or a reworded one; the capabilities are typed
    as ASPR refs ("2, 2.2") like the plans form, checked by the service."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        exercise: m.Exercise,
        objective: m.ExerciseObjective | None = None,
        parent: QWidget | None = None,
    ) -> None:
        number = objective.number if objective else None
        super().__init__(
            parent,
            name="objectiveDialog",
            title=f"Objective {number}" if objective else f"New objective of {exercise.name}",
        )
        self.store, self.actor, self.exercise = store, actor, exercise
        self.number: int | None = number
        self.text = _text_box(70, "objectiveText")
        self.capabilities = QLineEdit(
            objectName="objectiveCapabilities",
            placeholderText="ASPR capabilities or objectives, e.g. 2, 2.2",
        )
        self.capabilities.setToolTip(
            "\n".join(label for ref, label in capability_choices().items() if "." not in ref)
        )
        self.field("text", "Objective:", self.text)
        self.field("capabilities", "Capabilities:", self.capabilities)
        if objective is not None:
            self.text.setPlainText(objective.text or "")
            self.capabilities.setText(", ".join(objective.capabilities or []))
        self.resize(520, self.sizeHint().height())

    def submit(self) -> int:
        refs = [c.strip() for c in self.capabilities.text().split(",") if c.strip()]
        return exercises.set_objective(
            self.store, actor=self.actor, exercise_id=self.exercise.id,
            text=self.text.toPlainText(), capabilities=refs, number=self.number,
        )  # fmt: skip

    def saved(self, result: int) -> None:
        self.number = result


class AarDialog(FormDialog):
    """Start the after-action report of an exercise (a draft), or change its title and
    summary."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        exercise: m.Exercise,
        report: m.Aar | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            name="aarDialog",
            title="After-action report" if report else f"New after-action report: {exercise.name}",
            ok_text="" if report else "Start report",
        )
        self.store, self.actor, self.exercise, self.report = store, actor, exercise, report
        self.aar_id: str | None = report.id if report else None
        self.title_edit = QLineEdit(objectName="aarTitle")
        self.title_edit.setText(
            (report.title or "") if report else f"{exercise.name} After-Action Report"
        )
        self.summary = _text_box(110, "aarSummary")
        self.summary.setPlaceholderText("Executive summary: what went well, what must improve")
        if report is not None:
            self.summary.setPlainText(report.summary or "")
        self.field("title", "Title:", self.title_edit)
        self.field("summary", "Summary:", self.summary)
        self.resize(560, self.sizeHint().height())

    def submit(self) -> str:
        if self.report is None:
            return aar.create_aar(
                self.store, actor=self.actor, exercise_id=self.exercise.id,
                title=self.title_edit.text(), summary=self.summary.toPlainText() or None,
            )  # fmt: skip
        aar.update_aar(
            self.store, actor=self.actor, aar_id=self.report.id, title=self.title_edit.text(),
            summary=self.summary.toPlainText(),
        )  # fmt: skip
        return self.report.id

    def saved(self, result: str) -> None:
        self.aar_id = result


def objective_choices(objectives: Sequence[m.ExerciseObjective]) -> dict[str, str]:
    return {str(o.number): f"{o.number}. {_blank(o.text)[:70]}" for o in objectives}


class _Placed(FormDialog):
    """A form that places its row under an objective (or none) and a capability; when
    an objective is chosen, its first mapped capability is proposed."""

    def place_rows(self, objectives: Sequence[m.ExerciseObjective]) -> None:
        self.objectives = {str(o.number): o for o in objectives}
        self.objective = combo(objective_choices(objectives), "— none (capability alone) —",
                               "placeObjective")  # fmt: skip
        self.capability = combo(capability_choices(), "— choose —", "placeCapability")
        self.objective.currentIndexChanged.connect(lambda _i: self._propose())
        self.field("objective", "Objective:", self.objective, "number")
        self.field("capability", "Capability:", self.capability, "capabilities")

    def _propose(self) -> None:
        o = self.objectives.get(self.objective.currentData() or "")
        if o is not None and o.capabilities:
            choose(self.capability, o.capabilities[0])

    def placement(self) -> dict[str, Any]:
        return {
            "objective": self.objective.currentData() or None,
            "capability": self.capability.currentData() or "",
        }


class RatingDialog(_Placed):
    """Rate a capability P, S, M or U under an objective of the exercise (or alone);
    rating it again replaces the mark."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        report: m.Aar,
        objectives: Sequence[m.ExerciseObjective],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, name="ratingDialog", title=f"Rate: {report.title}")
        self.store, self.actor, self.report = store, actor, report
        self.rating_id: str | None = None
        self.place_rows(objectives)
        self.rating = combo({k: f"{k} — {v}" for k, v in RATINGS.items()}, "— choose —",
                            "ratingMark")  # fmt: skip
        self.field("rating", "Rating:", self.rating)
        self.resize(560, self.sizeHint().height())

    def submit(self) -> str:
        return aar.rate(
            self.store, actor=self.actor, aar_id=self.report.id,
            rating=self.rating.currentData() or "", **self.placement(),
        )  # fmt: skip

    def saved(self, result: str) -> None:
        self.rating_id = result


class FindingDialog(_Placed):
    """A strength or an area for improvement; the reference (plan or policy involved)
    and the analysis (root cause) belong to an area for improvement only, which the
    service enforces."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        report: m.Aar,
        objectives: Sequence[m.ExerciseObjective],
        finding: m.AarFinding | None = None,
        parent: QWidget | None = None,
        *,
        kind: str = "strength",
        text: str = "",
    ) -> None:
        super().__init__(
            parent, name="findingDialog", title="Edit finding" if finding else "New finding"
        )
        self.store, self.actor, self.report, self.finding = store, actor, report, finding
        self.finding_id: str | None = finding.id if finding else None
        self.kind = combo(FINDING_LABELS, None, "findingKind")
        self.kind.setEnabled(finding is None)  # the service keeps a finding's kind
        self.field("kind", "Kind:", self.kind)
        self.place_rows(objectives)
        self.text = _text_box(70, "findingText")
        self.reference = QLineEdit(placeholderText="Plan or policy involved")
        self.analysis = _text_box(56, "findingAnalysis")
        self.field("text", "Finding:", self.text)
        self.field("reference", "Reference:", self.reference)
        self.field("analysis", "Analysis:", self.analysis)
        if finding is not None:
            choose(self.kind, finding.kind)
            choose(self.objective, _blank(finding.objective_number) or None)
            choose(self.capability, finding.capability)
            self.text.setPlainText(finding.text or "")
            self.reference.setText(finding.reference or "")
            self.analysis.setPlainText(finding.analysis or "")
        else:
            choose(self.kind, kind)
            self.text.setPlainText(text)
        self.resize(560, self.sizeHint().height())

    def submit(self) -> str:
        texts: dict[str, Any] = {
            "text": self.text.toPlainText(),
            "reference": self.reference.text().strip() or None,
            "analysis": self.analysis.toPlainText().strip() or None,
        }
        if self.finding is None:
            return aar.add_finding(
                self.store, actor=self.actor, aar_id=self.report.id,
                kind=self.kind.currentData() or "", **texts, **self.placement(),
            )  # fmt: skip
        f = self.finding
        place = self.placement()
        changed: dict[str, Any] = {
            k: v for k, v in texts.items() if _blank(v) != _blank(getattr(f, k))
        }
        if (place["capability"], _blank(place["objective"])) != (
            f.capability, _blank(f.objective_number)
        ):  # fmt: skip
            changed.update(place)
        if changed:
            aar.update_finding(self.store, actor=self.actor, finding_id=f.id, **changed)
        return f.id

    def saved(self, result: str) -> None:
        self.finding_id = result
