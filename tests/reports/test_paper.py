"""Paper where nobody chose: Letter for locales of the US and its Letter-using
neighbours, A4 elsewhere; `--a4` and `--letter` win over the locale."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from hcc_desktop import cli
from hcc_desktop.core.paper import default_paper, paper_for_locale

LETTER_PT = (612, 792)
A4_PT = (595, 842)


@pytest.mark.parametrize(
    ("name", "paper"),
    [
        ("en_US.UTF-8", "letter"),
        ("es_US", "letter"),
        ("fr_CA.UTF-8", "letter"),
        ("es_MX.ISO-8859-1", "letter"),
        ("fil_PH", "letter"),
        ("en-US", "letter"),
        ("English_United States.1252", "letter"),
        ("en_GB.UTF-8", "a4"),
        ("de_DE@euro", "a4"),
        ("pt_BR.UTF-8", "a4"),
        ("French_France.1252", "a4"),
        ("C", None),
        ("POSIX", None),
        ("C.UTF-8", None),
        ("en", None),
        ("", None),
    ],
)
def test_paper_for_locale(name: str, paper: str | None) -> None:
    assert paper_for_locale(name) == paper


def test_default_paper_reads_lc_all_then_lc_paper_then_lang() -> None:
    assert default_paper({"LANG": "en_US.UTF-8"}) == "letter"
    assert default_paper({"LANG": "en_GB.UTF-8"}) == "a4"
    assert default_paper({"LANG": "en_US.UTF-8", "LC_PAPER": "de_DE.UTF-8"}) == "a4"
    assert default_paper({"LC_PAPER": "de_DE.UTF-8", "LC_ALL": "en_CA.UTF-8"}) == "letter"
    assert default_paper({"LC_ALL": "", "LANG": "en_IE.UTF-8"}) == "a4"  # empty is unset


def test_default_paper_without_a_territory_is_letter() -> None:
    """A service account or a container (C, POSIX, nothing set): the program's users
    are US coalitions."""
    assert default_paper({}) == "letter"
    assert default_paper({"LANG": "C.UTF-8"}) == "letter"
    assert default_paper({"LC_ALL": "POSIX", "LANG": "en_GB.UTF-8"}) == "letter"


def _size(path: Path) -> tuple[int, int]:
    box = PdfReader(str(path)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.mark.parametrize(
    ("env", "flags", "size"),
    [
        ({"LANG": "en_US.UTF-8"}, (), LETTER_PT),
        ({"LANG": "en_GB.UTF-8"}, (), A4_PT),
        ({"LANG": "en_US.UTF-8"}, ("--a4",), A4_PT),
        ({"LANG": "de_DE.UTF-8"}, ("--letter",), LETTER_PT),
    ],
)
def test_cli_paper_from_the_locale_unless_chosen(
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    flags: tuple[str, ...],
    size: tuple[int, int],
) -> None:
    for var in ("LC_ALL", "LC_PAPER", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    out = tmp_path / "ics213rr.pdf"
    args = ["--store", str(demo_path), "form", "ics213rr", "CTDPH-002", str(out), *flags]
    assert cli.main(args) == 0
    assert _size(out) == size


def test_cli_a4_and_letter_together_is_usage(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    assert cli.main(["--store", str(demo_path), "briefing", str(out), "--a4", "--letter"]) == 2
    assert not out.exists()
