"""Who is at the keyboard: every change is recorded against a person in an ICS
position, so the log, the audit trail and undo name the right operator.

Operators who signed in at this station before are offered first (most recent on
top), because at a shift change the next person is usually someone who was here
yesterday.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.dialogs.form import FormDialog
from hcc_desktop.gui.settings import remember_operator, remembered_operators

POSITIONS = (
    "EOC Director",
    "Situation Unit Leader",
    "Resource Unit Leader",
    "Documentation Unit Leader",
    "Planning Section Chief",
    "Operations Section Chief",
    "Logistics Section Chief",
    "Medical/Health Branch Director",
    "ESF-8 Desk",
    "Liaison Officer",
    "Public Information Officer",
    "Duty Officer",
    "Safety Officer",
)


class OperatorDialog(FormDialog):
    def __init__(self, station: str, known: list[Actor], parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            name="operatorDialog",
            title="Who is operating this station?",
            ok_text="Sign in",
            intro=f"Station <b>{station}</b>. Every change you make is recorded under your "
            "name and ICS position.",
        )
        self.known = known
        self.previous = QComboBox(objectName="operatorPrevious")
        self.previous.addItem("— someone new —", -1)
        for i, actor in enumerate(known):
            self.previous.addItem(actor.label, i)
        self.previous.currentIndexChanged.connect(self._pick)
        self.name = QLineEdit(objectName="operatorName")
        self.position = QComboBox(editable=True, objectName="operatorPosition")
        self.position.addItems(list(POSITIONS))
        self.position.setCurrentText("")
        if known:
            self.form.addRow("Sign in as:", self.previous)
        self.field("name", "Name:", self.name)
        self.field("position", "ICS position:", self.position)
        if known:
            self.previous.setCurrentIndex(1)
        self.resize(460, 200)

    def _pick(self) -> None:
        i = self.previous.currentData()
        if isinstance(i, int) and 0 <= i < len(self.known):
            self.name.setText(self.known[i].name)
            self.position.setCurrentText(self.known[i].position)

    def submit(self) -> Actor:
        """Nothing is written here (the caller remembers the operator); only a name
        is required, because every change is recorded under it."""
        actor = self.actor()
        if not actor.name:
            raise ValidationError("name", "enter your name: changes are recorded under it")
        return actor

    def actor(self) -> Actor:
        return Actor(self.name.text().strip(), self.position.currentText().strip())


def choose_operator(
    settings: QSettings, store: Store, parent: QWidget | None = None
) -> Actor | None:
    """Ask who is signing in (offering those remembered at this station); remember the
    answer. None when the operator cancelled."""
    known = remembered_operators(settings, store.site_id)
    dialog = OperatorDialog(store.station_name, known, parent)
    if not dialog.exec():
        return None
    actor = dialog.actor()
    remember_operator(settings, store.site_id, actor)
    return actor
