"""The demo coalition's preparedness year (resources/demo/preparedness.json): its
hazard vulnerability analysis, its plans register, two hospitals' essential
functions, the year's exercises and the tabletop's after-action report with its
improvement plan, turned into service calls.

Like the rest of the demo, everything is a function of the as_of date: ids are natural
keys, years and dates are relative to as_of ('Y', 'D-150'), and who did what comes
from the story's people, never from the station or operator that seeds, so two
stations seeding the same date hold byte-identical data.
"""

from __future__ import annotations

from typing import Any

from hcc_desktop.core.enums import HVA_SCORES
from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.services import (
    aar,
    continuity,
    exercises,
    hva,
    improvement,
    organizations,
    plans,
)
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.demo.story import Demo


def seed_hva(store: Store, actor: Actor, demo: Demo) -> int:
    """The coalition's analysis for as_of's year, scored and made final by the
    coalition coordinator; returns the number of hazards."""
    spec: dict[str, Any] = demo.preparedness["hva"]
    final = spec.get("final")
    by = demo.person(final["by"]).actor if final else actor
    aid = hva.create_assessment(
        store,
        actor=by,
        region_id=organizations.region_id_for(spec["scope"]),
        year=demo.year(spec["year"]),
        title=spec["title"],
        notes=spec.get("notes"),
    )
    for h in spec["hazards"]:
        hva.set_hazard(
            store,
            actor=by,
            assessment_id=aid,
            name=h["name"],
            category=h["category"],
            notes=h.get("notes"),
            occurred=bool(h.get("occurred")),
            **{k: h[k] for k in HVA_SCORES},
        )
    if final:
        hva.set_status(
            store, actor=by, assessment_id=aid, status="final", at=demo.clock.at(final["at"])
        )
    return len(spec["hazards"])


def seed_plans(store: Store, actor: Actor, demo: Demo) -> int:
    """The plans register; review dates are relative to as_of, so the overdue plan
    is overdue on every date."""
    for p in demo.preparedness["plans"]:
        plans.add_plan(
            store,
            actor=actor,
            record_id=natural_id("plan", p["key"]),
            title=p["title"],
            plan_type=p["type"],
            owner_org_id=demo.org(p["owner"]),
            version=p.get("version"),
            approved_on=demo.day(p["approved"]) if p.get("approved") else None,
            review_due=demo.day(p["review_due"]) if p.get("review_due") else None,
            capabilities=p.get("capabilities", []),
            notes=p.get("notes"),
        )
    return len(demo.preparedness["plans"])


def seed_functions(store: Store, actor: Actor, demo: Demo) -> int:
    """Two hospitals' essential functions for continuity of service."""
    count = 0
    for member, functions in sorted(demo.preparedness["functions"].items()):
        for f in functions:
            continuity.add_function(
                store,
                actor=actor,
                organization_id=demo.org(member),
                name=f["name"],
                priority=f["priority"],
                rto_hours=f["rto_hours"],
                owner=f.get("owner"),
                notes=f.get("notes"),
            )
            count += 1
    return count


def exercise_id(key: str) -> str:
    return natural_id("exercise", key)


def seed_exercises(store: Store, actor: Actor, demo: Demo, incident_id: str) -> int:
    """The year's exercises with their objectives, recorded by the coalition
    coordinator; the one marked `incident` is the demo incident itself, linked to it as
    `start_exercise` links an exercise incident."""
    by = demo.person("coord").actor
    spec = demo.preparedness["hva"]
    aid = hva.assessment_id_for(organizations.region_id_for(spec["scope"]), demo.year(spec["year"]))
    for e in demo.preparedness["exercises"]:
        eid = exercises.add_exercise(
            store,
            actor=by,
            record_id=exercise_id(e["key"]),
            name=e["name"],
            exercise_type=e["type"],
            starts_on=demo.day(e["starts"]),
            ends_on=demo.day(e["ends"]),
            scenario=e.get("scenario"),
            hazard=e.get("hazard"),
            hva_hazard_id=hva.hazard_id_for(aid, e["hva_hazard"]) if e.get("hva_hazard") else None,
            location=e.get("location"),
            sponsor=e.get("sponsor"),
            participants=[demo.org(k) for k in e.get("participants", ())],
        )
        for o in e["objectives"]:
            exercises.set_objective(
                store, actor=by, exercise_id=eid, text=o["text"], capabilities=o["capabilities"]
            )
        if e.get("incident"):
            exercises.start_exercise(store, actor=by, exercise_id=eid, incident_id=incident_id)
    return len(demo.preparedness["exercises"])


def seed_aar(store: Store, demo: Demo) -> tuple[int, int]:
    """The tabletop's after-action report: rated and written by the coordinator, made
    final at the after-action meeting, then its improvement plan, whose actions moved on
    (or not) as the story says. Returns (findings, corrective actions)."""
    spec: dict[str, Any] = demo.preparedness["aar"]
    by = demo.person(spec["final"]["by"]).actor
    rater = demo.person(spec["rated"]["by"]).actor
    aid = aar.create_aar(
        store, actor=by, exercise_id=exercise_id(spec["exercise"]), title=spec["title"],
        summary=spec["summary"],
    )  # fmt: skip
    for r in spec["ratings"]:
        aar.rate(store, actor=rater, aar_id=aid, capability=r["capability"], rating=r["rating"],
                 objective=r.get("objective"), at=demo.clock.at(spec["rated"]["at"]))  # fmt: skip
    for f in spec["findings"]:
        aar.add_finding(
            store, actor=rater, aar_id=aid, kind=f["kind"], text=f["text"],
            capability=f["capability"], objective=f.get("objective"),
            reference=f.get("reference"), analysis=f.get("analysis"),
            record_id=natural_id("aar-finding", f["key"]),
        )  # fmt: skip
    aar.set_status(store, actor=by, aar_id=aid, status="final",
                   at=demo.clock.at(spec["final"]["at"]))  # fmt: skip
    for a in spec["actions"]:
        rid = natural_id("corrective-action", a["key"])
        improvement.add_action(
            store, actor=by, record_id=rid, finding_id=natural_id("aar-finding", a["finding"]),
            action=a["action"], capability=a["capability"], element=a.get("element"),
            owner_org_id=demo.org(a["owner"]), poc=a.get("poc"),
            starts_on=demo.day(a["starts"]), due_on=demo.day(a["due"]),
            at=demo.clock.at(spec["final"]["at"]),
        )  # fmt: skip
        if a["status"] != "open":
            step = a["closed"]
            improvement.set_status(
                store, actor=demo.person(step["by"]).actor, action_id=rid, status=a["status"],
                note=step.get("note"), at=demo.clock.at(step["at"]),
            )  # fmt: skip
    return len(spec["findings"]), len(spec["actions"])
