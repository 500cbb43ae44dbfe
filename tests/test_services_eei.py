"""EEI reports: values checked against the catalog, validation, and timeliness."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.pgsql import stored_json
from hcc_desktop.core.services import eei, incidents, organizations, status, undo
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

NOW = "2026-11-18T11:06:40Z"
BOB = Actor("Bob Okafor", "Logistics Section Chief")
FR = eei.FacilityReport


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


def member(store: Store, actor: Actor, name: str, member_type: str = "hospital", **kw: Any) -> str:
    return organizations.add_organization(
        store, actor=actor, name=name, member_type=member_type, membership="core", **kw
    )


def report(store: Store, rid: str) -> m.EEIReport:
    with store.read() as s:
        return s.get_one(m.EEIReport, rid)


@pytest.fixture
def world(store: Store, actor: Actor) -> dict[str, str]:
    north = organizations.add_region(store, actor=actor, key="north", name="North")
    south = organizations.add_region(store, actor=actor, key="south", name="South")
    ids = {
        "north": north,
        "south": south,
        "h1": member(store, actor, "Hartford Hospital", region_id=north),
        "h2": member(store, actor, "Saint Francis Hospital", region_id=north),
        "ltc": member(store, actor, "Avery Nursing Home", "long_term_care", region_id=north),
        "ems": member(store, actor, "Hartford EMS", "ems", region_id=north),
        "far": member(store, actor, "Yale New Haven Hospital", region_id=south),
        "gone": member(store, actor, "Closed Hospital", region_id=north),
    }
    organizations.delete_organization(store, actor=actor, org_id=ids["gone"])
    inc = incidents.create_incident(
        store,
        actor=actor,
        name="Hurricane Zoe",
        started_at="2026-11-18T06:00Z",
        region_ids=[north],
    )
    incidents.add_period(
        store,
        actor=actor,
        incident_id=inc,
        starts_at="2026-11-18T07:00Z",
        ends_at="2026-11-18T19:00Z",
        eei_due_at="2026-11-18T09:00Z",
    )
    ids["incident"] = inc
    return ids


def put(store: Store, actor: Actor, world: dict[str, str], org: str = "h1", **kw: Any) -> list[str]:
    args: dict[str, Any] = {"period": 1, **kw}
    return eei.set_values(
        store, actor=actor, incident_id=world["incident"], organization_id=world[org], **args
    )


# ----------------------------------------------------------------------------- values


def test_set_values(store: Store, actor: Actor, world: dict[str, str]) -> None:
    ids = put(
        store,
        actor,
        world,
        values={
            "FACILITY_STATUS": "compromised",
            "BEDS_ADULT_ICU_STAFFED": "20",
            "GENERATOR_FUEL_HOURS": 36.5,
            "EMS_TRAFFIC_EXPIRES": "2026-11-18T14:00-05:00",
        },
        comment="on generator",
        reported_at="2026-11-18T08:30Z",
        source="phone",
    )
    inc, h1 = world["incident"], world["h1"]
    assert ids == [
        eei.report_id(inc, h1, code, 1)
        for code in (
            "FACILITY_STATUS",
            "BEDS_ADULT_ICU_STAFFED",
            "GENERATOR_FUEL_HOURS",
            "EMS_TRAFFIC_EXPIRES",
        )
    ]
    assert ids[0] == natural_id("eei", inc, h1, "FACILITY_STATUS", 1)
    got = {r.element_code: r for r in eei.reports_for_period(store, incident_id=inc, period=1)}
    assert {k: r.value for k, r in got.items()} == {
        "FACILITY_STATUS": "Compromised",
        "BEDS_ADULT_ICU_STAFFED": 20,
        "GENERATOR_FUEL_HOURS": 36.5,
        "EMS_TRAFFIC_EXPIRES": "2026-11-18T19:00:00Z",
    }
    r = got["FACILITY_STATUS"]
    assert (r.comment, r.reporter, r.reported_at, r.source) == (
        "on generator",
        actor.label,
        "2026-11-18T08:30:00Z",
        "phone",
    )
    assert (r.incident_id, r.organization_id, r.period, r.deleted) == (inc, h1, 1, False)
    assert r.validation_state is None
    assert eei.effective_state(r) == "reported"
    assert r.values_version is not None
    assert set(eei.grid(store, incident_id=inc, period=1)) == {h1}


def test_reported_at_defaults_to_now_and_values_can_change(
    store: Store, actor: Actor, world: dict[str, str], wall
) -> None:
    [rid] = put(store, actor, world, values={"BEDS_TOTAL_STAFFED": 100})
    assert report(store, rid).reported_at == NOW
    first_version = report(store, rid).values_version
    wall.advance(60)
    put(store, BOB, world, values={"BEDS_TOTAL_STAFFED": 90})
    r = report(store, rid)
    assert (r.value, r.reporter, r.reported_at) == (90, BOB.label, "2026-11-18T11:07:40Z")
    assert r.values_version != first_version
    with store.read() as s:
        units = list(
            s.scalars(
                select(m.Version.unit).where(m.Version.record_id == rid).order_by(m.Version.seq)
            )
        )
    assert sorted(units) == ["deleted", "key", "values", "values"]  # the key is written once


BAD_VALUES: list[tuple[dict[str, Any], str]] = [
    ({"BEDS_ADULT_ICU_STAFFED": "twenty"}, "value of BEDS_ADULT_ICU_STAFFED"),
    ({"BEDS_ADULT_ICU_STAFFED": 2.5}, "value of BEDS_ADULT_ICU_STAFFED"),
    ({"BEDS_ADULT_ICU_STAFFED": -1}, "value of BEDS_ADULT_ICU_STAFFED"),
    ({"BEDS_ADULT_ICU_STAFFED": True}, "value of BEDS_ADULT_ICU_STAFFED"),
    ({"EMS_OFFLOAD_MINUTES": 1441}, "value of EMS_OFFLOAD_MINUTES"),
    ({"GENERATOR_FUEL_HOURS": 720.5}, "value of GENERATOR_FUEL_HOURS"),
    ({"GENERATOR_FUEL_HOURS": "nan"}, "value of GENERATOR_FUEL_HOURS"),
    ({"FACILITY_STATUS": "fine"}, "value of FACILITY_STATUS"),
    ({"FACILITY_STATUS": ""}, "value of FACILITY_STATUS"),
    ({"EMS_TRAFFIC_EXPIRES": "later"}, "value of EMS_TRAFFIC_EXPIRES"),
    ({"FACILITY_STATUS": "Normal", "NOT_AN_ELEMENT": 1}, "element"),
    (
        {"BEDS_ADULT_ICU_AVAILABLE": 10, "BEDS_ADULT_ICU_STAFFED": 5},
        "value of BEDS_ADULT_ICU_AVAILABLE",
    ),
    ({}, "values"),
]


def test_value_refusals(store: Store, actor: Actor, world: dict[str, str]) -> None:
    put(store, actor, world, values={"FACILITY_STATUS": "Normal"})
    for values, field in BAD_VALUES:
        refused(
            store,
            field,
            eei.set_values,
            actor=actor,
            incident_id=world["incident"],
            organization_id=world["h1"],
            period=1,
            values=values,
        )
    assert (
        report(store, eei.report_id(world["incident"], world["h1"], "FACILITY_STATUS", 1)).value
        == "Normal"
    )


def test_refusal_messages_say_what_was_expected(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    err = refused(
        store,
        "value of EMS_OFFLOAD_MINUTES",
        eei.set_values,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world["h1"],
        period=1,
        values={"EMS_OFFLOAD_MINUTES": 2000},
    )
    assert err.message == "expected a whole number from 0 to 1440, got 2000"
    err = refused(
        store,
        "value of BEDS_ADULT_ICU_AVAILABLE",
        eei.set_values,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world["h1"],
        period=1,
        values={"BEDS_ADULT_ICU_AVAILABLE": 10, "BEDS_ADULT_ICU_STAFFED": 5},
    )
    assert err.message == ("Adult ICU beds available cannot exceed adult ICU beds staffed (10 > 5)")


def test_element_not_reported_by_that_member_type(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    err = refused(
        store,
        "element",
        eei.set_values,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world["ems"],
        period=1,
        values={"BEDS_ADULT_ICU_STAFFED": 3},
    )
    assert "ems" in err.message and "Hartford EMS" in err.message
    refused(
        store,
        "element",
        eei.set_values,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world["ltc"],
        period=1,
        values={"CLINICAL_STATUS": "Full"},
    )
    # What a long-term care home does report is accepted.
    put(store, actor, world, org="ltc", values={"FACILITY_STATUS": "Evacuating"})


def test_cross_field_rule_uses_stored_values(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    put(store, actor, world, values={"BEDS_ADULT_ICU_STAFFED": 5, "BEDS_TOTAL_AVAILABLE": 50})
    refused(
        store,
        "value of BEDS_ADULT_ICU_AVAILABLE",
        eei.set_values,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world["h1"],
        period=1,
        values={"BEDS_ADULT_ICU_AVAILABLE": 6},
    )
    put(store, actor, world, values={"BEDS_ADULT_ICU_AVAILABLE": 5})
    # Lowering staffed below what is available is refused too.
    refused(
        store,
        "value of BEDS_ADULT_ICU_AVAILABLE",
        eei.set_values,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world["h1"],
        period=1,
        values={"BEDS_ADULT_ICU_STAFFED": 4},
    )
    # Raising both together is fine; another facility's values do not count.
    put(store, actor, world, values={"BEDS_ADULT_ICU_AVAILABLE": 8, "BEDS_ADULT_ICU_STAFFED": 9})
    put(store, actor, world, org="h2", values={"BEDS_ADULT_ICU_AVAILABLE": 7})


def test_cross_field_rule_across_reports_in_one_batch(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    h1 = world["h1"]
    refused(
        store,
        "value of BEDS_ADULT_ICU_AVAILABLE",
        eei.submit_reports,
        actor=actor,
        incident_id=world["incident"],
        reports=[
            FR(h1, 1, {"BEDS_ADULT_ICU_STAFFED": 5}),
            FR(h1, 1, {"BEDS_ADULT_ICU_AVAILABLE": 10}),
        ],
    )


def test_unknown_period_facility_incident(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    err = refused(
        store,
        "period",
        eei.set_values,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world["h1"],
        period=2,
        values={"FACILITY_STATUS": "Normal"},
    )
    assert "period 2" in err.message
    refused(
        store,
        "facility",
        eei.set_values,
        actor=actor,
        incident_id=world["incident"],
        organization_id=str(uuid.uuid4()),
        period=1,
        values={"FACILITY_STATUS": "Normal"},
    )
    refused(
        store,
        "facility",
        eei.set_values,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world["gone"],
        period=1,
        values={"FACILITY_STATUS": "Normal"},
    )
    refused(
        store,
        "incident",
        eei.set_values,
        actor=actor,
        incident_id=str(uuid.uuid4()),
        organization_id=world["h1"],
        period=1,
        values={"FACILITY_STATUS": "Normal"},
    )
    refused(
        store,
        "reported_at",
        eei.set_values,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world["h1"],
        period=1,
        values={"FACILITY_STATUS": "Normal"},
        reported_at="this morning",
    )


def test_the_same_report_again_records_nothing(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    args = {"values": {"FACILITY_STATUS": "Normal"}, "reported_at": "2026-11-18T08:30Z"}
    [rid] = put(store, actor, world, **args)
    version = report(store, rid).values_version
    before = snapshot(store)
    assert put(store, actor, world, **args) == [rid]  # a re-import of the same file
    assert snapshot(store) == before
    put(store, actor, world, values={"FACILITY_STATUS": "Normal"}, reported_at="2026-11-18T10:00Z")
    assert report(store, rid).values_version != version


def test_values_entered_again_after_an_undone_first_entry_are_shown(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    """Undoing a report's first entry tombstones it; entering values for it again must
    bring it back, not store them where no grid shows them (found by the sync property
    test)."""
    [rid] = put(store, actor, world, values={"BEDS_ADULT_ICU_STAFFED": 5})
    undo.undo_last(store, actor=actor)
    assert report(store, rid).deleted
    put(store, actor, world, values={"BEDS_ADULT_ICU_STAFFED": 7})
    r = report(store, rid)
    assert (r.value, r.deleted) == (7, False)
    rows = eei.reports_for_period(store, incident_id=world["incident"], period=1)
    assert [x.id for x in rows] == [rid]
    undo.undo_last(store, actor=actor)  # undoing the re-entry hides it again
    assert report(store, rid).deleted


def test_a_bad_report_in_a_batch_writes_nothing(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    batch = [
        FR(world["h1"], 1, {"FACILITY_STATUS": "Normal"}),
        FR(world["h2"], 1, {"FACILITY_STATUS": "Normal", "BEDS_BURN_STAFFED": -2}),
    ]
    refused(
        store,
        "value of BEDS_BURN_STAFFED",
        eei.submit_reports,
        actor=actor,
        incident_id=world["incident"],
        reports=batch,
    )
    assert eei.reports_for_period(store, incident_id=world["incident"], period=1) == []


def test_batch_of_facilities_is_one_change(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    before = snapshot(store)[1]
    ids = eei.submit_reports(
        store,
        actor=actor,
        incident_id=world["incident"],
        reports=[
            FR(world["h1"], 1, {"FACILITY_STATUS": "Normal", "POWER_SOURCE": "grid"}),
            FR(world["ltc"], 1, {"FACILITY_STATUS": "Closed"}, reporter="Avery front desk"),
        ],
    )
    assert len(ids) == 3
    assert snapshot(store)[1] == before + 1
    assert report(store, ids[2]).reporter == "Avery front desk"
    assert report(store, ids[1]).value == "Grid"


# ----------------------------------------------------------------------------- validation


def test_validate_question_reject(store: Store, actor: Actor, world: dict[str, str], wall) -> None:
    rid, other = put(
        store, actor, world, values={"FACILITY_STATUS": "Normal", "POWER_SOURCE": "Grid"}
    )
    wall.advance(60)
    assert eei.validate(store, actor=BOB, report_ids=[rid, rid], state="Validated") == 1
    r = report(store, rid)
    assert (r.validation_state, r.validated_by, r.validated_at, r.validation_note) == (
        "validated",
        BOB.label,
        "2026-11-18T11:07:40Z",
        None,
    )
    assert r.validated_version == r.values_version
    assert eei.effective_state(r) == "validated"
    # Validating again what is already validated changes nothing, not even a change set.
    before = snapshot(store)
    assert eei.validate(store, actor=BOB, report_ids=[rid], state="validated") == 0
    assert snapshot(store) == before

    err = refused(store, "note", eei.validate, actor=BOB, report_ids=[other], state="questioned")
    assert "questioned" in err.message
    refused(store, "note", eei.validate, actor=BOB, report_ids=[other], state="rejected", note=" ")
    assert (
        eei.validate(
            store,
            actor=BOB,
            report_ids=[other],
            state="questioned",
            note="grid is down in Hartford",
        )
        == 1
    )
    assert eei.effective_state(report(store, other)) == "questioned"
    assert eei.validate(store, actor=BOB, report_ids=[other], state="rejected", note="wrong") == 1
    r = report(store, other)
    assert (r.validation_state, r.validation_note) == ("rejected", "wrong")


def test_validation_refusals(store: Store, actor: Actor, world: dict[str, str]) -> None:
    [rid] = put(store, actor, world, values={"FACILITY_STATUS": "Normal"})
    refused(store, "state", eei.validate, actor=actor, report_ids=[rid], state="approved")
    refused(store, "report", eei.validate, actor=actor, report_ids=[], state="validated")
    err = refused(
        store,
        "report",
        eei.validate,
        actor=actor,
        report_ids=[rid, "no-such-report"],
        state="validated",
    )
    assert isinstance(err, NotFoundError)
    assert report(store, rid).validation_state is None


def test_validation_goes_stale_when_values_change(
    store: Store, actor: Actor, world: dict[str, str], wall
) -> None:
    [rid] = put(store, actor, world, values={"BEDS_BURN_STAFFED": 4})
    eei.validate(store, actor=BOB, report_ids=[rid], state="validated")
    seen = report(store, rid).values_version
    wall.advance(60)
    put(store, actor, world, values={"BEDS_BURN_STAFFED": 40})
    r = report(store, rid)
    assert r.validation_state == "validated"
    assert r.validated_version == seen != r.values_version
    assert eei.effective_state(r) == "stale"
    assert eei.validate(store, actor=BOB, report_ids=[rid], state="validated") == 1
    r = report(store, rid)
    assert eei.effective_state(r) == "validated"
    assert r.validated_version == r.values_version
    with store.read() as s:
        winner = s.get_one(m.Winner, ("eei_report", rid, "values"))
    assert r.values_version == winner.version_id


def test_find_report(store: Store, actor: Actor, world: dict[str, str]) -> None:
    [rid] = put(store, actor, world, values={"FACILITY_STATUS": "Normal"})
    got = eei.find_report(
        store,
        incident_id=world["incident"],
        organization_id=world["h1"],
        element="FACILITY_STATUS",
        period=1,
    )
    assert got.id == rid
    with pytest.raises(NotFoundError) as info:
        eei.find_report(
            store,
            incident_id=world["incident"],
            organization_id=world["h2"],
            element="FACILITY_STATUS",
            period=1,
        )
    assert info.value.field == "report"


# ----------------------------------------------------------------------------- timeliness


def test_expected_facilities_are_the_incidents_regions_and_reporting_types(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    expected = eei.expected_facilities(store, incident_id=world["incident"])
    assert {o.id for o in expected} == {world["h1"], world["h2"], world["ltc"]}
    assert set(eei.reporting_types()) == {
        "hospital",
        "long_term_care",
        "dialysis",
        "community_health_center",
    }
    everywhere = incidents.create_incident(store, actor=actor, name="Statewide heat")
    got = {o.id for o in eei.expected_facilities(store, incident_id=everywhere)}
    assert got == {world["h1"], world["h2"], world["ltc"], world["far"]}
    for incident in (world["incident"], everywhere):  # the grid's plain rows say the same
        orgs = eei.expected_facilities(store, incident_id=incident)
        rows = eei.expected_facility_rows(store, incident_id=incident)
        assert [tuple(r) for r in rows] == [(o.id, o.name, o.member_type, o.town) for o in orgs]


def test_timeliness_on_time_late_missing(store: Store, actor: Actor, world: dict[str, str]) -> None:
    put(store, actor, world, values={"FACILITY_STATUS": "Normal"}, reported_at="2026-11-18T09:00Z")
    put(
        store,
        actor,
        world,
        org="h2",
        values={"FACILITY_STATUS": "Normal"},
        reported_at="2026-11-18T09:00:01Z",
    )
    put(
        store,
        actor,
        world,
        org="far",
        values={"FACILITY_STATUS": "Normal"},
        reported_at="2026-11-18T08:00Z",
    )
    t = eei.timeliness(store, incident_id=world["incident"], period=1)
    assert (t.period, t.due_at, t.expected) == (1, "2026-11-18T09:00:00Z", 3)
    assert t.on_time == [world["h1"]]  # exactly at the due time counts
    assert t.late == [world["h2"]]
    assert t.missing == [world["ltc"]]
    assert t.share_on_time == pytest.approx(1 / 3)
    with pytest.raises(ValidationError) as info:
        eei.timeliness(store, incident_id=world["incident"], period=7)
    assert info.value.field == "period"


def test_timeliness_counts_the_earliest_element(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    put(store, actor, world, values={"POWER_SOURCE": "Grid"}, reported_at="2026-11-18T12:00Z")
    put(store, actor, world, values={"FACILITY_STATUS": "Normal"}, reported_at="2026-11-18T08:59Z")
    t = eei.timeliness(store, incident_id=world["incident"], period=1)
    assert t.on_time == [world["h1"]]


def test_timeliness_is_decided_by_the_first_report(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    put(store, actor, world, values={"FACILITY_STATUS": "Normal"}, reported_at="2026-11-18T08:30Z")
    put(
        store,
        actor,
        world,
        values={"FACILITY_STATUS": "Compromised"},
        reported_at="2026-11-18T13:00Z",
    )
    t = eei.timeliness(store, incident_id=world["incident"], period=1)
    assert t.on_time == [world["h1"]]
    assert t.late == []


def _first_reports_from_history(store: Store, incident_id: str) -> dict[str, str]:
    """The rule spelled out: every values version of the period's live reports, decoded
    in Python, the earliest time per facility."""
    out: dict[str, str] = {}
    with store.read() as s:
        live = {
            r.id: r.organization_id
            for r in eei.reports_for_period(store, incident_id=incident_id, period=1)
        }
        versions = s.execute(
            select(m.Version.record_id, m.Version.value).where(
                m.Version.entity == "eei_report", m.Version.unit == "values"
            )
        )
        for record_id, value in versions:
            at = json.loads(value).get("reported_at")
            org = live.get(record_id)
            if org and at and (org not in out or at < out[org]):
                out[org] = at
    return out


def test_first_reports_read_the_history_only_where_a_report_changed(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    """A report with one values version answers from its row; one changed since (a
    later update, a correction to an earlier time, an undone update) from its history:
    either way the same as decoding every version."""
    put(store, actor, world, values={"FACILITY_STATUS": "Normal"}, reported_at="2026-11-18T08:30Z")
    put(
        store,
        actor,
        world,
        org="h2",
        values={"POWER_SOURCE": "Grid"},
        reported_at="2026-11-18T10:00Z",
    )
    put(
        store,
        actor,
        world,
        org="h2",
        values={"POWER_SOURCE": "Generator"},
        reported_at="2026-11-18T11:00Z",
    )
    put(
        store,
        actor,
        world,
        org="far",
        values={"FACILITY_STATUS": "Normal"},
        reported_at="2026-11-18T12:00Z",
    )
    put(
        store,
        actor,
        world,
        org="far",
        values={"FACILITY_STATUS": "Compromised"},
        reported_at="2026-11-18T07:45Z",
    )
    put(
        store,
        actor,
        world,
        org="ltc",
        values={"FACILITY_STATUS": "Normal"},
        reported_at="2026-11-18T09:30Z",
    )
    put(
        store,
        actor,
        world,
        org="ltc",
        values={"FACILITY_STATUS": "Compromised"},
        reported_at="2026-11-18T08:00Z",
    )
    undo.undo_last(store, actor=actor)  # the undone update's time still came first
    first = eei.first_reports(store, incident_id=world["incident"], period=1)
    assert first == _first_reports_from_history(store, world["incident"])
    live = eei.reports_for_period(store, incident_id=world["incident"], period=1)
    current = [(r.id, r.organization_id, r.reported_at) for r in live]
    got = eei.first_reports_of(store, incident_id=world["incident"], period=1, current=current)
    assert got == first  # the grid's way: its rows, and the history of changed reports
    assert first == {
        world["h1"]: "2026-11-18T08:30:00Z",
        world["h2"]: "2026-11-18T10:00:00Z",
        world["far"]: "2026-11-18T07:45:00Z",
        world["ltc"]: "2026-11-18T08:00:00Z",
    }


def test_statuses_from_the_period_read_agree_with_the_service(
    store: Store, actor: Actor, world: dict[str, str]
) -> None:
    """The EEI grid hands status.facility_statuses_with the period's live reports it has
    read, so only earlier periods are read again; the answer, and its order, must be
    facility_statuses' at every period: values that stand from earlier periods, a value
    updated within a period, a diversion's end, a retracted report, numbers and text."""
    inc = world["incident"]
    for start in ("2026-11-18T19:00Z", "2026-11-19T07:00Z"):
        incidents.add_period(
            store, actor=actor, incident_id=inc, starts_at=start, ends_at=start[:11] + "23:00Z"
        )
    until = "2026-11-18T14:00:00Z"
    put(store, actor, world, values={"FACILITY_STATUS": "Normal", "EMS_TRAFFIC_STATUS": "Closed",
        "EMS_TRAFFIC_EXPIRES": until, "BEDS_BURN_STAFFED": 4}, reported_at="2026-11-18T08:00Z")  # fmt: skip
    put(store, actor, world, org="h2", values={"POWER_SOURCE": "Generator"})
    put(store, actor, world, org="far", values={"WATER_STATUS": "Boil water order"})
    put(store, actor, world, org="h1", period=2, values={"EMS_TRAFFIC_STATUS": "Normal"})
    put(store, actor, world, org="h2", period=2, values={"FACILITY_STATUS": "Closed"})
    put(store, actor, world, org="h2", period=2, values={"FACILITY_STATUS": "Compromised"},
        reported_at="2026-11-18T21:00Z")  # fmt: skip
    put(store, actor, world, org="ltc", period=3, values={"STAFFING_STATUS": "Insufficient"})
    put(store, actor, world, org="far", period=3, values={"IT_SYSTEMS_STATUS": "Down"})
    undo.undo_last(store, actor=actor)  # the far hospital's report of period 3 retracted
    r = m.EEIReport
    for period in (1, 2, 3):
        with store.read() as s:
            current = s.execute(
                select(r.organization_id, r.element_code, stored_json(r.value), r.reported_at)
                .where(r.incident_id == inc, r.period == period, r.deleted.is_(False))
            ).all()  # fmt: skip
        got = status.facility_statuses_with(
            store, incident_id=inc, period=period, current=[tuple(row) for row in current]
        )
        expected = status.facility_statuses(store, incident_id=inc, period=period)
        assert list(got.items()) == list(expected.items())
    assert got[world["h1"]].status == "open"  # the diversion ended in period 2
    assert got[world["h2"]].reasons == ("facility compromised", "power: generator")
    assert got[world["ltc"]].status == "limited"
    assert got[world["far"]].reasons == ("water: boil water order",)
    assert status.facility_statuses(store, incident_id=inc, period=1)[world["h1"]] == (
        status.FacilityStatus(world["h1"], "diversion", "2026-11-18T08:00:00Z", 1, until,
            ("EMS traffic closed",))
    )  # fmt: skip
