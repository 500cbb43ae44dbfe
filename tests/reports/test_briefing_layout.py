"""How the briefing sits on paper: captions on the page of their tables, chart titles
inside the margins, and every numbered marker of the map named in its key."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer, TableStyle

from hcc_desktop.core.services.status import STATUSES
from hcc_desktop.core.store import Store
from hcc_desktop.reports import build_briefing
from hcc_desktop.reports.briefing import MARGIN
from hcc_desktop.reports.briefing_data import collect
from hcc_desktop.reports.briefing_sheet import listing
from hcc_desktop.reports.charts import STATUS_TITLE, TITLE_SIZE
from hcc_desktop.reports.fonts import SANS_BOLD, register_fonts
from hcc_desktop.reports.keep import captioned
from hcc_desktop.reports.pages import Margins, render_story
from hcc_desktop.reports.styles import BODY, H2, grid
from hcc_desktop.reports.timefmt import Clock
from tests.reports.conftest import NOW, ZONE, pdf_pages

#: Each caption of the briefing and the header of the table it introduces.
CAPTIONS = [
    ("Closed, evacuating or on EMS diversion", "Map Facility Town Status Details Reported"),
    ("Operating with limitations", "Map Facility Town Status Details Reported"),
    ("Key to the numbers on the map", "No. Facility Status"),
    ("Bed availability (HAvBED bed types)", "Bed type Available"),
    ("Open resource requests (ICS 213RR)", "Request Priority Resource"),
    ("Significant events since", "Time Event Member"),
    ("Reported late", "Facility Town First report"),
    ("Not reported this period (period", "Facility Town Last report"),
    ("Protected EEIs — not for public release", "Facility Town Protected EEIs"),
]


def _render(story: list[Flowable]) -> list[str]:
    buffer = io.BytesIO()
    render_story(
        buffer,
        story,
        pagesize=LETTER,
        margins=Margins(MARGIN, MARGIN, MARGIN, MARGIN),
        decorate=lambda c, page, total: None,
    )
    buffer.seek(0)
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(buffer).pages]


def _table(rows: int) -> list[list[str]]:
    return [["Facility", "Town"], *[[f"Hospital {i:02d}", f"Town {i:02d}"] for i in range(rows)]]


def test_captioned_keeps_heading_and_intro_with_the_first_rows() -> None:
    """Wherever the page ends, the heading and its intro line stand on the page of the
    table's header and first two rows; when there is room, nothing moves."""
    register_fonts()
    room = LETTER[1] - 2 * MARGIN
    for left in range(10, 150, 6):
        t = listing(_table(30), [200, 200], grid(rows=31))
        heading = Paragraph("Open resource requests", H2)
        intro = Paragraph("30 open: all of them routine.", BODY)
        pages = _render([Spacer(1, room - left), *captioned([heading, intro], t)])
        page = next(p for p in pages if "Open resource requests" in p)
        after = page[page.index("Open resource requests") :]
        assert "30 open" in after and "Facility Town Hospital 00" in after, left
        assert "Hospital 01" in after, left
        if left >= 100:  # heading, intro, header and two rows fit in 100 pt
            assert page is pages[0], left


def test_a_caption_at_the_top_of_a_page_does_not_break_again() -> None:
    """A table whose first rows are taller than a page is not pushed off a fresh page."""
    register_fonts()
    tall = Paragraph("<br/>".join(["a long cell"] * 90), BODY)
    t = listing([["Head", "Cell"], [tall, "x"], ["second", "y"]], [200, 200], TableStyle([]))
    pages = _render(captioned([Paragraph("Tall table", H2)], t))
    assert "Tall table" in pages[0] and "Head" in pages[0]


@pytest.mark.parametrize("paragraphs", [0, 9, 18, 27])
def test_briefing_captions_stand_with_their_tables(
    demo_store: Store, tmp_path: Path, paragraphs: int
) -> None:
    """The summary's length moves every later section up and down the page; each
    caption is still followed, on its page, by its table's header."""
    out = tmp_path / "b.pdf"
    summary = "\n\n".join(f"Update {i} from the situation unit." for i in range(paragraphs))
    build_briefing(demo_store, out, period=3, summary_text=summary, now=NOW, zone=ZONE)
    pages = pdf_pages(out)
    for caption, head in CAPTIONS:
        page = next((p for p in pages if caption in p), None)
        assert page is not None, caption
        assert head in page[page.index(caption) :], (paragraphs, caption)


def _title_runs(path: Path, wanted: set[str]) -> list[tuple[str, float, float]]:
    """(text, left, right) of each run of a chart title, in page coordinates."""
    register_fonts()
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        bold = isinstance(font, dict) and "Bold" in str(font.get("/BaseFont", ""))
        if bold and text.strip() and any(text.strip() in w for w in wanted):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            scale = abs(cm[0]) or 1.0
            width = stringWidth(text.strip(), SANS_BOLD, TITLE_SIZE) * scale
            found.append((text.strip(), x, x + width))

    for page in PdfReader(str(path)).pages:
        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_trend_chart_titles_stay_inside_the_margins(
    demo_store: Store, tmp_path: Path, paper: str
) -> None:
    out = tmp_path / f"trends-{paper}.pdf"
    build_briefing(demo_store, out, period=3, paper=paper, sections=["trends"], now=NOW)
    page_width = float(PdfReader(str(out)).pages[0].mediabox.width)
    titles = {"Inpatient beds available", "Adult ICU beds available", STATUS_TITLE}
    runs = _title_runs(out, titles)
    shown = " ".join(text for text, _, _ in runs)
    for title in titles:
        assert " ".join(title.split()) in " ".join(shown.split()), (title, shown)
    for text, left, right in runs:
        assert left >= MARGIN - 1 and right <= page_width - MARGIN + 1, (text, left, right)


def test_map_key_names_every_numbered_marker(demo_store: Store, tmp_path: Path) -> None:
    """Every facility that is not open has a number on the map, and the key under the
    map gives each number its facility and status; open ones are not numbered."""
    data = collect(demo_store, period=3, now=NOW, clock=Clock(ZONE))
    numbered = sorted(k.number for k in data.markers if k.number)
    assert numbered == [k.number for k in data.map_key if k.located]
    assert {k.status for k in data.map_key} <= set(STATUSES) - {"open"}
    not_open = len(data.troubled) + len(data.limited) + data.status_counts["not_reported"]
    assert len(data.map_key) == not_open and not_open >= 3
    assert not any(m.number for m in data.markers if m.status in ("open", "non_reporting"))
    # The status tables carry the same numbers as the key.
    by_name = {k.facility.name: k.number for k in data.map_key}
    for row in [*data.troubled, *data.limited]:
        assert row.map_number == by_name[row.facility.name]

    out = tmp_path / "map.pdf"
    build_briefing(demo_store, out, period=3, sections=["map"], now=NOW, zone=ZONE)
    text = " ".join(pdf_pages(out))
    key = text[text.index("Key to the numbers on the map") :]
    for k in data.map_key:
        entry = rf"\b{k.number} {re.escape(k.facility.name)} {re.escape(STATUSES[k.status])}\b"
        assert re.search(entry, " ".join(key.split())), (k.number, k.facility.name)
    assert "every facility that is not open" in text


def test_hics251_group_caption_rows_go_over_with_their_first_system() -> None:
    """The HICS 251 systems table split at every possible height: a group's caption
    row (COMMUNICATIONS, INFRASTRUCTURE, ...) is never the last row of a page."""
    from hcc_desktop.reports.forms.hics251 import SYSTEMS, _systems

    register_fonts()
    groups = [group.upper() for group, _ in SYSTEMS]
    room = LETTER[1] - 2 * MARGIN
    checked = 0
    for left in range(40, 500, 11):
        table = _systems({}, Clock(ZONE), LETTER[0] - 2 * MARGIN)
        pages = _render([Spacer(1, room - left), table])
        checked += 1
        for page in pages:
            last = page.rstrip().split(" ")[-1]
            assert last not in groups, (left, page[-80:])
    assert checked >= 38


def test_hics251_systems_table_splits_at_any_height() -> None:
    """The systems table splits wherever the page ends (with a two-row header it
    raised IndexError at 128 pt and 293 pt left: reportlab drew the repeated, spanned
    header with the row positions of an earlier measurement)."""
    from hcc_desktop.reports.forms.hics251 import _systems

    register_fonts()
    for left in (*range(20, 600, 7), 128, 293):
        table = _systems({}, Clock(ZONE), LETTER[0] - 2 * MARGIN)
        _render([Spacer(1, LETTER[1] - 2 * MARGIN - left), table])


@pytest.mark.parametrize("periods", [3, 8, 14, 30])
def test_trend_labels_never_run_into_each_other(periods: int) -> None:
    """A long incident (two periods a day for two weeks) leaves a few points of width
    under each period: only every k-th period is labelled, always the newest, and no
    two labels on one line overlap; a short one keeps every label."""
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from hcc_desktop.reports import charts
    from hcc_desktop.reports.briefing_model import TrendPoint
    from hcc_desktop.reports.fonts import SANS

    points = [
        TrendPoint(p, 1000.0 + 37 * p, 80.0 + p, p % 3, p % 2, 40 - p % 7)
        for p in range(1, periods + 1)
    ]
    drawing = charts.line_chart(points, [p.beds_available for p in points], "Beds", 150)
    (chart,) = [c for c in drawing.contents if isinstance(c, HorizontalLineChart)]
    names = chart.categoryAxis.categoryNames
    shown = [i for i, name in enumerate(names) if name]
    assert shown[-1] == periods - 1  # the newest period is always labelled
    if periods == 3:
        assert len(shown) == 3
    room = chart.width / periods
    widest = max(
        stringWidth(line, SANS, charts.LABEL_SIZE) for n in names for line in n.split("\n")
    )
    assert min(b - a for a, b in itertools.pairwise(shown)) * room >= widest
    values = [v for v in chart.lineLabelArray[0] if v]
    assert values and chart.lineLabelArray[0][-1] == f"{points[-1].beds_available:,.0f}"
    labelled = [i for i, v in enumerate(chart.lineLabelArray[0]) if v]
    widest_value = max(stringWidth(v, SANS, charts.LABEL_SIZE) for v in values)
    if len(labelled) > 1:
        assert min(b - a for a, b in itertools.pairwise(labelled)) * room >= widest_value
