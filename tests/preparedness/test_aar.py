"""After-action reports and the improvement plan (issue 14, part 5): one report per
exercise or incident, ratings per objective and capability with their rater, findings
with reference and analysis, a final report closed to edits, evidence read from the
incident, corrective actions tracked to closure with overdue judged against the day
given, and the `aar` and `ip` commands. Every refusal names its field and leaves the
store as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from hcc_desktop.core import models as m
from hcc_desktop.core.services import aar, eei, exercises, improvement, incidents, log, requests
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.log import NewEntry
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
def ttx(store: Store, actor: Actor) -> str:
    eid = exercises.add_exercise(store, actor=actor, name="Cyber TTX", exercise_type="tabletop",
                                 starts_on="2026-07-21")  # fmt: skip
    exercises.set_objective(store, actor=actor, exercise_id=eid, text="Share information",
                            capabilities="2.2")  # fmt: skip
    exercises.set_objective(store, actor=actor, exercise_id=eid, text="Transfers",
                            capabilities="2.3,4")  # fmt: skip
    return eid


@pytest.fixture
def report(store: Store, actor: Actor, ttx: str) -> str:
    return aar.create_aar(store, actor=actor, exercise_id=ttx)


def test_one_report_per_exercise_with_ratings_and_findings(
    store: Store, actor: Actor, ttx: str, report: str
) -> None:
    assert report == aar.aar_id_for(exercise_id=ttx)
    refused_call(store, "exercise", aar.create_aar, actor=actor, exercise_id=ttx)
    aar.rate(store, actor=actor, aar_id=report, capability="2.2", rating="s", objective=1,
             at="2026-07-22T14:00:00Z")  # fmt: skip
    aar.rate(store, actor=actor, aar_id=report, capability="4.2", rating="M", objective="2")
    aar.rate(store, actor=actor, aar_id=report, capability="1", rating="P")  # no objective
    rid = aar.rate(store, actor=actor, aar_id=report, capability="2.2", rating="P", objective=1)
    with store.read() as s:
        r = s.get_one(m.AarRating, rid)
        assert (r.rating, r.rated_by) == ("P", actor.label) and r.rated_at != "2026-07-22T14:00:00Z"
    aar.add_finding(store, actor=actor, aar_id=report, kind="strength", text="Fast bridge call",
                    capability="2.2", objective=1)  # fmt: skip
    afi = aar.add_finding(store, actor=actor, aar_id=report, kind="improvement",
                          text="Lists only in e-mail", capability="2.2", objective=1,
                          reference="Comms plan", analysis="No offline copy")  # fmt: skip
    assert aar.update_finding(store, actor=actor, finding_id=afi, capability="2.3",
                              objective=2) == ["capability", "objective"]  # fmt: skip
    v = aar.view(store, aar_id=report).as_dict()
    assert [(r["objective"], r["capability"], r["rating"]) for r in v["ratings"]] == [
        (1, "2.2", "P"), (2, "4.2", "M"), (None, "1", "P"),
    ]  # fmt: skip
    assert [(f["kind"], f["objective"], f["capability"]) for f in v["findings"]] == [
        ("strength", 1, "2.2"), ("improvement", 2, "2.3"),
    ]  # fmt: skip
    aar.set_status(store, actor=actor, aar_id=report, status="final")
    refused_call(store, "aar", aar.rate, actor=actor, aar_id=report, capability="1", rating="U")
    refused_call(store, "aar", aar.update_aar, actor=actor, aar_id=report, summary="x")
    refused_call(store, "aar", aar.remove_finding, actor=actor, finding_id=afi)
    aar.set_status(store, actor=actor, aar_id=report, status="draft")
    aar.remove_finding(store, actor=actor, finding_id=afi)
    assert [a.id for a in aar.list_aars(store)] == [report]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"rating": "X"}, "rating"),
        ({"rating": ""}, "rating"),
        ({"capability": "5"}, "capability"),
        ({"capability": "2.2,2.3"}, "capability"),
        ({"capability": "3.1", "objective": 1}, "capability"),  # not what objective 1 maps
        ({"capability": "2.3", "objective": 1}, "capability"),  # 1 maps 2.2, not all of 2
        ({"objective": 9}, "objective"),
        ({"objective": "first"}, "objective"),
        ({"aar_id": "nothing"}, "aar"),
    ],
)
def test_bad_ratings_are_refused(
    store: Store, actor: Actor, report: str, kw: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"aar_id": report, "capability": "2.2", "rating": "S",
                               "objective": 1, **kw}  # fmt: skip
    refused_call(store, field, aar.rate, actor=actor, **args)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"kind": "weakness"}, "kind"),
        ({"text": " "}, "text"),
        ({"kind": "strength", "reference": "plan"}, "reference"),
        ({"capability": ""}, "capability"),
        ({"objective": 7}, "objective"),
    ],
)
def test_bad_findings_are_refused(
    store: Store, actor: Actor, report: str, kw: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"aar_id": report, "kind": "improvement", "text": "Gap",
                               "capability": "2.2", **kw}  # fmt: skip
    refused_call(store, field, aar.add_finding, actor=actor, **args)


def test_a_report_needs_exactly_one_subject(store: Store, actor: Actor, ttx: str) -> None:
    refused_call(store, "exercise", aar.create_aar, actor=actor)
    refused_call(store, "incident", aar.create_aar, actor=actor, incident_id="nothing")
    refused_call(store, "title", aar.create_aar, actor=actor, exercise_id=ttx, title="x" * 201)


def test_evidence_is_read_from_the_incident(store: Store, actor: Actor, hospital: str) -> None:
    iid = incidents.create_incident(store, actor=actor, name="Ice storm", incident_type="winter_storm",
                                    exercise=True, started_at="2026-11-17T12:00:00Z")  # fmt: skip
    incidents.add_period(store, actor=actor, incident_id=iid, starts_at="2026-11-17T12:00:00Z",
                         ends_at="2026-11-18T00:00:00Z")  # fmt: skip
    [entry] = log.add_entries(store, actor=actor, incident_id=iid, entries=[
        NewEntry(text="Hospital on generator", occurred_at="2026-11-17T13:00:00Z")])  # fmt: skip
    log.nominate(store, actor=actor, entry_id=entry)
    log.review(store, actor=actor, entry_id=entry, approve=True)
    requests.create_request(store, actor=actor, incident_id=iid, resource_kind="Fuel",
                                  quantity=1, needed_by="2026-11-17T15:00:00Z")  # fmt: skip
    ev = aar.evidence(store, iid, as_of="2026-11-17T20:00:00Z")
    assert [e["text"] for e in ev.significant_events] == ["Hospital on generator"]
    [period] = ev.eei_periods
    assert (period["expected"], period["missing"]) == (1, ["Hartford Hospital"])
    assert [(r["why"], r["resource"]) for r in ev.requests] == [("overdue", "Fuel")]
    assert ev.conflicts == [] and ev.exercise
    eei.set_values(store, actor=actor, incident_id=iid, organization_id=hospital, period=1,
                   values={"BEDS_TOTAL_AVAILABLE": 4}, reported_at="2026-11-17T15:00:00Z")  # fmt: skip
    [period] = aar.evidence(store, iid, as_of="2026-11-17T20:00:00Z").eei_periods
    assert (period["late"], period["missing"]) == (["Hartford Hospital"], [])
    report = aar.create_aar(store, actor=actor, incident_id=iid)
    assert report == aar.aar_id_for(incident_id=iid)


# ------------------------------------------------------------------ improvement plan


def test_corrective_actions_tracked_to_closure(
    store: Store, actor: Actor, hospital: str, report: str
) -> None:
    afi = aar.add_finding(store, actor=actor, aar_id=report, kind="improvement",
                          text="Lists only in e-mail", capability="2.2")  # fmt: skip
    late = improvement.add_action(store, actor=actor, finding_id=afi, action="Print the list",
                                  capability="2.2", owner_org_id=hospital, element="planning",
                                  starts_on="2026-09-01", due_on="2026-11-01")  # fmt: skip
    later = improvement.add_action(store, actor=actor, issue="No radio backup",
                                   action="Buy radios", capability="2", owner_org_id=hospital,
                                   due_on="2027-02-01")  # fmt: skip
    rows = improvement.action_rows(store, today=TODAY)
    assert [(r.action.id, r.overdue, r.days_overdue) for r in rows] == [
        (late, True, 17),
        (later, False, -75),
    ]
    assert rows[0].as_dict()["issue"] == "Lists only in e-mail"
    assert rows[0].action.aar_id == report
    aar.set_status(store, actor=actor, aar_id=report, status="final")  # actions stay editable
    assert improvement.update_action(store, actor=actor, action_id=late,
                                     due_on="2026-12-01") == ["due_on"]  # fmt: skip
    assert improvement.set_status(store, actor=actor, action_id=later, status="in_progress")
    assert improvement.set_status(store, actor=actor, action_id=late, status="complete",
                                  note="Done")  # fmt: skip
    rows = improvement.action_rows(store, today=dt.date(2027, 3, 1))
    assert [(r.action.status, r.overdue) for r in rows] == [("in_progress", True),
                                                           ("complete", False)]  # fmt: skip
    with store.read() as s:
        a = s.get_one(m.CorrectiveAction, late)
        assert (a.status, a.status_by, a.status_note) == ("complete", actor.label, "Done")
        assert (a.starts_on, a.due_on) == ("2026-09-01", "2026-12-01")
    assert len(improvement.action_rows(store, today=TODAY, status="complete")) == 1


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"action": ""}, "action"),
        ({"capability": "9"}, "capability"),
        ({"owner_org_id": "nobody"}, "owner"),
        ({"element": "money"}, "element"),
        ({"due_on": "soon"}, "due_on"),
        ({"due_on": "2026-08-01"}, "due_on"),  # before the start
        ({"issue": None}, "issue"),
        ({"finding_id": "nothing"}, "finding"),
        ({"aar_id": "nothing"}, "aar"),
        ({"status": "done"}, "status"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_corrective_actions_are_refused(
    store: Store, actor: Actor, hospital: str, kw: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"action": "Print the list", "capability": "2.2",
                               "owner_org_id": hospital, "issue": "No offline list",
                               "starts_on": "2026-09-01", **kw}  # fmt: skip
    refused_call(store, field, improvement.add_action, actor=actor, **args)


def test_an_action_answers_an_area_for_improvement_not_a_strength(
    store: Store, actor: Actor, hospital: str, report: str
) -> None:
    strength = aar.add_finding(store, actor=actor, aar_id=report, kind="strength",
                               text="Fast call", capability="2.2")  # fmt: skip
    refused_call(store, "finding", improvement.add_action, actor=actor, finding_id=strength,
                 action="x", capability="2.2", owner_org_id=hospital)  # fmt: skip
    aid = improvement.add_action(store, actor=actor, issue="x", action="y", capability="2",
                                 owner_org_id=hospital)  # fmt: skip
    refused_call(store, "status", improvement.set_status, actor=actor, action_id=aid,
                 status="finished")  # fmt: skip
    refused_call(store, "action", improvement.set_status, actor=actor, action_id="nothing",
                 status="complete")  # fmt: skip


# ------------------------------------------------------------------ CLI


def test_cli_aar_and_ip(run: Run, coalition: dict[str, str]) -> None:
    assert run("exercises", "add", "Cyber TTX", "--type", "tabletop", "--start",
               "2026-07-21").code == 0  # fmt: skip
    [ex] = run("exercises", "list", "--json").json()
    assert run("exercises", "objective", ex["id"], "Share", "--capability", "2.2").code == 0
    r = run("aar", "create", "--exercise", ex["id"], "--summary", "Went well")
    assert r.code == 0, r.err
    assert run("aar", "rate", ex["id"], "2.2", "s", "--objective", "1").code == 0
    r = run("aar", "finding", "add", ex["id"][-8:], "--improvement", "No offline list",
            "--capability", "2.2", "--objective", "1", "--analysis", "E-mail only")  # fmt: skip
    assert r.code == 0, r.err
    [report] = run("aar", "list", "--json").json()
    [finding] = report["findings"]
    assert report["ratings"][0]["rating"] == "S" and finding["analysis"] == "E-mail only"
    r = run("ip", "add", "Print the list", "--capability", "2.2", "--owner", "YNHH",
            "--finding", finding["id"], "--element", "planning", "--due", "2026-11-01")  # fmt: skip
    assert r.code == 0, r.err
    [action] = run("ip", "list", "--overdue", "--json").json()  # the fake clock: 2026-11-18
    assert (action["issue"], action["owner"], action["days_overdue"]) == (
        "No offline list", "Yale New Haven Hospital", 17)  # fmt: skip
    assert run("aar", "set", report["id"], "--status", "final").code == 0
    refused(run("aar", "rate", report["id"], "2.2", "P", "--objective", "1"), "aar")
    assert (
        run("ip", "update", action["id"], "--status", "in_progress", "--note", "drafting").code == 0
    )
    assert "in_progress" in run("ip", "list").out
    assert run("ip", "close", action["id"][-8:]).code == 0
    assert run("ip", "list", "--overdue", "--json").json() == []
    shown = run("aar", "show", ex["id"], "--json").json()
    assert shown["status"] == "final" and shown["actions"][0]["status"] == "complete"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("aar", "create", "--exercise", "0123456789ab"), "exercise"),
        (("aar", "show", "0123456789ab"), "aar"),
        (("aar", "rate", "0123456789ab", "2", "P"), "aar"),
        (("ip", "add", "X", "--capability", "2", "--owner", "YNHH"), "issue"),
        (("ip", "add", "X", "--capability", "7", "--owner", "YNHH", "--issue", "I"),
         "capability"),
        (("ip", "add", "X", "--capability", "2", "--owner", "Nobody", "--issue", "I"), "owner"),
        (("ip", "add", "X", "--capability", "2", "--owner", "YNHH", "--issue", "I",
          "--start", "2026-02-01", "--due", "2026-01-01"), "due_on"),
        (("ip", "list", "--status", "done"), "status"),
        (("ip", "close", "0123456789ab"), "action"),
        (("aar", "evidence", "--incident", "0123456789ab"), "incident"),
    ],
)  # fmt: skip
def test_cli_refusals_name_the_field_and_change_nothing(
    run: Run, coalition: dict[str, str], args: tuple[str, ...], field: str
) -> None:
    before = run("dump").out
    refused(run(*args), field)
    assert run("dump").out == before
