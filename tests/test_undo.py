"""Undo as new versions: history only grows, a colleague's later edit is never thrown
away, undo pressed again steps further back, and redo takes back the undos in turn
until a new change is made."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei, incidents, log, organizations, requests, undo
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

BOB = Actor("Bob Okafor", "Logistics Section Chief")


def all_versions(store: Store) -> list[tuple[str, str, str, str]]:
    with store.read() as s:
        rows = s.execute(
            select(m.Version.id, m.Version.record_id, m.Version.unit, m.Version.value).order_by(
                m.Version.seq
            )
        ).all()
    return [tuple(r) for r in rows]


def org(store: Store, org_id: str) -> m.Organization:
    with store.read() as s:
        return s.get_one(m.Organization, org_id)


def change(store: Store, change_id: int) -> m.ChangeSet | None:
    with store.read() as s:
        return s.get(m.ChangeSet, change_id)


def new_member(store: Store, actor: Actor, name: str = "Hartford Hospital", **kw: object) -> str:
    return organizations.add_organization(
        store, actor=actor, name=name, member_type="hospital", membership="core", **kw
    )


def test_undo_of_a_field_edit_restores_the_old_value_as_a_new_version(
    store: Store, actor: Actor, wall
) -> None:
    oid = new_member(store, actor, phone="860-555-0100")
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=oid, phone="860-555-0199")
    edit = undo.last_undoable(store, actor=actor)
    assert edit is not None and edit.summary == "Edit member"
    before = all_versions(store)
    wall.advance(1)
    result = undo.undo_last(store, actor=actor)
    assert (result.change_id, result.summary, result.restored, result.skipped) == (
        edit.id,
        "Edit member",
        1,
        0,
    )
    assert org(store, oid).phone == "860-555-0100"
    after = all_versions(store)
    assert after[: len(before)] == before  # nothing deleted or rewritten
    assert len(after) == len(before) + 1
    new_id, record, unit, value = after[-1]
    assert (record, unit, json.loads(value)) == (oid, "phone", "860-555-0100")
    with store.read() as s:
        v = s.scalars(select(m.Version).where(m.Version.id == new_id)).one()
        edited = s.scalars(
            select(m.Version).where(m.Version.change_id == edit.id, m.Version.unit == "phone")
        ).one()
    assert v.parent_id == edited.id
    assert v.operator == actor.label
    undone = change(store, edit.id)
    assert undone is not None and undone.undone_by == v.change_id
    undoer = change(store, v.change_id)
    assert undoer is not None and undoer.summary == "Undo: Edit member"


def test_the_undo_change_set_names_what_it_undid(store: Store, actor: Actor, wall) -> None:
    oid = new_member(store, actor)
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=oid, phone="1")
    edit = undo.last_undoable(store, actor=actor)
    assert edit is not None
    wall.advance(1)
    undo.undo_last(store, actor=actor)
    undone = change(store, edit.id)
    assert undone is not None and undone.undone_by is not None
    undoer = change(store, undone.undone_by)
    assert undoer is not None
    assert undoer.undoes == edit.id


def test_undo_of_a_create_tombstones_the_record(store: Store, actor: Actor, wall) -> None:
    oid = new_member(store, actor)
    n = len(all_versions(store))
    wall.advance(1)
    result = undo.undo_last(store, actor=actor)
    assert result.restored >= 1
    assert organizations.list_organizations(store) == []
    row = org(store, oid)
    assert row.deleted is True
    assert row.name == "Hartford Hospital"  # still readable in history
    after = all_versions(store)
    assert len(after) == n + 1
    assert after[-1][1:] == (oid, "deleted", "true")


def test_undo_of_a_log_entry_retracts_it(store: Store, actor: Actor) -> None:
    inc = incidents.create_incident(
        store, actor=actor, name="Flood", started_at="2026-11-18T00:00Z"
    )
    eid = log.add_entry(store, actor=actor, incident_id=inc, text="Typed in the wrong incident")
    undo.undo_last(store, actor=actor)
    assert log.list_entries(store, flt=log.LogFilter(incident_id=inc)) == []
    with store.read() as s:
        assert s.get_one(m.LogEntry, eid).text == "Typed in the wrong incident"


def test_undo_of_a_status_step_steps_back(store: Store, actor: Actor, wall) -> None:
    inc = incidents.create_incident(store, actor=actor, name="Ice storm")
    rid = requests.create_request(
        store, actor=actor, incident_id=inc, resource_kind="Cots", quantity=5
    )
    wall.advance(1)
    requests.set_status(store, actor=actor, request_id=rid, status="approved")
    undo.undo_last(store, actor=actor)
    history = requests.status_history(store, request_id=rid)
    assert [h.status for h in history] == ["submitted", "approved", "submitted"]
    with store.read() as s:
        assert requests.find_request(s, rid).status == "submitted"


def test_undo_skips_a_unit_someone_changed_since(store: Store, actor: Actor, wall) -> None:
    oid = new_member(store, actor, phone="860-555-0100", town="Hartford")
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=oid, phone="1", town="2")
    wall.advance(1)
    organizations.update_organization(store, actor=BOB, org_id=oid, phone="860-555-0777")
    wall.advance(1)
    result = undo.undo_last(store, actor=actor)
    assert (result.restored, result.skipped) == (1, 1)
    row = org(store, oid)
    assert (row.phone, row.town) == ("860-555-0777", "Hartford")


def test_redo_reapplies_what_an_undo_took_back(store: Store, actor: Actor, wall) -> None:
    oid = new_member(store, actor, name="Old name")
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=oid, name="New name")
    wall.advance(1)
    undo.undo_last(store, actor=actor)
    assert org(store, oid).name == "Old name"
    wall.advance(1)
    again = undo.redo_last(store, actor=actor)
    assert again.summary == "Edit member"
    assert org(store, oid).name == "New name"
    with store.read() as s:
        names = s.scalars(
            select(m.Version.value)
            .where(m.Version.record_id == oid, m.Version.unit == "name")
            .order_by(m.Version.seq)
        ).all()
    assert [json.loads(n) for n in names] == ["Old name", "New name", "Old name", "New name"]


def test_undo_of_a_create_then_redo_brings_it_back(store: Store, actor: Actor, wall) -> None:
    oid = new_member(store, actor)
    wall.advance(1)
    undo.undo_last(store, actor=actor)
    assert organizations.list_organizations(store) == []
    wall.advance(1)
    undo.redo_last(store, actor=actor)
    assert [o.id for o in organizations.list_organizations(store)] == [oid]


def test_undo_pressed_again_steps_further_back_and_redo_comes_forward(
    store: Store, actor: Actor, wall
) -> None:
    """Three edits; undo three times walks back through all of them (never undoing an
    undo), a fourth has nothing left; redo brings them back in order, then has nothing
    left; every step is named by the change it is about."""
    oid = new_member(store, actor, name="A")
    for name in ("B", "C"):
        wall.advance(1)
        organizations.update_organization(store, actor=actor, org_id=oid, name=name)
    names = []
    for _ in range(3):
        wall.advance(1)
        names.append((undo.undo_last(store, actor=actor).summary, org(store, oid).deleted,
                      org(store, oid).name))  # fmt: skip
    assert names == [
        ("Edit member", False, "B"), ("Edit member", False, "A"), ("New member A", True, "A"),
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="nothing to undo"):
        undo.undo_last(store, actor=actor)
    assert undo.last_redoable(store, actor=actor) is not None
    back = []
    for _ in range(3):
        wall.advance(1)
        undo.redo_last(store, actor=actor)
        back.append((org(store, oid).deleted, org(store, oid).name))
    assert back == [(False, "A"), (False, "B"), (False, "C")]
    with pytest.raises(ValidationError, match="nothing to redo"):
        undo.redo_last(store, actor=actor)
    # And undo works back again through the redos.
    wall.advance(1)
    undo.undo_last(store, actor=actor)
    assert org(store, oid).name == "B"


def test_a_new_change_leaves_nothing_to_redo(store: Store, actor: Actor, wall) -> None:
    oid = new_member(store, actor, name="A")
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=oid, name="B")
    wall.advance(1)
    undo.undo_last(store, actor=actor)
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=oid, phone="860-555-0100")
    assert undo.last_redoable(store, actor=actor) is None
    with pytest.raises(ValidationError, match="nothing to redo") as info:
        undo.redo_last(store, actor=actor)
    assert info.value.field == "redo"
    # Undo now takes back the new change first, then goes on before the undone one.
    wall.advance(1)
    assert undo.undo_last(store, actor=actor).summary == "Edit member"
    assert org(store, oid).phone is None and org(store, oid).name == "A"
    wall.advance(1)
    assert undo.undo_last(store, actor=actor).summary == "New member A"


def test_redo_is_per_operator(store: Store, actor: Actor, wall) -> None:
    new_member(store, actor, name="Mine")
    wall.advance(1)
    undo.undo_last(store, actor=actor)
    with pytest.raises(ValidationError, match="nothing to redo"):
        undo.redo_last(store, actor=BOB)
    wall.advance(1)
    undo.redo_last(store, actor=actor)
    assert [o.name for o in organizations.list_organizations(store)] == ["Mine"]


def test_nothing_to_undo(store: Store, actor: Actor) -> None:
    before = dump_text(store)
    with pytest.raises(ValidationError) as info:
        undo.undo_last(store, actor=actor)
    assert info.value.field == "undo"
    assert actor.label in info.value.message
    assert dump_text(store) == before
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(m.ChangeSet)) == 0


def test_undo_is_per_operator(store: Store, actor: Actor, wall) -> None:
    mine = new_member(store, actor, name="Mine")
    wall.advance(1)
    new_member(store, BOB, name="Bob's")
    wall.advance(1)
    undo.undo_last(store, actor=actor)
    assert [o.name for o in organizations.list_organizations(store)] == ["Bob's"]
    assert org(store, mine).deleted is True
    undo.undo_last(store, actor=BOB)
    assert organizations.list_organizations(store) == []
    before = dump_text(store)
    with pytest.raises(ValidationError) as info:
        undo.undo_last(store, actor=Actor("Carol"))
    assert info.value.field == "undo"
    assert dump_text(store) == before


def test_undo_of_a_batch_that_wrote_one_unit_twice(store: Store, actor: Actor, wall) -> None:
    inc = incidents.create_incident(
        store, actor=actor, name="Storm", started_at="2026-11-18T00:00Z"
    )
    incidents.add_period(
        store,
        actor=actor,
        incident_id=inc,
        starts_at="2026-11-18T01:00Z",
        ends_at="2026-11-18T13:00Z",
    )
    h = new_member(store, actor)
    eei.set_values(
        store,
        actor=actor,
        incident_id=inc,
        organization_id=h,
        period=1,
        values={"FACILITY_STATUS": "Compromised"},
    )
    wall.advance(60)
    # An import of rows, one per value: the same report twice in one change.
    eei.submit_reports(
        store,
        actor=BOB,
        incident_id=inc,
        reports=[
            eei.FacilityReport(h, 1, {"FACILITY_STATUS": "Normal"}),
            eei.FacilityReport(h, 1, {"FACILITY_STATUS": "Closed"}),
        ],
    )
    undo.undo_last(store, actor=BOB)
    rep = eei.find_report(
        store, incident_id=inc, organization_id=h, element="FACILITY_STATUS", period=1
    )
    assert rep.value == "Compromised"


def test_an_undo_that_restores_nothing_leaves_an_honest_audit_trail(
    store: Store, actor: Actor, wall
) -> None:
    oid = new_member(store, actor)
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=oid, phone="1")
    edit = undo.last_undoable(store, actor=actor)
    assert edit is not None
    wall.advance(1)
    organizations.update_organization(store, actor=BOB, org_id=oid, phone="2")
    wall.advance(1)
    result = undo.undo_last(store, actor=actor)
    assert (result.restored, result.skipped) == (0, 1)
    wall.advance(1)
    organizations.update_organization(store, actor=BOB, org_id=oid, town="Hartford")
    target = change(store, edit.id)
    assert target is not None and target.undone_by is not None
    undoer = change(store, target.undone_by)
    assert undoer is not None and undoer.undoes == edit.id, (
        f"change {edit.id} is marked undone by change {target.undone_by}, "
        f"which is {undoer and undoer.summary!r}"
    )
    assert undoer.summary.startswith("Undo: Edit member")
    assert "nothing restored" in undoer.summary
    assert org(store, oid).phone == "2"  # Bob's value stands


def test_redo_of_an_undone_create_brings_the_record_back(store: Store, actor: Actor, wall) -> None:
    inc = incidents.create_incident(
        store, actor=actor, name="Storm", started_at="2026-11-18T00:00Z"
    )
    wall.advance(1)
    entry = log.add_entry(store, actor=actor, incident_id=inc, text="Generator on at Backus")
    wall.advance(1)
    undo.undo_last(store, actor=actor)
    assert log.count_entries(store, flt=log.LogFilter(incident_id=inc)) == 0
    wall.advance(1)
    undo.redo_last(store, actor=actor)
    (back,) = log.list_entries(store, flt=log.LogFilter(incident_id=inc))
    assert back.id == entry and not back.deleted


def test_undo_of_a_first_nomination_clears_it(store: Store, actor: Actor, wall) -> None:
    inc = incidents.create_incident(
        store, actor=actor, name="Storm", started_at="2026-11-18T00:00Z"
    )
    entry = log.add_entry(store, actor=actor, incident_id=inc, text="Backus on generator")
    wall.advance(1)
    log.nominate(store, actor=actor, entry_id=entry)
    wall.advance(1)
    undo.undo_last(store, actor=actor)
    with store.read() as s:
        row = s.get_one(m.LogEntry, entry)
        assert (row.significant, row.deleted) == (None, False)
    log.nominate(store, actor=actor, entry_id=entry)  # may be nominated again
