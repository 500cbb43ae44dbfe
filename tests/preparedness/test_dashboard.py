"""The capability dashboard (issue 14, part 6): per ASPR capability, plans by review
state, exercises held in the twelve months up to the day, open and overdue corrective
actions, and members trained (derived from exercise participation), all judged on
the day given; and the `capabilities` command."""

from __future__ import annotations

import datetime as dt

import pytest

from hcc_desktop.core.services import dashboard, exercises, improvement, plans
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from tests.test_cli import Run, refused

TODAY = dt.date(2026, 11, 18)


@pytest.fixture
def year(store: Store, actor: Actor) -> dict[str, str]:
    made = {}
    for key in ("a", "b", "c"):
        made[key] = orgs.add_organization(
            store, actor=actor, name=f"Member {key}", member_type="hospital", membership="core"
        )
    plans.add_plan(store, actor=actor, title="Response plan", plan_type="coalition_response",
                   owner_org_id=made["a"], capabilities="2", review_due="2027-06-01")  # fmt: skip
    plans.add_plan(store, actor=actor, title="COOP", plan_type="coop", owner_org_id=made["b"],
                   capabilities="2,3", review_due="2026-10-01")  # fmt: skip
    plans.add_plan(store, actor=actor, title="Surge annex", plan_type="surge_annex",
                   owner_org_id=made["a"], capabilities="4")  # fmt: skip
    for name, start, members, caps in (
        ("TTX this spring", "2026-04-01", ["a", "b"], "2.2,3.4"),
        ("Drill last year", "2025-10-01", ["c"], "2.3"),  # more than twelve months ago
        ("FE next month", "2026-12-10", ["c"], "4"),  # not held yet
        ("Seminar", "2026-11-18", ["b", "c"], "2"),  # today counts
    ):
        eid = exercises.add_exercise(
            store, actor=actor, name=name, exercise_type="tabletop", starts_on=start,
            participants=[made[k] for k in members],
        )  # fmt: skip
        exercises.set_objective(store, actor=actor, exercise_id=eid, text="Objective",
                                capabilities=caps)  # fmt: skip
    for cap, due, status in (("2.2", "2026-11-01", "open"), ("2", "2027-01-01", "in_progress"),
                             ("3.4", "2026-10-01", "complete"), ("4", None, "open")):  # fmt: skip
        improvement.add_action(store, actor=actor, action="Do it", capability=cap, issue="Gap",
                               owner_org_id=made["a"], due_on=due, status=status)  # fmt: skip
    return made


def test_dashboard_per_capability(store: Store, year: dict[str, str]) -> None:
    rows = {r.capability: r.as_dict() for r in dashboard.dashboard(store, today=TODAY)}
    assert list(rows) == ["1", "2", "3", "4"]
    got = {
        k: (r["plans_current"], r["plans_overdue"], r["plans_no_review_date"],
            [e["name"] for e in r["exercises"]], r["actions_open"], r["actions_overdue"],
            r["members_trained"])
        for k, r in rows.items()
    }  # fmt: skip
    assert got == {
        "1": (0, 0, 0, [], 0, 0, 0),
        "2": (1, 1, 0, ["Seminar", "TTX this spring"], 2, 1, 3),
        "3": (0, 1, 0, ["TTX this spring"], 0, 0, 2),
        "4": (0, 0, 1, [], 1, 0, 0),
    }
    # A year on, this spring's tabletop falls out of the window and the plan goes stale.
    later = {r.capability: r for r in dashboard.dashboard(store, today=dt.date(2027, 7, 1))}
    assert [e["name"] for e in later["2"].exercises] == ["Seminar"]
    assert (later["2"].plans_current, later["2"].plans_overdue) == (0, 2)


def test_cli_capabilities(run: Run, coalition: dict[str, str]) -> None:
    assert run("plans", "add", "COOP", "--type", "coop", "--owner", "YNHH", "--capability", "3",
               "--review-due", "2026-10-01").code == 0  # fmt: skip
    data = run("capabilities", "--json").json()  # the fake clock: 2026-11-18
    assert data["as_of"] == "2026-11-18"
    assert [(c["capability"], c["plans_overdue"]) for c in data["capabilities"]] == [
        ("1", 0), ("2", 0), ("3", 1), ("4", 0)]  # fmt: skip
    assert run("capabilities", "--as-of", "2026-01-01", "--json").json()["capabilities"][2][
        "plans_current"] == 1  # fmt: skip
    assert "Medical Surge" in run("capabilities").out


def test_cli_capabilities_refuses_a_bad_day(run: Run, coalition: dict[str, str]) -> None:
    before = run("dump").out
    refused(run("capabilities", "--as-of", "soon"), "as_of")
    assert run("dump").out == before
