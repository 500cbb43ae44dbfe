"""Members, regions and contacts through the services, as an operator sees them.

Every refusal names its field and leaves the store exactly as it was: the same dump,
no change set, no version, the same clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import zipcodes
from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

BOB = Actor("Bob Okafor", "Logistics Section Chief")


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
    assert after[0] == before[0]  # the dump, byte for byte
    assert after == before  # and no change set, version or clock step left behind
    return info.value


def change_sets(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(m.ChangeSet)) or 0


def get_org(store: Store, org_id: str) -> m.Organization:
    with store.read() as s:
        return s.get_one(m.Organization, org_id)


def new_member(store: Store, actor: Actor, name: str = "Hartford Hospital", **kw: Any) -> str:
    fields: dict[str, Any] = {"member_type": "hospital", "membership": "core", **kw}
    return orgs.add_organization(store, actor=actor, name=name, **fields)


@pytest.fixture
def region(store: Store, actor: Actor) -> str:
    return orgs.add_region(store, actor=actor, key="capitol", name="Capitol Region", state="ct")


# ----------------------------------------------------------------------------- regions


def test_member_fields_yes_no_text_and_parent_loops(store: Store, actor: Actor) -> None:
    a = orgs.add_organization(
        store, actor=actor, name="A", member_type="health_system", membership="core",
        helipad="no", phone=8605550100,
    )  # fmt: skip
    [row] = orgs.list_organizations(store)
    assert (row.helipad, row.phone) == (False, "8605550100")
    b = orgs.add_organization(
        store, actor=actor, name="B", member_type="hospital", membership="core", parent_id=a
    )
    before = dump_text(store)
    with pytest.raises(ValidationError) as err:
        orgs.update_organization(store, actor=actor, org_id=a, parent_id=b)
    assert err.value.field == "parent" and "loop" in err.value.message
    with pytest.raises(ValidationError) as err:
        orgs.add_organization(
            store, actor=actor, name="C", member_type="hospital", membership="core", helipad="maybe"
        )
    assert err.value.field == "helipad"
    assert dump_text(store) == before


def test_add_region_makes_a_natural_id_and_is_idempotent(store: Store, actor: Actor) -> None:
    rid = orgs.add_region(store, actor=actor, key="north", name="North", kind="Region", state="ct")
    assert rid == orgs.region_id_for("north")
    [r] = orgs.list_regions(store)
    assert (r.id, r.key, r.name, r.kind, r.state, r.deleted) == (
        rid,
        "north",
        "North",
        "region",
        "CT",
        False,
    )
    before = snapshot(store)
    assert orgs.add_region(store, actor=actor, key="north", name="North", state="ct") == rid
    assert snapshot(store) == before
    orgs.add_region(store, actor=actor, key="north", name="North Region", state="ct")
    assert orgs.list_regions(store)[0].name == "North Region"
    with store.read() as s:
        names = s.scalars(select(m.Version.value).where(m.Version.unit == "name")).all()
    assert names == ['"North"', '"North Region"']


def test_add_region_refusals(store: Store, actor: Actor) -> None:
    refused(store, "kind", orgs.add_region, actor=actor, key="k", name="K", kind="county")
    refused(store, "key", orgs.add_region, actor=actor, key="  ", name="K")
    refused(store, "name", orgs.add_region, actor=actor, key="k", name="")
    refused(store, "state", orgs.add_region, actor=actor, key="k", name="K", state="Conn")


# ----------------------------------------------------------------------------- add


def test_add_member_with_a_zip_is_placed_at_the_zip_centroid(
    store: Store, actor: Actor, region: str
) -> None:
    oid = new_member(
        store,
        actor,
        member_type="Hospital",
        membership="Non-core",
        region_id=region,
        zip="06106",
        town="Hartford",
        state="ct",
        beds="867",
        helipad=True,
        phone=" 860-545-5000 ",
    )
    row = get_org(store, oid)
    hartford = zipcodes.matching("06106")[0]
    assert (row.lat, row.lon) == (float(hartford["lat"]), float(hartford["long"]))
    assert (row.lat, row.lon) == (41.7498, -72.6947)
    assert row.coords_source == "zip"
    assert (row.member_type, row.membership, row.region_id) == ("hospital", "non_core", region)
    assert (row.state, row.beds, row.helipad, row.phone) == ("CT", 867, True, "860-545-5000")
    assert row.deleted is False
    assert [o.id for o in orgs.list_organizations(store)] == [oid]


def test_given_coordinates_win_over_the_zip(store: Store, actor: Actor) -> None:
    oid = new_member(store, actor, zip="06106", lat="41.7621", lon=-72.7005)
    row = get_org(store, oid)
    assert (row.lat, row.lon, row.coords_source) == (41.7621, -72.7005, "given")


def test_zip_plus_four_and_unknown_zip(store: Store, actor: Actor) -> None:
    a = get_org(store, new_member(store, actor, name="A", zip="01608-1234"))
    assert a.zip == "01608-1234"
    assert a.lat == float(zipcodes.matching("01608")[0]["lat"])
    b = get_org(store, new_member(store, actor, name="B", zip="00000"))
    assert (b.zip, b.lat, b.lon, b.coords_source) == ("00000", None, None, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"zip": "6106"}, "zip"),
        ({"zip": "061060"}, "zip"),
        ({"zip": "CT061"}, "zip"),
        ({"zip": "06106-12"}, "zip"),
        ({"lat": 91, "lon": 0}, "lat"),
        ({"lat": -90.5, "lon": 0}, "lat"),
        ({"lat": 41, "lon": 180.01}, "lon"),
        ({"lat": "north", "lon": 0}, "lat"),
        ({"beds": -1}, "beds"),
        ({"beds": "many"}, "beds"),
        ({"member_type": "spaceport"}, "member_type"),
        ({"member_type": ""}, "member_type"),
        ({"membership": "vip"}, "membership"),
        ({"region_id": str(uuid.uuid4())}, "region"),
        ({"parent_id": str(uuid.uuid4())}, "parent"),
        ({"colour": "red"}, "colour"),
        ({"state": "Connecticut"}, "state"),
    ],
)
def test_add_member_refusals(
    store: Store, actor: Actor, fields: dict[str, Any], field: str
) -> None:
    new_member(store, actor, name="Existing")
    base = {"name": "New", "member_type": "hospital", "membership": "core", **fields}
    refused(store, field, orgs.add_organization, actor=actor, **base)


@pytest.mark.parametrize("name", ["", "   ", None, "x" * 301])
def test_add_member_needs_a_name(store: Store, actor: Actor, name: str | None) -> None:
    refused(
        store,
        "name",
        orgs.add_organization,
        actor=actor,
        name=name,
        member_type="ems",
        membership="core",
    )


def test_add_member_needs_type_and_membership(store: Store, actor: Actor) -> None:
    refused(store, "member_type", orgs.add_organization, actor=actor, name="X", membership="core")
    refused(store, "membership", orgs.add_organization, actor=actor, name="X", member_type="ems")


def test_add_member_refuses_a_deleted_parent_and_a_taken_id(store: Store, actor: Actor) -> None:
    parent = new_member(store, actor, name="Health System", member_type="health_system")
    orgs.delete_organization(store, actor=actor, org_id=parent)
    err = refused(
        store,
        "parent",
        orgs.add_organization,
        actor=actor,
        name="X",
        member_type="hospital",
        membership="core",
        parent_id=parent,
    )
    assert isinstance(err, NotFoundError)
    fixed = str(uuid.uuid5(uuid.NAMESPACE_URL, "member"))
    assert new_member(store, actor, name="First", record_id=fixed) == fixed
    refused(
        store,
        "id",
        orgs.add_organization,
        actor=actor,
        name="Second",
        member_type="hospital",
        membership="core",
        record_id=fixed,
    )
    assert get_org(store, fixed).name == "First"


def test_member_with_a_parent(store: Store, actor: Actor) -> None:
    system = new_member(store, actor, name="Hartford HealthCare", member_type="health_system")
    child = new_member(store, actor, name="Backus Hospital", parent_id=system)
    assert get_org(store, child).parent_id == system


# ----------------------------------------------------------------------------- update


def test_update_returns_what_really_changed(store: Store, actor: Actor, wall) -> None:
    oid = new_member(store, actor, phone="860-555-0100")
    wall.advance(1)
    assert orgs.update_organization(
        store, actor=BOB, org_id=oid, phone="860-555-0100", town="Hartford", beds=12
    ) == ["beds", "town"]
    row = get_org(store, oid)
    assert (row.phone, row.town, row.beds) == ("860-555-0100", "Hartford", 12)
    before = snapshot(store)
    assert orgs.update_organization(store, actor=BOB, org_id=oid, town="Hartford") == []
    assert snapshot(store) == before


def test_update_zip_moves_zip_placed_coordinates(store: Store, actor: Actor, wall) -> None:
    oid = new_member(store, actor, zip="06106")
    wall.advance(1)
    orgs.update_organization(store, actor=actor, org_id=oid, zip="01608")
    row = get_org(store, oid)
    worcester = zipcodes.matching("01608")[0]
    assert (row.lat, row.lon) == (float(worcester["lat"]), float(worcester["long"]))
    assert row.coords_source == "zip"
    # Coordinates typed by an operator stay put when the ZIP changes.
    orgs.update_organization(store, actor=actor, org_id=oid, lat=42.0, lon=-72.0)
    assert get_org(store, oid).coords_source == "given"
    orgs.update_organization(store, actor=actor, org_id=oid, zip="06106")
    row = get_org(store, oid)
    assert (row.zip, row.lat, row.lon) == ("06106", 42.0, -72.0)


def test_update_refusals(store: Store, actor: Actor, region: str) -> None:
    oid = new_member(store, actor, region_id=region)
    refused(store, "parent", orgs.update_organization, actor=actor, org_id=oid, parent_id=oid)
    refused(store, "name", orgs.update_organization, actor=actor, org_id=oid, name="  ")
    refused(store, "lat", orgs.update_organization, actor=actor, org_id=oid, lat=100)
    refused(store, "zip", orgs.update_organization, actor=actor, org_id=oid, zip="1234")
    refused(
        store,
        "member_type",
        orgs.update_organization,
        actor=actor,
        org_id=oid,
        member_type="castle",
    )
    refused(
        store, "membership", orgs.update_organization, actor=actor, org_id=oid, membership="gold"
    )
    refused(
        store,
        "region",
        orgs.update_organization,
        actor=actor,
        org_id=oid,
        region_id="no-such-region",
    )
    refused(store, "deleted", orgs.update_organization, actor=actor, org_id=oid, deleted=True)
    refused(
        store,
        "organization",
        orgs.update_organization,
        actor=actor,
        org_id=str(uuid.uuid4()),
        name="X",
    )
    assert get_org(store, oid).region_id == region


# ----------------------------------------------------------------------------- delete


def test_delete_and_undelete(store: Store, actor: Actor, wall) -> None:
    oid = new_member(store, actor)
    wall.advance(1)
    orgs.delete_organization(store, actor=actor, org_id=oid)
    assert orgs.list_organizations(store) == []
    assert [o.id for o in orgs.list_organizations(store, include_deleted=True)] == [oid]
    assert get_org(store, oid).deleted is True
    refused(store, "organization", orgs.delete_organization, actor=actor, org_id=oid)
    refused(store, "organization", orgs.update_organization, actor=actor, org_id=oid, town="X")
    wall.advance(1)
    orgs.undelete_organization(store, actor=BOB, org_id=oid)
    assert [o.id for o in orgs.list_organizations(store)] == [oid]
    # Undeleting a live member changes nothing and leaves no change set.
    before = snapshot(store)
    orgs.undelete_organization(store, actor=BOB, org_id=oid)
    assert snapshot(store) == before
    refused(
        store, "organization", orgs.undelete_organization, actor=actor, org_id=str(uuid.uuid4())
    )
    with store.read() as s:
        deleted = [
            v.value
            for v in s.scalars(
                select(m.Version)
                .where(m.Version.record_id == oid, m.Version.unit == "deleted")
                .order_by(m.Version.seq)
            )
        ]
    assert deleted == ["false", "true", "false"]


def test_merge_duplicate_members(store: Store, actor: Actor) -> None:
    keep = new_member(store, actor, name="Saint Francis Hospital")
    dup = new_member(store, actor, name="St. Francis Hosp.")
    gone = new_member(store, actor, name="Closed clinic")
    orgs.delete_organization(store, actor=actor, org_id=gone)
    refused(store, "into", orgs.merge_organizations, actor=actor, duplicate_id=dup, into_id=dup)
    refused(store, "into", orgs.merge_organizations, actor=actor, duplicate_id=dup, into_id=gone)
    refused(
        store, "duplicate", orgs.merge_organizations, actor=actor, duplicate_id=gone, into_id=keep
    )
    orgs.merge_organizations(store, actor=actor, duplicate_id=dup, into_id=keep)
    row = get_org(store, dup)
    assert (row.merged_into, row.deleted, row.id) == (keep, True, dup)  # the id is kept
    assert [o.id for o in orgs.list_organizations(store)] == [keep]


# ----------------------------------------------------------------------------- contacts


def test_contacts(store: Store, actor: Actor) -> None:
    oid = new_member(store, actor)
    cid = orgs.add_contact(
        store,
        actor=actor,
        organization_id=oid,
        name="Pat Lee",
        role="Nurse Manager",
        phone="860-555-0199",
        is_24_7=True,
    )
    [c] = orgs.list_contacts(store, organization_id=oid)
    assert (c.id, c.name, c.role, c.phone, c.is_24_7) == (
        cid,
        "Pat Lee",
        "Nurse Manager",
        "860-555-0199",
        True,
    )
    refused(store, "name", orgs.add_contact, actor=actor, organization_id=oid, name=" ")
    refused(
        store,
        "organization",
        orgs.add_contact,
        actor=actor,
        organization_id=str(uuid.uuid4()),
        name="X",
    )
    refused(
        store, "phone", orgs.add_contact, actor=actor, organization_id=oid, name="X", phone="1" * 41
    )
    assert orgs.list_contacts(store, organization_id=str(uuid.uuid4())) == []


def test_each_service_call_is_one_change_set(store: Store, actor: Actor) -> None:
    oid = new_member(store, actor)
    orgs.update_organization(store, actor=actor, org_id=oid, town="Hartford", beds=10)
    orgs.delete_organization(store, actor=actor, org_id=oid)
    assert change_sets(store) == 3
    with store.read() as s:
        summaries = list(s.scalars(select(m.ChangeSet.summary).order_by(m.ChangeSet.id)))
        operators = set(s.scalars(select(m.ChangeSet.operator)))
    assert summaries == ["New member Hartford Hospital", "Edit member", "Delete member"]
    assert operators == {actor.label}
