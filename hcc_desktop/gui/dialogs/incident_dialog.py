"""Open a new incident (an activation or an exercise), optionally with its first
operational period, so that EEIs can be requested at once."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.enums import INCIDENT_TYPES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.gui.dialogs.form import FormErrors, banner_label
from hcc_desktop.gui.operations import CollectionOp


def qt_to_iso(moment: QDateTime) -> str:
    return to_iso(datetime.fromtimestamp(moment.toSecsSinceEpoch(), tz=UTC))


class IncidentDialog(QDialog):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.incident_id: str | None = None
        self.setWindowTitle("New incident")
        self.setObjectName("incidentDialog")
        self.banner = banner_label()
        form = QFormLayout()
        self.errors = FormErrors(form, self.banner)
        self.name = QLineEdit(placeholderText="e.g. Hurricane Delta, Cyber attack on YNHH")
        self.kind = QComboBox()
        for key, label in INCIDENT_TYPES.items():
            self.kind.addItem(label, key)
        self.started = QDateTimeEdit(QDateTime.currentDateTime(), calendarPopup=True)
        self.started.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.exercise = QCheckBox("This is an exercise")
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(70)
        self.first_period = QCheckBox("Open operational period 1 now, lasting")
        self.first_period.setChecked(True)
        self.hours = QSpinBox(suffix=" h", minimum=1, maximum=72, value=12)
        self.errors.add("name", "Name:", self.name)
        self.errors.add("incident_type", "Type:", self.kind)
        self.errors.add("started_at", "Started:", self.started, "starts_at")
        form.addRow("", self.exercise)
        self.errors.add("description", "Description:", self.description)
        form.addRow(self.first_period, self.hours)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Open incident")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(500, 360)

    def save(self) -> None:
        started = qt_to_iso(self.started.dateTime())
        hours = self.hours.value() if self.first_period.isChecked() else None
        rid = (
            CollectionOp(
                self,
                lambda _p: incidents.create_incident(
                    self.store,
                    actor=self.actor,
                    name=self.name.text(),
                    incident_type=self.kind.currentData() or "other",
                    exercise=self.exercise.isChecked(),
                    description=self.description.toPlainText(),
                    started_at=started,
                    first_period_hours=hours,
                ),
                title="Not saved",
            )
            .failure(self.errors.show, only=ValidationError)
            .run_now()
        )
        if rid is None:
            return
        self.incident_id = rid
        self.accept()
