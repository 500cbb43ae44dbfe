"""Sync of exercises and the improvement cycle (issue 14, parts 4-5): stations that
exchange packages hold the same exercises, objectives, after-action reviews and
corrective actions, and concurrent edits of one group unit are one conflict with a
winner somebody entered, never a mix of both."""

from __future__ import annotations

from pathlib import Path

from helpers import ACTOR, Station
from test_preparedness_sync import A_OP, B_OP, converged

from hcc_desktop.core import models as m
from hcc_desktop.core.services import aar, exercises, hva, improvement, incidents
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.sync import conflicts


def units(station: Station) -> list[tuple[str, str]]:
    return sorted((c.entity, c.unit) for c in conflicts.list_conflicts(station.store))


def test_exercises_and_objectives_converge(
    trio: tuple[Station, Station, Station], ram_dir: Path
) -> None:
    a, b, c = trio
    region = orgs.add_region(a.store, actor=ACTOR, key="ct", name="CT HCC", kind="coalition")
    h1 = orgs.add_organization(a.store, actor=ACTOR, name="Hospital 1", member_type="hospital",
                               membership="core")  # fmt: skip
    aid = hva.create_assessment(a.store, actor=ACTOR, region_id=region, year=2026)
    ice = hva.set_hazard(a.store, actor=ACTOR, assessment_id=aid, name="Ice storm",
                         category="natural", probability=2)  # fmt: skip
    ex = exercises.add_exercise(
        a.store, actor=ACTOR, name="Ice FE", exercise_type="functional", starts_on="2026-11-17",
        ends_on="2026-11-18", hazard="Winter storm",
    )  # fmt: skip
    exercises.set_objective(a.store, actor=ACTOR, exercise_id=ex, text="Share EEIs",
                            capabilities="2.2")  # fmt: skip
    converged([a, b, c], ram_dir / "first")
    # Concurrently: A moves the exercise a week on, B extends it by a day; A points the
    # threat at the HVA's ice storm while B renames it; both reword objective 1; C
    # adds the participants and a second objective.
    exercises.update_exercise(a.store, actor=A_OP, exercise_id=ex, starts_on="2026-11-24",
                              ends_on="2026-11-25", hva_hazard_id=ice)  # fmt: skip
    exercises.set_objective(a.store, actor=A_OP, exercise_id=ex, number=1,
                            text="Share EEIs hourly", capabilities="2.2")  # fmt: skip
    b.wall.advance(5)
    exercises.update_exercise(b.store, actor=B_OP, exercise_id=ex, ends_on="2026-11-19",
                              hazard="Ice storm and power failure")  # fmt: skip
    exercises.set_objective(b.store, actor=B_OP, exercise_id=ex, number=1,
                            text="Keep the COP current", capabilities="2.2,2.3")  # fmt: skip
    exercises.update_exercise(c.store, actor=ACTOR, exercise_id=ex, participants=[h1])
    exercises.set_objective(c.store, actor=ACTOR, exercise_id=ex, text="Evacuate",
                            capabilities="3.6")  # fmt: skip
    converged([a, b, c], ram_dir / "second")
    with a.store.read() as s:
        e = s.get_one(m.Exercise, ex)
        assert (e.starts_on, e.ends_on) in (("2026-11-24", "2026-11-25"),
                                            ("2026-11-17", "2026-11-19"))  # fmt: skip
        assert (e.hazard, e.hva_hazard_id) in (("Ice storm", ice),
                                               ("Ice storm and power failure", None))  # fmt: skip
        assert e.participants == [h1]
    first, second = exercises.list_objectives(c.store, exercise_id=ex)
    assert (first.text, first.capabilities) in (("Share EEIs hourly", ["2.2"]),
                                                ("Keep the COP current", ["2.2", "2.3"]))  # fmt: skip
    assert second.text == "Evacuate"
    assert units(b) == [("exercise", "dates"), ("exercise", "threat"),
                        ("exercise_objective", "statement")]  # fmt: skip


def test_an_exercise_started_at_two_stations_is_one_conflict(
    trio: tuple[Station, Station, Station], ram_dir: Path
) -> None:
    a, b, c = trio
    ex = exercises.add_exercise(a.store, actor=ACTOR, name="Drill", exercise_type="drill",
                                starts_on="2026-11-18")  # fmt: skip
    converged([a, b, c], ram_dir / "first")
    made = {
        st.store.site_id: exercises.start_exercise(st.store, actor=op, exercise_id=ex)
        for st, op in ((a, A_OP), (b, B_OP))
    }
    converged([a, b, c], ram_dir / "second")
    with c.store.read() as s:
        linked = s.get_one(m.Exercise, ex).incident_id
    assert linked in made.values()
    assert all(incidents.get_incident(c.store, i).exercise for i in made.values())
    assert units(c) == [("exercise", "incident_id")]


def test_reports_and_corrective_actions_converge(
    trio: tuple[Station, Station, Station], ram_dir: Path
) -> None:
    a, b, c = trio
    owner = orgs.add_organization(a.store, actor=ACTOR, name="DPH", member_type="state_agency",
                                  membership="core")  # fmt: skip
    ex = exercises.add_exercise(a.store, actor=ACTOR, name="TTX", exercise_type="tabletop",
                                starts_on="2026-07-21")  # fmt: skip
    exercises.set_objective(a.store, actor=ACTOR, exercise_id=ex, text="Share",
                            capabilities="2.2,2.3")  # fmt: skip
    converged([a, b, c], ram_dir / "first")
    # A and B each start the report (one record), rate objective 1 differently and
    # place the same wording of a finding; they agree on one rating.
    for st, op, mark in ((a, A_OP, "S"), (b, B_OP, "M")):
        rid = aar.create_aar(st.store, actor=op, exercise_id=ex)
        aar.rate(st.store, actor=op, aar_id=rid, capability="2.2", rating=mark, objective=1)
        aar.rate(st.store, actor=op, aar_id=rid, capability="2.3", rating="P", objective=1)
        st.wall.advance(3)
    converged([a, b, c], ram_dir / "second")
    [report] = aar.list_aars(c.store)
    ratings = {r.capability: r for r in aar.view(c.store, aar_id=report.id).ratings}
    assert (ratings["2.2"].rating, ratings["2.2"].rated_by) in (("S", A_OP.label),
                                                               ("M", B_OP.label))  # fmt: skip
    assert ratings["2.3"].rating == "P"
    assert ("aar_rating", "rating") in units(c)
    assert ("aar", "status") not in units(c)  # both drafts: they agree
    # C writes a finding; then A moves it to objective 1 while B moves it to 2.3.
    fid = aar.add_finding(c.store, actor=ACTOR, aar_id=report.id, kind="improvement",
                          text="Lists only in e-mail", capability="2")  # fmt: skip
    act = improvement.add_action(c.store, actor=ACTOR, finding_id=fid, action="Print it",
                                 capability="2.2", owner_org_id=owner, starts_on="2026-08-01",
                                 due_on="2026-10-01")  # fmt: skip
    converged([a, b, c], ram_dir / "third")
    aar.update_finding(a.store, actor=A_OP, finding_id=fid, capability="2.2", objective=1)
    aar.update_finding(b.store, actor=B_OP, finding_id=fid, capability="2.3")
    # The action: A completes it while B starts it; A moves the dates, B the due date.
    improvement.set_status(a.store, actor=A_OP, action_id=act, status="complete")
    improvement.update_action(a.store, actor=A_OP, action_id=act, starts_on="2026-09-01",
                              due_on="2026-11-01")  # fmt: skip
    b.wall.advance(5)
    improvement.set_status(b.store, actor=B_OP, action_id=act, status="in_progress")
    improvement.update_action(b.store, actor=B_OP, action_id=act, due_on="2026-12-01")
    converged([a, b, c], ram_dir / "fourth")
    with b.store.read() as s:
        f = s.get_one(m.AarFinding, fid)
        assert (f.capability, f.objective_number) in (("2.2", 1), ("2.3", None))
        x = s.get_one(m.CorrectiveAction, act)
        assert (x.status, x.status_by) in (("complete", A_OP.label), ("in_progress", B_OP.label))
        assert (x.starts_on, x.due_on) in (("2026-09-01", "2026-11-01"),
                                           ("2026-08-01", "2026-12-01"))  # fmt: skip
    assert units(a) == [("aar_finding", "placement"), ("aar_rating", "rating"),
                        ("corrective_action", "schedule"), ("corrective_action", "status")]  # fmt: skip
