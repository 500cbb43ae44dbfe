"""EOC server workloads: writing the log and importing a package on PostgreSQL.

The same two jobs as `log_write` and `sync_import`, with the store on a PostgreSQL
server (issue 15): the seats of a fully activated EOC write there, and the server is
the station that imports the field's packages. The baseline writes the same rows in
one transaction on the same server with plain `psycopg`, timed both ways in every run
and the faster kept: `executemany` (which psycopg 3 sends in pipeline mode, no round
trip per row; the comparison the issue names) and COPY (which the program itself uses
for big batches, `core/pgcopy.py`, so a baseline without it would flatter the program).

The server is named by `HCC_BENCH_PG` (or, failing that, `HCC_TEST_PG`), a URL whose
role may create databases; `.ci/pg_server` starts one on the loopback address and prints
it. Without one, both workloads are reported as skipped. Every trial gets a database of
its own, made from a template (untimed) and dropped afterwards. CPU seconds in the
details are this process's only: the server's work runs in its own processes, which is
why the ratio uses wall time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Boolean, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from benchmarks.registry import Context, Lap, Result, Unavailable, stopwatch, workload
from benchmarks.workloads_core import (
    ACTOR,
    BATCH,
    INCIDENT_START,
    LOG_COLUMNS,
    LOG_TABLE,
    STATION,
    _baseline_rows,
    _batches,
    _entries,
)
from benchmarks.workloads_sync import PACKAGE_CHANGES, VERSION_COLUMNS, _package_rows
from hcc_desktop.core import backups, migrations, pg
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.models import ChangeSet
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.incidents import create_incident
from hcc_desktop.core.services.log import add_entries
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.core.versions import VERSION_KEYS, WINNER_KEYS
from hcc_desktop.sync import exporter, importer, trust

ENV_NAMES = ("HCC_BENCH_PG", "HCC_TEST_PG")

#: The plain versions table of the import baseline: the package's columns, a primary key.
_PLAIN_VERSIONS = (
    "CREATE TABLE versions (id TEXT PRIMARY KEY, entity TEXT, record_id TEXT, unit TEXT, "
    "value TEXT, hlc BIGINT, site_id TEXT, parent_id TEXT, operator TEXT, resolves TEXT)"
)


# --------------------------------------------------------------------------- the server


class Server:
    """Databases made and dropped on the benchmark server through an autocommit engine."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = create_engine(pg.engine_url(url), isolation_level="AUTOCOMMIT")
        self._names = itertools.count(1)
        self.prefix = f"hcc_bench_{os.getpid()}"

    def name(self, what: str) -> str:
        return f"{self.prefix}_{what}_{next(self._names)}"

    def url_of(self, database: str) -> str:
        return make_url(self.url).set(database=database).render_as_string(hide_password=False)

    def create(self, database: str, *, template: str | None = None) -> str:
        # A template must have no other session: a store just closed may take a moment
        # to leave, so retry as DROP does.
        sql = f"CREATE DATABASE {database}" + (f" TEMPLATE {template}" if template else "")
        for _ in range(50):
            try:
                with self.admin.connect() as conn:
                    conn.exec_driver_sql(sql)
                return self.url_of(database)
            except OperationalError:
                time.sleep(0.2)
        with self.admin.connect() as conn:
            conn.exec_driver_sql(sql)
        return self.url_of(database)

    def drop(self, database: str) -> None:
        for _ in range(50):
            try:
                with self.admin.connect() as conn:
                    conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {database}")
                return
            except OperationalError:  # a closing seat's backend has not gone yet
                time.sleep(0.2)
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    @contextmanager
    def database(self, what: str, *, template: str | None = None) -> Iterator[str]:
        """A database for one trial; its URL, dropped afterwards."""
        name = self.name(what)
        url = self.create(name, template=template)
        try:
            yield url
        finally:
            self.drop(name)

    def close(self) -> None:
        self.admin.dispose()


def _server() -> Server:
    url = next((os.environ[n] for n in ENV_NAMES if os.environ.get(n)), None)
    if url is None:
        raise Unavailable(
            "no PostgreSQL server: start one with .ci/pg_server and export "
            "HCC_BENCH_PG=<the URL it prints>"
        )
    try:
        engine = create_engine(pg.engine_url(url), connect_args={"connect_timeout": 5})
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception as exc:
        raise Unavailable(f"cannot connect to {pg.redact(url)}: {exc}") from exc
    return Server(url)


def _schema_template(server: Server) -> str:
    """A database migrated to head with nothing in it (no station): each trial's store
    starts from a copy, so the migration is not timed."""
    name = server.name("schema")
    url = server.create(name)
    engine = pg.make_engine(url)
    try:
        migrations.upgrade(engine.execution_options(hcc_write=True), label=name)
    finally:
        engine.dispose()
    return name


def _raw(url: str) -> Any:
    """A plain psycopg connection (what the baseline writes through)."""
    import psycopg

    return psycopg.connect(url, autocommit=False)


def _for_postgres(rows: Sequence[Sequence[Any]], table: Any) -> list[tuple[Any, ...]]:
    """Rows made for SQLite (booleans as 0/1) in the types PostgreSQL's columns take."""
    flags = [i for i, c in enumerate(table.columns) if isinstance(c.type, Boolean)]
    out = []
    for row in rows:
        values = list(row)
        for i in flags:
            values[i] = None if values[i] is None else bool(values[i])
        out.append(tuple(values))
    return out


#: (table, columns, rows) for one baseline transaction.
Inserts = Sequence[tuple[str, Sequence[str], list[tuple[Any, ...]]]]


def _timed_write(url: str, ddl: Sequence[str], inserts: Inserts, *, copy: bool) -> Lap:
    """A baseline's one timed transaction: each table's rows by executemany (what the
    issue names) or by COPY (what the program itself uses for big batches, so the
    least the server can take them for)."""
    with _raw(url) as conn:
        with conn.cursor() as cur:
            for stmt in ddl:
                cur.execute(stmt)
        conn.commit()
        with stopwatch() as lap:
            with conn.cursor() as cur:
                for table, columns, rows in inserts:
                    names = ", ".join(columns)
                    if copy:
                        with cur.copy(f"COPY {table} ({names}) FROM STDIN") as out:
                            for row in rows:
                                out.write_row(row)
                    else:
                        marks = ", ".join(["%s"] * len(columns))
                        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            conn.commit()
    return lap


def _baseline_pair(
    ctx: Context, value: Callable[[], Lap], write: Callable[[bool], Lap]
) -> tuple[Lap, Lap, Lap, Lap]:
    """The program's lap and the baseline's, the baseline being the faster of
    executemany and COPY in this run (a true lower bound); both kept for the details."""
    ours, many, copy = ctx.interleave(value, lambda: write(False), lambda: write(True))
    return ours, min(many, copy, key=lambda lap: lap.seconds), many, copy


def _baseline_details(many: Lap, copy: Lap) -> dict[str, Any]:
    return {
        "executemany_seconds": round(many.seconds, 6),
        "copy_seconds": round(copy.seconds, 6),
        "baseline_is": "copy" if copy.seconds <= many.seconds else "executemany",
    }


def _table_ddl(table: Any) -> list[str]:
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = postgresql.dialect()
    return [
        str(CreateTable(table).compile(dialect=dialect)),
        *(str(CreateIndex(ix).compile(dialect=dialect)) for ix in table.indexes),
    ]


def _fetch(url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with _raw(url) as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def _with_server(run: Callable[[Context, Server], Result]) -> Callable[[Context], Result]:
    def wrapped(ctx: Context) -> Result:
        server = _server()
        try:
            return run(ctx, server)
        finally:
            server.close()

    wrapped.__name__ = run.__name__
    wrapped.__qualname__ = run.__qualname__
    wrapped.__doc__ = run.__doc__
    return wrapped


# --------------------------------------------------------------------------- log_write_pg


def _log_write_pg(ctx: Context, server: Server) -> Result:
    """The seats' bulk log writes (an ICS 214 import at the server, the demo loader)
    through the services, against psycopg executemany of the same rows."""
    n = ctx.rows(100_000)
    batch = min(BATCH, n)
    entries = _entries(n)
    rows = _for_postgres(_baseline_rows(entries, incident_id=str(uuid7())), LOG_TABLE)
    template = _schema_template(server)
    counts: dict[str, int] = {}

    def service() -> Lap:
        with server.database("lw", template=template) as url:
            store = open_store(url, station_name=STATION)
            try:
                incident = create_incident(
                    store, actor=ACTOR, name="Benchmark exercise", incident_type="other",
                    exercise=True, started_at=to_iso(INCIDENT_START),
                )  # fmt: skip
                with stopwatch() as lap:
                    for chunk in _batches(entries, batch):
                        add_entries(store, actor=ACTOR, incident_id=incident, entries=chunk)
            finally:
                store.close()
            counts["service"] = _fetch(
                url, "SELECT count(*) FROM log_entries WHERE incident_id = %s", incident
            )[0][0]
            if not floor:
                floor.extend(_floor_batches(url))
        return lap

    def schema_floor() -> Lap:
        """The rows the service wrote for the entries (versions, winners, log rows),
        COPYed in the same transactions into a store just like the service's: the
        least the versioned schema costs on this server, whatever the program does."""
        with server.database("lwf", template=template) as url:
            store = open_store(url, station_name=STATION)
            store.close()
            with _raw(url) as conn, stopwatch() as lap:
                for batch_rows in floor:
                    with conn.cursor() as cur:
                        for table, columns, table_rows in batch_rows:
                            names = ", ".join(columns)
                            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as out:
                                for row in table_rows:
                                    out.write_row(row)
                        # The clock's state, saved by every write as the service does.
                        cur.execute("UPDATE clock_state SET hlc = hlc + 1 WHERE id = 1")
                    conn.commit()
            counts["floor"] = _fetch(url, "SELECT count(*) FROM log_entries")[0][0]
        return lap

    def baseline(copy: bool) -> Lap:
        with server.database("lwb") as url:
            lap = _timed_write(
                url, _table_ddl(LOG_TABLE), [(LOG_TABLE.name, LOG_COLUMNS, rows)], copy=copy
            )
            counts["copy" if copy else "executemany"] = _fetch(
                url, "SELECT count(*) FROM log_entries"
            )[0][0]
        return lap

    floor: list[list[tuple[str, Sequence[str], list[tuple[Any, ...]]]]] = []
    try:
        value, base, many, copy = _baseline_pair(ctx, service, baseline)
        least = min((schema_floor() for _ in range(ctx.repeat)), key=lambda lap: lap.seconds)
    finally:
        server.drop(template)
    if not counts["service"] == counts["executemany"] == counts["copy"] == counts["floor"] == n:
        raise AssertionError(f"expected {n} log rows on each side, got {counts}")
    return Result.from_laps(
        value,
        base,
        rows=n,
        batch=batch,
        service_us_per_row=round(value.seconds / n * 1e6, 2),
        baseline_us_per_row=round(base.seconds / n * 1e6, 2),
        **_baseline_details(many, copy),
        schema_floor_seconds=round(least.seconds, 6),
        # service / floor: the program's own cost; floor / baseline: the schema's.
        ratio_service_to_floor=round(value.seconds / least.seconds, 3),
        ratio_floor_to_baseline=round(least.seconds / base.seconds, 3),
        server=pg.redact(server.url),
    )


_CHANGE_SET_COLUMNS = tuple(c.name for c in ChangeSet.__table__.columns)


def _floor_batches(url: str) -> list[list[tuple[str, Sequence[str], list[tuple[Any, ...]]]]]:
    """Per change set of the service's run, the rows it wrote for the log entries, in
    the order it wrote them (the change set, versions, winners, log rows)."""
    versions = ", ".join(VERSION_KEYS)
    winners = ", ".join(WINNER_KEYS)
    log_cols = ", ".join(LOG_COLUMNS)
    out = []
    for (change,) in _fetch(
        url,
        "SELECT DISTINCT change_id FROM versions WHERE entity = 'log_entry' ORDER BY 1",
    ):
        ids = "SELECT record_id FROM versions WHERE entity = 'log_entry' AND change_id = %s"
        out.append(
            [
                (
                    "change_sets",
                    _CHANGE_SET_COLUMNS,
                    _fetch(
                        url,
                        f"SELECT {', '.join(_CHANGE_SET_COLUMNS)} FROM change_sets WHERE id = %s",
                        change,
                    ),
                ),
                (
                    "versions",
                    VERSION_KEYS,
                    _fetch(
                        url,
                        f"SELECT {versions} FROM versions WHERE entity = 'log_entry' "
                        "AND change_id = %s ORDER BY seq",
                        change,
                    ),
                ),
                (
                    "winners",
                    WINNER_KEYS,
                    _fetch(
                        url,
                        f"SELECT {winners} FROM winners WHERE entity = 'log_entry' "
                        f"AND record_id IN ({ids})",
                        change,
                    ),
                ),
                (
                    "log_entries",
                    LOG_COLUMNS,
                    _fetch(url, f"SELECT {log_cols} FROM log_entries WHERE id IN ({ids})", change),
                ),
            ]
        )
    return out


log_write_pg = workload(
    "log_write_pg",
    goal=3.0,
    description=(
        "100k log entries via services.log.add_entries (batches of 5,000) on an EOC "
        "server store vs psycopg executemany of the same rows in one transaction"
    ),
)(_with_server(_log_write_pg))


# --------------------------------------------------------------------------- sync_import_pg


def _receiver_template(server: Server, sender: Store, tmp: Any) -> str:
    """A server store holding the demo coalition that trusts `sender` (and is trusted
    by it), closed: every import trial copies it."""
    from hcc_desktop.demo.seed import seed_demo

    name = server.name("receiver")
    receiver = open_store(server.create(name), station_name="EOC server")
    try:
        seed_demo(receiver, as_of=dt.date(2026, 11, 18))
        trust.export_key(sender, tmp / "sender.pub")
        trust.export_key(receiver, tmp / "server.pub")
        trust.trust(receiver, tmp / "sender.pub")
        trust.trust(sender, tmp / "server.pub")
    finally:
        receiver.close()
    return name


def _sync_import_pg(ctx: Context, server: Server) -> Result:
    """A field station's first package (its whole store) imported at the EOC server,
    against writing the same version and log rows with psycopg."""
    n = ctx.rows(PACKAGE_CHANGES)
    sender = open_store(ctx.tmpdir / "sender.sqlite", station_name=STATION)
    incident = create_incident(
        sender, actor=ACTOR, name="Benchmark exercise", incident_type="other",
        exercise=True, started_at=to_iso(INCIDENT_START),
    )  # fmt: skip
    for chunk in _batches(_entries(n), BATCH):
        add_entries(sender, actor=ACTOR, incident_id=incident, entries=chunk)
    template = _receiver_template(server, sender, ctx.tmpdir)
    package = ctx.tmpdir / "full.hccsync"
    exporter.export_package(sender, package)
    versions, logs = _package_rows(sender)
    logs = _for_postgres(logs, LOG_TABLE)
    site = sender.site_id
    seen: dict[str, Any] = {}
    version_cols = ", ".join(VERSION_COLUMNS)
    mine_sql = f"SELECT {version_cols} FROM versions WHERE site_id = %s ORDER BY id"
    log_sql = (
        "SELECT * FROM log_entries WHERE id IN (SELECT record_id FROM versions "
        "WHERE site_id = %s AND entity = 'log_entry') ORDER BY id"
    )

    def ours() -> Lap:
        with server.database("si", template=template) as url:
            store = open_store(url)
            try:
                with stopwatch() as lap:
                    backups.before_import(store)  # nothing on a server: IT backs it up
                    report = importer.import_package(store, package)
            finally:
                store.close()
            seen["imported"] = report.new
            seen["ours"] = (_fetch(url, mine_sql, site), _fetch(url, log_sql, site))
        return lap

    def baseline(copy: bool) -> Lap:
        with server.database("sib") as url:
            lap = _timed_write(
                url,
                [_PLAIN_VERSIONS, *_table_ddl(LOG_TABLE)],
                [("versions", VERSION_COLUMNS, versions), (LOG_TABLE.name, LOG_COLUMNS, logs)],
                copy=copy,
            )
            seen["copy" if copy else "baseline"] = (
                _fetch(url, f"SELECT {version_cols} FROM versions ORDER BY id"),
                _fetch(url, "SELECT * FROM log_entries ORDER BY id"),
            )
        return lap

    try:
        value, base, many, copy = _baseline_pair(ctx, ours, baseline)
    finally:
        sender.close()
        server.drop(template)
    same = seen["ours"] == seen["baseline"] == seen["copy"]
    if seen["imported"] != len(versions) or not same:
        raise AssertionError(
            f"the import stored {len(seen['ours'][0])} versions and {len(seen['ours'][1])} "
            f"log rows, the baseline {len(seen['baseline'][0])} and "
            f"{len(seen['baseline'][1])} (or their contents differ)"
        )
    return Result.from_laps(
        value,
        base,
        changes=len(versions),
        package_bytes=package.stat().st_size,
        same_rows=True,
        us_per_change=round(value.seconds / len(versions) * 1e6, 2),
        **_baseline_details(many, copy),
        server=pg.redact(server.url),
    )


sync_import_pg = workload(
    "sync_import_pg",
    goal=4.0,
    description=(
        "import of a full package of 100k changes into an EOC server store holding the "
        "demo coalition vs psycopg executemany of the same rows in one transaction"
    ),
)(_with_server(_sync_import_pg))
