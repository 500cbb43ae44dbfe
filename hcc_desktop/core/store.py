"""The store: one SQLite file (plus the station's key file) is a workstation's state;
an EOC server store is one PostgreSQL database that many seats open at once.

`Store.writing()` is the one funnel for changes: a BEGIN IMMEDIATE transaction, a
change set for undo and audit, a `Writer` for versions, the clock persisted in the same
transaction, and after commit a broadcast of what changed to listeners (the GUI).

`Store.atomic()` makes several service calls one transaction: a command that writes
regions, members and an incident, or an incident and the "current incident" setting,
commits all of it or none of it, even when the disk fills or the process dies part way.

On a server store (`server` set, see core/pg.py) the same API holds: the write lock
stands in for BEGIN IMMEDIATE, every write also sends a change notice in its own
transaction, and a listener thread passes the other seats' notices to `listeners`.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core import pg
from hcc_desktop.core.clock import HybridClock, WallClock
from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.receiver import Receiver
from hcc_desktop.core.station import Identity, key_path_for, load_private_key
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.core.versions import Changes, Writer

Listener = Callable[[Changes], None]
T = TypeVar("T")


class Store:
    """An open store. Made by `core.opening.open_store`, which migrates the file, takes
    the station's identity and mirrors the catalog first; this class only reads and
    writes, so it depends on nothing that opening needs."""

    def __init__(
        self,
        path: Path,
        engine: Engine,
        wall: WallClock,
        identity: Identity,
        station_name: str,
        *,
        server: str | None = None,
    ) -> None:
        """`path` is the store file; for a server store (`server` = its connection URL)
        it is the seat's own folder for files written beside the store."""
        self.path = path
        self.engine = engine
        self.wall = wall
        self.identity = identity
        self.station_name = station_name
        self.server = server
        self._write_engine = engine.execution_options(hcc_write=True)
        self.listeners: list[Listener] = []
        # The transaction `atomic()` holds open, per thread: a GUI worker's write must
        # never join a scope another thread opened.
        self._scope = threading.local()
        # This seat's name in change notices (its own are not delivered twice).
        self.seat = uuid.uuid4().hex
        self._listener: pg.ChangeListener | None = None

    @property
    def is_server(self) -> bool:
        """True for an EOC server store (PostgreSQL), False for a workstation file."""
        return self.server is not None

    @property
    def label(self) -> str:
        """Where the store is, for messages: the file, or the server URL (no password)."""
        return pg.redact(self.server) if self.server else str(self.path)

    def private_key(self) -> Ed25519PrivateKey:
        """The station's signing key: the key file beside a workstation's store, the
        key kept on the server for a server store (every seat signs as the server)."""
        if self.server is None:
            return load_private_key(key_path_for(self.path))
        with self.engine.connect() as conn:
            key = pg.load_server_key(conn)
        if key is None:
            raise StoreError(f"{self.label}: the server station's key is missing")
        return key

    def listen(self, on_state: Callable[[bool], None] | None = None) -> None:
        """Hear the other seats' changes (server stores; nothing for a file): they reach
        `listeners` on a background thread within a second or so of their commit."""
        if self.server is None:
            return
        if self._listener is not None:  # opened live: a window now wants the state too
            if on_state is not None:
                self._listener.on_state = on_state
                on_state(self._listener.connected.is_set())
            return
        self._listener = pg.ChangeListener(self.server, self.seat, self._notify, on_state=on_state)
        self._listener.start()

    @property
    def hearing(self) -> bool:
        """True while the listener started by `listen()` has the server (False before
        it connects, after it lost the server, and for a file)."""
        return self._listener is not None and self._listener.connected.is_set()

    def retrying(self, work: Callable[[], T], *, attempts: int = 4) -> T:
        """Run `work` (a service call: one transaction) and, on a server store, run it
        again after a serialisation failure, a deadlock or a lost connection (see
        `pg.retrying` for what `work` must promise). A workstation's file has no such
        failures (one writer, BEGIN IMMEDIATE waits for the lock): it runs once."""
        if self.server is None or self._open_scope() is not None:
            return work()  # inside atomic() the outermost scope is what may be repeated
        return pg.retrying(work, attempts=attempts)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def site_id(self) -> str:
        return self.identity.site_id

    # ------------------------------------------------------------------ access
    def read(self) -> Session:
        """A session for queries; use as a context manager. Inside `atomic()` it reads
        through the open transaction, so a later step sees what an earlier one wrote."""
        joined = self._joined_session()
        return joined if joined is not None else Session(self.engine, expire_on_commit=False)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One BEGIN IMMEDIATE transaction around several service calls.

        Every `writing()`, `read()`, `set_setting()` and `local_session()` on this thread
        joins it (each inner write in a SAVEPOINT, so a refused step that is caught and
        handled leaves the rest intact). Nothing is committed before the block ends, and
        listeners hear of the changes only after that commit. Nested scopes join the
        outermost one.
        """
        if self._open_scope() is not None:
            yield
            return
        pending: list[Changes] = []
        # The first version any inner write made: whether it is in the store tells
        # whether the scope committed when the answer to COMMIT was lost.
        first: list[str] = []
        try:
            with self._write_engine.connect() as conn, conn.begin():
                self._scope.conn = conn
                self._scope.pending = pending
                self._scope.first = first
                try:
                    yield
                finally:
                    self._scope.conn = None
                    self._scope.pending = None
                    self._scope.first = None
        except DBAPIError as exc:
            if not self._committed_anyway(exc, first[0] if first else None):
                raise
        for changes in pending:
            self._notify(changes)

    def _open_scope(self) -> Connection | None:
        return getattr(self._scope, "conn", None)

    def _joined_session(self) -> Session | None:
        conn = self._open_scope()
        if conn is None:
            return None
        return Session(bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint")

    @contextmanager
    def writing(
        self, *, operator: str | None, summary: str, keep_empty: bool = False
    ) -> Iterator[Writer]:
        """All of a change or none of it; listeners hear about it after commit."""
        joined = self._joined_session()
        session = joined if joined is not None else self._own_session()
        writer: Writer | None = None
        try:
            with session, session.begin():
                writer = yield from self._write(session, operator, summary, keep_empty)
        except DBAPIError as exc:
            if joined is not None or writer is None:
                raise
            if not self._committed_anyway(exc, writer.first_version):
                raise
        assert writer is not None
        if joined is not None:
            first = getattr(self._scope, "first", None)
            if first is not None and not first and writer.first_version is not None:
                first.append(writer.first_version)
        self._broadcast(writer.changes, joined is not None)

    def _committed_anyway(self, exc: DBAPIError, version: str | None) -> bool:
        """After a lost connection on a server: did the write commit all the same (the
        server committed, its answer never came)? Its first version is in the store if
        so; then the write stands and must not be repeated by `retrying`, which would
        log the same entry (or make the same incident) twice. Read under the write
        lock, so a COMMIT still finishing is waited for, not taken for "not there";
        asked a few times, as the server may be restarting."""
        if self.server is None or version is None or not pg.is_transient(exc):
            return False

        def landed() -> bool:
            with self._write_engine.connect() as conn, conn.begin():
                found = conn.execute(select(m.Version.id).where(m.Version.id == version))
                return found.first() is not None

        try:
            return pg.retrying(landed, attempts=3)
        except DBAPIError:
            return False

    def _write(
        self, session: Session, operator: str | None, summary: str, keep_empty: bool
    ) -> Generator[Writer, None, Writer]:
        """The body of `writing()` inside its transaction: yields the writer to the
        caller's block, then returns it once its work is flushed."""
        change = m.ChangeSet(at=from_ms(self.wall()), operator=operator, summary=summary)
        session.add(change)
        session.flush()
        clock_row = session.get_one(m.ClockState, 1)
        clock = HybridClock(clock_row.hlc, self.wall)
        writer = Writer(
            session,
            site_id=self.site_id,
            operator=operator,
            clock=clock,
            change_id=change.id,
        )
        yield writer
        writer.flush()
        if writer.version_count == 0 and not keep_empty:
            session.delete(change)
        else:
            clock_row = session.get_one(m.ClockState, 1)
            clock_row.hlc = clock.last
        if self.server is not None and writer.changes:
            session.flush()
            pg.send_notices(session.connection(), self.seat, writer.changes)
        return writer

    @contextmanager
    def receiving(self) -> Iterator[Receiver]:
        """The funnel for changes made elsewhere (a package from another station): one
        transaction in which versions are inserted as they came, the clock observes
        them and their units are recomputed; listeners hear after commit, as for
        `writing()`. The caller decides what to accept; this decides how it lands."""
        joined = self._joined_session()
        session = joined if joined is not None else self._own_session()
        with session, session.begin():
            clock_row = session.get_one(m.ClockState, 1)
            receiver = Receiver(session, HybridClock(clock_row.hlc, self.wall))
            yield receiver
            if receiver.received:
                clock_row.hlc = receiver.clock.last
            if self.server is not None and receiver.changes:
                session.flush()
                pg.send_notices(session.connection(), self.seat, receiver.changes)
        self._broadcast(receiver.changes, joined is not None)

    def _broadcast(self, changes: Changes, deferred: bool) -> None:
        """Tell listeners, now or (inside `atomic()`) once the scope commits."""
        if not changes:
            return
        if deferred:
            self._scope.pending.append(changes)
        else:
            self._notify(changes)

    def _notify(self, changes: Changes) -> None:
        for listener in list(self.listeners):
            listener(changes)

    # ------------------------------------------------------------------ settings
    def get_setting(self, key: str) -> str | None:
        with self.read() as s:
            row = s.get(m.Setting, key)
            return row.value if row else None

    def set_setting(self, key: str, value: str | None) -> None:
        self.set_settings({key: value})

    def set_settings(self, values: Mapping[str, str | None]) -> None:
        """Several settings in one transaction (a Preferences page saves whole)."""
        with self.local_session() as s, s.begin():
            for key, value in values.items():
                row = s.get(m.Setting, key)
                if row is None:
                    s.add(m.Setting(key=key, value=value))
                else:
                    row.value = value

    def local_session(self) -> Session:
        """A writing session for local, unsynchronised tables (settings, operators,
        stations, catalog); inside `atomic()` it joins the open transaction."""
        joined = self._joined_session()
        return joined if joined is not None else self._own_session()

    def _own_session(self) -> Session:
        return Session(self._write_engine, expire_on_commit=False)
