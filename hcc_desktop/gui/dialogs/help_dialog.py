"""The Help menu: Keyboard shortcuts (every action and its keys, read from the registry,
so the list can never disagree with what the keys do), the User guide (the bundled
docs/USER_GUIDE.md) and About (version, store, station, fingerprint, licences)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.gui.actions import MENUS, ActionRegistry
from hcc_desktop.paths import user_guide


class ShortcutsDialog(QDialog):
    def __init__(self, registry: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcutsDialog")
        rows = []
        for menu, items in MENUS.items():
            for item in items:
                if item is not None:
                    action = registry[item]
                    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                    rows.append((menu.value.replace("&", ""), action.text().replace("&", ""), keys))
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                table.setItem(i, j, QTableWidgetItem(value))
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(560, 620)


# ------------------------------------------------------------------ user guide


class GuideDialog(QDialog):
    """docs/USER_GUIDE.md rendered in the program (Qt reads Markdown and the images
    beside it), so the guide opens the same on every PC, with no viewer to install and
    no network; "Open as a file" hands it to the system's own program for printing."""

    def __init__(self, guide: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("hcc-desktop user guide")
        self.setObjectName("userGuideDialog")
        self.guide = guide
        self.browser = QTextBrowser(objectName="userGuideText")
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(guide.parent)])
        self.browser.setSource(
            QUrl.fromLocalFile(str(guide)), QTextDocument.ResourceType.MarkdownResource
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        external = buttons.addButton("Open as a file", QDialogButtonBox.ButtonRole.ActionRole)
        external.clicked.connect(lambda: open_url(QUrl.fromLocalFile(str(guide))))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(900, 760)


#: Tests replace this so that no external program starts.
open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl


def open_user_guide(parent: QWidget | None = None) -> GuideDialog | None:
    """Help → User guide: the bundled guide in a window of its own (not modal, so an
    operator can follow it while working). None, after a message, when the guide is
    missing from this installation."""
    guide = user_guide()
    if not guide.is_file():
        QMessageBox.warning(
            parent, "User guide", f"The user guide is not installed here ({guide})."
        )
        return None
    dialog = GuideDialog(guide, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


# ------------------------------------------------------------------ about

#: The data and software shipped in the program, with their licences (details in
#: resources/README.md); shown in Help → About because a coalition must be able to say
#: what it redistributes.
LICENCES = (
    ("EEI catalog, demo scenario, program", "hcc-desktop's own (MIT)"),
    ("HIFLD hospitals (Connecticut, Massachusetts)", "public domain (US government data)"),
    ("Connecticut towns and planning regions", "MIT (CT Data Collaborative)"),
    ("ZIP code coordinates (zipcodes package)", "MIT; GeoNames data CC BY 4.0"),
    ("State and county outlines (us-atlas 3.0.1)", "ISC; Census boundaries public domain"),
    ("DejaVu Sans fonts 2.37", "Bitstream Vera licence; DejaVu changes public domain"),
    ("Qt 6 and PySide6", "LGPL v3"),
    ("SQLAlchemy, Alembic, pyqtgraph, openpyxl", "MIT"),
    ("ReportLab, NumPy, defusedxml", "BSD / PSF"),
    ("cryptography", "Apache 2.0 or BSD"),
)


def about_html(ctx: Any) -> str:
    """The About text: what a support call needs first (version, store, station,
    fingerprint, log file) and the licences."""
    import platform

    from PySide6 import __version__ as pyside_version

    from hcc_desktop import __version__
    from hcc_desktop.core import backups
    from hcc_desktop.gui.startup import session as ss
    from hcc_desktop.logs import log_path

    store = ctx.store
    shown = ss.current.path if ss.current is not None else Path(store.path)
    read_only = " (read-only copy)" if ss.current is not None and ss.current.read_only else ""
    if store.is_server:
        where, copies = f"EOC server {store.label}", "kept by the EOC's IT on the server (pg_dump)"
    else:
        where, copies = f"{shown}{read_only}", str(backups.backup_dir(Path(shown)))
    rows = [
        ("Version", f"{__version__} (Python {platform.python_version()}, Qt {pyside_version})"),
        ("Store", where),
        ("Station", store.station_name),
        ("Site id", store.site_id),
        ("Fingerprint", store.identity.fingerprint),
        ("Backups", copies),
        ("Error log", str(log_path())),
    ]
    table = "".join(
        f"<tr><td><b>{html.escape(k)}</b>&nbsp;</td><td>{html.escape(v)}</td></tr>" for k, v in rows
    )
    licences = "".join(
        f"<tr><td>{html.escape(what)}&nbsp;</td><td>{html.escape(lic)}</td></tr>"
        for what, lic in LICENCES
    )
    return (
        "<p><b>hcc-desktop</b>: an offline-first console for health care coalition "
        "emergency operations centres.</p>"
        f"<table>{table}</table>"
        "<p><b>Bundled data and software</b> (sources in resources/README.md):</p>"
        f"<table>{licences}</table>"
    )


def show_about(parent: QWidget | None, ctx: Any) -> None:
    """Help → About."""
    box = QMessageBox(parent)
    box.setObjectName("aboutDialog")
    box.setWindowTitle("About hcc-desktop")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html(ctx))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.exec()
