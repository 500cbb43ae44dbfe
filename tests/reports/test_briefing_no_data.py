"""The briefing of a new incident, whose trend charts have nothing or almost nothing to
draw: it must print, and each empty chart must say so in words inside its box. A new
user's first briefing (a new incident, one period, nobody reported yet) failed with
reportlab's "Polyline must have 2 or more points"."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, String

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, incidents
from hcc_desktop.core.store import Store
from hcc_desktop.reports import build_briefing, charts
from hcc_desktop.reports.briefing_model import TrendPoint
from hcc_desktop.reports.fonts import register_fonts
from tests.reports.conftest import DUTY_OFFICER, ZONE, pdf_pages

START = "2026-12-01T12:00:00Z"
NOW = "2026-12-01T20:00:00Z"
NO_BEDS = "No reports of inpatient beds yet"
NO_ICU = "No reports of adult ICU beds yet"
ONE_PERIOD = "Reported in one period only"


@pytest.fixture
def store(demo_path: Path, tmp_path: Path) -> Iterator[Store]:
    """A copy of the demo (its members and regions) to add a new incident to."""
    path = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(demo_path), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    Path(f"{path}.key").write_bytes(Path(f"{demo_path}.key").read_bytes())
    with open_store(path) as s:
        yield s


def _new_incident(store: Store) -> str:
    """A new incident with its first 12-hour period, as `incidents create` and
    `periods add` make it; nobody has reported."""
    return incidents.create_incident(
        store,
        actor=DUTY_OFFICER,
        name="Water main break Hartford",
        incident_type="other",
        started_at=START,
        first_period_hours=12,
    )


def _trends_page(pages: list[str]) -> str:
    (page,) = [p for p in pages if "Trends over the incident" in p]
    return page


def test_briefing_of_a_new_incident_with_no_reports_prints(store: Store, tmp_path: Path) -> None:
    inc = _new_incident(store)
    out = tmp_path / "briefing.pdf"
    result = build_briefing(
        store, out, incident_id=inc, period=1, prepared_by=DUTY_OFFICER, now=NOW, zone=ZONE
    )
    pages = pdf_pages(out)
    assert result.pages == len(pages) >= 2
    page = _trends_page(pages)
    assert NO_BEDS in page and NO_ICU in page
    assert "No reports yet" in page  # the status chart
    assert ONE_PERIOD not in page


def test_briefing_with_one_period_of_beds_shows_the_point(store: Store, tmp_path: Path) -> None:
    inc = _new_incident(store)
    hospital = next(
        o for o in eei.expected_facilities(store, incident_id=inc) if o.member_type == "hospital"
    )
    eei.set_values(
        store,
        actor=DUTY_OFFICER,
        incident_id=inc,
        organization_id=hospital.id,
        period=1,
        values={"BEDS_TOTAL_STAFFED": 4321, "BEDS_TOTAL_AVAILABLE": 1234},
        reported_at="2026-12-01T13:00:00Z",
    )
    out = tmp_path / "briefing.pdf"
    build_briefing(
        store, out, incident_id=inc, period=1, prepared_by=DUTY_OFFICER, now=NOW, zone=ZONE
    )
    page = _trends_page(pdf_pages(out))
    assert NO_BEDS not in page and "1,234" in page and ONE_PERIOD in page
    assert NO_ICU in page  # the hospital reported no ICU beds
    assert "None reported on diversion, closed or evacuating" in page  # one report, no status


def _points(n: int, reporting: int = 0) -> list[TrendPoint]:
    return [TrendPoint(p, None, None, 0, 0, reporting) for p in range(1, n + 1)]


def _strings(node: Drawing | Group) -> list[str]:
    out: list[str] = []
    for child in node.contents:
        if isinstance(child, String):
            out.append(child.text)
        elif isinstance(child, Group):
            out += _strings(child)
    return out


def _texts(drawing: Drawing) -> str:
    """The drawing's words, lines joined (a note wraps in a narrow chart)."""
    return " ".join(_strings(drawing))


@pytest.mark.parametrize(
    ("values", "note"),
    [
        ([], "Nothing here"),
        ([None], "Nothing here"),
        ([None, None, None], "Nothing here"),
        ([5.0], ONE_PERIOD),
        ([None, 7.0], ONE_PERIOD),
        ([7.0, None], ONE_PERIOD),
        ([0.0], ONE_PERIOD),
        ([3.0, 3.0, 3.0], None),
        ([0.0, 0.0], None),
        ([1.0, None, 2.0], None),
    ],
)
def test_line_chart_draws_any_number_of_values(
    values: list[float | None], note: str | None
) -> None:
    """0, 1, equal and zero values: the chart renders, and says so when there is no
    line to draw."""
    register_fonts()
    drawing = charts.line_chart(_points(len(values)), values, "Beds", 180, no_data="Nothing here")
    renderPDF.drawToString(drawing)  # raised AssertionError for no values
    texts = _texts(drawing)
    for words in ("Nothing here", ONE_PERIOD):
        assert (words in texts) == (words == note)


@pytest.mark.parametrize(
    ("periods", "reporting", "note"),
    [
        (0, 0, "No reports yet"),
        (1, 0, "No reports yet"),
        (3, 0, "No reports yet"),
        (2, 5, "None reported on diversion, closed or evacuating"),
    ],
)
def test_status_chart_with_nothing_to_draw_says_why(
    periods: int, reporting: int, note: str
) -> None:
    register_fonts()
    drawing = charts.status_chart(_points(periods, reporting), 180)
    renderPDF.drawToString(drawing)
    assert note in _texts(drawing)


def test_status_chart_with_a_facility_on_diversion_has_no_note() -> None:
    register_fonts()
    points = [TrendPoint(1, None, None, 1, 0, 3)]
    drawing = charts.status_chart(points, 180)
    renderPDF.drawToString(drawing)
    texts = _texts(drawing)
    assert "No reports yet" not in texts
    assert "None reported on diversion, closed or evacuating" not in texts


def _polylines(node: object) -> list[list[float]]:
    """The point lists of every polyline drawn, widgets expanded into their shapes."""
    from reportlab.graphics.shapes import PolyLine
    from reportlab.graphics.widgetbase import Widget

    if isinstance(node, Widget):
        return _polylines(node.draw())
    if isinstance(node, PolyLine):
        return [list(node.points)]
    return [line for child in getattr(node, "contents", []) for line in _polylines(child)]


@pytest.mark.parametrize(
    ("values", "segments"),
    [
        ([523.0, 611.0, None, 742.0, 809.0], [2, 2]),  # no line across the gap
        ([523.0, 611.0, 742.0], [3]),
        ([523.0, None, 742.0], []),  # two lone points: markers, no line
        ([None, 611.0, 742.0, None], [2]),
    ],
)
def test_a_line_never_crosses_a_period_nobody_reported(
    values: list[float | None], segments: list[int]
) -> None:
    register_fonts()
    drawing = charts.line_chart(_points(len(values)), values, "Beds", 240)
    renderPDF.drawToString(drawing)
    lines = [p for p in _polylines(drawing) if len(p) >= 4]
    assert sorted(len(p) // 2 for p in lines) == segments
    # Every value still has its figure, once.
    texts = _drawn_strings(drawing)
    for v in values:
        if v is not None:
            assert texts.count(f"{v:,.0f}") == 1


def _drawn_strings(node: object) -> list[str]:
    """Every string drawn, widgets expanded into their shapes."""
    from reportlab.graphics.widgetbase import Widget

    if isinstance(node, Widget):
        return _drawn_strings(node.draw())
    if isinstance(node, String):
        return [node.text]
    return [t for child in getattr(node, "contents", []) for t in _drawn_strings(child)]


def test_the_hpp_chart_draws_no_bar_for_a_group_no_request_reached() -> None:
    """0 of 0 is no share at all: no bar and no "0%", and the group says none received;
    a real 0 of 3 keeps its 0% bar."""
    from hcc_desktop.core.services.eei_requests import Measure
    from hcc_desktop.reports.coordination import percent_chart

    register_fonts()
    drawing = percent_chart(
        [("Hospital", Measure(2, 4)), ("Dialysis", Measure(0, 0)), ("EMS", Measure(0, 3))], 300
    )
    renderPDF.drawToString(drawing)
    texts = _drawn_strings(drawing)
    assert "50%" in texts and texts.count("0%") == 1  # EMS's, not Dialysis's
    assert "none received" in texts and "0/0" not in texts
