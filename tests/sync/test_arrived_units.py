"""The merge skips reading back a unit's versions when the unit had none before the
import and received exactly one (`versions.ArrivedUnits`). That shortcut must give the
very store the full merge gives: same domain rows, winners and conflicts, and a view
that `rebuild` derives again unchanged from the versions alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    StationFactory,
    assert_matches_reference,
    export_full,
    station_from,
    version_rows,
)

from hcc_desktop.core import versions
from hcc_desktop.core.dump import dump_text
from hcc_desktop.demo.seed import seed_demo
from hcc_desktop.sync import importer


def _plain_keys(rows: list[Any]) -> set[tuple[str, str, str]]:
    return {(r.entity, r.record_id, r.unit) for r in rows}


def test_shortcut_gives_the_full_merge(
    make_station: StationFactory, ram_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = make_station("S0")
    seed_demo(origin.store, as_of=dt.date(2026, 9, 14))
    package = export_full(origin.store, ram_dir / "demo.hccsync")

    # The receivers hold demo data of their own: EEI reports share natural ids with
    # the package's (units that already have a winner, and conflicts), the rest is new.
    seeded = make_station("S1")
    seed_demo(seeded.store, as_of=dt.date(2026, 9, 14))
    seeded.close()
    shortcut = station_from(seeded.path, ram_dir / "shortcut")
    full = station_from(seeded.path, ram_dir / "full")

    report = importer.import_package(shortcut.store, package)
    with monkeypatch.context() as patch:
        patch.setattr(importer, "_arrived_units", _plain_keys)
        again = importer.import_package(full.store, package)

    assert report.new == again.new > 1000
    assert report.conflicts == again.conflicts > 0  # both paths of the merge ran
    assert dump_text(shortcut.store) == dump_text(full.store)
    rows = {**version_rows(origin.store), **version_rows(shortcut.store)}
    assert_matches_reference(shortcut.store, rows, domain=False)

    before = dump_text(shortcut.store)
    with shortcut.store.writing(operator=None, summary="rebuild") as w:
        versions.rebuild(w.session)
    assert dump_text(shortcut.store) == before
    shortcut.close()
    full.close()


def test_arrived_units_keep_only_units_with_one_version() -> None:
    class Row:
        def __init__(self, rid: str, unit: str, vid: str) -> None:
            self.entity, self.record_id, self.unit, self.id = "organization", rid, unit, vid

    rows: list[Any] = [Row("a", "name", "1"), Row("a", "name", "2"), Row("b", "name", "3")]
    keys = importer._arrived_units(rows)
    assert keys == {("organization", "a", "name"), ("organization", "b", "name")}
    assert set(keys.single) == {("organization", "b", "name")}
    assert keys.single[("organization", "b", "name")].id == "3"
