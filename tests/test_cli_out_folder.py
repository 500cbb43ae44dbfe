"""Every command that writes a file the operator names checks the file's folder first:
a missing folder is exit 1 with one line naming the option and the folder (as
`briefing` always did), never an OS error about an internal `.tmp` file; nothing is
left behind and the store is byte-for-byte as it was (an export records its package,
so a late failure would have to be undone)."""

# ruff: noqa: F811  (the fixtures of tests/test_cli.py, taken as parameters)

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_cli import Run, dump, refused, run  # noqa: F401

MISSING = "/nonexistent-hcc-folder"

#: (command, its arguments before the output, the output's option or None for a
#: positional, the field refused, arguments after). Together: every command with an
#: output file (test_every_output_command_is_listed).
Case = tuple[str, list[str], str | None, str, list[str]]
COMMANDS: list[Case] = [
    ("export", [], None, "out", []),
    ("station export-key", [], None, "out", []),
    ("backup", [], None, "out", []),
    ("dump", [], "--out", "out", []),
    ("briefing", [], None, "out", []),
    ("form ics214", [], None, "out", []),
    ("form ics213rr", ["CTDPH-001"], None, "out", []),
    ("form hics251", ["Bridgeport Hospital"], None, "out", []),
    ("members print", [], None, "out", []),
    ("handover print", [], None, "out", []),
    ("messages print", ["ics205a"], None, "out", []),
    ("hva export", ["{hva}"], None, "out", []),
    ("hva print", ["{hva}"], None, "out", []),
    ("plans print", [], None, "out", []),
    ("aar print", ["{aar}"], None, "out", []),
    ("export-cap", [], None, "out", ["--headline", "Test", "--description", "Test"]),
    ("export-have", [], None, "out", []),
    ("export-table", ["eei"], None, "out", []),
    ("export-rm", ["CTDPH-001"], None, "out", []),
    ("eei-requests report", [], "--xlsx", "xlsx", []),
    ("eei-requests report", [], "--pdf", "pdf", []),
]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo story of one whole day, seeded once for the module."""
    pytest.importorskip("hcc_desktop.demo")
    from hcc_desktop import cli

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    assert cli.main(["--store", str(path), "init", "--station", "State EOC"]) == 0
    assert cli.main(["--store", str(path), "seed-demo", "--as-of", "2026-11-20"]) == 0
    return path


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "demo.sqlite"
    for suffix in ("", ".key"):
        shutil.copy2(f"{demo_template}{suffix}", f"{dst}{suffix}")
    return dst


def _args(run: Run, demo: Path, case: Case, out: str) -> list[str]:
    """The command line of `case`, its {hva} and {aar} the demo's assessment and AAR."""
    command, before, option, _field, after = case
    ids = {
        "{hva}": run("hva", "list", "--json", store=demo).json()[0]["id"],
        "{aar}": run("aar", "list", "--json", store=demo).json()[0]["id"],
    }
    before = [ids.get(a, a) for a in before]
    return [*command.split(), *before, *([option] if option else []), out, *after]


def test_every_output_command_is_listed() -> None:
    """A new command with an output file joins COMMANDS (and so this check)."""
    import argparse

    from hcc_desktop.cli.parser import build_parser

    found: set[tuple[str, str]] = set()

    def walk(p: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        for sub in subs:
            for name, child in sub.choices.items():
                walk(child, (*path, name))
        if not subs:
            for a in p._actions:
                if a.dest in ("out", "xlsx", "pdf"):
                    found.add((" ".join(path), a.dest))

    walk(build_parser(), ())
    listed = {(c[0], c[3]) for c in COMMANDS}
    assert found <= listed, found - listed


@pytest.mark.parametrize("case", COMMANDS, ids=lambda c: f"{c[0]} {c[3]}")
def test_a_missing_folder_is_refused_naming_the_option_and_the_folder(
    run: Run, demo: Path, case: Case
) -> None:
    before = dump(_store(run, demo))
    r = run(*_args(run, demo, case, f"{MISSING}/x.out"), store=demo)
    refused(r, case[3])
    assert r.err.strip() == f"hcc-desktop: {case[3]}: {MISSING}: no such folder"
    assert ".tmp" not in r.err
    assert not Path(MISSING).exists()
    assert dump(_store(run, demo)) == before


def test_the_export_in_an_existing_folder_still_writes_and_leaves_no_tmp(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "x.hccsync"
    out.parent.mkdir()
    r = run("export", str(out), store=demo)
    assert r.code == 0, r.err
    assert [p.name for p in out.parent.iterdir()] == ["x.hccsync"]


def _store(run: Run, demo: Path) -> Run:
    """`run` bound to the demo store (for tests.test_cli.dump)."""
    return lambda *a: run(*a, store=demo)
