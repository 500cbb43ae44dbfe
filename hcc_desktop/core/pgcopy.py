"""Bulk inserts on the EOC server by COPY instead of executemany.

A batch of 5,000 log entries writes 15,000 rows (versions, winners, the entries); a
field station's first package brings 100,000 versions. psycopg's executemany sends them
in pipeline mode, one INSERT each, and the server parses and plans every one; COPY
streams the rows into the table in one statement, several times faster, inside the same
transaction (so it is as all-or-nothing as the inserts were). Small batches keep
executemany: COPY's set-up costs more than a few rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from hcc_desktop.core.ids import canonical_json

#: Fewer rows than this go by executemany.
COPY_MIN_ROWS = 64


def usable(conn: Connection, table: Table, keys: Sequence[str], count: int) -> bool:
    """True when `count` rows of `keys` may go by COPY: a PostgreSQL connection, enough
    rows, and every column left out filled by the server itself (a Python-side default
    would be skipped by COPY, so such a table keeps executemany)."""
    if conn.dialect.name != "postgresql" or count < COPY_MIN_ROWS:
        return False
    given = set(keys)
    for column in table.columns:
        if column.name in given:
            continue
        if column.default is not None and column.server_default is None:
            return False
    return True


def copy_rows(
    conn: Connection, table: Table, keys: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """COPY rows (tuples in `keys` order) into `table` on the connection's transaction.
    JSON columns get their text here (COPY takes no bind processors)."""
    preparer = conn.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(k) for k in keys)
    json_at = [i for i, k in enumerate(keys) if isinstance(table.c[k].type, JSON)]
    # What SQLAlchemy's JSON type makes of None: JSON null unless none_as_null.
    null_text = {i: None if _none_as_null(table, keys[i]) else "null" for i in json_at}
    sql = f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN"
    raw = conn.connection.driver_connection
    assert raw is not None  # a live connection inside the caller's transaction
    with _as_sqlalchemy_errors(conn, sql), raw.cursor() as cur, cur.copy(sql) as copy:
        if not json_at:
            for row in rows:
                copy.write_row(row)
            return
        for row in rows:
            values = list(row)
            for i in json_at:
                value = values[i]
                values[i] = null_text[i] if value is None else canonical_json(value)
            copy.write_row(values)


def copy_keys(conn: Connection, table: str, rows: Iterable[Sequence[Any]]) -> None:
    """COPY plain rows into a temporary table of the merge (no types to adapt)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    sql = f"COPY {table} FROM STDIN"
    with _as_sqlalchemy_errors(conn, sql), raw.cursor() as cur, cur.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def _as_sqlalchemy_errors(conn: Connection, sql: str) -> Iterator[None]:
    """The driver's errors as SQLAlchemy raises them for executemany (IntegrityError,
    DataError, OperationalError, ...): callers (the importer's "a value cannot be
    stored", `pg.retrying`, the lost-commit check) must not see a different exception
    for the same bad batch because it was big enough to go by COPY."""
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        lost = conn.dialect.is_disconnect(exc, None, None)  # type: ignore[arg-type]
        raise DBAPIError.instance(
            sql, None, exc, psycopg.Error, connection_invalidated=lost, dialect=conn.dialect
        ) from exc


def _none_as_null(table: Table, key: str) -> bool:
    kind = table.c[key].type
    return bool(isinstance(kind, JSON) and kind.none_as_null)
