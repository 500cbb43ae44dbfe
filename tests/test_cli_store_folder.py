"""`init` (and `seed-demo`) with a store the operator named in a folder that does not
exist is refused, exit 1 and one line naming `--store` (or $HCC_STORE) and the
folder, and nothing is created: a typo must not make a new store somewhere
unexpected. The default store under the user's data folder, and the GUI's first start,
still have the folders made for them."""

# ruff: noqa: F811  (the fixtures of tests/test_cli.py, taken as parameters)

from __future__ import annotations

from pathlib import Path

import pytest

from hcc_desktop import cli
from hcc_desktop.core.services.common import Actor
from tests.test_cli import Run, refused, run  # noqa: F401


@pytest.mark.parametrize("command", [["init", "--station", "State EOC"], ["seed-demo"]])
def test_a_named_store_in_a_missing_folder_is_refused(
    run: Run, tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "typo" / "dir" / "s.sqlite"
    r = run(*command, store=path)
    refused(r, "--store")
    assert r.err.strip() == f"hcc-desktop: --store: {path.parent}: no such folder"
    assert not (tmp_path / "typo").exists()


def test_hcc_store_in_a_missing_folder_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "typo" / "s.sqlite"
    monkeypatch.setenv("HCC_STORE", str(path))
    assert cli.main(["init"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"hcc-desktop: HCC_STORE: {path.parent}: no such folder"
    )
    assert not path.parent.exists()


def test_a_named_store_in_an_existing_folder_is_created(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    r = run("init", "--station", "State EOC", store=path)
    assert r.code == 0, r.err
    assert path.exists()


def test_the_default_store_still_gets_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No store named: the one under the user's data folder, made on first use."""
    data = tmp_path / "data" / "hcc-desktop"
    monkeypatch.delenv("HCC_STORE", raising=False)
    monkeypatch.setattr("hcc_desktop.paths.user_data_dir", lambda: data)
    assert cli.main(["init", "--station", "State EOC"]) == 0, capsys.readouterr().err
    assert (data / "store.sqlite").exists()


def test_the_gui_first_start_still_makes_the_folders(tmp_path: Path) -> None:
    """The welcome dialog's plan opens the store through the core, which makes them."""
    pytest.importorskip("PySide6")
    from hcc_desktop.gui.startup.first_start import Plan, Start, create

    path = tmp_path / "data" / "hcc-desktop" / "store.sqlite"
    outcome = create(Plan(path, "Region 2 HCC", Actor("Dana Reyes", "Duty Officer"), Start.EMPTY))
    try:
        assert path.exists()
    finally:
        outcome.store.close()
