"""A restore can be cancelled until its files start to be swapped: wherever the cancel
comes (the integrity check of the backup, the copy, the rewind of a point, the
derivation, the final check), the restore ends with Cancelled, the store is exactly as
it was, and it leaves nothing behind: no half-built store, no `before-restore` copy."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from helpers import Station, file_tables

from hcc_desktop.core import backups
from hcc_desktop.core import sqlite as sq
from hcc_desktop.core.errors import Cancelled
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.sync import exporter, importer

ACTOR = Actor("Dana Reyes", "Situation Unit Leader")


class StopAt:
    """Says "stop" from its k-th question on (never, with k=None); counts questions."""

    def __init__(self, k: int | None) -> None:
        self.k = k
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.k is not None and self.asked >= self.k


def _members(st: Station, *names: str) -> None:
    orgs.add_organizations(
        st.store,
        actor=ACTOR,
        members=[
            (None, {"name": n, "member_type": "hospital", "membership": "core"}) for n in names
        ],
    )


def _backup_and_later_work(make_station: Any, tmp_path: Path, kind: str) -> tuple[Path, Path]:
    """A store, a backup of the kind asked for, and work after it the restore undoes."""
    a, b = make_station("S0"), make_station("S1")
    _members(a, *(f"Hospital {i}" for i in range(40)))
    if kind == "copy":
        backup = backups.make_backup(a.store.engine, a.store.path, backups.MANUAL)
        _members(a, "Windham Hospital")
    else:
        _members(b, *(f"Clinic {i}" for i in range(40)))
        package = tmp_path / "b.hccsync"
        exporter.export_package(b.store, package)
        way_back = backups.BeforeImport(a.store)
        importer.import_package(a.store, package, before_write=way_back)
        assert way_back.made is not None
        backup = way_back.made
    a.close()
    return a.path, backup


def _left_over(path: Path) -> list[str]:
    beside = [p.name for p in path.parent.iterdir() if ".restoring" in p.name]
    kept = [b.path.name for b in backups.list_backups(path) if b.reason == backups.BEFORE_RESTORE]
    return beside + kept


@pytest.mark.parametrize("kind", ["point", "copy"])
def test_a_cancel_anywhere_before_the_swap_leaves_the_store_as_it_was(
    make_station: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # Small steps, so that even this small store is asked many times in every phase.
    monkeypatch.setattr(sq, "STOP_EVERY", 200)
    monkeypatch.setattr(backups, "COPY_CHUNK", 4096)
    monkeypatch.setattr("hcc_desktop.core.restore_points.COPY_PAGES", 1)
    path, backup = _backup_and_later_work(make_station, tmp_path, kind)
    before = file_tables(path)
    # How many times a whole restore asks, on a scratch copy of the store.
    scratch = tmp_path / "scratch" / path.name
    scratch.parent.mkdir()
    scratch.write_bytes(path.read_bytes())
    if kind == "point":  # a point rewinds the store it was made from: its own folder
        target = backups.backup_dir(scratch) / backup.name.replace(path.stem, scratch.stem)
        target.parent.mkdir(parents=True)
        target.write_bytes(backup.read_bytes())
    else:
        target = backup
    counting = StopAt(None)
    backups.restore(scratch, target, stop=counting)
    n = counting.asked
    assert n > 20, f"only {n} checks: the cancel would not be timely"
    ks = sorted({1, 2, n // 3, n // 2, n - 1, n, *random.Random(n).sample(range(1, n), 6)})
    for k in ks:
        stop = StopAt(k)
        with pytest.raises(Cancelled):
            backups.restore(path, backup, stop=stop)
        assert file_tables(path) == before, f"store changed by a cancel at check {k} of {n}"
        assert _left_over(path) == [], f"left behind by a cancel at check {k} of {n}"
    # And once it is let run, the same restore goes through.
    kept = backups.restore(path, backup, stop=StopAt(None))
    assert kept is not None and file_tables(path) != before


def test_the_restore_of_a_backup_that_fails_its_check_is_a_refusal_not_a_cancel(
    tmp_path: Path,
) -> None:
    """A read error in the integrity check is only a cancel when the operator cancelled."""
    damaged = tmp_path / "s-20261203T120000Z-manual.sqlite"
    damaged.write_bytes(b"not a database at all" * 100)
    problems = backups.check_copy(damaged, stop=StopAt(None))
    assert problems and "not a database" in problems[0]
