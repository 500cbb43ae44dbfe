"""The dialogs of a start that did not go to plan: a store that cannot be used as it
is, the list of backups to restore, and an unexpected error with its log file.

Each says what happened in the operator's words and offers only the ways out that work
for that case; none shows a traceback (that goes to the log file, whose path is shown).
"""

from __future__ import annotations

import html
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop import __version__
from hcc_desktop.core.pgurl import redact
from hcc_desktop.gui.startup.probe import Kind, Problem


class Action(StrEnum):
    READ_ONLY = "read-only"
    RETRY = "retry"
    RESTORE = "restore"
    CHOOSE = "choose"
    QUIT = "quit"


LABELS = {
    Action.READ_ONLY: "Open read-only",
    Action.RETRY: "Try again",
    Action.RESTORE: "Restore from a backup…",
    Action.CHOOSE: "Choose another store…",
    Action.QUIT: "Quit",
}

#: Per case: title, what happened, what to do, and the actions offered (first = default).
TEXTS: dict[Kind, tuple[str, str, str, tuple[Action, ...]]] = {
    Kind.LOCKED: (
        "The store is already open",
        "Another copy of hcc-desktop is using this store{detail}. Two copies writing to "
        "one store would record changes under the wrong operator, so only one may.",
        "Switch to the other window (look on the task bar) and work there. If that copy "
        "is frozen, close it, then choose Try again. To look something up meanwhile, open "
        "a read-only copy: changes made in it are not saved.",
        (Action.RETRY, Action.READ_ONLY, Action.CHOOSE, Action.QUIT),
    ),
    Kind.READ_ONLY: (
        "The store cannot be written",
        "This store cannot be changed from this account: {detail}.",
        "Ask whoever manages this computer for write access to the store's folder, or copy "
        "the store (and its .key file) to a folder you can write to and choose it. To look "
        "something up, open a read-only copy: changes made in it are not saved.",
        (Action.READ_ONLY, Action.CHOOSE, Action.QUIT),
    ),
    Kind.CORRUPT: (
        "The store is damaged",
        "The store file fails SQLite's integrity check ({detail}). This happens after a "
        "disk fault or when a copy was made while the program was writing.",
        "Restore the most recent backup: copies are made every day and before every "
        "import. Changes made since can be brought back by importing the latest packages "
        "from the other stations again. The damaged file is kept in the backup folder.",
        (Action.RESTORE, Action.CHOOSE, Action.QUIT),
    ),
    Kind.NEWER: (
        "The store needs a newer hcc-desktop",
        "This store was last opened by a newer version of hcc-desktop ({detail}); this "
        f"is version {__version__}, which cannot read it safely.",
        "Install the newer version on this computer (ask whoever installed it). Or restore "
        "the backup made just before the upgrade: work done since then is then only in "
        "the packages sent to other stations.",
        (Action.CHOOSE, Action.RESTORE, Action.QUIT),
    ),
    Kind.NOT_STORE: (
        "Not an hcc-desktop store",
        "This file is not an hcc-desktop store ({detail}).",
        "Choose the store file (it ends in .sqlite and has a .key file beside it), or a "
        "new file name to start a new store.",
        (Action.CHOOSE, Action.QUIT),
    ),
    Kind.KEY_MISSING: (
        "The station key is missing",
        "The store is fine but its station key is not beside it ({detail}). Without it "
        "this station cannot sign the packages it sends.",
        "Put the .key file back from wherever the store was copied from, or restore a "
        "backup (each backup includes the key).",
        (Action.RESTORE, Action.RETRY, Action.CHOOSE, Action.QUIT),
    ),
    Kind.SERVER: (
        "The EOC server cannot be used",
        "{detail}",
        "Check this computer's network connection, or ask the EOC's IT whether the server "
        "is running, then choose Try again. Or choose another store (a file on this "
        "computer) to open instead.",
        (Action.RETRY, Action.CHOOSE, Action.QUIT),
    ),
    Kind.OTHER: (
        "The store cannot be opened",
        "{detail}",
        "Restore a backup or choose another store. If this keeps happening, send the log "
        "file (Help → About shows where it is) to whoever supports the station.",
        (Action.RESTORE, Action.CHOOSE, Action.QUIT),
    ),
}


class BadStoreDialog(QDialog):
    """What happened, what to do, and one button per way out. `choice` is the action
    chosen (QUIT when the window is closed)."""

    def __init__(self, problem: Problem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = problem
        title, what, todo, actions = TEXTS[problem.kind]
        detail = problem.detail
        if problem.kind is Kind.LOCKED and detail:
            detail = f" ({detail})"
        self.setWindowTitle(f"hcc-desktop: {title}")
        self.setObjectName("badStoreDialog")
        self.choice = Action.QUIT
        self.actions_offered = actions
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(48, 48)
        )
        self.message = QLabel(
            f"<p><b>{html.escape(title)}</b></p>"
            f"<p>{html.escape(what.format(detail=detail))}</p>"
            f"<p><b>What to do:</b> {html.escape(todo)}</p>"
            f"<p style='color:#555'>Store: {html.escape(_where(problem.path))}</p>",
            objectName="badStoreMessage",
        )
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box = QDialogButtonBox()
        self.buttons: dict[Action, QPushButton] = {}
        for action in actions:
            button = QPushButton(LABELS[action], objectName=f"action-{action.value}")
            role = (
                QDialogButtonBox.ButtonRole.RejectRole
                if action is Action.QUIT
                else QDialogButtonBox.ButtonRole.ActionRole
            )
            box.addButton(button, role)
            button.clicked.connect(lambda _=False, a=action: self._choose(a))
            self.buttons[action] = button
        self.buttons[actions[0]].setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(icon)
        layout.addWidget(self.message)
        layout.addWidget(box)
        self.resize(560, 300)

    @property
    def text(self) -> str:
        return self.message.text()

    def _choose(self, action: Action) -> None:
        self.choice = action
        self.accept() if action is not Action.QUIT else self.reject()


def _where(location: Path | str) -> str:
    """The store for the operator: a server's connection string without its password."""
    return redact(location) if isinstance(location, str) else str(location)


def ask_bad_store(problem: Problem, parent: QWidget | None = None) -> Action:
    """Show the dialog for `problem`; the action chosen."""
    dialog = BadStoreDialog(problem, parent)
    dialog.exec()
    return dialog.choice


class RestoreDialog(QDialog):
    """The store's backups, newest first; `selected()` is the one to restore."""

    def __init__(
        self, store_path: Path, parent: QWidget | None = None, *, running: bool = False
    ) -> None:
        from hcc_desktop.core import backups  # the store's libraries: only when asked

        super().__init__(parent)
        self.setWindowTitle("Restore from a backup")
        self.setObjectName("restoreDialog")
        self.store_path = Path(store_path)
        self.items = backups.list_backups(self.store_path)
        folder = backups.backup_dir(self.store_path)
        after = (
            "The window closes, the store is replaced and opened again."
            if running
            else "The store is replaced and opened."
        )
        intro = QLabel(
            "Choose the copy to go back to. Changes made after it are not in it: import the "
            "latest packages from other stations again afterwards. The store as it is now "
            "is kept in the backup folder first, so this can be undone. A restore point "
            "puts this store back as the import after it found it; a damaged store needs a "
            f"full copy. {after}"
        )
        intro.setWordWrap(True)
        self.list = QListWidget(objectName="backupList")
        for b in self.items:
            item = QListWidgetItem(b.describe())
            item.setData(Qt.ItemDataRole.UserRole, str(b.path))
            item.setToolTip(str(b.path))
            self.list.addItem(item)
        if self.items:
            self.list.setCurrentRow(0)
        else:
            self.list.addItem(f"No backups in {folder}")
            self.list.setEnabled(False)
        where = QLabel(f"Backup folder: {folder}")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Restore")
        self.ok.setEnabled(bool(self.items))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(where)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def selected(self) -> Path | None:
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return Path(value) if value else None


def choose_backup(store_path: Path, parent: QWidget | None = None, **kw: bool) -> Path | None:
    """Ask which backup to restore; None when cancelled or there is none."""
    dialog = RestoreDialog(store_path, parent, **kw)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.selected()


def show_error(summary: str, log_file: Path, parent: QWidget | None = None) -> None:
    """An unexpected error: one line about it and the log file to send to support."""
    if "readonly database" in summary or "query_only" in summary or "read-only" in summary:
        QMessageBox.information(
            parent,
            "Read-only copy",
            "This window shows a read-only copy of the store: changes cannot be saved "
            "in it. Close it and open the store itself to make changes.",
        )
        return
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("hcc-desktop: unexpected error")
    box.setText(
        "Something went wrong that the program did not expect. What you were doing may "
        "not have been saved; everything saved before is safe.\n\n" + summary
    )
    box.setInformativeText(
        f"The details are in this file; send it to whoever supports the station:\n{log_file}"
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    folder = box.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is folder:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file.parent)))
