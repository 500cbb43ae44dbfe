"""The File, Interchange and Help actions that open whole features (sync packages,
printed documents, standards interchange, preferences, backups, the guide).

Each feature's module is imported when its action first fires, not at start: a shift
starts faster (reportlab, the interchange dialogs and the sync machinery stay unloaded
until needed), and a feature that cannot load (a Qt module missing from a bundle)
costs one dialog naming it instead of a window that will not open. So the features
are data: `FEATURES` lists each action's module and function, `load` imports one, and
a test imports every entry so that a renamed function fails the tests, not a shift.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from hcc_desktop.gui.actions import ActionId

log = logging.getLogger(__name__)


def _with_ctx(fn: Callable[..., Any], window: Any) -> object:
    return fn(window, window.ctx)


def _window_only(fn: Callable[..., Any], window: Any) -> object:
    return fn(window)


def _with_request(fn: Callable[..., Any], window: Any) -> object:
    """The ICS 213RR form starts on the request selected in the tracker."""
    return fn(window, window.ctx, window.selected_request())


def _with_assessment(fn: Callable[..., Any], window: Any) -> object:
    """The HVA printout starts on the assessment shown in the risk assessment dock."""
    panel = window.panels.get("hvaDock")
    return fn(window, window.ctx, (panel.assessment_id() or None) if panel is not None else None)


def _with_member(fn: Callable[..., Any], window: Any) -> object:
    """The HICS 251 form starts on the member selected anywhere."""
    return fn(window, window.ctx, window.ctx.selected_member or None)


@dataclass(frozen=True)
class Feature:
    action: ActionId
    title: str
    module: str
    function: str
    call: Callable[[Callable[..., Any], Any], object] = _with_ctx


SYNC = "hcc_desktop.gui.sync.operations"
FORMS = "hcc_desktop.gui.reports.form_dialogs"
INTEROP = "hcc_desktop.gui.interop"
PREP_DOCS = "hcc_desktop.gui.reports.prep_documents"
STARTUP = "hcc_desktop.gui.startup"
F = Feature
FEATURES: tuple[Feature, ...] = (
    F(ActionId.EXPORT_PACKAGE, "Export package", SYNC, "export_package"),
    F(ActionId.IMPORT_PACKAGE, "Import package", SYNC, "import_packages"),
    F(
        ActionId.PRINT_BRIEFING,
        "Print briefing",
        "hcc_desktop.gui.reports.briefing_dialog",
        "open_briefing_dialog",
    ),
    F(ActionId.PRINT_ICS214, "ICS 214", FORMS, "print_form_ics214"),
    F(ActionId.PRINT_ICS213RR, "ICS 213RR", FORMS, "print_form_ics213rr", _with_request),
    F(ActionId.PRINT_HICS251, "HICS 251", FORMS, "print_form_hics251", _with_member),
    F(ActionId.PRINT_HVA, "Print risk assessment", PREP_DOCS, "print_hva", _with_assessment),
    F(ActionId.PRINT_PLANS, "Print plans register", PREP_DOCS, "print_plans"),
    F(ActionId.PRINT_MEMBERSHIP, "Print membership report", PREP_DOCS, "print_membership"),
    F(
        ActionId.PREFERENCES,
        "Preferences",
        "hcc_desktop.gui.dialogs.preferences",
        "open_preferences",
        _window_only,
    ),
    F(ActionId.BACKUP_NOW, "Back up now", STARTUP, "backup_now"),
    F(ActionId.RESTORE_BACKUP, "Restore from backup", STARTUP, "restore_backup"),
    F(ActionId.IMPORT_ALERT, "Import alert", INTEROP, "import_alert"),
    F(ActionId.EXPORT_CAP, "Issue CAP advisory", INTEROP, "export_cap"),
    F(ActionId.IMPORT_HAVE, "Import EDXL-HAVE", INTEROP, "import_have"),
    F(ActionId.EXPORT_HAVE, "Export EDXL-HAVE", INTEROP, "export_have"),
    F(ActionId.IMPORT_RM, "Import EDXL-RM", INTEROP, "import_rm"),
    F(ActionId.EXPORT_RM, "Export EDXL-RM", INTEROP, "export_rm"),
    F(ActionId.IMPORT_MEMBERS, "Import members", INTEROP, "import_members"),
    F(ActionId.IMPORT_EEI, "Import EEI reports", INTEROP, "import_eei"),
    F(ActionId.EXPORT_TABLE, "Export table", INTEROP, "export_table"),
    F(
        ActionId.USER_GUIDE,
        "User guide",
        "hcc_desktop.gui.dialogs.help_dialog",
        "open_user_guide",
        _window_only,
    ),
)


def load(feature: Feature) -> Callable[..., Any]:
    """The feature's function, its module imported on first use (the one place that
    imports by name, over the FEATURES list only)."""
    fn: Callable[..., Any] = getattr(importlib.import_module(feature.module), feature.function)
    return fn


def guarded(parent: QWidget, title: str, fn: Callable[[], object]) -> Callable[[], None]:
    """Run `fn`; an unexpected failure becomes a dialog (and a line in the error log)
    rather than a lost action: an operator mid-shift must be told, not ignored."""

    def run() -> None:
        try:
            fn()
        except Exception as exc:  # any failure of a feature is reported, never lost
            log.exception("%s failed", title)
            QMessageBox.critical(parent, title, f"{title} failed: {exc}")

    return run


def bind_features(window: Any) -> None:
    """Bind every FEATURES entry to its action. `window` is the main window (its
    `actions_`, `ctx` and `selected_request`), not imported here: no cycle."""
    for feature in FEATURES:

        def run(f: Feature = feature) -> object:
            return f.call(load(f), window)

        window.actions_.bind(feature.action, guarded(window, feature.title, run))
