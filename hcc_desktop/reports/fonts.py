"""The fonts every PDF uses: DejaVu Sans, bundled in resources/fonts/.

reportlab's built-in Helvetica knows only Latin-1 and is not embedded, so a member
named "Hôpital Saint-Jérôme" or an operator called "Łukasz Wójcik" would print as
boxes on a printer without that font. The TrueType files are embedded (subset) in
every PDF, so the text stays real text: searchable, copyable, and the same on every
printer.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from hcc_desktop.core.errors import HccError
from hcc_desktop.paths import resource

#: Body text and headings.
SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
SANS_ITALIC = "DejaVuSans-Oblique"
#: Tables: the condensed cut fits a facility name and six figures on a letter page.
COND = "DejaVuSansCondensed"
COND_BOLD = "DejaVuSansCondensed-Bold"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    COND: "DejaVuSansCondensed.ttf",
    COND_BOLD: "DejaVuSansCondensed-Bold.ttf",
}


class FontError(HccError):
    """A bundled font file is missing or unreadable (names the file)."""


@cache
def register_fonts() -> None:
    """Register the bundled fonts with reportlab once per process, and map bold and
    italic so that <b> and <i> in a Paragraph pick the right file."""
    for name, filename in _FILES.items():
        path = resource("fonts", filename)
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except Exception as exc:  # reportlab raises TTFError or OSError
            raise FontError(f"{path}: cannot load the font for PDF output ({exc})") from None
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS_ITALIC)
    addMapping(SANS, 1, 1, SANS_BOLD)
    addMapping(COND, 0, 0, COND)
    addMapping(COND, 1, 0, COND_BOLD)
    addMapping(COND, 0, 1, COND)
    addMapping(COND, 1, 1, COND_BOLD)
