"""`briefing` and `form ...` on the command line: exit 0 and a PDF; exit 1 and one line
naming the field for what does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from hcc_desktop import cli


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
