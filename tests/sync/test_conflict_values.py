"""A conflict settled with a value typed in ("Enter another value…", `conflicts resolve
--value`) takes only what an edit of that field could have written: a request cannot be
resolved to a status "bogus" (which no step leads out of, and which the tracker and the
overview would not count), a count cannot become text, a time must be a time. A refused
value leaves the store and the conflict as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from faults import run_cli
from helpers import Station, exchange_full, version_rows
from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core import vocab
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents, organizations
from hcc_desktop.core.services import requests as rq
from hcc_desktop.core.services.common import Actor
from hcc_desktop.sync import conflicts

A_OP = Actor("Jane Park", "Operator")
B_OP = Actor("Luis Ortega", "Logistics Section Chief")


def _request_conflict(a: Station, b: Station, ram_dir: Path) -> tuple[str, conflicts.ConflictView]:
    """A request both stations move on from `approved`: A to sourcing, B to cancelled."""
    inc = incidents.create_incident(a.store, actor=A_OP, name="Water main break")
    rid = rq.create_request(
        a.store, actor=A_OP, incident_id=inc, resource_kind="Bottled water", quantity=20
    )
    rq.set_status(a.store, actor=A_OP, request_id=rid, status="approved")
    exchange_full([a, b], ram_dir / "first")
    rq.set_status(a.store, actor=A_OP, request_id=rid, status="sourcing")
    b.wall.advance(5)
    rq.set_status(b.store, actor=B_OP, request_id=rid, status="cancelled")
    exchange_full([a, b], ram_dir / "second")
    [c] = conflicts.list_conflicts(b.store)
    assert (c.entity, c.unit) == ("request", "status")
    return rid, c


def _status(st: Station, rid: str) -> str | None:
    with st.store.read() as s:
        return s.get_one(m.ResourceRequest, rid).status


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("bogus", "status: expected one of draft, submitted"),
        ("Approved ", "status: expected one of"),
        (7, "expects text or null"),
        ("returned", "a step from there is one of sourcing, committed, cancelled"),
        ("draft", "a step from there is one of"),
        ("denied", "a step from there is one of"),
    ],
)
def test_a_request_status_typed_in_must_be_a_step_the_lifecycle_allows(
    make_station: object, ram_dir: Path, value: object, says: str
) -> None:
    a, b = make_station("S0"), make_station("S1")  # type: ignore[operator]
    _rid, c = _request_conflict(a, b, ram_dir)
    before = version_rows(b.store)
    with pytest.raises(ValidationError, match="value") as refused:
        conflicts.resolve(b.store, actor=B_OP, conflict_id=c.id, value=value)
    assert says in str(refused.value)
    assert version_rows(b.store) == before
    assert [x.id for x in conflicts.list_conflicts(b.store)] == [c.id]


@pytest.mark.parametrize("value", ["cancelled", "committed", "approved", "sourcing"])
def test_a_legal_status_typed_in_settles_it_everywhere_and_credits_who_settled_it(
    make_station: object, ram_dir: Path, value: str
) -> None:
    """A step from where both started, that status itself, or either side's: taken,
    recorded as the resolver's, and the other station agrees after an exchange."""
    a, b = make_station("S0"), make_station("S1")  # type: ignore[operator]
    rid, c = _request_conflict(a, b, ram_dir)
    made = conflicts.resolve(b.store, actor=B_OP, conflict_id=c.id, value=value)
    exchange_full([a, b], ram_dir / "third")
    for st in (a, b):
        assert _status(st, rid) == value and conflicts.list_conflicts(st.store) == []
        with st.store.read() as s:
            row = s.get_one(m.ResourceRequest, rid)
            who = (row.status_by, row.status_note)
            stamped = s.scalar(select(m.Version.operator).where(m.Version.id == made))
        assert stamped == B_OP.label
        if value in ("committed", "approved"):  # neither side's: the resolver's own
            assert who == (B_OP.label, "Conflict resolved with another value")


def test_other_fields_take_their_vocabulary_type_and_time_format(
    make_station: object, ram_dir: Path
) -> None:
    a, b = make_station("S0"), make_station("S1")  # type: ignore[operator]
    oid = organizations.add_organization(
        a.store, actor=A_OP, name="Valley Home Care", member_type="home_health",
        membership="core", joined_on="2016-05-01",
    )  # fmt: skip
    exchange_full([a, b], ram_dir / "first")
    organizations.update_organization(a.store, actor=A_OP, org_id=oid, member_type="hospice")
    organizations.update_organization(a.store, actor=A_OP, org_id=oid, beds=12)
    b.wall.advance(5)
    organizations.update_organization(b.store, actor=B_OP, org_id=oid, member_type="hospital")
    organizations.update_organization(b.store, actor=B_OP, org_id=oid, beds=30)
    exchange_full([a, b], ram_dir / "second")
    by_unit = {c.unit: c for c in conflicts.list_conflicts(b.store)}
    before = version_rows(b.store)
    for unit, value, says in [
        ("member_type", "clinic", "member_type: expected one of hospital"),
        ("beds", "twelve", "expects a 64-bit whole number"),
        ("beds", 1.5, "expects a 64-bit whole number"),
    ]:
        with pytest.raises(ValidationError, match=says):
            conflicts.resolve(b.store, actor=B_OP, conflict_id=by_unit[unit].id, value=value)
    assert version_rows(b.store) == before
    conflicts.resolve(b.store, actor=B_OP, conflict_id=by_unit["member_type"].id, value="ems")
    conflicts.resolve(b.store, actor=B_OP, conflict_id=by_unit["beds"].id, value=20)
    with b.store.read() as s:
        row = s.get_one(m.Organization, oid)
        assert (row.member_type, row.beds) == ("ems", 20)


def test_every_vocabulary_like_column_is_classified() -> None:
    """A new status, kind or type column must be given its words (or called free text),
    or a conflict on it could again be settled with any word at all."""
    suffixes = ("status", "_type", "kind", "category", "priority", "membership", "role",
                "direction", "state", "position", "context", "repeat", "element", "rating")  # fmt: skip
    unclassified = sorted(
        (name, column)
        for name, ent in ENTITIES.items()
        for unit in ent.units.values()
        for column in unit.columns
        if column.endswith(suffixes)
        and (name, column) not in vocab.CHOICES
        and (name, column) not in vocab.NOT_VOCABULARY
    )
    assert unclassified == []
    for (name, column), words in vocab.CHOICES.items():
        assert column in ENTITIES[name].table.c and len(words) > 1, (name, column)


def test_typed_text_is_read_as_the_fields_type(make_station: object, ram_dir: Path) -> None:
    """What the dialog and `--value` pass on: a number for a bed count, text for a
    phone number (even when it looks like a number), a JSON object for a whole group."""
    a, b = make_station("S0"), make_station("S1")  # type: ignore[operator]
    oid = organizations.add_organization(
        a.store, actor=A_OP, name="Valley Home Care", member_type="home_health",
        membership="core", joined_on="2016-05-01",
    )  # fmt: skip
    exchange_full([a, b], ram_dir / "first")
    organizations.update_organization(a.store, actor=A_OP, org_id=oid, beds=12, phone="1")
    organizations.update_organization(a.store, actor=A_OP, org_id=oid, membership="lapsed",
                                      left_on="2025-06-30")  # fmt: skip
    b.wall.advance(5)
    organizations.update_organization(b.store, actor=B_OP, org_id=oid, beds=30, phone="2")
    organizations.update_organization(b.store, actor=B_OP, org_id=oid, joined_on="2015-05-01")
    exchange_full([a, b], ram_dir / "second")
    by_unit = {c.unit: c for c in conflicts.list_conflicts(b.store)}
    assert conflicts.parse_typed(by_unit["beds"], " 20 ") == 20
    assert conflicts.parse_typed(by_unit["beds"], "") is None
    with pytest.raises(ValidationError, match="beds: expected a whole number; got 'twenty'"):
        conflicts.parse_typed(by_unit["beds"], "twenty")
    assert conflicts.parse_typed(by_unit["phone"], "8605550100") == "8605550100"
    term = '{"membership": "core", "joined_on": "2015-05-01", "left_on": null}'
    assert conflicts.parse_typed(by_unit["membership"], term) == {
        "membership": "core", "joined_on": "2015-05-01", "left_on": None,
    }  # fmt: skip
    with pytest.raises(ValidationError, match="not a JSON object"):
        conflicts.parse_typed(by_unit["membership"], "{core")


def test_the_command_line_refuses_a_bad_value_and_changes_nothing(
    make_station: object, ram_dir: Path
) -> None:
    a, b = make_station("S0"), make_station("S1")  # type: ignore[operator]
    _rid, c = _request_conflict(a, b, ram_dir)
    b.store.close()
    before = dump_text_of(b.path)
    ran = run_cli("--store", str(b.path), "conflicts", "resolve", c.id[:12], "--value", "bogus")
    assert ran.code == 1 and ran.out == ""
    assert "value: status: expected one of draft, submitted" in ran.err
    assert len(ran.err.strip().splitlines()) == 1
    assert dump_text_of(b.path) == before
    ran = run_cli("--store", str(b.path), "conflicts", "resolve", c.id[:12], "--value", "committed")
    assert ran.code == 0, ran.err


def dump_text_of(path: Path) -> str:
    from hcc_desktop.core.dump import dump_text
    from hcc_desktop.core.opening import open_store

    with open_store(path) as store:
        return dump_text(store)
