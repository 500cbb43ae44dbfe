"""The benchmark harness itself: what it keeps of a lap, the shared raw-SQLite baseline
scaffolding and the bare copy of a briefing. No timings are asserted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from benchmarks.registry import Context, Lap, Result
from benchmarks.shared import (
    copy_store,
    insert_sql,
    remove_store,
    timed_write,
)


def test_best_lap_keeps_wall_and_cpu_of_one_run() -> None:
    slow_wall_low_cpu = Lap(2.0, 0.1)
    fast_wall_high_cpu = Lap(1.0, 0.9)
    best = slow_wall_low_cpu.best(fast_wall_high_cpu)
    assert (best.seconds, best.cpu_seconds) == (1.0, 0.9)
    assert fast_wall_high_cpu.best(slow_wall_low_cpu) is fast_wall_high_cpu


def test_interleave_keeps_the_fastest_lap_whole(tmp_path: Path) -> None:
    laps = iter([Lap(3.0, 0.5), Lap(1.0, 2.0), Lap(2.0, 0.1)])
    ctx = Context(scale=1.0, repeat=3, tmpdir=tmp_path)
    (best,) = ctx.interleave(lambda: next(laps))
    assert (best.seconds, best.cpu_seconds) == (1.0, 2.0)


def test_from_laps_records_cpu_of_both_sides() -> None:
    result = Result.from_laps(Lap(2.0, 1.5), Lap(1.0, 0.75), rows=3)
    assert result.ratio == 2.0
    assert result.details == {"value_cpu_seconds": 1.5, "baseline_cpu_seconds": 0.75, "rows": 3}


def _db(path: Path, rows: int) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"v{i}") for i in range(rows)])
    conn.commit()
    conn.close()


def test_timed_write_stores_the_rows_and_leaves_nothing(tmp_path: Path) -> None:
    source = tmp_path / "source.sqlite"
    _db(source, 10)
    rows = [(i, f"row {i}") for i in range(5)]
    lap, stored = timed_write(
        tmp_path / "base.sqlite",
        {"journal_mode": "wal", "synchronous": "full"},
        ["CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"],
        [(insert_sql("t", ["id", "v"]), rows)],
    )
    assert stored == {"t": rows}
    assert lap.seconds >= 0 and lap.cpu_seconds >= 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["source.sqlite"]


def test_a_copy_is_the_same_database_and_goes_with_its_key(tmp_path: Path) -> None:
    source = tmp_path / "a.sqlite"
    _db(source, 100)
    Path(f"{source}.key").write_text("key")
    copy = copy_store(source, tmp_path / "b.sqlite")
    assert Path(f"{copy}.key").read_text() == "key"
    conn = sqlite3.connect(str(copy))
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (100,)
    conn.close()
    remove_store(copy)
    assert not copy.exists() and not Path(f"{copy}.key").exists()


def test_bare_briefing_copy_lays_out_the_same_pages(tmp_path: Path) -> None:
    """The briefing baseline's premise: the bare copy of a story breaks into the same
    number of pages as the story itself."""
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import LETTER
    from reportlab.platypus import Table

    from benchmarks.workloads_reports import Layout, bare, lay_out
    from hcc_desktop.reports.fonts import register_fonts
    from hcc_desktop.reports.pages import Margins
    from hcc_desktop.reports.styles import grid, para

    register_fonts()
    rows = [["Facility", "Details"]] + [
        [f"Hospital {i}", para("A long line of details that wraps. " * (i % 4 + 1))]
        for i in range(400)
    ]
    table = Table(rows, colWidths=[150, 300], repeatRows=1)
    table.setStyle(grid(rows=len(rows)))
    margins = Margins(43, 43, 60, 60)
    styled = Layout([table], LETTER, margins)
    stripped = Layout([bare(table, 450)], LETTER, margins)
    assert lay_out(stripped, tmp_path / "bare.pdf") == lay_out(styled, tmp_path / "styled.pdf")
    assert lay_out(stripped, tmp_path / "bare.pdf") > 5
