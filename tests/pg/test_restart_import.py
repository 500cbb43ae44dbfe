"""The EOC server restarts while a big package is being imported (issue 15: "restart the
server mid-import"). The import is all or nothing there too: it completes after a retry
or fails with a clear error, and the store then holds all of the package's versions or
none, with an import log that agrees; a later import completes and the server converges
with the station that sent the package.

Restarting the shared test server would cut other tests' connections, so these tests
start a private cluster of their own on another port with `.ci/pg_server PORT` and
restart it with `.ci/pg_server restart PORT` (or stop it with `down`/`up`). That needs
Debian's PostgreSQL programs and root (or password-less sudo to the postgres user);
without them the tests skip, saying why, unless HCC_TEST_PG_REQUIRED=1 or CI=true.

The restart is driven deterministically: the importer's batch insert is wrapped so that
the server restarts just before the second batch of the package's versions is written,
inside the import's open transaction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hcc_desktop.core import pg, receiver
from hcc_desktop.core.check import check_store
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import organizations
from hcc_desktop.core.store import Store
from hcc_desktop.demo import seed_demo
from hcc_desktop.sync import exporter, importer, trust
from tests.conftest import FakeWall
from tests.pg.helpers import ACTOR

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "pg_server"
_databases = itertools.count()


def _required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or bool(
        os.environ.get("HCC_TEST_PG_REQUIRED")
    )


def _unavailable(why: str) -> None:
    if _required():
        pytest.fail(f"restart tests: {why} (CI must run them: see .ci/run)", pytrace=False)
    pytest.skip(f"restart tests need a private PostgreSQL cluster: {why}")


def _why_no_cluster() -> str | None:
    """Why `.ci/pg_server PORT` cannot run here, or None."""
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "PostgreSQL server programs not found (apt-get install postgresql)"
    if os.geteuid() == 0:
        return None if shutil.which("runuser") else "runuser not found"
    if shutil.which("sudo") is None:
        return "not root and no sudo to run the cluster as the postgres user"
    probe = subprocess.run(
        ["sudo", "-n", "-u", "postgres", "true"], capture_output=True, timeout=30, check=False
    )
    if probe.returncode != 0:
        return "not root and sudo to the postgres user asks for a password"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A private PostgreSQL cluster started by `.ci/pg_server PORT`."""

    url: str
    port: int

    def run(self, action: str) -> None:
        done = subprocess.run(
            [str(SCRIPT), action, str(self.port)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f".ci/pg_server {action} {self.port}: {done.stderr}"

    def restart(self) -> None:
        self.run("restart")

    def down(self) -> None:
        self.run("down")

    def up(self) -> None:
        self.run("up")

    def new_database(self) -> str:
        name = f"hcc_restart_{next(_databases)}"
        admin = create_engine(pg.engine_url(self.url), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE {name}")
        finally:
            admin.dispose()
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    why = _why_no_cluster()
    if why is not None:
        _unavailable(why)
    port = _free_port()
    started = subprocess.run([str(SCRIPT), str(port)], capture_output=True, text=True, timeout=180)
    if started.returncode != 0:
        subprocess.run([str(SCRIPT), "stop", str(port)], capture_output=True, timeout=120)
        _unavailable(f".ci/pg_server {port} failed: {started.stderr.strip()}")
    try:
        yield Cluster(started.stdout.strip().splitlines()[-1], port)
    finally:
        subprocess.run([str(SCRIPT), "stop", str(port)], capture_output=True, timeout=120)


@dataclass
class Source:
    """A workstation holding the demo coalition, and its full package."""

    store: Store
    package: Path
    ids: frozenset[str]
    key_file: Path


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    folder = tmp_path_factory.mktemp("restart-source")
    store = open_store(folder / "region1.sqlite", station_name="Region 1", wall=FakeWall())
    seed_demo(store, as_of=dt.date(2026, 11, 18))
    package = folder / "demo.hccsync"
    exporter.export_package(store, package)
    trust.export_key(store, folder / "region1.pub.json")
    try:
        yield Source(store, package, frozenset(_version_ids(store)), folder / "region1.pub.json")
    finally:
        store.close()


def _version_ids(store: Store) -> set[str]:
    with store.read() as s:
        return set(s.connection().exec_driver_sql("SELECT id FROM versions").scalars())


def _import_log(store: Store) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("SELECT package_id, new_versions, known_versions FROM import_log")
            )
        ]


@pytest.fixture
def server(cluster: Cluster, source: Source, tmp_path: Path) -> Iterator[Store]:
    """A new server store in a fresh database of the private cluster, trusting the
    source station (and trusted by it)."""
    store = open_store(
        cluster.new_database(), station_name="State EOC", wall=FakeWall(), local_dir=tmp_path
    )
    trust.trust(store, source.key_file)
    trust.export_key(store, tmp_path / "server.pub.json")
    trust.trust(source.store, tmp_path / "server.pub.json")
    try:
        yield store
    finally:
        store.close()


def _fault_at_second_batch(monkeypatch: pytest.MonkeyPatch, fault: Callable[[], None]) -> list[int]:
    """Call `fault` once, inside the import's transaction, after its first batch of
    versions was written and before the second; returns the batch sizes written."""
    real = receiver.insert_tuples
    batches: list[int] = []

    def insert(conn: Any, table: Any, keys: Any, rows: list[tuple[Any, ...]]) -> None:
        batches.append(len(rows))
        if len(batches) == 2:
            fault()
        real(conn, table, keys, rows)

    monkeypatch.setattr(receiver, "insert_tuples", insert)
    return batches


def _assert_whole(server: Store, source: Source, before: set[str], *, applied: bool) -> None:
    """All of the package or none of it, and the import log says the same."""
    held = _version_ids(server)
    logged = _import_log(server)
    if applied:
        assert held == before | source.ids
        assert [(n, k) for _p, n, k in logged] == [(len(source.ids - before), 0)]
    else:
        assert held == before, f"{len(held - before)} of the package's versions were kept"
        assert logged == []
    report = check_store(server)
    assert report.ok, report.problems


def _assert_converges(server: Store, source: Source, folder: Path) -> None:
    """A new change at each side, exchanged both ways: the same data at both."""
    org = organizations.add_organization(
        source.store, actor=ACTOR, name="Bristol Hospital", member_type="hospital",
        membership="core",
    )  # fmt: skip
    exporter.export_package(source.store, folder / "more.hccsync")
    more = importer.import_package(server, folder / "more.hccsync")
    assert not more.already_imported and more.new >= 1
    organizations.update_organization(server, actor=ACTOR, org_id=org, phone="860-555-0199")
    exporter.export_package(server, folder / "back.hccsync")
    back = importer.import_package(source.store, folder / "back.hccsync")
    assert back.new >= 1
    assert dump_text(server) == dump_text(source.store)


def test_a_restart_mid_import_is_retried_and_the_import_completes(
    cluster: Cluster,
    source: Source,
    server: Store,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    before = _version_ids(server)
    restarts: list[int] = []

    def restart() -> None:
        restarts.append(1)
        cluster.restart()

    batches = _fault_at_second_batch(monkeypatch, restart)
    report = importer.import_package(server, source.package)
    assert restarts == [1]
    # The first attempt wrote a batch and lost its connection; the retry wrote all.
    first = -(-len(source.ids - before) // receiver.BATCH)
    assert len(batches) == 2 + first, batches
    assert not report.already_imported
    assert report.new == len(source.ids - before) > 10_000
    _assert_whole(server, source, before, applied=True)
    # The same file again: nothing new, nothing changed.
    dump = dump_text(server)
    again = importer.import_package(server, source.package)
    assert again.already_imported and again.new == 0
    assert dump_text(server) == dump
    _assert_converges(server, source, tmp_path)


def test_a_server_that_stays_down_is_a_clear_error_and_nothing_is_applied(
    cluster: Cluster,
    source: Source,
    server: Store,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    before = _version_ids(server)
    monkeypatch.setattr(importer, "SERVER_ATTEMPTS", 3)  # give up within a second
    _fault_at_second_batch(monkeypatch, cluster.down)
    try:
        with pytest.raises(StoreError) as refused:
            importer.import_package(server, source.package)
    finally:
        cluster.up()
    message = str(refused.value)
    assert "was lost during the import" in message
    assert "nothing of package" in message and "import the package again" in message
    assert "hcc-test" not in message  # the server is named without its password
    _assert_whole(server, source, before, applied=False)
    # Once the server is back the same package imports whole.
    monkeypatch.undo()
    report = importer.import_package(server, source.package)
    assert not report.already_imported and report.new == len(source.ids - before)
    _assert_whole(server, source, before, applied=True)
    _assert_converges(server, source, tmp_path)


def test_a_connection_lost_as_the_import_commits_is_not_applied_twice(
    source: Source, server: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import committed but the answer was lost (the connection broke during
    COMMIT): the retry finds the package in the import log and reports what that
    import recorded, without a second copy or an "already imported" that would hide
    the first attempt's work."""
    import psycopg
    from sqlalchemy.exc import OperationalError

    before = _version_ids(server)
    real = importer._apply_once
    calls: list[bool] = []

    def apply_once(store: Store, checked: Any, *, resumed: bool = False) -> Any:
        calls.append(resumed)
        result = real(store, checked, resumed=resumed)
        if len(calls) == 1:  # committed; the client never hears so
            raise OperationalError("COMMIT", {}, psycopg.OperationalError("connection lost"))
        return result

    monkeypatch.setattr(importer, "_apply_once", apply_once)
    report = importer.import_package(server, source.package)
    assert calls == [False, True]
    assert not report.already_imported and report.new == len(source.ids - before)
    # The retry announces the package's records to this seat's panels (the attempt
    # that committed could not: its answer never came).
    assert report.changes and "log_entry" in report.changes.entities
    _assert_whole(server, source, before, applied=True)
