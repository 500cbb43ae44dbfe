"""The `hcc-desktop` command line: the contract other scripts rely on (names, JSON keys,
exit codes 0 / 1 refused / 2 usage) and the promise behind exit 1: one line naming the
field, and the store byte-for-byte as it was."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hcc_desktop import cli
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.sync import trust

ROOT = Path(__file__).resolve().parents[1]
SETUP = Actor("Setup Script", "Planning")
FINGERPRINT = re.compile(r"Fingerprint: ((?:[A-Z2-7]{4} ){7}[A-Z2-7]{4})$", re.M)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Result]


@pytest.fixture
def run(
    store_path: Path, wall: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    """`main([...])` in-process on the test's store, with a fake wall clock that moves
    one second per command, a fixed operator and a fixed zone."""
    monkeypatch.setattr(cli, "WALL", wall)
    monkeypatch.setenv("TZ", "America/New_York")
    monkeypatch.setenv("HCC_OPERATOR", "Dana Reyes")
    monkeypatch.setenv("HCC_POSITION", "Situation Unit Leader")
    monkeypatch.delenv("HCC_STORE", raising=False)

    def _run(*args: str, store: Path | None = None) -> Result:
        capsys.readouterr()
        code = cli.main(["--store", str(store or store_path), *args])
        wall.advance(1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def coalition(store_path: Path, wall: Any) -> dict[str, str]:
    """A small coalition made through the services: a region, two hospitals and a
    health district; what the CLI commands then work on."""
    with open_store(store_path, wall=wall) as s:
        ct = orgs.add_region(s, actor=SETUP, key="ct", name="Connecticut HCC", kind="coalition")
        ma = orgs.add_region(s, actor=SETUP, key="ma-1", name="Region 1 HMCC")
        ynhh = orgs.add_organization(
            s,
            actor=SETUP,
            name="Yale New Haven Hospital",
            short_name="YNHH",
            member_type="hospital",
            membership="core",
            region_id=ct,
            town="New Haven",
            state="CT",
            zip="06510",
            beds=1541,
        )
        baystate = orgs.add_organization(
            s,
            actor=SETUP,
            name="Baystate Medical Center",
            member_type="hospital",
            membership="core",
            region_id=ma,
            town="Springfield",
            state="MA",
            lat=42.12,
            lon=-72.6,
        )
        bbhd = orgs.add_organization(
            s,
            actor=SETUP,
            name="Bristol-Burlington Health District",
            short_name="BBHD",
            member_type="local_public_health",
            membership="core",
            region_id=ct,
            zip="06010",
        )
    wall.advance(60)
    return {"ct": ct, "ma": ma, "ynhh": ynhh, "baystate": baystate, "bbhd": bbhd}


@pytest.fixture
def incident(run: Run, coalition: dict[str, str]) -> str:
    """An incident that began before the fake clock's now, with two 12-hour periods
    (the second one running now)."""
    r = run(
        "incidents", "create", "Hurricane Ida", "--type", "hurricane", "--start", "2026-11-17T07:00"
    )
    assert r.code == 0, r.err
    for start in ("2026-11-17T07:00", "2026-11-17T19:00"):
        assert run("periods", "add", "--start", start, "--hours", "12").code == 0
    return run("incidents", "list", "--json").json()[0]["id"]


def dump(run: Run) -> str:
    r = run("dump")
    assert r.code == 0
    return r.out


def refused(r: Result, field: str) -> None:
    """Exit 1 and exactly one line on stderr, naming the field; never a traceback."""
    assert r.code == 1, (r.out, r.err)
    lines = r.err.splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith(f"hcc-desktop: {field}: "), lines[0]
    assert "Traceback" not in r.err


# ------------------------------------------------------------------ station


def test_init_prints_station_site_and_fingerprint(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"  # a missing folder is refused: test_cli_store_folder
    r = run("init", "--station", "State EOC", store=path)
    assert r.code == 0, r.err
    assert "Station:     State EOC" in r.out
    found = FINGERPRINT.search(r.out)
    assert found
    with open_store(path) as s:
        assert found.group(1) == s.identity.fingerprint
        assert f"Site id:     {s.site_id}" in r.out
        assert s.station_name == "State EOC"


def test_commands_other_than_init_do_not_create_a_store(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    refused(run("members", "list", store=missing), str(missing))
    assert not missing.exists()


def test_a_file_that_is_not_a_store_is_refused_naming_it(run: Run, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("minutes of the 14:00 coalition call\n")
    r = run("members", "list", store=bogus)
    refused(r, str(bogus))
    assert "not an SQLite file" in r.err
    assert bogus.read_text() == "minutes of the 14:00 coalition call\n"


def test_usage_errors_exit_2(run: Run) -> None:
    for args in (
        ("frobnicate",),
        ("members",),
        ("log", "review", "0123456789"),
        ("eei", "set", "FACILITY_STATUS=Normal"),
        ("requests", "list", "--limit", "3"),
        ("log", "list", "--limit", "0"),
        ("members", "list", "--screenshot", "x.png"),
    ):
        r = run(*args)
        assert r.code == 2, args
        assert "usage:" in r.err, args
    assert run("eei", "validate").code == 2  # neither --report nor --org
    assert run("--size", "big").code == 2
    assert run("--screenshot", "a.png", "check").code == 2
    assert run("--help").code == 0


def test_store_defaults_to_hcc_store(
    store_path: Path,
    coalition: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HCC_STORE", str(store_path))
    assert cli.main(["members", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3


def test_check_exits_0_on_a_sound_store_and_1_on_a_broken_one(run: Run, store_path: Path) -> None:
    r = run("check")
    assert r.code == 0, r.err
    assert "Integrity: ok" in r.out and r.out.rstrip().endswith("OK")
    report = run("check", "--json").json()
    assert report["ok"] is True and report["schema"] == report["schema_head"]
    run("incidents", "create", "Drill", "--type", "other")
    with sqlite3.connect(store_path) as db:
        db.execute("UPDATE winners SET hlc = 0")
    r = run("check")
    assert r.code == 1
    assert "is not its latest version" in r.out


def test_backup_opens_as_the_same_station_with_the_same_data(
    run: Run, incident: str, tmp_path: Path
) -> None:
    run("log", "add", "Generator test at YNHH complete", "--org", "YNHH")
    out = tmp_path / "backup.sqlite"
    r = run("backup", str(out))
    assert r.code == 0, r.err
    assert Path(f"{out}.key").exists()
    before = dump(run)
    assert dump(lambda *a: run(*a, store=out)) == before  # type: ignore[arg-type]
    with open_store(out, create=False) as copy:
        assert copy.station_name == "Test Station"
        assert dump_text(copy) == before
    refused(run("backup", str(out)), str(out))


def test_dump_to_a_file_equals_the_dump_on_stdout(run: Run, incident: str, tmp_path: Path) -> None:
    target = tmp_path / "dump.ndjson"
    assert run("dump", "--out", str(target)).code == 0
    assert target.read_text(encoding="utf-8") == dump(run)


# ------------------------------------------------------------------ members, incidents


def test_members_list_json_and_filters(run: Run, coalition: dict[str, str]) -> None:
    r = run("members", "list", "--json")
    assert r.code == 0, r.err
    members = {m["name"]: m for m in r.json()}
    assert len(members) == 3
    ynhh = members["Yale New Haven Hospital"]
    for key in ("id", "name", "member_type", "membership", "region", "town", "lat", "lon"):
        assert key in ynhh
    assert ynhh["region"] == "ct" and ynhh["member_type"] == "hospital" and ynhh["beds"] == 1541
    assert ynhh["lat"] is not None and ynhh["lon"] is not None  # from the ZIP
    assert members["Baystate Medical Center"]["region"] == "ma-1"
    hospitals = run("members", "list", "--json", "--type", "hospital").json()
    assert {m["name"] for m in hospitals} == {"Yale New Haven Hospital", "Baystate Medical Center"}
    assert [m["name"] for m in run("members", "list", "--json", "--region", "MA-1").json()] == [
        "Baystate Medical Center"
    ]
    text = run("members", "list").out
    # Tables show the last 8 characters: a UUIDv7 starts with its creation time, so
    # members loaded together share their first 8.
    assert coalition["ynhh"][-8:] in text and coalition["ynhh"] not in text
    refused(run("members", "list", "--type", "spaceport"), "type")
    refused(run("members", "list", "--region", "ma-9"), "region")


def test_incidents_create_list_and_use(run: Run, coalition: dict[str, str]) -> None:
    r = run(
        "incidents",
        "create",
        "Cyber attack on YNHH",
        "--type",
        "cyber",
        "--exercise",
        "--start",
        "2026-11-18T02:00Z",
    )
    assert r.code == 0, r.err
    run("incidents", "create", "Winter storm", "--type", "winter_storm")
    found = run("incidents", "list", "--json").json()
    assert [i["name"] for i in found] == ["Winter storm", "Cyber attack on YNHH"]
    cyber = found[1]
    assert cyber["status"] == "active" and cyber["exercise"] is True
    assert cyber["type"] == "cyber" and cyber["started_at"] == "2026-11-18T02:00:00Z"
    assert found[0]["current"] and not cyber["current"]
    refused(run("incidents", "use", cyber["id"][:8]), "incident")  # both made this minute
    assert run("incidents", "use", cyber["id"][-8:]).code == 0
    assert [i["current"] for i in run("incidents", "list", "--json").json()] == [False, True]
    text = run("incidents", "list").out
    assert "2026-11-17 21:00 EST" in text  # shown in local time with the zone
    refused(run("incidents", "create", "Flood", "--type", "volcano"), "incident_type")
    refused(run("incidents", "use", "nonexistent-id"), "incident")


def test_periods_add_and_list(run: Run, incident: str) -> None:
    r = run("periods", "add", "--objectives", "Restore power at Baystate")
    assert r.code == 0, r.err
    periods = run("periods", "list", "--json").json()
    assert [p["number"] for p in periods] == [1, 2, 3]
    assert periods[2]["starts_at"] == periods[1]["ends_at"]  # follows the last one
    assert periods[0]["eei_due_at"] == "2026-11-17T14:00:00Z"  # 07:00 EST + 2 h
    refused(
        run("periods", "add", "--start", "2026-11-19T07:00", "--end", "2026-11-19T06:00"), "ends_at"
    )
    refused(run("periods", "add", "--start", "yesterday"), "start")


# ------------------------------------------------------------------ log


def test_log_add_then_list_shows_it(run: Run, incident: str, coalition: dict[str, str]) -> None:
    r = run(
        "log",
        "add",
        "YNHH on generator power",
        "--category",
        "situation",
        "--priority",
        "important",
        "--org",
        "ynhh",
        "--at",
        "2026-11-18T03:10",
    )
    assert r.code == 0, r.err
    run("log", "add", "Coalition call at 14:00, all hospitals invited")
    entries = run("log", "list", "--json").json()
    assert [e["text"] for e in entries] == [
        "YNHH on generator power",
        "Coalition call at 14:00, all hospitals invited",
    ]
    first = entries[0]
    assert first["occurred_at"] == "2026-11-18T08:10:00Z"  # typed as local (EST) time
    assert first["organization_id"] == coalition["ynhh"]
    assert first["organization"] == "Yale New Haven Hospital"
    assert first["operator"] == "Dana Reyes" and first["position"] == "Situation Unit Leader"
    assert first["station"] == "Test Station" and first["incident_id"] == incident
    text = run("log", "list").out
    assert "2026-11-18 03:10 EST" in text and "YNHH on generator power" in text
    assert run("log", "list", "--json", "--category", "situation").json()[0]["id"] == first["id"]
    assert [e["text"] for e in run("log", "list", "--json", "--limit", "1").json()] == [
        "Coalition call at 14:00, all hospitals invited"
    ]


def test_log_refusals_leave_the_store_unchanged(run: Run, incident: str) -> None:
    before = dump(run)
    refused(run("log", "add", "Shelter opened", "--org", "Nowhere General"), "org")
    refused(run("log", "add", "Shelter opened", "--category", "gossip"), "category")
    refused(run("log", "add", "   "), "text")
    refused(run("log", "add", "Too early", "--at", "2026-11-01T00:00"), "occurred_at")
    refused(run("log", "add", "Bad time", "--at", "half past nine"), "occurred_at")
    refused(run("log", "add", "No such incident", "--incident", "0000000000"), "incident")
    assert dump(run) == before


def test_significant_event_nominate_and_review(run: Run, incident: str) -> None:
    run("log", "add", "Baystate declares internal disaster", "--priority", "urgent")
    entry = run("log", "list", "--json").json()[0]["id"]
    assert entry[-8:] in run("log", "list").out
    refused(run("log", "review", entry[-8:], "--approve"), "entry")  # not nominated yet
    assert run("log", "nominate", entry[-8:], "--note", "for the briefing").code == 0
    r = run("log", "review", entry, "--approve")
    assert r.code == 0, r.err
    approved = run("log", "list", "--json", "--significant", "approved").json()
    assert [e["id"] for e in approved] == [entry]


def test_operator_from_the_command_line(run: Run, incident: str) -> None:
    run("--operator", "Sam Ortiz", "--position", "Liaison", "log", "add", "Called DPH")
    run("log", "add", "Called DEMHS", "--operator", "Kim Lee")  # options after the command too
    entries = run("log", "list", "--json").json()
    assert [(e["operator"], e["position"]) for e in entries] == [
        ("Sam Ortiz", "Liaison"),
        ("Kim Lee", "Situation Unit Leader"),
    ]


def test_undo_reverts_the_last_log_entry(run: Run, incident: str) -> None:
    run("log", "add", "Keep this one")
    run("log", "add", "Entered in the wrong incident")
    assert len(run("log", "list", "--json").json()) == 2
    r = run("undo")
    assert r.code == 0, r.err
    assert "Undone: 1 log entries" in r.out
    assert [e["text"] for e in run("log", "list", "--json").json()] == ["Keep this one"]
    # Another operator's undo does not touch Dana's entries.
    refused(run("undo", "--operator", "Somebody Else"), "undo")


# ------------------------------------------------------------------ requests


def test_request_lifecycle_and_refused_step(run: Run, incident: str) -> None:
    r = run(
        "requests",
        "add",
        "--kind",
        "N95 respirators",
        "--quantity",
        "500",
        "--priority",
        "urgent",
        "--needed-by",
        "2026-11-18T01:00",
        "--requester",
        "YNHH",
        "--deliver-to",
        "YNHH loading dock",
    )
    assert r.code == 0, r.err
    assert "TEST-001" in r.out
    run(
        "requests",
        "add",
        "--kind",
        "Generator fuel",
        "--quantity",
        "2000",
        "--unit",
        "gal",
        "--status",
        "draft",
        "--needed-by",
        "2026-11-30T12:00",
    )
    listed = run("requests", "list", "--json").json()
    assert [(q["number"], q["status"], q["priority"]) for q in listed] == [
        ("TEST-001", "submitted", "urgent"),
        ("TEST-002", "draft", "routine"),
    ]
    n95 = listed[0]
    assert n95["quantity"] == 500 and n95["requester"] == "Yale New Haven Hospital"
    assert n95["needed_by"] == "2026-11-18T06:00:00Z" and n95["overdue"] is True
    assert listed[1]["overdue"] is False
    for step in ("approved", "sourcing", "committed", "in transit"):
        r = run("requests", "set-status", "TEST-001", step, "--note", f"now {step}")
        assert r.code == 0, r.err
    before = dump(run)
    r = run("requests", "set-status", "TEST-001", "returned")
    refused(r, "status")
    assert "in_transit" in r.err and "delivered" in r.err
    refused(run("requests", "set-status", "TEST-001", "teleported"), "status")
    refused(run("requests", "set-status", "TEST-999", "approved"), "request")
    assert dump(run) == before
    assert run("requests", "set-status", n95["id"][-8:], "delivered").code == 0
    history = run("requests", "history", "TEST-001", "--json").json()
    assert [h["status"] for h in history] == [
        "submitted",
        "approved",
        "sourcing",
        "committed",
        "in_transit",
        "delivered",
    ]
    assert history[1]["by"] == "Dana Reyes (Situation Unit Leader)"
    assert [q["number"] for q in run("requests", "list", "--json", "--status", "draft").json()] == [
        "TEST-002"
    ]
    text = run("requests", "list").out
    assert "TEST-002" in text and "Delivered" in text


def test_request_refusals(run: Run, incident: str) -> None:
    before = dump(run)
    refused(run("requests", "add", "--kind", "Cots", "--quantity", "lots"), "quantity")
    refused(
        run("requests", "add", "--kind", "Cots", "--quantity", "5", "--status", "approved"),
        "status",
    )
    refused(
        run("requests", "add", "--kind", "Cots", "--quantity", "5", "--requester", "Nope"),
        "requester",
    )
    assert dump(run) == before


# ------------------------------------------------------------------ EEI


def test_eei_set_grid_validate_and_timeliness(
    run: Run, incident: str, coalition: dict[str, str]
) -> None:
    r = run(
        "eei",
        "set",
        "--org",
        "YNHH",
        "--period",
        "2",
        "FACILITY_STATUS=compromised",
        "BEDS_ADULT_ICU_AVAILABLE=4",
        "BEDS_ADULT_ICU_STAFFED=30",
        "POWER_SOURCE=Generator",
        "--at",
        "2026-11-17T20:30",
    )
    assert r.code == 0, r.err
    r = run(
        "eei",
        "set",
        "--org",
        coalition["baystate"][-8:],
        "--period",
        "2",
        "FACILITY_STATUS=Normal",
        "--at",
        "2026-11-18T03:00",
    )
    cells = run("eei", "grid", "--period", "2", "--json").json()
    ynhh = {c["element"]: c for c in cells if c["facility_id"] == coalition["ynhh"]}
    assert ynhh["FACILITY_STATUS"]["value"] == "Compromised"
    assert ynhh["BEDS_ADULT_ICU_AVAILABLE"]["value"] == 4
    assert ynhh["FACILITY_STATUS"]["state"] == "reported"
    assert ynhh["FACILITY_STATUS"]["timeliness"] == "on time"
    assert "BEDS_ADULT_ICU_STAFFED" not in ynhh  # not a default grid column
    picked = run("eei", "grid", "--period", "2", "--json", "--elements", "all").json()
    assert len(picked) == 5
    r = run("eei", "validate", "--org", "YNHH", "--period", "2", "--element", "FACILITY_STATUS")
    assert r.code == 0, r.err
    refused(
        run("eei", "validate", "--org", "YNHH", "--period", "2", "--state", "questioned"), "note"
    )
    text = run("eei", "grid", "--period", "2").out
    assert "Compromised+" in text and "Generator" in text
    ids = [c["report_id"] for c in cells if c["element"] == "POWER_SOURCE"]
    r = run(
        "eei",
        "validate",
        "--report",
        *(i[-8:] for i in ids),
        "--state",
        "questioned",
        "--note",
        "Generator since when?",
    )
    assert r.code == 0, r.err
    cells = run("eei", "grid", "--period", "2", "--json").json()
    assert {c["element"]: c["state"] for c in cells if c["facility_id"] == coalition["ynhh"]} == {
        "FACILITY_STATUS": "validated",
        "BEDS_ADULT_ICU_AVAILABLE": "reported",
        "POWER_SOURCE": "questioned",
    }
    assert "Generator?" in run("eei", "grid", "--period", "2").out
    assert "1 on time, 1 late, 0 missing of 2 expected; 50% reported on time" in text
    tl = run("eei", "timeliness", "--json").json()  # period 2 is the current one
    assert (tl["period"], tl["on_time"], tl["late"], tl["missing"]) == (2, 1, 1, 0)
    assert tl["share_on_time"] == 0.5
    period1 = run("eei", "timeliness", "--period", "1").out
    assert "0 on time, 0 late, 2 missing of 2 expected" in period1


def test_eei_refusals_name_the_element_and_change_nothing(run: Run, incident: str) -> None:
    before = dump(run)
    r = run("eei", "set", "--org", "YNHH", "--period", "2", "BEDS_ADULT_ICU_AVAILABLE=lots")
    refused(r, "value of BEDS_ADULT_ICU_AVAILABLE")
    r = run(
        "eei",
        "set",
        "--org",
        "YNHH",
        "--period",
        "2",
        "FACILITY_STATUS=Normal",
        "EMS_OFFLOAD_MINUTES=5000",
    )
    refused(r, "value of EMS_OFFLOAD_MINUTES")
    assert "1440" in r.err
    r = run(
        "eei",
        "set",
        "--org",
        "YNHH",
        "--period",
        "2",
        "BEDS_ADULT_ICU_AVAILABLE=10",
        "BEDS_ADULT_ICU_STAFFED=5",
    )
    refused(r, "value of BEDS_ADULT_ICU_AVAILABLE")
    refused(run("eei", "set", "--org", "YNHH", "--period", "2", "WARP_CORE=ok"), "element")
    refused(
        run("eei", "set", "--org", "BBHD", "--period", "2", "BEDS_TOTAL_AVAILABLE=3"), "element"
    )
    refused(
        run("eei", "set", "--org", "Atlantis", "--period", "2", "FACILITY_STATUS=Normal"), "org"
    )
    refused(run("eei", "set", "--org", "YNHH", "--period", "9", "FACILITY_STATUS=Normal"), "period")
    refused(run("eei", "set", "--org", "YNHH", "--period", "2", "FACILITY_STATUS"), "values")
    refused(run("eei", "grid", "--elements", "FACILITY_STATUS,NOPE"), "element")
    assert dump(run) == before


def test_eei_elements_lists_the_catalog(run: Run) -> None:
    elements = {e["code"]: e for e in run("eei", "elements", "--json").json()}
    assert elements["EMS_OFFLOAD_MINUTES"]["expected"] == "a whole number from 0 to 1440"
    assert "Compromised" in elements["FACILITY_STATUS"]["choices"]
    assert "BEDS_TOTAL_AVAILABLE" in run("eei", "elements").out


# ------------------------------------------------------------------ GUI hand-off


def test_no_command_without_the_gui_exits_2(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hcc_desktop.gui.app", None)
    r = run()
    assert r.code == 2
    assert r.err.startswith("hcc-desktop: gui: ") and len(r.err.splitlines()) == 1


def test_no_command_starts_the_gui_with_screenshot_and_size(
    run: Run, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []

    def fake_run(path: Path, argv: list[str], **kw: Any) -> int:
        calls.append((path, argv, kw, os.environ["HCC_OPERATOR"]))
        return 0

    monkeypatch.setitem(sys.modules, "hcc_desktop.gui", types.ModuleType("hcc_desktop.gui"))
    monkeypatch.setitem(sys.modules, "hcc_desktop.gui.app", types.SimpleNamespace(run=fake_run))
    shot = tmp_path / "main.png"
    assert run("--operator", "Kim Lee", "--screenshot", str(shot), "--size", "1600x1000").code == 0
    (path, argv, kw, operator) = calls[0]
    assert path == store_path and argv[0] == "hcc-desktop"
    assert kw == {"screenshot": shot, "size": (1600, 1000)}
    assert operator == "Kim Lee"


# ------------------------------------------------------------------ the real entry point


def test_python_m_hcc_desktop_members_list(
    tmp_path: Path, coalition: dict[str, str], store_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "hcc_desktop",
            "--store",
            str(store_path),
            "members",
            "list",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert {m["id"] for m in json.loads(proc.stdout)} == {
        coalition["ynhh"],
        coalition["baystate"],
        coalition["bbhd"],
    }


class _Terminal(io.StringIO):
    """Stdin as a person at a terminal: what they will type, and isatty() true."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def other_key(tmp_path: Path) -> tuple[Path, str]:
    """The public-key file of another station, and its fingerprint."""
    with open_store(tmp_path / "region.sqlite", station_name="Region 2 HCC") as other:
        key = tmp_path / "region-2.hcckey"
        trust.export_key(other, key)
        return key, other.identity.fingerprint


def _trusted(store_path: Path) -> list[str]:
    with open_store(store_path, create=False) as s:
        return [st.name for st in trust.list_stations(s) if st.trusted and not st.is_self]


def _shows_fingerprint(out: str, fingerprint: str) -> None:
    """The key's fingerprint on a line of its own, in the GUI's groups of four."""
    lines = [line.strip() for line in out.splitlines()]
    assert "  ".join(fingerprint.split()) in lines, out


def test_station_trust_asks_and_trusts_on_yes(
    run: Run, store_path: Path, other_key: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key, fingerprint = other_key
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    r = run("station", "trust", str(key))
    assert r.code == 0, r.err
    _shows_fingerprint(r.out, fingerprint)
    assert "Does the other station's screen show exactly this fingerprint? [y/N]" in r.out
    assert "Trusted Region 2 HCC" in r.out and f"Fingerprint: {fingerprint}" in r.out
    assert _trusted(store_path) == ["Region 2 HCC"]


@pytest.mark.parametrize("answer", ["n\n", "\n", "maybe\n", ""])
def test_station_trust_anything_but_yes_trusts_nothing(
    run: Run,
    store_path: Path,
    other_key: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
) -> None:
    key, fingerprint = other_key
    before = dump(run)
    monkeypatch.setattr(sys, "stdin", _Terminal(answer))
    r = run("station", "trust", str(key))
    refused(r, str(key))
    assert "not confirmed" in r.err
    _shows_fingerprint(r.out, fingerprint)
    assert _trusted(store_path) == []
    assert dump(run) == before


def test_station_trust_without_a_terminal_needs_yes(
    run: Run, store_path: Path, other_key: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key, fingerprint = other_key
    before = dump(run)
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # a pipe: nobody to ask
    r = run("station", "trust", str(key))
    refused(r, str(key))
    assert "compare the fingerprint" in r.err and "--yes" in r.err
    _shows_fingerprint(r.out, fingerprint)
    assert _trusted(store_path) == []
    assert dump(run) == before


def test_station_trust_yes_skips_the_question(
    run: Run, store_path: Path, other_key: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key, fingerprint = other_key
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    r = run("station", "trust", str(key), "--yes")
    assert r.code == 0, r.err
    assert "[y/N]" not in r.out
    _shows_fingerprint(r.out, fingerprint)
    assert _trusted(store_path) == ["Region 2 HCC"]


def test_station_trust_refuses_own_key_and_a_bad_file_before_asking(
    run: Run, store_path: Path, tmp_path: Path
) -> None:
    own = tmp_path / "own.hcckey"
    assert run("station", "export-key", str(own)).code == 0
    r = run("station", "trust", str(own), "--yes")
    refused(r, str(own))
    assert "own key" in r.err and "[y/N]" not in r.out
    junk = tmp_path / "junk.hcckey"
    junk.write_text("not a key\n")
    refused(run("station", "trust", str(junk), "--yes"), str(junk))
    assert _trusted(store_path) == []


# ------------------------------------------------------------------ demo


def test_seed_demo_lists_the_coalition_and_hospitals(run: Run, tmp_path: Path) -> None:
    pytest.importorskip("hcc_desktop.demo")
    path = tmp_path / "demo.sqlite"
    r = run("seed-demo", "--as-of", "2026-11-20", store=path)
    assert r.code == 0, r.err
    # The 17 of the published member list and the 6 the preparedness year adds.
    assert "23 members, 175 facilities" in r.out
    refused(run("seed-demo", store=path), "store")  # a second time: a message, no duplicates
    members = run("members", "list", "--json", store=path).json()
    demo = json.loads((ROOT / "resources/demo/coalition.json").read_text("utf-8"))
    by_name = {m["name"]: m for m in members}
    for member in demo["members"]:  # the 17 coalition members, each on the map
        listed = by_name[member["name"]]
        assert listed["lat"] is not None and listed["lon"] is not None, member["name"]
        assert (
            listed["region"] == member["region"] and listed["member_type"] == member["member_type"]
        )
    # Every CT and MA hospital, once: a hospital that is itself a coalition member
    # (Connecticut Children's) is listed under the member's name.
    member_names = {m["key"]: m["name"] for m in demo["members"]}
    expected = sorted(
        (member_names[f["member_key"]] if f["member_key"] else f["name"], f["region"])
        for f in demo["facilities"]
    )
    hospitals = [m for m in members if m["member_type"] == "hospital"]
    assert sorted((m["name"], m["region"]) for m in hospitals) == expected
    assert all(m["lat"] is not None and m["lon"] is not None for m in hospitals)
    assert {m["state"] for m in hospitals} == {"CT", "MA"}
    assert run("incidents", "list", "--json", store=path).json()
    assert run("check", store=path).code == 0


def test_seed_demo_refuses_a_bad_date(run: Run, tmp_path: Path) -> None:
    pytest.importorskip("hcc_desktop.demo")
    path = tmp_path / "demo.sqlite"
    refused(run("seed-demo", "--as-of", "20th of November", store=path), "as_of")
    assert not path.exists()


def test_undo_again_steps_back_and_redo_comes_forward(run: Run, incident: str) -> None:
    run("log", "add", "First")
    run("log", "add", "Second")
    texts = lambda: [e["text"] for e in run("log", "list", "--json").json()]  # noqa: E731
    assert run("undo").code == 0 and texts() == ["First"]
    assert run("undo").code == 0 and texts() == []
    r = run("redo")
    assert r.code == 0 and "Redone: 1 log entries" in r.out and texts() == ["First"]
    assert run("redo").code == 0 and sorted(texts()) == ["First", "Second"]
    refused(run("redo"), "redo")
    # A new change after an undo leaves nothing to redo.
    assert run("undo").code == 0
    run("log", "add", "Third")
    refused(run("redo"), "redo")
