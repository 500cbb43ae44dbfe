"""Canonical dump of all synchronised domain data.

Sorted, stable, without clocks or local state: two stations that hold the same
versions produce the same bytes, which is how tests and operators prove convergence.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.ids import canonical_json
from hcc_desktop.core.store import Store

#: Columns that are derived bookkeeping, not data an operator entered.
_SKIP = {"values_version", "validated_version"}


def dump_data(store: Store) -> dict[str, Any]:
    out: dict[str, Any] = {"format": "hcc-dump/1"}
    with store.read() as s:
        conn = s.connection()
        for name in sorted(ENTITIES):
            table = ENTITIES[name].table
            cols = [c for c in table.columns if c.name not in _SKIP]
            rows = conn.execute(select(*cols).order_by(table.c.id))
            out[name] = [dict(r._mapping) for r in rows]
        conflicts = conn.exec_driver_sql(
            # The JSON column as its stored text on both engines (psycopg would decode it).
            "SELECT entity, record_id, unit, CAST(version_ids AS TEXT) FROM conflicts ORDER BY id"
        ).all()
        out["conflicts"] = [list(r) for r in conflicts]
    return out


def dump_text(store: Store) -> str:
    """One line per row so a diff of two dumps shows what differs."""
    data = dump_data(store)
    lines = [canonical_json({"format": data.pop("format")})]
    for name in sorted(data):
        for row in data[name]:
            lines.append(canonical_json({name: row}))
    return "\n".join(lines) + "\n"
