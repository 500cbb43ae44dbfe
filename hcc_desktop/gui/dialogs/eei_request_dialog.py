"""Issue an EEI request (which elements, which partners, due when, repeated how) and
log a message sent or received. Both call the services the CLI calls; a refusal shows
beside the field it names."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.enums import MEMBER_TYPES
from hcc_desktop.core.services import eei, eei_requests, messages
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.gui.dialogs.form import FormDialog


def _checklist(name: str, items: list[tuple[str, str]], checked: set[str]) -> QListWidget:
    box = QListWidget(objectName=name)
    for key, label in items:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setCheckState(Qt.CheckState.Checked if key in checked else Qt.CheckState.Unchecked)
        box.addItem(item)
    box.setMaximumHeight(120)
    return box


def _checked(box: QListWidget) -> list[str]:
    return [
        box.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(box.count())
        if box.item(i).checkState() == Qt.CheckState.Checked
    ]


def _moment(edit: QDateTimeEdit) -> str:
    moment: dt.datetime = edit.dateTime().toPython()  # type: ignore[assignment]
    return to_iso(moment.astimezone())


class EEIRequestDialog(FormDialog):
    def __init__(
        self, store: Store, actor: Actor, incident_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, name="eeiRequestDialog", title="Issue EEI request")
        self.store, self.actor, self.incident_id = store, actor, incident_id
        self.request_id: str | None = None
        cat = load_catalog()
        self.title = QLineEdit(placeholderText="e.g. Hospital status by 09:00")
        self.elements = _checklist(
            "eeiRequestElements",
            [(c, f"{e.label} ({c})") for c, e in cat.elements.items()],
            {"FACILITY_STATUS"},
        )
        self.types = _checklist(
            "eeiRequestTypes",
            [(k, v) for k, v in MEMBER_TYPES.items()],
            set(eei.reporting_types()),
        )
        now = QDateTime.currentDateTime()
        self.due = QDateTimeEdit(now.addSecs(2 * 3600), calendarPopup=True)
        self.due.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.repeat = QComboBox()
        for key, label in eei_requests.REPEATS.items():
            self.repeat.addItem(label, key)
        self.hours = QSpinBox(minimum=1, maximum=168, value=4, suffix=" h")
        self.context = QComboBox()
        for key, label in eei_requests.CONTEXTS.items():
            self.context.addItem(label, key)
        self.channel = QComboBox(editable=True)
        self.channel.addItems(list(messages.CHANNELS))
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(60)
        self.field("title", "Title:", self.title)
        self.field("elements", "Elements:", self.elements)
        self.field("types", "Partner types:", self.types, "targets", "members", "regions")
        self.field("due_at", "Due:", self.due)
        self.field("repeat", "Repeat:", self.repeat)
        self.field("repeat_hours", "Every:", self.hours)
        self.field("context", "Context (HPP 6.1):", self.context)
        self.field("channel", "Sent by:", self.channel)
        self.field("notes", "Notes:", self.notes)
        self.resize(520, self.sizeHint().height())

    def submit(self) -> str:
        repeat = self.repeat.currentData()
        return eei_requests.issue_request(
            self.store, actor=self.actor, incident_id=self.incident_id,
            title=self.title.text(), elements=_checked(self.elements),
            targets={"types": _checked(self.types)}, due_at=_moment(self.due),
            repeat=repeat, repeat_hours=self.hours.value() if repeat == "hours" else None,
            context=self.context.currentData(), notes=self.notes.toPlainText(),
            channel=self.channel.currentText(),
        )  # fmt: skip

    def saved(self, result: str) -> None:
        self.request_id = result


class MessageDialog(FormDialog):
    """Log a message the coalition sent or received outside the program (a phone
    call, an e-mail, a notification system)."""

    def __init__(
        self, store: Store, actor: Actor, incident_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, name="messageDialog", title="Log message")
        self.store, self.actor, self.incident_id = store, actor, incident_id
        self.message_id: str | None = None
        self.direction = QComboBox()
        for key, label in messages.DIRECTIONS.items():
            self.direction.addItem(label, key)
        self.kind = QComboBox()
        for key, label in messages.MESSAGE_KINDS.items():
            self.kind.addItem(label, key)
        self.kind.setCurrentIndex(self.kind.findData("advisory"))
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setMaximumHeight(80)
        self.channel = QComboBox(editable=True)
        self.channel.addItems(list(messages.CHANNELS))
        self.recipients = QLineEdit(placeholderText="Names or addresses, separated by ;")
        self.sender_edit = QLineEdit(placeholderText="Default for outbound: this station")
        self.field("direction", "Direction:", self.direction)
        self.field("kind", "Kind:", self.kind)
        self.field("subject", "Subject:", self.subject)
        self.field("body", "Text:", self.body)
        self.field("channel", "Channel:", self.channel)
        self.field("recipients", "Recipients:", self.recipients)
        self.field("sender", "Sender:", self.sender_edit)
        self.resize(480, self.sizeHint().height())

    def submit(self) -> str:
        names = [p.strip() for p in self.recipients.text().split(";") if p.strip()]
        return messages.record_message(
            self.store, actor=self.actor, direction=self.direction.currentData(),
            kind=self.kind.currentData(), subject=self.subject.text(),
            body=self.body.toPlainText(), channel=self.channel.currentText(),
            recipients=names, sender=self.sender_edit.text(), incident_id=self.incident_id,
        )  # fmt: skip

    def saved(self, result: str) -> None:
        self.message_id = result
