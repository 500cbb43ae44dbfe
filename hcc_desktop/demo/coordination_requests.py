"""The demo's EEI requests and communications log: the activation morning's request
to every reporting partner for facility status, repeated each operational period and
due at the period's EEI due time (09:00 and 21:00), the EEI desk's reminder calls to
those still missing a quarter hour after each due time, the coalition's advisories with
the partners' acknowledgements, and the state's inbound notice.

The responses are the demo's EEI reports themselves (eei_plan.py): the partners that
report late or not at all in a period show late or missing on the request without a
line of their own, because the lines are derived. Everything sits on the story's clock,
only what has happened by the cut is seeded, and ids are natural keys, so two stations
seeding the demo make the same records.
"""

from __future__ import annotations

from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.services import eei, eei_requests, messages, organizations
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import add_hours
from hcc_desktop.demo.story import Demo, demo_periods, org_id

#: Who the coalition's messages come from (not the seeding station's name, so every
#: station seeding the demo logs the same messages).
SENDER = "Connecticut Health Care Coalition EOC"

#: (key, sent at, sender person, kind, subject, body, recipient aliases or member
#: types, acknowledgements as (alias, minutes after))
ADVISORIES: tuple[tuple[str, str, str, str, str, str, tuple[str, ...],
                        tuple[tuple[str, int], ...]], ...] = (
    ("activation", "D-1 07:10", "do-day", "notification",
     "Coalition activated: Hurricane Calder exercise",
     "The coalition EOC is activated for the hurricane exercise. Liaisons check in by "
     "08:00; baseline EEIs are due at 09:00.",
     ("hospital",), (("lm", 6), ("milford", 9), ("bridgeport", 14), ("backus", 22))),
    ("fuel", "D-1 15:30", "lsc", "advisory",
     "Top off generator fuel before landfall",
     "Fuel deliveries stop when winds exceed 45 mph. Confirm 72 hours on hand.",
     ("hospital", "long_term_care", "dialysis"), (("lm", 12), ("backus", 35))),
    ("landfall", "D 06:45", "do-day", "advisory",
     "Post-landfall: report damage and generator status by 09:00",
     "Report structural damage, power source and fuel hours with this period's EEIs.",
     ("hospital",), (("milford", 8), ("lm", 19))),
)  # fmt: skip


def _recipients(store: Store, targets: tuple[str, ...], demo: Demo) -> list[str]:
    """Members of the given types in the incident's regions, or the named places."""
    kinds = [t for t in targets if t not in demo.scenario["places"]]
    named = [org_id(demo.key(a)) for a in targets if a in demo.scenario["places"]]
    found = [o.id for o in eei.expected_facilities(store, incident_id=demo.incident_id)
             if o.member_type in kinds] if kinds else []  # fmt: skip
    return [*found, *named]


def seed_requests_and_messages(store: Store, demo: Demo, incident_id: str, cut: str) -> int:
    """Seed the request, its reminders, the advisories and their acknowledgements up to
    `cut`; returns the number of messages logged. Runs inside the demo's one
    transaction."""
    key = demo.incident["key"]
    periods = demo_periods(demo)
    logged = 0
    first = periods[0]
    issued = demo.clock.after(demo.incident["starts"], minutes=5)
    if issued > cut:
        return 0
    rid = natural_id("eei-request", key, "facility-status")
    desk = demo.person("eei").actor
    eei_requests.issue_request(
        store, actor=desk, incident_id=incident_id,
        title="Facility status each operational period",
        elements=["FACILITY_STATUS"],
        targets={"types": list(eei.reporting_types()),
                 "regions": [organizations.region_id_for(k) for k in demo.incident["regions"]]},
        due_at=first.eei_due_at, repeat="period", context="functional_exercise",
        channel="notification_system", issued_at=issued, record_id=rid, sender=SENDER,
        notes="Report through the EEI web form; call the EEI desk if the form is down.",
    )  # fmt: skip
    logged += 1
    for p in periods:
        at = _plus_minutes(p.eei_due_at, 15)
        if at > cut:
            break
        status = eei_requests.request_status(store, rid, now=at)
        if not status.reminders:
            continue
        eei_requests.remind(
            store, actor=desk, request_id=rid, channel="phone", now=at,
            note=f"Period {p.number} EEIs were due at the period's due time; calling the "
            "24/7 numbers of those not yet reported.",
            record_id=natural_id("eei-reminder", key, p.number), sender=SENDER,
        )  # fmt: skip
        logged += 1
    for mkey, when, who, kind, subject, body, targets, acks in ADVISORIES:
        sent = demo.clock.at(when)
        if sent > cut:
            continue
        person = demo.person(who)
        mid = natural_id("message", key, mkey)
        messages.record_message(
            store, actor=person.actor, direction="out", kind=kind, subject=subject,
            body=body, channel="email", recipients=_recipients(store, targets, demo),
            sent_at=sent, incident_id=incident_id, record_id=mid, sender=SENDER,
        )  # fmt: skip
        logged += 1
        for alias, minutes in acks:
            at = _plus_minutes(sent, minutes)
            if at <= cut:
                messages.acknowledge(
                    store, actor=person.actor, message_id=mid,
                    organization_id=org_id(demo.key(alias)), acknowledged_at=at, channel="email",
                )  # fmt: skip
    inbound = demo.clock.at("D-1 11:20")
    if inbound <= cut:
        messages.record_message(
            store, actor=demo.person("esf8").actor, direction="in", kind="notification",
            subject="State EOC at full activation; ESF-8 desk staffed 24/7",
            body="Route resource requests the coalition cannot fill to the ESF-8 desk.",
            channel="phone", sender="DEMHS State EOC (ESF-8)", sent_at=inbound,
            incident_id=incident_id, record_id=natural_id("message", key, "seoc-activation"),
        )  # fmt: skip
        logged += 1
    return logged


def _plus_minutes(iso: str, minutes: int) -> str:
    return add_hours(iso, minutes / 60)
