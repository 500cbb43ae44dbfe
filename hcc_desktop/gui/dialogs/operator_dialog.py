"""Who is at the keyboard: every change is recorded against a person in an ICS
position, so the log, the audit trail and undo name the right operator.

Operators who signed in at this station before are offered first (most recent on
top), because at a shift change the next person is usually someone who was here
yesterday.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
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


class OperatorDialog(QDialog):
    def __init__(self, station: str, known: list[Actor], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Who is operating this station?")
        self.setObjectName("operatorDialog")
        self.known = known
        intro = QLabel(
            f"Station <b>{station}</b>. Every change you make is recorded under your name "
            "and ICS position."
        )
        intro.setWordWrap(True)
        self.previous = QComboBox(objectName="operatorPrevious")
        self.previous.addItem("— someone new —", -1)
        for i, actor in enumerate(known):
            self.previous.addItem(actor.label, i)
        self.previous.currentIndexChanged.connect(self._pick)
        self.name = QLineEdit(objectName="operatorName")
        self.position = QComboBox(editable=True, objectName="operatorPosition")
        self.position.addItems(list(POSITIONS))
        self.position.setCurrentText("")
        self.error = QLabel(objectName="operatorError")
        self.error.setStyleSheet("color: #b71c1c")
        self.error.hide()
        form = QFormLayout()
        if known:
            form.addRow("Sign in as:", self.previous)
        form.addRow("Name:", self.name)
        form.addRow("ICS position:", self.position)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if known:
            self.previous.setCurrentIndex(1)
        self.resize(460, 200)

    def _pick(self) -> None:
        i = self.previous.currentData()
        if isinstance(i, int) and 0 <= i < len(self.known):
            self.name.setText(self.known[i].name)
            self.position.setCurrentText(self.known[i].position)

    def _accept(self) -> None:
        if not self.name.text().strip():
            self.error.setText("Enter your name: changes are recorded under it.")
            self.error.show()
            self.name.setFocus()
            return
        self.accept()

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
