"""Fixtures of the EOC server tests: a real PostgreSQL server named by `HCC_TEST_PG`
(a connection URL to a database whose role may create databases; `.ci/pg_server`
starts one on the loopback address and prints it). Each test gets a database of its
own, copied from a template migrated once per session, and dropped afterwards.

Outside CI the tests skip, saying why, when the variable is unset or the server does
not answer; in CI (`CI=true`, or `HCC_TEST_PG_REQUIRED=1` as `.ci/run` sets) that is
a failure, so a broken server setup can never pass as "all skipped"."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url

from hcc_desktop.core import migrations, pg
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.store import Store
from tests.pg.helpers import drop_database

ENV = "HCC_TEST_PG"
_counter = itertools.count()


def _unavailable(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true" or os.environ.get("HCC_TEST_PG_REQUIRED"):
        pytest.fail(f"{ENV}: {why} (CI must run the server tests: see .ci/run)", pytrace=False)
    pytest.skip(
        f"EOC server tests need a PostgreSQL server: {why}; start one with "
        f".ci/pg_server and export {ENV}=<the URL it prints>"
    )


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = os.environ.get(ENV)
    if not url:
        _unavailable(f"{ENV} is not set")
        raise AssertionError  # unreachable
    host = make_url(url).host or ""
    if host not in ("127.0.0.1", "::1", "localhost"):
        _unavailable(f"{ENV} names {host!r}; the tests use loopback servers only")
    try:
        engine = create_engine(pg.engine_url(url), connect_args={"connect_timeout": 5})
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception as exc:
        _unavailable(f"cannot connect to {pg.redact(url)} ({exc.__class__.__name__}: {exc})")
    return url


@pytest.fixture(scope="session")
def pg_admin(pg_url: str) -> Iterator[Engine]:
    """An autocommit engine on the server for CREATE/DROP DATABASE."""
    engine = create_engine(pg.engine_url(pg_url), isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _url_for(base: str, database: str) -> str:
    return make_url(base).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template(pg_url: str, pg_admin: Engine) -> Iterator[str]:
    """A database with the schema migrated to head and nothing else (no station: each
    test's server makes its own key), the template of every test's database."""
    name = f"hcc_tpl_{os.getpid()}"
    drop_database(pg_admin, name)
    with pg_admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = pg.make_engine(_url_for(pg_url, name))
    migrations.upgrade(engine.execution_options(hcc_write=True), label=name)
    engine.dispose()
    yield name
    drop_database(pg_admin, name)


@pytest.fixture
def new_database(pg_url: str, pg_admin: Engine, pg_template: str) -> Iterator[Callable[[], str]]:
    """Make empty migrated databases on the test server; returns their URLs."""
    made: list[str] = []

    def make() -> str:
        name = f"hcc_t_{os.getpid()}_{next(_counter)}"
        with pg_admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {pg_template}")
        made.append(name)
        return _url_for(pg_url, name)

    yield make
    for name in made:
        drop_database(pg_admin, name)


@pytest.fixture
def server_url(new_database: Callable[[], str]) -> str:
    return new_database()


@pytest.fixture
def open_seat(server_url: str, tmp_path: Path) -> Iterator[Callable[..., Store]]:
    """Open seats (stores) on the test's server; all are closed at the end."""
    seats: list[Store] = []

    def seat(**kw: object) -> Store:
        kw.setdefault("local_dir", tmp_path / f"seat-{len(seats)}")
        kw.setdefault("live", False)
        store = open_store(server_url, **kw)  # type: ignore[arg-type]
        seats.append(store)
        return store

    yield seat
    for s in seats:
        s.close()
