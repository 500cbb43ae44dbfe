"""Restore points, the way back from an import: taken only when an import will change
the store, as small on a big store as on a small one, and restored to exactly what a
full copy taken at the same moment holds; refused, with the store unchanged, when the
store is not the one they rewind."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from faults import cli_import
from helpers import Station, clock_hlc, file_tables

from hcc_desktop.core import backups, restore_points
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.incidents import create_incident
from hcc_desktop.core.services.log import NewEntry, add_entries
from hcc_desktop.core.services.undo import undo_last
from hcc_desktop.sync import exporter, importer
from hcc_desktop.sync.errors import PackageRefused

ACTOR = Actor("Dana Reyes", "Situation Unit Leader")


def _members(st: Station, *names: str) -> list[str]:
    return orgs.add_organizations(
        st.store,
        actor=ACTOR,
        members=[
            (None, {"name": n, "member_type": "hospital", "membership": "core"}) for n in names
        ],
    )


def _package(sender: Station, out: Path) -> Path:
    exporter.export_package(sender.store, out)
    return out


def _points(path: Path) -> list[backups.Backup]:
    return [b for b in backups.list_backups(path) if b.is_point]


def test_a_point_restores_exactly_what_a_copy_at_the_same_moment_holds(
    make_station: Any, tmp_path: Path
) -> None:
    a, b = make_station("S0"), make_station("S1")
    _members(a, "Windham Hospital", "Backus Hospital")
    shared = _members(b, "Day Kimball Hospital")
    _package(b, tmp_path / "b1.hccsync")
    importer.import_package(a.store, tmp_path / "b1.hccsync")
    # Sibling edits of one field on both stations: an open conflict after the import.
    orgs.update_organization(a.store, actor=ACTOR, org_id=shared[0], town="Putnam")
    orgs.update_organization(b.store, actor=ACTOR, org_id=shared[0], town="Thompson")
    # A field set only by the import, on a record both hold: empty again after a restore.
    orgs.update_organization(b.store, actor=ACTOR, org_id=shared[0], phone="860-555-0100")
    _members(b, "Johnson Memorial")
    package = _package(b, tmp_path / "b2.hccsync")
    before_point = _members(a, "Manchester Memorial")  # the change set an undo reverts later
    assert shared and before_point
    copy = backups.make_backup(a.store.engine, a.store.path, backups.MANUAL)
    way_back = backups.BeforeImport(a.store)
    report = importer.import_package(a.store, package, before_write=way_back)
    assert report.new > 0 and report.conflicts == 1
    point = way_back.made
    assert point is not None and point.suffix == restore_points.SUFFIX
    # After the point: more local work, and an undo of a change made before it.
    undo_last(a.store, actor=ACTOR)
    incident = create_incident(a.store, actor=ACTOR, name="Ice storm", incident_type="winter_storm")
    add_entries(a.store, actor=ACTOR, incident_id=incident, entries=[NewEntry(text="after")])
    clock_after = clock_hlc(a.store)
    a.close()
    assert file_tables(copy) != file_tables(a.path)

    kept = backups.restore(a.path, point)

    assert kept is not None and kept.exists()
    assert file_tables(a.path) == file_tables(copy)
    assert backups.check_copy(a.path) == []
    a.restart()
    assert clock_hlc(a.store) >= clock_after  # the clock never goes back
    # The package is not "imported before" any more: importing it again brings the
    # store to what the first import made of it.
    again = importer.import_package(a.store, package)
    assert not again.already_imported and again.new == report.new


def test_the_import_again_after_a_restore_gives_the_same_data(
    make_station: Any, tmp_path: Path
) -> None:
    a, b = make_station("S0"), make_station("S1")
    _members(b, *(f"Member {i}" for i in range(20)))
    package = _package(b, tmp_path / "b.hccsync")
    way_back = backups.BeforeImport(a.store)
    importer.import_package(a.store, package, before_write=way_back)
    imported = dump_text(a.store)
    a.close()
    assert way_back.made is not None
    backups.restore(a.path, way_back.made)
    a.restart()
    assert "Member 3" not in dump_text(a.store)
    importer.import_package(a.store, package)
    assert dump_text(a.store) == imported


def test_a_refused_or_repeated_package_takes_no_point(make_station: Any, tmp_path: Path) -> None:
    a, b = make_station("S0"), make_station("S1")
    junk = tmp_path / "junk.hccsync"
    junk.write_bytes(b"not a package at all")
    with pytest.raises(PackageRefused):
        importer.import_package(a.store, junk, before_write=backups.BeforeImport(a.store))
    assert backups.list_backups(a.path) == []
    assert cli_import(a.store, junk, wall=a.wall).code != 0
    assert backups.list_backups(a.path) == []
    _members(b, "Windham Hospital")
    package = _package(b, tmp_path / "b.hccsync")
    assert cli_import(a.store, package, wall=a.wall).code == 0
    assert len(_points(a.path)) == 1
    assert "no new changes" in cli_import(a.store, package, wall=a.wall).out
    assert len(_points(a.path)) == 1


def test_one_point_covers_a_batch(make_station: Any, tmp_path: Path) -> None:
    a, b, c = make_station("S0"), make_station("S1"), make_station("S2")
    _members(b, "Windham Hospital")
    _members(c, "Backus Hospital")
    way_back = backups.BeforeImport(a.store)
    for sender, name in ((b, "b"), (c, "c")):
        importer.import_package(
            a.store, _package(sender, tmp_path / f"{name}.hccsync"), before_write=way_back
        )
    assert [p.path for p in _points(a.path)] == [way_back.made]


def test_a_point_does_not_grow_with_the_store(make_station: Any) -> None:
    """The reason points replaced copies: their cost follows the package, not the store."""
    a = make_station("S0")
    small = backups.make_point(a.path)
    incident = create_incident(a.store, actor=ACTOR, name="Flood", incident_type="flood")
    entries = [NewEntry(text=f"entry {i} " + "x" * 200) for i in range(3000)]
    add_entries(a.store, actor=ACTOR, incident_id=incident, entries=entries)
    big = backups.make_point(a.path)
    assert a.path.stat().st_size > 2 * 1024 * 1024  # the history grew by megabytes
    assert big.stat().st_size == small.stat().st_size


def test_a_point_of_another_store_is_refused_and_changes_nothing(
    make_station: Any, tmp_path: Path
) -> None:
    a, b = make_station("S0"), make_station("S1")
    point = backups.make_point(b.path)
    foreign = backups.backup_dir(a.path) / point.name.replace(b.path.stem, a.path.stem)
    foreign.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(point, foreign)
    a.close()
    before = file_tables(a.path)
    with pytest.raises(StoreError, match="made from another store"):
        backups.restore(a.path, foreign)
    assert file_tables(a.path) == before
    assert not any(b.reason == backups.BEFORE_RESTORE for b in backups.list_backups(a.path))


def test_a_point_is_refused_once_the_store_went_back_past_it(
    make_station: Any, tmp_path: Path
) -> None:
    a, b = make_station("S0"), make_station("S1")
    old = backups.make_backup(a.store.engine, a.store.path, backups.MANUAL)
    _members(a, "Windham Hospital")  # history the old copy lacks
    _members(b, "Backus Hospital")
    way_back = backups.BeforeImport(a.store)
    importer.import_package(a.store, _package(b, tmp_path / "b.hccsync"), before_write=way_back)
    a.close()
    backups.restore(a.path, old)
    before = file_tables(a.path)
    assert way_back.made is not None
    with pytest.raises(StoreError, match="choose a full copy"):
        backups.restore(a.path, way_back.made)
    assert file_tables(a.path) == before


def test_a_point_needs_its_store(make_station: Any) -> None:
    a = make_station("S0")
    point = backups.make_point(a.path)
    a.close()
    for side in ("", "-wal", "-shm"):
        Path(f"{a.path}{side}").unlink(missing_ok=True)
    with pytest.raises(StoreError, match="is gone; choose a full copy"):
        backups.restore(a.path, point)
    assert not a.path.exists()


def test_points_never_stand_in_for_the_daily_copy(make_station: Any) -> None:
    a = make_station("S0")
    morning = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
    for n in range(backups.KEEP_RECENT + 3):
        backups.make_point(a.path, now=morning + timedelta(minutes=n))
    daily = backups.daily(a.store, now=morning + timedelta(hours=1))
    assert daily is not None and daily.suffix == ".sqlite"
    for n in range(backups.KEEP_RECENT + 3):
        backups.make_point(a.path, now=morning + timedelta(hours=2, minutes=n))
    backups.prune(a.path, now=morning + timedelta(hours=3))
    kept = backups.list_backups(a.path)
    # The newest points, and the only full copy, which the points would have pushed out.
    assert [k.path for k in kept if not k.is_point] == [daily]
    assert len([k for k in kept if k.is_point]) == backups.KEEP_RECENT
    assert backups.daily(a.store, now=morning + timedelta(hours=4)) is None


def test_a_point_says_what_it_is() -> None:
    item = backups.Backup(
        Path("s-20261203T101500Z-import.point"),
        datetime(2026, 12, 3, 10, 15, tzinfo=UTC),
        "import",
        40960,
    )
    assert item.is_point
    assert "before an import (restore point of this store)" in item.describe()


def test_a_point_cannot_bring_back_a_damaged_store(make_station: Any) -> None:
    from tests.store_faults import damage_pages

    a = make_station("S0")
    _members(a, *(f"Member {i}" for i in range(200)))
    point = backups.make_point(a.path)
    a.close()
    damage_pages(a.path)
    damaged = a.path.read_bytes()
    with pytest.raises(StoreError, match="choose a full copy"):
        backups.restore(a.path, point)
    assert a.path.read_bytes() == damaged
    assert sorted(p.name for p in a.path.parent.iterdir() if "restoring" in p.name) == []
