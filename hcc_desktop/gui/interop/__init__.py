"""The Interchange menu's dialogs: CAP alerts in and out, EDXL-HAVE in and out,
EDXL-RM resource messages in and out, members and EEI reports from spreadsheets,
tables to CSV/XLSX, and files dropped on the window.

Every entry point has the signature `fn(parent, ctx) -> None` so the menu binds them
all the same way (feature_bindings imports this package on first use). Each calls the
same interop services the command line calls; the GUI adds file choosers, previews
before anything is written, and dialogs for refusals.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop.alert_import import import_alert, open_alert_file
from hcc_desktop.gui.interop.cap_export_dialog import export_cap_dialog
from hcc_desktop.gui.interop.have_export_dialog import export_have
from hcc_desktop.gui.interop.have_import_dialog import import_have, open_have_file
from hcc_desktop.gui.interop.rm_dialog import export_rm_dialog, import_rm, open_rm_file
from hcc_desktop.gui.interop.table_export_dialog import export_table_dialog
from hcc_desktop.gui.interop.table_import_dialog import import_eei, import_members

__all__ = [
    "export_cap",
    "export_have",
    "export_rm",
    "export_table",
    "handle_drop",
    "import_alert",
    "import_eei",
    "import_have",
    "import_members",
    "import_rm",
]

#: Suffixes of files a drop routes here. ".xml" may be CAP, EDXL-HAVE or EDXL-RM: the
#: first kilobytes decide (see `_sniff`).
ALERT_SUFFIXES = frozenset({".xml", ".cap", ".atom", ".rss"})
SNIFF_BYTES = 4096


def export_cap(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Issue CAP advisory."""
    export_cap_dialog(parent, ctx)


def export_table(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Export table (the table of the panel in use is offered first)."""
    export_table_dialog(parent, ctx)


def export_rm(parent: QWidget, ctx: AppContext) -> None:
    """Interchange → Export EDXL-RM."""
    export_rm_dialog(parent, ctx)


def _sniff(path: Path) -> str:
    """ "rm" for an EDXL-RM message, "have" for EDXL-HAVE (bare or in an EDXL-DE
    envelope), else "cap": the namespace or root within the first few kilobytes says
    which. The full, hardened parse happens later; this only picks the dialog."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return "cap"
    if b"EDXL:RM:1.0" in head:
        return "rm"
    if b"HospitalStatus" in head or b"EDXLDistribution" in head:
        return "have"
    return "cap"


def handle_drop(parent: QWidget, ctx: AppContext, paths: list[Path]) -> bool:
    """Open the import dialog of each dropped alert or hospital-status file; False
    when none of `paths` is a kind this package reads (the caller then says so)."""
    handled = False
    for path in paths:
        path = Path(path)
        if path.suffix.lower() not in ALERT_SUFFIXES or not path.is_file():
            continue
        kind = _sniff(path) if path.suffix.lower() == ".xml" else "cap"
        if kind == "rm":
            open_rm_file(parent, ctx, path)
        elif kind == "have":
            open_have_file(parent, ctx, path)
        else:
            open_alert_file(parent, ctx, path)
        handled = True
    return handled
