"""Spreadsheets in and out: previews with exact reports, only accepted rows imported,
nothing written on cancel, CSV and XLSX, long and wide EEI layouts, CLI exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcc_desktop.cli import main
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei, incidents, organizations
from hcc_desktop.interop.eei_import import commit_eei, preview_eei
from hcc_desktop.interop.members_import import commit_members, preview_members
from hcc_desktop.interop.table_export import export_table
from hcc_desktop.interop.table_read import TableRefused, read_table
from hcc_desktop.interop.tabular import write_table

MEMBERS_CSV = """Facility Name,Type,Membership,City,ZIP,Phone,Beds
Hartford Hospital,Hospital,Core,Hartford,6102,860-545-5000,867
Backus Hospital,Hospital,Core,Norwich,06360,,213
Broken Row,Spaceport,Core,Nowhere,06000,,
,Hospital,Core,Anywhere,06001,,
Windham Hospital,hospital,non-core,Willimantic,06226,,abc
Masonicare,Long-term care,Non-core,Wallingford,06492,,
"""


@pytest.fixture
def members_csv(tmp_path: Path) -> Path:
    path = tmp_path / "members.csv"
    path.write_text(MEMBERS_CSV, encoding="utf-8")
    return path


def test_member_preview_reports_each_refused_row(store, members_csv) -> None:
    preview = preview_members(store, members_csv)
    assert preview.mapping["name"] == "Facility Name"
    assert preview.mapping["member_type"] == "Type"
    assert preview.mapping["zip"] == "ZIP"
    assert [r.line for r in preview.accepted] == [2, 3, 7]
    refused = {r.line: r.error for r in preview.refused}
    assert set(refused) == {4, 5, 6}
    assert refused[4].startswith("member_type: expected one of")
    assert refused[5].startswith("name:")
    assert refused[6] == "beds: expected a whole number, got 'abc'"
    assert preview.accepted[0].values["zip"] == "06102"


def test_cancel_after_preview_changes_nothing_and_import_takes_accepted(
    store, actor, members_csv
) -> None:
    before = dump_text(store)
    preview = preview_members(store, members_csv)
    assert dump_text(store) == before
    result = commit_members(store, preview, actor=actor, lines={2, 7})
    assert len(result.created) == 2
    names = sorted(o.name for o in organizations.list_organizations(store))
    assert names == ["Hartford Hospital", "Masonicare"]
    hh = next(o for o in organizations.list_organizations(store) if o.name == "Hartford Hospital")
    assert (hh.zip, hh.beds, hh.coords_source) == ("06102", 867, "zip")
    again = commit_members(store, preview_members(store, members_csv), actor=actor, lines={2})
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 1)


def test_mapping_file_and_xlsx(store, actor, tmp_path) -> None:
    rows = [["Org", "Kind", "Tier"], ["Hospital for Special Care", "hospital", "core"]]
    xlsx = tmp_path / "m.xlsx"
    write_table(xlsx, rows[0], rows[1:])
    table = read_table(xlsx)
    assert table.headers == ["Org", "Kind", "Tier"]
    mapping = tmp_path / "map.txt"
    mapping.write_text("name=Org\nmember_type=Kind\nmembership=Tier\n")
    assert main(["--store", str(tmp_path / "s.sqlite"), "init"]) == 0
    assert main(["--store", str(tmp_path / "s.sqlite"), "import-members", str(xlsx),
                 "--map", str(mapping)]) == 0  # fmt: skip


def test_bad_files_refused_naming_file(store, tmp_path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(TableRefused, match=r"empty\.csv: the file is empty"):
        preview_members(store, empty)
    dup = tmp_path / "dup.csv"
    dup.write_text("name,Name\nx,y\n")
    with pytest.raises(TableRefused, match="appears twice"):
        preview_members(store, dup)
    nozip = tmp_path / "bad.xlsx"
    nozip.write_bytes(b"not a workbook")
    with pytest.raises(TableRefused, match=r"bad\.xlsx: not a readable XLSX"):
        read_table(nozip)


def test_cli_refuses_file_with_bad_rows_unless_skip_bad(tmp_path, members_csv, capsys) -> None:
    store = str(tmp_path / "s.sqlite")
    assert main(["--store", store, "init"]) == 0
    before = capsys.readouterr()
    assert main(["--store", store, "dump"]) == 0
    dump0 = capsys.readouterr().out
    assert main(["--store", store, "import-members", str(members_csv)]) == 1
    captured = capsys.readouterr()
    assert f"{members_csv}: line 4: member_type" in captured.out
    assert "3 rows accepted, 3 refused" in captured.out
    assert "nothing imported" in captured.err
    assert main(["--store", store, "dump"]) == 0
    assert capsys.readouterr().out == dump0
    assert main(["--store", store, "import-members", str(members_csv), "--dry-run"]) == 0
    assert main(["--store", store, "import-members", str(members_csv), "--skip-bad"]) == 0
    assert "Imported: 3 new" in capsys.readouterr().out
    del before


@pytest.fixture
def eei_world(store, actor) -> dict[str, str]:
    hh = organizations.add_organization(
        store, actor=actor, name="Hartford Hospital", short_name="HH", member_type="hospital",
        membership="core",
    )  # fmt: skip
    inc = incidents.create_incident(
        store, actor=actor, name="Storm", started_at="2026-11-18T00:00Z"
    )
    incidents.add_period(store, actor=actor, incident_id=inc, starts_at="2026-11-18T00:00Z",
                         ends_at="2026-11-18T12:00Z")  # fmt: skip
    return {"hh": hh, "inc": inc}


def test_eei_long_layout(store, actor, eei_world, tmp_path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "facility,element,period,value,reported_at\n"
        "Hartford Hospital,BEDS_ADULT_ICU_STAFFED,1,20,2026-11-18T01:00Z\n"
        "HH,Adult ICU beds available,1,4,2026-11-18T01:00Z\n"
        "Hartford Hospital,FACILITY_STATUS,1,normal,2026-11-18T01:00Z\n"
        "Nowhere General,FACILITY_STATUS,1,Normal,\n"
        "Hartford Hospital,BEDS_BURN_AVAILABLE,1,-2,\n"
        "Hartford Hospital,FACILITY_STATUS,7,Normal,\n"
    )
    preview = preview_eei(store, path, incident_id=eei_world["inc"])
    assert preview.layout == "long"
    refused = {r.line: r.error for r in preview.refused}
    assert refused[5] == "facility: unknown facility 'Nowhere General'"
    assert refused[6].startswith(
        "value of BEDS_BURN_AVAILABLE: expected a whole number of at least 0"
    )
    assert refused[7] == "period: 7 is not an operational period of this incident"
    assert commit_eei(store, preview, actor=actor, source="spreadsheet long.csv") == 3
    got = {r.element_code: (r.value, eei.effective_state(r), r.source)
           for r in eei.reports_for_period(store, incident_id=eei_world["inc"], period=1)}  # fmt: skip
    assert got == {
        "BEDS_ADULT_ICU_STAFFED": (20, "reported", "spreadsheet long.csv"),
        "BEDS_ADULT_ICU_AVAILABLE": (4, "reported", "spreadsheet long.csv"),
        "FACILITY_STATUS": ("Normal", "reported", "spreadsheet long.csv"),
    }


def test_eei_wide_layout_and_rule_violation(store, actor, eei_world, tmp_path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "Hospital,BEDS_ADULT_ICU_AVAILABLE,BEDS_ADULT_ICU_STAFFED,Facility status\n"
        "Hartford Hospital,25,20,Compromised\n"
    )
    preview = preview_eei(store, path, incident_id=eei_world["inc"], period=1)
    assert preview.layout == "wide"
    states = {r.element: r.error for r in preview.rows}
    assert states["FACILITY_STATUS"] is None
    assert "cannot exceed" in states["BEDS_ADULT_ICU_AVAILABLE"]
    assert "cannot exceed" in states["BEDS_ADULT_ICU_STAFFED"]
    before = dump_text(store)
    with pytest.raises(ValidationError):
        commit_eei(store, preview, actor=actor, source="x", lines={99})
    assert dump_text(store) == before


def test_exports_round_trip(store, actor, eei_world, tmp_path) -> None:
    eei.set_values(store, actor=actor, incident_id=eei_world["inc"], organization_id=eei_world["hh"],
                   period=1, values={"FACILITY_STATUS": "Normal", "SECURITY_STATUS": "Lockdown"})  # fmt: skip
    for kind in ("members", "eei", "log", "requests"):
        for suffix in (".csv", ".xlsx"):
            out = tmp_path / f"{kind}{suffix}"
            export_table(store, kind, out, incident_id=eei_world["inc"], period=1)
            table = read_table(out, rows_required=False)  # the log may be empty
            assert table.headers
    grid = read_table(tmp_path / "eei.csv")
    (row,) = [cells for _, cells in grid.rows]
    assert (row["facility"], row["FACILITY_STATUS"], row["SECURITY_STATUS"]) == (
        "Hartford Hospital", "Normal", "Lockdown",
    )  # fmt: skip
    assert row["reporting"] in ("on time", "late")
    export_table(store, "eei", tmp_path / "public.csv", incident_id=eei_world["inc"], period=1,
                 public=True)  # fmt: skip
    assert "SECURITY_STATUS" not in read_table(tmp_path / "public.csv").headers
