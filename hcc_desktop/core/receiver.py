"""The funnel for changes made at another station, beside `Store.writing()` for local
ones: versions that arrive (a package, later a server seat) are inserted as they are,
the clock observes them (the HLC receive rule), winners and conflicts are recomputed
for the units they touch, and the store broadcasts what changed after commit.

Keeping these steps here means the sync importer decides only what to accept, never
how a change lands, so every path into the store keeps the same invariants.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.orm import Session

from hcc_desktop.core.clock import HybridClock
from hcc_desktop.core.versions import (
    VERSION_KEYS,
    VERSIONS,
    Changes,
    UnitKey,
    insert_tuples,
    recompute_units,
)

#: Rows per INSERT statement: large enough to amortise, small enough for SQLite's
#: statement limits and a bounded parameter list.
BATCH = 5000


class Incoming(Protocol):
    """A checked version from elsewhere: its clock stamp and its `versions` row (built
    per batch, so a 100k-change package never holds 100k rows at once)."""

    @property
    def hlc(self) -> int: ...

    def as_version(self) -> tuple[Any, ...]:
        """The `versions` row, values in `VERSION_KEYS` order (a tuple: the driver
        takes it as it is, where a dict per row cost SQLAlchemy more than SQLite)."""
        ...


class Receiver:
    """What a remote change sees of the open transaction."""

    def __init__(self, session: Session, clock: HybridClock) -> None:
        self.session = session
        self.clock = clock
        self.changes = Changes()
        self.received = 0

    def is_far_future(self, hlc: int) -> bool:
        """A stamp beyond the allowed skew: kept, but the operator is told."""
        return self.clock.is_far_future(hlc)

    def apply(self, rows: Sequence[Incoming], keys: set[UnitKey]) -> Changes:
        """Insert version rows (already checked and known to be new here), observe
        their clocks and recompute the units `keys` they belong to. Returns what changed
        so the caller can count conflicts inside the same transaction."""
        if rows:
            conn = self.session.connection()
            for i in range(0, len(rows), BATCH):
                batch = [r.as_version() for r in rows[i : i + BATCH]]
                insert_tuples(conn, VERSIONS, VERSION_KEYS, batch)
            self.clock.observe(max(r.hlc for r in rows))
            self.received += len(rows)
        changed = recompute_units(self.session, keys)
        self.changes.merge(changed)
        return changed
