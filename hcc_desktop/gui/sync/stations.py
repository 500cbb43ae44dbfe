"""The Stations dialog: this station's fingerprint large enough to read over the
phone, the stations trusted here, and trusting or revoking a key file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.errors import HccError
from hcc_desktop.gui import file_dialogs
from hcc_desktop.gui.context import AppContext
from hcc_desktop.sync import trust

KEY_FILTER = "Station key files (*.hcckey *.json);;All files (*)"


class StationsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Stations and trust")
        self.setObjectName("stationsDialog")
        self.resize(720, 460)
        me = trust.this_station(ctx.store)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"This station: <b>{me.name}</b>"))
        self.fingerprint = QLabel(me.fingerprint)
        self.fingerprint.setObjectName("ownFingerprint")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(20)
        mono.setWeight(QFont.Weight.Bold)
        self.fingerprint.setFont(mono)
        layout.addWidget(self.fingerprint)
        layout.addWidget(
            QLabel(
                "Read the fingerprint aloud to the other station's operator; trust a key "
                "file only when its fingerprint matches what they read to you."
            )
        )
        self.list = QListWidget()
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        for text, slot in (
            ("Export my key…", self._export),
            ("Trust a key file…", self._trust),
            ("Revoke", self._revoke),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addLayout(row)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self._load()

    def _load(self) -> None:
        self.list.clear()
        self.stations = [s for s in trust.list_stations(self.ctx.store) if not s.is_self]
        for s in self.stations:
            state = "revoked" if s.revoked else "trusted" if s.trusted else "not trusted"
            self.list.addItem(f"{s.name}   [{state}]   {s.fingerprint}")

    def _export(self) -> None:
        path = file_dialogs.save_file(
            self,
            "Export this station's key",
            file_dialogs.KEYS,
            f"{self.ctx.store.station_name}.hcckey",
            KEY_FILTER,
            beside=self.ctx.store.path,
        )
        if path:
            trust.export_key(self.ctx.store, path)
            self.ctx.message.emit(f"Public key written to {path}")

    def _trust(self) -> None:
        path = file_dialogs.open_file(
            self,
            "Trust a station's key file",
            file_dialogs.KEYS,
            KEY_FILTER,
            beside=self.ctx.store.path,
        )
        if path:
            self.trust_file(path)

    def trust_file(self, path: Path, *, confirm: bool = True) -> bool:
        try:
            kf = trust.read_key_file(path)
        except HccError as exc:
            QMessageBox.warning(self, "Not a usable key file", str(exc))
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                "Compare the fingerprint",
                f"Station: {kf.name}\n\nFingerprint:\n{kf.fingerprint}\n\n"
                "Does the other station's screen show exactly this fingerprint?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            trust.trust(self.ctx.store, path)
        except HccError as exc:
            QMessageBox.warning(self, "Not trusted", str(exc))
            return False
        self._load()
        self.ctx.message.emit(f"Trusted {kf.name}")
        return True

    def _revoke(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.stations):
            return
        st = self.stations[row]
        answer = QMessageBox.question(
            self, "Revoke", f"Refuse all further packages from {st.name}?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            trust.revoke(self.ctx.store, st.site_id)
            self._load()
