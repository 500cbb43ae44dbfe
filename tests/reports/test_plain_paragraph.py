"""styles.paragraph makes, without the markup parser, the paragraph reportlab's parser
makes: the same text, the same fragments, the same lines."""

from __future__ import annotations

from typing import Any

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from hcc_desktop.reports import styles
from hcc_desktop.reports.fonts import register_fonts
from hcc_desktop.reports.styles import esc, paragraph

TEXTS = [
    "Bench Hospital 007 — Saint Jérôme",
    "  leading and trailing   spaces\tand tabs  ",
    "two\nlines typed\n\n  with a blank one",
    "Łukasz Wójcik (Duty Officer)",
    esc('A & B <ward> "quoted"'),  # entities: the parser's own path
    "<b>bold</b> text",  # markup: the parser's own path
    "",
    "   ",
    "x" * 400,
]
STYLES = [v for v in vars(styles).values() if isinstance(v, ParagraphStyle)]
UPPER = ParagraphStyle("upper", parent=styles.CELL, textTransform="uppercase")


def _frags(p: Paragraph) -> list[dict[str, Any]]:
    return [dict(vars(f)) for f in p.frags]


@pytest.mark.parametrize("style", [*STYLES, UPPER], ids=lambda s: s.name)
def test_plain_text_paragraphs_equal_the_parsers(style: ParagraphStyle) -> None:
    register_fonts()
    for text in TEXTS:
        mine, theirs = paragraph(text, style), Paragraph(text, style)
        assert mine.text == theirs.text
        assert _frags(mine) == _frags(theirs)
        assert mine.wrap(120, 1000) == theirs.wrap(120, 1000)
        assert repr(mine.blPara) == repr(theirs.blPara)  # the same lines of words


def test_each_paragraph_has_its_own_fragment() -> None:
    a, b = paragraph("first", styles.CELL), paragraph("second", styles.CELL)
    assert a.frags[0] is not b.frags[0]
    assert (a.frags[0].text, b.frags[0].text) == ("first", "second")
