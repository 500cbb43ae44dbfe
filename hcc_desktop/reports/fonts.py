"""The fonts every PDF uses: DejaVu Sans, bundled in resources/fonts/.

reportlab's built-in Helvetica knows only Latin-1 and is not embedded, so a member
named "Hôpital Saint-Jérôme" or an operator called "Łukasz Wójcik" would print as
boxes on a printer without that font. The TrueType files are embedded (subset) in
every PDF, so the text stays real text: searchable, copyable, and the same on every
printer.
"""

from __future__ import annotations

import unicodedata
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


#: The cuts that print stored text (the oblique one lacks Arabic, Hebrew and more, and
#: italic is only used for the program's own notes).
UPRIGHT = (SANS, SANS_BOLD, COND, COND_BOLD)
#: Characters that draw nothing (variation selectors, joiners, marks of direction):
#: left out when the fonts lack them, since there is nothing to show.
_INVISIBLE = frozenset({"Cf"})
_KEEP = frozenset("\n\r\t")


class _Glyphs(dict[int, str | None]):
    """Code point → what to print, filled on first sight (str.translate asks for every
    character; the answer per code point never changes)."""

    def __init__(self, covered: frozenset[int]) -> None:
        super().__init__()
        self.covered = covered

    def __missing__(self, cp: int) -> str | None:
        ch = chr(cp)
        if cp in self.covered or ch in _KEEP:
            out: str | None = ch
        elif unicodedata.category(ch) in _INVISIBLE or 0xFE00 <= cp <= 0xFE0F:
            out = None
        else:
            out = f"[U+{cp:04X}]"
        self[cp] = out
        return out


@cache
def _glyphs() -> _Glyphs:
    register_fonts()
    faces = [set(pdfmetrics.getFont(n).face.charToGlyph) for n in UPRIGHT]
    return _Glyphs(frozenset(set.intersection(*faces)))


def printable(text: str) -> str:
    """`text` with every character the bundled fonts cannot draw (emoji, most CJK,
    symbols DejaVu lacks) spelled as its code point, "🚑" as "[U+1F691]": a printed
    empty box or a silently missing character could change what an entry says, a
    code point at least shows that something was there and what."""
    if text.isascii() and text.isprintable():
        return text
    return text.translate(_glyphs())
