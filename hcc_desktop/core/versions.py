"""The version engine: append versions, keep winners, materialise domain rows, list
conflicts.

Writes go through `Writer`, which batches them and flushes with executemany, because a
shift's worth of EEI reports or a 100,000-line import must not cost one round trip per
row. `recompute_units` is the merge for versions that came from elsewhere: the winner
of a unit is its version with the greatest (HLC, site id), a pure function of the
version set, so every station that holds the same versions shows the same data.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core.clock import HybridClock
from hcc_desktop.core.entities import ENTITIES, Entity, Unit
from hcc_desktop.core.ids import canonical_json, sha256_hex

UnitKey = tuple[str, str, str]  # entity, record id, unit
CHUNK = 400  # bound parameters per IN (...) list, well under SQLite's limit
RECOMPUTE_BATCH = 5000  # units merged at a time; bounds the memory of a large import

# Declarative classes type `__table__` as a FromClause; a mapped class's is a Table.
VERSIONS = cast(Table, m.Version.__table__)
WINNERS = cast(Table, m.Winner.__table__)
CONFLICTS = cast(Table, m.Conflict.__table__)


def version_id(
    *,
    entity: str,
    record_id: str,
    unit: str,
    value: str,
    hlc: int,
    site_id: str,
    parent_id: str | None,
    operator: str | None,
    resolves: str | None,
) -> str:
    """Content hash of a version: the same edit has the same id on every station."""
    body = [entity, record_id, unit, value, hlc, site_id, parent_id, operator, resolves]
    return sha256_hex(canonical_json(body))


@dataclass
class Changes:
    """What a write touched, by entity: the GUI refreshes only these rows."""

    records: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, entity: str, record_id: str) -> None:
        self.records[entity].add(record_id)

    def merge(self, other: Changes) -> None:
        for name, ids in other.records.items():
            self.records[name].update(ids)

    def __bool__(self) -> bool:
        return any(self.records.values())

    @property
    def entities(self) -> set[str]:
        return {k for k, v in self.records.items() if v}


def bulk_insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """executemany of many rows. Where no column needs a bind processor (no JSON), the
    statement is compiled once and the driver gets plain tuples: SQLAlchemy's per-row
    parameter handling otherwise costs more than SQLite's work."""
    if not rows:
        return
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=keys)
    positions = compiled.positiontup  # set whenever the dialect is positional
    if compiled._bind_processors or not compiled.positional or positions is None:
        conn.execute(insert(table), rows)
        return
    order = [compiled.binds[name].key for name in positions]
    conn.exec_driver_sql(str(compiled), [tuple(row[k] for k in order) for row in rows])


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def columns_for(unit: Unit, value: Any) -> dict[str, Any]:
    """Domain columns a unit's value sets."""
    if unit.group:
        value = unit.normalise(value)
        data = value if isinstance(value, dict) else {}
        return {c: data.get(c) for c in unit.columns}
    return {unit.name: value}


def _empty_row(ent: Entity, record_id: str) -> dict[str, Any]:
    row: dict[str, Any] = {c.name: None for c in ent.table.columns}
    row["id"] = record_id
    if "deleted" in row:
        row["deleted"] = False
    return row


class DomainRows:
    """Collects column updates per record and writes them as few statements as it can."""

    def __init__(self) -> None:
        self.updates: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.known_new: dict[str, set[str]] = defaultdict(set)

    def set(self, entity: str, record_id: str, cols: Mapping[str, Any]) -> None:
        self.updates[entity].setdefault(record_id, {}).update(cols)

    def flush(self, session: Session) -> None:
        conn = session.connection()
        for name, rows in self.updates.items():
            ent = ENTITIES[name]
            table = ent.table
            ids = list(rows)
            new = self.known_new.get(name, set())
            unknown = [i for i in ids if i not in new]
            existing: set[str] = set()
            for chunk in _chunks(unknown):
                existing.update(
                    conn.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars()
                )
            inserts = []
            by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
            for rid, cols in rows.items():
                if rid in existing:
                    shape = tuple(sorted(cols))
                    by_shape[shape].append({"_id": rid, **{f"v_{k}": v for k, v in cols.items()}})
                else:
                    row = _empty_row(ent, rid)
                    row.update(cols)
                    inserts.append(row)
            bulk_insert(conn, table, inserts)
            for shape, params in by_shape.items():
                stmt = (
                    update(table)
                    .where(table.c.id == bindparam("_id"))
                    .values({k: bindparam(f"v_{k}") for k in shape})
                )
                conn.execute(stmt, params)
        self.updates.clear()
        self.known_new.clear()


class Writer:
    """Local edits inside one transaction. Every version is stamped by a fresh tick, so
    it sorts after everything this station has seen and wins at once: no winner
    recomputation is needed for local writes."""

    def __init__(
        self,
        session: Session,
        *,
        site_id: str,
        operator: str | None,
        clock: HybridClock,
        change_id: int | None,
    ) -> None:
        self.session = session
        self.site_id = site_id
        self.operator = operator
        self.clock = clock
        self.change_id = change_id
        self.changes = Changes()
        self.version_count = 0
        self._winners: dict[UnitKey, tuple[str, int, str] | None] = {}
        self._winner_exists: set[UnitKey] = set()
        self._versions: list[dict[str, Any]] = []
        self._winner_rows: list[dict[str, Any]] = []
        self._winner_updates: list[dict[str, Any]] = []
        self._rows = DomainRows()
        self._resolving: set[UnitKey] = set()

    # ---------------------------------------------------------------- reading
    def prefetch(self, entity: str, record_ids: Iterable[str]) -> None:
        """Load the winners of many records in one query before a batch of edits."""
        ids = [r for r in set(record_ids)]
        conn = self.session.connection()
        for chunk in _chunks(ids):
            rows = conn.execute(
                select(WINNERS).where(WINNERS.c.entity == entity, WINNERS.c.record_id.in_(chunk))
            )
            for r in rows:
                key = (entity, r.record_id, r.unit)
                if key not in self._winners:
                    self._winners[key] = (r.version_id, r.hlc, r.site_id)
                    self._winner_exists.add(key)
        for rid in ids:
            for unit in ENTITIES[entity].units:
                self._winners.setdefault((entity, rid, unit), None)

    def winner(self, entity: str, record_id: str, unit: str) -> tuple[str, int, str] | None:
        key = (entity, record_id, unit)
        if key not in self._winners:
            self.prefetch(entity, [record_id])
        return self._winners[key]

    # ---------------------------------------------------------------- writing
    def put(
        self,
        entity: str,
        record_id: str,
        values: Mapping[str, Any],
        *,
        new: bool = False,
        resolves: Iterable[str] | None = None,
    ) -> list[str]:
        """Append one version per unit in `values`; returns their ids.

        `new=True` promises the record id is fresh (a UUIDv7 made just now), which
        skips the winner look-up on bulk creates.
        """
        ent = ENTITIES[entity]
        resolved = canonical_json(sorted(resolves)) if resolves else None
        made = []
        if new:
            self._rows.known_new[entity].add(record_id)
        for unit_name, value in values.items():
            unit = ent.units[unit_name]
            key = (entity, record_id, unit_name)
            parent = None if new else self.winner(entity, record_id, unit_name)
            parent_id = parent[0] if parent else None
            hlc = self.clock.tick()
            text = canonical_json(value)
            vid = version_id(
                entity=entity,
                record_id=record_id,
                unit=unit_name,
                value=text,
                hlc=hlc,
                site_id=self.site_id,
                parent_id=parent_id,
                operator=self.operator,
                resolves=resolved,
            )
            self._versions.append(
                {
                    "id": vid,
                    "entity": entity,
                    "record_id": record_id,
                    "unit": unit_name,
                    "value": text,
                    "hlc": hlc,
                    "site_id": self.site_id,
                    "parent_id": parent_id,
                    "operator": self.operator,
                    "resolves": resolved,
                    "change_id": self.change_id,
                }
            )
            row = {"entity": entity, "record_id": record_id, "unit": unit_name}
            winner = {"version_id": vid, "hlc": hlc, "site_id": self.site_id}
            if key in self._winner_exists:
                self._winner_updates.append(
                    {"k_entity": entity, "k_record": record_id, "k_unit": unit_name, **winner}
                )
            else:
                self._winner_rows.append({**row, **winner})
                self._winner_exists.add(key)
            self._winners[key] = (vid, hlc, self.site_id)
            cols = columns_for(unit, value)
            if unit.version_column:
                cols[unit.version_column] = vid
            self._rows.set(entity, record_id, cols)
            self.changes.add(entity, record_id)
            if resolved:
                self._resolving.add(key)
            made.append(vid)
        self.version_count += len(made)
        return made

    def flush(self) -> None:
        """Write what is pending; reads through the session see it afterwards."""
        self.session.flush()  # ORM changes first: expire_all below would discard them
        conn = self.session.connection()
        bulk_insert(conn, VERSIONS, self._versions)
        bulk_insert(conn, WINNERS, self._winner_rows)
        if self._winner_updates:
            conn.execute(_WINNER_UPDATE, self._winner_updates)
        self._rows.flush(self.session)
        if self._resolving:
            recompute_conflicts(self.session, self._resolving)
        self._versions = []
        self._winner_rows = []
        self._winner_updates = []
        self._resolving = set()
        self.session.expire_all()


_WINNER_UPDATE = (
    update(WINNERS)
    .where(
        WINNERS.c.entity == bindparam("k_entity"),
        WINNERS.c.record_id == bindparam("k_record"),
        WINNERS.c.unit == bindparam("k_unit"),
    )
    .values(
        version_id=bindparam("version_id"),
        hlc=bindparam("hlc"),
        site_id=bindparam("site_id"),
    )
)


# ------------------------------------------------------------------- merge


def winner_key(version: Any) -> tuple[int, str]:
    """The merge rule (SYNC.md): greatest HLC, ties between sites broken by site id.
    A pure function of the version's content, never of when or where it arrived, so
    every station holding the same versions picks the same winner."""
    return (version.hlc, version.site_id)


def pick_winner(versions: Iterable[Any]) -> Any:
    """The winning version of one unit. One named place for the rule, so the sync
    tests can swap in broken variants (no tie-break, last arrival wins) and prove that
    the property suite notices."""
    return max(versions, key=winner_key)


def unit_clauses(table: Any, keys: Iterable[UnitKey]) -> Iterator[Any]:
    """WHERE clauses that together select the rows of `keys` in `table`. A row-value
    `(entity, record_id, unit) IN (VALUES ...)` would be one clause, but SQLite answers
    it by scanning the whole table; `entity = ? AND unit = ? AND record_id IN (...)`
    uses the (entity, record_id, unit) index, so an import of a few units into a store
    of a million versions stays a few index lookups."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entity, record_id, unit in keys:
        groups[(entity, unit)].append(record_id)
    for (entity, unit), record_ids in groups.items():
        for chunk in _chunks(record_ids):
            yield and_(table.c.entity == entity, table.c.unit == unit, table.c.record_id.in_(chunk))


def _load_unit_versions(session: Session, keys: list[UnitKey]) -> dict[UnitKey, list[Any]]:
    """Every version of the given units. Rows carry `seq` (local arrival order), which
    the merge must never look at; it is there so that a variant that does (last arrival
    wins) can be written, and shown to be caught, without copying this function."""
    conn = session.connection()
    found: dict[UnitKey, list[Any]] = defaultdict(list)
    cols = (
        VERSIONS.c.seq,
        VERSIONS.c.entity,
        VERSIONS.c.record_id,
        VERSIONS.c.unit,
        VERSIONS.c.id,
        VERSIONS.c.hlc,
        VERSIONS.c.site_id,
        VERSIONS.c.parent_id,
        VERSIONS.c.value,
        VERSIONS.c.resolves,
    )
    for where in unit_clauses(VERSIONS, keys):
        for r in conn.execute(select(*cols).where(where)):
            found[(r.entity, r.record_id, r.unit)].append(r)
    return found


def recompute_units(session: Session, keys: Iterable[UnitKey]) -> Changes:
    """Re-derive winners, domain rows and conflicts of the given units from their
    versions. Used for imported versions and for rebuilding the view."""
    unit_keys = sorted(set(keys))
    changes = Changes()
    # A batch at a time: a package of 100,000 changes would otherwise hold every
    # version row, every decoded value and every domain row at once.
    for batch in _record_batches(unit_keys, RECOMPUTE_BATCH):
        _recompute_batch(session, batch, changes)
    return changes


def _record_batches(unit_keys: list[UnitKey], size: int) -> Iterator[list[UnitKey]]:
    """Sorted unit keys in batches of about `size` that never split one record: a domain
    row must be written with all its units' columns at once (NOT NULL columns)."""
    batch: list[UnitKey] = []
    for key in unit_keys:
        if len(batch) >= size and batch[-1][:2] != key[:2]:
            yield batch
            batch = []
        batch.append(key)
    if batch:
        yield batch


def _recompute_batch(session: Session, unit_keys: list[UnitKey], changes: Changes) -> None:
    conn = session.connection()
    versions = _load_unit_versions(session, unit_keys)
    current: dict[UnitKey, str] = {}
    for where in unit_clauses(WINNERS, unit_keys):
        for r in conn.execute(select(WINNERS).where(where)):
            current[(r.entity, r.record_id, r.unit)] = r.version_id
    rows = DomainRows()
    inserts, updates = [], []
    for key in unit_keys:
        vs = versions.get(key)
        if not vs:
            continue
        best = pick_winner(vs)
        if current.get(key) == best.id:
            continue
        entity, record_id, unit_name = key
        winner = {"version_id": best.id, "hlc": best.hlc, "site_id": best.site_id}
        if key in current:
            updates.append(
                {"k_entity": entity, "k_record": record_id, "k_unit": unit_name, **winner}
            )
        else:
            inserts.append({"entity": entity, "record_id": record_id, "unit": unit_name, **winner})
        unit = ENTITIES[entity].units.get(unit_name)
        if unit is None:
            continue  # a unit from a newer schema: kept in history, not shown
        cols = columns_for(unit, json.loads(best.value))
        if unit.version_column:
            cols[unit.version_column] = best.id
        rows.set(entity, record_id, cols)
        changes.add(entity, record_id)
    if inserts:
        conn.execute(insert(WINNERS), inserts)
    if updates:
        conn.execute(_WINNER_UPDATE, updates)
    rows.flush(session)
    _write_conflicts(session, unit_keys, versions)


def recompute_conflicts(session: Session, keys: Iterable[UnitKey]) -> None:
    unit_keys = sorted(set(keys))
    _write_conflicts(session, unit_keys, _load_unit_versions(session, unit_keys))


def conflict_id(key: UnitKey, parent_id: str | None) -> str:
    return sha256_hex(canonical_json([*key, parent_id]))


def open_conflicts(key: UnitKey, versions: list[Any]) -> list[dict[str, Any]]:
    """Sibling versions (same parent) that disagree, unless a resolution names them all."""
    unit = ENTITIES[key[0]].units.get(key[2])
    resolved: set[str] = set()
    for v in versions:
        if v.resolves:
            resolved.update(json.loads(v.resolves))
    siblings: dict[str | None, list[Any]] = defaultdict(list)
    for v in versions:
        siblings[v.parent_id].append(v)
    found = []
    for parent_id, group in siblings.items():
        if len(group) < 2:
            continue
        values = {
            canonical_json(unit.comparable(json.loads(v.value)) if unit else v.value) for v in group
        }
        if len(values) < 2 or all(v.id in resolved for v in group):
            continue
        found.append(
            {
                "id": conflict_id(key, parent_id),
                "entity": key[0],
                "record_id": key[1],
                "unit": key[2],
                "parent_id": parent_id,
                "version_ids": sorted(v.id for v in group),
            }
        )
    return found


def _write_conflicts(
    session: Session, unit_keys: list[UnitKey], versions: Mapping[UnitKey, list[Any]]
) -> None:
    conn = session.connection()
    multi = [k for k in unit_keys if len(versions.get(k, ())) > 1]
    for where in unit_clauses(CONFLICTS, unit_keys):
        conn.execute(delete(CONFLICTS).where(where))
    rows = [c for k in multi for c in open_conflicts(k, versions[k])]
    if rows:
        conn.execute(insert(CONFLICTS), rows)


def rebuild(session: Session) -> None:
    """Throw away the materialised view and derive it again from the versions."""
    conn = session.connection()
    conn.execute(delete(WINNERS))
    conn.execute(delete(CONFLICTS))
    for ent in ENTITIES.values():
        conn.execute(delete(ent.table))
    keys = conn.execute(
        select(VERSIONS.c.entity, VERSIONS.c.record_id, VERSIONS.c.unit).distinct()
    ).all()
    recompute_units(session, [tuple(k) for k in keys])
