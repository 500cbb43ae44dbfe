"""The sync property test with one of its three stores on an EOC server (issue 15: "the
property test runs one of its three stores on PostgreSQL").

The same state machine as test_property.py (every rule, every invariant, the reference
model, the final all-to-all exchange with byte-identical dumps), but one station (0,
unless HCC_PROPERTY_PG_AT says another) is a server store in a fresh PostgreSQL
database for each run, its text collated by English rules (see `server_template`). The server takes the identity
of the pool station it stands in for (its seeded key is put in the server's key table
before the store is opened), so site ids, tie-breaks and trust are those of the
SQLite-only run and a failing seed replays; it trusts the other pool stations as they
trust it. A restart closes the server store and opens it again from its URL.

Budget: a server round trip costs more than SQLite on tmpfs, so the default is 20
runs of 40 steps (40-60 s on two shared cores); `--slow` runs ten times as many, and
HCC_PROPERTY_PG_EXAMPLES=N sets the number of runs of either.
The server comes from HCC_TEST_PG as for tests/pg (skipped without it, a failure when
HCC_TEST_PG_REQUIRED=1 or CI=true).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from helpers import Station, clock_hlc, conflicts_table, install_seeded_ids, version_ids
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from test_property import DEFAULT, STATS, Package, SyncMachine, note

from hcc_desktop.core import migrations, pg
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.station import key_path_for, load_identity
from hcc_desktop.sync import trust
from tests.conftest import FakeWall
from tests.pg import conftest as pg_fixtures
from tests.pg.helpers import drop_database

# The server fixtures of tests/pg (URL from HCC_TEST_PG, skip or fail as they do).
pg_url = pg_fixtures.pg_url
pg_admin = pg_fixtures.pg_admin

#: Which of the three stations is the server: 0, the one that seeds the incident and
#: members (HCC_PROPERTY_PG_AT=1 or 2 for a run where it receives them instead).
SERVER_AT = int(os.environ.get("HCC_PROPERTY_PG_AT", "0"))
#: 40-60 s on two shared cores (25 examples took 50-60 s): a server write costs a
#: few milliseconds more than one on tmpfs.
SERVER_DEFAULT = settings(DEFAULT, max_examples=20)
#: `--slow`: ten times the default, as test_property.py's long run.
SERVER_SLOW = settings(DEFAULT, max_examples=10 * SERVER_DEFAULT.max_examples)
_names = itertools.count()
#: What the default run must reach (each happens many times per run).
SERVER_MUST_HAPPEN = (
    "server: imported new versions",
    "server: holds open conflicts after an import",
    "server: its package imported at a station",
    "duplicate import",
    "delta package imported",
)


@dataclass
class ServerStation(Station):
    """A station whose store is an EOC server: `path` is the server URL."""

    local_dir: Path = Path()

    def restart(self) -> None:
        note("server: restarted")
        self.store.close()
        self.store = open_store(
            str(self.path), wall=self.wall, live=False, local_dir=self.local_dir
        )


class ServerSyncMachine(SyncMachine):
    #: Set by `run_server_machine`: opens a server station (name, wall, scratch dir).
    new_server: ClassVar[Callable[[str, int, Path], Station]]

    def open_station(self, k: int, name: str, wall_ms: int) -> Station:
        if k == SERVER_AT:
            return type(self).new_server(name, wall_ms, self.dir)
        return super().open_station(k, name, wall_ms)

    def do_import(self, pkg: Package, i: int) -> None:
        """Import with every check of the machine, noting what the server took part in
        (the default run asserts that it did)."""
        before = len(version_ids(self.store(i))) if i == SERVER_AT else 0
        super().do_import(pkg, i)
        if pkg.origin == SERVER_AT and i != SERVER_AT:
            note("server: its package imported at a station")
        if i == SERVER_AT:
            if len(version_ids(self.store(i))) > before:
                note("server: imported new versions")
            if conflicts_table(self.store(i)):
                note("server: holds open conflicts after an import")

    def final_check(self) -> None:
        """Every run restarts the server once before the final exchange (the restart
        rule picks it for a third of its steps, too rarely to count on)."""
        server = self.store(SERVER_AT)
        clock, dump = clock_hlc(server), dump_text(server)
        self.st[SERVER_AT].restart()
        assert clock_hlc(self.store(SERVER_AT)) == clock, "the server's clock was lost"
        assert dump_text(self.store(SERVER_AT)) == dump
        super().final_check()


@pytest.fixture(scope="module")
def server_template(pg_url: str, pg_admin: Engine) -> Iterator[str]:
    """An empty database migrated to head, copied for every run of the machine. Its
    text sorts by English rules (ICU en-US: case-insensitive first, punctuation before
    digits) where the server can, as an EOC's server installed with an English locale
    does, rather than by the test cluster's byte order, which is SQLite's: an order
    taken from the database that decides anything would show as a divergence."""
    name = f"hcc_tpl_prop_{os.getpid()}"
    drop_database(pg_admin, name)
    with pg_admin.connect() as conn:
        try:
            conn.exec_driver_sql(
                f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
            )
        except DBAPIError:  # before PostgreSQL 15, or built without ICU
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = pg.make_engine(_url_for(pg_url, name))
    migrations.upgrade(engine.execution_options(hcc_write=True), label=name)
    engine.dispose()
    yield name
    drop_database(pg_admin, name)


def _url_for(base: str, database: str) -> str:
    return make_url(base).set(database=database).render_as_string(hide_password=False)


@pytest.fixture
def server_factory(
    pg_url: str, pg_admin: Engine, server_template: str, pool: dict[str, Path]
) -> Iterator[Callable[[str, int, Path], Station]]:
    """Open a server station standing in for pool station `name`, in a new database;
    every database made is dropped at the end (the machine closes its stations)."""
    made: list[str] = []

    def make(name: str, wall_ms: int, scratch: Path) -> Station:
        db = f"hcc_prop_{os.getpid()}_{next(_names)}"
        with pg_admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {db} TEMPLATE {server_template}")
        made.append(db)
        url = _url_for(pg_url, db)
        # The pool station's seeded key becomes the server station's key.
        pem = key_path_for(pool[name]).read_text("ascii")
        engine = pg.make_engine(url)
        try:
            with engine.begin() as conn:
                pg.ensure_key_table(conn)
                site = _site_of(pool[name])
                conn.execute(
                    text(f"INSERT INTO {pg.KEY_TABLE} (site_id, private_key) VALUES (:s, :k)"),
                    {"s": site, "k": pem},
                )
        finally:
            engine.dispose()
        wall = FakeWall(wall_ms)
        local = scratch / f"server-{db}"
        store = open_store(url, station_name=name, wall=wall, live=False, local_dir=local)
        assert store.site_id == site
        folder = pool[name].parent
        for other in pool:
            if other != name and (folder / f"{other}.pub.json").exists():
                trust.trust(store, folder / f"{other}.pub.json")
        return ServerStation(name, url, wall, store, local_dir=local)  # type: ignore[arg-type]

    yield make
    for db in made:
        drop_database(pg_admin, db)


def _site_of(template: Path) -> str:
    return load_identity(key_path_for(template)).site_id


def run_server_machine(
    pool: dict[str, Path],
    scratch: Path,
    how: settings,
    monkeypatch: pytest.MonkeyPatch,
    new_server: Callable[[str, int, Path], Station],
) -> None:
    seeded = install_seeded_ids(monkeypatch)
    machine = type(
        "ServerSyncMachine",
        (ServerSyncMachine,),
        {"pool": pool, "scratch": scratch, "ids": seeded, "new_server": new_server},
    )
    run_state_machine_as_test(machine, settings=how)


def _how(default: settings) -> settings:
    wanted = os.environ.get("HCC_PROPERTY_PG_EXAMPLES")
    return settings(default, max_examples=int(wanted)) if wanted else default


def test_server_converges_with_stations(
    pool: dict[str, Path],
    ram_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    server_factory: Callable[[str, int, Path], Station],
) -> None:
    STATS.clear()
    run_server_machine(pool, ram_dir, _how(SERVER_DEFAULT), monkeypatch, server_factory)
    # A green run must have exercised the server as a station.
    missed = [what for what in SERVER_MUST_HAPPEN if not STATS[what]]
    assert not missed, f"the machine never reached: {missed} (seen: {dict(STATS)})"


@pytest.mark.slow
def test_server_converges_with_stations_long(
    pool: dict[str, Path],
    ram_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    server_factory: Callable[[str, int, Path], Station],
) -> None:
    run_server_machine(pool, ram_dir, _how(SERVER_SLOW), monkeypatch, server_factory)
