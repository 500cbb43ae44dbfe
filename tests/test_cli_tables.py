"""What the text tables and their --json show: `eei grid` headers a person can tell
apart, and `requests list` with what the members filled and what went to the state."""

# ruff: noqa: F811  (the fixtures of tests/test_cli.py, taken as parameters)

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.test_cli import Run, coalition, incident, run  # noqa: F401


def test_eei_grid_headers_are_distinct(run: Run, incident: str) -> None:
    """The facility's name and its FACILITY_STATUS element were both headed FACILITY."""
    r = run("eei", "set", "--org", "YNHH", "--period", "2", "FACILITY_STATUS=Normal",
            "--at", "2026-11-17T20:30")  # fmt: skip
    assert r.code == 0, r.err
    text = run("eei", "grid", "--period", "2").out
    header = next(line for line in text.splitlines() if line.startswith("ID "))
    columns = header.split()
    assert columns[:3] == ["ID", "FACILITY", "FACILITY_STATUS"], header
    assert len(columns) == len(set(columns)), header


def _requests(run: Run) -> None:
    for kind, qty in (("Cots", "20"), ("Ventilator", "4")):
        r = run("requests", "add", "--kind", kind, "--quantity", qty, "--requester", "YNHH")
        assert r.code == 0, r.err


def test_requests_list_shows_filled_and_elevated(run: Run, incident: str) -> None:
    _requests(run)
    assert run("requests", "fill", "TEST-001", "12").code == 0
    r = run("requests", "elevate", "TEST-001", "--tracking", "ESF8-77", "--to", "state")
    assert r.code == 0, r.err
    listed = {q["number"]: q for q in run("requests", "list", "--json").json()}
    cots, vents = listed["TEST-001"], listed["TEST-002"]
    assert cots["filled_quantity"] == 12 and cots["elevated_quantity"] == 8
    assert cots["elevated_to"] == "state" and cots["elevated_ref"] == "ESF8-77"
    assert cots["unfilled"] == 0
    assert vents["filled_quantity"] is None and vents["elevated_quantity"] is None
    assert vents["unfilled"] == 4
    assert {"id", "number", "status", "quantity", "needed_by", "status_note"} <= set(cots)
    lines = run("requests", "list").out.splitlines()
    assert lines[0].split()[-2:] == ["FILLED", "ELEVATED"]
    row = next(line for line in lines if line.startswith("TEST-001"))
    assert row.split()[-4:] == ["12/20", "8", "->", "state"], row
    other = next(line for line in lines if line.startswith("TEST-002"))
    assert "/" not in other and "->" not in other


def test_requests_list_without_fills_keeps_its_columns(run: Run, incident: str) -> None:
    _requests(run)
    header = run("requests", "list").out.splitlines()[0]
    assert "FILLED" not in header and "ELEVATED" not in header


def test_hpp_report_text_and_pdf_count_responses(
    run: Run, incident: str, coalition: dict[str, str], store_path: Path, wall: Any, tmp_path: Path
) -> None:
    """The CLI's `eei-requests report` and the printed page say what the GUI's dock says:
    responses, with the partners and rounds they come from."""
    from pypdf import PdfReader

    from hcc_desktop.core.opening import open_store
    from hcc_desktop.core.services import eei_requests
    from hcc_desktop.core.services.common import Actor

    with open_store(store_path, wall=wall) as s:
        eei_requests.issue_request(
            s, actor=Actor("Setup Script", "Planning"), incident_id=incident, title="Status",
            elements=["FACILITY_STATUS"], targets={"types": ["hospital"]},
            due_at="2026-11-17T09:00Z", repeat="hours", repeat_hours=12,
            issued_at="2026-11-17T08:00Z",
        )  # fmt: skip
        rep = eei_requests.hpp_report(s, incident_id=incident)
    line = rep.responses_line()
    assert line.startswith(f"0 of {rep.total.denominator} partner responses (")
    assert f"({rep.partners} partners, {rep.rounds} request rounds) on time" in line
    assert rep.rounds > 1 and rep.total.denominator == rep.partners * rep.rounds
    r = run("eei-requests", "report")
    assert r.code == 0, r.err
    assert f"{line} (0%)" in r.out.splitlines()
    assert run("eei-requests", "report", "--json").json()["partners"] == rep.partners
    pdf = tmp_path / "hpp.pdf"
    assert run("eei-requests", "report", "--pdf", str(pdf)).code == 0
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert line in text, text[:400]
