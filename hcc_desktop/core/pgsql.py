"""SQL that SQLite and PostgreSQL spell differently, as expressions that compile to
each engine's own form, so services and reports stay one query for both stores.

`json_text(column, key)`: the text of one top-level key of a JSON document kept in a
TEXT column (the `versions.value` history). SQLAlchemy's JSON indexing needs the column
to be JSON on the server: on PostgreSQL a `type_coerce` leaves `text ->> text`, which
the server refuses, so the cast to json must be written out there; SQLite reads JSON
from text with `json_extract` directly.

`stored_json(column)`: a JSON column as each engine stores it, and `Decoder`, which
turns those stored values into Python ones once per distinct text (core services and
reports share it).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


def json_text(column: ColumnElement[Any] | Any, key: str) -> Any:
    """The value of `key` in the JSON text of `column`, as text (NULL when absent).
    Typed Any as SQLAlchemy's JSON indexing is, so the queries using it type the same."""
    return _JsonText(column, key)


class _JsonText(FunctionElement[str]):
    type = String()
    inherit_cache = True
    name = "json_text"

    def __init__(self, column: ColumnElement[Any] | Any, key: str) -> None:
        if not key.replace("_", "").isalnum():
            raise ValueError(f"json_text: {key!r} is not a plain key")
        self.key_name = key
        super().__init__(column)

    @property
    def _column(self) -> Any:
        return next(iter(self.clauses))


@compiles(_JsonText)
def _json_text_sqlite(element: _JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    # The key is a plain name (checked when made), so it needs no quoting in the path.
    return f"json_extract({compiler.process(element._column, **kw)}, '$.{element.key_name}')"


@compiles(_JsonText, "postgresql")
def _json_text_postgresql(element: _JsonText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(CAST({compiler.process(element._column, **kw)} AS json) ->> '{element.key_name}')"


def stored_json(column: ColumnElement[Any] | Any) -> Any:
    """A JSON column read as the driver gives its stored form, for readers that decode
    it themselves (the EEI grid: SQLAlchemy's JSON result processor costs a call per
    value). SQLite hands back the stored text (a number as a number, by the column's
    numeric affinity); psycopg decodes a `json` column whatever SQLAlchemy's type says,
    so on PostgreSQL the column is cast to text to get the text back."""
    return _StoredJson(column)


class _StoredJson(FunctionElement[str]):
    type = String()
    inherit_cache = True
    name = "stored_json"

    @property
    def _column(self) -> Any:
        return next(iter(self.clauses))


@compiles(_StoredJson)
def _stored_json_sqlite(element: _StoredJson, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element._column, **kw)


@compiles(_StoredJson, "postgresql")
def _stored_json_postgresql(element: _StoredJson, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element._column, **kw)} AS text)"


class Decoder(dict[str, Any]):
    """Stored JSON text (`stored_json`) -> value, decoded once per distinct text. EEI
    values repeat endlessly ("Normal", small counts), so a look-up replaces most
    json.loads calls. SQLite hands a JSON number back as a number (the column has
    numeric affinity), which passes through; PostgreSQL hands back text."""

    def __missing__(self, raw: str) -> Any:
        value = json.loads(raw)
        if not isinstance(value, list | dict):  # a shared mutable value could be changed
            self[raw] = value
        return value

    def value(self, raw: Any) -> Any:
        """The decoded value of one stored value (None stays None)."""
        return self[raw] if isinstance(raw, str) else raw
