"""`requests show` and `--seen` on `requests set-status|fill|elevate`: a script says
which versions it read, so a change made from a stale view is recorded as concurrent
with the other seat's (a conflict when they disagree, listed by `conflicts list`)
instead of silently overwriting it; a bad `--seen` is exit 1, one line naming the
option and the unit, and the store unchanged."""

# ruff: noqa: F811  (the fixtures of tests/test_cli.py, taken as parameters)

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import Run, coalition, dump, incident, refused, run  # noqa: F401

BEN = ("--operator", "Ben Cole", "--position", "Logistics")
VERSION = re.compile(r"[0-9a-f]{64}")


def _sourcing(run: Run, kind: str = "Cots", quantity: str = "10") -> str:
    """A request in sourcing (fills and elevations allowed); its number."""
    r = run("requests", "add", "--kind", kind, "--quantity", quantity)
    assert r.code == 0, r.err
    number = r.out.split()[1]
    for step in ("approved", "sourcing"):
        assert run("requests", "set-status", number, step).code == 0
    return number


def _view(run: Run, number: str) -> dict[str, Any]:
    r = run("requests", "show", number, "--json")
    assert r.code == 0, r.err
    return r.json()


def _conflicts(run: Run) -> list[dict[str, Any]]:
    return run("conflicts", "list", "--json").json()


def _state(run: Run, store_path: Path) -> tuple[str, int, int]:
    """The dump plus the counts of versions and change sets: a refusal changes none."""
    text = dump(run)
    with sqlite3.connect(store_path) as db:
        versions = db.execute("SELECT count(*) FROM versions").fetchone()[0]
        changes = db.execute("SELECT count(*) FROM change_sets").fetchone()[0]
    return text, versions, changes


def test_show_prints_the_versions_and_a_current_seen_is_a_plain_change(
    run: Run, incident: str, tmp_path: Path
) -> None:
    number = _sourcing(run)
    view = _view(run, number)
    assert view["number"] == number and view["status"] == "sourcing"
    assert VERSION.fullmatch(view["seen"]["status"]) and view["seen"]["escalation"] is None
    assert view["unfilled"] == 10 and view["filled_quantity"] is None
    text = run("requests", "show", number).out
    assert f"--seen status={view['seen']['status']} --seen escalation=none" in text

    # The `seen` object as JSON text: an up-to-date view, an ordinary fill.
    r = run("requests", "fill", number, "4", "--seen", json.dumps(view["seen"]))
    assert (r.code, r.err) == (0, ""), r.err
    assert "members filled 4 of 10" in r.out
    view = _view(run, number)
    assert view["filled_quantity"] == 4 and VERSION.fullmatch(view["seen"]["escalation"])

    # UNIT=VERSION, repeatable; the unit the command does not change is checked, unused.
    seen = [f"--seen={u}={v}" for u, v in view["seen"].items()]
    r = run("requests", "set-status", number, "committed", *seen)
    assert (r.code, r.err) == (0, ""), r.err
    assert r.out.strip() == f"{number}: sourcing -> committed"

    # The whole `show --json` output saved to a file.
    saved = tmp_path / "view.json"
    saved.write_text(run("requests", "show", number, "--json").out)
    r = run("requests", "elevate", number, "--tracking", "CT-1", "--seen", f"@{saved}")
    assert (r.code, r.err) == (0, ""), r.err
    after = _view(run, number)
    assert (after["filled_quantity"], after["elevated_quantity"], after["unfilled"]) == (4, 6, 0)
    assert after["status"] == "committed"
    assert _conflicts(run) == []


def test_a_fill_from_a_stale_view_is_recorded_as_a_conflict(
    run: Run, incident: str, tmp_path: Path
) -> None:
    """Dana's script reads the request (none filled); Ben records 4; Dana's script,
    still on its view, records 6. Not written over Ben's 4: the two stand as a
    conflict, as two stations' fills would."""
    number = _sourcing(run)
    saved = tmp_path / "view.json"
    saved.write_text(run("requests", "show", number, "--json").out)
    assert run(*BEN, "requests", "fill", number, "4").code == 0
    r = run("requests", "fill", number, "6", "--seen", f"@{saved}")
    assert r.code == 0, r.err
    (line,) = r.err.splitlines()
    assert line.startswith(f"hcc-desktop: --seen: {number}'s escalation was changed by Ben Cole")
    (conflict,) = _conflicts(run)
    assert conflict["unit"] == "escalation" and conflict["id"][:8] in line
    assert conflict["record_id"] == json.loads(saved.read_text())["id"]
    assert sorted(s["value"]["filled_quantity"] for s in conflict["sides"]) == [4, 6]
    assert f"request {number}, escalation" in run("conflicts", "list").out


def test_a_status_step_from_a_stale_view_conflicts_only_when_the_steps_disagree(
    run: Run, incident: str
) -> None:
    """The step is checked against the status the view showed (submitted), so it is
    not refused because Ben moved the request meanwhile; the same step as Ben's makes
    no conflict, a different one does."""
    agree = run("requests", "add", "--kind", "Cots", "--quantity", "5").out.split()[1]
    differ = run("requests", "add", "--kind", "Tents", "--quantity", "2").out.split()[1]
    views = {n: _view(run, n)["seen"]["status"] for n in (agree, differ)}
    for n in (agree, differ):
        assert run(*BEN, "requests", "set-status", n, "approved").code == 0

    r = run("requests", "set-status", agree, "approved", "--seen", f"status={views[agree]}")
    assert r.code == 0, r.err
    assert r.err.splitlines() == [
        f"hcc-desktop: --seen: {agree}'s status was changed by Ben Cole (Logistics) after "
        "your view; recorded as a concurrent change; it agrees with theirs, no conflict"
    ]
    assert _conflicts(run) == []

    r = run("requests", "set-status", differ, "denied", "--seen", f"status={views[differ]}")
    assert r.code == 0, r.err
    assert len(r.err.splitlines()) == 1 and "conflict" in r.err and "is open" in r.err
    (conflict,) = _conflicts(run)
    assert conflict["unit"] == "status"
    assert sorted(s["value"]["status"] for s in conflict["sides"]) == ["approved", "denied"]


def test_an_elevation_from_a_stale_view_is_reckoned_from_what_it_showed(
    run: Run, incident: str
) -> None:
    number = _sourcing(run)
    seen = json.dumps(_view(run, number))
    assert run(*BEN, "requests", "fill", number, "7").code == 0
    r = run("requests", "elevate", number, "--tracking", "CT-2", "--seen", seen)
    assert r.code == 0, r.err
    assert "is open" in r.err and len(r.err.splitlines()) == 1
    (conflict,) = _conflicts(run)
    sides = {(s["value"]["filled_quantity"], s["value"]["elevated_quantity"]) for s in conflict["sides"]}  # fmt: skip
    assert sides == {(None, 10), (7, None)}


def test_a_stale_fill_of_what_the_view_showed_records_nothing(run: Run, incident: str) -> None:
    number = _sourcing(run)
    assert run("requests", "fill", number, "3").code == 0
    seen = f"escalation={_view(run, number)['seen']['escalation']}"
    assert run(*BEN, "requests", "fill", number, "5").code == 0
    r = run("requests", "fill", number, "3", "--seen", seen)
    assert r.code == 0, r.err
    assert "nothing recorded" in r.err and len(r.err.splitlines()) == 1
    assert _view(run, number)["filled_quantity"] == 5 and _conflicts(run) == []


def _bad_cases(
    number: str, view: dict[str, Any], other_view: dict[str, Any], tmp: Path
) -> list[tuple[list[str], str]]:
    """(command line, what the one line must say) for each kind of bad `--seen`."""
    status = view["seen"]["status"]
    not_json = tmp / "not.json"
    not_json.write_text('{"seen": ')
    fill = ["requests", "fill", number, "2"]
    step = ["requests", "set-status", number, "committed"]
    lift = ["requests", "elevate", number, "--tracking", "T-9"]
    return [
        ([*fill, "--seen", "escalation"], "expected UNIT=VERSION, a JSON object or @FILE"),
        ([*fill, "--seen", "=abc"], "expected UNIT=VERSION"),
        ([*fill, "--seen", '{"escalation": '], "not JSON"),
        ([*fill, "--seen", '["escalation"]'], "expected a JSON object"),
        ([*fill, "--seen", '{"escalation": 5}'], "escalation: expected a version id or null"),
        ([*fill, "--seen", '{"seen": "x"}'], "seen: expected an object"),
        ([*fill, "--seen", f"@{not_json}"], "not.json: not JSON"),
        ([*fill, "--seen", f"@{tmp / 'missing.json'}"], "missing.json: cannot be read"),
        ([*fill, "--seen", "quantity=abc"], "quantity: not a unit of a request"),
        ([*fill, "--seen", "escalation=none", "--seen", "stauts=x"], "stauts: not a unit"),
        ([*fill, "--seen", f"status={status}"], "escalation: missing"),
        ([*lift, "--seen", "escalation=none", "--seen", "status=none"], "status: a request"),
        ([*step, "--seen", "escalation=none"], "status: missing"),
        ([*step, "--seen", "status=none"], "status: a request always has a status version"),
        ([*step, "--seen", "status=0123abcd"], "status: '0123abcd' is not a version of"),
        # A version, but of another unit of this request, or of another request.
        ([*fill, "--seen", f"escalation={status}"], "escalation: '"),
        ([*step, "--seen", f"status={other_view['seen']['status']}"], "is not a version of"),
        ([*lift, "--seen", json.dumps(other_view)], "id: the view given is of request"),
        (
            [*step, "--seen", f"status={status}", "--seen", "status=none"],
            "status: given twice",
        ),
    ]


def test_bad_seen_is_refused_naming_the_option_and_the_store_is_unchanged(
    run: Run, incident: str, store_path: Path, tmp_path: Path
) -> None:
    number = _sourcing(run)
    view, other_view = _view(run, number), _view(run, _sourcing(run, "Tents", "3"))
    before = _state(run, store_path)
    for args, says in _bad_cases(number, view, other_view, tmp_path):
        r = run(*args)
        refused(r, "--seen")
        assert says in r.err, (args, r.err)
    assert _state(run, store_path) == before


@pytest.mark.parametrize("command", ["set-status", "fill", "elevate"])
def test_help_documents_seen(run: Run, command: str) -> None:
    r = run("requests", command, "--help")
    assert r.code == 0 and "--seen SEEN" in r.out and "requests show" in r.out
