"""The EOC server store on a real PostgreSQL server: opened from a URL with the
migrations run, the server station's identity kept on the server, the same services,
versions and merge as a workstation's file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hcc_desktop.core import migrations
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import incidents, log
from hcc_desktop.core.store import Store
from tests.pg.helpers import ACTOR, drop_database, scalar


def test_a_new_database_is_migrated_to_head_and_gets_one_station(
    new_database: Callable[[], str], pg_admin: object, tmp_path: Path
) -> None:
    url = new_database()
    # The template is migrated; a really empty database must migrate from nothing.
    with open_store(url, local_dir=tmp_path, live=False) as first:
        assert scalar(first, "SELECT version_num FROM alembic_version") == (
            migrations.head_revision()
        )
        site = first.site_id
        assert first.is_server and first.label.startswith("postgresql://")
        assert "hcc-test" not in first.label  # no password in messages
    with open_store(url, local_dir=tmp_path, live=False, station_name="State EOC") as again:
        assert again.site_id == site
        assert again.station_name == "State EOC"
        assert scalar(again, "SELECT count(*) FROM stations WHERE is_self") == 1
        assert scalar(again, "SELECT count(*) FROM hcc_server_key") == 1


def test_an_empty_database_migrates_from_nothing(
    pg_url: str, pg_admin: object, tmp_path: Path
) -> None:
    from sqlalchemy.engine import Engine, make_url

    assert isinstance(pg_admin, Engine)
    name = "hcc_t_empty_migrate"
    drop_database(pg_admin, name)
    with pg_admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
        with open_store(url, local_dir=tmp_path, live=False) as store:
            assert scalar(store, "SELECT version_num FROM alembic_version") == (
                migrations.head_revision()
            )
    finally:
        drop_database(pg_admin, name)


def test_the_private_key_is_not_readable_by_other_roles(open_seat: Callable[..., Store]) -> None:
    store = open_seat()
    acl = scalar(store, "SELECT relacl::text FROM pg_class WHERE relname = 'hcc_server_key'")
    # No entry for PUBLIC ("=...") in the table's access list: only its owner reads it.
    assert acl is not None and not any(
        item.startswith("=") for item in acl.strip("{}").split(",")
    ), acl
    key = store.private_key()
    assert key.public_key().public_bytes_raw() == store.identity.public_key


def test_versions_are_append_only_on_the_server(open_seat: Callable[..., Store]) -> None:
    store = open_seat()
    inc = incidents.create_incident(store, actor=ACTOR, name="Ice storm")
    log.add_entry(store, actor=ACTOR, incident_id=inc, text="Generator at Hartford on")
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE versions SET value = 'x'"))
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM versions"))


def test_services_write_and_read_on_the_server(open_seat: Callable[..., Store]) -> None:
    store = open_seat()
    heard = []
    store.listeners.append(heard.append)
    inc = incidents.create_incident(store, actor=ACTOR, name="Ice storm", first_period_hours=12)
    ids = log.add_entries(
        store,
        actor=ACTOR,
        incident_id=inc,
        entries=[log.NewEntry(f"entry {i}") for i in range(50)],
    )
    assert len(ids) == 50
    entries = log.list_entries(store, flt=log.LogFilter(incident_id=inc))
    assert {e.id for e in entries} == set(ids)
    assert heard and "log_entry" in heard[-1].entities
    # A second seat sees the same data at once (one database).
    other = open_seat()
    assert dump_text(other) == dump_text(store)


def test_atomic_rolls_back_everything_on_the_server(open_seat: Callable[..., Store]) -> None:
    store = open_seat()
    before = dump_text(store)
    with pytest.raises(RuntimeError), store.atomic():
        incidents.create_incident(store, actor=ACTOR, name="Never happened")
        store.set_setting("x", "y")
        raise RuntimeError("stop")
    assert dump_text(store) == before
    assert store.get_setting("x") is None


def test_a_server_that_does_not_answer_is_a_store_error(tmp_path: Path) -> None:
    # Port 9 on the loopback address: nothing listens there.
    with pytest.raises(StoreError, match="cannot reach the EOC server"):
        open_store("postgresql://hcc:pw@127.0.0.1:9/none", local_dir=tmp_path, live=False)
