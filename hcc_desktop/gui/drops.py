"""Files dropped on the main window: sync packages go to the package import, alert and
hospital-status files to the interchange dialogs. One place decides, so a file dropped
anywhere on the window lands where the matching menu item would have taken it.

The sync and interchange modules are imported on the first drop, as their menu items
import them on first use (gui.feature_bindings): not before the first paint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

PACKAGE_SUFFIXES = frozenset({".hccsync"})


def route_drop(window: Any, paths: list[Path]) -> bool:
    """Hand `paths` to the feature that reads them; False (with a dialog) when none
    does, so the operator knows the drop was not silently ignored. `window` is the
    main window (a QWidget with `ctx`)."""
    packages = [p for p in paths if p.suffix.lower() in PACKAGE_SUFFIXES]
    others = [p for p in paths if p not in packages]
    handled = False
    if packages:
        from hcc_desktop.gui.sync.operations import import_packages

        import_packages(window, window.ctx, paths=packages)
        handled = True
    if others:
        from hcc_desktop.gui.interop import handle_drop

        if handle_drop(window, window.ctx, others):
            handled = True
        else:
            names = ", ".join(p.name for p in others)
            QMessageBox.information(
                window,
                "Not a file hcc-desktop reads",
                f"{names}: drop a sync package (.hccsync), a CAP alert or feed (.xml, "
                ".cap, .atom, .rss), an EDXL-HAVE file or an EDXL-RM resource message; "
                "members and EEI spreadsheets "
                "go through the Interchange menu so their columns can be mapped.",
            )
    return handled
