"""Resource requests (ICS 213RR): creation, the fixed status lifecycle, history."""

from __future__ import annotations

import itertools
import json
import math
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.services import incidents, organizations
from hcc_desktop.core.services import requests as rq
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

NOW = "2026-11-18T11:06:40Z"
BOB = Actor("Bob Okafor", "Logistics Section Chief")

# The lifecycle as DESIGN.md and the ICS 213RR describe it, written out independently
# of hcc_desktop.core.lifecycle: draft → submitted → approved → sourcing → committed →
# in transit → delivered → returned, or denied / cancelled.
EXPECTED_NEXT: dict[str, set[str]] = {
    "draft": {"submitted", "cancelled"},
    "submitted": {"approved", "denied", "cancelled"},
    "approved": {"sourcing", "committed", "cancelled"},
    "sourcing": {"committed", "denied", "cancelled"},
    "committed": {"in_transit", "delivered", "cancelled"},
    "in_transit": {"delivered"},
    "delivered": {"returned"},
    "returned": set(),
    "denied": set(),
    "cancelled": set(),
}
# How to reach each state from a new request.
PATH: dict[str, list[str]] = {
    "draft": [],
    "submitted": ["submitted"],
    "approved": ["submitted", "approved"],
    "sourcing": ["submitted", "approved", "sourcing"],
    "committed": ["submitted", "approved", "sourcing", "committed"],
    "in_transit": ["submitted", "approved", "sourcing", "committed", "in_transit"],
    "delivered": ["submitted", "approved", "sourcing", "committed", "in_transit", "delivered"],
    "returned": [
        "submitted",
        "approved",
        "sourcing",
        "committed",
        "in_transit",
        "delivered",
        "returned",
    ],
    "denied": ["submitted", "denied"],
    "cancelled": ["cancelled"],
}


def snapshot(store: Store) -> tuple[Any, ...]:
    with store.read() as s:
        changes = s.scalar(select(func.count()).select_from(m.ChangeSet))
        versions = s.scalar(select(func.count()).select_from(m.Version))
        clock = s.get_one(m.ClockState, 1).hlc
        settings = sorted((r.key, r.value) for r in s.scalars(select(m.Setting)))
    return dump_text(store), changes, versions, clock, settings


def refused(store: Store, field: str, call: Callable[..., Any], **kw: Any) -> ValidationError:
    before = snapshot(store)
    with pytest.raises(ValidationError) as info:
        call(store, **kw)
    assert info.value.field == field, str(info.value)
    after = snapshot(store)
    assert after[0] == before[0]
    assert after == before
    return info.value


def get(store: Store, ref: str) -> m.ResourceRequest:
    with store.read() as s:
        return rq.find_request(s, ref)


@pytest.fixture
def incident(store: Store, actor: Actor) -> str:
    return incidents.create_incident(
        store, actor=actor, name="Hurricane Zoe", started_at="2026-11-18T06:00Z"
    )


@pytest.fixture
def hospital(store: Store, actor: Actor) -> str:
    return organizations.add_organization(
        store, actor=actor, name="Hartford Hospital", member_type="hospital", membership="core"
    )


def new_request(store: Store, actor: Actor, incident: str, **kw: Any) -> str:
    args: dict[str, Any] = {"resource_kind": "Generator", "quantity": 1, **kw}
    return rq.create_request(store, actor=actor, incident_id=incident, **args)


# ----------------------------------------------------------------------------- create


def test_lifecycle_table_is_the_documented_one() -> None:
    assert set(lifecycle.STATUSES) == set(EXPECTED_NEXT)
    for status, nxt in EXPECTED_NEXT.items():
        assert set(lifecycle.allowed_next(status)) == nxt, status
    assert set(lifecycle.INITIAL) == {"draft", "submitted"}
    assert {"returned", "denied", "cancelled"} == lifecycle.TERMINAL
    assert {
        "draft",
        "submitted",
        "approved",
        "sourcing",
        "committed",
        "in_transit",
    } == lifecycle.OPEN
    assert all(lifecycle.is_open(s) == (s in lifecycle.OPEN) for s in lifecycle.STATUSES)
    # A word only a newer station knows stays in view: open, not silently closed.
    assert lifecycle.is_open("escalated_to_state")


def test_a_request_with_a_status_from_a_newer_station_stays_in_the_briefing(
    store: Store, actor: Actor, incident: str
) -> None:
    from hcc_desktop.reports.briefing_lists_data import open_requests

    rid = rq.create_request(
        store, actor=actor, incident_id=incident, resource_kind="Ventilators", quantity=4
    )
    with store.writing(operator="Sync", summary="as an import would") as w:
        w.put("request", rid, {"status": {"status": "escalated_to_state"}})
    number = rq.list_requests(store, incident_id=incident)[0].number
    rows = open_requests(store, incident, {}, "2026-11-19T00:00:00Z")
    assert [(r.number, r.status) for r in rows] == [(number, "escalated_to_state")]


def test_create_request(store: Store, actor: Actor, incident: str, hospital: str) -> None:
    rid = rq.create_request(
        store,
        actor=actor,
        incident_id=incident,
        resource_kind=" Generator ",
        quantity="2",
        unit="each",
        priority="Urgent",
        requester_org_id=hospital,
        resource_type="Type II",
        needed_by="2026-11-18T18:00-05:00",
        deliver_to="Hartford Hospital loading dock",
        description="500 kW, with fuel",
    )
    r = get(store, rid)
    assert (r.number, r.status, r.status_by, r.status_at, r.created_at) == (
        "TEST-001",
        "submitted",
        actor.label,
        NOW,
        NOW,
    )
    assert (r.resource_kind, r.quantity, r.priority, r.requester_org_id) == (
        "Generator",
        2,
        "urgent",
        hospital,
    )
    assert (r.requested_by, r.needed_by, r.incident_id, r.deleted) == (
        actor.label,
        "2026-11-18T23:00:00Z",
        incident,
        False,
    )
    draft = new_request(store, actor, incident, status="draft", quantity=2.5)
    d = get(store, draft)
    assert (d.number, d.status, d.quantity) == ("TEST-002", "draft", 2.5)


@pytest.mark.parametrize("status", ["approved", "delivered", "cancelled", "bogus"])
def test_a_new_request_starts_as_draft_or_submitted(
    store: Store, actor: Actor, incident: str, status: str
) -> None:
    err = refused(
        store,
        "status",
        rq.create_request,
        actor=actor,
        incident_id=incident,
        resource_kind="Cots",
        quantity=10,
        status=status,
    )
    assert "draft or submitted" in err.message


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -3}, "quantity"),
        ({"quantity": "a few"}, "quantity"),
        ({"quantity": None}, "quantity"),
        ({"quantity": math.nan}, "quantity"),
        ({"quantity": math.inf}, "quantity"),
        ({"quantity": "2e9"}, "quantity"),
        ({"priority": "asap"}, "priority"),
        ({"resource_kind": "  "}, "resource_kind"),
        ({"needed_by": "by Friday"}, "needed_by"),
        ({"requester_org_id": "no-such-member"}, "requester"),
        ({"colour": "red"}, "colour"),
        ({"number": " "}, "number"),
        ({"created_at": "yesterday"}, "created_at"),
    ],
)
def test_create_refusals(
    store: Store, actor: Actor, incident: str, kw: dict[str, Any], field: str
) -> None:
    args = {"resource_kind": "Cots", "quantity": 10, **kw}
    refused(store, field, rq.create_request, actor=actor, incident_id=incident, **args)


def test_create_for_an_unknown_incident(store: Store, actor: Actor) -> None:
    refused(
        store,
        "incident",
        rq.create_request,
        actor=actor,
        incident_id=str(uuid.uuid4()),
        resource_kind="Cots",
        quantity=1,
    )


def test_request_numbers_are_never_reused(store: Store, actor: Actor, incident: str) -> None:
    new_request(store, actor, incident, number="TEST-002")
    new_request(store, actor, incident)
    new_request(store, actor, incident)
    numbers = [r.number for r in rq.list_requests(store, incident_id=incident)]
    assert len(set(numbers)) == 3, numbers
    assert sorted(numbers) == ["TEST-002", "TEST-003", "TEST-004"]
    err = refused(
        store,
        "number",
        rq.create_request,
        actor=actor,
        incident_id=incident,
        resource_kind="Cots",
        quantity=1,
        number="TEST-003",
    )
    assert "TEST-003" in err.message


# ----------------------------------------------------------------------------- lifecycle


def test_whole_lifecycle_walk_and_history(store: Store, actor: Actor, incident: str, wall) -> None:
    rid = new_request(store, actor, incident, status="draft")
    walk = PATH["returned"]
    for i, status in enumerate(walk):
        wall.advance(60)
        who = BOB if i % 2 else actor
        rq.set_status(store, actor=who, request_id=rid, status=status, note=f"step {i}")
        r = get(store, rid)
        assert (r.status, r.status_by, r.status_note) == (status, who.label, f"step {i}")
    history = rq.status_history(store, request_id=rid)
    assert [h.status for h in history] == ["draft", *walk]
    assert [h.note for h in history] == [None] + [f"step {i}" for i in range(len(walk))]
    assert [h.at for h in history] == sorted(h.at for h in history)
    assert history[0].at == NOW
    assert history[-1].at == "2026-11-18T11:13:40Z"
    assert history[1].by == actor.label and history[2].by == BOB.label
    with store.read() as s:
        versions = {
            v.id: v
            for v in s.scalars(
                select(m.Version).where(m.Version.record_id == rid, m.Version.unit == "status")
            )
        }
    assert [h.version_id for h in history] == sorted(versions, key=lambda i: versions[i].seq)
    for older, newer in itertools.pairwise(history):
        assert versions[newer.version_id].parent_id == older.version_id
    assert json.loads(versions[history[-1].version_id].value)["status"] == "returned"


def test_status_at_and_note(store: Store, actor: Actor, incident: str) -> None:
    rid = new_request(store, actor, incident)
    rq.set_status(
        store,
        actor=actor,
        request_id=rid,
        status="Approved",
        at="2026-11-18T09:30-05:00",
        note="approved by IC",
    )
    r = get(store, rid)
    assert (r.status, r.status_at, r.status_note) == (
        "approved",
        "2026-11-18T14:30:00Z",
        "approved by IC",
    )


@pytest.mark.parametrize("start", list(PATH))
def test_every_illegal_step_is_refused(
    store: Store, actor: Actor, incident: str, start: str
) -> None:
    rid = new_request(store, actor, incident, status="draft")
    for status in PATH[start]:
        rq.set_status(store, actor=actor, request_id=rid, status=status)
    assert get(store, rid).status == start
    illegal = set(EXPECTED_NEXT) - EXPECTED_NEXT[start]
    for target in sorted(illegal):
        err = refused(store, "status", rq.set_status, actor=actor, request_id=rid, status=target)
        assert f"from {start} to {target}" in err.message
        if EXPECTED_NEXT[start]:
            assert "allowed next" in err.message
        else:
            assert "closed" in err.message
    refused(store, "status", rq.set_status, actor=actor, request_id=rid, status="teleported")
    if EXPECTED_NEXT[start]:  # while a legal step is taken
        target = sorted(EXPECTED_NEXT[start])[0]
        rq.set_status(store, actor=actor, request_id=rid, status=target)
        assert get(store, rid).status == target


def test_delivered_cannot_go_back_to_submitted(store: Store, actor: Actor, incident: str) -> None:
    rid = new_request(store, actor, incident)
    for status in PATH["delivered"][1:]:
        rq.set_status(store, actor=actor, request_id=rid, status=status)
    err = refused(store, "status", rq.set_status, actor=actor, request_id=rid, status="submitted")
    assert err.message == "TEST-001 cannot go from delivered to submitted (allowed next: returned)"


def test_set_status_of_an_unknown_request(store: Store, actor: Actor, incident: str) -> None:
    refused(store, "request", rq.set_status, actor=actor, request_id="NOPE-001", status="approved")
    rid = new_request(store, actor, incident)
    refused(store, "at", rq.set_status, actor=actor, request_id=rid, status="approved", at="soon")


# ----------------------------------------------------------------------------- find, edit


def test_find_by_number_id_and_prefix(store: Store, actor: Actor, incident: str) -> None:
    rid = new_request(store, actor, incident)
    other = new_request(store, actor, incident, resource_kind="Cots")
    assert get(store, "TEST-001").id == rid
    assert get(store, "TEST-002").id == other
    assert get(store, rid).id == rid
    assert get(store, rid[:20]).id == rid
    with store.read() as s:
        with pytest.raises(NotFoundError) as info:
            rq.find_request(s, "TEST-003")
        assert info.value.field == "request"
        with pytest.raises(ValidationError, match="more than one") as info:
            rq.find_request(s, rid[:8])  # both made in the same millisecond
        assert info.value.field == "request"


def test_update_request(store: Store, actor: Actor, incident: str, hospital: str) -> None:
    rid = new_request(store, actor, incident, quantity=2)
    assert rq.update_request(
        store,
        actor=BOB,
        request_id=rid,
        quantity="2",
        supplier="State stockpile",
        order_number="PO-77",
        requester_org_id=hospital,
    ) == ["order_number", "requester_org_id", "supplier"]
    r = get(store, rid)
    assert (r.supplier, r.order_number, r.quantity, r.status) == (
        "State stockpile",
        "PO-77",
        2,
        "submitted",
    )
    before = snapshot(store)
    assert rq.update_request(store, actor=BOB, request_id=rid, supplier="State stockpile") == []
    assert snapshot(store) == before
    refused(store, "status", rq.update_request, actor=actor, request_id=rid, status="approved")
    refused(store, "quantity", rq.update_request, actor=actor, request_id=rid, quantity=0)
    refused(
        store,
        "requester",
        rq.update_request,
        actor=actor,
        request_id=rid,
        requester_org_id=str(uuid.uuid4()),
    )


def test_list_and_overdue(store: Store, actor: Actor, incident: str, wall) -> None:
    late = new_request(store, actor, incident, needed_by="2026-11-18T10:00Z")
    wall.advance(1)
    future = new_request(store, actor, incident, needed_by="2026-11-18T20:00Z", priority="low")
    wall.advance(1)
    delivered = new_request(store, actor, incident, needed_by="2026-11-18T10:00Z")
    for status in PATH["delivered"][1:]:
        rq.set_status(store, actor=actor, request_id=delivered, status=status)
    wall.advance(1)
    denied = new_request(store, actor, incident, needed_by="2026-11-18T10:00Z")
    rq.set_status(store, actor=actor, request_id=denied, status="denied")
    wall.advance(1)
    undated = new_request(store, actor, incident)
    now = "2026-11-18T12:00:00Z"
    overdue = {r.id for r in rq.list_requests(store, incident_id=incident) if rq.is_overdue(r, now)}
    assert overdue == {late}
    assert not rq.is_overdue(get(store, future), "2026-11-18T19:59:59Z")
    assert rq.is_overdue(get(store, future), "2026-11-18T20:00:01Z")
    assert not rq.is_overdue(get(store, undated), now)
    listed = rq.list_requests(store, incident_id=incident)
    assert [r.id for r in listed] == [late, future, delivered, denied, undated]
    assert [r.id for r in rq.list_requests(store, incident_id=incident, status="denied")] == [
        denied
    ]
    assert [r.id for r in rq.list_requests(store, incident_id=incident, priority="low")] == [future]
