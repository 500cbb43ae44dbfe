"""The situation briefing of the demo incident, checked against the services: every
figure a reader acts on must be the store's, on the page, in words a search finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from hcc_desktop.core import lifecycle
from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei, incidents, requests, status
from hcc_desktop.core.store import Store
from hcc_desktop.reports import build_briefing
from hcc_desktop.reports.briefing_data import collect
from hcc_desktop.reports.pages import PUBLIC_MARKING, SENSITIVE_MARKING, Cancelled
from hcc_desktop.reports.timefmt import Clock
from tests.reports.conftest import (
    BUNDLED_FONTS,
    DUTY_OFFICER,
    NOW,
    ZONE,
    assert_page_numbers,
    pdf_pages,
    shown_fonts,
)

SUMMARY = "Hurricane Calder is past; recovery is under way at Łódź-style accents: Zoë Müller."


@pytest.fixture(scope="module")
def briefing(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    out = tmp_path_factory.mktemp("briefing") / "briefing.pdf"
    result = build_briefing(
        demo_store, out, period=3, summary_text=SUMMARY, prepared_by=DUTY_OFFICER,
        now=NOW, zone=ZONE,
    )  # fmt: skip
    return result, pdf_pages(out)


@pytest.fixture(scope="module")
def public(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    out = tmp_path_factory.mktemp("public") / "public.pdf"
    result = build_briefing(
        demo_store, out, period=3, public=True, prepared_by=DUTY_OFFICER, now=NOW, zone=ZONE
    )
    return result, pdf_pages(out)


def _text(pages: list[str]) -> str:
    return " ".join(pages)


def test_header_names_incident_period_operator_and_station(
    demo_store: Store, briefing: tuple
) -> None:
    result, pages = briefing
    inc = incidents.current_incident(demo_store)
    assert inc is not None and result.incident_id == inc.id and result.period == 3
    first = pages[0]
    assert inc.name in first
    p3 = incidents.list_periods(demo_store, incident_id=inc.id)[2]
    clock = Clock(ZONE)
    assert f"Operational period 3 · {clock.span(p3.starts_at, p3.ends_at)}" in first
    assert "Marisol Ortega, Duty Officer" in first
    assert demo_store.station_name in first
    assert f"Time prepared {clock.full(NOW)}" in first
    assert "EEIs as of" in first and "EST" in first
    assert SUMMARY in first  # accented names come out as text, not boxes


def test_every_page_is_numbered_and_marked(briefing: tuple) -> None:
    result, pages = briefing
    assert result.pages == len(pages) >= 3
    assert_page_numbers(pages)
    assert result.sensitive
    for text in pages:
        assert text.count(SENSITIVE_MARKING) >= 2  # top and bottom (and the cover box)
        assert "EXERCISE — EXERCISE — EXERCISE" in text


def test_status_counts_and_troubled_facilities_match_the_service(
    demo_store: Store, briefing: tuple
) -> None:
    _, pages = briefing
    text = _text(pages)
    inc = incidents.current_incident(demo_store)
    expected = eei.expected_facilities(demo_store, incident_id=inc.id)
    statuses = status.facility_statuses(demo_store, incident_id=inc.id, period=3)
    counts = dict.fromkeys(status.STATUSES, 0)
    for org in expected:
        counts[statuses[org.id].status if org.id in statuses else "not_reported"] += 1
    row = " ".join(str(counts[k]) for k in status.STATUSES) + f" {len(expected)}"
    assert f"Facilities {row}" in text
    troubled = [o for o in expected if o.id in statuses and statuses[o.id].status != "open"]
    assert troubled, "the demo has facilities on diversion or limited in period 3"
    for org in troubled:
        assert org.name in text
    diversion = [o for o in expected if statuses.get(o.id) and statuses[o.id].status == "diversion"]
    for n, org in enumerate(sorted(diversion, key=lambda o: o.name.lower()), start=1):
        assert f"{n} {org.name}" in text  # numbered as on the map


def test_open_requests_listed_with_overdue_first(demo_store: Store, briefing: tuple) -> None:
    _, pages = briefing
    text = _text(pages)
    inc = incidents.current_incident(demo_store)
    all_requests = requests.list_requests(demo_store, incident_id=inc.id)
    open_ = [r for r in all_requests if r.status in lifecycle.OPEN]
    overdue = [r for r in open_ if requests.is_overdue(r, NOW)]
    assert open_ and overdue
    section = text[text.index("Open resource requests") :]
    assert f"{len(open_)} open:" in section and f"{len(overdue)} overdue" in section
    positions = {r.number: section.index(r.number) for r in open_}
    assert max(positions[r.number] for r in overdue) < min(
        positions[r.number] for r in open_ if r not in overdue
    )


def test_beds_are_the_sums_of_the_period_reports(demo_store: Store, briefing: tuple) -> None:
    _, pages = briefing
    text = _text(pages)
    inc = incidents.current_incident(demo_store)
    reports = eei.reports_for_period(demo_store, incident_id=inc.id, period=3)
    total = sum(
        r.value
        for r in reports
        if r.element_code == "BEDS_TOTAL_AVAILABLE" and eei.effective_state(r) != "rejected"
    )
    staffed = sum(r.value for r in reports if r.element_code == "BEDS_TOTAL_STAFFED")
    assert f"Total inpatient {total:,.0f} {staffed:,.0f}" in text


def test_timeliness_and_missing_facilities(demo_store: Store, briefing: tuple) -> None:
    _, pages = briefing
    text = _text(pages)
    inc = incidents.current_incident(demo_store)
    t = eei.timeliness(demo_store, incident_id=inc.id, period=3)
    assert f"{t.share_on_time:.0%} on time: {len(t.on_time)} of {t.expected}" in text
    names = {o.id: o.name for o in eei.expected_facilities(demo_store, incident_id=inc.id)}
    for oid in t.missing + t.late:
        assert names[oid] in text


def test_significant_events_are_the_approved_ones_in_the_window(
    demo_store: Store, briefing: tuple
) -> None:
    _, pages = briefing
    text = _text(pages)
    data = collect(demo_store, period=3, now=NOW, clock=Clock(ZONE))
    assert data.events
    for e in data.events:
        assert e.text[:60] in text


def test_public_version_leaves_protected_values_out(
    demo_store: Store, briefing: tuple, public: tuple
) -> None:
    _, full_pages = briefing
    result, pages = public
    full, text = _text(full_pages), _text(pages)
    cat = load_catalog()
    shown = [el.label for el in cat.elements.values() if el.sensitive and el.label in full]
    assert shown, "the partners' version prints some protected EEI"
    for label in shown:
        assert label not in text
    for value in ("Respiratory therapists: 4 short per night shift", "IT systems down"):
        assert value in full and value not in text
    assert "reason:" in full and "reason:" not in text  # diversion reasons are protected
    assert not result.sensitive and result.public
    assert "Public version." in pages[0]
    for page in pages:
        assert SENSITIVE_MARKING not in page and PUBLIC_MARKING in page
    assert_page_numbers(pages)


def test_sections_and_paper_are_honoured(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "a4.pdf"
    result = build_briefing(
        demo_store, out, period=3, paper="a4", sections=["beds"], now=NOW, zone=ZONE
    )
    pages = pdf_pages(out)
    assert result.sections == ("beds",) and not result.sensitive
    assert "Bed availability" in pages[0] and "Open resource requests" not in " ".join(pages)

    box = PdfReader(str(out)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert_page_numbers(pages)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"period": 99}, "period"), ({"paper": "legal"}, "paper"), ({"sections": ["x"]}, "sections")],
)
def test_refusals_name_the_field(
    demo_store: Store, tmp_path: Path, kwargs: dict, field: str
) -> None:
    out = tmp_path / "x.pdf"
    with pytest.raises(ValidationError) as err:
        build_briefing(demo_store, out, now=NOW, **kwargs)
    assert err.value.field == field
    assert not out.exists()


def test_cancel_leaves_no_file(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "cancelled.pdf"
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < 4

    with pytest.raises(Cancelled):
        build_briefing(demo_store, out, progress=progress, now=NOW)
    assert not out.exists() and seen
    assert not list(tmp_path.iterdir())  # no temporary file left behind either


def test_empty_incident_gives_a_sensible_briefing(store: Store, actor, tmp_path: Path) -> None:
    inc = incidents.create_incident(
        store, actor=actor, name="Água Viva flood", incident_type="flood"
    )
    out = tmp_path / "empty.pdf"
    result = build_briefing(store, out, incident_id=inc, prepared_by=actor)
    pages = pdf_pages(out)
    text = " ".join(pages)
    assert result.period is None and result.pages == len(pages)
    assert_page_numbers(pages)
    assert "Água Viva flood" in pages[0]
    assert "No operational period has been set up for this incident yet." in text
    assert "No resource request is open." in text
    assert "No operational period, so no EEIs were due." in text


def test_fonts_are_embedded_and_text_is_text(briefing: tuple) -> None:
    result, pages = briefing
    assert shown_fonts(result.path) <= BUNDLED_FONTS
    assert "Zoë Müller" in pages[0]


def test_layout_reports_progress_and_a_cancel_stops_it_mid_layout(
    demo_store: Store, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []

    def watch(done: int, total: int) -> None:
        seen.append((done, total))

    out = tmp_path / "watched.pdf"
    result = build_briefing(demo_store, out, period=3, progress=watch, now=NOW, zone=ZONE)
    steps = [d for d, _ in seen]
    assert steps == sorted(steps) and steps[0] == 0 and steps[-1] == seen[-1][1] == 100
    laying_out = [d for d in steps if 35 < d < 100]
    assert len(laying_out) >= result.pages  # at least one report per page laid out

    cut = tmp_path / "cut.pdf"
    calls: list[int] = []

    def cancel_mid_layout(done: int, total: int) -> bool:
        calls.append(done)
        return done < 60

    with pytest.raises(Cancelled):
        build_briefing(demo_store, cut, period=3, progress=cancel_mid_layout, now=NOW)
    assert (
        60 <= calls[-1] < 95
        and not list(tmp_path.glob("cut*"))
        and not list(tmp_path.glob(".cut*"))
    )
