"""The version engine (SYNC.md, "Identity and history" and "Merge units").

Versions from "other sites" are inserted here by hand, with ids computed by
`version_id`, as an import would insert them; the clock observes them as the receive
rule says. The winner of a unit and its open conflicts are checked against a small,
independent reference model (plain Python), as the SYNC spec asks.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core.check import check_store
from hcc_desktop.core.clock import HybridClock, pack
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.ids import canonical_json
from hcc_desktop.core.services import eei, incidents, log, organizations, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.versions import columns_for, rebuild, recompute_units, version_id

START_MS = 1_795_000_000_000
BOB = Actor("Bob Okafor", "Logistics Section Chief")


# ----------------------------------------------------------------------------- helpers


def insert_remote(
    session: Session,
    *,
    entity: str,
    record_id: str,
    unit: str,
    value: Any,
    hlc: int,
    site_id: str,
    parent_id: str | None = None,
    operator: str | None = "Remote Operator",
    resolves: list[str] | None = None,
    observe: bool = True,
) -> str:
    """Insert one version as an import would, and let the clock observe it."""
    text = canonical_json(value)
    resolved = canonical_json(sorted(resolves)) if resolves else None
    vid = version_id(
        entity=entity,
        record_id=record_id,
        unit=unit,
        value=text,
        hlc=hlc,
        site_id=site_id,
        parent_id=parent_id,
        operator=operator,
        resolves=resolved,
    )
    session.execute(
        insert(m.Version.__table__),
        [
            {
                "id": vid,
                "entity": entity,
                "record_id": record_id,
                "unit": unit,
                "value": text,
                "hlc": hlc,
                "site_id": site_id,
                "parent_id": parent_id,
                "operator": operator,
                "resolves": resolved,
                "change_id": None,
            }
        ],
    )
    if observe:
        row = session.get_one(m.ClockState, 1)
        clock = HybridClock(row.hlc, lambda: START_MS)
        clock.observe(hlc)
        row.hlc = clock.last
        session.flush()
    return vid


def versions_of(store: Store, entity: str, record_id: str, unit: str | None = None) -> list[Any]:
    with store.read() as s:
        stmt = select(m.Version).where(m.Version.entity == entity, m.Version.record_id == record_id)
        if unit:
            stmt = stmt.where(m.Version.unit == unit)
        return list(s.scalars(stmt.order_by(m.Version.seq)))


def winner_id(store: Store, entity: str, record_id: str, unit: str) -> str | None:
    with store.read() as s:
        w = s.get(m.Winner, (entity, record_id, unit))
        return w.version_id if w else None


def conflicts_of(store: Store, record_id: str) -> list[m.Conflict]:
    with store.read() as s:
        return list(s.scalars(select(m.Conflict).where(m.Conflict.record_id == record_id)))


def add_member(store: Store, actor: Actor, name: str = "Hartford Hospital", **kw: Any) -> str:
    return organizations.add_organization(
        store, actor=actor, name=name, member_type="hospital", membership="core", **kw
    )


def populate(store: Store, actor: Actor, wall: Any) -> dict[str, str]:
    """A little of everything, from two operators."""
    region = organizations.add_region(store, actor=actor, key="north", name="North Region")
    h1 = add_member(store, actor, region_id=region, zip="06106", beds=867, helipad=True)
    h2 = add_member(store, BOB, "Saint Francis Hospital", region_id=region)
    wall.advance(5)
    organizations.update_organization(store, actor=BOB, org_id=h1, phone="860-545-5000")
    organizations.add_contact(store, actor=actor, organization_id=h1, name="Nurse Manager")
    dup = add_member(store, BOB, "Hartford Hosp.")
    organizations.merge_organizations(store, actor=actor, duplicate_id=dup, into_id=h1)
    inc = incidents.create_incident(
        store, actor=actor, name="Hurricane Zoe", incident_type="hurricane", region_ids=[region]
    )
    incidents.add_period(
        store,
        actor=actor,
        incident_id=inc,
        starts_at="2026-11-18T12:00Z",
        ends_at="2026-11-19T00:00Z",
    )
    wall.advance(60)
    e1 = log.add_entry(
        store, actor=actor, incident_id=inc, text="EOC activated", category="decision"
    )
    log.nominate(store, actor=BOB, entry_id=e1)
    log.review(store, actor=actor, entry_id=e1, approve=True)
    e2 = log.add_entry(store, actor=BOB, incident_id=inc, text="Generator at 40%")
    log.correct_entry(store, actor=BOB, entry_id=e2, text="Generator fuel at 40%")
    log.retract_entry(store, actor=BOB, entry_id=e2)
    req = requests.create_request(
        store, actor=actor, incident_id=inc, resource_kind="Generator", quantity=2
    )
    requests.set_status(store, actor=BOB, request_id=req, status="approved")
    eei.set_values(
        store,
        actor=actor,
        incident_id=inc,
        organization_id=h1,
        period=1,
        values={"FACILITY_STATUS": "normal", "BEDS_ADULT_ICU_STAFFED": 20},
    )
    rid = eei.report_id(inc, h1, "FACILITY_STATUS", 1)
    eei.validate(store, actor=BOB, report_ids=[rid], state="validated")
    wall.advance(60)
    eei.set_values(
        store,
        actor=actor,
        incident_id=inc,
        organization_id=h1,
        period=1,
        values={"BEDS_ADULT_ICU_AVAILABLE": 4},
    )
    return {"region": region, "h1": h1, "h2": h2, "incident": inc, "request": req, "eei": rid}


# ----------------------------------------------------------------------------- writes


def test_every_write_adds_versions_from_this_operator_and_station(
    store: Store, actor, wall
) -> None:
    org = add_member(store, actor, phone="860-555-0100")
    created = versions_of(store, "organization", org)
    units = {v.unit for v in created}
    assert {"name", "member_type", "membership", "phone", "deleted"} <= units
    assert len(created) == len(units)  # one version per unit
    for v in created:
        assert v.operator == actor.label == "Dana Reyes (Situation Unit Leader)"
        assert v.site_id == store.site_id
        assert v.parent_id is None  # a create
        assert v.change_id is not None
    name_v1 = winner_id(store, "organization", org, "name")
    assert name_v1 == next(v.id for v in created if v.unit == "name")

    wall.advance(1)
    organizations.update_organization(store, actor=BOB, org_id=org, name="Hartford HealthCare")
    wall.advance(-120)  # the wall clock steps back: the next stamp still sorts later
    organizations.update_organization(store, actor=actor, org_id=org, name="Hartford Hospital")
    names = versions_of(store, "organization", org, "name")
    assert [json.loads(v.value) for v in names] == [
        "Hartford Hospital",
        "Hartford HealthCare",
        "Hartford Hospital",
    ]
    assert [v.operator for v in names] == [actor.label, BOB.label, actor.label]
    assert names[1].parent_id == names[0].id
    assert names[2].parent_id == names[1].id
    assert names[0].hlc < names[1].hlc < names[2].hlc
    assert winner_id(store, "organization", org, "name") == names[2].id
    # Other units were not touched by the edits.
    assert len(versions_of(store, "organization", org)) == len(created) + 2


def assert_view_matches_winners(store: Store) -> int:
    """Each winner is its unit's greatest (hlc, site) version and its value is what the
    domain row shows."""
    checked = 0
    with store.read() as s:
        versions = {v.id: v for v in s.scalars(select(m.Version))}
        by_unit: dict[tuple[str, str, str], list[m.Version]] = defaultdict(list)
        for v in versions.values():
            by_unit[(v.entity, v.record_id, v.unit)].append(v)
        winners = {(w.entity, w.record_id, w.unit): w for w in s.scalars(select(m.Winner))}
        assert set(winners) == set(by_unit)
        for key, w in winners.items():
            best = max(by_unit[key], key=lambda v: (v.hlc, v.site_id))
            assert w.version_id == best.id, key
            assert (w.hlc, w.site_id) == (best.hlc, best.site_id)
            ent = ENTITIES[key[0]]
            unit = ent.units[key[2]]
            row = s.get(ent.model, key[1])
            assert row is not None, key
            expected = columns_for(unit, json.loads(best.value))
            for col, value in expected.items():
                got = getattr(row, col)
                assert got == value, (key, col, got, value)
            if unit.version_column:
                assert getattr(row, unit.version_column) == best.id
            checked += 1
    return checked


def test_history_and_view_of_a_busy_store(store: Store, actor, wall) -> None:
    populate(store, actor, wall)
    with store.read() as s:
        rows = list(s.scalars(select(m.Version).order_by(m.Version.seq)))
        clock = s.get_one(m.ClockState, 1).hlc
    assert len(rows) > 50
    # Version ids are content hashes.
    for v in rows:
        assert v.id == version_id(
            entity=v.entity,
            record_id=v.record_id,
            unit=v.unit,
            value=v.value,
            hlc=v.hlc,
            site_id=v.site_id,
            parent_id=v.parent_id,
            operator=v.operator,
            resolves=v.resolves,
        )
    # Local stamps are unique and increase in write order; the clock kept the last.
    stamps = [v.hlc for v in rows]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    assert clock == stamps[-1]
    # Winners and domain rows agree.
    assert assert_view_matches_winners(store) > 50
    report = check_store(store)
    assert report.problems == []
    assert report.ok


def test_rebuild_reproduces_identical_domain_rows(store: Store, actor, wall) -> None:
    ids = populate(store, actor, wall)
    # And one open conflict from a "remote" station, so conflicts are rebuilt too.
    with store.local_session() as s, s.begin():
        first = versions_of(store, "organization", ids["h2"], "name")[0]
        insert_remote(
            s,
            entity="organization",
            record_id=ids["h2"],
            unit="name",
            value="St. Francis",
            hlc=first.hlc + 1,
            site_id="zzzz",
            parent_id=first.id,
        )
        insert_remote(
            s,
            entity="organization",
            record_id=ids["h2"],
            unit="name",
            value="Saint Francis Medical Center",
            hlc=first.hlc + 2,
            site_id="yyyy",
            parent_id=first.id,
        )
        recompute_units(s, [("organization", ids["h2"], "name")])
    assert len(conflicts_of(store, ids["h2"])) == 1
    before = dump_text(store)
    with store.read() as s:
        winners_before = sorted(tuple(r) for r in s.execute(select(m.Winner.__table__)))
    n_versions = len(versions_of(store, "organization", ids["h1"]))

    with store.writing(operator=None, summary="rebuild") as w:
        rebuild(w.session)

    assert dump_text(store) == before
    with store.read() as s:
        assert sorted(tuple(r) for r in s.execute(select(m.Winner.__table__))) == winners_before
        assert s.get_one(m.EEIReport, ids["eei"]).values_version is not None
    assert len(versions_of(store, "organization", ids["h1"])) == n_versions
    assert check_store(store).ok

    # A damaged view (a row edited behind the engine's back, a row lost) is repaired.
    with store.local_session() as s, s.begin():
        s.get_one(m.Organization, ids["h1"]).name = "Wrong"
        s.delete(s.get_one(m.Incident, ids["incident"]))
    assert dump_text(store) != before
    assert not check_store(store).ok
    with store.local_session() as s, s.begin():
        rebuild(s)
    assert dump_text(store) == before
    assert check_store(store).ok


# ----------------------------------------------------------------------------- merge


def _org_with_name(store: Store, actor: Actor) -> tuple[str, m.Version]:
    org = add_member(store, actor)
    return org, versions_of(store, "organization", org, "name")[0]


def test_remote_winner_is_the_greatest_hlc_then_site(store: Store, actor) -> None:
    """Same hlc at two sites: the greater site id wins, in every insertion order."""
    candidates = [
        ("Value at hlc-1 from z", 9, "zzzz"),
        ("Value from b", 10, "bbbb"),
        ("Value from c", 10, "cccc"),
    ]
    for order in itertools.permutations(candidates):
        org, base = _org_with_name(store, actor)
        with store.local_session() as s, s.begin():
            for value, offset, site in order:
                insert_remote(
                    s,
                    entity="organization",
                    record_id=org,
                    unit="name",
                    value=value,
                    hlc=base.hlc + offset,
                    site_id=site,
                    parent_id=base.id,
                )
                recompute_units(s, [("organization", org, "name")])
        with store.read() as s:
            assert s.get_one(m.Organization, org).name == "Value from c", order
            w = s.get_one(m.Winner, ("organization", org, "name"))
            assert (w.hlc, w.site_id) == (base.hlc + 10, "cccc")


def test_a_later_local_edit_wins_over_what_was_observed(store: Store, actor, wall) -> None:
    org, base = _org_with_name(store, actor)
    future = pack(START_MS + 3 * 86_400_000, 0)  # a station three days ahead
    with store.local_session() as s, s.begin():
        remote = insert_remote(
            s,
            entity="organization",
            record_id=org,
            unit="name",
            value="From the future",
            hlc=future,
            site_id="zzzz",
            parent_id=base.id,
        )
        recompute_units(s, [("organization", org, "name")])
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=org, name="Edited here")
    mine = versions_of(store, "organization", org, "name")[-1]
    assert mine.parent_id == remote
    assert mine.hlc > future
    assert organizations.list_organizations(store)[0].name == "Edited here"
    assert conflicts_of(store, org) == []


def test_two_siblings_that_disagree_make_one_conflict(store: Store, actor, wall) -> None:
    org, base = _org_with_name(store, actor)
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=org, name="Local name")
    local = versions_of(store, "organization", org, "name")[-1]
    assert local.parent_id == base.id
    with store.local_session() as s, s.begin():
        remote = insert_remote(
            s,
            entity="organization",
            record_id=org,
            unit="name",
            value="Remote name",
            hlc=local.hlc - 1,  # older: the local value stays the winner
            site_id="zzzz",
            parent_id=base.id,
        )
        recompute_units(s, [("organization", org, "name")])
    found = conflicts_of(store, org)
    assert len(found) == 1
    c = found[0]
    assert (c.entity, c.unit, c.parent_id) == ("organization", "name", base.id)
    assert c.version_ids == sorted([local.id, remote])
    assert organizations.list_organizations(store)[0].name == "Local name"
    assert '"conflicts"' in dump_text(store)
    # Recomputing again changes nothing.
    with store.local_session() as s, s.begin():
        recompute_units(s, [("organization", org, "name")])
    assert [x.id for x in conflicts_of(store, org)] == [c.id]


def test_siblings_with_the_same_value_are_no_conflict(store: Store, actor, wall) -> None:
    org, base = _org_with_name(store, actor)
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=org, name="Same")
    local = versions_of(store, "organization", org, "name")[-1]
    with store.local_session() as s, s.begin():
        insert_remote(
            s,
            entity="organization",
            record_id=org,
            unit="name",
            value="Same",
            hlc=local.hlc + 5,
            site_id="zzzz",
            parent_id=base.id,
        )
        recompute_units(s, [("organization", org, "name")])
    assert conflicts_of(store, org) == []


def _submitted_request(store: Store, actor: Actor) -> tuple[str, m.Version]:
    inc = incidents.create_incident(store, actor=actor, name="Ice storm")
    req = requests.create_request(
        store, actor=actor, incident_id=inc, resource_kind="Cots", quantity=50
    )
    return req, versions_of(store, "request", req, "status")[0]


def test_concurrent_approvals_agree_on_the_compared_keys(store: Store, actor, wall) -> None:
    req, submitted = _submitted_request(store, actor)
    wall.advance(1)
    requests.set_status(store, actor=actor, request_id=req, status="approved")
    local = versions_of(store, "request", req, "status")[-1]
    with store.local_session() as s, s.begin():
        insert_remote(
            s,
            entity="request",
            record_id=req,
            unit="status",
            value={
                "status": "approved",
                "status_note": "ok by phone",
                "status_at": "2026-11-18T12:00:00Z",
                "status_by": "Remote Operator",
            },
            hlc=local.hlc + 1,
            site_id="zzzz",
            parent_id=submitted.id,
        )
        recompute_units(s, [("request", req, "status")])
    assert conflicts_of(store, req) == []
    with store.read() as s:
        row = s.get_one(m.ResourceRequest, req)
    assert (row.status, row.status_by, row.status_note) == (
        "approved",
        "Remote Operator",
        "ok by phone",
    )


def test_concurrent_approve_and_deny_conflict(store: Store, actor, wall) -> None:
    req, submitted = _submitted_request(store, actor)
    wall.advance(1)
    requests.set_status(store, actor=actor, request_id=req, status="approved")
    local = versions_of(store, "request", req, "status")[-1]
    with store.local_session() as s, s.begin():
        remote = insert_remote(
            s,
            entity="request",
            record_id=req,
            unit="status",
            value={
                "status": "denied",
                "status_note": None,
                "status_at": "2026-11-18T12:00:00Z",
                "status_by": "Remote Operator",
            },
            hlc=local.hlc + 1,
            site_id="zzzz",
            parent_id=submitted.id,
        )
        recompute_units(s, [("request", req, "status")])
    found = conflicts_of(store, req)
    assert [(c.unit, c.parent_id, c.version_ids) for c in found] == [
        ("status", submitted.id, sorted([local.id, remote]))
    ]
    with store.read() as s:
        assert s.get_one(m.ResourceRequest, req).status == "denied"


def test_a_local_resolution_naming_both_closes_the_conflict(store: Store, actor, wall) -> None:
    org, base = _org_with_name(store, actor)
    wall.advance(1)
    organizations.update_organization(store, actor=actor, org_id=org, name="Local name")
    local = versions_of(store, "organization", org, "name")[-1]
    with store.local_session() as s, s.begin():
        remote = insert_remote(
            s,
            entity="organization",
            record_id=org,
            unit="name",
            value="Remote name",
            hlc=local.hlc + 1,
            site_id="zzzz",
            parent_id=base.id,
        )
        recompute_units(s, [("organization", org, "name")])
    assert len(conflicts_of(store, org)) == 1
    wall.advance(1)
    with store.writing(operator=actor.label, summary="Resolve") as w:
        made = w.put("organization", org, {"name": "Agreed name"}, resolves=[local.id, remote])
    assert conflicts_of(store, org) == []
    resolution = versions_of(store, "organization", org, "name")[-1]
    assert resolution.id == made[0]
    assert json.loads(resolution.resolves) == sorted([local.id, remote])
    assert resolution.parent_id == remote  # the winner the operator saw
    assert organizations.list_organizations(store)[0].name == "Agreed name"


def test_a_remote_resolution_closes_the_conflict_and_a_partial_one_does_not(
    store: Store, actor, wall
) -> None:
    org, base = _org_with_name(store, actor)
    key = ("organization", org, "name")
    with store.local_session() as s, s.begin():
        a = insert_remote(
            s,
            entity="organization",
            record_id=org,
            unit="name",
            value="A",
            hlc=base.hlc + 1,
            site_id="aaaa",
            parent_id=base.id,
        )
        b = insert_remote(
            s,
            entity="organization",
            record_id=org,
            unit="name",
            value="B",
            hlc=base.hlc + 2,
            site_id="bbbb",
            parent_id=base.id,
        )
        recompute_units(s, [key])
    assert len(conflicts_of(store, org)) == 1
    with store.local_session() as s, s.begin():
        partial = insert_remote(
            s,
            entity="organization",
            record_id=org,
            unit="name",
            value="B",
            hlc=base.hlc + 3,
            site_id="cccc",
            parent_id=b,
            resolves=[a],
        )
        recompute_units(s, [key])
    assert len(conflicts_of(store, org)) == 1  # names only one of the two
    with store.local_session() as s, s.begin():
        insert_remote(
            s,
            entity="organization",
            record_id=org,
            unit="name",
            value="AB",
            hlc=base.hlc + 4,
            site_id="cccc",
            parent_id=partial,
            resolves=[a, b],
        )
        recompute_units(s, [key])
    assert conflicts_of(store, org) == []
    assert organizations.list_organizations(store)[0].name == "AB"


# ----------------------------------------------------------------------------- model

SITES = ("site-a", "site-b", "site-c")
UNITS = ("name", "phone")
VALUES = ("A", "B", "C")


@dataclass(frozen=True)
class Draw:
    record: int
    unit: int
    value: int
    site: int
    tick: int
    parent: int | None  # index into earlier versions of the same unit, or None
    resolve: bool


@dataclass(frozen=True)
class ModelVersion:
    id: str
    key: tuple[str, str, str]
    value: str
    hlc: int
    site: str
    parent: str | None
    resolves: frozenset[str]


draws = st.lists(
    st.builds(
        Draw,
        record=st.integers(0, 1),
        unit=st.integers(0, 1),
        value=st.integers(0, 2),
        site=st.integers(0, 2),
        tick=st.integers(0, 6),
        parent=st.none() | st.integers(0, 20),
        resolve=st.booleans(),
    ),
    min_size=1,
    max_size=14,
    unique_by=lambda d: (d.site, d.tick),  # a site never stamps twice with one hlc
)


def model_winner(vs: list[ModelVersion]) -> ModelVersion:
    best = vs[0]
    for v in vs[1:]:
        if v.hlc > best.hlc or (v.hlc == best.hlc and v.site > best.site):
            best = v
    return best


def model_conflicts(vs: list[ModelVersion]) -> set[tuple[str | None, tuple[str, ...]]]:
    resolved: set[str] = set()
    for v in vs:
        resolved |= v.resolves
    groups: dict[str | None, list[ModelVersion]] = {}
    for v in vs:
        groups.setdefault(v.parent, []).append(v)
    out = set()
    for parent, group in groups.items():
        disagree = len(group) > 1 and len({v.value for v in group}) > 1
        if disagree and not all(v.id in resolved for v in group):
            out.add((parent, tuple(sorted(v.id for v in group))))
    return out


def build_versions(plan: list[Draw], records: list[str]) -> list[ModelVersion]:
    made: list[ModelVersion] = []
    base = pack(START_MS + 1_000, 0)
    for d in plan:
        key = ("organization", records[d.record], UNITS[d.unit])
        same = [v for v in made if v.key == key]
        parent = same[d.parent % len(same)].id if (same and d.parent is not None) else None
        resolves = frozenset(v.id for v in same if v.parent == parent) if d.resolve else frozenset()
        value = VALUES[d.value]
        hlc = base + d.tick
        text = canonical_json(value)
        resolved = canonical_json(sorted(resolves)) if resolves else None
        vid = version_id(
            entity=key[0],
            record_id=key[1],
            unit=key[2],
            value=text,
            hlc=hlc,
            site_id=SITES[d.site],
            parent_id=parent,
            operator="Remote Operator",
            resolves=resolved,
        )
        made.append(ModelVersion(vid, key, value, hlc, SITES[d.site], parent, resolves))
    return made


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=draws, order=st.randoms(use_true_random=False), batch=st.integers(1, 4))
def test_recompute_agrees_with_a_reference_model(
    store: Store, plan: list[Draw], order: Any, batch: int
) -> None:
    records = [str(uuid.uuid4()), str(uuid.uuid4())]
    made = build_versions(plan, records)
    arrival = list(made)
    order.shuffle(arrival)
    with store.local_session() as s, s.begin():
        for i in range(0, len(arrival), batch):
            chunk = arrival[i : i + batch]
            for v in chunk:
                insert_remote(
                    s,
                    entity=v.key[0],
                    record_id=v.key[1],
                    unit=v.key[2],
                    value=v.value,
                    hlc=v.hlc,
                    site_id=v.site,
                    parent_id=v.parent,
                    resolves=sorted(v.resolves) or None,
                    observe=False,
                )
            recompute_units(s, [v.key for v in chunk])

    by_key: dict[tuple[str, str, str], list[ModelVersion]] = defaultdict(list)
    for v in made:
        by_key[v.key].append(v)
    with store.read() as s:
        for key, vs in by_key.items():
            best = model_winner(vs)
            w = s.get_one(m.Winner, key)
            assert w.version_id == best.id
            row = s.get_one(m.Organization, key[1])
            assert getattr(row, key[2]) == best.value
        for rec in records:
            for unit in UNITS:
                key = ("organization", rec, unit)
                got = {
                    (c.parent_id, tuple(c.version_ids))
                    for c in s.scalars(
                        select(m.Conflict).where(
                            m.Conflict.record_id == rec, m.Conflict.unit == unit
                        )
                    )
                }
                assert got == model_conflicts(by_key.get(key, []))
        n = s.scalar(
            select(func.count()).select_from(m.Organization).where(m.Organization.id.in_(records))
        )
    assert n == len({v.key[1] for v in made})
