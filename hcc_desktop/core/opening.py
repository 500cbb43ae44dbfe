"""Opening a store: the file checked, its schema migrated (after a backup, when it holds
data), the station's identity taken from its key, the EEI catalog mirrored, in that
order. A `postgresql://` URL opens an EOC server store instead (`_open_server`): the
same migrations, the station's identity and key kept on the server. Kept apart from
`Store` so that the store depends on none of them: migrations, backups and the catalog
may use a `Store` without an import cycle.
"""

from __future__ import annotations

import socket
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from hcc_desktop.core import backups, catalog, migrations, pg
from hcc_desktop.core import models as m
from hcc_desktop.core import sqlite as sq
from hcc_desktop.core.clock import WallClock, system_wall_ms
from hcc_desktop.core.errors import StoreError
from hcc_desktop.core.station import Identity, create_key, key_path_for, load_identity
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms


def open_store(
    path: Path | str,
    *,
    wall: WallClock | None = None,
    station_name: str | None = None,
    create: bool = True,
    live: bool = False,
    local_dir: Path | None = None,
) -> Store:
    """Open (creating and migrating as needed) the store at `path`, a file or a
    `postgresql://` URL of an EOC server. For a server, `live` starts hearing the other
    seats' changes (a window that shows them wants it, a command does not), and
    `local_dir` replaces the seat's default folder for its files.

    Raises StoreError with a message for a person: not a store, newer schema, locked,
    corrupt, a key that is missing or belongs to another station, a server that cannot
    be reached.
    """
    if pg.is_server_location(path):
        return _open_server(
            str(path), wall=wall, station_name=station_name, live=live, local_dir=local_dir
        )
    path = Path(path)
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no store here")
        path.parent.mkdir(parents=True, exist_ok=True)
    elif path.stat().st_size > 0 and not sq.is_sqlite_file(path):
        raise StoreError(f"{path}: not an hcc-desktop store (not an SQLite file)")
    engine = sq.make_engine(path)
    try:
        migrations.upgrade(
            engine,
            label=str(path),
            before=lambda: backups.before_migration(engine, path),
        )
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(f"{path}: cannot open the store ({exc.orig})") from exc
    except DatabaseError as exc:
        engine.dispose()
        raise StoreError(f"{path}: the store file is damaged ({exc.orig})") from exc
    except StoreError:
        engine.dispose()
        raise
    wall = wall or system_wall_ms
    try:
        identity, name = _station(engine, path, station_name, wall)
    except BaseException:
        engine.dispose()  # an open handle would keep the file locked on Windows
        raise
    store = Store(path, engine, wall, identity, name)
    catalog.sync_into_store(store)
    return store


def _station(engine: Engine, path: Path, name: str | None, wall: WallClock) -> tuple[Identity, str]:
    """This station's identity and name: from its key file and its row, or both made
    now for a new store (named after the machine until the operator names it)."""
    key_file = key_path_for(path)
    writer = engine.execution_options(hcc_write=True)
    with Session(engine) as s:
        me = s.scalars(select(m.Station).where(m.Station.is_self)).first()
        if me is not None:
            if not key_file.exists():
                raise StoreError(
                    f"{key_file}: this station's private key is missing; restore it from "
                    "the backup made with the store (without it the station cannot sign "
                    "packages)"
                )
            identity = load_identity(key_file)
            if identity.site_id != me.site_id:
                raise StoreError(
                    f"{key_file}: this key belongs to another station "
                    f"(site {identity.site_id}, the store says {me.site_id})"
                )
            if not name or name == me.name:
                return identity, me.name
            with Session(writer) as w, w.begin():
                w.get_one(m.Station, identity.site_id).name = name
            return identity, name
    identity = load_identity(key_file) if key_file.exists() else create_key(key_file)
    chosen = name or socket.gethostname() or "station"
    with Session(writer) as s, s.begin():
        _add_self(s, identity, chosen, wall)
    return identity, chosen


def _open_server(
    url: str,
    *,
    wall: WallClock | None,
    station_name: str | None,
    live: bool,
    local_dir: Path | None,
) -> Store:
    """Open the EOC server store at `url`: migrate it (under the write lock, so seats
    starting together migrate once; PostgreSQL's DDL is transactional, so a failed
    migration leaves the old schema whole: no copy is made first, the server's own
    backups are the administrator's), take or make the server station's identity, and
    mirror the catalog. Every seat opens the same station."""
    label = pg.redact(url)
    engine = pg.make_engine(url)
    try:
        migrations.upgrade(engine.execution_options(hcc_write=True), label=label)
        wall = wall or system_wall_ms
        identity, name = _server_station(engine, station_name, wall)
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(f"{label}: cannot reach the EOC server ({_reason(exc)})") from exc
    except DatabaseError as exc:
        engine.dispose()
        raise StoreError(f"{label}: the server refused to open the store ({_reason(exc)})") from exc
    except BaseException:
        engine.dispose()
        raise
    folder = local_dir or pg.local_dir_for(url)
    folder.mkdir(parents=True, exist_ok=True)
    store = Store(folder, engine, wall, identity, name, server=url)
    try:
        catalog.sync_into_store(store)
        if live:
            store.listen()
    except BaseException:
        store.close()
        raise
    return store


def _reason(exc: DatabaseError) -> str:
    """The server's own words, first line only (psycopg adds context lines)."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)


def _server_station(engine: Engine, name: str | None, wall: WallClock) -> tuple[Identity, str]:
    """The server station's identity, made by the first seat that opens the server; all
    under the write lock, so two seats opening a new server together make one station."""
    with engine.execution_options(hcc_write=True).begin() as conn:
        pg.ensure_key_table(conn)
        key = pg.load_server_key(conn)
        with Session(bind=conn) as s:
            me = s.scalars(select(m.Station).where(m.Station.is_self)).first()
            if me is not None:
                if key is None:
                    raise StoreError(
                        f"{pg.KEY_TABLE}: the server station's private key is missing; "
                        "restore it from the server's backup (without it the station "
                        "cannot sign packages)"
                    )
                identity = pg.identity_of(key)
                if identity.site_id != me.site_id:
                    raise StoreError(
                        f"{pg.KEY_TABLE}: this key belongs to another station "
                        f"(site {identity.site_id}, the store says {me.site_id})"
                    )
                if name and name != me.name:
                    me.name = name
                    s.flush()
                return identity, name or me.name
            key = key or pg.create_server_key(conn)
            identity = pg.identity_of(key)
            chosen = name or "EOC server"
            _add_self(s, identity, chosen, wall)
            s.flush()
            return identity, chosen


def _add_self(s: Session, identity: Identity, name: str, wall: WallClock) -> None:
    """This station's own row, trusted, and the clock's first state: the same for a
    workstation's file and an EOC server."""
    s.add(
        m.Station(
            site_id=identity.site_id,
            name=name,
            public_key=identity.public_key_b64,
            fingerprint=identity.fingerprint,
            is_self=True,
            trusted=True,
            added_at=from_ms(wall()),
        )
    )
    if s.get(m.ClockState, 1) is None:
        s.add(m.ClockState(id=1, hlc=0))
