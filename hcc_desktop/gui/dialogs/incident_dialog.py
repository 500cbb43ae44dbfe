"""Open a new incident (an activation or an exercise), optionally with its first
operational period, so that EEIs can be requested at once."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from hcc_desktop.core.enums import INCIDENT_TYPES
from hcc_desktop.core.services import incidents
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.gui.dialogs.form import FormDialog


def qt_to_iso(moment: QDateTime) -> str:
    return to_iso(datetime.fromtimestamp(moment.toSecsSinceEpoch(), tz=UTC))


class IncidentDialog(FormDialog):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, name="incidentDialog", title="New incident", ok_text="Open incident"
        )
        self.store, self.actor = store, actor
        self.incident_id: str | None = None
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
        self.field("name", "Name:", self.name)
        self.field("incident_type", "Type:", self.kind)
        self.field("started_at", "Started:", self.started, "starts_at")
        self.form.addRow("", self.exercise)
        self.field("description", "Description:", self.description)
        self.form.addRow(self.first_period, self.hours)
        self.resize(560, 360)

    def submit(self) -> str:
        return incidents.create_incident(
            self.store,
            actor=self.actor,
            name=self.name.text(),
            incident_type=self.kind.currentData() or "other",
            exercise=self.exercise.isChecked(),
            description=self.description.toPlainText(),
            started_at=qt_to_iso(self.started.dateTime()),
            first_period_hours=self.hours.value() if self.first_period.isChecked() else None,
        )

    def saved(self, result: str) -> None:
        self.incident_id = result
