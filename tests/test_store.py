"""The store file: migrations, refusals with a message a person can act on, SQLite
settings, the append-only history, and the station's key."""

from __future__ import annotations

import base64
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import func, select, text

from hcc_desktop.core import migrations
from hcc_desktop.core import models as m
from hcc_desktop.core import sqlite as sq
from hcc_desktop.core.check import check_store
from hcc_desktop.core.clock import unpack
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.station import (
    fingerprint,
    key_path_for,
    load_identity,
    load_private_key,
    raw_public,
    site_id_for,
)
from hcc_desktop.core.store import Store

ACTOR = Actor("Dana Reyes", "Situation Unit Leader")


def count(store: Store, model: type[m.Base]) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def add_member(store: Store, name: str = "Hartford Hospital") -> str:
    return orgs.add_organization(
        store, actor=ACTOR, name=name, member_type="hospital", membership="core"
    )


@pytest.fixture
def fresh(tmp_path: Path, wall) -> Iterator[Store]:
    store = open_store(tmp_path / "new" / "store.sqlite", station_name="Fresh", wall=wall)
    yield store
    store.close()


# ----------------------------------------------------------------------------- schema


def test_new_file_is_migrated_to_head(fresh: Store) -> None:
    head = migrations.head_revision()
    assert head
    assert migrations.current_revision(fresh.engine) == head
    with fresh.read() as s:
        names = {r[0] for r in s.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    assert {"versions", "winners", "conflicts", "organizations", "eei_reports"} <= names
    assert check_store(fresh).ok


def test_new_store_knows_itself_and_starts_its_clock(fresh: Store) -> None:
    with fresh.read() as s:
        me = s.scalars(select(m.Station).where(m.Station.is_self)).one()
        clock = s.get_one(m.ClockState, 1)
    assert me.name == "Fresh"
    assert me.site_id == fresh.site_id
    assert me.trusted
    assert clock.hlc == 0


def test_reopen_is_a_no_op_and_keeps_the_data(fresh: Store, wall) -> None:
    add_member(fresh)
    path = fresh.path
    before = dump_text(fresh)
    changes = count(fresh, m.ChangeSet)
    site = fresh.site_id
    assert migrations.upgrade(fresh.engine, label=str(path)) is False
    fresh.close()
    again = open_store(path, wall=wall)
    try:
        assert migrations.current_revision(again.engine) == migrations.head_revision()
        assert migrations.upgrade(again.engine, label=str(path)) is False
        assert dump_text(again) == before
        assert count(again, m.ChangeSet) == changes
        assert again.site_id == site
        assert again.station_name == "Fresh"
        assert count(again, m.Station) == 1
    finally:
        again.close()


def test_reopen_with_another_name_renames_the_station(store_path: Path, wall) -> None:
    with open_store(store_path, wall=wall, station_name="EOC North") as store:
        assert store.station_name == "EOC North"
    with open_store(store_path, wall=wall) as store:
        assert store.station_name == "EOC North"


def test_store_of_a_newer_schema_is_refused(store_path: Path, wall) -> None:
    raw = sqlite3.connect(store_path)
    with raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    raw.close()
    with pytest.raises(StoreError) as info:
        open_store(store_path, wall=wall)
    message = str(info.value)
    assert "newer" in message
    assert str(store_path) in message
    assert "9999_from_the_future" in message
    # Refusing did not touch it: still the newer revision, not stamped down.
    raw = sqlite3.connect(store_path)
    assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [
        ("9999_from_the_future",)
    ]
    raw.close()


def test_non_sqlite_file_is_refused_naming_it(tmp_path: Path, wall) -> None:
    path = tmp_path / "notes.sqlite"
    content = b"Shift notes, not a database.\n" * 10
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        open_store(path, wall=wall)
    assert str(path) in str(info.value)
    assert "not an SQLite file" in str(info.value)
    assert path.read_bytes() == content
    assert not key_path_for(path).exists()


def test_missing_store_without_create_is_refused(tmp_path: Path, wall) -> None:
    path = tmp_path / "nowhere.sqlite"
    with pytest.raises(StoreError) as info:
        open_store(path, wall=wall, create=False)
    assert str(path) in str(info.value)
    assert not path.exists()


# ----------------------------------------------------------------------------- SQLite


def _pragmas(conn: object) -> tuple[str, int, int]:
    run = conn.exec_driver_sql  # type: ignore[attr-defined]
    return (
        run("PRAGMA journal_mode").scalar(),
        run("PRAGMA foreign_keys").scalar(),
        run("PRAGMA synchronous").scalar(),
    )


def test_connections_use_wal_foreign_keys_and_full_sync(store: Store) -> None:
    with store.engine.connect() as conn:
        assert _pragmas(conn) == ("wal", 1, 2)
    with store.local_session() as s:
        assert _pragmas(s.connection()) == ("wal", 1, 2)
    with store.writing(operator=None, summary="look") as w:
        assert _pragmas(w.session.connection()) == ("wal", 1, 2)


def test_integrity_check_of_a_sound_store_is_empty(store: Store) -> None:
    add_member(store)
    assert sq.integrity_check(store.engine) == []


def test_online_backup_is_an_identical_store(store: Store, tmp_path: Path, wall) -> None:
    add_member(store)
    target = tmp_path / "backup.sqlite"
    sq.online_backup(store.engine, target)
    shutil.copy2(key_path_for(store.path), key_path_for(target))
    with open_store(target, wall=wall) as copy:
        assert dump_text(copy) == dump_text(store)


# ----------------------------------------------------------------------------- history


def test_versions_refuse_update_and_delete_through_sqlalchemy(store: Store) -> None:
    add_member(store)
    before = dump_text(store)
    with store.read() as s:
        rows_before = s.execute(select(m.Version.id, m.Version.value)).all()
    assert rows_before
    for statement in (
        "UPDATE versions SET value = '\"Tampered\"'",
        "DELETE FROM versions",
    ):
        with (
            pytest.raises(sqlalchemy.exc.IntegrityError) as info,
            store.local_session() as s,
            s.begin(),
        ):
            s.execute(text(statement))
        assert "append-only" in str(info.value)
    with store.read() as s:
        assert s.execute(select(m.Version.id, m.Version.value)).all() == rows_before
    assert dump_text(store) == before


def test_versions_refuse_update_and_delete_through_raw_sqlite(store: Store) -> None:
    add_member(store)
    n = count(store, m.Version)
    raw = sqlite3.connect(store.path)
    try:
        for statement, word in (
            ("UPDATE versions SET hlc = 0", "UPDATE"),
            ("DELETE FROM versions WHERE seq = 1", "DELETE"),
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only") as info:
                raw.execute(statement)
            assert word in str(info.value)
        raw.rollback()
    finally:
        raw.close()
    assert count(store, m.Version) == n


# ----------------------------------------------------------------------------- writing


def test_a_failing_write_leaves_nothing(store: Store) -> None:
    before = dump_text(store)
    heard = []
    store.listeners.append(heard.append)
    with (
        pytest.raises(RuntimeError),
        store.writing(operator=ACTOR.label, summary="half a change") as w,
    ):
        w.put("region", "r-1", {"name": "North", "deleted": False}, new=True)
        w.flush()
        raise RuntimeError("power cut")
    assert dump_text(store) == before
    assert count(store, m.ChangeSet) == 0
    assert count(store, m.Version) == 0
    assert heard == []


def test_a_write_that_changes_nothing_leaves_no_change_set(store: Store) -> None:
    with store.writing(operator=ACTOR.label, summary="nothing"):
        pass
    assert count(store, m.ChangeSet) == 0


def test_a_write_persists_the_clock_and_tells_listeners(store: Store, wall) -> None:
    heard = []
    store.listeners.append(heard.append)
    org = add_member(store)
    with store.read() as s:
        top = s.scalar(select(func.max(m.Version.hlc)))
        clock = s.get_one(m.ClockState, 1).hlc
    assert clock == top
    assert unpack(clock)[0] == wall.ms
    assert len(heard) == 1
    assert heard[0].records["organization"] == {org}


# ----------------------------------------------------------------------------- keys


def test_key_file_is_private(fresh: Store) -> None:
    key = key_path_for(fresh.path)
    assert key.name == "store.sqlite.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_site_id_is_derived_from_the_public_key(fresh: Store) -> None:
    key = key_path_for(fresh.path)
    public = raw_public(load_private_key(key).public_key())
    assert len(public) == 32
    assert fresh.site_id == site_id_for(public)
    assert load_identity(key).site_id == fresh.site_id
    with fresh.read() as s:
        me = s.get_one(m.Station, fresh.site_id)
    assert base64.b64decode(me.public_key) == public
    assert me.fingerprint == fingerprint(public)
    groups = me.fingerprint.split(" ")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)


def test_two_stores_have_two_identities(fresh: Store, store: Store) -> None:
    assert fresh.site_id != store.site_id
    assert site_id_for(b"\x01" * 32) != site_id_for(b"\x02" * 32)
    assert site_id_for(b"\x01" * 32) == site_id_for(b"\x01" * 32)


def test_key_of_another_station_is_refused(tmp_path: Path, wall) -> None:
    a = tmp_path / "a" / "store.sqlite"
    b = tmp_path / "b" / "store.sqlite"
    open_store(a, station_name="A", wall=wall).close()
    open_store(b, station_name="B", wall=wall).close()
    a_site = load_identity(key_path_for(a)).site_id
    b_site = load_identity(key_path_for(b)).site_id
    os.replace(key_path_for(b), key_path_for(a))
    with pytest.raises(StoreError) as info:
        open_store(a, wall=wall)
    message = str(info.value)
    assert str(key_path_for(a)) in message
    assert "another station" in message
    assert a_site in message and b_site in message


def test_missing_key_file_is_refused_with_a_message(store_path: Path, wall) -> None:
    key_path_for(store_path).unlink()
    with pytest.raises(StoreError) as info:
        open_store(store_path, wall=wall)
    assert str(key_path_for(store_path)) in str(info.value)
