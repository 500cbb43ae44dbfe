"""An edit made from an out-of-date view (issue 15: seats on one EOC server all write as
the one server station). Seat A reads, seat B changes the same value and commits, seat A
saves what it typed over the value it saw: the two edits are siblings of the version A
saw, as two stations' edits would be, the later wins and one open conflict lists both.

Two stores on one file stand for two seats here (the same outcome on PostgreSQL is
tests/pg/test_stale_view.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, incidents, organizations, requests, undo
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.sync import conflicts
from tests.conftest import FakeWall

ANA = Actor("Ana Ruiz", "EEI desk")
BEN = Actor("Ben Cole", "Logistics")


@pytest.fixture
def seats(store_path: Path, wall: FakeWall) -> Iterator[tuple[Store, Store]]:
    a = open_store(store_path, wall=wall)
    b = open_store(store_path, wall=wall)
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def world(seats: tuple[Store, Store]) -> dict[str, str]:
    a, _ = seats
    region = organizations.add_region(a, actor=ANA, key="north", name="North")
    h1 = organizations.add_organization(
        a,
        actor=ANA,
        name="Hartford Hospital",
        member_type="hospital",
        membership="core",
        region_id=region,
    )
    inc = incidents.create_incident(
        a, actor=ANA, name="Ice storm", started_at="2026-11-18T06:00Z", region_ids=[region]
    )
    incidents.add_period(
        a,
        actor=ANA,
        incident_id=inc,
        starts_at="2026-11-18T07:00Z",
        ends_at="2026-11-18T19:00Z",
    )
    return {"h1": h1, "incident": inc}


def beds(store: Store, world: dict[str, str], value: int, **kw: object) -> str:
    return eei.set_values(
        store,
        actor=kw.pop("actor", ANA),  # type: ignore[arg-type]
        incident_id=world["incident"],
        organization_id=world["h1"],
        period=1,
        values={"BEDS_ADULT_ICU_STAFFED": value},
        **kw,  # type: ignore[arg-type]
    )[0]


def shown_version(store: Store, rid: str) -> str | None:
    with store.read() as s:
        rep = s.get(m.EEIReport, rid)
        return rep.values_version if rep is not None and not rep.deleted else None


def open_conflicts(store: Store) -> list[conflicts.ConflictView]:
    return conflicts.list_conflicts(store)


def test_a_stale_eei_entry_conflicts_with_the_other_seats(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    a, b = seats
    rid = beds(a, world, 4)
    seen_by_a = shown_version(a, rid)  # seat A's grid loads the cell
    wall.advance()
    beds(b, world, 6, actor=BEN)  # seat B changes it meanwhile
    wall.advance()
    beds(a, world, 2, seen={"BEDS_ADULT_ICU_STAFFED": seen_by_a})  # A saves its edit

    (c,) = open_conflicts(b)
    assert (c.entity, c.record_id, c.unit) == ("eei_report", rid, "values")
    assert [side.value["value"] for side in c.sides] == [2, 6]  # newest first
    assert [side.operator for side in c.sides] == [ANA.label, BEN.label]
    assert [side.winner for side in c.sides] == [True, False]  # the later one wins
    assert eei.find_report(
        b, incident_id=world["incident"], organization_id=world["h1"],
        element="BEDS_ADULT_ICU_STAFFED", period=1,
    ).value == 2  # fmt: skip

    # Resolved as an imported conflict is: keep B's value, the conflict closes.
    conflicts.resolve(a, actor=ANA, conflict_id=c.id, keep=c.sides[1].version_id)
    assert open_conflicts(a) == []
    assert shown_version(a, rid) is not None
    with a.read() as s:
        assert s.get_one(m.EEIReport, rid).value == 6


def test_an_entry_from_an_empty_cell_another_seat_filled_conflicts(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    a, b = seats
    rid = beds(b, world, 6, actor=BEN)  # A's grid showed the cell empty
    wall.advance()
    beds(a, world, 3, seen={"BEDS_ADULT_ICU_STAFFED": None})
    (c,) = open_conflicts(a)
    assert c.record_id == rid and {side.value["value"] for side in c.sides} == {3, 6}


def test_a_fresh_edit_makes_no_conflict(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    a, b = seats
    rid = beds(a, world, 4)
    wall.advance()
    beds(b, world, 6, actor=BEN)
    wall.advance()
    beds(a, world, 2, seen={"BEDS_ADULT_ICU_STAFFED": shown_version(a, rid)})  # reloaded
    wall.advance()
    beds(a, world, 1, seen={"BEDS_ADULT_ICU_STAFFED": shown_version(a, rid)})
    assert open_conflicts(a) == []
    with a.read() as s:
        versions = s.scalars(
            select(m.Version).where(m.Version.record_id == rid, m.Version.unit == "values")
        ).all()
    parents = {v.parent_id for v in versions}
    assert len(parents) == len(versions)  # one chain, no siblings


def test_a_stale_entry_of_the_same_value_is_no_conflict(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    a, b = seats
    rid = beds(a, world, 4)
    seen_by_a = shown_version(a, rid)
    wall.advance()
    beds(b, world, 6, actor=BEN)
    wall.advance()
    beds(a, world, 6, seen={"BEDS_ADULT_ICU_STAFFED": seen_by_a})
    assert open_conflicts(a) == []


def test_a_version_of_something_else_is_refused(
    seats: tuple[Store, Store], world: dict[str, str]
) -> None:
    a, _ = seats
    beds(a, world, 4)
    with a.read() as s:
        before = s.scalar(select(func.count()).select_from(m.Version))
        other = s.scalars(select(m.Version.id).where(m.Version.entity == "incident")).first()
    with pytest.raises(ValidationError) as err:
        beds(a, world, 5, seen={"BEDS_ADULT_ICU_STAFFED": other})
    assert err.value.field == "seen"
    with a.read() as s:
        assert s.scalar(select(func.count()).select_from(m.Version)) == before


# ------------------------------------------------------------------- requests


def new_request(store: Store, world: dict[str, str]) -> str:
    return requests.create_request(
        store, actor=ANA, incident_id=world["incident"], resource_kind="Cots", quantity=50
    )


def test_a_stale_status_move_conflicts(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    a, b = seats
    rid = new_request(a, world)
    shown = requests.requests_seen(a, incident_id=world["incident"])
    assert [r.status for r in shown.requests] == ["submitted"]
    wall.advance()
    requests.set_status(b, actor=BEN, request_id=rid, status="approved")
    wall.advance()
    # A denies from "submitted" (what it showed): allowed from there, and a conflict.
    requests.set_status(
        a, actor=ANA, request_id=rid, status="denied", note="dup", seen=shown.status_seen[rid]
    )
    (c,) = open_conflicts(b)
    assert (c.entity, c.unit) == ("request", "status")
    assert [side.value["status"] for side in c.sides] == ["denied", "approved"]
    assert c.sides[0].winner
    conflicts.resolve(b, actor=BEN, conflict_id=c.id, keep=c.sides[1].version_id)
    assert open_conflicts(a) == []
    assert requests.list_requests(a, incident_id=world["incident"])[0].status == "approved"


def test_a_stale_status_move_is_checked_against_the_status_shown(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    a, b = seats
    rid = new_request(a, world)
    seen = requests.requests_seen(a, incident_id=world["incident"]).status_seen[rid]
    requests.set_status(b, actor=BEN, request_id=rid, status="approved")
    with pytest.raises(ValidationError, match="from submitted to sourcing"):
        requests.set_status(a, actor=ANA, request_id=rid, status="sourcing", seen=seen)
    # Approving too agrees with B: no conflict.
    requests.set_status(a, actor=ANA, request_id=rid, status="approved", seen=seen)
    assert open_conflicts(a) == []


def test_a_fresh_status_move_makes_no_conflict(
    seats: tuple[Store, Store], world: dict[str, str]
) -> None:
    a, b = seats
    rid = new_request(a, world)
    requests.set_status(b, actor=BEN, request_id=rid, status="approved")
    seen = requests.requests_seen(a, incident_id=world["incident"]).status_seen[rid]
    requests.set_status(a, actor=ANA, request_id=rid, status="sourcing", seen=seen)
    assert open_conflicts(a) == []
    steps = requests.status_history(a, request_id=rid)
    assert [s.status for s in steps] == ["submitted", "approved", "sourcing"]


def test_a_stale_request_edit_writes_only_what_the_operator_changed(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    a, b = seats
    rid = new_request(a, world)
    seen = requests.seen_versions(a, request_id=rid)  # A's form opens
    wall.advance()
    requests.update_request(b, actor=BEN, request_id=rid, quantity=80, supplier="State cache")
    wall.advance()
    # A's form sends every field: quantity as it showed it (50), supplier changed.
    changed = requests.update_request(
        a, actor=ANA, request_id=rid, seen=seen, quantity=50, supplier="Red Cross"
    )
    assert changed == ["supplier"]
    (c,) = open_conflicts(b)
    assert c.unit == "supplier"
    assert [side.value for side in c.sides] == ["Red Cross", "State cache"]
    (req,) = requests.list_requests(b, incident_id=world["incident"])
    assert (req.quantity, req.supplier) == (80, "Red Cross")


def test_without_seen_the_last_save_overwrites_as_before(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    a, b = seats
    rid = beds(a, world, 4)
    wall.advance()
    beds(b, world, 6, actor=BEN)
    wall.advance()
    beds(a, world, 2)
    assert open_conflicts(a) == []
    assert shown_version(b, rid) is not None


def test_a_validation_from_a_stale_view_vouches_only_for_the_values_seen(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    """Seat A's grid shows 4 beds; seat B changes it to 6; A validates the cell it was
    shown. The validation stands for 4, so the report shows "stale": the 6 nobody has
    looked at is not passed on as validated. Validated from a fresh view, it counts."""
    a, b = seats
    rid = beds(a, world, 4)
    seen_by_a = shown_version(a, rid)
    wall.advance()
    beds(b, world, 6, actor=BEN)
    wall.advance()
    assert eei.validate(a, actor=ANA, report_ids=[rid], state="validated",
                        seen={rid: seen_by_a}) == 1  # fmt: skip
    with b.read() as s:
        rep = s.get_one(m.EEIReport, rid)
        assert rep.value == 6 and rep.validated_version == seen_by_a
        assert eei.effective_state(rep) == "stale"
    wall.advance()
    fresh = shown_version(a, rid)
    eei.validate(a, actor=ANA, report_ids=[rid], state="validated", seen={rid: fresh})
    with b.read() as s:
        assert eei.effective_state(s.get_one(m.EEIReport, rid)) == "validated"


def test_a_validation_naming_a_version_the_report_never_had_is_refused(
    seats: tuple[Store, Store], world: dict[str, str]
) -> None:
    a, _ = seats
    rid = beds(a, world, 4)
    before = shown_version(a, rid)
    with pytest.raises(ValidationError) as refused:
        eei.validate(a, actor=ANA, report_ids=[rid], state="validated", seen={rid: "f" * 64})
    assert refused.value.field == "seen"
    with a.read() as s:
        rep = s.get_one(m.EEIReport, rid)
        assert rep.validation_state in (None, "reported") and rep.values_version == before


def test_a_save_over_a_report_another_seat_retracted_is_refused(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    """Seat B reports 6 beds, seat A's grid shows them; B takes its entry back (undo
    retracts the report). A's save from its stale view must not bring the report back
    unseen: it is refused on the cell, nothing changes, and once A's grid shows the
    cell empty the value is entered anew."""
    a, b = seats
    rid = beds(b, world, 6, actor=BEN)
    seen_by_a = shown_version(a, rid)
    wall.advance()
    undo.undo_last(b, actor=BEN)
    assert shown_version(a, rid) is None  # retracted
    with a.read() as s:
        before = s.scalar(select(func.count()).select_from(m.Version))
    wall.advance()
    with pytest.raises(ValidationError) as refused:
        beds(a, world, 2, seen={"BEDS_ADULT_ICU_STAFFED": seen_by_a})
    assert refused.value.field == "value of BEDS_ADULT_ICU_STAFFED"
    assert "retracted at another seat" in refused.value.message
    with a.read() as s:
        assert s.scalar(select(func.count()).select_from(m.Version)) == before
        assert s.get_one(m.EEIReport, rid).deleted
    wall.advance()
    beds(a, world, 2, seen={"BEDS_ADULT_ICU_STAFFED": None})  # the cell shown empty
    assert shown_version(a, rid) is not None


def test_two_entries_of_one_cell_in_one_batch_do_not_conflict_with_each_other(
    seats: tuple[Store, Store], world: dict[str, str], wall: FakeWall
) -> None:
    """A batch that enters the same cell twice from one view (a spreadsheet with the
    facility listed twice) builds the second entry on the first, as one seat typing
    twice would: the later is the value, and there is no conflict with itself."""
    a, _ = seats
    rid = beds(a, world, 4)
    seen = {"BEDS_ADULT_ICU_STAFFED": shown_version(a, rid)}
    wall.advance()
    reports = [
        eei.FacilityReport(world["h1"], 1, {"BEDS_ADULT_ICU_STAFFED": n}, seen=seen) for n in (5, 7)
    ]
    eei.submit_reports(a, actor=ANA, incident_id=world["incident"], reports=reports)
    assert open_conflicts(a) == []
    with a.read() as s:
        assert s.get_one(m.EEIReport, rid).value == 7
