"""The demo seeder: the coalition, the hurricane exercise and its story, loaded through
the services, sound, and reproducible from the date alone.

Seeding costs seconds, so one seeded store is shared by the read-only tests of this
module and copied for the tests that write.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.check import check_store
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, incidents, log, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.demo import DemoSummary, seed_demo
from hcc_desktop.demo.story import Demo, StoryClock, org_id
from tests.conftest import ROOT, FakeWall, copy_store

AS_OF = dt.date(2026, 11, 20)
NY = ZoneInfo("America/New_York")
COALITION = json.loads((ROOT / "resources/demo/coalition.json").read_text("utf-8"))
SCENARIO = json.loads((ROOT / "resources/demo/scenario.json").read_text("utf-8"))
PREPAREDNESS = json.loads((ROOT / "resources/demo/preparedness.json").read_text("utf-8"))
MEMBERS = 17 + len(PREPAREDNESS["members"])  # the published list and the demo's additions
SEEDER = Actor("Dana Reyes", "Situation Unit Leader")


def local(day: dt.date, hour: int, minute: int = 0) -> str:
    return to_iso(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY))


@pytest.fixture(scope="module")
def seeded(template_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store seeded once for the module (station 'Test Station', fixed wall clock)."""
    path = copy_store(template_store, tmp_path_factory.mktemp("demo") / "seeded.sqlite")
    with open_store(path, wall=FakeWall()) as s:
        summary = seed_demo(s, as_of=AS_OF, actor=SEEDER)
    (path.parent / "summary.json").write_text(json.dumps(summary.__dict__))
    return path


@pytest.fixture(scope="module")
def demo(seeded: Path) -> Iterator[Store]:
    s = open_store(seeded, wall=FakeWall())
    yield s
    s.close()


@pytest.fixture(scope="module")
def summary(seeded: Path) -> DemoSummary:
    return DemoSummary(**json.loads((seeded.parent / "summary.json").read_text()))


@pytest.fixture(scope="module")
def incident_id(summary: DemoSummary) -> str:
    return summary.incident_id


# ------------------------------------------------------------------ coalition


def test_summary_counts_what_was_loaded(demo: Store, summary: DemoSummary) -> None:
    ct = [f for f in COALITION["facilities"] if f["state"] == "CT"]
    ma = [f for f in COALITION["facilities"] if f["state"] == "MA"]
    assert (len(ct), len(ma)) == (41, 136)
    twins = [f for f in COALITION["facilities"] if f["member_key"]]
    assert summary.regions == 7
    assert summary.members == MEMBERS
    assert summary.facilities == 41 + 136 - len(twins)
    assert summary.periods == 4
    assert summary.requests == len(SCENARIO["requests"])
    assert 60 <= summary.log_entries <= 120
    report = check_store(demo)
    assert report.counts["organization"] == MEMBERS + summary.facilities
    assert report.counts["log_entry"] == summary.log_entries
    assert report.counts["eei_report"] == summary.eei_reports
    assert report.counts["contact"] == summary.contacts > 0


def test_store_is_sound(demo: Store) -> None:
    report = check_store(demo)
    assert report.ok, (report.integrity, report.problems)
    assert report.counts["conflicts"] == 0


def test_members_have_coordinates_and_deterministic_ids(demo: Store) -> None:
    with demo.read() as s:
        for member in COALITION["members"]:
            org = s.get(m.Organization, org_id(member["key"]))
            assert org is not None, member["name"]
            assert org.name == member["name"]
            assert org.lat is not None and org.lon is not None, member["name"]


def test_member_hospitals_are_not_duplicated_but_completed(demo: Store) -> None:
    with demo.read() as s:
        names = Counter(o.name for o in s.scalars(select(m.Organization)))
        for twin in (f for f in COALITION["facilities"] if f["member_key"]):
            assert s.get(m.Organization, org_id(twin["key"])) is None
            member = s.get_one(m.Organization, org_id(twin["member_key"]))
            assert names[member.name] == 1
            assert member.beds == twin["beds"]
            assert member.facility_type == twin["facility_type"]
            assert member.phone == twin["phone"]
            assert twin["source_id"] in (member.source or "")


def test_facilities_keep_hifld_facts_and_parents(demo: Store) -> None:
    with demo.read() as s:
        for f in COALITION["facilities"]:
            if f["member_key"]:
                continue
            org = s.get_one(m.Organization, org_id(f["key"]))
            assert (org.name, org.town, org.state) == (f["name"], f["town"], f["state"])
            assert (org.lat, org.lon) == (f["lat"], f["lon"])
            assert (org.beds, org.trauma_level, org.helipad) == (
                f["beds"],
                f["trauma_level"],
                f["helipad"],
            )
            assert org.parent_id == (org_id(f["parent"]) if f["parent"] else None)
            region = s.get_one(m.Region, org.region_id)
            assert region.key == f["region"]


def test_main_members_have_a_24_7_contact(demo: Store) -> None:
    with demo.read() as s:
        contacts = list(s.scalars(select(m.Contact).where(m.Contact.is_24_7.is_(True))))
        orgs = {c.organization_id for c in contacts}
        for key in ("demhs", "ct-dph", "hartford-healthcare", "ynhhs"):
            assert org_id(key) in orgs
            assert s.get_one(m.Organization, org_id(key)).phone_24_7


# ------------------------------------------------------------------ incident


def test_incident_is_a_connecticut_hurricane_exercise(demo: Store, incident_id: str) -> None:
    inc = incidents.get_incident(demo, incident_id)
    assert inc.exercise is True
    assert inc.incident_type == "hurricane"
    assert inc.status == "active"
    with demo.read() as s:
        ct = s.scalars(select(m.Region).where(m.Region.key == "ct")).one()
    assert inc.region_ids == [ct.id]
    assert inc.started_at == local(AS_OF - dt.timedelta(days=1), 7)
    current = incidents.current_incident(demo)
    assert current is not None and current.id == incident_id


def test_four_twelve_hour_periods_with_eeis_due_two_hours_in(demo: Store, incident_id: str) -> None:
    periods = incidents.list_periods(demo, incident_id=incident_id)
    assert [p.number for p in periods] == [1, 2, 3, 4]
    day = AS_OF - dt.timedelta(days=1)
    starts = [local(day, 7), local(day, 19), local(AS_OF, 7), local(AS_OF, 19)]
    assert [p.starts_at for p in periods] == starts
    assert [p.ends_at for p in periods] == [*starts[1:], local(AS_OF + dt.timedelta(days=1), 7)]
    due = [local(day, 9), local(day, 21), local(AS_OF, 9), local(AS_OF, 21)]
    assert [p.eei_due_at for p in periods] == due
    assert all(p.objectives for p in periods)


# ------------------------------------------------------------------ log


def entries(store: Store, incident_id: str) -> list[m.LogEntry]:
    return log.list_entries(store, flt=log.LogFilter(incident_id=incident_id))


def test_log_tells_two_days_by_several_people(demo: Store, incident_id: str) -> None:
    rows = entries(demo, incident_id)
    people = SCENARIO["people"].values()
    assert {(e.operator, e.position, e.station) for e in rows} <= {
        (p["name"], p["position"], p["station"]) for p in people
    }
    assert len({e.operator for e in rows}) >= 8
    assert len({e.station for e in rows}) >= 4
    assert "Test Station" not in {e.station for e in rows}
    assert SEEDER.name not in {e.operator for e in rows}
    start = local(AS_OF - dt.timedelta(days=1), 7)
    assert all(start <= (e.occurred_at or "") <= local(AS_OF, 22) for e in rows)
    assert {e.occurred_at[:10] for e in rows if e.occurred_at} >= {
        (AS_OF - dt.timedelta(days=1)).isoformat(),
        AS_OF.isoformat(),
    }
    assert len({e.category for e in rows}) >= 6


def test_log_names_real_facilities_and_links_them(demo: Store, incident_id: str) -> None:
    rows = entries(demo, incident_id)
    text = " ".join(e.text or "" for e in rows)
    for name in (
        "Lawrence & Memorial Hospital",
        "Milford Hospital",
        "Bridgeport Hospital",
        "William W Backus Hospital",
        "Griffin Hospital",
    ):
        assert name in text
    with demo.read() as s:
        for e in rows:
            if e.organization_id:
                assert s.get(m.Organization, e.organization_id) is not None


def test_significant_events_approved_declined_and_pending(demo: Store, incident_id: str) -> None:
    states = Counter(e.significant for e in entries(demo, incident_id))
    assert states["approved"] >= 5
    assert states["declined"] == 1
    assert states["nominated"] >= 1
    for e in entries(demo, incident_id):
        if e.significant in ("approved", "declined"):
            assert e.significant_by == "Priya Natarajan (Situation Unit Leader)" or (
                e.significant_by or ""
            ).endswith("(Duty Officer)")


def test_one_entry_is_corrected(demo: Store, incident_id: str) -> None:
    rows = entries(demo, incident_id)
    linked = [e for e in rows if e.corrects_id]
    if linked:  # a core whose correct_entry takes the scenario's id and time
        assert len(linked) == 1
        assert any(e.id == linked[0].corrects_id for e in rows)
    else:
        fixes = [e for e in rows if (e.text or "").startswith("CORRECTION of the ")]
        assert len(fixes) == 1
        assert "(correction: " in (fixes[0].text or "")


# ------------------------------------------------------------------ requests


def test_requests_reach_every_lifecycle_state(demo: Store, incident_id: str) -> None:
    rows = requests.list_requests(demo, incident_id=incident_id)
    assert {r.status for r in rows} == set(lifecycle.STATUSES)
    assert {r.priority for r in rows} == {"urgent", "routine", "low"}
    assert all((r.number or "").startswith("CTDPH-") for r in rows)
    assert all(r.deliver_to and r.requester_org_id and r.needed_by for r in rows)
    committed = [r for r in rows if r.status in ("committed", "in_transit", "delivered")]
    assert all(r.supplier and r.order_number for r in committed)


def test_requests_walked_through_real_transitions(demo: Store, incident_id: str) -> None:
    for r in requests.list_requests(demo, incident_id=incident_id):
        steps = requests.status_history(demo, request_id=r.id)
        assert steps[0].status in lifecycle.INITIAL
        assert steps[0].at == r.created_at
        for before, after in pairwise(steps):
            assert lifecycle.can_move(before.status, after.status), r.number
            assert (before.at or "") <= (after.at or ""), r.number
        assert steps[-1].status == r.status
    returned = requests.list_requests(demo, incident_id=incident_id, status="returned")[0]
    chain = [s.status for s in requests.status_history(demo, request_id=returned.id)]
    assert chain[-2:] == ["delivered", "returned"]


def test_some_open_requests_are_overdue_in_the_evening(demo: Store, incident_id: str) -> None:
    evening = local(AS_OF, 21, 30)
    rows = requests.list_requests(demo, incident_id=incident_id)
    overdue = {r.status for r in rows if requests.is_overdue(r, evening)}
    assert len(overdue) >= 2
    assert not any(requests.is_overdue(r, evening) for r in rows if r.status == "draft")


# ------------------------------------------------------------------ EEI


def test_timeliness_has_on_time_late_and_missing(demo: Store, incident_id: str) -> None:
    figures = [eei.timeliness(demo, incident_id=incident_id, period=n) for n in (1, 2, 3, 4)]
    expected = len(eei.expected_facilities(demo, incident_id=incident_id))
    assert expected == 42  # 41 Connecticut hospitals and the community health centre
    counts = [(len(t.on_time), len(t.late), len(t.missing)) for t in figures]
    # As the log tells it (eei-p1 ... eei-p4 in scenario.json).
    assert counts == [(38, 2, 2), (35, 3, 4), (36, 2, 4), (10, 3, 29)]
    ids = {a: org_id(Demo.load(AS_OF).key(a)) for a in ("bridgeport", "sharon", "griffin")}
    assert ids["bridgeport"] in figures[1].late
    assert ids["sharon"] in figures[1].missing
    assert ids["griffin"] in figures[2].late


def test_reports_carry_validated_questioned_and_rejected_states(
    demo: Store, incident_id: str
) -> None:
    with demo.read() as s:
        reps = list(s.scalars(select(m.EEIReport).where(m.EEIReport.incident_id == incident_id)))
    states = Counter(eei.effective_state(r) for r in reps)
    assert states["validated"] > 100
    assert states["reported"] > 100
    assert states["questioned"] >= 2
    assert states["rejected"] == 1
    assert "stale" not in states
    for r in reps:
        if r.validation_state in ("questioned", "rejected"):
            assert r.validation_note
    assert {r.period for r in reps if r.validation_state == "validated"} <= {1, 2, 3}


def test_reports_respect_the_catalog(demo: Store, incident_id: str) -> None:
    from hcc_desktop.core.catalog import load_catalog

    cat = load_catalog()
    for period in (1, 2, 3, 4):
        for org, values in eei.grid(demo, incident_id=incident_id, period=period).items():
            cat.check_rules({code: rep.value for code, rep in values.items()})
            assert "FACILITY_STATUS" in values, org


def test_story_facilities_show_in_the_reports(demo: Store, incident_id: str) -> None:
    the = Demo.load(AS_OF)

    def value(alias: str, period: int, code: str) -> object:
        grid = eei.grid(demo, incident_id=incident_id, period=period)
        return grid[org_id(the.key(alias))][code].value

    assert [value("lm", p, "POWER_SOURCE") for p in (1, 2, 3, 4)] == [
        "Grid",
        "Generator",
        "Generator",
        "Generator",
    ]
    assert value("lm", 2, "GENERATOR_FUEL_HOURS") == 30
    assert value("bridgeport", 2, "EMS_TRAFFIC_STATUS") == "Closed"
    assert value("bridgeport", 2, "EMS_TRAFFIC_REASON")
    assert value("bridgeport", 2, "EMS_TRAFFIC_EXPIRES") == local(AS_OF, 6)
    assert value("bridgeport", 4, "EMS_TRAFFIC_STATUS") == "Normal"
    assert value("milford", 2, "FACILITY_STATUS") == "Evacuating"
    assert value("milford", 2, "EVACUATION_STATUS") == "Partial evacuation"
    assert value("backus", 3, "WATER_STATUS") == "Boil water order"
    assert value("griffin", 3, "IT_SYSTEMS_STATUS") == "Down"
    assert value("chc", 3, "POWER_SOURCE") == "Generator"


def test_late_reports_arrive_after_the_due_time(demo: Store, incident_id: str) -> None:
    for n in (1, 2, 3, 4):
        t = eei.timeliness(demo, incident_id=incident_id, period=n)
        for rep in eei.reports_for_period(demo, incident_id=incident_id, period=n):
            due = t.due_at or ""
            if rep.organization_id in t.late:
                assert (rep.reported_at or "") > due
            else:
                assert (rep.reported_at or "") <= due


# ------------------------------------------------------------------ reproducibility


def test_same_date_gives_the_same_data_at_another_station(demo: Store, tmp_path: Path) -> None:
    other = open_store(tmp_path / "other.sqlite", station_name="Region 2 EOC", wall=FakeWall())
    try:
        assert other.station_name != demo.station_name
        seed_demo(other, as_of=AS_OF)
        assert dump_text(other) == dump_text(demo)
    finally:
        other.close()


def test_another_date_moves_the_times(demo: Store, store: Store, actor: Actor) -> None:
    later = AS_OF + dt.timedelta(days=3)
    summary = seed_demo(store, as_of=later, actor=actor)
    assert dump_text(store) != dump_text(demo)
    moved = incidents.get_incident(store, summary.incident_id)
    assert moved.started_at == local(later - dt.timedelta(days=1), 7)
    first = entries(store, summary.incident_id)[0]
    original = entries(demo, summary.incident_id)[0]
    assert first.id == original.id and first.text == original.text
    assert first.occurred_at != original.occurred_at


def test_seeding_twice_is_refused_and_changes_nothing(
    seeded: Path, tmp_path: Path, wall: FakeWall, actor: Actor
) -> None:
    path = copy_store(seeded, tmp_path / "again.sqlite")
    with open_store(path, wall=wall) as s:
        before = dump_text(s)
        with pytest.raises(ValidationError) as err:
            seed_demo(s, as_of=AS_OF, actor=actor)
        assert err.value.field == "store"
        assert "demo" in err.value.message
        with pytest.raises(ValidationError):
            seed_demo(s, as_of=AS_OF + dt.timedelta(days=1), actor=actor)
        assert dump_text(s) == before


def test_seeding_refuses_a_store_holding_the_members(store: Store, actor: Actor) -> None:
    """A store that already has the coalition (say from a sync) is refused before the
    first write, not half-seeded."""
    from hcc_desktop.core.services import organizations as orgs

    orgs.add_region(store, actor=actor, key="ct", name="CT", kind="coalition", state="CT")
    orgs.add_organization(
        store,
        actor=actor,
        record_id=org_id("demhs"),
        name="DEMHS",
        member_type="emergency_management",
        membership="core",
    )
    before = dump_text(store)
    with pytest.raises(ValidationError) as err:
        seed_demo(store, as_of=AS_OF, actor=actor)
    assert err.value.field == "store"
    assert dump_text(store) == before


# ------------------------------------------------------------------ the scenario file


def test_scenario_resolves_every_name_and_time() -> None:
    demo = Demo.load(AS_OF)
    assert demo.key("lm") == "hifld-0000706320"
    assert demo.key("hifld-0003306106") == "ct-childrens"  # a twin resolves to the member
    with pytest.raises(ValidationError):
        demo.key("no-such-place")
    keys = [e["key"] for e in SCENARIO["log"]] + [c["key"] for c in SCENARIO["corrections"]]
    assert len(keys) == len(set(keys))
    numbers = [r["number"] for r in SCENARIO["requests"]]
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("D-1 07:00", "2026-11-19T12:00:00Z"),  # EST, UTC-5
        ("D 21:30", "2026-11-21T02:30:00Z"),
        ("D+1 07:00", "2026-11-21T12:00:00Z"),
    ],
)
def test_story_clock_uses_new_york_time(spec: str, expected: str) -> None:
    assert StoryClock(AS_OF, "America/New_York").at(spec) == expected


def test_story_clock_fallback_matches_zoneinfo() -> None:
    """Without tzdata (a bare Windows install) the US Eastern rule gives the same times."""
    clock = StoryClock(dt.date(2026, 3, 8), "America/New_York")
    fallback = StoryClock(dt.date(2026, 3, 8), "America/New_York")
    fallback.zone = None
    for day in range(-70, 300, 3):
        for hour in (0, 1, 3, 7, 19, 23):
            spec = f"D{day:+d} {hour:02d}:00"
            assert fallback.at(spec) == clock.at(spec), spec
    with pytest.raises(ValidationError):
        clock.at("yesterday at noon")


@pytest.mark.parametrize(
    "breakage",
    [
        lambda s: s["eei"]["overrides"].update({"no-such-hospital": {}}),
        lambda s: s["eei"]["overrides"]["bridgeport"]["2"]["values"].update(
            BEDS_ADULT_ICU_AVAILABLE=999  # more than staffed: the catalog's rule refuses it
        ),
        lambda s: s["requests"][0]["steps"].reverse(),  # delivered before approved
        lambda s: s["log"].append({**s["log"][0], "key": "new", "at": "yesterday"}),
    ],
    ids=["unknown-place", "catalog-rule", "lifecycle", "time"],
)
def test_a_broken_scenario_is_refused_before_any_write(
    store: Store, actor: Actor, monkeypatch: pytest.MonkeyPatch, breakage: object
) -> None:
    import hcc_desktop.demo.story as story

    real = story._load_json

    def broken(name: str) -> dict[str, object]:
        data = real(name)
        if name == "scenario.json":
            breakage(data)  # type: ignore[operator]
        return data

    monkeypatch.setattr(story, "_load_json", broken)
    before = dump_text(store)
    with pytest.raises(ValidationError):
        seed_demo(store, as_of=AS_OF, actor=actor)
    assert dump_text(store) == before


# ------------------------------------------------------------------ preparedness year


def test_membership_has_every_status_and_dates(demo: Store) -> None:
    from hcc_desktop.core.services import membership

    rep = membership.membership_report(demo)
    assert all(c.count for c in rep.by_status), rep.by_status
    with demo.read() as s:
        lapsed = s.scalars(select(m.Organization).where(m.Organization.membership == "lapsed"))
        assert all(o.left_on and o.joined_on and o.left_on > o.joined_on for o in lapsed)
        assert s.get_one(m.Organization, org_id("ct-dph")).joined_on == "2012-07-01"


def test_coalition_hva_for_the_year_ranks_hurricane_first(demo: Store) -> None:
    from hcc_desktop.core.services import hva, organizations

    [a] = hva.list_assessments(demo)
    assert (a.region_id, a.year, a.status) == (organizations.region_id_for("ct"), 2026, "final")
    rows = hva.ranked(demo, assessment_id=a.id)
    assert len(rows) >= 15
    assert {r.category for r in rows} == {"natural", "technological", "human", "hazmat"}
    assert rows[0].name.startswith("Hurricane")
    assert [r.risk for r in rows] == sorted((r.risk for r in rows), reverse=True)


def test_plans_register_has_one_overdue_coop(demo: Store) -> None:
    from hcc_desktop.core.services import plans

    rows = plans.plan_rows(demo, today=AS_OF)
    types = {r.plan.plan_type for r in rows}
    assert {"coalition_response", "surge_annex", "coop"} <= types
    assert [(r.plan.plan_type, r.owner) for r in rows if r.overdue] == [
        ("coop", "Yale New Haven Health System")
    ]
    # Relative to as_of: overdue on any date the demo is seeded for.
    assert rows[0].days_overdue == 25


def test_two_hospitals_have_essential_functions(demo: Store) -> None:
    from hcc_desktop.core.services import continuity

    functions = continuity.list_functions(demo)
    owners = {f.organization_id for f in functions}
    assert owners == {org_id("ct-childrens"), org_id("hsc")}
    assert all(f.priority and f.rto_hours is not None for f in functions)
