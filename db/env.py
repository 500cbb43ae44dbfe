"""Alembic environment for hcc-desktop stores.

The program passes its own open connection (config.attributes["connection"]), so a
migration runs inside the same SQLite connection settings as everything else. Batch
mode is on because SQLite cannot ALTER most things in place.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from hcc_desktop.core.models import Base

config = context.config
connection = config.attributes.get("connection")


def _run(conn: object) -> None:
    context.configure(
        connection=conn,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:  # developer use: `alembic -c db/alembic.ini revision --autogenerate`
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///dev-store.sqlite"
    with create_engine(url).connect() as conn:
        _run(conn)
