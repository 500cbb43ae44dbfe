"""Opening a store: the file checked, its schema migrated (after a backup, when it holds
data), the station's identity taken from its key, the EEI catalog mirrored, in that
order. Kept apart from `Store` so that the store depends on none of them: migrations,
backups and the catalog may use a `Store` without an import cycle.
"""

from __future__ import annotations

import socket
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from hcc_desktop.core import backups, catalog, migrations
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
) -> Store:
    """Open (creating and migrating as needed) the store at `path`.

    Raises StoreError with a message for a person: not a store, newer schema, locked,
    corrupt, a key that is missing or belongs to another station.
    """
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
        s.add(
            m.Station(
                site_id=identity.site_id,
                name=chosen,
                public_key=identity.public_key_b64,
                fingerprint=identity.fingerprint,
                is_self=True,
                trusted=True,
                added_at=from_ms(wall()),
            )
        )
        if s.get(m.ClockState, 1) is None:
            s.add(m.ClockState(id=1, hlc=0))
    return identity, chosen
