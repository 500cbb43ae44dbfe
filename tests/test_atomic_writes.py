"""Every command that writes is all or nothing (issue 12, part 1).

`Store.atomic()` is the mechanism; each writer that used to commit in several
transactions gets a fault test that fails the disk part way and proves the file is
exactly as it was (tests/store_faults.py). One test fills a real, small file system.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from hcc_desktop.core import backups, catalog
from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import incidents
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.demo.seed import seed_demo
from hcc_desktop.interop.cap_export import Advisory, export_cap
from hcc_desktop.sync import conflicts, exporter, history, importer, trust
from tests.conftest import FakeWall, copy_store
from tests.store_faults import DiskFull, assert_all_or_nothing, snapshot

ANN = Actor("Ann Duty", "Duty Officer")
AS_OF = dt.date(2026, 11, 18)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    return tmp_path / "work.sqlite"


@pytest.fixture
def with_incident(template_store: Path, tmp_path: Path) -> Path:
    path = copy_store(template_store, tmp_path / "incident.sqlite")
    with open_store(path, wall=FakeWall()) as store:
        incidents.create_incident(
            store, actor=ANN, name="Ice storm", started_at="2026-11-18T08:00:00Z",
            first_period_hours=12,
        )  # fmt: skip
    return path


# --------------------------------------------------------------------- the scope


def test_atomic_commits_once_and_tells_listeners_after(template_store: Path, work: Path) -> None:
    copy_store(template_store, work)
    heard: list[object] = []
    with open_store(work, wall=FakeWall()) as store:
        store.listeners.append(heard.append)
        with store.atomic():
            orgs.add_region(store, actor=ANN, name="North", key="N")
            # A later step reads what an earlier one wrote...
            assert [r.name for r in orgs.list_regions(store)] == ["North"]
            # ...while another thread still sees the store as committed.
            seen: list[int] = []
            t = threading.Thread(target=lambda: seen.append(len(orgs.list_regions(store))))
            t.start()
            t.join()
            assert seen == [0]
            assert heard == []
        assert len(heard) == 1
        assert [r.name for r in orgs.list_regions(store)] == ["North"]


def test_atomic_rolls_back_everything_on_error(template_store: Path, work: Path) -> None:
    copy_store(template_store, work)
    before = snapshot(work)
    heard: list[object] = []
    with open_store(work, wall=FakeWall()) as store:
        store.listeners.append(heard.append)
        with pytest.raises(RuntimeError), store.atomic():
            orgs.add_region(store, actor=ANN, name="North", key="N")
            store.set_setting("something", "x")
            with store.atomic():  # nested scopes join the outer one
                orgs.add_region(store, actor=ANN, name="South", key="S")
            raise RuntimeError("stop")
    assert heard == []
    assert snapshot(work) == before


def test_a_refused_step_caught_inside_keeps_the_rest(template_store: Path, work: Path) -> None:
    """Each inner write is a savepoint: a service refusal handled by the caller does not
    poison the steps around it."""
    copy_store(template_store, work)
    with open_store(work, wall=FakeWall()) as store:
        with store.atomic():
            orgs.add_region(store, actor=ANN, name="North", key="N")
            with pytest.raises(ValidationError):
                incidents.create_incident(store, actor=ANN, name="  ")
            orgs.add_region(store, actor=ANN, name="South", key="S")
        assert sorted(r.name for r in orgs.list_regions(store)) == ["North", "South"]


# ----------------------------------------------------------------- the writers


def test_seed_demo_is_all_or_nothing(template_store: Path, work: Path) -> None:
    writes = assert_all_or_nothing(
        template_store, work, lambda s: seed_demo(s, as_of=AS_OF), wall=FakeWall()
    )
    assert writes > 100


def test_new_incident_with_its_period_and_current_is_all_or_nothing(
    template_store: Path, work: Path
) -> None:
    def make(store: Store) -> None:
        incidents.create_incident(
            store, actor=ANN, name="Ice storm", started_at="2026-11-18T08:00:00Z",
            first_period_hours=12,
        )  # fmt: skip

    assert_all_or_nothing(template_store, work, make, wall=FakeWall())
    with open_store(work, wall=FakeWall()) as store:
        make(store)
        inc = incidents.current_incident(store)
        assert inc is not None and inc.name == "Ice storm"
        [period] = incidents.list_periods(store, incident_id=inc.id)
        assert (period.starts_at, period.ends_at) == (
            "2026-11-18T08:00:00Z",
            "2026-11-18T20:00:00Z",
        )


def test_a_refused_first_period_leaves_no_incident(template_store: Path, work: Path) -> None:
    """The GUI's New incident form used to keep the incident when its first period was
    refused; pressing Save again made a second one."""
    copy_store(template_store, work)
    before = snapshot(work)
    with open_store(work, wall=FakeWall()) as store:
        with pytest.raises(ValidationError) as err:
            incidents.create_incident(store, actor=ANN, name="Ice storm", first_period_hours=10_000)
        assert err.value.field == "first_period_hours"
    assert snapshot(work) == before


def test_conflict_resolution_is_all_or_nothing(tmp_path: Path) -> None:
    a = open_store(tmp_path / "a.sqlite", station_name="State EOC", wall=FakeWall())
    b = open_store(tmp_path / "b.sqlite", station_name="Region 1", wall=FakeWall())
    for s, t in ((a, b), (b, a)):
        trust.export_key(t, tmp_path / f"{t.site_id}.json")
        trust.trust(s, tmp_path / f"{t.site_id}.json")
    org = orgs.add_organization(
        a, actor=ANN, name="Hartford Hospital", member_type="hospital", membership="core"
    )
    exporter.export_package(a, tmp_path / "a1.hccsync")
    importer.import_package(b, tmp_path / "a1.hccsync")
    a.wall.advance(5)
    b.wall.advance(5)
    orgs.update_organization(a, actor=ANN, org_id=org, phone="860-111-1111")
    orgs.update_organization(b, actor=ANN, org_id=org, phone="860-222-2222")
    exporter.export_package(a, tmp_path / "a2.hccsync")
    importer.import_package(b, tmp_path / "a2.hccsync")
    [open_conflict] = conflicts.list_conflicts(b)
    a.close()
    b.close()

    def resolve(store: Store) -> None:
        conflicts.resolve(store, actor=ANN, conflict_id=open_conflict.id, value="860-333-3333")

    assert_all_or_nothing(tmp_path / "b.sqlite", tmp_path / "work.sqlite", resolve)
    with open_store(tmp_path / "work.sqlite") as store:
        resolve(store)
        assert conflicts.list_conflicts(store) == []


def test_export_record_is_all_or_nothing(tmp_path: Path) -> None:
    a = open_store(tmp_path / "a.sqlite", station_name="State EOC", wall=FakeWall())
    b = open_store(tmp_path / "b.sqlite", station_name="Region 1", wall=FakeWall())
    trust.export_key(b, tmp_path / "b.json")
    trust.trust(a, tmp_path / "b.json")
    b.close()
    a.close()

    def record(store: Store) -> None:
        history.record_export(store, for_site="x" * 8, at="2026-11-18T08:00:00Z")

    assert_all_or_nothing(tmp_path / "a.sqlite", tmp_path / "work.sqlite", record)


def test_catalog_mirror_is_all_or_nothing(
    template_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new catalog file is mirrored into the store with the digest that says so."""
    newer = dataclasses.replace(catalog.load_catalog(), digest="a newer catalog")

    def mirror(store: Store) -> None:
        with monkeypatch.context() as patch:
            patch.setattr(catalog, "load_catalog", lambda: newer)
            catalog.sync_into_store(store)

    assert_all_or_nothing(template_store, tmp_path / "work.sqlite", mirror)


def test_cap_advisory_file_and_record_together(with_incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "advisory.xml"
    adv = Advisory(
        event="Ice storm", headline="Hospitals: expect power loss", description="Plan for it.",
        area="Hartford County", geocodes=[("SAME", "009003")],
    )  # fmt: skip

    def issue(store: Store) -> None:
        out.unlink(missing_ok=True)
        try:
            export_cap(store, out, adv, actor=ANN)
        finally:
            if not out.exists():
                assert not list(tmp_path.glob("advisory.xml*")), "a partial file was left"

    assert_all_or_nothing(with_incident, tmp_path / "work.sqlite", issue, wall=FakeWall())
    # A failed record leaves no file: the disk fills at the record's first write.
    out.unlink(missing_ok=True)
    copy_store(with_incident, tmp_path / "work.sqlite")
    with open_store(tmp_path / "work.sqlite", wall=FakeWall()) as store:
        DiskFull(store, fail_at=1)
        with pytest.raises(Exception, match="disk is full"):
            export_cap(store, out, adv, actor=ANN)
    assert not out.exists()
    assert not list(tmp_path.glob("advisory.xml*"))


# --------------------------------------------------------------------- restore


class _CopyFailing:
    """shutil.copy2 that runs out of space at its Nth call, leaving a cut-short file."""

    def __init__(self, real: Callable[..., object], fail_at: int) -> None:
        self.real, self.fail_at, self.calls = real, fail_at, 0

    def __call__(self, src: object, dst: object, **kw: object) -> object:
        self.calls += 1
        if self.calls >= self.fail_at:
            Path(str(dst)).write_bytes(b"partial")
            raise OSError(28, "No space left on device")
        return self.real(src, dst, **kw)


def test_restore_that_runs_out_of_space_leaves_the_store(
    template_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_path = copy_store(template_store, tmp_path / "store.sqlite")
    with open_store(store_path, wall=FakeWall()) as store:
        orgs.add_region(store, actor=ANN, name="North", key="N")
        backup = backups.make_backup(store.engine, store.path, backups.MANUAL)
        orgs.add_region(store, actor=ANN, name="South", key="S")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    real_copy = shutil.copy2
    for fail_at in (1, 2, 3):
        monkeypatch.setattr(shutil, "copy2", _CopyFailing(real_copy, fail_at))
        with pytest.raises(OSError):
            backups.restore(store_path, backup)
        monkeypatch.setattr(shutil, "copy2", real_copy)
        after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
        assert after == before, f"copy {fail_at} failing changed the store's folder"
    kept = backups.restore(store_path, backup)
    assert kept is not None and kept.exists()
    with open_store(store_path, wall=FakeWall()) as store:
        assert [r.name for r in orgs.list_regions(store)] == ["North"]


# --------------------------------------------------------------- a real full disk


def _mount_small_disk(where: Path, megabytes: int) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(where)],
        capture_output=True,
    )
    return done.returncode == 0


def test_seed_demo_on_a_full_disk_leaves_the_store_as_it_was(
    template_store: Path, tmp_path: Path
) -> None:
    """`seed-demo` on a small file system: exit 1 with a message, and the store exactly
    as before (it used to keep the regions it had written)."""
    disk = tmp_path / f"disk-{uuid.uuid4().hex[:8]}"
    size_mb = max(2, (template_store.stat().st_size >> 20) + 2)
    if not _mount_small_disk(disk, size_mb):
        if os.environ.get("CI"):
            pytest.fail("CI runs as root and must be able to mount a small tmpfs")
        pytest.skip("mounting a small file system needs root")
    try:
        store = copy_store(template_store, disk / "store.sqlite")
        before = snapshot(store)
        done = subprocess.run(
            [sys.executable, "-m", "hcc_desktop", "--store", str(store), "seed-demo",
             "--as-of", AS_OF.isoformat()],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 1, done.stdout + done.stderr
        assert str(store) in done.stderr
        assert "Traceback" not in done.stderr
        assert snapshot(store) == before
        with open_store(store) as reopened:
            assert reopened.read().query(m.Region).count() == 0
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_package_appears_only_with_its_sent_record(template_store: Path, tmp_path: Path) -> None:
    """Export writes the package and records it as sent together: a refused record
    leaves no package file (and no half-written one) beside the store."""
    store_path = copy_store(template_store, tmp_path / "store.sqlite")
    out = tmp_path / "out" / "pkg.hccsync"
    out.parent.mkdir()
    with open_store(store_path, wall=FakeWall()) as store:
        orgs.add_region(store, actor=ANN, name="North", key="N")
        before = snapshot(store_path)
        fault = DiskFull(store, fail_at=1)
        with pytest.raises(Exception, match="disk is full"):
            exporter.export_package(store, out)
        fault.remove()
        assert list(out.parent.iterdir()) == []
        assert snapshot(store_path) == before
        exporter.export_package(store, out)
        assert out.exists()
        assert history.station_summaries(store)
