"""Bulk rows by COPY on the EOC server store the same values as the executemany they
replace: JSON (None as JSON null, as SQLAlchemy stores it), booleans, numbers, text
with tabs, newlines and backslashes, which COPY's text format must escape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core import pgcopy
from hcc_desktop.core.store import Store
from hcc_desktop.core.versions import bulk_insert, insert_tuples

REPORTS = m.EEIReport.__table__
KEYS = (
    *("id", "incident_id", "organization_id", "element_code", "period", "value"),
    *("comment", "deleted"),
)


def _rows(prefix: str, n: int = 100) -> list[tuple[Any, ...]]:
    values: list[Any] = [None, 3, 2.5, "Yes", {"beds": 4, "note": "a\tb"}, [1, None], True]
    return [
        (
            f"{prefix}{i:04d}",
            None,
            "org",
            "beds.icu",
            i % 3,
            values[i % len(values)],
            "line one\nline two \\ tab\there" if i % 2 else None,
            i % 5 == 0,
        )
        for i in range(n)
    ]


def _stored(store: Store, prefix: str) -> list[tuple[Any, ...]]:
    with store.read() as s:
        rows = s.execute(
            select(*(REPORTS.c[k] for k in KEYS), REPORTS.c.value.is_(None))
            .where(REPORTS.c.id.startswith(prefix))
            .order_by(REPORTS.c.id)
        )
        return [tuple(r) for r in rows]


def test_copy_and_executemany_store_the_same_rows(
    open_seat: Callable[..., Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    seat = open_seat(live=False)
    with seat.writing(operator="Test", summary="bulk rows") as s:
        conn = s.session.connection()
        assert pgcopy.usable(conn, REPORTS, KEYS, 100)
        insert_tuples(conn, REPORTS, KEYS, _rows("c"))
        bulk_insert(conn, REPORTS, [dict(zip(KEYS, r, strict=True)) for r in _rows("d")])
    monkeypatch.setattr(pgcopy, "COPY_MIN_ROWS", 10**9)
    with seat.writing(operator="Test", summary="bulk rows") as s:
        conn = s.session.connection()
        assert not pgcopy.usable(conn, REPORTS, KEYS, 100)
        insert_tuples(conn, REPORTS, KEYS, _rows("e"))

    def strip(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return [r[1:] for r in rows]

    by_copy, by_dicts, by_many = _stored(seat, "c"), _stored(seat, "d"), _stored(seat, "e")
    assert len(by_copy) == 100
    assert strip(by_copy) == strip(by_many) == strip(by_dicts)
    assert not any(r[-1] for r in by_copy)  # None went in as JSON null, not SQL NULL


def test_a_table_with_a_python_side_default_left_out_keeps_executemany(
    open_seat: Callable[..., Store],
) -> None:
    seat = open_seat(live=False)
    table = m.EEIElement.__table__  # `sensitive` and `position` have Python defaults
    with seat.writing(operator="Test", summary="bulk rows") as s:
        assert not pgcopy.usable(s.session.connection(), table, ("code", "label"), 500)
        assert pgcopy.usable(s.session.connection(), table, [c.name for c in table.columns], 500)


def test_a_bad_batch_raises_the_same_error_by_copy_as_by_executemany(
    open_seat: Callable[..., Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value the server refuses (text over a column's length) is a SQLAlchemy
    DataError whether the batch went by COPY or by executemany: the importer's "a
    value cannot be stored" and the retry logic see one kind of error."""
    from sqlalchemy.exc import DBAPIError

    seat = open_seat(live=False)
    incidents_table = m.Incident.__table__
    keys = [c.name for c in incidents_table.columns]

    def bad(n: int) -> list[tuple[Any, ...]]:
        rows = []
        for i in range(n):
            row = {c.name: None for c in incidents_table.columns}
            row.update(id=f"bad-{n}-{i}", name="x", status="s" * 500, exercise=False)
            row.update(deleted=False)
            rows.append(tuple(row[k] for k in keys))
        return rows

    kinds = []
    for n in (10, 100):  # executemany, then COPY
        with seat.engine.connect() as conn:
            assert pgcopy.usable(conn, incidents_table, keys, n) == (n >= 64)
        with (
            pytest.raises(DBAPIError) as raised,
            seat.writing(operator="Test", summary="bad rows") as w,
        ):
            insert_tuples(w.session.connection(), incidents_table, keys, bad(n))
        kinds.append(type(raised.value))
    assert kinds[0] is kinds[1]
