"""A long log entry full of what reportlab's Paragraph would take for markup, with
Arabic and emoji, printed as written in the ICS 214 and in the briefing."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcc_desktop.core.services import incidents, log
from hcc_desktop.core.store import Store
from hcc_desktop.reports.briefing import build_briefing
from hcc_desktop.reports.fonts import printable
from hcc_desktop.reports.forms.ics214 import build_ics214
from tests.reports.conftest import BUNDLED_FONTS, pdf_pages, shown_fonts

ARABIC = "مستشفى الطوارئ"
SEGMENT = (
    "<para>Generator <b>failed</b> at 14:05; load < 40% & fuel &amp; water low. "
    f"{ARABIC} asks for help 🚑🏥 — "
)
NOW = "2026-11-17T20:00:00Z"


def _entry(length: int) -> str:
    return (SEGMENT * (length // len(SEGMENT) + 1))[:length]


@pytest.fixture
def incident(store: Store, actor) -> str:
    return incidents.create_incident(
        store, actor=actor, name="Generator failure", incident_type="utility_failure",
        started_at="2026-11-17T12:00Z",
    )  # fmt: skip


def _logged(store: Store, actor, incident: str, text: str) -> None:
    """The entry, nominated and approved, so the briefing lists it too."""
    entry = log.add_entry(
        store, actor=actor, incident_id=incident, text=text, occurred_at="2026-11-17T14:05Z"
    )
    log.nominate(store, actor=actor, entry_id=entry)
    log.review(store, actor=actor, entry_id=entry, approve=True)


def _squashed(text: str) -> str:
    """pypdf's text without white space: wrapped lines break anywhere."""
    return "".join(text.split())


def test_printable_spells_missing_glyphs_and_keeps_the_rest() -> None:
    assert printable("ok 🚑🏥") == "ok [U+1F691][U+1F3E5]"
    assert printable(ARABIC) == ARABIC  # DejaVu Sans has the Arabic letters
    assert printable("a\u200db\n") == "a\u200db\n"
    assert printable("Zoë Müller <b>") == "Zoë Müller <b>"


@pytest.mark.parametrize("form", ["ics214", "briefing"])
def test_long_entry_with_markup_prints_as_written(
    store: Store, actor, incident: str, tmp_path: Path, form: str
) -> None:
    text = _entry(5000)
    _logged(store, actor, incident, text)
    out = tmp_path / f"{form}.pdf"
    if form == "ics214":
        build_ics214(store, out, incident_id=incident, now=NOW)
    else:
        build_briefing(store, out, incident_id=incident, now=NOW)
    pages = pdf_pages(out)
    printed = _squashed(" ".join(pages))
    # markup characters literally, as many times as the entry has them (less one per
    # page break, where the page's footer and the repeated header interrupt the text)
    for literal in ("<para>", "<b>failed</b>", "load<40%&fuel&amp;water"):
        wanted = _squashed(text).count(literal)
        assert wanted - len(pages) < printed.count(literal) <= wanted, literal
    # the whole entry, in order, with the emoji spelled as code points
    expected = _squashed(printable(text))
    arabic = _squashed(ARABIC)
    # reportlab (without a shaping engine) draws Arabic letters left to right, so
    # pypdf reads them back reversed: the letters are all there, in one run
    printed = printed.replace(arabic[::-1], arabic)
    assert expected[:2000] in printed
    assert "[U+1F691][U+1F3E5]" in printed
    assert shown_fonts(out) <= BUNDLED_FONTS


def test_entry_longer_than_a_page_continues_on_the_next(
    store: Store, actor, incident: str, tmp_path: Path
) -> None:
    """20,000 characters is several pages of one table row: split, not a LayoutError."""
    text = _entry(20_000)
    _logged(store, actor, incident, text)
    form = build_ics214(store, tmp_path / "long214.pdf", incident_id=incident, now=NOW)
    brief = build_briefing(store, tmp_path / "long-brief.pdf", incident_id=incident, now=NOW)
    assert form.pages >= 3 and brief.pages >= 4
    for path in (form.path, brief.path):
        pages = pdf_pages(path)
        count = _squashed(" ".join(pages)).count("<b>failed</b>")
        assert text.count("<b>failed</b>") - len(pages) < count <= text.count("<b>failed</b>")
