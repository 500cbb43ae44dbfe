"""Open the next operational period: when it starts and ends, when its EEIs are due
(reporting on time is measured against that), and its objectives."""

from __future__ import annotations

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, parse_iso
from hcc_desktop.gui.dialogs.form import FormErrors, banner_label
from hcc_desktop.gui.dialogs.incident_dialog import qt_to_iso
from hcc_desktop.gui.operations import CollectionOp


def _qt(iso: str) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(parse_iso(iso).timestamp()))


def _edit(moment: QDateTime) -> QDateTimeEdit:
    edit = QDateTimeEdit(moment, calendarPopup=True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    return edit


class PeriodDialog(QDialog):
    def __init__(
        self, store: Store, actor: Actor, incident_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store, self.actor, self.incident_id = store, actor, incident_id
        self.number: int | None = None
        periods = incidents.list_periods(store, incident_id=incident_id)
        last = periods[-1] if periods else None
        start = _qt(last.ends_at) if last and last.ends_at else _qt(from_ms(store.wall()))
        length = 12 * 3600
        if last and last.starts_at and last.ends_at:
            length = int((parse_iso(last.ends_at) - parse_iso(last.starts_at)).total_seconds())
        nxt = (last.number or 0) + 1 if last else 1
        self.setWindowTitle(f"New operational period {nxt}")
        self.setObjectName("periodDialog")
        self.banner = banner_label()
        form = QFormLayout()
        self.errors = FormErrors(form, self.banner)
        self.starts = _edit(start)
        self.ends = _edit(start.addSecs(length))
        self.due = _edit(start.addSecs(2 * 3600))
        self.objectives = QPlainTextEdit()
        self.objectives.setFixedHeight(90)
        self.errors.add("starts_at", "Starts:", self.starts)
        self.errors.add("ends_at", "Ends:", self.ends)
        self.errors.add("eei_due_at", "EEIs due:", self.due)
        self.errors.add("objectives", "Objectives:", self.objectives)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Open period")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, 300)

    def save(self) -> None:
        number = (
            CollectionOp(
                self,
                lambda _p: incidents.add_period(
                    self.store,
                    actor=self.actor,
                    incident_id=self.incident_id,
                    starts_at=qt_to_iso(self.starts.dateTime()),
                    ends_at=qt_to_iso(self.ends.dateTime()),
                    eei_due_at=qt_to_iso(self.due.dateTime()),
                    objectives=self.objectives.toPlainText(),
                ),
                title="Not saved",
            )
            .failure(self.errors.show, only=ValidationError)
            .run_now()
        )
        if number is None:
            return
        self.number = number
        self.accept()
