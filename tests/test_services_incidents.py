"""Incidents, operational periods and the station's current incident."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.services import incidents as inc
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

NOW = "2026-11-18T11:06:40Z"  # the fixed wall time of the `wall` fixture


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


def get_incident(store: Store, incident_id: str) -> m.Incident:
    with store.read() as s:
        return s.get_one(m.Incident, incident_id)


@pytest.fixture
def incident(store: Store, actor: Actor) -> str:
    return inc.create_incident(
        store,
        actor=actor,
        name="Hurricane Zoe",
        incident_type="hurricane",
        started_at="2026-11-18T06:00Z",
    )


def period(store: Store, actor: Actor, incident_id: str, start: str, end: str, **kw: Any) -> int:
    return inc.add_period(
        store, actor=actor, incident_id=incident_id, starts_at=start, ends_at=end, **kw
    )


# ----------------------------------------------------------------------------- incidents


def test_create_incident(store: Store, actor: Actor) -> None:
    r2 = orgs.add_region(store, actor=actor, key="south", name="South")
    r1 = orgs.add_region(store, actor=actor, key="north", name="North")
    iid = inc.create_incident(
        store,
        actor=actor,
        name="  Cyber attack on St. Mary's  ",
        incident_type="Cyber",
        status="Monitoring",
        exercise=True,
        description="Ransomware",
        region_ids=[r2, r1],
    )
    row = get_incident(store, iid)
    assert (row.name, row.incident_type, row.status, row.exercise) == (
        "Cyber attack on St. Mary's",
        "cyber",
        "monitoring",
        True,
    )
    assert row.started_at == NOW  # defaults to now
    assert row.ended_at is None
    assert row.region_ids == sorted([r1, r2])
    assert inc.current_incident(store).id == iid
    assert store.get_setting(inc.CURRENT_KEY) == iid


def test_started_at_is_stored_in_utc(store: Store, actor: Actor) -> None:
    iid = inc.create_incident(store, actor=actor, name="Flood", started_at="2026-11-18T01:30-05:00")
    assert get_incident(store, iid).started_at == "2026-11-18T06:30:00Z"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"incident_type": "alien_invasion"}, "incident_type"),
        ({"status": "paused"}, "status"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"region_ids": ["no-such-region"]}, "region_ids"),
    ],
)
def test_create_incident_refusals(
    store: Store, actor: Actor, kw: dict[str, Any], field: str
) -> None:
    store.set_setting(inc.CURRENT_KEY, None)
    args = {"name": "Storm", **kw}
    refused(store, field, inc.create_incident, actor=actor, **args)
    assert inc.current_incident(store) is None


def test_update_incident(store: Store, actor: Actor, incident: str) -> None:
    changed = inc.update_incident(
        store,
        actor=actor,
        incident_id=incident,
        name="Hurricane Zoe (TS)",
        status="closed",
        ended_at="2026-11-20T18:00Z",
        exercise=False,
        description="",
    )
    assert changed == ["ended_at", "name", "status"]
    row = get_incident(store, incident)
    assert (row.name, row.status, row.ended_at) == (
        "Hurricane Zoe (TS)",
        "closed",
        "2026-11-20T18:00:00Z",
    )
    before = snapshot(store)
    assert inc.update_incident(store, actor=actor, incident_id=incident, status="closed") == []
    assert snapshot(store) == before


def test_update_incident_refusals(store: Store, actor: Actor, incident: str) -> None:
    err = refused(
        store,
        "ended_at",
        inc.update_incident,
        actor=actor,
        incident_id=incident,
        ended_at="2026-11-18T05:59Z",
    )
    assert "before it started" in err.message
    refused(
        store, "ended_at", inc.update_incident, actor=actor, incident_id=incident, ended_at="soon"
    )
    refused(store, "status", inc.update_incident, actor=actor, incident_id=incident, status="done")
    refused(store, "name", inc.update_incident, actor=actor, incident_id=incident, name="")
    refused(
        store,
        "started_at",
        inc.update_incident,
        actor=actor,
        incident_id=incident,
        started_at="2026-11-01T00:00Z",
    )
    refused(
        store, "incident", inc.update_incident, actor=actor, incident_id=str(uuid.uuid4()), name="X"
    )


# ----------------------------------------------------------------------------- periods


def test_periods_are_numbered_and_due_two_hours_in(
    store: Store, actor: Actor, incident: str
) -> None:
    assert period(store, actor, incident, "2026-11-18T07:00Z", "2026-11-18T19:00Z") == 1
    assert (
        period(
            store,
            actor,
            incident,
            "2026-11-18T19:00Z",
            "2026-11-19T07:00Z",
            eei_due_at="2026-11-18T20:30Z",
            objectives="Restore power to dialysis",
        )
        == 2
    )
    p1, p2 = inc.list_periods(store, incident_id=incident)
    assert (p1.number, p1.starts_at, p1.ends_at, p1.eei_due_at) == (
        1,
        "2026-11-18T07:00:00Z",
        "2026-11-18T19:00:00Z",
        "2026-11-18T09:00:00Z",
    )
    assert (p2.number, p2.eei_due_at, p2.objectives) == (
        2,
        "2026-11-18T20:30:00Z",
        "Restore power to dialysis",
    )
    assert p1.id == inc.period_id(incident, 1)
    assert inc.period_at(store, incident_id=incident, moment="2026-11-18T19:00:00Z").number == 2
    assert inc.period_at(store, incident_id=incident, moment="2026-11-18T18:59:59Z").number == 1
    assert inc.period_at(store, incident_id=incident, moment="2026-11-19T07:00:00Z") is None
    with store.read() as s:
        assert inc.get_period(s, incident, 2).id == p2.id
        with pytest.raises(ValidationError) as info:
            inc.get_period(s, incident, 3)
        assert info.value.field == "period"


def test_explicit_period_number(store: Store, actor: Actor, incident: str) -> None:
    assert period(store, actor, incident, "2026-11-19T07:00Z", "2026-11-19T19:00Z", number=3) == 3
    assert period(store, actor, incident, "2026-11-19T19:00Z", "2026-11-20T07:00Z") == 4


def test_period_refusals(store: Store, actor: Actor, incident: str) -> None:
    period(store, actor, incident, "2026-11-18T07:00Z", "2026-11-18T19:00Z")

    def add(field: str, start: str, end: str, **kw: Any) -> ValidationError:
        return refused(
            store,
            field,
            inc.add_period,
            actor=actor,
            incident_id=incident,
            starts_at=start,
            ends_at=end,
            **kw,
        )

    add("ends_at", "2026-11-18T19:00Z", "2026-11-18T18:00Z")  # ends before it starts
    add("ends_at", "2026-11-18T19:00Z", "2026-11-18T19:00Z")  # empty
    err = add("starts_at", "2026-11-18T05:00Z", "2026-11-18T19:00Z")  # before the incident
    assert "2026-11-18T06:00:00Z" in err.message
    add("number", "2026-11-18T19:00Z", "2026-11-19T07:00Z", number=1)  # duplicate
    add("number", "2026-11-18T19:00Z", "2026-11-19T07:00Z", number=0)
    add("eei_due_at", "2026-11-18T19:00Z", "2026-11-19T07:00Z", eei_due_at="2026-11-18T18:59Z")
    add("eei_due_at", "2026-11-18T19:00Z", "2026-11-19T07:00Z", eei_due_at="2026-11-19T07:01Z")
    add("eei_due_at", "2026-11-18T19:00Z", "2026-11-19T07:00Z", eei_due_at="at noon")
    add("starts_at", "tonight", "2026-11-19T07:00Z")
    add("ends_at", "2026-11-18T19:00Z", "2026-13-01T00:00Z")
    refused(
        store,
        "incident",
        inc.add_period,
        actor=actor,
        incident_id=str(uuid.uuid4()),
        starts_at="2026-11-18T19:00Z",
        ends_at="2026-11-19T07:00Z",
    )
    assert [p.number for p in inc.list_periods(store, incident_id=incident)] == [1]


def test_due_time_on_the_period_edges_is_accepted(
    store: Store, actor: Actor, incident: str
) -> None:
    period(
        store,
        actor,
        incident,
        "2026-11-18T07:00Z",
        "2026-11-18T19:00Z",
        eei_due_at="2026-11-18T07:00Z",
    )
    period(
        store,
        actor,
        incident,
        "2026-11-18T19:00Z",
        "2026-11-19T07:00Z",
        eei_due_at="2026-11-19T07:00Z",
    )
    assert [p.eei_due_at for p in inc.list_periods(store, incident_id=incident)] == [
        "2026-11-18T07:00:00Z",
        "2026-11-19T07:00:00Z",
    ]


def test_period_after_the_incident_ended_is_refused(
    store: Store, actor: Actor, incident: str
) -> None:
    inc.update_incident(store, actor=actor, incident_id=incident, ended_at="2026-11-19T06:00Z")
    refused(
        store,
        "starts_at",
        inc.add_period,
        actor=actor,
        incident_id=incident,
        starts_at="2026-11-20T07:00Z",
        ends_at="2026-11-20T19:00Z",
    )


# ----------------------------------------------------------------------------- current


def test_current_incident_selection(store: Store, actor: Actor, wall) -> None:
    assert inc.current_incident(store) is None
    with pytest.raises(NotFoundError) as info:
        inc.resolve_incident(store, None)
    assert info.value.field == "incident"

    a = inc.create_incident(store, actor=actor, name="A", started_at="2026-11-10T00:00Z")
    b = inc.create_incident(
        store, actor=actor, name="B", started_at="2026-11-12T00:00Z", make_current=False
    )
    assert inc.current_incident(store).id == a
    inc.set_current_incident(store, b)
    assert inc.current_incident(store).id == b
    assert inc.resolve_incident(store, None).id == b
    assert inc.resolve_incident(store, a).id == a
    assert inc.resolve_incident(store, a[:20]).id == a  # a unique prefix
    # Both were made in the same millisecond: their UUIDv7 prefixes are the same.
    with pytest.raises(ValidationError, match="more than one") as info:
        inc.resolve_incident(store, a[:8])
    assert info.value.field == "incident"
    assert [i.id for i in inc.list_incidents(store)] == [b, a]  # newest first

    before = snapshot(store)
    with pytest.raises(NotFoundError) as info:
        inc.set_current_incident(store, str(uuid.uuid4()))
    assert info.value.field == "incident"
    assert snapshot(store) == before
    with pytest.raises(ValidationError) as info:
        inc.get_incident(store, "abc")
    assert info.value.field == "incident"


def test_without_a_choice_the_newest_open_incident_is_current(store: Store, actor: Actor) -> None:
    old = inc.create_incident(store, actor=actor, name="Old", started_at="2026-11-01T00:00Z")
    new = inc.create_incident(store, actor=actor, name="New", started_at="2026-11-05T00:00Z")
    inc.update_incident(store, actor=actor, incident_id=new, status="closed")
    store.set_setting(inc.CURRENT_KEY, str(uuid.uuid4()))  # a choice that no longer exists
    assert inc.current_incident(store).id == old
    inc.update_incident(store, actor=actor, incident_id=old, status="closed")
    assert inc.current_incident(store) is None


def test_overlapping_period_is_refused(store: Store, actor: Actor, incident: str) -> None:
    inc.add_period(
        store, actor=actor, incident_id=incident, starts_at="2026-11-18T07:00Z",
        ends_at="2026-11-18T19:00Z",
    )  # fmt: skip
    before = dump_text(store)
    with pytest.raises(ValidationError) as err:
        inc.add_period(
            store, actor=actor, incident_id=incident, starts_at="2026-11-18T18:00Z",
            ends_at="2026-11-19T06:00Z",
        )  # fmt: skip
    assert err.value.field == "starts_at" and "overlaps operational period 1" in err.value.message
    assert dump_text(store) == before
