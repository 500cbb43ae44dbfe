"""Rolling backups: made daily, before imports and migrations; pruned to the retention
rule; restored in place of a damaged store, with the replaced store kept."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from hcc_desktop.core import backups, migrations
from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.incidents import create_incident
from tests.conftest import FakeWall, copy_store

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ACTOR = Actor("Dana Reyes", "Situation Unit Leader")


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    return copy_store(template_store, tmp_path / "s.sqlite")


def _log_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM versions").fetchone()[0]
    finally:
        conn.close()


def test_daily_makes_one_copy_per_day_with_the_key(store_path: Path) -> None:
    with open_store(store_path, wall=FakeWall()) as s:
        first = backups.daily(s, now=T0)
        again = backups.daily(s, now=T0 + timedelta(hours=3))
        next_day = backups.daily(s, now=T0 + timedelta(days=1))
    assert first is not None and again is None and next_day is not None
    assert first.parent == store_path.with_name("s-backups")
    assert (
        first.with_name(first.name + ".key").read_bytes() == Path(f"{store_path}.key").read_bytes()
    )
    listed = backups.list_backups(store_path)
    assert [b.path for b in listed] == [next_day, first]
    assert {b.reason for b in listed} == {"daily"}
    assert backups.check_copy(first) == []


def test_prune_keeps_recent_copies_and_one_per_day(store_path: Path) -> None:
    with open_store(store_path, wall=FakeWall()) as s:
        for day in range(30):
            for hour in (8, 20):
                at = T0 - timedelta(days=day, hours=hour)
                backups.make_backup(s.engine, s.path, backups.IMPORT, now=at)
    removed = backups.prune(store_path, days=7, recent=3, now=T0)
    kept = backups.list_backups(store_path)
    assert len(kept) + len(removed) == 60
    # three newest, plus the newest of each local day within the last 7 days
    assert kept[:3] == backups.list_backups(store_path)[:3]
    assert all(b.at >= T0 - timedelta(days=7) for b in kept)
    assert 3 <= len(kept) <= 3 + 8
    days = [b.at.astimezone().date() for b in kept[3:]]
    assert len(days) == len(set(days))
    assert not any(Path(f"{p}.key").exists() for p in removed)


def test_prune_never_deletes_the_newest_even_when_old(store_path: Path) -> None:
    with open_store(store_path, wall=FakeWall()) as s:
        old = backups.make_backup(s.engine, s.path, backups.DAILY, now=T0 - timedelta(days=90))
    assert backups.prune(store_path, days=7, recent=1, now=T0) == []
    assert old.exists()


def test_keep_days_comes_from_the_store_setting(store_path: Path) -> None:
    with open_store(store_path, wall=FakeWall()) as s:
        assert backups.keep_days(s) == backups.KEEP_DAYS
        s.set_setting(backups.KEEP_DAYS_SETTING, "3")
        assert backups.keep_days(s) == 3
        s.set_setting(backups.KEEP_DAYS_SETTING, "many")
        assert backups.keep_days(s) == backups.KEEP_DAYS


def test_restore_replaces_a_damaged_store_and_keeps_it(store_path: Path) -> None:
    with open_store(store_path, wall=FakeWall()) as s:
        copy = backups.make_backup(s.engine, s.path, backups.MANUAL, now=T0)
        create_incident(s, actor=ACTOR, name="After the backup")
    before = _log_count(copy)
    assert _log_count(store_path) > before
    store_path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # damaged
    kept = backups.restore(store_path, copy, now=T0 + timedelta(minutes=5))
    assert kept is not None and kept.exists() and "before-restore" in kept.name
    assert kept.read_bytes().startswith(b"SQLite format 3")
    assert Path(f"{kept}.key").exists()
    with open_store(store_path, wall=FakeWall()) as s, s.read() as session:
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert _log_count(store_path) == before
    reasons = {b.reason for b in backups.list_backups(store_path)}
    assert reasons == {"manual", "before-restore"}


def test_restore_refuses_a_damaged_backup(store_path: Path, tmp_path: Path) -> None:
    bad = store_path.with_name("s-backups") / "s-20261120T120000Z-daily.sqlite"
    bad.parent.mkdir()
    bad.write_bytes(b"not a database at all" * 100)
    original = store_path.read_bytes()
    with pytest.raises(StoreError, match="damaged too"):
        backups.restore(store_path, bad)
    assert store_path.read_bytes() == original


def test_restore_brings_back_the_key_when_it_was_lost(store_path: Path) -> None:
    with open_store(store_path, wall=FakeWall()) as s:
        copy = backups.make_backup(s.engine, s.path, backups.MANUAL, now=T0)
        site = s.site_id
    Path(f"{store_path}.key").unlink()
    backups.restore(store_path, copy, now=T0)
    with open_store(store_path, wall=FakeWall()) as s:
        assert s.site_id == site


def test_migration_is_preceded_by_a_backup(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older store (here: one revision behind, faked) gets a copy before upgrading."""
    head = migrations.head_revision()
    graph = migrations._graph()
    older = graph[head]
    if older is None:
        pytest.skip("only one migration: nothing older to upgrade from")
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE alembic_version SET version_num = ?", (older,))
    conn.commit()
    conn.close()
    applied = []
    monkeypatch.setattr(
        "alembic.command.upgrade", lambda cfg, rev: applied.append(rev), raising=True
    )
    open_store(store_path).close()
    assert applied == ["head"]
    assert [b.reason for b in backups.list_backups(store_path)] == ["migration"]


def test_newer_store_is_refused_with_its_own_error(store_path: Path) -> None:
    conn = sqlite3.connect(store_path)
    conn.execute("UPDATE alembic_version SET version_num = 'f00dfeed9999'")
    conn.commit()
    conn.close()
    with pytest.raises(migrations.NewerStoreError, match="newer"):
        open_store(store_path)
    assert backups.list_backups(store_path) == []


def test_a_new_store_is_not_backed_up(tmp_path: Path) -> None:
    open_store(tmp_path / "new.sqlite", wall=FakeWall()).close()
    assert backups.list_backups(tmp_path / "new.sqlite") == []


def test_prune_clears_copies_cut_off_mid_write(store_path: Path) -> None:
    """A window closed (or a power cut) during a copy leaves `*.partial` behind; once it
    is old enough that nothing can still be writing it, pruning deletes it."""
    import os

    folder = backups.backup_dir(store_path)
    folder.mkdir()
    stale = folder / "s-20261119T120000Z-daily.sqlite.partial"
    stale.write_bytes(b"half a copy")
    stale_key = folder / "s-20261119T120000Z-daily.sqlite.key"
    stale_key.write_text("key")
    fresh = folder / "s-20261120T115500Z-import.point.partial"
    fresh.write_bytes(b"being written")
    # A restore point is written through files.staged, which leaves `.tmp` when cut off.
    stale_point = folder / "s-20261119T120500Z-import.point.tmp"
    stale_point.write_bytes(b"half a point")
    fresh_point = folder / "s-20261120T115600Z-import.point.tmp"
    fresh_point.write_bytes(b"being written")
    old = (T0 - timedelta(days=1)).timestamp()
    for path in (stale, stale_point):
        os.utime(path, (old, old))
    for path in (fresh, fresh_point):
        os.utime(path, (T0.timestamp(), T0.timestamp()))
    removed = backups.prune(store_path, now=T0)
    assert stale in removed and not stale.exists() and not stale_key.exists()
    assert stale_point in removed and not stale_point.exists()
    assert fresh.exists() and fresh_point.exists()
    # Another store's leftovers in the same folder are not this store's to delete.
    other = folder / "s-west-20261119T120000Z-import.point.tmp"
    other.write_bytes(b"not ours")
    os.utime(other, (old, old))
    backups.prune(store_path, now=T0)
    assert other.exists()
