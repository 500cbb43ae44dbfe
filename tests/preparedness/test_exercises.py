"""HSEEP exercises (issue 14, part 4): records with dates and threat as units,
objectives mapped to the ASPR reference data, an operations-based exercise started as
an exercise incident in one transaction, and the `exercises` commands. Every refusal
names its field and leaves the store as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcc_desktop.core import aspr
from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import exercises, hva, incidents
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from tests.test_cli import Run, refused
from tests.test_services_orgs import refused as refused_call

SETUP = Actor("Setup Script", "Planning")


@pytest.fixture
def members(store: Store, actor: Actor) -> dict[str, str]:
    ct = orgs.add_region(store, actor=actor, key="ct", name="Connecticut HCC", kind="coalition")
    made = {"ct": ct}
    for key, kind in (("h1", "hospital"), ("ph", "local_public_health")):
        made[key] = orgs.add_organization(
            store, actor=actor, name=f"Member {key}", member_type=kind, membership="core"
        )
    return made


@pytest.fixture
def functional(store: Store, actor: Actor, members: dict[str, str]) -> str:
    return exercises.add_exercise(
        store, actor=actor, name="Hurricane FE", exercise_type="functional",
        starts_on="2026-11-17", ends_on="2026-11-19", hazard="Hurricane",
        participants=[members["h1"], members["ph"]], sponsor="CT DPH",
    )  # fmt: skip


def test_reference_data_has_the_four_capabilities_and_marks_unverified_wording() -> None:
    ref = aspr.load()
    assert ref.version == "2017-2022" and ref.sources
    assert [c.id for c in ref.capabilities] == ["1", "2", "3", "4"]
    assert [len(c.objectives) for c in ref.capabilities] == [5, 3, 7, 2]
    verified = {o.id for c in ref.capabilities for o in c.objectives if o.verified}
    assert verified == {"1.1", "1.2", "1.3", "1.4", "3.2", "3.7"}
    assert ref.label("2.2").startswith("2.2 ") and ref.label("9.9") == "9.9"
    assert aspr.check_refs("capabilities", "2.2, 2,2.2") == ["2", "2.2"]


def test_an_exercise_with_objectives(store: Store, actor: Actor, functional: str) -> None:
    assert exercises.set_objective(store, actor=actor, exercise_id=functional,
                                   text="Share EEIs", capabilities="2.2") == 1  # fmt: skip
    assert exercises.set_objective(store, actor=actor, exercise_id=functional,
                                   text="Evacuate", capabilities=["3.6", "4"]) == 2  # fmt: skip
    exercises.set_objective(store, actor=actor, exercise_id=functional, number=1,
                            text="Share EEIs hourly", capabilities="2.2,2.3")  # fmt: skip
    v = exercises.view(store, exercise_id=functional).as_dict()
    assert [(o["number"], o["text"], o["capabilities"]) for o in v["objectives"]] == [
        (1, "Share EEIs hourly", ["2.2", "2.3"]), (2, "Evacuate", ["3.6", "4"]),
    ]  # fmt: skip
    assert v["capabilities"] == ["2", "3", "4"]
    assert [p["name"] for p in v["participants"]] == ["Member h1", "Member ph"]
    assert (v["starts_on"], v["ends_on"], v["discussion_based"]) == ("2026-11-17", "2026-11-19",
                                                                     False)  # fmt: skip
    assert exercises.list_objectives(store, exercise_id=functional)[0].id == (
        exercises.objective_id_for(functional, 1)
    )
    exercises.remove_objective(store, actor=actor, exercise_id=functional, number=2)
    assert len(exercises.list_objectives(store, exercise_id=functional)) == 1


def test_dates_and_threat_are_units(store: Store, actor: Actor, members: dict[str, str],
                                    functional: str) -> None:  # fmt: skip
    aid = hva.create_assessment(store, actor=actor, region_id=members["ct"], year=2026)
    hid = hva.set_hazard(store, actor=actor, assessment_id=aid, name="Ice storm",
                         category="natural", probability=2)  # fmt: skip
    changed = exercises.update_exercise(store, actor=actor, exercise_id=functional,
                                        hva_hazard_id=hid, ends_on="2026-11-20")  # fmt: skip
    assert changed == ["ends_on", "hva_hazard_id"]
    with store.read() as s:
        e = s.get_one(m.Exercise, functional)
        assert (e.hazard, e.hva_hazard_id, e.starts_on, e.ends_on) == (
            "Ice storm",
            hid,
            "2026-11-17",
            "2026-11-20",
        )
    one_day = exercises.add_exercise(store, actor=actor, name="Seminar", exercise_type="seminar",
                                     starts_on="2026-03-01")  # fmt: skip
    with store.read() as s:
        assert s.get_one(m.Exercise, one_day).ends_on == "2026-03-01"
    assert [e.name for e in exercises.list_exercises(store)] == ["Hurricane FE", "Seminar"]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": " "}, "name"),
        ({"exercise_type": "party"}, "exercise_type"),
        ({"starts_on": "soon"}, "starts_on"),
        ({"ends_on": "2026-11-01"}, "ends_on"),  # before the start
        ({"participants": ["nobody"]}, "participants"),
        ({"participants": 3}, "participants"),
        ({"hva_hazard_id": "nothing"}, "hva_hazard"),
        ({"location": "x" * 301}, "location"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_exercise_input_is_refused(
    store: Store, actor: Actor, functional: str, kw: dict[str, object], field: str
) -> None:
    refused_call(store, field, exercises.update_exercise, actor=actor, exercise_id=functional,
                 **kw)  # fmt: skip


def test_a_new_exercise_needs_type_and_start(store: Store, actor: Actor) -> None:
    refused_call(store, "exercise_type", exercises.add_exercise, actor=actor, name="X",
                 starts_on="2026-01-01")  # fmt: skip
    refused_call(store, "starts_on", exercises.add_exercise, actor=actor, name="X",
                 exercise_type="drill")  # fmt: skip


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"text": ""}, "text"),
        ({"capabilities": ""}, "capabilities"),
        ({"capabilities": "5"}, "capabilities"),
        ({"capabilities": "2.9"}, "capabilities"),
        ({"number": 0}, "number"),
        ({"number": "two"}, "number"),
        ({"exercise_id": "nothing"}, "exercise"),
    ],
)
def test_bad_objectives_are_refused(
    store: Store, actor: Actor, functional: str, kw: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"exercise_id": functional, "text": "Share EEIs",
                               "capabilities": "2.2", **kw}  # fmt: skip
    refused_call(store, field, exercises.set_objective, actor=actor, **args)


def test_start_makes_an_exercise_incident_in_one_transaction(
    store: Store, actor: Actor, functional: str
) -> None:
    # A refused first period leaves neither an incident nor a link behind.
    refused_call(store, "first_period_hours", exercises.start_exercise, actor=actor,
                 exercise_id=functional, first_period_hours=500)  # fmt: skip
    iid = exercises.start_exercise(store, actor=actor, exercise_id=functional,
                                   incident_type="hurricane", first_period_hours=12)  # fmt: skip
    inc = incidents.get_incident(store, iid)
    assert (inc.exercise, inc.incident_type, inc.name) == (True, "hurricane", "Hurricane FE")
    assert [p.number for p in incidents.list_periods(store, incident_id=iid)] == [1]
    assert incidents.current_incident(store).id == iid  # type: ignore[union-attr]
    assert exercises.exercise_of_incident(store, iid).id == functional  # type: ignore[union-attr]
    refused_call(store, "exercise", exercises.start_exercise, actor=actor, exercise_id=functional)
    refused_call(store, "exercise_type", exercises.update_exercise, actor=actor,
                 exercise_id=functional, exercise_type="tabletop")  # fmt: skip


def test_start_links_an_existing_exercise_incident_only(
    store: Store, actor: Actor, functional: str
) -> None:
    real = incidents.create_incident(store, actor=actor, name="Real storm")
    refused_call(store, "incident", exercises.start_exercise, actor=actor,
                 exercise_id=functional, incident_id=real)  # fmt: skip
    drill = incidents.create_incident(store, actor=actor, name="Drill", exercise=True)
    assert exercises.start_exercise(store, actor=actor, exercise_id=functional,
                                    incident_id=drill) == drill  # fmt: skip
    ttx = exercises.add_exercise(store, actor=actor, name="TTX", exercise_type="tabletop",
                                 starts_on="2026-05-01")  # fmt: skip
    refused_call(store, "exercise", exercises.start_exercise, actor=actor, exercise_id=ttx)
    refused_call(store, "incident_type", exercises.start_exercise, actor=actor,
                 exercise_id=functional, incident_type="picnic")  # fmt: skip


# ------------------------------------------------------------------ CLI


def test_cli_exercises(run: Run, coalition: dict[str, str]) -> None:
    r = run("exercises", "add", "Cyber TTX", "--type", "tabletop", "--start", "2026-05-12",
            "--hazard", "Cyber attack", "--member", "YNHH", "--member", "Baystate Medical Center",
            "--sponsor", "CT DPH")  # fmt: skip
    assert r.code == 0, r.err
    [ex] = run("exercises", "list", "--json").json()
    assert (ex["name"], ex["type"], len(ex["participants"])) == ("Cyber TTX", "tabletop", 2)
    assert run("exercises", "objective", ex["id"], "Share information",
               "--capability", "2.2").code == 0  # fmt: skip
    shown = run("exercises", "show", ex["id"][-8:])
    assert "Objective 1: Share information" in shown.out and "2.2 " in shown.out
    refused(run("exercises", "start", ex["id"]), "exercise")
    r = run("exercises", "add", "Hurricane FE", "--type", "functional", "--start", "2026-11-18")
    assert r.code == 0, r.err
    fe = next(e for e in run("exercises", "list", "--json").json() if e["type"] == "functional")
    r = run("exercises", "start", fe["id"], "--type", "hurricane", "--period-hours", "12")
    assert r.code == 0, r.err
    shown = run("exercises", "show", fe["id"], "--json").json()
    assert shown["incident"] == "Hurricane FE"
    [inc] = [
        i for i in run("incidents", "list", "--json").json() if i["id"] == shown["incident_id"]
    ]
    assert inc["exercise"] is True
    assert run("exercises", "update", ex["id"], "--end", "2026-05-13").code == 0
    assert run("exercises", "objective", ex["id"], "--number", "1", "--remove").code == 0
    assert "2 exercises" in run("exercises", "list").out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("exercises", "add", "X", "--type", "party", "--start", "2026-01-01"), "exercise_type"),
        (("exercises", "add", "X", "--type", "drill", "--start", "May"), "starts_on"),
        (("exercises", "add", "X", "--type", "drill", "--start", "2026-01-02", "--end",
          "2026-01-01"), "ends_on"),
        (("exercises", "add", "X", "--type", "drill", "--start", "2026-01-01", "--member",
          "Nobody"), "participants"),
        (("exercises", "add", "X", "--type", "drill", "--start", "2026-01-01", "--hva-hazard",
          "ct/2026/Ice storm"), "assessment"),
        (("exercises", "list", "--type", "party"), "type"),
        (("exercises", "show", "0123456789ab"), "exercise"),
        (("exercises", "start", "0123456789ab"), "exercise"),
    ],
)  # fmt: skip
def test_cli_refusals_name_the_field_and_change_nothing(
    run: Run, coalition: dict[str, str], args: tuple[str, ...], field: str
) -> None:
    before = run("dump").out
    refused(run(*args), field)
    assert run("dump").out == before


# ------------------------------------------------------------------ schema


def test_a_0004_store_upgrades_and_keeps_its_data(store_path: Path, wall: object) -> None:
    """Migration 0005 down and up again on a store with members and a plan: nothing is
    lost, and the upgraded schema is what the models declare."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from hcc_desktop.core.services import plans
    from hcc_desktop.paths import migrations_dir

    with open_store(store_path, wall=wall) as s:  # type: ignore[arg-type]
        oid = orgs.add_organization(
            s, actor=SETUP, name="Hospital", member_type="hospital", membership="core"
        )
        plans.add_plan(s, actor=SETUP, title="COOP", plan_type="coop", owner_org_id=oid)
        before = dump_text(s)
        cfg = Config()
        cfg.set_main_option("script_location", str(migrations_dir()))
        with s.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004_preparedness")
            tables = set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
            assert "exercises" not in tables and "plans" in tables
    with open_store(store_path, wall=wall) as s:  # type: ignore[arg-type]
        assert dump_text(s) == before
        with s.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), m.Base.metadata)
        assert diff == []
        exercises.add_exercise(s, actor=SETUP, name="TTX", exercise_type="tabletop",
                               starts_on="2026-05-01", participants=[oid])  # fmt: skip
        assert [e.name for e in exercises.list_exercises(s)] == ["TTX"]
