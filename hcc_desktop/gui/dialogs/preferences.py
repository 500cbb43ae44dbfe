"""File → Preferences: where the store is, the shared folder and how often it is
visited, the paper size, how times are shown, and how long backups are kept.

The store in use is shown; the one to open at the next start is a file on this
computer or an EOC server (a connection string, the password in its own field). A
server's password goes into the settings only when "remember the password" is ticked
(QSettings is plain text in the operator's profile); otherwise the connection string is
kept without it and the program asks for the password at the start.

Each setting lives where its reader looks: the store location and paper size and time
zone in the operator's QSettings (they belong to the person and the PC), the shared
folder and backup days in the store's own settings table (they belong to the station,
and the folder sync and the backups read them from there without Qt).
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url

from hcc_desktop.core import backups
from hcc_desktop.core.pgurl import is_server_location
from hcc_desktop.core.store import Store
from hcc_desktop.gui.reports.output import default_paper, remember_paper
from hcc_desktop.gui.settings import app_settings
from hcc_desktop.gui.startup import server_result
from hcc_desktop.gui.startup.server_check import EXAMPLE, with_password, without_password
from hcc_desktop.gui.startup.session import (
    SERVER_BACKUPS,
    STORE_KEY,
    Location,
    describe_location,
    remember_store,
)
from hcc_desktop.gui.zone import LOCAL as LOCAL  # the names other modules read here
from hcc_desktop.gui.zone import ZONE_KEY as ZONE_KEY
from hcc_desktop.gui.zone import apply_display_zone as apply_display_zone
from hcc_desktop.gui.zone import display_zone as display_zone
from hcc_desktop.gui.zone import display_zone_name as display_zone_name
from hcc_desktop.sync.folder import FOLDER_SETTING, INTERVAL_SETTING

DEFAULT_MINUTES = 10
COMMON_ZONES = (
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "Pacific/Guam",
)


def _zone_label(name: str) -> str:
    if not name:
        local = datetime.now().astimezone()
        return f"This computer's zone ({local:%Z}, UTC{local:%z})"
    return name


# ------------------------------------------------------------------ dialog


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, w in enumerate(widgets):
        layout.addWidget(w, 1 if i == 0 else 0)
    return row


class PreferencesDialog(QDialog):
    def __init__(
        self,
        store: Store | None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        store_path: Location | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferencesDialog")
        self.store = store
        self.settings = settings or app_settings()
        current_store: Location | None = store_path or (store.path if store is not None else None)
        if store is not None and store.is_server and store.server is not None:
            current_store = store_path or store.server
        # What the settings hold (a server's password only if the operator asked for it
        # to be remembered), else the store in use, without a password given on the
        # command line: saving must not remember a password nobody asked it to.
        remembered = self.settings.value(STORE_KEY)
        saved = str(remembered or current_store or "")
        if not remembered:
            saved = without_password(saved)
        on_server = is_server_location(saved)
        self.in_use = QLabel(
            (
                ("EOC server " if store.is_server else "") + store.label
                if store is not None
                else describe_location(current_store)
                if current_store
                else "none"
            ),
            objectName="prefInUse",
        )
        self.in_use.setWordWrap(True)
        self.use_file = QRadioButton("A store file on this computer", objectName="prefUseFile")
        self.use_server = QRadioButton("An EOC server", objectName="prefUseServer")
        self.next_store = QButtonGroup(self)
        self.next_store.addButton(self.use_file)
        self.next_store.addButton(self.use_server)
        file_text = "" if on_server else saved
        if on_server and store is not None and not store.is_server:
            file_text = str(store.path)
        self.store_edit = QLineEdit(file_text, objectName="prefStore")
        browse_store = QPushButton("Browse…")
        browse_store.clicked.connect(self._browse_store)
        self.file_row = _row(self.store_edit, browse_store)
        url = make_url(saved) if on_server else None
        self.server_edit = QLineEdit(
            without_password(saved) if url else "",
            objectName="prefServer",
        )
        self.server_edit.setPlaceholderText(EXAMPLE)
        self.server_password = QLineEdit(
            (url.password or "") if url else "", objectName="prefServerPassword"
        )
        self.server_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.server_password.setPlaceholderText("if the server asks for one")
        self.remember_password = QCheckBox(
            "Remember the password on this computer", objectName="prefRememberPassword"
        )
        self.remember_password.setChecked(bool(url and url.password))
        self.remember_password.setToolTip(
            "Kept in this account's settings in plain text. Unticked, the program asks "
            "for the password at each start."
        )
        test = QPushButton("Test connection", objectName="prefServerTest")
        test.clicked.connect(self.test_server)
        self.server_result = QLabel(objectName="prefServerResult")
        self.server_result.setWordWrap(True)
        self.server_result.hide()
        self.server_box = QWidget()
        sb = QFormLayout(self.server_box)
        sb.setContentsMargins(24, 0, 0, 0)
        sb.addRow("Connection:", self.server_edit)
        sb.addRow("Password:", _row(self.server_password, test))
        sb.addRow("", self.remember_password)
        sb.addRow(self.server_result)
        (self.use_server if on_server else self.use_file).setChecked(True)
        self.next_store.buttonToggled.connect(lambda *_: self._update_store_rows())
        store_note = QLabel("A different store opens at the next start.")
        store_note.setStyleSheet("color: #555")

        folder = store.get_setting(FOLDER_SETTING) if store is not None else None
        minutes = store.get_setting(INTERVAL_SETTING) if store is not None else None
        self.folder_edit = QLineEdit(folder or "", objectName="prefFolder")
        self.folder_edit.setPlaceholderText("none: packages are carried by hand")
        browse_folder = QPushButton("Browse…")
        browse_folder.clicked.connect(self._browse_folder)
        self.minutes = QSpinBox(objectName="prefMinutes", minimum=1, maximum=24 * 60)
        self.minutes.setSuffix(" minutes")
        self.minutes.setValue(int(minutes) if (minutes or "").isdigit() else DEFAULT_MINUTES)

        self.paper = QComboBox(objectName="prefPaper")
        self.paper.addItem("Letter (8.5 × 11 in)", "letter")
        self.paper.addItem("A4 (210 × 297 mm)", "a4")
        self.paper.setCurrentIndex(max(0, self.paper.findData(default_paper())))

        self.zone = QComboBox(objectName="prefZone", editable=True)
        zone_now = display_zone_name(self.settings)
        for name in (LOCAL, *COMMON_ZONES):
            self.zone.addItem(_zone_label(name), name)
        if zone_now and self.zone.findData(zone_now) < 0:
            self.zone.addItem(zone_now, zone_now)
        self.zone.setCurrentIndex(max(0, self.zone.findData(zone_now)))

        self.keep_days = QSpinBox(objectName="prefKeepDays", minimum=1, maximum=365)
        self.keep_days.setSuffix(" days")
        self.keep_days.setValue(backups.keep_days(store))
        server_store = store is not None and store.is_server
        where = backups.backup_dir(store.path) if store is not None and not server_store else None

        general = QGroupBox("This computer")
        g = QFormLayout(general)
        g.addRow("Store in use:", self.in_use)
        g.addRow("Next start:", self.use_file)
        g.addRow("", self.file_row)
        g.addRow("", self.use_server)
        g.addRow("", self.server_box)
        g.addRow("", store_note)
        g.addRow("Paper size:", self.paper)
        g.addRow("Show times in:", self.zone)
        station = QGroupBox("This station")
        st = QFormLayout(station)
        st.addRow("Shared folder:", _row(self.folder_edit, browse_folder))
        st.addRow("Visit it every:", self.minutes)
        st.addRow("Keep backups for:", self.keep_days)
        if where is not None:
            where_label = QLabel(f"Backups are in {where}")
            where_label.setWordWrap(True)
            where_label.setStyleSheet("color: #555")
            st.addRow("", where_label)
        if server_store:
            self.keep_days.setEnabled(False)
            server_note = QLabel(SERVER_BACKUPS)
            server_note.setObjectName("prefServerBackups")
            server_note.setWordWrap(True)
            server_note.setStyleSheet("color: #555")
            st.addRow("", server_note)
        station.setEnabled(store is not None)
        self.error = QLabel(objectName="prefError")
        self.error.setStyleSheet("color: #b71c1c")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(general)
        layout.addWidget(station)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._update_store_rows()
        self.resize(600, 560)

    def _update_store_rows(self) -> None:
        self.file_row.setEnabled(self.use_file.isChecked())
        self.server_box.setEnabled(self.use_server.isChecked())

    def server_location(self) -> str:
        return with_password(self.server_edit.text(), self.server_password.text())

    def test_server(self) -> bool:
        """Test button: connect to the server given and say what was found."""
        return server_result.test_into(self.server_result, self.server_location())

    def _browse_store(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Store to open at the next start",
            self.store_edit.text(),
            "Stores (*.sqlite);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if chosen:
            self.store_edit.setText(chosen)

    def _browse_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Shared folder", self.folder_edit.text() or str(Path.home())
        )
        if chosen:
            self.folder_edit.setText(chosen)

    def zone_name(self) -> str:
        text = self.zone.currentText()
        index = self.zone.findText(text)
        return str(self.zone.itemData(index)) if index >= 0 else text.strip()

    def _accept(self) -> None:
        if self.use_server.isChecked() and not is_server_location(self.server_edit.text()):
            self.error.setText(
                f"The EOC server's connection string looks like {EXAMPLE} (ask the EOC's IT)"
            )
            self.error.show()
            self.server_edit.setFocus()
            return
        zone = self.zone_name()
        if zone:
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                self.error.setText(f"Unknown time zone {zone!r}; e.g. America/New_York or UTC")
                self.error.show()
                return
        folder = self.folder_edit.text().strip()
        if folder and not Path(folder).is_dir():
            self.error.setText(f"{folder}: no such folder")
            self.error.show()
            return
        self.accept()

    def save(self, folder_sync: Any = None) -> None:
        """Write the choices where their readers look; `folder_sync` (the window's
        FolderSync) restarts its timer with the new folder and interval."""
        path = self.store_edit.text().strip()
        if self.use_server.isChecked():
            remember_store(
                self.settings,
                self.server_location(),
                remember_password=self.remember_password.isChecked(),
            )
        elif path:
            remember_store(self.settings, Path(path))
        remember_paper(str(self.paper.currentData()))
        self.settings.setValue(ZONE_KEY, self.zone_name())
        self.settings.sync()
        apply_display_zone(self.settings)
        if self.store is None:
            return
        folder = self.folder_edit.text().strip()
        self.store.set_settings(
            {
                FOLDER_SETTING: folder or None,
                INTERVAL_SETTING: str(self.minutes.value()),
                backups.KEEP_DAYS_SETTING: str(self.keep_days.value()),
            }
        )
        if folder_sync is not None:
            folder_sync.configure()  # rereads both settings and restarts its timer


def open_preferences(window: Any) -> bool:
    """File → Preferences for the main window (uses `window.ctx.store` and, when the
    window has one, `window.folder_sync`). True when saved."""
    from hcc_desktop.gui.startup import session as ss

    ctx = getattr(window, "ctx", None)
    store = ctx.store if ctx is not None else None
    read_only = ss.current is not None and ss.current.read_only
    dialog = PreferencesDialog(
        None if read_only else store,
        parent=window,
        store_path=ss.current.path if ss.current is not None else None,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    dialog.save(getattr(window, "folder_sync", None))
    return True
