"""Spreadsheets that cannot hurt: exports never carry a live formula (text that any
station could plant through sync is written as inert text, numbers stay numbers), and
imports take values, never formulas, from files of any common encoding."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from hcc_desktop.cli import main
from hcc_desktop.core.services import eei, incidents, log, organizations, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.interop.table_export import (
    export_eei_grid,
    export_log,
    export_members,
    export_requests,
)
from hcc_desktop.interop.table_read import read_table
from hcc_desktop.interop.tabular import safe_cell, write_table

HYPERLINK = '=HYPERLINK("http://127.0.0.1/x","click")'
DDE = "+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
TAB = "\t=1+1"


@pytest.fixture
def planted(store: Store, actor: Actor) -> dict[str, Any]:
    """A store where every exported table holds text built to run in a spreadsheet,
    entered through the services as a synced change would arrive."""
    hh = organizations.add_organization(
        store, actor=actor, name=HYPERLINK, short_name="HH", member_type="hospital",
        membership="core", town=DDE, beds=250, lat=41.7627, lon=-72.6743,
    )  # fmt: skip
    inc = incidents.create_incident(
        store, actor=actor, name="Storm", started_at="2026-11-18T00:00Z"
    )
    incidents.add_period(store, actor=actor, incident_id=inc, starts_at="2026-11-18T00:00Z",
                         ends_at="2026-11-18T12:00Z")  # fmt: skip
    log.add_entry(store, actor=actor, incident_id=inc, text=HYPERLINK)
    log.add_entry(store, actor=actor, incident_id=inc, text=DDE)
    log.add_entry(store, actor=actor, incident_id=inc, text=AT)
    requests.create_request(
        store, actor=actor, incident_id=inc, resource_kind=MINUS, quantity=-0.0 + 12,
        unit=AT, requester_org_id=hh,
    )  # fmt: skip
    eei.set_values(
        store, actor=actor, incident_id=inc, organization_id=hh, period=1,
        values={"STAFFING_SHORTAGES": AT, "BEDS_ADULT_ICU_STAFFED": 20},
    )  # fmt: skip
    return {"hh": hh, "inc": inc}


def _csv_cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _xlsx_cells(path: Path) -> list[list[Any]]:
    wb = load_workbook(path)  # not read-only: data_type as stored
    try:
        return [list(row) for row in wb.worksheets[0].iter_rows()]
    finally:
        wb.close()


def _check_csv(path: Path, planted_texts: list[str], numbers: dict[str, str]) -> None:
    rows = _csv_cells(path)
    flat = [c for row in rows for c in row]
    for text in planted_texts:
        assert text not in flat, f"{text!r} written raw to {path.name}"
        assert "'" + text in flat, f"{text!r} not neutralised in {path.name}"
    header = rows[0]
    for column, shown in numbers.items():
        assert rows[1][header.index(column)] == shown, column


def _check_xlsx(path: Path, planted_texts: list[str], numbers: dict[str, Any]) -> None:
    rows = _xlsx_cells(path)
    cells = [c for row in rows for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell"
    for text in planted_texts:
        (cell,) = [c for c in cells if c.value == "'" + text]
        assert cell.data_type == "s"
        assert str(cell.value).startswith("'")
    header = [c.value for c in rows[0]]
    for column, kind in numbers.items():
        cell = rows[1][header.index(column)]
        assert cell.data_type == "n" and isinstance(cell.value, kind), (column, cell.value)


def test_log_export_neutralises_formulas(store, planted, tmp_path) -> None:
    export_log(store, tmp_path / "log.csv", incident_id=planted["inc"])
    export_log(store, tmp_path / "log.xlsx", incident_id=planted["inc"])
    _check_csv(tmp_path / "log.csv", [HYPERLINK, DDE, AT], {})
    _check_xlsx(tmp_path / "log.xlsx", [HYPERLINK, DDE, AT], {})


def test_members_export_neutralises_formulas_keeps_numbers(store, planted, tmp_path) -> None:
    export_members(store, tmp_path / "m.csv")
    export_members(store, tmp_path / "m.xlsx")
    _check_csv(tmp_path / "m.csv", [HYPERLINK, DDE], {"beds": "250", "lon": "-72.6743"})
    _check_xlsx(tmp_path / "m.xlsx", [HYPERLINK, DDE], {"beds": int, "lat": float, "lon": float})
    assert _xlsx_cells(tmp_path / "m.xlsx")[1][12].value == -72.6743  # negative: a number


def test_requests_export_neutralises_formulas_keeps_numbers(store, planted, tmp_path) -> None:
    export_requests(store, tmp_path / "r.csv", incident_id=planted["inc"])
    export_requests(store, tmp_path / "r.xlsx", incident_id=planted["inc"])
    _check_csv(tmp_path / "r.csv", [MINUS, AT, HYPERLINK], {"quantity": "12.0"})
    _check_xlsx(tmp_path / "r.xlsx", [MINUS, AT, HYPERLINK], {"quantity": (int, float)})


def test_eei_grid_export_neutralises_formulas_keeps_numbers(store, planted, tmp_path) -> None:
    for name in ("g.csv", "g.xlsx"):
        export_eei_grid(store, tmp_path / name, incident_id=planted["inc"], period=1)
    numbers = {"period": "1", "BEDS_ADULT_ICU_STAFFED": "20"}
    _check_csv(tmp_path / "g.csv", [HYPERLINK, DDE, AT], numbers)
    _check_xlsx(tmp_path / "g.xlsx", [HYPERLINK, DDE, AT], dict.fromkeys(numbers, int))


@pytest.mark.parametrize("kind", ["members", "eei", "log", "requests"])
def test_cli_export_table_writes_no_formula(store, planted, tmp_path, kind) -> None:
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"{kind}{suffix}"
        code = main(["--store", str(store.path), "export-table", kind, str(out),
                     "--incident", planted["inc"], "--period", "1"])  # fmt: skip
        assert code == 0
    flat = [c for row in _csv_cells(tmp_path / f"{kind}.csv") for c in row]
    assert HYPERLINK not in flat and "'" + HYPERLINK in flat
    cells = [c for row in _xlsx_cells(tmp_path / f"{kind}.xlsx") for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert all(c.value[:1] not in "=+-@\t\r" for c in cells if isinstance(c.value, str))
    (planted_cell,) = [c for c in cells if c.value == "'" + HYPERLINK]
    assert planted_cell.data_type == "s"


def test_safe_cell_leaves_numbers_and_plain_text() -> None:
    assert safe_cell(-3) == -3 and safe_cell(-2.5) == -2.5 and safe_cell(True) is True
    assert safe_cell(None) == ""
    assert safe_cell("-2") == "-2" and safe_cell("+1.5e3") == "+1.5e3"  # only a number
    assert safe_cell("Hartford Hospital") == "Hartford Hospital"
    for text in ("=1+1", "+1 860 555 0100", "-1+2", "@A1", "\tx", "\rx", "\nx"):
        assert safe_cell(text) == "'" + text


def test_write_table_control_characters_and_round_trip(tmp_path) -> None:
    """XLSX cannot hold most control characters (openpyxl refused the whole export);
    and a table written here reads back with the texts it was given."""
    rows = [[HYPERLINK, "bell\x07here", -4], [DDE, "x", 3.5], [TAB, "y", 0]]
    for name in ("t.csv", "t.xlsx"):
        write_table(tmp_path / name, ["a", "b", "n"], rows)
        table = read_table(tmp_path / name)
        assert [cells["a"] for _, cells in table.rows] == [HYPERLINK, DDE, TAB]
        assert [cells["n"] for _, cells in table.rows] == ["-4", "3.5", "0"]
    assert _xlsx_cells(tmp_path / "t.xlsx")[1][1].value == "bell\ufffdhere"


def test_write_table_failure_leaves_no_file(tmp_path) -> None:
    def rows() -> Any:
        yield ["one"]
        raise OSError("disk full")

    for name in ("t.csv", "t.xlsx"):
        with pytest.raises(OSError):
            write_table(tmp_path / name, ["a"], rows())
    assert list(tmp_path.iterdir()) == []
