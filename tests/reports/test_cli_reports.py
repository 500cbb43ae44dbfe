"""`briefing` and `form ...` on the command line: exit 0 and a PDF; exit 1 and one line
naming the field for what does not exist."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from hcc_desktop import cli
from hcc_desktop.reports import pages


def run(store: Path, *args: str) -> int:
    return cli.main(["--store", str(store), "--operator", "Kevin Brandt", *args])


@pytest.mark.parametrize(
    "args",
    [
        ("briefing", "{out}", "--period", "3", "--summary", "All quiet."),
        ("briefing", "{out}", "--public", "--a4"),
        ("form", "ics214", "{out}", "--period", "2"),
        ("form", "ics214", "{out}", "--operator", "Marisol Ortega"),
        ("form", "ics213rr", "CTDPH-002", "{out}"),
        ("form", "hics251", "Milford Hospital", "{out}", "--period", "2"),
    ],
)
def test_commands_write_pdfs(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple
) -> None:
    out = tmp_path / "doc.pdf"
    assert run(demo_path, *(a.format(out=out) for a in args)) == 0
    assert out.stat().st_size > 10_000 and len(PdfReader(str(out)).pages) >= 1
    assert f"Wrote {out}" in capsys.readouterr().out


def test_summary_file(demo_path: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.txt"
    summary.write_text("Généralement calme.\n\nSecond paragraph.", encoding="utf-8")
    out = tmp_path / "b.pdf"
    assert run(demo_path, "briefing", str(out), "--summary-file", str(summary)) == 0
    assert "Généralement calme." in PdfReader(str(out)).pages[0].extract_text()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("form", "ics213rr", "NOPE-1", "{out}"), "request"),
        (("form", "hics251", "Nowhere General Hospital", "{out}"), "facility"),
        (("form", "ics214", "{out}", "--operator", "Nobody"), "operator"),
        (("briefing", "{out}", "--period", "99"), "period"),
        (("briefing", "{out}", "--summary-file", "/no/such/file.txt"), "summary-file"),
        (("briefing", "{out}", "--sections", "beds,weather"), "sections"),
    ],
)
def test_refusals_exit_1_naming_the_field(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple, field: str
) -> None:
    out = tmp_path / "x.pdf"
    assert run(demo_path, *(a.format(out=out) for a in args)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"hcc-desktop: {field}: "), err
    assert not out.exists()


def _snapshot(store: Path) -> list[str]:
    """Every row of every table, as SQL: what "the store is unchanged" means."""
    con = sqlite3.connect(store)
    try:
        con.execute("PRAGMA wal_checkpoint(FULL)")
        return list(con.iterdump())
    finally:
        con.close()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("briefing", "{out}", "--incident", "no-such-incident"), "incident"),
        (("form", "ics214", "{out}", "--incident", "no-such-incident"), "incident"),
        (("form", "ics214", "{out}", "--period", "42"), "period"),
        (("form", "hics251", "Milford Hospital", "{out}", "--period", "42"), "period"),
        (("form", "hics251", "Milford Hospital", "{out}", "--incident", "nope"), "incident"),
        (("briefing", "{missing}/b.pdf"), "out"),
        (("briefing", "{folder}"), "out"),
        (("form", "ics213rr", "CTDPH-002", "{file}/x.pdf"), "out"),
        (("form", "ics214", "{missing}/x.pdf"), "out"),
        (("form", "hics251", "Milford Hospital", "{folder}"), "out"),
    ],
)
def test_bad_input_exits_1_with_one_line_and_leaves_the_store_unchanged(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple, field: str
) -> None:
    before = _snapshot(demo_path)
    (tmp_path / "a-file.txt").write_text("not a folder")
    names = {
        "out": tmp_path / "x.pdf",
        "missing": tmp_path / "no-such-folder",
        "folder": tmp_path,
        "file": tmp_path / "a-file.txt",
    }
    assert run(demo_path, *(a.format(**names) for a in args)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"hcc-desktop: {field}: ") and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file.txt"]
    assert _snapshot(demo_path) == before


def test_a_file_system_refusal_names_the_output_not_a_temporary_file(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pages.tempfile, "mkstemp", refuse)
    out = tmp_path / "b.pdf"
    assert run(demo_path, "form", "ics213rr", "CTDPH-002", str(out)) == 1
    err = capsys.readouterr().err
    assert err == f"hcc-desktop: out: {out}: cannot write the PDF there (Permission denied)\n"
    assert not list(tmp_path.iterdir())


def test_a_briefing_only_reads_the_store(demo_path: Path, tmp_path: Path) -> None:
    before = _snapshot(demo_path)
    assert run(demo_path, "briefing", str(tmp_path / "b.pdf"), "--sections", "status") == 0
    assert _snapshot(demo_path) == before
