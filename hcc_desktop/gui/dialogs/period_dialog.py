"""Open the next operational period: when it starts and ends, when its EEIs are due
(reporting on time is measured against that), and its objectives."""

from __future__ import annotations

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QDateTimeEdit, QPlainTextEdit, QWidget

from hcc_desktop.core.services import incidents
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, parse_iso
from hcc_desktop.gui.dialogs.form import FormDialog
from hcc_desktop.gui.dialogs.incident_dialog import qt_to_iso


def _qt(iso: str) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(parse_iso(iso).timestamp()))


def _edit(moment: QDateTime) -> QDateTimeEdit:
    edit = QDateTimeEdit(moment, calendarPopup=True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    return edit


class PeriodDialog(FormDialog):
    def __init__(
        self, store: Store, actor: Actor, incident_id: str, parent: QWidget | None = None
    ) -> None:
        periods = incidents.list_periods(store, incident_id=incident_id)
        last = periods[-1] if periods else None
        nxt = (last.number or 0) + 1 if last else 1
        super().__init__(
            parent,
            name="periodDialog",
            title=f"New operational period {nxt}",
            ok_text="Open period",
        )
        self.store, self.actor, self.incident_id = store, actor, incident_id
        self.number: int | None = None
        start = _qt(last.ends_at) if last and last.ends_at else _qt(from_ms(store.wall()))
        length = 12 * 3600
        if last and last.starts_at and last.ends_at:
            length = int((parse_iso(last.ends_at) - parse_iso(last.starts_at)).total_seconds())
        self.starts = _edit(start)
        self.ends = _edit(start.addSecs(length))
        self.due = _edit(start.addSecs(2 * 3600))
        self.objectives = QPlainTextEdit()
        self.objectives.setFixedHeight(90)
        self.field("starts_at", "Starts:", self.starts)
        self.field("ends_at", "Ends:", self.ends)
        self.field("eei_due_at", "EEIs due:", self.due)
        self.field("objectives", "Objectives:", self.objectives)
        self.resize(460, 300)

    def submit(self) -> int:
        return incidents.add_period(
            self.store,
            actor=self.actor,
            incident_id=self.incident_id,
            starts_at=qt_to_iso(self.starts.dateTime()),
            ends_at=qt_to_iso(self.ends.dateTime()),
            eei_due_at=qt_to_iso(self.due.dateTime()),
            objectives=self.objectives.toPlainText(),
        )

    def saved(self, result: int) -> None:
        self.number = result
