"""Sync of the preparedness records (issue 14): stations that exchange packages hold
the same members' terms and contacts, hazard vulnerability analyses, plans and
essential functions, and concurrent edits of one group unit are one conflict with a
winner somebody entered, never a mix of both."""

from __future__ import annotations

from pathlib import Path

from helpers import (
    ACTOR,
    Station,
    assert_matches_reference,
    exchange_full,
    version_rows,
)

from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.enums import HVA_SCORES
from hcc_desktop.core.services import contacts, continuity, hva, plans
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.sync import conflicts

A_OP = Actor("Operator A", "Planning Section Chief")
B_OP = Actor("Operator B", "Liaison Officer")


def converged(stations: list[Station], directory: Path) -> None:
    """A full exchange: byte-identical dumps, and every store agrees with the reference
    model applied to the union of all versions."""
    exchange_full(stations, directory, rounds=2)
    dumps = {dump_text(s.store) for s in stations}
    assert len(dumps) == 1
    union = {}
    for s in stations:
        union.update(version_rows(s.store))
    for s in stations:
        assert_matches_reference(s.store, union)


def test_membership_terms_and_contacts_converge(
    trio: tuple[Station, Station, Station], ram_dir: Path
) -> None:
    a, b, c = trio
    oid = orgs.add_organization(
        a.store, actor=ACTOR, name="Valley Home Care", member_type="home_health",
        membership="core", joined_on="2016-05-01",
    )  # fmt: skip
    converged([a, b, c], ram_dir / "first")
    # Concurrently: A records the lapse, B corrects the joined date; C adds a contact.
    orgs.update_organization(
        a.store, actor=A_OP, org_id=oid, membership="lapsed", left_on="2025-06-30"
    )
    b.wall.advance(5)
    orgs.update_organization(b.store, actor=B_OP, org_id=oid, joined_on="2015-05-01")
    contacts.add_contact(
        c.store, actor=ACTOR, organization_id=oid, name="Pat Lee", phone_24_7="860-555-0100"
    )
    converged([a, b, c], ram_dir / "second")
    with a.store.read() as s:
        row = s.get_one(m.Organization, oid)
        term = (row.membership, row.joined_on, row.left_on)
    # One of the two terms somebody entered, whole: never "core, left 2025-06-30".
    assert term in (
        ("lapsed", "2016-05-01", "2025-06-30"),
        ("core", "2015-05-01", None),
    )
    [conflict] = conflicts.list_conflicts(a.store)
    assert (conflict.entity, conflict.unit) == ("organization", "membership")
    [contact] = contacts.list_contacts(b.store, organization_id=oid)
    assert contact.phone_24_7 == "860-555-0100"
    # Keeping a side travels like any edit and closes the conflict everywhere.
    lapse = next(side for side in conflict.sides if side.value["membership"] == "lapsed")
    conflicts.resolve(b.store, actor=B_OP, conflict_id=conflict.id, keep=lapse.version_id)
    converged([a, b, c], ram_dir / "third")
    for st in (a, b, c):
        assert conflicts.list_conflicts(st.store) == []
        with st.store.read() as s:
            assert s.get_one(m.Organization, oid).left_on == "2025-06-30"


def test_hva_started_twice_is_one_analysis_and_scores_merge_whole(
    trio: tuple[Station, Station, Station], ram_dir: Path
) -> None:
    a, b, c = trio
    region = orgs.add_region(a.store, actor=ACTOR, key="ct", name="CT HCC", kind="coalition")
    converged([a, b, c], ram_dir / "first")
    # A and B each start the 2026 analysis and score the same hazard differently.
    ids = set()
    for st, op, values in ((a, A_OP, (3, 3, 3, 3, 2, 2, 2)), (b, B_OP, (1, 1, 1, 1, 1, 1, 1))):
        aid = hva.create_assessment(st.store, actor=op, region_id=region, year=2026)
        ids.add(aid)
        hva.set_hazard(
            st.store, actor=op, assessment_id=aid, name="Hurricane", category="natural",
            **dict(zip(HVA_SCORES, values, strict=True)),
        )  # fmt: skip
        st.wall.advance(3)
    [aid] = ids
    converged([a, b, c], ram_dir / "second")
    rows = hva.ranked(c.store, assessment_id=aid)
    [hurricane] = rows
    assert tuple(hurricane.scores.values()) in ((3, 3, 3, 3, 2, 2, 2), (1, 1, 1, 1, 1, 1, 1))
    [conflict] = conflicts.list_conflicts(c.store)
    assert (conflict.entity, conflict.unit) == ("hva_hazard", "scores")
    # Finalised at one station, the analysis is final (and closed to edits) everywhere.
    hva.set_status(c.store, actor=ACTOR, assessment_id=aid, status="final")
    converged([a, b, c], ram_dir / "third")
    for st in (a, b, c):
        with st.store.read() as s:
            assert s.get_one(m.HvaAssessment, aid).status == "final"


def test_plans_and_essential_functions_converge(
    trio: tuple[Station, Station, Station], ram_dir: Path
) -> None:
    a, b, c = trio
    hospital = orgs.add_organization(
        a.store, actor=ACTOR, name="Hartford Hospital", member_type="hospital", membership="core"
    )
    plan = plans.add_plan(
        a.store, actor=ACTOR, title="COOP", plan_type="coop", owner_org_id=hospital,
        version="5", approved_on="2025-10-01", review_due="2026-10-01",
    )  # fmt: skip
    converged([a, b, c], ram_dir / "first")
    # B approves edition 6 while C corrects the review date of edition 5; A renames it.
    plans.update_plan(b.store, actor=B_OP, plan_id=plan, version="6", approved_on="2026-11-01",
                      review_due="2027-11-01")  # fmt: skip
    c.wall.advance(4)
    plans.update_plan(c.store, actor=ACTOR, plan_id=plan, review_due="2026-12-01")
    plans.update_plan(a.store, actor=A_OP, plan_id=plan, title="Hartford Hospital COOP")
    # The same function entered at two stations is one record.
    for st, rto in ((a, 0), (b, 1)):
        continuity.add_function(st.store, actor=ACTOR, organization_id=hospital,
                                name="Emergency department", priority=1, rto_hours=rto)  # fmt: skip
    converged([a, b, c], ram_dir / "second")
    with a.store.read() as s:
        p = s.get_one(m.Plan, plan)
        assert p.title == "Hartford Hospital COOP"
        assert (p.version, p.approved_on, p.review_due) in (
            ("6", "2026-11-01", "2027-11-01"), ("5", "2025-10-01", "2026-12-01"),
        )  # fmt: skip
    [f] = continuity.list_functions(c.store)
    assert f.rto_hours in (0, 1)
    units = sorted((x.entity, x.unit) for x in conflicts.list_conflicts(a.store))
    assert units == [("essential_function", "recovery"), ("plan", "edition")]
