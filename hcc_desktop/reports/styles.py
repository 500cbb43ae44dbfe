"""Type, colour and table styles shared by the briefing and the forms.

One place, so the ICS forms and the briefing read as documents of one office, and so a
photocopy of a photocopy stays legible: nothing lighter than 40 % grey carries text,
status colours are never the only carrier of a status (the word is printed too).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, TableStyle
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags

from hcc_desktop.reports.fonts import COND, COND_BOLD, SANS, SANS_BOLD, SANS_ITALIC, printable

INK = colors.HexColor("#1b1f23")
MUTED = colors.HexColor("#555b61")
RULE = colors.HexColor("#8a939b")
HEAD_BG = colors.HexColor("#e3e8ed")
ZEBRA = colors.HexColor("#f4f6f8")
ACCENT = colors.HexColor("#1f4e79")
ALERT = colors.HexColor("#b71c1c")
ALERT_BG = colors.HexColor("#fdecea")
NOTE_BG = colors.HexColor("#eef3f8")

#: Facility status colours. The same values as the member map
#: (hcc_desktop.gui.map.style.STATUS_COLOURS; a test keeps the two equal), copied
#: because nothing under reports/ may import the GUI.
STATUS_COLOURS: dict[str, str] = {
    "open": "#2e9d48",
    "limited": "#f2b705",
    "diversion": "#ef6c00",
    "closed": "#d32f2f",
    "evacuating": "#8e3fb5",
    "not_reported": "#9e9e9e",
    "non_reporting": "#3f7cc4",
}
NON_REPORTING_LABEL = "Does not report EEIs"
#: Left plus right padding of a table cell (see grid()).
PADDING = 6


def _style(name: str, **kw: object) -> ParagraphStyle:
    # The bullet font too: reportlab's default for numbered items is Helvetica, which
    # is not embedded.
    base: dict[str, object] = {
        "fontName": SANS,
        "bulletFontName": SANS,
        "fontSize": 9,
        "leading": 11.5,
        "textColor": INK,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)  # type: ignore[arg-type]


BODY = _style("body", spaceAfter=4)
SMALL = _style("small", fontSize=7.5, leading=9.5)
MUTED_SMALL = _style("muted", fontSize=7.5, leading=9.5, textColor=MUTED)
NOTE = _style("note", fontName=SANS_ITALIC, fontSize=8, leading=10, textColor=MUTED, spaceAfter=4)
TITLE = _style("title", fontName=SANS_BOLD, fontSize=18, leading=22, textColor=ACCENT)
SUBTITLE = _style("subtitle", fontName=SANS_BOLD, fontSize=12.5, leading=16)
H2 = _style(
    "h2",
    fontName=SANS_BOLD,
    fontSize=12,
    leading=15,
    textColor=ACCENT,
    spaceBefore=10,
    spaceAfter=3,
    keepWithNext=1,
)
H3 = _style(
    "h3", fontName=SANS_BOLD, fontSize=9.5, leading=12, spaceBefore=6, spaceAfter=2, keepWithNext=1
)
CELL = _style("cell", fontName=COND, fontSize=8, leading=9.6)
CELL_BOLD = _style("cell_bold", fontName=COND_BOLD, fontSize=8, leading=9.6)
CELL_RIGHT = _style("cell_right", fontName=COND, fontSize=8, leading=9.6, alignment=TA_RIGHT)
CELL_HEAD = _style("cell_head", fontName=COND_BOLD, fontSize=8, leading=9.6)
CELL_HEAD_RIGHT = _style(
    "cell_head_r", fontName=COND_BOLD, fontSize=8, leading=9.6, alignment=TA_RIGHT
)
FIGURE = _style("figure", fontName=SANS_BOLD, fontSize=15, leading=18, alignment=TA_CENTER)
FIGURE_LABEL = _style(
    "figure_label", fontName=COND, fontSize=7.5, leading=9, alignment=TA_CENTER, textColor=MUTED
)
MARKING = _style(
    "marking", fontName=SANS_BOLD, fontSize=8.5, leading=10.5, textColor=ALERT, alignment=TA_CENTER
)


def esc(text: object) -> str:
    """Stored text made safe for a Paragraph (which parses a small XML markup), line
    breaks kept, and characters the fonts lack spelled out (see `printable`)."""
    return escape(printable(str(text if text is not None else ""))).replace("\n", "<br/>")


def para(text: object, style: ParagraphStyle = CELL, *, markup: bool = False) -> Paragraph:
    """A Paragraph from stored text (escaped) or from our own markup (markup=True)."""
    return paragraph(str(text) if markup else esc(text), style)


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """`Paragraph(text, style)`, made without reportlab's markup parser when the text
    has no markup: a briefing's tables hold a thousand cells of plain text, and the
    parser (an HTMLParser per paragraph) was half of the time spent building them.

    Text without a tag or an entity parses to one fragment: the style's fragment (the
    same for every text in that style) carrying the text as reportlab's cleaner
    leaves it. That fragment is taken once per style from a parse of a sample text,
    and each paragraph gets a copy with its own text, so the paragraph is the one
    the parser would have made."""
    if "<" in text or "&" in text:
        return Paragraph(text, style)
    cleaned = cleanBlockQuotedText(text)
    frag = _plain_fragment(style)
    if not cleaned or frag is None:
        return Paragraph(text, style)
    own = copy.copy(frag)
    own.text = cleaned
    frags = [own]
    textTransformFrags(frags, style)
    return Paragraph(cleaned, style, frags=frags)


#: id(style) -> (style, the fragment its plain text parses to, or None when the parse
#: of a sample is not one fragment carrying the sample). The style is kept so that
#: its id is not reused while it is a key.
_FRAGMENTS: dict[int, tuple[ParagraphStyle, Any]] = {}
_SAMPLE = "x"


def _plain_fragment(style: ParagraphStyle) -> Any:
    hit = _FRAGMENTS.get(id(style))
    if hit is None or hit[0] is not style:
        frags = Paragraph(_SAMPLE, style).frags
        plain = len(frags) == 1 and getattr(frags[0], "text", None) == _SAMPLE
        hit = _FRAGMENTS[id(style)] = (style, frags[0] if plain else None)
    return hit[1]


def swatch(status: str, size: int = 7) -> str:
    """A coloured square in Paragraph markup, printed before a status word."""
    colour = STATUS_COLOURS.get(status, "#9e9e9e")
    return f'<font name="{SANS}" color="{colour}" size="{size + 2}">■</font>'


def grid(
    *,
    header_rows: int = 1,
    zebra: bool = True,
    rows: int = 0,
    right_cols: Sequence[int] = (),
    bold_cols: Sequence[int] = (),
) -> TableStyle:
    """The house table: a tinted, bold header row (repeated on every page by the
    caller's repeatRows), thin rules, light zebra striping for reading across."""
    cmds: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), COND),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 9.6),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
    ]
    if header_rows:
        cmds += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
            ("FONTNAME", (0, 0), (-1, header_rows - 1), COND_BOLD),
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, INK),
        ]
    if zebra and rows > header_rows + 1:
        cmds.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, ZEBRA]))
    for c in right_cols:
        cmds.append(("ALIGN", (c, 0), (c, -1), "RIGHT"))
    for c in bold_cols:
        cmds.append(("FONTNAME", (c, header_rows), (c, -1), COND_BOLD))
    return TableStyle(cmds)
