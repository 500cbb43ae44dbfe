"""Membership (issue 14, part 1): statuses with joined/left dates as one merge unit,
contacts with a 24/7 phone, the membership report, and the CLI over them. Every
refusal names its field and leaves the store as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import contacts, membership
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.versions import rebuild
from tests.test_cli import Run, refused
from tests.test_services_orgs import refused as refused_call

SETUP = Actor("Setup Script", "Planning")


@pytest.fixture
def members(store: Store, actor: Actor) -> dict[str, str]:
    ct = orgs.add_region(store, actor=actor, key="ct", name="Connecticut HCC", kind="coalition")
    r1 = orgs.add_region(store, actor=actor, key="r1", name="Region 1")
    made = {"ct": ct, "r1": r1}
    for key, kind, status, region in (
        ("h1", "hospital", "core", ct),
        ("h2", "hospital", "non_core", r1),
        ("ems", "ems", "core", ct),
        ("vendor", "vendor", "guest", ct),
        ("snf", "long_term_care", "prospective", r1),
    ):
        made[key] = orgs.add_organization(
            store, actor=actor, name=f"Member {key}", member_type=kind, membership=status,
            region_id=region,
        )  # fmt: skip
    return made


def membership_versions(store: Store, org_id: str) -> list[object]:
    with store.read() as s:
        rows = s.scalars(
            select(m.Version.value).where(
                m.Version.entity == "organization",
                m.Version.record_id == org_id,
                m.Version.unit == "membership",
            )
        )
        return [json.loads(v) for v in rows]


# ------------------------------------------------------------------ statuses and dates


def test_status_and_dates_are_one_unit(store: Store, actor: Actor) -> None:
    oid = orgs.add_organization(
        store, actor=actor, name="Home Care", member_type="home_health", membership="core",
        joined_on="2016-05-01",
    )  # fmt: skip
    assert membership_versions(store, oid) == [
        {"membership": "core", "joined_on": "2016-05-01", "left_on": None}
    ]
    changed = orgs.update_organization(
        store, actor=actor, org_id=oid, membership="lapsed", left_on="2025-06-30"
    )
    assert changed == ["left_on", "membership"]
    assert membership_versions(store, oid)[-1] == {
        "membership": "lapsed", "joined_on": "2016-05-01", "left_on": "2025-06-30",
    }  # fmt: skip
    # Back in: the left date goes with the lapse.
    orgs.update_organization(store, actor=actor, org_id=oid, membership="non_core")
    with store.read() as s:
        row = s.get_one(m.Organization, oid)
        assert (row.membership, row.joined_on, row.left_on) == ("non_core", "2016-05-01", None)


def test_new_statuses_and_types_are_accepted(store: Store, actor: Actor) -> None:
    for status in ("prospective", "lapsed", "guest"):
        orgs.add_organization(
            store, actor=actor, name=f"ESF-8 {status}", member_type="esf8_partner",
            membership=status,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"membership": "member"}, "membership"),
        ({"joined_on": "last spring"}, "joined_on"),
        ({"left_on": "2025-13-01", "membership": "lapsed"}, "left_on"),
        ({"left_on": "2025-06-30"}, "left_on"),  # a core member has no left date
        ({"membership": "lapsed", "left_on": "2010-01-01"}, "left_on"),  # before joining
        ({"member_type": "spaceport"}, "member_type"),
    ],
)
def test_bad_membership_input_is_refused(
    store: Store, actor: Actor, fields: dict[str, str], field: str
) -> None:
    oid = orgs.add_organization(
        store, actor=actor, name="Hospital", member_type="hospital", membership="core",
        joined_on="2012-07-01",
    )  # fmt: skip
    refused_call(store, field, orgs.update_organization, actor=actor, org_id=oid, **fields)


def test_a_new_member_with_a_bad_term_is_refused(store: Store, actor: Actor) -> None:
    refused_call(
        store, "left_on", orgs.add_organization, actor=actor, name="X", member_type="ems",
        membership="guest", left_on="2020-01-01",
    )  # fmt: skip


def test_a_bare_status_from_an_older_station_still_reads(store: Store, actor: Actor) -> None:
    """Stores and packages from before the dates hold the status as a bare value."""
    oid = orgs.add_organization(
        store, actor=actor, name="Old", member_type="hospital", membership="core",
        joined_on="2012-07-01",
    )  # fmt: skip
    with store.writing(operator="old station", summary="as schema 0003 wrote it") as w:
        w.put("organization", oid, {"membership": "guest"})
    with store.read() as s:
        row = s.get_one(m.Organization, oid)
        assert (row.membership, row.joined_on, row.left_on) == ("guest", None, None)
    before = dump_text(store)
    with store.writing(operator="test", summary="rebuild") as w:
        rebuild(w.session)
    assert dump_text(store) == before
    orgs.update_organization(store, actor=actor, org_id=oid, joined_on="2013-01-01")
    assert membership_versions(store, oid)[-1] == {
        "membership": "guest", "joined_on": "2013-01-01", "left_on": None,
    }  # fmt: skip


# ------------------------------------------------------------------ contacts


def test_contacts_have_a_24_7_phone(store: Store, actor: Actor, members: dict[str, str]) -> None:
    cid = contacts.add_contact(
        store, actor=actor, organization_id=members["h1"], name="Pat Lee", role="EM",
        phone="860-555-0199", phone_24_7="860-555-0100", email="pat@example.org",
    )  # fmt: skip
    [c] = contacts.list_contacts(store, organization_id=members["h1"])
    assert (c.id, c.phone_24_7, c.is_24_7, c.email) == (
        cid, "860-555-0100", True, "pat@example.org",
    )  # fmt: skip
    assert contacts.update_contact(store, actor=actor, contact_id=cid, role="Director") == ["role"]
    contacts.delete_contact(store, actor=actor, contact_id=cid)
    assert contacts.list_contacts(store, organization_id=members["h1"]) == []
    refused_call(store, "contact", contacts.update_contact, actor=actor, contact_id=cid, role="x")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "pat at example"}, "email"),
        ({"phone_24_7": "1" * 41}, "phone_24_7"),
        ({"name": "  "}, "name"),
        ({"is_24_7": "maybe"}, "is_24_7"),
    ],
)
def test_bad_contact_input_is_refused(
    store: Store, actor: Actor, members: dict[str, str], fields: dict[str, str], field: str
) -> None:
    args = {"name": "Pat Lee", **fields}
    refused_call(
        store, field, contacts.add_contact, actor=actor, organization_id=members["h1"], **args
    )


# ------------------------------------------------------------------ the report


def test_report_counts_by_type_status_and_region(
    store: Store, actor: Actor, members: dict[str, str]
) -> None:
    orgs.delete_organization(store, actor=actor, org_id=members["vendor"])
    rep = membership.membership_report(store)
    assert rep.total == 4 and rep.active == 3
    status = {c.key: c.count for c in rep.by_status}
    assert status == {"core": 2, "non_core": 1, "guest": 0, "prospective": 1, "lapsed": 0}
    types = {c.key: c.count for c in rep.by_type if c.count}
    assert types == {"hospital": 2, "ems": 1, "long_term_care": 1}
    assert rep.type_status["hospital"] == {"core": 1, "non_core": 1}
    ct, r1 = rep.by_region
    assert (ct.key, ct.total, r1.key, r1.total) == ("ct", 2, "r1", 2)
    assert ct.core_types_present == ("hospital", "ems")
    assert r1.core_types_missing == ("hospital", "ems", "emergency_management",
                                     "local_public_health")  # fmt: skip
    only = membership.membership_report(store, region_id=members["r1"])
    assert only.total == 2 and [r.key for r in only.by_region] == ["r1"]
    json.dumps(rep.as_dict())  # plain data, for the GUI and a PDF


# ------------------------------------------------------------------ CLI


def test_cli_members_report_and_membership_filter(run: Run, coalition: dict[str, str]) -> None:
    assert run("members", "set", "BBHD", "--membership", "lapsed", "--left", "2025-06-30").code == 0
    listed = run("members", "list", "--membership", "lapsed", "--json").json()
    assert [x["name"] for x in listed] == ["Bristol-Burlington Health District"]
    assert listed[0]["left_on"] == "2025-06-30"
    rep = run("members", "report", "--json").json()
    assert rep["total"] == 3
    assert {c["key"]: c["count"] for c in rep["by_status"]}["lapsed"] == 1
    text = run("members", "report").out
    assert "3 members" in text and "Lapsed" in text
    assert run("members", "report", "--region", "ma-1", "--json").json()["total"] == 1


def test_cli_contacts(run: Run, coalition: dict[str, str]) -> None:
    r = run("contacts", "add", "YNHH", "Pat Lee", "--role", "EM", "--phone-24-7", "203-555-0100")
    assert r.code == 0, r.err
    [c] = run("contacts", "list", "--member", "YNHH", "--json").json()
    assert (c["phone_24_7"], c["is_24_7"]) == ("203-555-0100", True)
    assert run("contacts", "update", c["id"][-8:], "--email", "pat@example.org").code == 0
    assert run("contacts", "list", "--json").json()[0]["email"] == "pat@example.org"
    assert run("contacts", "remove", c["id"]).code == 0
    assert run("contacts", "list", "--json").json() == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("members", "list", "--membership", "vip"), "membership"),
        (("members", "report", "--region", "mars"), "region"),
        (("members", "set", "YNHH", "--membership", "gold"), "membership"),
        (("members", "set", "YNHH", "--joined", "2024-02-30"), "joined_on"),
        (("members", "set", "YNHH", "--left", "2024-02-01"), "left_on"),
        (("members", "set", "Nowhere Hospital", "--membership", "core"), "member"),
        (("contacts", "add", "YNHH", "Pat", "--email", "no-at-sign"), "email"),
        (("contacts", "add", "YNHH", "Pat", "--24-7", "perhaps"), "is_24_7"),
        (("contacts", "update", "0123456789", "--role", "x"), "contact"),
    ],
)
def test_cli_refusals_name_the_field_and_change_nothing(
    run: Run, coalition: dict[str, str], args: tuple[str, ...], field: str
) -> None:
    before = run("dump").out
    refused(run(*args), field)
    assert run("dump").out == before


# ------------------------------------------------------------------ schema


def test_a_0003_store_upgrades_and_keeps_its_data(store_path: Path, wall: object) -> None:
    """Migration 0004 down and up again on a store with members: nothing is lost, and
    the upgraded schema is what the models declare."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from hcc_desktop.paths import migrations_dir

    with open_store(store_path, wall=wall) as s:  # type: ignore[arg-type]
        oid = orgs.add_organization(
            s, actor=SETUP, name="Hospital", member_type="hospital", membership="core"
        )
        contacts.add_contact(s, actor=SETUP, organization_id=oid, name="Pat", phone="1")
        before = dump_text(s)
        cfg = Config()
        cfg.set_main_option("script_location", str(migrations_dir()))
        with s.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0003_read_indexes")
    with open_store(store_path, wall=wall) as s:  # type: ignore[arg-type]
        assert dump_text(s) == before
        with s.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), m.Base.metadata)
        assert diff == []
