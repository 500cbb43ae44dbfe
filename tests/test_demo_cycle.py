"""The demo's exercise and improvement year (issue 14, parts 4-6): a cyber tabletop
months ago and the hurricane functional exercise that is the demo incident itself."""

from __future__ import annotations

import datetime as dt

from hcc_desktop.core import models as m
from hcc_desktop.core.services import exercises, incidents
from hcc_desktop.core.store import Store
from hcc_desktop.demo.preparedness import exercise_id
from hcc_desktop.demo.story import org_id
from tests import test_demo
from tests.test_demo import AS_OF

# The demo store of tests/test_demo.py, seeded once for this module too.
seeded, demo, summary, incident_id = (
    test_demo.seeded,
    test_demo.demo,
    test_demo.summary,
    test_demo.incident_id,
)


def test_two_exercises_a_tabletop_and_the_incident_itself(demo: Store, incident_id: str) -> None:
    ttx, fe = sorted(exercises.list_exercises(demo), key=lambda e: e.starts_on or "")
    assert (ttx.exercise_type, fe.exercise_type) == ("tabletop", "functional")
    assert ttx.id == exercise_id("cyber-ttx") and ttx.incident_id is None
    assert (AS_OF - dt.date.fromisoformat(ttx.starts_on or "")).days == 120
    assert "yber" in (ttx.hazard or "") and ttx.hva_hazard_id
    with demo.read() as s:
        assert "cyber" in (s.get_one(m.HvaHazard, ttx.hva_hazard_id).name or "")
    assert fe.incident_id == incident_id
    assert exercises.exercise_of_incident(demo, incident_id).id == fe.id  # type: ignore[union-attr]
    assert incidents.get_incident(demo, incident_id).exercise
    assert org_id("ct-dph") in (fe.participants or [])
    for e in (ttx, fe):
        objectives = exercises.list_objectives(demo, exercise_id=e.id)
        assert len(objectives) >= 3 and all(o.capabilities for o in objectives)


def test_the_tabletop_has_a_final_report_and_an_improvement_plan(demo: Store) -> None:
    from hcc_desktop.core.services import aar, improvement

    [report] = aar.list_aars(demo)
    v = aar.view(demo, aar_id=report.id)
    assert report.exercise_id == exercise_id("cyber-ttx") and report.status == "final"
    assert report.status_by and "Coordinator" in report.status_by
    assert {r.rating for r in v.ratings} >= {"P", "S", "M"}
    kinds = [f.kind for f in v.findings]
    assert kinds.count("strength") >= 2 and kinds.count("improvement") >= 3
    assert all(f.reference and f.analysis for f in v.findings if f.kind == "improvement")
    rows = improvement.action_rows(demo, today=AS_OF, aar_id=report.id)
    assert len(rows) == 6
    assert {r.action.status for r in rows} == {"open", "in_progress", "complete", "cancelled"}
    [overdue] = [r for r in rows if r.overdue]
    assert (overdue.action.status, overdue.days_overdue) == ("open", 14)
    assert all(r.action.finding_id and r.action.element and r.action.poc for r in rows)
    assert {r.action.element for r in rows} == {"planning", "organization", "equipment",
                                                "training", "exercise"}  # fmt: skip


def test_evidence_of_the_demo_incident(demo: Store, incident_id: str) -> None:
    from hcc_desktop.core.services import aar

    ev = aar.evidence(demo, incident_id, as_of=f"{AS_OF + dt.timedelta(days=1)}T12:00:00Z")
    assert ev.exercise and len(ev.significant_events) >= 3
    assert ev.eei_periods and any(p["late"] or p["missing"] for p in ev.eei_periods)
    assert {r["why"] for r in ev.requests} == {"denied", "overdue"}


def test_the_capability_dashboard_of_the_demo_year(demo: Store) -> None:
    from hcc_desktop.core.services import dashboard

    rows = {r.capability: r for r in dashboard.dashboard(demo, today=AS_OF)}
    assert {len(rows[c].exercises) for c in ("2", "3", "4")} == {2}
    assert rows["2"].members_trained >= 10
    assert (rows["3"].actions_open, rows["3"].actions_overdue) == (2, 1)
    assert sum(r.plans_overdue for r in rows.values()) >= 1
