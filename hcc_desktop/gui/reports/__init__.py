"""Printing from the GUI: the briefing dialog, the form dialogs, and what happens to a
PDF once it is written (system viewer, then Qt's print dialog).

Functions for the main window's menu (File → Print briefing…, File → Print form):
`open_briefing_dialog`, `print_form_ics214`, `print_form_ics213rr`,
`print_form_hics251`; each takes (parent, ctx) and returns the dialog it opened, or
None when there is no incident to print.
"""

from __future__ import annotations

from hcc_desktop.gui.reports.briefing_dialog import BriefingDialog, open_briefing_dialog
from hcc_desktop.gui.reports.form_dialogs import (
    print_form_hics251,
    print_form_ics213rr,
    print_form_ics214,
)

__all__ = [
    "BriefingDialog",
    "open_briefing_dialog",
    "print_form_hics251",
    "print_form_ics213rr",
    "print_form_ics214",
]
