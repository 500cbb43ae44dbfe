"""The demo's response coordination: who held which position during the hurricane
exercise, the coalition's 24/7 duty schedule around it (with one night nobody is on
call, so the gap shows), the evening shift handover acknowledged by the night duty
officer, and one request the members could only partly fill, elevated to the state.

Everything is placed on the story's clock and only what has happened by the cut is
seeded, like the rest of the demo; ids are natural keys so two stations seeding the
demo make the same records.
"""

from __future__ import annotations

from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.services import duty, escalation, handover, roster
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.demo.story import Demo

#: (position, person key, signed in, signed out or None, phone)
ROSTER: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("duty_officer", "do-day", "D-1 07:00", "D-1 19:00", "860-555-0141"),
    ("duty_officer", "do-night", "D-1 19:00", "D 07:00", "860-555-0142"),
    ("duty_officer", "do-day", "D 07:00", "D 19:15", "860-555-0141"),
    ("duty_officer", "do-night", "D 19:15", None, "860-555-0142"),
    ("eei_desk", "eei", "D-1 07:30", None, "860-555-0150"),
    ("situation_unit", "sul", "D-1 07:30", None, "860-555-0151"),
    ("logistics_chief", "lsc", "D-1 08:00", "D-1 20:00", "860-555-0160"),
    ("logistics", "log-night", "D-1 19:30", "D 07:30", "860-555-0161"),
    ("logistics_chief", "lsc", "D 07:00", None, "860-555-0160"),
    ("liaison", "esf8", "D-1 09:00", None, "860-555-0170"),
)
#: Day and night duty officers around the clock, except the night of D+1.
SHIFTS: tuple[tuple[str, str, str], ...] = (
    ("do-day", "D-1 07:00", "D-1 19:00"),
    ("do-night", "D-1 19:00", "D 07:00"),
    ("do-day", "D 07:00", "D 19:00"),
    ("do-night", "D 19:00", "D+1 07:00"),
    ("do-day", "D+1 07:00", "D+1 19:00"),
    ("do-day", "D+2 07:00", "D+2 19:00"),
    ("do-night", "D+2 19:00", "D+3 07:00"),
)
#: The request the members filled in part, and the state's tracking number.
ELEVATED = "CTDPH-005"
TRACKING = "CT-SEOC-2026-0147"


def seed_coordination(store: Store, demo: Demo, incident_id: str, cut: str) -> int:
    """Seed the roster, the duty schedule, and the handover and the escalation when
    the story has reached them; returns the log entries written on the way (the
    acknowledgement, the fill and the elevation are logged). Runs inside the demo's
    one transaction."""
    key = demo.incident["key"]
    for n, (position, who, since, until, phone) in enumerate(ROSTER):
        at = demo.clock.at(since)
        if at > cut:
            continue
        person = demo.person(who)
        rid = roster.sign_in(
            store, actor=person.actor, incident_id=incident_id, position=position,
            person=person.name, at=at, phone=phone,
            record_id=natural_id("roster", key, n),
        )  # fmt: skip
        if until and demo.clock.at(until) <= cut:
            roster.sign_out(store, actor=person.actor, assignment_id=rid,
                            at=demo.clock.at(until))  # fmt: skip
    for n, (who, start, end) in enumerate(SHIFTS):
        person = demo.person(who)
        duty.add_shift(
            store, actor=demo.person("coord").actor, person=person.name,
            starts_at=demo.clock.at(start), ends_at=demo.clock.at(end),
            phone=dict((w, p) for _, w, _, _, p in ROSTER).get(who),
            record_id=natural_id("duty-shift", key, n),
        )  # fmt: skip
    return _handover(store, demo, incident_id, cut) + _escalation(store, demo, cut)


def _trail(demo: Demo, what: str, station: str) -> escalation.LogTrail:
    """The log entry of a story decision: a natural id and the station of the person
    who made it, so every station seeding the same day makes the same entry."""
    return escalation.LogTrail(natural_id("log", demo.incident["key"], what), station)


def _handover(store: Store, demo: Demo, incident_id: str, cut: str) -> int:
    day, night = demo.person("do-day"), demo.person("do-night")
    prepared = demo.clock.at("D 19:00")
    if prepared > cut:
        return 0
    hid = handover.prepare(
        store, actor=day.actor, incident_id=incident_id, incoming=night.name, at=prepared,
        notes="Lawrence & Memorial fuel margin still thin; Griffin IT outage ongoing; "
        "pediatric transports partly elevated to the state, chase the SEOC at 22:00.",
        record_id=natural_id("handover", demo.incident["key"], "D 19:00"),
    )  # fmt: skip
    acknowledged = demo.clock.at("D 19:15")
    if acknowledged <= cut:
        handover.acknowledge(
            store, actor=night.actor, handover_id=hid, at=acknowledged,
            note="Taken over; will call the SEOC at 22:00 about CT-SEOC-2026-0147.",
            trail=_trail(demo, "handover-ack", night.station),
        )  # fmt: skip
        return 1
    return 0


def _escalation(store: Store, demo: Demo, cut: str) -> int:
    lsc: Actor = demo.person("lsc").actor
    rid = natural_id("request", demo.incident["key"], ELEVATED)
    logged = 0
    if demo.clock.at("D 11:05") <= cut:
        escalation.record_fill(
            store, actor=lsc, request_id=rid, filled=1, at=demo.clock.at("D 11:05"),
            note="Connecticut Children's transport team takes one; no other member has "
            "a pediatric critical care team free.",
            trail=_trail(demo, "fill", demo.person("lsc").station),
        )  # fmt: skip
        logged += 1
    if demo.clock.at("D 11:20") <= cut:
        escalation.elevate(
            store, actor=lsc, request_id=rid, ref=TRACKING, to="CT DPH ESF-8 (State EOC)",
            at=demo.clock.at("D 11:20"),
            note="Requested through WebEOC; SEOC asking neighbouring states.",
            trail=_trail(demo, "elevation", demo.person("lsc").station),
        )  # fmt: skip
        logged += 1
    return logged
