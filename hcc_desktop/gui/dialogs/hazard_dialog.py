"""Add a hazard to a risk assessment, or change its scores, category and notes.

The service refuses a blank event name, a score outside 0-3 or a final assessment;
the refusal is shown beside the field it names. A hazard's name is its key (the same
hazard entered at two stations is one row), so the name is fixed once it exists.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from hcc_desktop.core.enums import HVA_CATEGORIES, HVA_SCORES
from hcc_desktop.core.services import hva
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.dialogs.form import FormDialog
from hcc_desktop.gui.panels.prep_common import choose, combo

#: The column labels of the KP tool, with the scale each uses (mitigation inverted).
SCORE_LABELS: dict[str, str] = {
    "probability": "Probability (1 low - 3 high):",
    "human": "Human impact (1 low - 3 high):",
    "property": "Property impact (1 low - 3 high):",
    "business": "Business impact (1 low - 3 high):",
    "preparedness": "Preparedness (1 high - 3 low/none):",
    "internal": "Internal response (1 high - 3 low/none):",
    "external": "External response (1 high - 3 low/none):",
}


class HazardDialog(FormDialog):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        assessment_id: str,
        row: hva.HazardRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            name="hazardDialog",
            title=f"Scores of {row.name}" if row else "New hazard",
            intro="0 = not applicable. Mitigation columns are scored inversely: 1 is high "
            "preparedness or response, 3 is low or none.",
        )
        self.store, self.actor, self.assessment_id, self.row = store, actor, assessment_id, row
        self.hazard_id: str | None = row.id if row else None
        self.name = QLineEdit(objectName="hazardName")
        self.category = combo(HVA_CATEGORIES, "— choose —", "hazardCategory")
        self.field("hazard", "Event:", self.name, "name")
        self.field("category", "Category:", self.category)
        self.scores: dict[str, QSpinBox] = {}
        for key in HVA_SCORES:
            spin = QSpinBox(minimum=0, maximum=3)
            self.scores[key] = spin
            self.field(key, SCORE_LABELS[key], spin)
        self.occurred = QCheckBox("Has happened here before")
        self.form.addRow("", self.occurred)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(56)
        self.field("notes", "Notes:", self.notes)
        if row is not None:
            self.name.setText(row.name)
            self.name.setReadOnly(True)
            choose(self.category, row.category)
            for key, spin in self.scores.items():
                spin.setValue(row.scores[key])
            self.occurred.setChecked(row.occurred)
            self.notes.setPlainText(row.notes or "")
        self.resize(460, self.sizeHint().height())

    def submit(self) -> str:
        return hva.set_hazard(
            self.store,
            actor=self.actor,
            assessment_id=self.assessment_id,
            name=self.name.text(),
            category=self.category.currentData() or (None if self.row else ""),
            notes=self.notes.toPlainText(),
            occurred=self.occurred.isChecked(),
            **{k: s.value() for k, s in self.scores.items()},
        )

    def saved(self, result: str) -> None:
        self.hazard_id = result
