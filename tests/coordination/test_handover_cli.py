"""`handover ...` and `requests fill|elevate|history` on the command line, and the
handover PDF's text (pypdf): what was handed over is on the page."""

# ruff: noqa: F811  (`run` is the CLI fixture of tests/test_cli.py, taken as a parameter)
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.opening import open_store
from tests.test_cli import Run, run  # noqa: F401  (the fixture)


def unchanged(run: Run, store_path: Path, wall: Any, *args: str, field: str) -> None:
    with open_store(store_path, wall=wall) as s:
        before = dump_text(s)
    r = run(*args)
    assert r.code == 1, r
    assert field in r.err and len(r.err.strip().splitlines()) == 1, r.err
    with open_store(store_path, wall=wall) as s:
        assert dump_text(s) == before


@pytest.fixture
def incident(run: Run) -> None:
    assert run("incidents", "create", "Ice storm", "--type", "winter_storm", "--start",
               "2026-11-18T01:00").code == 0  # fmt: skip
    r = run("requests", "add", "--kind", "Portable generator", "--quantity", "10",
            "--priority", "urgent", "--needed-by", "2026-11-18T05:00")  # fmt: skip
    assert r.code == 0, r.err


def test_fill_elevate_and_history(run: Run, incident: None, store_path: Path, wall: Any) -> None:
    [req] = run("requests", "list", "--json").json()
    num = req["number"]
    r = run("requests", "fill", num, "4", "--note", "Yale 2, Hartford 2")
    assert r.code == 0 and "members filled 4 of 10 each; 6 unfilled" in r.out, r.err
    unchanged(run, store_path, wall, "requests", "fill", num, "11", field="filled_quantity")
    unchanged(run, store_path, wall, "requests", "elevate", num, "--tracking", "",
              field="elevated_ref")  # fmt: skip
    unchanged(run, store_path, wall, "requests", "elevate", num, "--tracking", "T-1",
              "--quantity", "7", field="elevated_quantity")  # fmt: skip
    r = run("requests", "elevate", num, "--tracking", "CT-DPH-0412", "--to", "CT DPH ESF-8")
    assert r.code == 0 and "6 each elevated to CT DPH ESF-8, tracking number CT-DPH-0412" in r.out
    steps = run("requests", "history", num, "--json").json()
    assert [(s["kind"], s["status"]) for s in steps] == [
        ("status", "submitted"), ("fill", None), ("elevated", None)]  # fmt: skip
    assert "tracking CT-DPH-0412" in run("requests", "history", num).out
    assert usage_code(run, "requests", "elevate", num) == 2


def usage_code(run: Run, *args: str) -> int:
    try:
        return run(*args).code
    except SystemExit as exc:
        return int(exc.code or 0)


def test_prepare_ack_list_print(
    run: Run,
    incident: None,
    store_path: Path,
    wall: Any,
    tmp_path: Path,
) -> None:
    assert run("roster", "sign-in", "duty_officer", "Sam Ortiz", "--at",
               "2026-11-18T01:30").code == 0  # fmt: skip
    shown = run("handover", "show", "--json").json()
    assert shown["positions"][0]["person"] == "Sam Ortiz"
    assert shown["requests_open"][0]["overdue"] is True
    text = run("handover", "show").out
    assert "1 open requests (1 overdue)" in text and "OVERDUE" in text
    r = run("handover", "prepare", "--incoming", "Kim Lee", "--notes", "Watch generator")
    assert r.code == 0, r.err
    [h] = run("handover", "list", "--json").json()
    assert h["acknowledged_at"] is None and h["counts"]["requests_overdue"] == 1
    unchanged(run, store_path, wall, "handover", "ack", h["id"][-8:], field="acknowledged_by")
    r = run("handover", "ack", h["id"][-8:], "--by", "Kim Lee", "--note", "Taken over")
    assert r.code == 0, r.err
    unchanged(run, store_path, wall, "handover", "ack", h["id"][-8:], "--by", "Kim Lee",
              field="handover")  # fmt: skip
    log = run("log", "list", "--json").json()
    assert any(e["text"].startswith("Shift handover from Dana Reyes") for e in log)
    out = tmp_path / "handover.pdf"
    r = run("handover", "print", str(out), "--handover", h["id"][-8:])
    assert r.code == 0, r.err
    pdf = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    for needle in ("Shift handover: Ice storm", "Open resource requests (1)", "OVERDUE",
                   "Portable generator", "Sam Ortiz", "Acknowledged", "Kim Lee", "Taken over",
                   "No conflicts awaiting a decision."):  # fmt: skip
        assert needle in pdf, needle
    preview = tmp_path / "preview.pdf"
    assert run("handover", "print", str(preview)).code == 0
    assert "preview of the report" in PdfReader(preview).pages[-1].extract_text()
    unchanged(run, store_path, wall, "handover", "print", str(tmp_path / "x.pdf"), "--handover",
              "nothere", field="handover")  # fmt: skip
