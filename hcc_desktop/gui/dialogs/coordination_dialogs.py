"""Forms for response coordination: sign a person in to a position, plan a duty
shift, record the members' fill of a request, elevate the rest to the state, prepare
a handover. Each calls the same service as the CLI (`roster sign-in`, `duty add`,
`requests fill|elevate`, `handover prepare`); a refusal stands beside its field.

Times are typed as the EOC wall clock reads (local time); empty means now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from hcc_desktop.core import models as m
from hcc_desktop.core.services import duty, escalation, handover, roster
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.gui.dialogs.form import FormDialog


def local_time(text: str) -> str | None:
    """What the operator typed, as a stored time: local when it has no zone. Text
    that is not a time goes on unchanged so the service refuses it, naming its field."""
    raw = text.strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError:
        return raw
    return to_iso(moment if moment.tzinfo else moment.astimezone())


def _line(placeholder: str = "", text: str = "") -> QLineEdit:
    box = QLineEdit(text)
    box.setPlaceholderText(placeholder)
    return box


class SignInDialog(FormDialog):
    def __init__(self, store: Store, actor: Actor, incident_id: str, parent: QWidget | None):
        super().__init__(parent, name="signInDialog", title="Sign in to a position",
                         ok_text="Sign in",
                         intro="A single-holder position (duty officer, section chiefs) "
                               "takes one person at a time: tick Relieve to sign the "
                               "current holder out at the same moment.")  # fmt: skip
        self.store, self.actor, self.incident_id = store, actor, incident_id
        self.position = QComboBox()
        for code, label in roster.POSITIONS.items():
            self.position.addItem(label, code)
        self.person = _line("Name", actor.name)
        self.phone = _line("Cell or desk phone")
        self.email = _line("E-mail")
        self.at = _line("Empty: now; e.g. 2026-11-20 19:00")
        self.relieve = QCheckBox("Relieve the current holder")
        self.field("position", "Position", self.position)
        self.field("person", "Person", self.person)
        self.field("phone", "Phone", self.phone)
        self.field("email", "E-mail", self.email)
        self.field("signed_in_at", "Signed in at", self.at)
        self.form.addRow("", self.relieve)

    def submit(self) -> str:
        return roster.sign_in(
            self.store, actor=self.actor, incident_id=self.incident_id,
            position=self.position.currentData(), person=self.person.text(),
            phone=self.phone.text() or None, email=self.email.text() or None,
            at=local_time(self.at.text()), relieve=self.relieve.isChecked(),
        )  # fmt: skip

    def saved(self, result: Any) -> None:
        self.assignment_id = str(result)


class ShiftDialog(FormDialog):
    def __init__(self, store: Store, actor: Actor, parent: QWidget | None):
        super().__init__(parent, name="shiftDialog", title="Plan a duty shift")
        self.store, self.actor = store, actor
        self.role = QComboBox()
        for code, label in duty.ROLES.items():
            self.role.addItem(label, code)
        self.person = _line("Name")
        self.phone = _line("24/7 phone")
        self.starts = _line("e.g. 2026-11-21 07:00")
        self.ends = _line("e.g. 2026-11-21 19:00")
        self.field("role", "Role", self.role)
        self.field("person", "Person", self.person)
        self.field("phone", "Phone", self.phone)
        self.field("starts_at", "Starts", self.starts)
        self.field("ends_at", "Ends", self.ends)

    def submit(self) -> str:
        return duty.add_shift(
            self.store, actor=self.actor, person=self.person.text(),
            starts_at=local_time(self.starts.text()), ends_at=local_time(self.ends.text()),
            role=self.role.currentData(), phone=self.phone.text() or None,
        )  # fmt: skip

    def saved(self, result: Any) -> None:
        self.shift_id = str(result)


class FillDialog(FormDialog):
    def __init__(self, store: Store, actor: Actor, req: m.ResourceRequest, parent: QWidget | None):
        # The figures shown and their version, read together: saved over another seat's
        # later fill, the change is recorded as concurrent with it, not over it.
        req, self.seen = escalation.read_for_form(store, request_id=req.id)
        super().__init__(parent, name="fillDialog", title=f"Members' fill of {req.number}",
                         intro=f"How much of {req.quantity or 0:g} {req.unit or ''} "
                               f"{req.resource_kind or ''} the coalition's members have "
                               "filled in total so far.")  # fmt: skip
        self.store, self.actor, self.request_id = store, actor, req.id
        self.filled = _line("e.g. 1", f"{req.filled_quantity:g}" if req.filled_quantity else "")
        self.note = _line("Who gave what (goes to the incident log)")
        self.field("filled_quantity", "Filled by members", self.filled)
        self.field("note", "Note", self.note)

    def submit(self) -> object:
        return escalation.record_fill(
            self.store, actor=self.actor, request_id=self.request_id, filled=self.filled.text(),
            note=self.note.text() or None, seen=self.seen,
        )  # fmt: skip

    def saved(self, result: Any) -> None:
        pass


class ElevateDialog(FormDialog):
    def __init__(self, store: Store, actor: Actor, req: m.ResourceRequest, parent: QWidget | None):
        req, self.seen = escalation.read_for_form(store, request_id=req.id)  # as FillDialog
        left = escalation.unfilled(req)
        super().__init__(parent, name="elevateDialog", title=f"Elevate {req.number} to the state",
                         ok_text="Elevate",
                         intro=f"{left:g} {req.unit or ''} not filled by members. The "
                               "elevation and the state's tracking number go on the "
                               "request's history, the ICS 213 RR and the log.")  # fmt: skip
        self.store, self.actor, self.request_id = store, actor, req.id
        self.to = _line("", req.elevated_to or escalation.DEFAULT_TO)
        self.quantity = _line("Empty: all unfilled", f"{left:g}" if left else "")
        self.ref = _line("The state's tracking number")
        self.note = _line("")
        self.field("elevated_to", "Elevated to", self.to)
        self.field("elevated_quantity", "Quantity", self.quantity)
        self.field("elevated_ref", "Tracking number", self.ref)
        self.field("note", "Note", self.note)

    def submit(self) -> object:
        return escalation.elevate(
            self.store, actor=self.actor, request_id=self.request_id, ref=self.ref.text(),
            to=self.to.text(), quantity=self.quantity.text() or None,
            note=self.note.text() or None, seen=self.seen,
        )  # fmt: skip

    def saved(self, result: Any) -> None:
        pass


class PrepareHandoverDialog(FormDialog):
    def __init__(self, store: Store, actor: Actor, incident_id: str, parent: QWidget | None):
        super().__init__(parent, name="prepareHandoverDialog", title="Prepare the handover",
                         ok_text="Prepare",
                         intro="The report as of now is stored as shown, for the incoming "
                               "officer to acknowledge.")  # fmt: skip
        self.store, self.actor, self.incident_id = store, actor, incident_id
        self.incoming = _line("The incoming officer's name")
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("What you add: things to watch, calls to make")
        self.notes.setFixedHeight(90)
        self.field("incoming", "Incoming", self.incoming)
        self.field("notes", "Notes", self.notes)

    def submit(self) -> str:
        return handover.prepare(
            self.store, actor=self.actor, incident_id=self.incident_id,
            incoming=self.incoming.text() or None, notes=self.notes.toPlainText() or None,
        )  # fmt: skip

    def saved(self, result: Any) -> None:
        self.handover_id = str(result)
