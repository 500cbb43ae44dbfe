"""The first start: with no store yet, name this station (which creates its key pair),
say who is at the keyboard, and choose what the store starts with: the demo coalition
(training), nothing (a new coalition), or a full package from the hub station (joining
an existing one, after trusting the hub's key file).

Asked in one window because an operator installing the program at 03:00 should answer
four questions once, not find a menu for each. The station name starts empty and is
required: other stations read it on every package, and a machine's host name
("DESKTOP-4F7K2Q") tells them nothing, so nothing that looks like one is suggested.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.errors import HccError
from hcc_desktop.core.services.common import Actor
from hcc_desktop.gui import file_dialogs
from hcc_desktop.gui.dialogs.operator_dialog import POSITIONS
from hcc_desktop.gui.startup import server_result
from hcc_desktop.gui.startup.first_start import Outcome, Plan, Start, create
from hcc_desktop.gui.startup.server_check import EXAMPLE, ServerProblem, with_password

KEY_FILTER = "Station key files (*.hcckey *.key *.json);;All files (*)"
PACKAGE_FILTER = "hcc-desktop packages (*.hccsync)"


def _file_row(edit: QLineEdit, browse: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(browse)
    return row


class WelcomeDialog(QDialog):
    """After `exec()` is accepted, `outcome` holds the open store and `actor()` the
    operator who signed in."""

    def __init__(self, store_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to hcc-desktop")
        self.setObjectName("welcomeDialog")
        self.store_path = Path(store_path)
        self.outcome: Outcome | None = None
        intro = QLabel(
            "<b>This computer has no store yet.</b> A store holds everything this station "
            "knows: members, the incident log, requests, EEIs. Name the station (other "
            "stations see this name on its packages), say who you are, and choose how to "
            "start."
        )
        intro.setWordWrap(True)
        self.station = QLineEdit(objectName="welcomeStation")
        self.station.setPlaceholderText("e.g. Region 2 HCC or State ESF-8 Desk")
        self.station_error = QLabel(objectName="welcomeStationError")
        self.station_error.setStyleSheet("color: #b71c1c")
        self.station_error.setWordWrap(True)
        self.station_error.hide()
        self.station.textEdited.connect(lambda _t: self.station_error.hide())
        self.name = QLineEdit(objectName="welcomeName")
        self.position = QComboBox(editable=True, objectName="welcomePosition")
        self.position.addItems(list(POSITIONS))
        self.position.setCurrentText("")
        self.location = QLabel(str(self.store_path), objectName="welcomeLocation")
        self.location.setWordWrap(True)
        move = QPushButton("Change…")
        move.clicked.connect(self._choose_location)
        form = QFormLayout()
        form.addRow("Station name:", self.station)
        form.addRow("", self.station_error)
        form.addRow("Your name:", self.name)
        form.addRow("ICS position:", self.position)
        self.location_row = _file_row_label(self.location, move)
        form.addRow("Store file:", self.location_row)

        self.demo = QRadioButton("Start with the demo coalition", objectName="startDemo")
        self.empty = QRadioButton("Start empty", objectName="startEmpty")
        self.join = QRadioButton("Join from a package", objectName="startJoin")
        self.server = QRadioButton("Join an EOC server", objectName="startServer")
        hints = {
            self.demo: "Connecticut's coalition and a hurricane exercise: for training.",
            self.empty: "A new coalition: add members, or import them from a spreadsheet.",
            self.join: "Copy everything from the hub station: its key file and a full "
            "package it exported for you.",
            self.server: "A seat in the EOC: work on the EOC's PostgreSQL server with the "
            "other seats, each seeing the others' entries at once.",
        }
        self.group = QButtonGroup(self)
        start_box = QGroupBox("How to start")
        start_layout = QVBoxLayout(start_box)
        # Each way's fields sit under its own choice: the package's under "Join from a
        # package", the server's under "Join an EOC server".
        notes: dict[QRadioButton, QLabel] = {}
        for radio, hint in hints.items():
            self.group.addButton(radio)
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setContentsMargins(24, 0, 0, 4)
            note.setStyleSheet("color: #555")
            notes[radio] = note
        for radio in (self.demo, self.empty, self.join):
            start_layout.addWidget(radio)
            start_layout.addWidget(notes[radio])
        self.empty.setChecked(True)
        self.hub_key = QLineEdit(objectName="welcomeHubKey")
        self.hub_key.setPlaceholderText("the hub's public key file")
        self.package = QLineEdit(objectName="welcomePackage")
        self.package.setPlaceholderText("the hub's full package (.hccsync)")
        key_browse = QPushButton("Browse…")
        key_browse.clicked.connect(
            lambda: self._browse(self.hub_key, "The hub station's key file", KEY_FILTER)
        )
        pkg_browse = QPushButton("Browse…")
        pkg_browse.clicked.connect(
            lambda: self._browse(self.package, "The hub station's package", PACKAGE_FILTER)
        )
        self.join_box = QWidget()
        join_form = QFormLayout(self.join_box)
        join_form.setContentsMargins(24, 0, 0, 0)
        join_form.addRow("Hub key file:", _file_row(self.hub_key, key_browse))
        join_form.addRow("Package:", _file_row(self.package, pkg_browse))
        trust_note = QLabel(
            "Before trusting the key, read its fingerprint to the hub operator by phone; "
            "the hub shows it under Stations."
        )
        trust_note.setWordWrap(True)
        trust_note.setStyleSheet("color: #555")
        join_form.addRow(trust_note)
        start_layout.addWidget(self.join_box)
        start_layout.addWidget(self.server)
        start_layout.addWidget(notes[self.server])
        start_layout.addWidget(self._server_box())
        self.group.buttonToggled.connect(lambda *_: self._update())

        self.error = QLabel(objectName="welcomeError")
        self.error.setStyleSheet("color: #b71c1c")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.start_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("Start")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        buttons.accepted.connect(self._start)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(start_box)
        layout.addWidget(self.error)
        layout.addStretch(1)  # room left over goes above the buttons, not between rows
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self._update()
        self.resize(560, 560)
        self.station.setFocus()

    def _server_box(self) -> QWidget:
        """The connection string, the password apart from it (so it is typed once and
        never shown), whether to remember it, and a test of the connection."""
        self.server_url = QLineEdit(objectName="welcomeServerUrl")
        self.server_url.setPlaceholderText(EXAMPLE)
        self.server_password = QLineEdit(objectName="welcomeServerPassword")
        self.server_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_password.setPlaceholderText("if the server asks for one")
        self.remember_password = QCheckBox(
            "Remember the password on this computer", objectName="welcomeRememberPassword"
        )
        self.remember_password.setToolTip(
            "Kept in this account's settings in plain text. Leave unticked on a shared "
            "computer: the program then asks for it at each start."
        )
        self.test_button = QPushButton("Test connection", objectName="welcomeServerTest")
        self.test_button.clicked.connect(self.test_server)
        self.server_result = QLabel(objectName="welcomeServerResult")
        self.server_result.setWordWrap(True)
        self.server_result.hide()
        for edit in (self.server_url, self.server_password):
            edit.textEdited.connect(lambda _t: self.server_result.hide())
        self.server_box = QWidget()
        form = QFormLayout(self.server_box)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow("Connection:", self.server_url)
        form.addRow("Password:", _file_row(self.server_password, self.test_button))
        form.addRow("", self.remember_password)
        form.addRow(self.server_result)
        return self.server_box

    def server_location(self) -> str:
        """The connection string with the password typed apart put in."""
        return with_password(self.server_url.text(), self.server_password.text())

    def test_server(self) -> bool:
        """Test button: connect and say what was found, or why it failed."""
        ok = server_result.test_into(self.server_result, self.server_location())
        self._fit_height()
        return ok

    def _say_server(self, text: str, *, ok: bool) -> None:
        server_result.say(self.server_result, text, ok=ok)
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to show every line: a wrapped message adds lines the dialog's size
        does not follow by itself."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        need = self.heightForWidth(self.width())
        if need > self.height():
            self.resize(self.width(), need)

    # ------------------------------------------------------------------ state
    def choice(self) -> Start:
        if self.demo.isChecked():
            return Start.DEMO
        if self.server.isChecked():
            return Start.SERVER
        return Start.JOIN if self.join.isChecked() else Start.EMPTY

    def actor(self) -> Actor:
        return Actor(self.name.text().strip(), self.position.currentText().strip())

    def plan(self) -> Plan:
        join = self.choice() is Start.JOIN
        return Plan(
            path=self.store_path,
            station=self.station.text().strip(),
            actor=self.actor(),
            start=self.choice(),
            hub_key=Path(self.hub_key.text().strip()) if join and self.hub_key.text() else None,
            package=Path(self.package.text().strip()) if join and self.package.text() else None,
            server=self.server_location() if self.choice() is Start.SERVER else None,
        )

    def _update(self) -> None:
        # Only the chosen way's fields are shown: four boxes at once would not fit a
        # laptop's screen, and a greyed box invites typing into it.
        self.join_box.setEnabled(self.join.isChecked())
        self.join_box.setVisible(self.join.isChecked())
        on_server = self.server.isChecked()
        self.server_box.setEnabled(on_server)
        self.server_box.setVisible(on_server)
        self._fit_height()
        self.location_row.setEnabled(not on_server)
        self.station.setPlaceholderText(
            "names the server station when this seat is the first to join"
            if on_server
            else "e.g. Region 2 HCC or State ESF-8 Desk"
        )

    def _browse(self, edit: QLineEdit, title: str, pattern: str) -> None:
        chosen = file_dialogs.open_file(
            self, title, file_dialogs.PACKAGES, pattern, beside=self.store_path
        )
        if chosen:
            edit.setText(str(chosen))

    def _choose_location(self) -> None:
        chosen = file_dialogs.save_file(
            self,
            "Where to keep the store",
            file_dialogs.STORE,
            str(self.store_path),
            "Stores (*.sqlite)",
        )
        if chosen:
            path = chosen if chosen.name.endswith(".sqlite") else Path(f"{chosen}.sqlite")
            self.store_path = path
            self.location.setText(str(path))

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self._fit_height()

    # ------------------------------------------------------------------ start
    def _start(self) -> None:
        plan = self.plan()
        if plan.start is Start.SERVER:
            self._join_server(plan)
            return
        if not plan.station:
            self.station_error.setText(
                "Give this station a name: other stations see it on every package "
                "(e.g. Region 2 HCC)."
            )
            self.station_error.show()
            self.station.setFocus()
            return
        self.station_error.hide()
        progress = QProgressDialog("Creating the store…", "", 0, 0, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

        def step(done: int, total: int) -> bool:
            progress.setLabelText("Importing the hub's package…")
            progress.setMaximum(max(total, 1))
            progress.setValue(min(done, max(total, 1)))
            QApplication.processEvents()
            return True

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.outcome = create(plan, progress=step)
        except HccError as exc:
            self._fail(str(exc))
            return
        except OSError as exc:
            self._fail(f"{exc.filename or plan.path}: {exc.strerror or exc}")
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
            progress.close()
        self.accept()

    def _join_server(self, plan: Plan) -> None:
        """Test the connection and open the server; a failure is said under the
        connection string and leaves the dialog as it was."""
        if not plan.actor.name:
            self._fail("Enter your name: changes are recorded under it.")
            self.name.setFocus()
            return
        self.error.hide()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.outcome = create(plan)
        except ServerProblem as exc:
            self._say_server(str(exc), ok=False)
            self.server_url.setFocus()
            return
        except HccError as exc:
            self._fail(str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()


def _file_row_label(label: QLabel, button: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(label, 1)
    layout.addWidget(button)
    return row
