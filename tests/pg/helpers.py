"""Small helpers shared by the server tests."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

ACTOR = Actor("Dana Reyes", "Situation Unit Leader")


def scalar(store: Store, sql: str, **params: Any) -> Any:
    with store.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def drop_database(admin: Engine, name: str) -> None:
    """DROP DATABASE, waiting for the backends of a seat that just closed (or a killed
    child) to go. Plain DROP first: WITH (FORCE) also needs the right to end an
    autovacuum worker, which only a superuser has; PostgreSQL ends those itself."""
    for _ in range(50):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            return
        except OperationalError:  # "being accessed by other users"
            time.sleep(0.2)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
