"""Fault injection for "all of a write or none of it": fail the store's disk part way
through a command and prove the file is exactly as it was before.

`DiskFull` makes the Nth statement that changes the store raise SQLite's own
"database or disk is full" error, as a full disk does at whatever point the journal or
a page write runs out of room. `assert_all_or_nothing` runs a writer once to count its
statements, then fails it at several points from the first write to the last and
compares every table of the file, local settings included, with the snapshot taken
before. A writer that commits in two transactions fails this test at any point past
its first commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.store import Store
from tests.conftest import copy_store

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class DiskFull:
    """Counts the statements that write to one store's engine; the `fail_at`-th one
    (counting from 1) raises, and so does every write after it, as a disk stays full."""

    def __init__(self, store: Store, fail_at: int | None = None) -> None:
        self.engine = store.engine
        self.fail_at = fail_at
        self.writes = 0
        event.listen(self.engine, "before_cursor_execute", self._before)

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_WRITES):
            return
        self.writes += 1
        if self.fail_at is not None and self.writes >= self.fail_at:
            raise sqlite3.OperationalError("database or disk is full")

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: the store as a person or a later session
    would find it (settings and the import history included, not only synced data)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def fault_points(total: int, most: int = 12) -> list[int]:
    """Up to `most` failure points spread from the first write to the last."""
    if total <= most:
        return list(range(1, total + 1))
    step = (total - 1) / (most - 1)
    return sorted({1 + round(i * step) for i in range(most)})


@contextmanager
def opened(path: Path, wall: Any = None) -> Iterator[Store]:
    store = open_store(path, wall=wall)
    try:
        yield store
    finally:
        store.close()


def assert_all_or_nothing(
    original: Path,
    work: Path,
    writer: Callable[[Store], object],
    *,
    wall: Any = None,
    most: int = 12,
    expected: Sequence[type[BaseException]] = (Exception,),
) -> int:
    """Run `writer` on copies of `original` with the disk failing at points across its
    writes; after each failure the copy must equal `original` table for table. Returns
    how many writes the writer makes, so a test can check it really did write."""
    before = snapshot(original)
    copy_store(original, work)
    with opened(work, wall) as store:
        counter = DiskFull(store)
        writer(store)
        counter.remove()
    total = counter.writes
    assert total > 0, "the writer wrote nothing: the test proves nothing"
    assert snapshot(work) != before, "the writer changed nothing visible"
    for point in fault_points(total, most):
        copy_store(original, work)
        with opened(work, wall) as store:
            fault = DiskFull(store, fail_at=point)
            with pytest.raises(tuple(expected)):
                writer(store)
            fault.remove()
        after = snapshot(work)
        changed = sorted(n for n in before if before[n] != after.get(n))
        assert not changed, f"disk full at write {point} of {total} left {changed} changed"
    return total


def damage_pages(path: Path) -> None:
    """Overwrite a few pages in the middle of a store file: the header stays (it still
    looks like SQLite), the b-trees break (the quick and full checks fail)."""
    size = path.stat().st_size
    with path.open("r+b") as fh:
        for offset in range(4096, min(size, 4096 * 12), 4096):
            fh.seek(offset)
            fh.write(b"\x07" * 4096)
