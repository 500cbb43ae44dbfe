"""Escalation of resource requests: members' partial fill, the unfilled part elevated
to the state with its tracking number, both on the request's history and in the
incident log; refusals name the field and leave the store as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import escalation, incidents, log, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from tests.conftest import FakeWall

BOB = Actor("Bob Okafor", "Logistics Section Chief")
ANN = Actor("Ann Liu", "Resources Unit Leader")
T0 = "2026-11-18T08:00:00Z"


@pytest.fixture
def request_id(store: Store) -> str:
    iid = incidents.create_incident(
        store, actor=BOB, name="Ice storm", incident_type="winter_storm", started_at=T0
    )
    return requests.create_request(
        store, actor=BOB, incident_id=iid, resource_kind="Portable generator", quantity=10,
        created_at="2026-11-18T09:00:00Z",
    )  # fmt: skip


def refused(store: Store, field: str, call: Callable[[], Any]) -> None:
    before = dump_text(store)
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.field == field, info.value
    assert dump_text(store) == before


def test_fill_then_elevate_the_rest(store: Store, wall: FakeWall, request_id: str) -> None:
    requests.set_status(store, actor=BOB, request_id=request_id, status="approved")
    requests.set_status(store, actor=BOB, request_id=request_id, status="sourcing")
    wall.advance(60)
    req = escalation.record_fill(store, actor=BOB, request_id=request_id, filled=4,
                                 note="Yale 2, Hartford 2")  # fmt: skip
    assert req.filled_quantity == 4 and escalation.unfilled(req) == 6
    wall.advance(60)
    req = escalation.elevate(store, actor=BOB, request_id=request_id, ref="CT-DPH-2026-0412",
                             to="CT DPH ESF-8", at="2026-11-18T11:10:00Z")  # fmt: skip
    assert (req.elevated_quantity, req.elevated_ref, req.elevated_to) == (
        6, "CT-DPH-2026-0412", "CT DPH ESF-8")  # fmt: skip
    assert req.elevated_by == BOB.label and escalation.unfilled(req) == 0
    steps = escalation.history(store, request_id=request_id)
    assert [s.kind for s in steps] == ["status", "status", "status", "fill", "elevated"]
    assert steps[-2].text == "Members filled 4 each"
    assert steps[-1].text == "Elevated 6 each to CT DPH ESF-8 (tracking CT-DPH-2026-0412)"
    assert req.incident_id is not None
    texts = [
        e.text or ""
        for e in log.list_entries(store, flt=log.LogFilter(incident_id=req.incident_id))
    ]
    assert any("members filled 4. Yale 2, Hartford 2" in t for t in texts)
    assert any("6 elevated to CT DPH ESF-8, tracking number CT-DPH-2026-0412" in t for t in texts)
    refused(store, "elevated_quantity", lambda: escalation.elevate(
        store, actor=BOB, request_id=request_id, ref="X-2"))  # fmt: skip


def test_partial_elevation_leaves_room_for_a_second(store: Store, request_id: str) -> None:
    escalation.elevate(store, actor=BOB, request_id=request_id, ref="A-1", quantity=3)
    req = escalation.elevate(store, actor=BOB, request_id=request_id, ref="A-2", quantity="2")
    assert req.elevated_quantity == 5 and req.elevated_ref == "A-2"
    refused(store, "filled_quantity", lambda: escalation.record_fill(
        store, actor=BOB, request_id=request_id, filled=6))  # fmt: skip
    escalation.record_fill(store, actor=BOB, request_id=request_id, filled=5)
    kinds = [s.kind for s in escalation.history(store, request_id=request_id)]
    assert kinds.count("elevated") == 2 and kinds.count("fill") == 1


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("elevated_ref", {"ref": " "}),
        ("elevated_to", {"to": ""}),
        ("elevated_quantity", {"quantity": 0}),
        ("elevated_quantity", {"quantity": 11}),
        ("elevated_quantity", {"quantity": "lots"}),
        ("elevated_at", {"at": "2026-11-18T08:30:00Z"}),
        ("elevated_at", {"at": "noonish"}),
        # Years ahead: refused as the elevation's own time, not as the log entry it makes.
        ("elevated_at", {"at": "2030-01-01T00:00:00Z"}),
    ],
)
def test_elevation_refusals(
    store: Store, request_id: str, field: str, kwargs: dict[str, Any]
) -> None:
    args: dict[str, Any] = {"ref": "CT-1", **kwargs}
    refused(store, field, lambda: escalation.elevate(
        store, actor=BOB, request_id=request_id, **args))  # fmt: skip


@pytest.mark.parametrize("filled", [-1, "x", 11, float("nan")])
def test_fill_refusals(store: Store, request_id: str, filled: Any) -> None:
    refused(store, "filled_quantity", lambda: escalation.record_fill(
        store, actor=BOB, request_id=request_id, filled=filled))  # fmt: skip


def test_a_fill_dated_years_ahead_is_refused_by_its_own_name(store: Store, request_id: str) -> None:
    refused(store, "at", lambda: escalation.record_fill(
        store, actor=BOB, request_id=request_id, filled=2, at="2030-01-01T00:00:00Z"))  # fmt: skip


def test_closed_requests_take_neither(store: Store, request_id: str) -> None:
    requests.set_status(store, actor=BOB, request_id=request_id, status="cancelled")
    refused(store, "request", lambda: escalation.record_fill(
        store, actor=BOB, request_id=request_id, filled=1))  # fmt: skip
    refused(store, "request", lambda: escalation.elevate(
        store, actor=BOB, request_id=request_id, ref="CT-1"))  # fmt: skip


def _sourcing(store: Store, request_id: str) -> None:
    requests.set_status(store, actor=BOB, request_id=request_id, status="approved")
    requests.set_status(store, actor=BOB, request_id=request_id, status="sourcing")


def test_a_fill_over_another_seats_later_fill_is_a_conflict(
    store: Store, wall: FakeWall, request_id: str
) -> None:
    """Two seats open the fill form on the same figures; the first saves 4, the second
    (still showing none filled) saves 6. Written over the 4, the second would erase a
    decision its operator never saw: it is recorded as concurrent, and the two stand
    as a conflict to resolve, as two stations' would."""
    from hcc_desktop.sync import conflicts

    _sourcing(store, request_id)
    _req, seen_a = escalation.read_for_form(store, request_id=request_id)
    _req, seen_b = escalation.read_for_form(store, request_id=request_id)
    assert seen_a == seen_b == {"escalation": None}
    escalation.record_fill(store, actor=BOB, request_id=request_id, filled=4, seen=seen_a)
    wall.advance(30)
    escalation.record_fill(store, actor=ANN, request_id=request_id, filled=6, seen=seen_b)
    (conflict,) = conflicts.list_conflicts(store)
    assert conflict.unit == "escalation"
    assert sorted(s.value["filled_quantity"] for s in conflict.sides) == [4, 6]


def test_a_fill_from_a_form_that_is_up_to_date_is_no_conflict(
    store: Store, wall: FakeWall, request_id: str
) -> None:
    from hcc_desktop.sync import conflicts

    _sourcing(store, request_id)
    escalation.record_fill(store, actor=BOB, request_id=request_id, filled=4)
    wall.advance(30)
    req, seen = escalation.read_for_form(store, request_id=request_id)
    assert req.filled_quantity == 4 and seen["escalation"] is not None
    req = escalation.record_fill(store, actor=ANN, request_id=request_id, filled=5, seen=seen)
    assert req.filled_quantity == 5 and conflicts.list_conflicts(store) == []


def test_an_elevation_is_reckoned_from_the_figures_the_form_showed(
    store: Store, wall: FakeWall, request_id: str
) -> None:
    """The elevation form showed 10 unfilled; meanwhile another seat recorded a fill of
    7. Elevating "all unfilled" from the stale form asks the state for the 10 shown,
    recorded as concurrent with the fill (a conflict), not 3 that nobody decided on."""
    from hcc_desktop.sync import conflicts

    _sourcing(store, request_id)
    _req, seen = escalation.read_for_form(store, request_id=request_id)
    escalation.record_fill(store, actor=ANN, request_id=request_id, filled=7)
    wall.advance(30)
    escalation.elevate(store, actor=BOB, request_id=request_id, ref="CT-DPH-1", seen=seen)
    (conflict,) = conflicts.list_conflicts(store)
    values = {(s.value["filled_quantity"], s.value["elevated_quantity"]) for s in conflict.sides}
    assert values == {(None, 10), (7, None)}
