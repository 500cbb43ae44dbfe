"""Load the demo coalition and its hurricane exercise into a store.

The first start of the program, the CLI's `seed-demo` and the GUI tests all need a
store that looks like a coalition in the middle of an incident. The facts (regions,
members, hospitals) come from resources/demo/coalition.json, the story (log entries,
requests, which hospitals are hit, who reports late) from resources/demo/scenario.json;
story.py parses them, eei_plan.py makes the EEI reports, coalition.py and
preparedness.py seed the coalition and its preparedness year; this module runs them all
in one transaction and seeds the incident's story. Every write goes through
`hcc_desktop.core.services`, so the demo is recorded, undoable and syncable like any
operator's work.

Every time a service lets a caller give (entries, request steps, reviews,
validations) comes from the scenario, and who wrote what from its people, not from the
station that seeds: two stations seeding the same date hold the same data
(`dump_text` is byte-identical) and can sync it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.services import eei, incidents, log, organizations, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.log import NewEntry
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import add_hours, to_iso
from hcc_desktop.demo.coalition import seed_contacts, seed_organizations, seed_regions
from hcc_desktop.demo.coordination_requests import seed_requests_and_messages
from hcc_desktop.demo.coordination_roster import seed_coordination
from hcc_desktop.demo.eei_plan import EEIPlan, plan_eei
from hcc_desktop.demo.preparedness import (
    seed_aar,
    seed_exercises,
    seed_functions,
    seed_hva,
    seed_plans,
)
from hcc_desktop.demo.story import Demo, demo_periods, org_id

#: Who the version history names for the bulk of the demo when the caller gives nobody.
DEMO_ACTOR = Actor("hcc-desktop demo", "Demo data loader")


@dataclass(frozen=True)
class DemoSummary:
    """What seed_demo loaded, for the CLI's message and the tests."""

    incident_id: str
    regions: int
    members: int
    facilities: int
    contacts: int
    log_entries: int
    requests: int
    eei_reports: int
    periods: int
    hva_hazards: int = 0
    plans: int = 0
    essential_functions: int = 0
    exercises: int = 0
    aar_findings: int = 0
    corrective_actions: int = 0


def seed_demo(
    store: Store, *, as_of: dt.date | dt.datetime, actor: Actor | None = None
) -> DemoSummary:
    """Load the demo coalition and the hurricane exercise.

    A date gives the whole story as it stands on the evening of that day (its 'now'): a
    fixed, reproducible store. A moment (datetime; naive means this machine's time)
    gives the story of that day as far as it has happened by then: the operational
    period running at that moment is the current one, everything already reported lies
    in the past, and what is still due (late reports, later steps, later periods) has
    not happened yet, so on time, late and overdue mean what they say on screen.

    Refuses (field "store") when the store already holds the demo, so a second run is a
    clear message instead of duplicates."""
    who = actor or DEMO_ACTOR
    demo, cut = _story_until(as_of)
    eei_plan = plan_eei(demo)
    # One transaction: a full disk or a kill part way leaves the store as it was, not
    # a coalition with regions and no members.
    with store.atomic():
        _refuse_if_seeded(store, demo)
        regions = seed_regions(store, who, demo)
        members, facilities = seed_organizations(store, who, demo)
        contacts = seed_contacts(store, who, demo)
        incident_id = _seed_incident(store, who, demo)
        periods = _seed_periods(store, who, demo, incident_id, cut)
        entries = _seed_log(store, who, demo, incident_id, cut)
        reqs = _seed_requests(store, demo, incident_id, cut)
        reports = _seed_eei(store, who, demo, eei_plan, incident_id, cut)
        hazards = seed_hva(store, who, demo)
        plan_count = seed_plans(store, who, demo)
        functions = seed_functions(store, who, demo)
        exercise_count = seed_exercises(store, who, demo, incident_id)
        findings, actions = seed_aar(store, demo)
        seed_requests_and_messages(store, demo, incident_id, cut)
        entries += seed_coordination(store, demo, incident_id, cut)
    return DemoSummary(
        incident_id=incident_id,
        regions=regions,
        members=members,
        facilities=facilities,
        contacts=contacts,
        log_entries=entries,
        requests=reqs,
        eei_reports=reports,
        periods=periods,
        hva_hazards=hazards,
        plans=plan_count,
        essential_functions=functions,
        exercises=exercise_count,
        aar_findings=findings,
        corrective_actions=actions,
    )


def _story_until(as_of: dt.date | dt.datetime) -> tuple[Demo, str]:
    """The story for `as_of` and the moment (stored form) it is cut at."""
    if not isinstance(as_of, dt.datetime):
        demo = Demo.load(as_of)
        return demo, demo.now
    day = Demo.load(as_of.date()).clock.day_of(as_of)
    demo = Demo.load(day)
    moment = as_of if as_of.tzinfo else as_of.astimezone()
    return demo, min(to_iso(moment), demo.now)


def _refuse_if_seeded(store: Store, demo: Demo) -> None:
    ids = [org_id(k) for k in [*demo.members, *demo.facilities]]
    with store.read() as s:
        if s.get(m.Incident, demo.incident_id) is not None:
            raise ValidationError(
                "store",
                f"{store.path} already holds the demo incident "
                f"({demo.incident['name']}); seed a new store instead",
            )
        clash = s.scalars(select(m.Organization.name).where(m.Organization.id.in_(ids))).first()
    if clash is not None:
        raise ValidationError(
            "store",
            f"{store.path} already holds demo coalition members (e.g. {clash}); "
            "seed a new store instead",
        )


# --------------------------------------------------------------------- incident


def _seed_incident(store: Store, actor: Actor, demo: Demo) -> str:
    inc = demo.incident
    return incidents.create_incident(
        store,
        actor=actor,
        name=inc["name"],
        incident_type=inc["incident_type"],
        status=inc["status"],
        exercise=bool(inc["exercise"]),
        description=inc["description"],
        started_at=demo.clock.at(inc["starts"]),
        region_ids=[organizations.region_id_for(k) for k in inc["regions"]],
        record_id=demo.incident_id,
        make_current=True,
    )


def _seed_periods(store: Store, actor: Actor, demo: Demo, incident_id: str, cut: str) -> int:
    """The periods begun by `cut` (the last of them is running)."""
    plan = [p for p in demo_periods(demo) if p.starts_at <= cut]
    for p, objectives in zip(plan, demo.incident["periods"], strict=False):
        incidents.add_period(
            store,
            actor=actor,
            incident_id=incident_id,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            eei_due_at=p.eei_due_at,
            objectives=objectives,
            number=p.number,
        )
    return len(plan)


# --------------------------------------------------------------------- log


def _seed_log(store: Store, actor: Actor, demo: Demo, incident_id: str, cut: str) -> int:
    written = [e for e in demo.scenario["log"] if demo.clock.at(e["at"]) <= cut]
    entries = [_new_entry(demo, e) for e in written]
    log.add_entries(store, actor=actor, incident_id=incident_id, entries=entries)
    for e in written:
        if e.get("significant"):
            _significance(store, demo, demo.entry_id(e["key"]), e["significant"], cut)
    kept = {e["key"] for e in written}
    corrections = [
        c
        for c in demo.scenario["corrections"]
        if c["corrects"] in kept and demo.clock.at(c["at"]) <= cut
    ]
    for c in corrections:
        _correct(store, demo, c)
    return len(entries) + len(corrections)


def _new_entry(demo: Demo, e: Mapping[str, Any]) -> NewEntry:
    who = demo.person(e["by"])
    return NewEntry(
        text=e["text"],
        category=e.get("category", "general"),
        priority=e.get("priority", "routine"),
        organization_id=demo.org(e["org"]) if e.get("org") else None,
        occurred_at=demo.clock.at(e["at"]),
        record_id=demo.entry_id(e["key"]),
        author=who.actor,
        station=who.station,
    )


def _significance(
    store: Store, demo: Demo, entry_id: str, sig: Mapping[str, Any], cut: str
) -> None:
    """Nominated by one person, reviewed (approved or declined) by the situation unit;
    each step only once it has happened by `cut`."""
    if demo.clock.at(sig["at"]) > cut:
        return
    by = demo.person(sig["by"])
    log.nominate(
        store,
        actor=by.actor,
        entry_id=entry_id,
        note=sig.get("note", ""),
        at=demo.clock.at(sig["at"]),
    )
    review = sig.get("review")
    if review and demo.clock.at(review["at"]) <= cut:
        log.review(
            store,
            actor=demo.person(review["by"]).actor,
            entry_id=entry_id,
            approve=bool(review["approve"]),
            note=review.get("note", ""),
            at=demo.clock.at(review["at"]),
        )


def _correct(store: Store, demo: Demo, c: Mapping[str, Any]) -> str:
    """A correction with the scenario's time, id and author."""
    who = demo.person(c["by"])
    return log.correct_entry(
        store,
        actor=who.actor,
        entry_id=demo.entry_id(c["corrects"]),
        text=c["text"],
        reason=c.get("reason", ""),
        record_id=demo.entry_id(c["key"]),
        occurred_at=demo.clock.at(c["at"]),
        author=who.actor,
        station=who.station,
    )


# --------------------------------------------------------------------- requests


def _deliver_to(demo: Demo, key: str) -> str:
    row = demo.record(key)
    twin = demo.merged.get(key, {})
    address = row.get("address") or twin.get("address")
    parts = [row["name"], address, row.get("town"), f"{row.get('state')} {row.get('zip')}"]
    return ", ".join(p for p in parts if p)


def _seed_requests(store: Store, demo: Demo, incident_id: str, cut: str) -> int:
    made = [s for s in demo.scenario["requests"] if demo.clock.at(s["created"]["at"]) <= cut]
    for spec in made:
        _seed_request(store, demo, incident_id, spec, cut)
    return len(made)


def _seed_request(
    store: Store, demo: Demo, incident_id: str, spec: Mapping[str, Any], cut: str
) -> str:
    """Create the request as its requester did, then walk it through the lifecycle step
    by step as the logistics staff did, each step at its scenario time. The supplier
    and order number are filled in when the resource is committed, as on the board."""
    key = demo.key(spec["requester"])
    by = demo.person(spec["requested_by"])
    rid = natural_id("request", demo.incident["key"], spec["number"])
    requests.create_request(
        store,
        actor=by.actor,
        incident_id=incident_id,
        resource_kind=spec["resource_kind"],
        quantity=spec["quantity"],
        unit=spec.get("unit", "each"),
        priority=spec["priority"],
        status=spec["created"]["status"],
        number=spec["number"],
        record_id=rid,
        created_at=demo.clock.at(spec["created"]["at"]),
        requester_org_id=org_id(key),
        requested_by=by.actor.label,
        requester_contact=spec.get("requester_contact"),
        resource_type=spec.get("resource_type"),
        description=spec.get("description"),
        needed_by=demo.clock.at(spec["needed_by"]) if spec.get("needed_by") else None,
        deliver_to=spec.get("deliver_to") or _deliver_to(demo, key),
        notes=spec.get("notes"),
    )
    for step in spec["steps"]:
        if demo.clock.at(step["at"]) > cut:
            break
        who = demo.person(step["by"]).actor
        if step["status"] == "committed" and (spec.get("supplier") or spec.get("order_number")):
            requests.update_request(
                store,
                actor=who,
                request_id=rid,
                supplier=spec.get("supplier"),
                order_number=spec.get("order_number"),
            )
        requests.set_status(
            store,
            actor=who,
            request_id=rid,
            status=step["status"],
            note=step.get("note", ""),
            at=demo.clock.at(step["at"]),
        )
    return rid


# --------------------------------------------------------------------- EEI


def _seed_eei(
    store: Store, actor: Actor, demo: Demo, plan: EEIPlan, incident_id: str, cut: str
) -> int:
    """The reports handed in by `cut`, and the reviews made of them by then."""
    due = {p.number: p.eei_due_at for p in demo_periods(demo) if p.starts_at <= cut}
    submitted: set[str] = set()
    for period, batch in sorted(plan.batches.items()):
        arrived = [r for r in batch if period in due and (r.reported_at or "") <= cut]
        if arrived:
            ids = eei.submit_reports(store, actor=actor, incident_id=incident_id, reports=arrived)
            submitted.update(ids)
    for review in plan.reviews:
        # Reviewed an hour and a half after the due time, once the late reports are in.
        at = add_hours(due[review.period], 1.5) if review.period in due else None
        report_ids = tuple(r for r in review.report_ids if r in submitted)
        if at is None or at > cut or not report_ids:
            continue
        eei.validate(
            store,
            actor=demo.person(review.by).actor,
            report_ids=report_ids,
            state=review.state,
            note=review.note,
            at=at,
        )
    return len(submitted)
