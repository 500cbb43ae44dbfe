"""`log add --at` a time well ahead of the station's clock is refused as a typo (exit 1,
one line naming occurred_at, the store unchanged); a few minutes ahead is accepted."""

# ruff: noqa: F811  (the fixtures of tests/test_cli.py, taken as parameters)

from __future__ import annotations

from typing import Any

from hcc_desktop.core.timeutil import from_ms
from tests.test_cli import Run, coalition, dump, incident, refused, run  # noqa: F401


def test_log_add_years_ahead_is_refused(run: Run, incident: str, wall: Any) -> None:
    before = dump(run)
    for at in ("2030-01-01T00:00Z", from_ms(wall.ms + 20 * 60_000)):
        r = run("log", "add", "x", "--at", at)
        refused(r, "occurred_at")
        assert "in the future (" in r.err and r.err.rstrip().endswith("check the date")
    assert dump(run) == before


def test_log_add_ten_minutes_ahead_is_accepted(run: Run, incident: str, wall: Any) -> None:
    at = from_ms(wall.ms + 10 * 60_000)
    r = run("log", "add", "Coalition call starting", "--at", at)
    assert r.code == 0, r.err
    assert run("log", "list", "--json").json()[-1]["occurred_at"] == at
