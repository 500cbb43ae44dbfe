"""Printing from the GUI: the briefing dialog, the form dialogs, and what happens to a
PDF once it is written (system viewer, then Qt's print dialog).

Functions for the main window's menu (File → Print briefing…, File → Print form):
`open_briefing_dialog`, `print_form_ics214`, `print_form_ics213rr`,
`print_form_hics251`; each takes (parent, ctx) and returns the dialog it opened, or
None when there is no incident to print.

They are looked up when first asked for (PEP 562), not imported with the package:
start-up reads the paper setting from `output`, and importing this package must not
pull in reportlab and the briefing's builders before the window has painted.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "BriefingDialog": "hcc_desktop.gui.reports.briefing_dialog",
    "open_briefing_dialog": "hcc_desktop.gui.reports.briefing_dialog",
    "print_form_hics251": "hcc_desktop.gui.reports.form_dialogs",
    "print_form_ics213rr": "hcc_desktop.gui.reports.form_dialogs",
    "print_form_ics214": "hcc_desktop.gui.reports.form_dialogs",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
