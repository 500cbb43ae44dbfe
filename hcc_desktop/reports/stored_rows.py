"""Column rows for reports, read through SQLAlchemy Core (their EEI values are decoded
from the stored JSON text by `hcc_desktop.core.pgsql.Decoder`, which the EEI grid's
statuses share).

Reports read thousands of plain tuples (every status value of an incident); the ORM
session's result machinery builds loading state even for those, and SQLAlchemy's
JSON type decodes every value with a call of its own. Core on the session's
connection keeps one query for SQLite and PostgreSQL (`stored_json` gives each
engine's stored text) at about the cost of the driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Row

from hcc_desktop.core.store import Store


def read_rows(store: Store, stmt: Select[Any]) -> list[Row[Any]]:
    """The rows of a column query, executed through Core on the session's connection
    (so inside `store.atomic()` it still reads the open transaction): the ORM
    session's result machinery costs more than SQLite's own read for a few thousand
    plain tuples."""
    with store.read() as s:
        return list(s.connection().execute(stmt).all())


_BATCH = 500


def stream_rows(store: Store, stmt: Select[Any]) -> Iterator[Row[Any]]:
    """The rows of a column query one at a time, as read_rows reads them. For the
    large reads (every status value of an incident): a row that is overtaken is freed
    at once instead of living in a list until the end, and the tens of thousands of
    rows alive at once were what set off most of the garbage collector's passes
    during a briefing (with a full collection of the whole process among them)."""
    with store.read() as s:
        # Fetched a few hundred at a time: one driver call per row costs more than the
        # row, and a batch smaller than the collector's first threshold (700 new
        # objects) is mostly freed before a pass would move it to an older generation.
        for batch in s.connection().execute(stmt).partitions(_BATCH):
            yield from batch
