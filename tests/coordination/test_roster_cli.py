"""`roster ...` and `duty ...` on the command line: the JSON contract, exit 1 with the
field named and the store unchanged."""

# ruff: noqa: F811  (`run` is the CLI fixture of tests/test_cli.py, taken as a parameter)
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
    r = run("incidents", "create", "Ice storm", "--type", "winter_storm", "--start",
            "2026-11-18T01:00")  # fmt: skip
    assert r.code == 0, r.err


def test_roster_sign_in_relief_and_sign_out(
    run: Run,
    incident: None,
    store_path: Path,
    wall: Any,
) -> None:
    r = run("roster", "sign-in", "duty_officer", "Sam Ortiz", "--at", "2026-11-18T02:00",
            "--phone", "860-555-0101")  # fmt: skip
    assert r.code == 0 and "Sam Ortiz signed in as Duty Officer" in r.out, r.err
    unchanged(run, store_path, wall, "roster", "sign-in", "duty officer", "Kim Lee", "--at",
              "2026-11-18T05:00", field="position")  # fmt: skip
    r = run("roster", "sign-in", "Duty Officer", "Kim Lee", "--at", "2026-11-18T05:00",
            "--relieve")  # fmt: skip
    assert r.code == 0, r.err
    rows = run("roster", "list", "--json").json()
    assert [(x["person"], x["on_duty"]) for x in rows] == [("Sam Ortiz", False),
                                                         ("Kim Lee", True)]  # fmt: skip
    assert rows[0]["signed_out_at"] == rows[1]["signed_in_at"] == "2026-11-18T10:00:00Z"
    r = run("roster", "holders")
    assert "Duty officer: Kim Lee" in r.out
    unchanged(run, store_path, wall, "roster", "sign-out", rows[1]["id"][-8:], "--at",
              "2026-11-18T04:00", field="signed_out_at")  # fmt: skip
    unchanged(run, store_path, wall, "roster", "sign-out", rows[0]["id"][-8:],
              field="assignment")  # fmt: skip
    assert run("roster", "sign-out", rows[1]["id"][-8:]).code == 0
    assert run("roster", "holders", "--json").json() == []
    unchanged(run, store_path, wall, "roster", "sign-in", "janitor", "Al", field="position")


def test_duty_schedule_marks_gaps(run: Run, store_path: Path, wall: Any) -> None:
    assert run("duty", "add", "Sam Ortiz", "--start", "2026-11-18T08:00",
               "--end", "2026-11-18T20:00").code == 0  # fmt: skip
    assert run("duty", "add", "Kim Lee", "--start", "2026-11-19T08:00",
               "--end", "2026-11-19T20:00", "--phone", "860-555-0102").code == 0  # fmt: skip
    slots = run("duty", "list", "--from", "2026-11-18T08:00", "--to", "2026-11-19T20:00",
                "--json").json()  # fmt: skip
    assert [(s["person"], s["gap"]) for s in slots] == [
        ("Sam Ortiz", False), (None, True), ("Kim Lee", False)]  # fmt: skip
    out = run("duty", "list", "--from", "2026-11-18T08:00", "--days", "2").out
    assert "GAP - nobody on call" in out and "2 shifts, 2 gaps" in out
    unchanged(run, store_path, wall, "duty", "add", "Pat Roe", "--start", "2026-11-20T08:00",
              "--end", "2026-11-20T07:00", field="ends_at")  # fmt: skip
    unchanged(run, store_path, wall, "duty", "add", "Pat Roe", "--start", "someday",
              "--end", "2026-11-20T07:00", field="starts_at")  # fmt: skip
    r = run("duty", "update", slots[0]["id"][-8:], "--end", "2026-11-19T08:00")
    assert r.code == 0 and "ends_at changed" in r.out
    assert run("duty", "list", "--from", "2026-11-18T08:00", "--to", "2026-11-19T20:00",
               "--json").json()[1]["gap"] is False  # fmt: skip
    assert run("duty", "remove", slots[0]["id"][-8:]).code == 0
