"""The demo's exercise and improvement year (issue 14, parts 4-6): a cyber tabletop
months ago and the hurricane functional exercise that is the demo incident itself."""

from __future__ import annotations

from hcc_desktop.core import models as m
from hcc_desktop.core.services import exercises, incidents
from hcc_desktop.core.store import Store
from hcc_desktop.demo.preparedness import exercise_id
from hcc_desktop.demo.story import org_id
from tests.test_demo import AS_OF, demo, incident_id, seeded, summary  # noqa: F401


def test_two_exercises_a_tabletop_and_the_incident_itself(demo: Store, incident_id: str) -> None:
    ttx, fe = sorted(exercises.list_exercises(demo), key=lambda e: e.starts_on or "")
    assert (ttx.exercise_type, fe.exercise_type) == ("tabletop", "functional")
    assert ttx.id == exercise_id("cyber-ttx") and ttx.incident_id is None
    assert (AS_OF - __import__("datetime").date.fromisoformat(ttx.starts_on or "")).days == 120
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
