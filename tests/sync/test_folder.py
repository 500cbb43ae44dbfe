"""Shared-folder mode: each run drops this station's package and imports the new
trusted packages others dropped, through the same checks as a manual import. A damaged
file is moved aside with a note and never retried; an untrusted one is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcc_desktop.core import backups
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.sync.errors import PackageRefused
from hcc_desktop.sync.exporter import export_package
from hcc_desktop.sync.folder import REJECTED, own_package_name, sync_folder
from tests.sync.helpers import Station, fresh_station, trust_each_other

ANN = Actor("Ann Lee", "Duty Officer")


@pytest.fixture
def stations(tmp_path: Path) -> tuple[Station, Station, Path]:
    a = fresh_station(tmp_path / "a", "State EOC")
    b = fresh_station(tmp_path / "b", "Region 2 HCC")
    trust_each_other([a, b], tmp_path)
    folder = tmp_path / "shared"
    folder.mkdir()
    yield a, b, folder
    a.close()
    b.close()


def _edit(st: Station, name: str) -> None:
    st.wall.advance(1000)
    organizations.add_organization(
        st.store, actor=ANN, name=name, member_type="hospital", membership="core"
    )


def test_two_stations_converge_through_the_folder(stations) -> None:
    a, b, folder = stations
    _edit(a, "Hartford Hospital")
    _edit(b, "Windham Hospital")
    first = sync_folder(a.store, folder)
    assert first.exported == folder / own_package_name(a.store)
    assert first.imported == []
    second = sync_folder(b.store, folder)
    assert [p.name for p, _ in second.imported] == [own_package_name(a.store)]
    sync_folder(a.store, folder)
    assert dump_text(a.store) == dump_text(b.store)
    assert "Windham Hospital" in dump_text(a.store)
    again = sync_folder(a.store, folder, export=False)
    assert again.imported == [], "a package already imported is not read again"


def test_a_damaged_package_is_moved_aside_with_a_note_once(stations) -> None:
    a, _b, folder = stations
    bad = folder / "broken.hccsync"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    before = dump_text(a.store)
    result = sync_folder(a.store, folder, export=False)
    assert [p.name for p, _ in result.rejected] == ["broken.hccsync"]
    assert not bad.exists()
    moved = folder / REJECTED / "broken.hccsync"
    assert moved.exists()
    note = (folder / REJECTED / "broken.hccsync.txt").read_text(encoding="utf-8")
    assert "Refused by State EOC" in note and "broken.hccsync" in note
    assert dump_text(a.store) == before
    assert sync_folder(a.store, folder, export=False).rejected == [], "never retried"


def test_an_untrusted_package_is_skipped_and_left_in_place(stations, tmp_path: Path) -> None:
    a, _b, folder = stations
    stranger = fresh_station(tmp_path / "c", "Unknown Station")
    try:
        _edit(stranger, "Stranger Hospital")
        export_package(stranger.store, folder / own_package_name(stranger.store))
    finally:
        stranger.close()
    before = dump_text(a.store)
    result = sync_folder(a.store, folder, export=False)
    assert len(result.skipped_untrusted) == 1
    assert "untrusted" in result.summary()
    assert (folder / own_package_name(stranger.store)).exists()
    assert dump_text(a.store) == before


def test_a_backup_is_taken_once_before_the_first_import_of_a_run(stations) -> None:
    a, b, folder = stations
    _edit(b, "Windham Hospital")
    sync_folder(b.store, folder)
    assert backups.list_backups(a.path) == []
    sync_folder(a.store, folder, export=False)
    made = [x for x in backups.list_backups(a.path) if x.reason == backups.IMPORT]
    assert len(made) == 1
    sync_folder(a.store, folder, export=False)  # nothing new: no further copy
    assert len([x for x in backups.list_backups(a.path) if x.reason == backups.IMPORT]) == 1


def test_a_missing_folder_is_refused_by_name(stations, tmp_path: Path) -> None:
    a, _b, _folder = stations
    with pytest.raises(PackageRefused, match="does not exist"):
        sync_folder(a.store, tmp_path / "nowhere")
