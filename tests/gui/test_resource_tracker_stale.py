"""A status step taken in the resource tracker carries the status version the tracker
showed (issue 15): when another seat moved the request after the tracker read it, the
step is a concurrent one, checked against what the operator saw, and a disagreement is
an open conflict, as two stations' moves are."""

from __future__ import annotations

from typing import Any

import pytest

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.sync import conflicts

pytestmark = pytest.mark.gui

BEN = Actor("Ben Cole", "Logistics, seat 2")


def _settled(qtbot: Any, panel: Any) -> None:
    qtbot.waitUntil(panel.is_loaded, timeout=10_000)


def _status(store: Any, request_id: str) -> str:
    with store.read() as s:
        return requests.find_request(s, request_id).status


def test_a_step_from_a_status_another_seat_changed_is_a_conflict(
    qtbot: Any,
    main_window: Any,
    scenario: Any,
    populated_path: Any,
    wall: Any,
    answers: list[str],
) -> None:
    store = main_window.ctx.store
    panel = main_window.panels["resourceTrackerDock"]
    rid = scenario.requests[2]  # submitted
    panel.select_request(rid)
    _settled(qtbot, panel)
    assert "denied" in panel.detail.buttons
    with open_store(populated_path, wall=wall) as other:  # this window hears nothing
        wall.advance()
        requests.set_status(other, actor=BEN, request_id=rid, status="approved")
    wall.advance()
    answers.append("Duplicate of an earlier request")
    panel.detail.buttons["denied"].click()  # from "submitted", what the detail shows
    _settled(qtbot, panel)

    (c,) = conflicts.list_conflicts(store)
    assert (c.entity, c.record_id, c.unit) == ("request", rid, "status")
    assert [s.value["status"] for s in c.sides] == ["denied", "approved"]
    assert [s.operator for s in c.sides] == [main_window.ctx.actor.label, BEN.label]
    assert _status(store, rid) == "denied"


def test_a_step_is_checked_against_the_status_shown(
    qtbot: Any,
    main_window: Any,
    scenario: Any,
    populated_path: Any,
    wall: Any,
    boxes: list[tuple[str, str]],
) -> None:
    store = main_window.ctx.store
    panel = main_window.panels["resourceTrackerDock"]
    rid = scenario.requests[2]
    panel.select_request(rid)
    _settled(qtbot, panel)
    seen = panel.model.status_seen[rid]
    assert panel.detail.seen_for(rid) == seen
    with open_store(populated_path, wall=wall) as other:
        wall.advance()
        requests.set_status(other, actor=BEN, request_id=rid, status="approved")
    wall.advance()
    # "Start sourcing" is not a step from "submitted", what this seat was shown.
    assert panel.move(rid, "sourcing", seen=seen) is False
    assert "cannot go from submitted to sourcing" in boxes[-1][1]
    assert _status(store, rid) == "approved"
    assert panel.move(rid, "approved", seen=seen)  # agrees with the other seat
    _settled(qtbot, panel)
    assert conflicts.list_conflicts(store) == []
    # After the reload the tracker shows the current status: a fresh step, no conflict.
    assert panel.model.status_seen[rid] != seen
    panel.select_request(rid)
    _settled(qtbot, panel)
    panel.detail.buttons["sourcing"].click()
    _settled(qtbot, panel)
    assert _status(store, rid) == "sourcing"
    assert conflicts.list_conflicts(store) == []


def test_a_second_step_before_the_table_is_read_again_is_no_conflict(
    qtbot: Any, main_window: Any, scenario: Any, boxes: list[tuple[str, str]]
) -> None:
    """The status shown before this seat's own move is not a stale view of another
    seat's change: a step on a request this seat just moved is checked against its
    current status (refused as before), never recorded as a conflict with itself."""
    store = main_window.ctx.store
    panel = main_window.panels["resourceTrackerDock"]
    rid = scenario.requests[2]
    panel.select_request(rid)
    _settled(qtbot, panel)
    seen = panel.detail.seen_for(rid)
    assert panel.move(rid, "approved", seen=seen)
    assert panel.move(rid, "sourcing", seen=seen)  # a step from approved, now current
    assert conflicts.list_conflicts(store) == []
    assert _status(store, rid) == "sourcing"
    _settled(qtbot, panel)
