"""Member and EEI imports from the files partners really send: formula cells, Latin-1
and UTF-16 text, empty and header-only files, 100,000 rows; and every table import is
all of its rows or none, even when the disk fills part way."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from openpyxl import Workbook

from hcc_desktop.cli import main
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, incidents, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.interop.eei_import import commit_eei, preview_eei
from hcc_desktop.interop.members_import import commit_members, preview_members
from hcc_desktop.interop.table_read import TableRefused
from tests.conftest import FakeWall
from tests.store_faults import assert_all_or_nothing

FRANCOISE = "Hôpital Saint-Françoise"


@pytest.fixture
def world(store: Store, actor: Actor) -> dict[str, str]:
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


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _cli(store: Store, *args: str) -> int:
    return main(["--store", str(store.path), *args])


# ------------------------------------------------------------ formula cells


def test_member_xlsx_formula_cell_refuses_its_row(store, actor, tmp_path) -> None:
    path = _xlsx(tmp_path / "m.xlsx", [
        ["Name", "Type", "Membership", "Beds"],
        ["Hartford Hospital", "hospital", "core", "=SUM(100,150)"],
        ['=HYPERLINK("http://127.0.0.1/x","click")', "hospital", "core", 10],
        ["Backus Hospital", "hospital", "core", 213],
    ])  # fmt: skip
    preview = preview_members(store, path)
    refused = {r.line: r.error for r in preview.refused}
    assert set(refused) == {2, 3}
    assert refused[2].startswith("column 'Beds' holds a formula (=SUM(100,150))")
    assert refused[3].startswith("column 'Name' holds a formula (=HYPERLINK(")
    assert "paste the values" in refused[2]
    assert [r.values["name"] for r in preview.accepted] == ["Backus Hospital"]


def test_member_xlsx_text_that_looks_like_a_formula_is_text(store, actor, tmp_path) -> None:
    """A cell stored as text is what the operator typed (Excel shows it as text):
    taken literally, never as a formula."""
    path = tmp_path / "m.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Name", "Type", "Membership"])
    ws.append(["x", "hospital", "core"])
    ws["A2"].value, ws["A2"].data_type = "=Not a formula", "s"
    wb.save(path)
    preview = preview_members(store, path)
    assert [r.values["name"] for r in preview.accepted] == ["=Not a formula"]


def test_cli_member_xlsx_with_formula_exits_1_and_names_line_and_column(
    store, tmp_path, capsys
) -> None:
    path = _xlsx(tmp_path / "m.xlsx", [
        ["Name", "Type", "Membership"], ["Hartford Hospital", "hospital", "=B2"],
    ])  # fmt: skip
    before = dump_text(store)
    assert _cli(store, "import-members", str(path)) == 1
    out = capsys.readouterr().out
    assert f"{path}: line 2: column 'Membership' holds a formula (=B2)" in out
    assert dump_text(store) == before


def test_eei_xlsx_formula_cell_refuses_its_row(store, actor, world, tmp_path) -> None:
    path = _xlsx(tmp_path / "e.xlsx", [
        ["Hospital", "BEDS_ADULT_ICU_STAFFED", "BEDS_ADULT_ICU_AVAILABLE"],
        ["Hartford Hospital", 20, "=B2-16"],
    ])  # fmt: skip
    preview = preview_eei(store, path, incident_id=world["inc"], period=1)
    assert not preview.accepted
    (row,) = preview.refused
    assert (row.line, row.facility) == (2, "Hartford Hospital")
    assert row.error and row.error.startswith("column 'BEDS_ADULT_ICU_AVAILABLE' holds a formula")


# ---------------------------------------------------------------- encodings


def test_latin1_csv_member_import(store, actor, tmp_path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        f"Name;Type;Membership;City\n{FRANCOISE};Hospital;Core;Hull\n".encode("latin-1")
    )
    preview = preview_members(store, path)
    assert [r.values["name"] for r in preview.accepted] == [FRANCOISE]
    commit_members(store, preview, actor=actor)
    assert [o.name for o in organizations.list_organizations(store)] == [FRANCOISE]


def test_utf16_csv_with_bom_member_import(store, actor, tmp_path) -> None:
    """Excel's "Unicode text": UTF-16 little-endian with a BOM, tab-separated."""
    path = tmp_path / "unicode.txt"
    path.write_bytes(f"Name\tType\tMembership\n{FRANCOISE}\tHospital\tCore\n".encode("utf-16"))
    assert path.read_bytes()[:2] == b"\xff\xfe"
    preview = preview_members(store, path)
    assert [r.values["name"] for r in preview.accepted] == [FRANCOISE]
    commit_members(store, preview, actor=actor)
    assert [o.name for o in organizations.list_organizations(store)] == [FRANCOISE]


def test_utf16_big_endian_eei_import(store, actor, world, tmp_path) -> None:
    path = tmp_path / "e.csv"
    text = "facility,element,value\nHartford Hospital,FACILITY_STATUS,Normal\n"
    path.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    preview = preview_eei(store, path, incident_id=world["inc"], period=1)
    assert [(r.element, r.value) for r in preview.accepted] == [("FACILITY_STATUS", "Normal")]


def test_utf16_without_bom_refused_with_advice(store, tmp_path) -> None:
    path = tmp_path / "nobom.csv"
    path.write_bytes("Name,Type\nX,hospital\n".encode("utf-16-le"))
    with pytest.raises(TableRefused, match=r"nobom\.csv: has NUL bytes.*save it as CSV"):
        preview_members(store, path)


# ----------------------------------------------------- empty and header-only


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty (0 bytes)"),
        ("empty.xlsx", b"", "the file is empty (0 bytes)"),
        ("header.csv", b"Name,Type,Membership\r\n", "only a header row"),
        ("header-eei.csv", b"facility,element,value\n", "only a header row"),
    ],
)
def test_cli_empty_and_header_only_files_refused(
    store, world, tmp_path, capsys, name, content, message
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = dump_text(store)
    assert _cli(store, "import-members", str(path)) == 1
    assert f"{path}: {message}" in capsys.readouterr().err
    assert _cli(store, "import-eei", str(path), "--incident", world["inc"], "--period", "1") == 1
    assert f"{path}: {message}" in capsys.readouterr().err
    assert dump_text(store) == before


def test_header_only_xlsx_refused(store, tmp_path) -> None:
    path = _xlsx(tmp_path / "h.xlsx", [["Name", "Type"]])
    with pytest.raises(TableRefused, match=r"h\.xlsx: only a header row"):
        preview_members(store, path)


# ---------------------------------------------------------------- 100k rows


def _big_members_csv(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Facility Name,Type,Membership,City,ZIP,Phone,Beds\n")
        for i in range(n):
            fh.write(f"Facility number {i},Hospital,Core,Hartford,06102,860-545-5000,{i % 500}\n")
    return path


def test_100k_row_csv_preview_streams_with_progress(store, actor, tmp_path) -> None:
    """Reading and checking 100,000 rows reports progress all the way and holds the
    rows once; the import of the rows kept reports progress per batch."""
    path = _big_members_csv(tmp_path / "big.csv", 100_000)
    calls: list[tuple[int, int]] = []
    tracemalloc.start()
    try:
        preview = preview_members(store, path, progress=lambda d, t: calls.append((d, t)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(preview.accepted) == 100_000 and not preview.refused
    assert peak < 200 * 2**20, f"{peak / 2**20:.0f} MiB"
    assert len(calls) >= 10
    assert calls[-1] == (path.stat().st_size, path.stat().st_size)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    done: list[tuple[int, int]] = []
    lines = {r.line for r in preview.accepted[:1_000]}
    result = commit_members(store, preview, actor=actor, lines=lines, batch=250,
                            progress=lambda d, t: done.append((d, t)))  # fmt: skip
    assert len(result.created) == 1_000
    assert done == [(250, 1_000), (500, 1_000), (750, 1_000), (1_000, 1_000)]


@pytest.mark.slow
def test_100k_row_csv_import_all(store, actor, tmp_path) -> None:
    path = _big_members_csv(tmp_path / "big.csv", 100_000)
    calls: list[tuple[int, int]] = []
    tracemalloc.start()
    try:
        preview = preview_members(store, path)
        result = commit_members(
            store, preview, actor=actor, progress=lambda d, t: calls.append((d, t))
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(result.created) == 100_000
    assert len(calls) >= 10 and calls[-1] == (100_000, 100_000)
    assert peak < 200 * 2**20, f"{peak / 2**20:.0f} MiB"


# ------------------------------------------------------------ all or nothing


def test_commit_members_all_or_nothing(store_path, actor, tmp_path) -> None:
    """Several batches, one transaction: a full disk at any write leaves the store
    exactly as it was."""
    csv = tmp_path / "m.csv"
    csv.write_text(
        "Name,Type,Membership,Beds\n"
        + "".join(f"Member {i},hospital,core,{i}\n" for i in range(7))
        + "Hartford Hospital,hospital,core,867\n"
    )
    with open_store(store_path, wall=FakeWall()) as store:
        organizations.add_organization(
            store, actor=actor, name="Hartford Hospital", member_type="hospital",
            membership="core",
        )  # fmt: skip
        preview = preview_members(store, csv)
    assert len(preview.accepted) == 8
    writes = assert_all_or_nothing(
        store_path, tmp_path / "work.sqlite",
        lambda s: commit_members(s, preview, actor=actor, batch=3), wall=FakeWall(),
    )  # fmt: skip
    assert writes > 3


def test_commit_eei_all_or_nothing(store_path, actor, tmp_path) -> None:
    with open_store(store_path, wall=FakeWall()) as store:
        inc = incidents.create_incident(
            store, actor=actor, name="Storm", started_at="2026-11-18T00:00Z"
        )
        incidents.add_period(store, actor=actor, incident_id=inc,
                             starts_at="2026-11-18T00:00Z", ends_at="2026-11-18T12:00Z")  # fmt: skip
        names = [f"Hospital {i}" for i in range(5)]
        for name in names:
            organizations.add_organization(store, actor=actor, name=name,
                                           member_type="hospital", membership="core")  # fmt: skip
        csv = tmp_path / "e.csv"
        csv.write_text(
            "Hospital,FACILITY_STATUS,BEDS_ADULT_ICU_STAFFED\n"
            + "".join(f"{n},Normal,{i + 10}\n" for i, n in enumerate(names))
        )
        preview = preview_eei(store, csv, incident_id=inc, period=1)
    assert len(preview.accepted) == 10
    assert_all_or_nothing(
        store_path, tmp_path / "work.sqlite",
        lambda s: commit_eei(s, preview, actor=actor, source="spreadsheet e.csv", batch=2),
        wall=FakeWall(),
    )  # fmt: skip
    with open_store(store_path) as store:  # the original itself is untouched
        assert not eei.reports_for_period(store, incident_id=inc, period=1)
