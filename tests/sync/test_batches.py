"""A large import is merged a batch of units at a time (to bound its memory). The
batches must not change the outcome: importing the demo coalition with tiny batches
gives the same store as one batch, records are never split across batches, and both
match the reference model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import StationFactory, assert_matches_reference, export_full, version_rows

from hcc_desktop.core import versions
from hcc_desktop.core.dump import dump_text
from hcc_desktop.demo.seed import seed_demo
from hcc_desktop.sync import importer


def test_record_batches_keep_each_record_whole() -> None:
    keys = sorted(
        [("org", f"r{i // 3}", f"u{i % 3}") for i in range(20)]
        + [("log", "a", "entry"), ("log", "a", "nomination")]
    )
    batches = list(versions._record_batches(keys, 4))
    assert [k for b in batches for k in b] == keys, "a key was lost or reordered"
    assert len(batches) > 3
    records = [{k[:2] for k in b} for b in batches]
    for i, first in enumerate(records):
        for later in records[i + 1 :]:
            assert not first & later, "one record's units were split across batches"


def test_tiny_batches_give_the_same_store(
    make_station: StationFactory, ram_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = make_station("S0")
    seed_demo(origin.store, as_of=dt.date(2026, 9, 14))
    package = export_full(origin.store, ram_dir / "demo.hccsync")

    whole = make_station("S1")
    importer.import_package(whole.store, package)

    monkeypatch.setattr(versions, "RECOMPUTE_BATCH", 7)
    batched = make_station("S1")
    report = importer.import_package(batched.store, package)

    assert report.new > 1000
    assert dump_text(batched.store) == dump_text(whole.store) == dump_text(origin.store)
    assert_matches_reference(batched.store, version_rows(origin.store), domain=False)
