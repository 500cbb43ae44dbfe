"""Paper for an EOC during an outage: the situation briefing and the ICS/HICS forms as
PDF, made with reportlab and no Qt, so the CLI, the GUI (off its thread) and the tests
all call the same functions.

- `build_briefing` (briefing.py): the situation briefing for an operational period.
- `build_ics214`, `build_ics213rr`, `build_hics251` (forms/): the forms, filled.
"""

from __future__ import annotations

from hcc_desktop.reports.briefing import BriefingResult, build_briefing
from hcc_desktop.reports.briefing_model import SECTIONS
from hcc_desktop.reports.forms.hics251 import build_hics251
from hcc_desktop.reports.forms.ics213rr import build_ics213rr
from hcc_desktop.reports.forms.ics214 import FormResult, build_ics214
from hcc_desktop.reports.pages import Cancelled

__all__ = [
    "SECTIONS",
    "BriefingResult",
    "Cancelled",
    "FormResult",
    "build_briefing",
    "build_hics251",
    "build_ics213rr",
    "build_ics214",
]
