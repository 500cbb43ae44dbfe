"""The File, Interchange and Help actions that open whole features (sync packages,
printed documents, standards interchange, preferences, backups, the guide).

Each feature module is imported when its action first fires, not at start: a shift
starts faster, and a feature that cannot load (a Qt module missing from a bundle) costs
one dialog naming it instead of a window that will not open.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from hcc_desktop.gui.actions import ActionId

if TYPE_CHECKING:
    from hcc_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)


def feature(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported on first use."""
    return getattr(importlib.import_module(module), name)


def _guarded(window: MainWindow, title: str, fn: Callable[[], object]) -> Callable[[], None]:
    """Run `fn`; an unexpected failure becomes a dialog (and a line in the error log)
    rather than a lost action: an operator mid-shift must be told, not ignored."""

    def run() -> None:
        try:
            fn()
        except Exception as exc:  # any failure of a feature is reported, never lost
            log.exception("%s failed", title)
            QMessageBox.critical(window, title, f"{title} failed: {exc}")

    return run


def bind_features(window: MainWindow) -> None:
    a, Id, ctx = window.actions_, ActionId, window.ctx
    sync_ops = "hcc_desktop.gui.sync.operations"
    forms = "hcc_desktop.gui.reports.form_dialogs"
    interop = "hcc_desktop.gui.interop"

    def bind(action_id: ActionId, title: str, fn: Callable[[], object]) -> None:
        a.bind(action_id, _guarded(window, title, fn))

    bind(
        Id.EXPORT_PACKAGE,
        "Export package",
        lambda: feature(sync_ops, "export_package")(window, ctx),
    )
    bind(
        Id.IMPORT_PACKAGE,
        "Import package",
        lambda: feature(sync_ops, "import_packages")(window, ctx),
    )
    bind(Id.STATIONS, "Stations", lambda: window.open_stations())
    bind(Id.SYNC_FOLDER_NOW, "Shared folder", window.sync_folder_now)
    bind(
        Id.PRINT_BRIEFING,
        "Print briefing",
        lambda: feature("hcc_desktop.gui.reports.briefing_dialog", "open_briefing_dialog")(
            window, ctx
        ),
    )
    bind(Id.PRINT_ICS214, "ICS 214", lambda: feature(forms, "print_form_ics214")(window, ctx))
    bind(
        Id.PRINT_ICS213RR,
        "ICS 213RR",
        lambda: feature(forms, "print_form_ics213rr")(window, ctx, window.selected_request()),
    )
    bind(
        Id.PRINT_HICS251,
        "HICS 251",
        lambda: feature(forms, "print_form_hics251")(window, ctx, ctx.selected_member or None),
    )
    bind(
        Id.PREFERENCES,
        "Preferences",
        lambda: feature("hcc_desktop.gui.dialogs.preferences", "open_preferences")(window),
    )
    bind(
        Id.BACKUP_NOW,
        "Back up now",
        lambda: feature("hcc_desktop.gui.startup", "backup_now")(window, ctx),
    )
    bind(
        Id.RESTORE_BACKUP,
        "Restore from backup",
        lambda: feature("hcc_desktop.gui.startup", "restore_backup")(window, ctx),
    )
    for action_id, name, title in (
        (Id.IMPORT_ALERT, "import_alert", "Import alert"),
        (Id.EXPORT_CAP, "export_cap", "Issue CAP advisory"),
        (Id.IMPORT_HAVE, "import_have", "Import EDXL-HAVE"),
        (Id.EXPORT_HAVE, "export_have", "Export EDXL-HAVE"),
        (Id.IMPORT_MEMBERS, "import_members", "Import members"),
        (Id.IMPORT_EEI, "import_eei", "Import EEI reports"),
        (Id.EXPORT_TABLE, "export_table", "Export table"),
    ):
        bind(action_id, title, lambda n=name: feature(interop, n)(window, ctx))
    bind(
        Id.USER_GUIDE,
        "User guide",
        lambda: feature("hcc_desktop.gui.dialogs.help_dialog", "open_user_guide")(window),
    )
