"""The `eei-requests` and `messages` commands: the JSON contract, the partner lines as
reports arrive through `eei set`, the HPP-PHEP 6.1 XLSX and PDF, the communications
lists, and refusals that name the field and change nothing."""

# ruff: noqa: F811  (the fixtures of tests/test_cli.py, taken as parameters)
from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.test_cli import Run, coalition, incident, refused, run  # noqa: F401


def _issue(run: Run, *extra: str) -> str:
    r = run("eei-requests", "issue", "Hospital status by 09:00", "--elements",
            "FACILITY_STATUS,BEDS_TOTAL_AVAILABLE", "--type", "hospital",
            "--issued", "2026-11-18T06:00", "--due", "2026-11-18T09:00", "--channel", "email",
            *extra)  # fmt: skip
    assert r.code == 0, r.err
    assert "2 partners" in r.out
    return run("eei-requests", "list", "--json").json()[0]["id"]


def test_issue_show_report_and_print(
    run: Run, coalition: dict[str, str], incident: str, tmp_path: Path
) -> None:
    rid = _issue(run)
    listed = run("eei-requests", "list", "--json").json()[0]
    assert listed["counts"]["sent"] == 2 and listed["context"] == "incident"
    # YNHH answers at 08:30 local (by 09:00), Baystate at 09:30 (late).
    for org, at in (("YNHH", "2026-11-18T08:30"), ("Baystate Medical Center", "2026-11-18T09:30")):
        r = run("eei", "set", "--org", org, "--period", "2", "--at", at,
                "FACILITY_STATUS=Normal", "BEDS_TOTAL_AVAILABLE=40")  # fmt: skip
        assert r.code == 0, r.err
    shown = run("eei-requests", "show", rid[-8:], "--json", "--at", "2026-11-18T10:00").json()
    states = {ln["name"]: ln["state"] for ln in shown["lines"]}
    assert states == {"Yale New Haven Hospital": "on_time", "Baystate Medical Center": "late"}
    text = run("eei-requests", "show", rid, "--at", "2026-11-18T08:45").out
    assert "To call: Baystate Medical Center" in text

    rep = run("eei-requests", "report", "--json", "--at", "2026-11-18T10:00").json()
    assert rep["total"] == {"numerator": 1, "denominator": 2, "late": 1, "missing": 0,
                            "percent": 50.0}  # fmt: skip
    assert rep["by_partner_type"]["Hospitals"]["denominator"] == 2
    xlsx, pdf = tmp_path / "hpp.xlsx", tmp_path / "hpp.pdf"
    r = run("eei-requests", "report", "--at", "2026-11-18T10:00", "--xlsx", str(xlsx),
            "--pdf", str(pdf), "--letter")  # fmt: skip
    assert r.code == 0, r.err
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Incident", "Context", "Request", "Partner type", "Numerator")
    assert rows[-1][3:] == ("All partners", 1, 2, 1, 0, 50)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "HPP-PHEP 6.1" in text and "1 of 2 partner responses" in text and "Hospitals" in text

    r = run("eei-requests", "remind", rid[-8:], "--member", "Baystate Medical Center")
    assert r.code == 0, r.err
    msgs = run("messages", "list", "--json", "--kind", "eei_reminder").json()
    assert msgs[0]["recipients"][0]["recipient"] == "Baystate Medical Center"
    assert run("eei-requests", "close", rid).code == 0
    assert run("eei-requests", "list", "--json", "--status", "closed").json()[0]["id"] == rid


def test_messages_add_ack_and_print(
    run: Run, coalition: dict[str, str], incident: str, tmp_path: Path
) -> None:
    r = run("messages", "add", "Shelter status call at 14:00", "--kind", "advisory",
            "--channel", "email", "--to", "YNHH,BBHD", "--to", "State ESF-8 desk",
            "--at", "2026-11-18T05:00")  # fmt: skip
    assert r.code == 0, r.err
    mid = run("messages", "list", "--json").json()[0]["id"]
    assert run("messages", "ack", mid[-8:], "--by", "YNHH", "--channel", "phone").code == 0
    assert run("messages", "ack", mid[-8:], "--by", "State ESF-8 desk").code == 0
    shown = run("messages", "show", mid, "--json").json()
    acked = {x["recipient"]: bool(x["acknowledged_at"]) for x in shown["recipients"]}
    assert acked == {"Yale New Haven Hospital": True, "Bristol-Burlington Health District": False,
                     "State ESF-8 desk": True}  # fmt: skip
    waiting = run("messages", "list", "--json", "--unacknowledged").json()
    assert [w["id"] for w in waiting] == [mid]
    out205, outlist = tmp_path / "ics205a.pdf", tmp_path / "outbound.pdf"
    assert run("messages", "print", "ics205a", str(out205)).code == 0
    assert run("messages", "print", "outbound", str(outlist)).code == 0
    text = "".join(p.extract_text() for p in PdfReader(out205).pages)
    assert "ICS 205A" in text and "NOT FOR PUBLIC RELEASE" in text
    text = "".join(p.extract_text() for p in PdfReader(outlist).pages)
    assert "Shelter status call at 14:00" in text and "2/3" in text


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("eei-requests", "issue", "X", "--elements", "NOPE", "--type", "hospital",
          "--due", "2026-11-18T09:00"), "elements"),
        (("eei-requests", "issue", "X", "--elements", "FACILITY_STATUS",
          "--due", "2026-11-18T09:00"), "targets"),
        (("eei-requests", "issue", "X", "--elements", "FACILITY_STATUS", "--type", "hospital",
          "--due", "2026-11-18T09:00", "--repeat", "hours"), "repeat_hours"),
        (("eei-requests", "issue", "X", "--elements", "FACILITY_STATUS", "--type", "hospital",
          "--due", "2026-11-17T09:00"), "due_at"),
        (("eei-requests", "issue", "X", "--elements", "FACILITY_STATUS", "--type", "hospital",
          "--due", "2026-11-18T09:00", "--context", "tabletop"), "context"),
        (("eei-requests", "show", "zzzzzzzz"), "request"),
        (("messages", "add", "X", "--kind", "pigeon"), "kind"),
        (("messages", "add", "X", "--direction", "up"), "direction"),
        (("messages", "add", "", "--kind", "other"), "subject"),
        (("messages", "add", "X", "--at", "noonish"), "sent_at"),
        (("messages", "ack", "zzzzzzzz", "--by", "YNHH"), "message"),
    ],
)  # fmt: skip
def test_refusals_name_the_field_and_change_nothing(
    run: Run, coalition: dict[str, str], incident: str, args: tuple[str, ...], field: str
) -> None:
    before = run("dump").out
    refused(run(*args), field)
    assert run("dump").out == before
