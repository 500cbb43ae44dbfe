"""Everything PostgreSQL-specific for the EOC server store, beside `core/sqlite.py` for
the workstation's file: the engine and its transactions, the server station's key, and
the change notices that carry one seat's writes to the others (LISTEN/NOTIFY).

Transactions. SQLite's `BEGIN IMMEDIATE` gives the store one writer at a time, and the
version engine relies on it: a write reads the current winners and the clock, then
appends versions stamped after them. On PostgreSQL a write transaction takes one
transaction-scoped advisory lock as its first statement, so writers queue exactly as
they do on SQLite while readers never wait; at READ COMMITTED every statement after the
lock sees everything committed before it, so a writer works on the latest state and
cannot meet a serialisation failure. Reads run at REPEATABLE READ: one snapshot per
transaction, as a deferred SQLite transaction in WAL mode gives.

Live updates. A write sends `pg_notify` inside its own transaction; PostgreSQL delivers
notices only when that transaction commits, so a seat never hears of a change that was
rolled back. `ChangeListener` holds one extra connection per seat that LISTENs and
hands what other seats changed to the store's listeners (the GUI's change broadcast).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import DBAPIError

from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.pgurl import SCHEMES, is_server_location, redact
from hcc_desktop.core.station import Identity, raw_public, site_id_for
from hcc_desktop.core.versions import Changes

log = logging.getLogger("hcc_desktop.server")

__all__ = ["ChangeListener", "is_server_location", "make_engine", "redact"]

#: The advisory lock every write transaction takes first (any fixed 64-bit number; the
#: lock space is per database, so two stores on one server do not meet).
WRITE_LOCK = 0x4843_4344_5752_4954  # "HCCDWRIT"
T = TypeVar("T")
#: The channel of change notices.
CHANNEL = "hcc_changes"
#: PostgreSQL refuses a notice payload of 8000 bytes or more; stay well under it.
PAYLOAD_LIMIT = 7000
#: Seconds a new connection may take before the seat says the server is unreachable.
CONNECT_TIMEOUT = 10
#: The table that holds the server station's private key (outside the synchronised
#: schema, and readable by the program's role only, see `ensure_key_table`).
KEY_TABLE = "hcc_server_key"


def engine_url(location: str) -> URL:
    """The SQLAlchemy URL for psycopg 3 (the one driver this program ships)."""
    try:
        url = make_url(location)
    except Exception as exc:
        raise StoreError(f"{redact(location)}: not a PostgreSQL connection URL ({exc})") from exc
    if url.get_backend_name() != "postgresql" and url.drivername not in SCHEMES:
        raise StoreError(f"{redact(location)}: not a PostgreSQL connection URL")
    return url.set(drivername="postgresql+psycopg")


def make_engine(location: str) -> Engine:
    """An engine for the server store. Connections are checked before use (a seat whose
    connection broke while idle reconnects instead of failing its next write)."""
    engine = create_engine(
        engine_url(location),
        future=True,
        pool_pre_ping=True,
        pool_size=4,
        max_overflow=4,
        connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "hcc-desktop"},
    )

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("hcc_write"):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
        elif "isolation_level" not in options:  # a caller's own choice stands
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    return engine


#: SQLSTATEs after which the same work may simply be done again: a serialisation
#: failure or deadlock (the server rolled the transaction back), or a connection that
#: broke or a server shutting down (class 08, 57P01-57P03).
TRANSIENT_STATES = frozenset({"40001", "40P01", "57P01", "57P02", "57P03"})


def is_transient(exc: BaseException) -> bool:
    """True when `exc` (a SQLAlchemy or psycopg error) says "try again": the server
    rolled the transaction back, or the connection was lost."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str) and (state in TRANSIENT_STATES or state.startswith("08")):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the driver is a dependency
        return False
    # A connection lost mid-statement carries no SQLSTATE.
    return isinstance(orig, psycopg.OperationalError) and state is None


def retrying(
    work: Callable[[], T],
    *,
    attempts: int = 4,
    pause: float = 0.2,
    on_retry: Callable[[int, BaseException], None] | None = None,
) -> T:
    """Run `work` (one whole transaction) again after a transient failure, waiting a
    little longer each time; other errors, and the last transient one, propagate (the
    GUI shows them in a dialog, the command line in one line).

    `work` must be safe to repeat: a connection lost during COMMIT leaves it unknown
    whether the first attempt landed, so a new record should get its id before the
    first attempt (a repeat then writes the same record again, never a second one)."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as exc:
            if attempt == attempts or not is_transient(exc):
                raise
            log.warning(
                "server write failed (%s), trying again (%d of %d)", exc.orig, attempt + 1, attempts
            )
            if on_retry is not None:
                on_retry(attempt, exc)
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")


def local_dir_for(location: str) -> Path:
    """The seat's own folder for a server (files it writes "beside the store": exported
    packages, documents); on the workstation, never on the server."""
    from hcc_desktop.paths import user_data_dir

    url = make_url(location)
    name = f"{url.host or 'localhost'}-{url.port or 5432}-{url.database or 'hcc'}"
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in name)
    return user_data_dir() / "servers" / safe


# ---------------------------------------------------------------------- the key


def ensure_key_table(conn: Connection) -> None:
    """The table for the server station's private key. Not an Alembic migration: a
    workstation's key is a file beside its store, never a table, so the synchronised
    schema has no place for it. Only the role that made it (the program's) may read it:
    PUBLIC's default rights are revoked."""
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {KEY_TABLE} (site_id TEXT PRIMARY KEY, "
        "private_key TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    conn.exec_driver_sql(f"REVOKE ALL ON {KEY_TABLE} FROM PUBLIC")


def load_server_key(conn: Connection) -> Ed25519PrivateKey | None:
    """The server station's private key, or None before the first seat made it."""
    row = conn.exec_driver_sql(f"SELECT private_key FROM {KEY_TABLE} LIMIT 2").all()
    if not row:
        return None
    if len(row) > 1:
        raise StoreError(f"the server holds {len(row)} station keys in {KEY_TABLE}; expected one")
    key = serialization.load_pem_private_key(row[0][0].encode("ascii"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise StoreError(f"{KEY_TABLE}: the server's key is not an Ed25519 private key")
    return key


def create_server_key(conn: Connection) -> Ed25519PrivateKey:
    """Make the server station's key pair and keep the private half on the server."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    site = site_id_for(raw_public(key.public_key()))
    conn.execute(
        text(f"INSERT INTO {KEY_TABLE} (site_id, private_key) VALUES (:s, :k)"),
        {"s": site, "k": pem},
    )
    return key


def identity_of(key: Ed25519PrivateKey) -> Identity:
    pub = raw_public(key.public_key())
    return Identity(site_id_for(pub), pub)


# ------------------------------------------------------------------ change notices


def notice_payloads(seat: str, changes: Changes) -> Iterator[str]:
    """What a write changed as JSON notices under PostgreSQL's size limit: {"s": seat,
    "r": {entity: [record ids]}}, split over as many notices as it needs (an import of
    many records sends several; each one stands alone)."""
    head = len(json.dumps({"s": seat, "r": {}}))
    batch: dict[str, list[str]] = {}
    size = head
    for entity in sorted(changes.records):
        for rid in sorted(changes.records[entity]):
            cost = len(rid) + 4 + (0 if entity in batch else len(entity) + 6)
            if batch and size + cost > PAYLOAD_LIMIT:
                yield json.dumps({"s": seat, "r": batch}, separators=(",", ":"))
                batch, size = {}, head
                cost = len(rid) + 4 + len(entity) + 6
            batch.setdefault(entity, []).append(rid)
            size += cost
    if batch:
        yield json.dumps({"s": seat, "r": batch}, separators=(",", ":"))


def send_notices(conn: Connection, seat: str, changes: Changes) -> None:
    """Queue the notices in the open transaction; PostgreSQL sends them on commit."""
    payloads = list(notice_payloads(seat, changes))
    if payloads:
        conn.execute(
            text("SELECT pg_notify(:ch, p) FROM unnest(CAST(:ps AS text[])) AS p"),
            {"ch": CHANNEL, "ps": payloads},
        )


def parse_notice(payload: str) -> tuple[str, Changes] | None:
    """(sending seat, what it changed), or None for a payload this program did not send."""
    try:
        data = json.loads(payload)
        seat = data["s"]
        records = data["r"]
        if not isinstance(seat, str) or not isinstance(records, dict):
            return None
        changes = Changes()
        for entity, ids in records.items():
            for rid in ids:
                changes.add(str(entity), str(rid))
        return seat, changes
    except (ValueError, KeyError, TypeError):
        return None


class ChangeListener:
    """One seat's ear on the server: a thread with its own autocommit connection that
    LISTENs on `CHANNEL` and passes each other seat's changes to `deliver` (the store's
    broadcast, on this thread; the GUI's relay moves it to the GUI thread). A lost
    connection is retried every few seconds and reported through `on_state`, so the
    window can say "server unreachable" and, once back, the panels refresh."""

    def __init__(
        self,
        location: str,
        seat: str,
        deliver: Callable[[Changes], None],
        *,
        on_state: Callable[[bool], None] | None = None,
        retry_seconds: float = 2.0,
    ) -> None:
        self.location = location
        self.seat = seat
        self.deliver = deliver
        self.on_state = on_state
        self.retry_seconds = retry_seconds
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hcc-server-listen", daemon=True)
        self._conn: Any = None

    def start(self, wait: float = 5.0) -> None:
        """Start listening; waits up to `wait` seconds for LISTEN to be in place, so a
        change made right after opening is heard."""
        self._thread.start()
        self.connected.wait(wait)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _dsn(self) -> str:
        url = engine_url(self.location).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._dsn(), autocommit=True, connect_timeout=CONNECT_TIMEOUT
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._set_state(True)
                    while not self._stop.is_set():
                        for notice in conn.notifies(timeout=0.5):
                            self._handle(notice.payload)
            except psycopg.Error as exc:
                if self._stop.is_set():
                    break
                log.warning("change notices from the server stopped: %s", exc)
                self._set_state(False)
                self._stop.wait(self.retry_seconds)
        self.connected.clear()

    def _set_state(self, up: bool) -> None:
        was = self.connected.is_set()
        if up:
            self.connected.set()
        else:
            self.connected.clear()
        if self.on_state is not None and was != up:
            try:
                self.on_state(up)
            except Exception:  # a listener's failure must not stop the notices
                log.exception("server state listener failed")

    def _handle(self, payload: str) -> None:
        parsed = parse_notice(payload)
        if parsed is None:
            return
        seat, changes = parsed
        if seat == self.seat or not changes:
            return  # this seat's own write: its listeners heard it at commit
        try:
            self.deliver(changes)
        except Exception:
            log.exception("a change listener failed on a notice from another seat")
