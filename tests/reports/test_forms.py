"""ICS 214, ICS 213 RR and HICS 251 filled from the demo store: block numbers and titles
as on the printed forms, values from the services, "Page N of M" on every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents, log, requests
from hcc_desktop.core.store import Store
from hcc_desktop.reports import build_hics251, build_ics213rr, build_ics214
from hcc_desktop.reports.pages import SENSITIVE_MARKING
from tests.reports.conftest import DUTY_OFFICER, NOW, ZONE, assert_page_numbers, pdf_pages

ICS214_BLOCKS = (
    "ACTIVITY LOG (ICS 214)",
    "1. Incident Name:",
    "2. Operational Period:",
    "Date From:",
    "Date To:",
    "Time From:",
    "Time To:",
    "3. Name:",
    "4. ICS Position:",
    "5. Home Agency (and Unit):",
    "6. Resources Assigned:",
    "7. Activity Log:",
    "Date/Time Notable Activities",
    "8. Prepared by:",
    "Position/Title:",
    "Signature:",
)
ICS213RR_BLOCKS = (
    "RESOURCE REQUEST MESSAGE (ICS 213 RR)",
    "1. Incident Name:",
    "2. Date/Time:",
    "3. Resource Request Number:",
    "4. Order",
    "Qty. Kind Type Detailed Item Description",
    "Requested Estimated",
    "Cost",
    "5. Requested Delivery/Reporting Location:",
    "6. Suitable Substitutes and/or Suggested Sources:",
    "7. Requested by Name/Position:",
    "8. Priority:",
    "9. Section Chief Approval:",
    "10. Logistics Order Number:",
    "11. Supplier Phone/Fax/Email:",
    "12. Name of Supplier/POC:",
    "13. Notes:",
    "14. Approval Signature of Auth Logistics Rep:",
    "15. Date/Time:",
    "16. Order placed by (check box):",
    "17. Reply/Comments from Finance:",
    "18. Finance Section Signature:",
    "19. Date/Time:",
    "Requestor",
    "Logistics",
    "Finance",
)


def _incident(store: Store):  # type: ignore[no-untyped-def]
    inc = incidents.current_incident(store)
    assert inc is not None
    return inc


@pytest.fixture(scope="module")
def unit_log(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    out = tmp_path_factory.mktemp("ics214") / "ics214.pdf"
    result = build_ics214(demo_store, out, period=3, prepared_by=DUTY_OFFICER, now=NOW, zone=ZONE)
    return result, pdf_pages(out)


def test_ics214_unit_log_has_the_blocks_and_every_entry(demo_store: Store, unit_log: tuple) -> None:
    result, pages = unit_log
    inc = _incident(demo_store)
    with demo_store.read() as s:
        p3 = incidents.get_period(s, inc.id, 3)
    entries = log.list_entries(
        demo_store, flt=log.LogFilter(inc.id, since=p3.starts_at, until=p3.ends_at)
    )
    assert result.rows == len(entries) > 10
    text = " ".join(pages)
    for title in ICS214_BLOCKS:
        assert title in text, title
    assert inc.name in pages[0] and "Marisol Ortega" in pages[0]
    for e in entries:
        assert " ".join(e.text.split())[:50] in text
    for name in {e.operator for e in entries}:
        assert name in pages[0]  # block 6 lists everyone who wrote


def test_ics214_continues_with_headers_and_page_numbers(unit_log: tuple) -> None:
    result, pages = unit_log
    assert result.pages == len(pages) >= 2
    assert_page_numbers(pages, prefix="ICS 214, ")
    for page in pages:
        assert "7. Activity Log: Date/Time Notable Activities" in page
        assert "8. Prepared by:" in page
    for page in pages[1:]:
        assert "(continued)" in page


def test_ics214_for_one_operator(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "mine.pdf"
    inc = _incident(demo_store)
    mine = [
        e
        for e in log.list_entries(demo_store, flt=log.LogFilter(inc.id))
        if e.operator == "Marisol Ortega"
    ]
    result = build_ics214(demo_store, out, operator="marisol ortega", now=NOW, zone=ZONE)
    pages = pdf_pages(out)
    assert result.rows == len(mine) > 0
    assert "3. Name: Marisol Ortega" in pages[0]
    assert f"4. ICS Position: {mine[0].position}" in pages[0]
    assert_page_numbers(pages, prefix="ICS 214, ")


def test_ics214_refuses_an_operator_without_entries(demo_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        build_ics214(demo_store, tmp_path / "x.pdf", operator="Nobody Here")
    assert err.value.field == "operator" and "Marisol Ortega" in err.value.message
    assert not (tmp_path / "x.pdf").exists()


def test_ics213rr_blocks_and_values(demo_store: Store, tmp_path: Path) -> None:
    inc = _incident(demo_store)
    req = next(
        r
        for r in requests.list_requests(demo_store, incident_id=inc.id)
        if r.priority == "urgent" and r.order_number and r.supplier
    )
    out = tmp_path / "rr.pdf"
    result = build_ics213rr(demo_store, out, request=req.number, prepared_by=DUTY_OFFICER, now=NOW)
    pages = pdf_pages(out)
    text = " ".join(pages)
    for title in ICS213RR_BLOCKS:
        assert title in text, title
    assert f"3. Resource Request Number: {req.number}" in text
    assert req.resource_kind in text and req.order_number in text and req.supplier in text
    assert "☒ Urgent ☐ Routine ☐ Low" in text
    history = requests.status_history(demo_store, request_id=req.id)
    if any(h.status == "approved" for h in history):
        assert "9. Section Chief Approval: Approved" in text
    assert result.pages == len(pages)
    assert_page_numbers(pages, prefix="ICS 213 RR, ")


def test_ics213rr_unknown_request_names_the_field(demo_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        build_ics213rr(demo_store, tmp_path / "x.pdf", request="NOPE-999")
    assert err.value.field == "request"


def test_hics251_fills_mapped_rows_and_marks_protected_values(
    demo_store: Store, tmp_path: Path
) -> None:
    from hcc_desktop.cli.context import resolve_org

    griffin = resolve_org(demo_store, "Griffin Hospital", "facility")
    out = tmp_path / "251.pdf"
    result = build_hics251(
        demo_store, out, facility_id=griffin.id, period=3, prepared_by=DUTY_OFFICER,
        now=NOW, zone=ZONE,
    )  # fmt: skip
    pages = pdf_pages(out)
    text = " ".join(pages)
    for title in (
        "HICS 251 — FACILITY SYSTEM STATUS REPORT",
        "1. Incident Name:",
        "2. Operational Period:",
        "3. Name of Facility Reporting Status: Griffin Hospital",
        "4. System",
        "5. Status",
        "Fully Functional Partially Functional Non- functional N/A",
        "6. Comments",
        "7. Prepared by:",
        "Potable water",
        "Medical vacuum",
    ):
        assert title in text, title
    assert "Down — EEI, period 3" in text  # its IT outage, a protected EEI
    assert result.rows >= 3
    for page in pages:
        assert SENSITIVE_MARKING in page
    assert_page_numbers(pages, prefix="HICS 251, ")


def test_hics251_unknown_facility_names_the_field(demo_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        build_hics251(demo_store, tmp_path / "x.pdf", facility_id="no-such-facility")
    assert err.value.field == "facility"
