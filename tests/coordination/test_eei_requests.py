"""EEI requests: partner lines derived from the request's messages and the EEI reports
(on time, late, missing, not sent), rounds for repeated requests, the reminder list
with 24/7 numbers, HPP-PHEP 6.1 numerator and denominator by partner type and context,
and bad input refused with the field named and the store unchanged."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import (
    contacts,
    eei,
    eei_requests,
    incidents,
    messages,
    organizations,
)
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

DAY = "2026-11-19T"
BOTH = ["FACILITY_STATUS", "BEDS_TOTAL_AVAILABLE"]


@dataclass
class World:
    inc: str
    a: str
    b: str
    c: str
    ltc: str
    ems: str


def _org(store: Store, actor: Actor, name: str, kind: str, phone: str = "") -> str:
    return organizations.add_organization(
        store, actor=actor, name=name, member_type=kind, membership="core", phone_24_7=phone
    )


@pytest.fixture
def world(store: Store, actor: Actor) -> World:
    inc = incidents.create_incident(
        store, actor=actor, name="Nor'easter", incident_type="winter_storm",
        started_at=DAY + "06:00Z", first_period_hours=12,
    )  # fmt: skip
    w = World(
        inc,
        _org(store, actor, "Alder Hospital", "hospital", "860-555-0101"),
        _org(store, actor, "Birch Hospital", "hospital"),
        _org(store, actor, "Cedar Hospital", "hospital"),
        _org(store, actor, "Dogwood Nursing Home", "long_term_care"),
        _org(store, actor, "Elm EMS", "ems"),
    )
    contacts.add_contact(
        store, actor=actor, organization_id=w.c, name="Pat Night", role="House supervisor",
        phone_24_7="860-555-0199", is_24_7=True,
    )  # fmt: skip
    return w


def _report(store: Store, actor: Actor, w: World, org: str, at: str, codes: list[str]) -> None:
    values = {"FACILITY_STATUS": "Normal", "BEDS_TOTAL_AVAILABLE": 12}
    eei.set_values(
        store, actor=actor, incident_id=w.inc, organization_id=org, period=1,
        values={c: values[c] for c in codes}, reported_at=DAY + at,
    )  # fmt: skip


def _issue(store: Store, actor: Actor, w: World, **kw: object) -> str:
    args: dict[str, object] = {
        "incident_id": w.inc, "title": "Status by 09:00", "elements": BOTH,
        "targets": {"types": ["hospital", "long_term_care"]}, "due_at": DAY + "09:00Z",
        "issued_at": DAY + "07:30Z", "channel": "email",
    }  # fmt: skip
    args.update(kw)
    return eei_requests.issue_request(store, actor=actor, **args)  # type: ignore[arg-type]


def _states(st: eei_requests.RequestStatus) -> dict[str, str]:
    return {ln.name.split()[0]: ln.state for ln in st.lines}


def test_partner_lines_follow_messages_and_reports(
    store: Store, actor: Actor, world: World
) -> None:
    w = world
    rid = _issue(store, actor, w)
    sent = messages.list_messages(store, ref_kind="eei_request", ref_id=rid)
    assert len(sent) == 1 and sent[0].message.kind == "eei_request"
    # EMS reports none of the elements: not a partner of this request.
    assert {r.organization_id for r in sent[0].recipients} == {w.a, w.b, w.c, w.ltc}
    assert "by 2026-11-19T09:00:00Z" in (sent[0].message.body or "")

    _report(store, actor, w, w.a, "07:00Z", BOTH)  # before the request: does not answer it
    st = eei_requests.request_status(store, rid, now=DAY + "07:45Z")
    assert set(_states(st).values()) == {"sent"}

    _report(store, actor, w, w.a, "08:30Z", BOTH)
    _report(store, actor, w, w.c, "08:00Z", ["FACILITY_STATUS"])  # one of two elements
    _report(store, actor, w, w.ltc, "08:45Z", ["FACILITY_STATUS"])  # all it reports
    st = eei_requests.request_status(store, rid, now=DAY + "08:50Z")
    assert _states(st) == {"Alder": "on_time", "Birch": "sent", "Cedar": "sent",
                           "Dogwood": "on_time"}  # fmt: skip
    cedar = next(ln for ln in st.lines if ln.organization_id == w.c)
    assert cedar.elements_reported == ("FACILITY_STATUS",) and cedar.reported_at is None
    assert [ln.name for ln in st.reminders] == ["Birch Hospital", "Cedar Hospital"]
    assert cedar.contacts[0].phone == "860-555-0199"

    _report(store, actor, w, w.b, "09:20Z", BOTH)
    st = eei_requests.request_status(store, rid, now=DAY + "10:00Z")
    assert _states(st) == {"Alder": "on_time", "Birch": "late", "Cedar": "missing",
                           "Dogwood": "on_time"}  # fmt: skip
    assert [ln.name for ln in st.reminders] == ["Cedar Hospital"]
    # A hospital that joins after the request went out was never sent it.
    _org(store, actor, "Fir Hospital", "hospital")
    st = eei_requests.request_status(store, rid, now=DAY + "10:00Z")
    assert _states(st)["Fir"] == "not_sent"

    rep = eei_requests.hpp_report(store, incident_id=w.inc, now=DAY + "10:00Z")
    assert (rep.total.numerator, rep.total.denominator) == (2, 4)
    assert (rep.total.late, rep.total.missing) == (1, 1)
    hosp = rep.by_partner_type["Hospitals"]
    assert (hosp.numerator, hosp.denominator) == (1, 3)
    ltc = rep.by_partner_type["Long-term care facilities"]
    assert (ltc.numerator, ltc.denominator) == (1, 1)
    assert rep.by_context["incident"].percent == 50.0
    assert rep.as_dict()["requests"][0]["numerator"] == 2

    # Reminding logs a message and reaches the partner who had not been sent it.
    mid = eei_requests.remind(
        store, actor=actor, request_id=rid, channel="phone", now=DAY + "10:00Z"
    )
    row = messages.message_row(store, mid)
    assert row.message.kind == "eei_reminder"
    assert {r.organization_id for r in row.recipients} == {w.c, world_fir(store)}
    st = eei_requests.request_status(store, rid, now=DAY + "10:00Z")
    assert _states(st)["Fir"] == "missing"


def world_fir(store: Store) -> str:
    return next(o.id for o in organizations.list_organizations(store) if o.name == "Fir Hospital")


def test_rounds_every_n_hours_and_closing(store: Store, actor: Actor, world: World) -> None:
    w = world
    rid = _issue(store, actor, w, repeat="hours", repeat_hours=4,
                 targets={"members": [w.a, w.b]})  # fmt: skip
    _report(store, actor, w, w.a, "08:30Z", BOTH)
    _report(store, actor, w, w.b, "12:30Z", BOTH)
    st = eei_requests.request_status(store, rid, now=DAY + "14:00Z")
    assert [(r.number, r.opens_at[11:16], r.due_at[11:16]) for r in st.rounds] == [
        (1, "07:30", "09:00"), (2, "09:00", "13:00"), (3, "13:00", "17:00"),
    ]  # fmt: skip
    by_round = {(ln.round.number, ln.name[0]): ln.state for ln in st.history}
    # Birch's one report at 12:30 is after round 1's due and before round 2's: round 1
    # late, round 2 on time. Alder's 08:30 report answers only round 1.
    assert by_round == {(1, "A"): "on_time", (1, "B"): "late", (2, "A"): "missing",
                        (2, "B"): "on_time", (3, "A"): "sent", (3, "B"): "sent"}  # fmt: skip
    rep = eei_requests.hpp_report(store, incident_id=w.inc, now=DAY + "14:00Z")
    assert (rep.total.numerator, rep.total.denominator) == (2, 4)

    assert eei_requests.set_status(store, actor=actor, request_id=rid, status="closed",
                                   at=DAY + "10:00Z")  # fmt: skip
    st = eei_requests.request_status(store, rid, now=DAY + "14:00Z")
    assert len(st.rounds) == 2 and st.reminders == []
    eei_requests.set_status(store, actor=actor, request_id=rid, status="cancelled")
    rep = eei_requests.hpp_report(store, incident_id=w.inc, now=DAY + "14:00Z")
    assert rep.total.denominator == 0 and rep.requests == []


def test_rounds_per_operational_period(store: Store, actor: Actor, world: World) -> None:
    w = world
    incidents.add_period(store, actor=actor, incident_id=w.inc, starts_at=DAY + "18:00Z",
                         ends_at="2026-11-20T06:00Z", eei_due_at=DAY + "20:00Z")  # fmt: skip
    rid = _issue(store, actor, w, repeat="period", targets={"members": [w.a]})
    _report(store, actor, w, w.a, "08:00Z", BOTH)
    _report(store, actor, w, w.a, "21:00Z", BOTH)
    st = eei_requests.request_status(store, rid, now="2026-11-20T01:00Z")
    assert [(r.period, r.due_at[11:16]) for r in st.rounds] == [(1, "09:00"), (2, "20:00")]
    assert [ln.state for ln in st.history] == ["on_time", "late"]


def test_edit_request(store: Store, actor: Actor, world: World) -> None:
    rid = _issue(store, actor, world)
    changed = eei_requests.update_request(
        store, actor=actor, request_id=rid, title="Status by 10:00", due_at=DAY + "10:00Z",
        elements=["FACILITY_STATUS"],
    )  # fmt: skip
    assert changed == ["ask", "schedule", "title"]
    st = eei_requests.request_status(store, rid, now=DAY + "09:30Z")
    assert st.request.due_at == DAY + "10:00:00Z" and st.request.elements == ["FACILITY_STATUS"]
    assert eei_requests.update_request(store, actor=actor, request_id=rid,
                                       title="Status by 10:00") == []  # fmt: skip
    eei_requests.set_status(store, actor=actor, request_id=rid, status="closed")
    with pytest.raises(ValidationError) as err:
        eei_requests.update_request(store, actor=actor, request_id=rid, title="x")
    assert err.value.field == "status"


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("elements", {"elements": ["NO_SUCH_ELEMENT"]}),
        ("elements", {"elements": []}),
        ("targets", {"targets": {}}),
        ("targets", {"targets": {"people": ["x"]}}),
        ("types", {"targets": {"types": ["spaceport"]}}),
        ("regions", {"targets": {"regions": ["Atlantis"]}}),
        ("members", {"targets": {"members": ["nobody-at-all"]}}),
        ("due_at", {"due_at": DAY + "07:00Z"}),
        ("due_at", {"due_at": "tomorrow"}),
        ("repeat", {"repeat": "weekly"}),
        ("repeat_hours", {"repeat": "hours"}),
        ("repeat_hours", {"repeat": "hours", "repeat_hours": 0}),
        ("repeat_hours", {"repeat_hours": 4}),
        ("context", {"context": "tabletop"}),
        ("title", {"title": ""}),
        ("incident", {"incident_id": "no-such-incident"}),
        ("channel", {"channel": "c" * 40}),
    ],
)
def test_bad_request_is_refused(
    store: Store, actor: Actor, world: World, field: str, kw: dict[str, object]
) -> None:
    before = dump_text(store)
    with pytest.raises(ValidationError) as err:
        _issue(store, actor, world, **kw)
    assert err.value.field == field
    assert dump_text(store) == before


def test_member_that_reports_none_of_the_elements_is_refused(
    store: Store, actor: Actor, world: World
) -> None:
    before = dump_text(store)
    with pytest.raises(ValidationError) as err:
        _issue(store, actor, world, targets={"members": [world.ems]})
    assert err.value.field == "members" and "Elm EMS" in err.value.message
    with pytest.raises(ValidationError) as err:
        _issue(store, actor, world, targets={"types": ["ems"]})
    assert err.value.field == "targets"
    assert dump_text(store) == before


def test_exercise_needs_its_context(store: Store, actor: Actor) -> None:
    inc = incidents.create_incident(store, actor=actor, name="Drill", exercise=True,
                                    started_at=DAY + "06:00Z", first_period_hours=8)  # fmt: skip
    _org(store, actor, "Alder Hospital", "hospital")
    args = {"incident_id": inc, "title": "Drill EEIs", "elements": ["FACILITY_STATUS"],
            "targets": {"types": ["hospital"]}, "due_at": DAY + "09:00Z",
            "issued_at": DAY + "07:00Z"}  # fmt: skip
    with pytest.raises(ValidationError) as err:
        eei_requests.issue_request(store, actor=actor, **args)  # type: ignore[arg-type]
    assert err.value.field == "context"
    rid = eei_requests.issue_request(store, actor=actor, context="drill", **args)  # type: ignore[arg-type]
    rep = eei_requests.hpp_report(store, incident_id=inc, now=DAY + "10:00Z")
    assert list(rep.by_context) == ["drill"] and rep.requests[0].request.id == rid
