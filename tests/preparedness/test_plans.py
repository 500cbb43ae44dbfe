"""Plans register and essential functions (issue 14, part 3): editions as one unit,
overdue judged against the day given, functions by member with priority and RTO, and
the `plans` commands. Every refusal names its field and leaves the store as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from hcc_desktop.core import models as m
from hcc_desktop.core.services import continuity, plans
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from tests.test_cli import Run, refused
from tests.test_services_orgs import refused as refused_call

TODAY = dt.date(2026, 11, 18)


@pytest.fixture
def hospital(store: Store, actor: Actor) -> str:
    return orgs.add_organization(
        store, actor=actor, name="Hartford Hospital", member_type="hospital", membership="core"
    )


@pytest.fixture
def coop(store: Store, actor: Actor, hospital: str) -> str:
    return plans.add_plan(
        store, actor=actor, title="Hartford Hospital COOP", plan_type="coop",
        owner_org_id=hospital, version="5", approved_on="2025-10-01", review_due="2026-10-01",
        capabilities="3",
    )  # fmt: skip


def test_review_state_against_the_day(store: Store, actor: Actor, hospital: str, coop: str) -> None:
    plans.add_plan(store, actor=actor, title="Surge annex", plan_type="surge_annex",
                   owner_org_id=hospital, review_due="2027-01-01")  # fmt: skip
    plans.add_plan(store, actor=actor, title="Evacuation", plan_type="evacuation",
                   owner_org_id=hospital)  # fmt: skip
    rows = plans.plan_rows(store, today=TODAY)
    assert [(r.plan.title, r.review, r.days_overdue) for r in rows] == [
        ("Hartford Hospital COOP", "overdue", 48),
        ("Surge annex", "due soon", -44),
        ("Evacuation", "no review date", None),
    ]
    assert rows[0].as_dict()["capabilities"] == ["3"]
    assert plans.plan_rows(store, today=dt.date(2026, 10, 1))[0].review == "due soon"
    assert [r.plan.title for r in plans.plan_rows(store, today=TODAY, plan_type="coop")] == [
        "Hartford Hospital COOP"
    ]


def test_a_new_edition_is_one_unit(store: Store, actor: Actor, coop: str) -> None:
    changed = plans.update_plan(store, actor=actor, plan_id=coop, version="6",
                                approved_on="2026-11-01", review_due="2027-11-01")  # fmt: skip
    assert changed == ["approved_on", "review_due", "version"]
    assert plans.update_plan(store, actor=actor, plan_id=coop, review_due="2027-12-01") == [
        "review_due"
    ]
    with store.read() as s:
        p = s.get_one(m.Plan, coop)
        assert (p.version, p.approved_on, p.review_due) == ("6", "2026-11-01", "2027-12-01")
    assert plans.plan_rows(store, today=TODAY)[0].review == "current"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"title": " "}, "title"),
        ({"plan_type": "wish list"}, "plan_type"),
        ({"owner_org_id": "nobody"}, "owner"),
        ({"approved_on": "May"}, "approved_on"),
        ({"review_due": "2024-01-01"}, "review_due"),  # before the approval
        ({"capabilities": "5"}, "capabilities"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_plan_input_is_refused(
    store: Store, actor: Actor, coop: str, kw: dict[str, object], field: str
) -> None:
    refused_call(store, field, plans.update_plan, actor=actor, plan_id=coop, **kw)


def test_a_new_plan_needs_its_owner(store: Store, actor: Actor) -> None:
    refused_call(store, "owner", plans.add_plan, actor=actor, title="X", plan_type="coop")


def test_essential_functions(store: Store, actor: Actor, hospital: str) -> None:
    ed = continuity.add_function(store, actor=actor, organization_id=hospital,
                                 name="Emergency department", priority=1, rto_hours=0)  # fmt: skip
    lab = continuity.add_function(store, actor=actor, organization_id=hospital,
                                  name="Laboratory", priority="2", rto_hours="4",
                                  owner="Lab")  # fmt: skip
    assert ed == continuity.function_id_for(hospital, "emergency  DEPARTMENT")
    assert [f.name for f in continuity.list_functions(store)] == ["Emergency department",
                                                                  "Laboratory"]  # fmt: skip
    assert continuity.update_function(store, actor=actor, function_id=lab, rto_hours=2) == [
        "rto_hours"
    ]
    with store.read() as s:
        row = s.get_one(m.EssentialFunction, lab)
        assert (row.priority, row.rto_hours, row.owner) == (2, 2.0, "Lab")
    refused_call(store, "name", continuity.add_function, actor=actor, organization_id=hospital,
                 name="Laboratory", priority=3, rto_hours=1)  # fmt: skip
    continuity.delete_function(store, actor=actor, function_id=lab)
    assert len(continuity.list_functions(store, organization_id=hospital)) == 1


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"priority": 0}, "priority"),
        ({"priority": "urgent"}, "priority"),
        ({"priority": True}, "priority"),
        ({"rto_hours": -1}, "rto_hours"),
        ({"rto_hours": "nan"}, "rto_hours"),
        ({"rto_hours": "soon"}, "rto_hours"),
        ({"name": ""}, "name"),
        ({"organization_id": "nobody"}, "member"),
    ],
)
def test_bad_function_input_is_refused(
    store: Store, actor: Actor, hospital: str, kw: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"organization_id": hospital, "name": "Pharmacy", "priority": 2,
                               "rto_hours": 4, **kw}  # fmt: skip
    refused_call(store, field, continuity.add_function, actor=actor, **args)


# ------------------------------------------------------------------ CLI


def test_cli_plans_and_functions(run: Run, coalition: dict[str, str]) -> None:
    r = run("plans", "add", "YNHH COOP", "--type", "coop", "--owner", "YNHH", "--version", "6",
            "--approved", "2025-10-01", "--review-due", "2026-10-01", "--capability", "3")  # fmt: skip
    assert r.code == 0, r.err
    [plan] = run("plans", "list", "--overdue", "--json").json()  # the fake clock: 2026-11-18
    assert (plan["title"], plan["review"], plan["owner"]) == (
        "YNHH COOP", "overdue", "Yale New Haven Hospital",
    )  # fmt: skip
    assert run("plans", "update", plan["id"][-8:], "--review-due", "2027-10-01").code == 0
    assert run("plans", "list", "--overdue", "--json").json() == []
    assert "1 plans, 0 overdue" in run("plans", "list").out
    r = run("plans", "functions", "add", "YNHH", "Emergency department", "--priority", "1",
            "--rto", "0", "--owner", "Emergency Medicine")  # fmt: skip
    assert r.code == 0, r.err
    [f] = run("plans", "functions", "list", "--member", "YNHH", "--json").json()
    assert (f["name"], f["priority"], f["rto_hours"]) == ("Emergency department", 1, 0.0)
    assert run("plans", "functions", "update", f["id"], "--rto", "0.5").code == 0
    assert run("plans", "functions", "list", "--json").json()[0]["rto_hours"] == 0.5
    assert run("plans", "functions", "remove", f["id"]).code == 0
    assert run("plans", "remove", plan["id"]).code == 0
    assert run("plans", "list", "--json").json() == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("plans", "add", "X", "--type", "wish", "--owner", "YNHH"), "plan_type"),
        (("plans", "add", "X", "--type", "coop", "--owner", "Nobody"), "owner"),
        (("plans", "add", "X", "--type", "coop", "--owner", "YNHH", "--approved", "soon"),
         "approved_on"),
        (("plans", "add", "X", "--type", "coop", "--owner", "YNHH", "--capability", "9"),
         "capabilities"),
        (("plans", "update", "0123456789ab", "--version", "2"), "plan"),
        (("plans", "list", "--type", "wish"), "type"),
        (("plans", "functions", "add", "YNHH", "ED", "--priority", "9", "--rto", "1"),
         "priority"),
        (("plans", "functions", "add", "YNHH", "ED", "--priority", "1", "--rto", "-2"),
         "rto_hours"),
        (("plans", "functions", "add", "Nobody", "ED", "--priority", "1", "--rto", "1"),
         "member"),
    ],
)  # fmt: skip
def test_cli_refusals_name_the_field_and_change_nothing(
    run: Run, coalition: dict[str, str], args: tuple[str, ...], field: str
) -> None:
    before = run("dump").out
    refused(run(*args), field)
    assert run("dump").out == before
