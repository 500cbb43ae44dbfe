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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core import pgcopy
from hcc_desktop.core.clock import HybridClock
from hcc_desktop.core.entities import ENTITIES, Entity, Unit
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import canonical_atom, canonical_json, sha256_hex

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
    """Content hash of a version: the same edit has the same id on every station.

    The hashed text is `canonical_json` of the nine fields as a list. They are text,
    whole numbers or null, so the list is written here directly (the same bytes): an
    import recomputes one id per line, and the general encoder cost a tenth of it."""
    e = encode_basestring
    if (
        type(entity) is str
        and type(record_id) is str
        and type(unit) is str
        and type(value) is str
        and type(hlc) is int
        and type(site_id) is str
    ):
        text = (
            f"[{e(entity)},{e(record_id)},{e(unit)},{e(value)},{int.__repr__(hlc)},"
            f"{e(site_id)},{canonical_atom(parent_id)},{canonical_atom(operator)},"
            f"{canonical_atom(resolves)}]"
        )
    else:
        body = (entity, record_id, unit, value, hlc, site_id, parent_id, operator, resolves)
        text = "[" + ",".join(map(canonical_atom, body)) + "]"
    return sha256_hex(text)


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


@dataclass(frozen=True)
class _Plan:
    """A compiled statement for executemany with plain tuples. `keys` are its parameter
    names in positional order; `processors` the SQLAlchemy bind processors (Boolean to
    0/1, JSON to text, ...) by position, applied here once per value so that the driver
    gets exactly what SQLAlchemy's own executemany would have given it, without
    SQLAlchemy's per-row parameter handling (which cost more than SQLite's work)."""

    sql: str
    keys: tuple[str, ...]
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]

    def run(self, conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """executemany of rows given as tuples in `keys` order."""
        if not rows:
            return
        if self.processors:
            try:
                rows = [self._processed(r) for r in rows]
            except (TypeError, ValueError) as exc:
                # What SQLAlchemy raises for a value its type refuses: callers (the
                # importer) treat it as a value that cannot be stored.
                raise StatementError(str(exc), self.sql, None, exc) from exc
        conn.exec_driver_sql(self.sql, rows if isinstance(rows, list) else list(rows))

    def run_dicts(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """executemany of rows given as mappings holding at least `keys`."""
        if not rows:
            return
        get = itemgetter(*self.keys)
        if len(self.keys) == 1:
            self.run(conn, [(get(r),) for r in rows])
        else:
            self.run(conn, [get(r) for r in rows])

    def _processed(self, row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for i, process in self.processors:
            values[i] = process(values[i])
        return tuple(values)


_PLANS: dict[tuple[Any, ...], _Plan | None] = {}


def _compile_plan(conn: Connection, stmt: Any, key: tuple[Any, ...], **kw: Any) -> _Plan | None:
    """The plan of a statement, compiled once per dialect; None where the dialect is not
    positional (the caller then lets SQLAlchemy execute it)."""
    cache_key = (conn.dialect.name, *key)
    if cache_key in _PLANS:
        return _PLANS[cache_key]
    compiled = stmt.compile(dialect=conn.dialect, **kw)
    positions = compiled.positiontup
    plan: _Plan | None = None
    if compiled.positional and positions is not None:
        procs = compiled._bind_processors
        plan = _Plan(
            str(compiled),
            tuple(compiled.binds[name].key for name in positions),
            tuple((i, procs[name]) for i, name in enumerate(positions) if name in procs),
        )
    _PLANS[cache_key] = plan
    return plan


def insert_plan(conn: Connection, table: Table, keys: Sequence[str]) -> _Plan | None:
    """INSERT of the given columns of `table`."""
    keys = tuple(keys)
    return _compile_plan(conn, insert(table), ("insert", table.name, keys), column_keys=list(keys))


def update_plan(conn: Connection, table: Table, shape: Sequence[str]) -> _Plan | None:
    """UPDATE of the columns `shape` of one row by id; parameters `_id` and `v_<column>`."""
    shape = tuple(shape)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({k: bindparam(f"v_{k}") for k in shape})
    )
    return _compile_plan(conn, stmt, ("update", table.name, shape))


def bulk_insert(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """executemany of many rows (mappings with the same keys) as plain tuples."""
    if not rows:
        return
    keys = list(rows[0])
    if pgcopy.usable(conn, table, keys, len(rows)):
        pgcopy.copy_rows(conn, table, keys, [tuple(r[k] for k in keys) for r in rows])
        return
    plan = insert_plan(conn, table, keys)
    if plan is None:
        conn.execute(insert(table), rows)
        return
    plan.run_dicts(conn, rows)


def insert_tuples(
    conn: Connection, table: Table, keys: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """executemany of rows already made as tuples in `keys` order (the hot paths build
    them so: no dict per row)."""
    if not rows:
        return
    if pgcopy.usable(conn, table, keys, len(rows)):
        pgcopy.copy_rows(conn, table, keys, rows)
        return
    plan = insert_plan(conn, table, keys)
    if plan is None:
        conn.execute(insert(table), [dict(zip(keys, r, strict=True)) for r in rows])
        return
    plan.run(conn, rows)


def existing_ids(conn: Connection, table: Table, ids: Sequence[str]) -> set[str]:
    """Which of `ids` have a row in `table`, a few hundred per query."""
    found: set[str] = set()
    name = table.name
    if conn.dialect.name == "postgresql":
        # One array parameter: a long IN list of separate parameters costs the server
        # far more to parse and plan than the look-up itself.
        sql = f"SELECT id FROM {name} WHERE id = ANY(%s)"
        for chunk in _chunks(list(ids), 20_000):
            found.update(r[0] for r in conn.exec_driver_sql(sql, (chunk,)))
        return found
    # Straight to the driver inside the open transaction: a 100,000-version import asks
    # a few hundred of these, and SQLAlchemy's statement handling cost more than them.
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for chunk in _chunks(list(ids)):
            marks = ",".join(["?"] * len(chunk))
            cursor.execute(f"SELECT id FROM {name} WHERE id IN ({marks})", chunk)
            found.update(r[0] for r in cursor.fetchall())
    finally:
        cursor.close()
    return found


def param_mark(conn: Connection) -> str:
    """The driver's positional parameter marker: `?` for sqlite3, `%s` for psycopg
    (the server store); the hot paths write their SQL with it directly."""
    return "%s" if conn.dialect.name == "postgresql" else "?"


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def columns_for(unit: Unit, value: Any) -> dict[str, Any]:
    """Domain columns a unit's value sets."""
    if unit.group:
        if not isinstance(value, dict):
            value = unit.normalise(value)
        data = value if isinstance(value, dict) else {}
        get = data.get
        return {c: get(c) for c in unit.columns}
    return {unit.name: value}


def _empty_row(ent: Entity) -> dict[str, Any]:
    """A new domain row before its units' columns: every column null, not deleted."""
    row: dict[str, Any] = {c.name: None for c in ent.table.columns}
    if "deleted" in row:
        row["deleted"] = False
    return row


class DomainRows:
    """Collects column updates per record and writes them as few statements as it can."""

    def __init__(self) -> None:
        self.updates: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.known_new: dict[str, set[str]] = defaultdict(set)
        #: Whole new rows (every column, in table order) of records known to have none.
        self.new_rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)

    def set(self, entity: str, record_id: str, cols: Mapping[str, Any]) -> None:
        self.updates[entity].setdefault(record_id, {}).update(cols)

    def flush(self, session: Session) -> None:
        conn = session.connection()
        for name in [*self.updates, *(n for n in self.new_rows if n not in self.updates)]:
            rows = self.updates.get(name, {})
            ent = ENTITIES[name]
            table = ent.table
            new = self.known_new.get(name, set())
            existing = existing_ids(conn, table, [i for i in rows if i not in new])
            columns = [c.name for c in table.columns]
            row_of = itemgetter(*columns)
            empty = _empty_row(ent)
            inserts = self.new_rows.get(name, [])
            by_shape: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
            for rid, cols in rows.items():
                if rid in existing:
                    shape = tuple(sorted(cols))
                    by_shape[shape].append((rid, *(cols[k] for k in shape)))
                else:
                    inserts.append(row_of({**empty, **cols, "id": rid}))
            insert_tuples(conn, table, columns, inserts)
            for shape, params in by_shape.items():
                plan = update_plan(conn, table, shape)
                if plan is None:
                    stmt = (
                        update(table)
                        .where(table.c.id == bindparam("_id"))
                        .values({k: bindparam(f"v_{k}") for k in shape})
                    )
                    keys = ("_id", *(f"v_{k}" for k in shape))
                    conn.execute(stmt, [dict(zip(keys, p, strict=True)) for p in params])
                    continue
                # Parameters in the plan's order (`_id` may come first or last).
                at = {k: i for i, k in enumerate(("_id", *(f"v_{k}" for k in shape)))}
                order = [at[k] for k in plan.keys]
                plan.run(conn, [tuple(p[i] for i in order) for p in params])
        self.updates.clear()
        self.known_new.clear()
        self.new_rows.clear()


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
        # The clock when this transaction began: a winner stamped after it by this site
        # was written by this writer (the write lock lets no other in between).
        self._began = clock.last
        # The first version written: whether it is in the store tells whether this
        # transaction committed when the answer to COMMIT was lost (a server store).
        self.first_version: str | None = None
        self._winners: dict[UnitKey, tuple[str, int, str] | None] = {}
        self._winner_exists: set[UnitKey] = set()
        # Rows as tuples in VERSION_KEYS / WINNER_KEYS / _WINNER_UPDATE_KEYS order: a
        # batch of 5,000 log entries would otherwise build (and SQLAlchemy re-read)
        # 15,000 dicts.
        self._versions: list[tuple[Any, ...]] = []
        self._winner_rows: list[tuple[Any, ...]] = []
        self._winner_updates: list[tuple[Any, ...]] = []
        self._rows = DomainRows()
        self._resolving: set[UnitKey] = set()
        #: Units edited from a view that was no longer current (`put(based_on=...)`):
        #: their conflicts are derived again at flush.
        self._stale: set[UnitKey] = set()
        self._seen_values: dict[tuple[UnitKey, str], str] = {}

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

    def stale(
        self, entity: str, record_id: str, based_on: Mapping[str, str | None]
    ) -> dict[str, Any]:
        """The units of `based_on` (unit → the version id an editor saw, or None for
        "saw no value") that another writer has changed since: each with the value the
        editor saw (None when it saw none). A service compares an edit with it, so a
        field the operator left as it was shown is not written back over a newer value.
        Refuses a version id that is not one of the unit's versions."""
        out: dict[str, Any] = {}
        for unit_name, seen in based_on.items():
            current = self.winner(entity, record_id, unit_name)
            if seen == (current[0] if current else None):
                continue
            out[unit_name] = (
                None if seen is None else self._seen_value((entity, record_id, unit_name), seen)
            )
        return out

    def _seen_value(self, key: UnitKey, version: str) -> Any:
        """The decoded value of `version`, which must be a version of unit `key`."""
        known = self._seen_values.get((key, version))
        if known is not None:
            return json.loads(known)
        for row in self._versions:  # written earlier in this transaction, not flushed
            if row[0] == version and tuple(row[1:4]) == key:
                return json.loads(row[4])
        found = (
            self.session.connection()
            .execute(
                select(VERSIONS.c.value).where(
                    VERSIONS.c.id == version,
                    VERSIONS.c.entity == key[0],
                    VERSIONS.c.record_id == key[1],
                    VERSIONS.c.unit == key[2],
                )
            )
            .scalar_one_or_none()
        )
        if found is None:
            raise ValidationError(
                "seen", f"{version!r} is not a version of {key[0]} {key[1]} {key[2]}"
            )
        self._seen_values[(key, version)] = found
        return json.loads(found)

    def _mine(self, winner: tuple[str, int, str] | None) -> bool:
        """Whether the unit's current winner is this writer's own earlier put: a second
        edit of it in the same transaction builds on that, never on a stale view."""
        return winner is not None and winner[2] == self.site_id and winner[1] > self._began

    # ---------------------------------------------------------------- writing
    def put(
        self,
        entity: str,
        record_id: str,
        values: Mapping[str, Any],
        *,
        new: bool = False,
        resolves: Iterable[str] | None = None,
        based_on: Mapping[str, str | None] | None = None,
    ) -> list[str]:
        """Append one version per unit in `values`; returns their ids.

        `new=True` promises the record id is fresh (a UUIDv7 made just now), which
        skips the winner look-up on bulk creates.

        `based_on` (unit → the version id the editor was shown, or None for "no value
        shown") is for edits made from a view that may be out of date: on an EOC server
        all seats write as one station, so another seat may have changed the unit since
        this one read it. Where the version shown is no longer the winner, the new
        version's parent is the one shown, as it would be at another station: it
        becomes a sibling of the other seat's edit, wins by its later stamp, and the
        pair is an open conflict when the values disagree. Units not named, or whose
        version shown is still the winner, are written as usual.
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
            if based_on is not None and unit_name in based_on and not self._mine(parent):
                seen = based_on[unit_name]
                if seen != parent_id:
                    if seen is not None:
                        self._seen_value(key, seen)  # refuses an id of another unit
                    parent_id = seen
                    self._stale.add(key)
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
            site = self.site_id
            version = (vid, entity, record_id, unit_name, text, hlc, site, parent_id)
            self._versions.append((*version, self.operator, resolved, self.change_id))
            if key in self._winner_exists:
                self._winner_updates.append((vid, hlc, site, entity, record_id, unit_name))
            else:
                self._winner_rows.append((entity, record_id, unit_name, vid, hlc, site))
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
        if self.first_version is None and made:
            self.first_version = made[0]
        return made

    def put_new(self, items: Iterable[tuple[str, str, Mapping[str, Any]]]) -> list[list[str]]:
        """`put(entity, record_id, values, new=True)` of each item in turn: the same
        versions (same stamps, same order), winners and domain rows; returns each
        item's version ids. For batches of fresh records, such as a feed's thousand
        alerts of five versions each, where `put`'s per-call set-up and the options
        it checks for (parents, resolves, stale views) cost as much as the versions."""
        site, operator, change_id = self.site_id, self.operator, self.change_id
        tick = self.clock.tick
        versions, winners, exists = self._versions, self._winners, self._winner_exists
        winner_rows, domain, changes = self._winner_rows, self._rows, self.changes
        out: list[list[str]] = []
        for entity, record_id, values in items:
            units = ENTITIES[entity].units
            domain.known_new[entity].add(record_id)
            cols: dict[str, Any] = {}
            made = []
            for unit_name, value in values.items():
                unit = units[unit_name]
                hlc = tick()
                text = canonical_atom(value)  # canonical_json, with scalars spliced
                vid = version_id(
                    entity=entity,
                    record_id=record_id,
                    unit=unit_name,
                    value=text,
                    hlc=hlc,
                    site_id=site,
                    parent_id=None,
                    operator=operator,
                    resolves=None,
                )
                row = (vid, entity, record_id, unit_name, text, hlc, site, None, operator)
                versions.append((*row, None, change_id))
                key = (entity, record_id, unit_name)
                if key in exists:
                    self._winner_updates.append((vid, hlc, site, entity, record_id, unit_name))
                else:
                    winner_rows.append((entity, record_id, unit_name, vid, hlc, site))
                    exists.add(key)
                winners[key] = (vid, hlc, site)
                cols.update(columns_for(unit, value))
                if unit.version_column:
                    cols[unit.version_column] = vid
                made.append(vid)
            if made:
                domain.set(entity, record_id, cols)
                changes.add(entity, record_id)
                self.version_count += len(made)
                if self.first_version is None:
                    self.first_version = made[0]
            out.append(made)
        return out

    def flush(self) -> None:
        """Write what is pending; reads through the session see it afterwards."""
        self.session.flush()  # ORM changes first: expire_all below would discard them
        conn = self.session.connection()
        insert_tuples(conn, VERSIONS, VERSION_KEYS, self._versions)
        insert_tuples(conn, WINNERS, WINNER_KEYS, self._winner_rows)
        _update_winners(conn, self._winner_updates)
        self._rows.flush(self.session)
        if self._resolving or self._stale:
            recompute_conflicts(self.session, self._resolving | self._stale)
        self._versions = []
        self._winner_rows = []
        self._winner_updates = []
        self._resolving = set()
        self._stale = set()
        self.session.expire_all()


VERSION_KEYS = (
    *("id", "entity", "record_id", "unit", "value", "hlc", "site_id"),
    *("parent_id", "operator", "resolves", "change_id"),
)
WINNER_KEYS = ("entity", "record_id", "unit", "version_id", "hlc", "site_id")
_WINNER_UPDATE_KEYS = ("version_id", "hlc", "site_id", "k_entity", "k_record", "k_unit")

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


def _update_winners(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """New winners of units that had one, as tuples in _WINNER_UPDATE_KEYS order."""
    if not rows:
        return
    plan = _compile_plan(conn, _WINNER_UPDATE, ("winner-update",))
    if plan is None:
        conn.execute(_WINNER_UPDATE, [dict(zip(_WINNER_UPDATE_KEYS, r, strict=True)) for r in rows])
        return
    at = {k: i for i, k in enumerate(_WINNER_UPDATE_KEYS)}
    order = [at[k] for k in plan.keys]
    plan.run(conn, [tuple(r[i] for i in order) for r in rows])


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


#: A per-connection temporary table of the unit keys being merged. Joining it with the
#: (entity, record_id, unit) indexes of versions, winners and conflicts reads a batch of
#: units in one statement each, where IN-lists needed hundreds of compiled queries.
#: CROSS JOIN makes SQLite walk the staged keys and probe the big tables' indexes,
#: never the other way round.
_UNITS = "hcc_units"


def stage_units(conn: Connection, keys: Iterable[UnitKey]) -> None:
    """Replace the staged unit keys of this connection's open transaction."""
    if conn.dialect.name == "postgresql":
        # PostgreSQL: the same temporary table without SQLite's WITHOUT ROWID, and
        # ON CONFLICT for OR IGNORE; ANALYZE so the planner probes the big tables'
        # indexes from the staged keys (it knows nothing of a fresh temporary table).
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {_UNITS} (entity TEXT NOT NULL, "
            "record_id TEXT NOT NULL, unit TEXT NOT NULL, "
            "PRIMARY KEY (entity, record_id, unit))"
        )
        conn.exec_driver_sql(f"DELETE FROM {_UNITS}")
        pgcopy.copy_keys(conn, _UNITS, dict.fromkeys(keys))  # de-duplicated, in order
        conn.exec_driver_sql(f"ANALYZE {_UNITS}")
        return
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {_UNITS} (entity TEXT NOT NULL, "
        "record_id TEXT NOT NULL, unit TEXT NOT NULL, "
        "PRIMARY KEY (entity, record_id, unit)) WITHOUT ROWID"
    )
    conn.exec_driver_sql(f"DELETE FROM {_UNITS}")
    rows = list(keys)
    if rows:
        conn.exec_driver_sql(f"INSERT OR IGNORE INTO {_UNITS} VALUES (?, ?, ?)", rows)


def _join_staged(alias: str) -> str:
    return (
        f"{_UNITS} u CROSS JOIN {{table}} {alias} WHERE {alias}.entity = u.entity "
        f"AND {alias}.record_id = u.record_id AND {alias}.unit = u.unit"
    )


_VERSIONS_OF_STAGED = (
    "SELECT v.seq, v.entity, v.record_id, v.unit, v.id, v.hlc, v.site_id, v.parent_id, "
    "v.value, v.resolves FROM " + _join_staged("v").format(table=VERSIONS.name)
)
_WINNERS_OF_STAGED = "SELECT w.entity, w.record_id, w.unit, w.version_id FROM " + _join_staged(
    "w"
).format(table=WINNERS.name)
_DELETE_STAGED_CONFLICTS = (
    f"DELETE FROM {CONFLICTS.name} WHERE id IN (SELECT c.id FROM "
    + _join_staged("c").format(table=CONFLICTS.name)
    + ")"
)
_COUNT_STAGED_CONFLICTS = "SELECT count(*) FROM " + _join_staged("c").format(table=CONFLICTS.name)


class StoredVersion(NamedTuple):
    """A version as the merge reads it (the columns of _VERSIONS_OF_STAGED)."""

    seq: int
    entity: str
    record_id: str
    unit: str
    id: str
    hlc: int
    site_id: str
    parent_id: str | None
    value: str
    resolves: str | None


def _driver_rows(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    """All rows of a read-only statement straight from the driver's cursor, inside the
    connection's open transaction: the merge reads every version of a large import,
    and SQLAlchemy's per-row result handling cost more than SQLite's reading."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return cast(list[tuple[Any, ...]], cursor.fetchall())
    finally:
        cursor.close()


def _load_unit_versions(session: Session, keys: list[UnitKey]) -> dict[UnitKey, list[Any]]:
    """Every version of the given units (staged first)."""
    conn = session.connection()
    stage_units(conn, keys)
    return _read_staged_versions(conn)


def _read_staged_versions(conn: Connection) -> dict[UnitKey, list[Any]]:
    """Every version of the staged units. Rows carry `seq` (local arrival order), which
    the merge must never look at; it is there so that a variant that does (last arrival
    wins) can be written, and shown to be caught, without copying this function."""
    found: dict[UnitKey, list[Any]] = defaultdict(list)
    for r in map(StoredVersion._make, _driver_rows(conn, _VERSIONS_OF_STAGED)):
        found[(r.entity, r.record_id, r.unit)].append(r)
    return found


def count_conflicts(session: Session, keys: Iterable[UnitKey]) -> int:
    """Open conflicts (rows of `conflicts`) among the given units. The open conflicts of
    a whole store are usually far fewer than the units a large import touched: then
    they are read and matched here, instead of staging every touched unit."""
    conn = session.connection()
    wanted = keys if isinstance(keys, set | frozenset) else set(keys)
    table = CONFLICTS.name
    # Counted no further than the number of units: the cost never grows with a store
    # that holds many more conflicts than the import touched.
    limit = len(wanted) + 1
    total = int(
        conn.exec_driver_sql(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT {limit}) AS head"
        ).scalar_one()
    )
    if total <= len(wanted):
        rows = _driver_rows(conn, f"SELECT entity, record_id, unit FROM {table}")
        return sum(1 for r in rows if (r[0], r[1], r[2]) in wanted)
    stage_units(conn, wanted)
    return int(conn.exec_driver_sql(_COUNT_STAGED_CONFLICTS).scalar_one())


class ArrivedUnits(set[UnitKey]):
    """Unit keys to merge that also know, for units that just received exactly one
    version, that version (`single`: unit → a row with `id`, `hlc`, `site_id` and
    `value`, such as an importer's checked line). It goes wherever a set of keys goes
    (`Receiver.apply` hands its keys to `recompute_units` as they are).

    Why: every unit that holds a version has a winner, written in the same transaction
    as the version (`Writer.put`, the merge, `rebuild`). So a unit with no winner before
    the merge held no version before it: its one arrived version is its whole history,
    the winner by any rule, with no sibling to conflict with. Such units (every unit of
    a first exchange) need no read-back of their versions, no conflict rows, and a
    record all of whose units are such has no domain row yet (no existence look-up)."""

    def __init__(self, keys: Iterable[UnitKey], single: Mapping[UnitKey, Any]) -> None:
        super().__init__(keys)
        self.single = single


def recompute_units(session: Session, keys: Iterable[UnitKey]) -> Changes:
    """Re-derive winners, domain rows and conflicts of the given units from their
    versions. Used for imported versions and for rebuilding the view. `keys` may be
    an `ArrivedUnits`, which spares reading back the versions that just arrived."""
    single = keys.single if isinstance(keys, ArrivedUnits) else None
    unit_keys = sorted(keys if isinstance(keys, set | frozenset) else set(keys))
    changes = Changes()
    # A batch at a time: a package of 100,000 changes would otherwise hold every
    # version row, every decoded value and every domain row at once.
    for batch in _record_batches(unit_keys, RECOMPUTE_BATCH):
        _recompute_batch(session, batch, changes, single)
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


def _recompute_batch(
    session: Session,
    unit_keys: list[UnitKey],
    changes: Changes,
    single: Mapping[UnitKey, Any] | None = None,
) -> None:
    conn = session.connection()
    with_winner: set[tuple[str, str]] | None = None
    if single and conn.dialect.name == "sqlite":
        current, with_winner = _winners_of_records(conn, unit_keys)
        staged = False
    else:
        stage_units(conn, unit_keys)
        current = {(r[0], r[1], r[2]): r[3] for r in _driver_rows(conn, _WINNERS_OF_STAGED)}
        staged = True
    if single:
        # Units with no winner yet and one arrived version: see ArrivedUnits.
        fresh = [k for k in unit_keys if k not in current and k in single]
        merged = [k for k in unit_keys if k in current or k not in single] if fresh else unit_keys
    else:
        fresh, merged = [], unit_keys
    rows = DomainRows()
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    loads = json.loads
    versions: dict[UnitKey, list[Any]] = {}
    if merged:
        if fresh or not staged:
            stage_units(conn, merged)
        versions = _read_staged_versions(conn)
    for key in merged:
        vs = versions.get(key)
        if not vs:
            continue
        best = pick_winner(vs)
        if current.get(key) == best.id:
            continue
        entity, record_id, unit_name = key
        if key in current:
            updates.append((best.id, best.hlc, best.site_id, entity, record_id, unit_name))
        else:
            inserts.append((entity, record_id, unit_name, best.id, best.hlc, best.site_id))
        unit = ENTITIES[entity].units.get(unit_name)
        if unit is None:
            continue  # a unit from a newer schema: kept in history, not shown
        cols = columns_for(unit, loads(best.value))
        if unit.version_column:
            cols[unit.version_column] = best.id
        rows.set(entity, record_id, cols)
        changes.add(entity, record_id)
    if fresh:
        assert single is not None
        merged_records = {(k[0], k[1]) for k in merged}
        _merge_fresh(fresh, single, rows, inserts, changes, with_winner, merged_records)
    insert_tuples(conn, WINNERS, WINNER_KEYS, inserts)
    _update_winners(conn, updates)
    rows.flush(session)
    if merged:
        _write_conflicts(session, merged, versions)  # `merged` is what is staged now


def _winners_of_records(
    conn: Connection, unit_keys: list[UnitKey]
) -> tuple[dict[UnitKey, str], set[tuple[str, str]]]:
    """The winners of `unit_keys`, and which of their records have a winner in any
    unit, from the winners' primary key (entity, record_id, unit) a few hundred records
    per query. For a batch of arrived versions this replaces staging every key in a
    temporary table and joining it, and it also tells which records have no domain row
    yet (no winner in any unit), which spares looking each one up (SQLite)."""
    wanted = set(unit_keys)
    records: dict[str, list[str]] = defaultdict(list)
    last: tuple[str, str] | None = None
    for entity, record_id, _unit in unit_keys:  # sorted: a record's units together
        if (entity, record_id) != last:
            last = (entity, record_id)
            records[entity].append(record_id)
    current: dict[UnitKey, str] = {}
    with_winner: set[tuple[str, str]] = set()
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for entity, ids in records.items():
            for chunk in _chunks(ids):
                marks = ",".join(["?"] * len(chunk))
                cursor.execute(
                    f"SELECT record_id, unit, version_id FROM {WINNERS.name} "
                    f"WHERE entity = ? AND record_id IN ({marks})",
                    (entity, *chunk),
                )
                for record_id, unit, version_id in cursor.fetchall():
                    with_winner.add((entity, record_id))
                    key = (entity, record_id, unit)
                    if key in wanted:
                        current[key] = version_id
    finally:
        cursor.close()
    return current, with_winner


_STORED = json.JSONDecoder()


def _stored_value(text: str) -> Any:
    """A stored value (canonical JSON, which `json.loads` reads alike), read by the
    scanner directly: `loads` would also match white space at both ends of each of a
    large import's values with regular expressions."""
    try:
        value, end = _STORED.scan_once(text, 0)  # type: ignore[attr-defined]
    except (StopIteration, json.JSONDecodeError):
        end = -1
    if end != len(text):
        return json.loads(text)
    return value


class _RowShape(NamedTuple):
    """Where a unit's columns go in a whole domain row of its entity."""

    empty: tuple[Any, ...]  # `_empty_row` in table column order
    id_at: int
    at: tuple[tuple[int, str], ...]  # (position, column) of each column the unit sets
    version_at: int | None


_SHAPES: dict[tuple[str, str], _RowShape] = {}


def _row_shape(ent: Entity, unit: Unit) -> _RowShape:
    shape = _SHAPES.get((ent.name, unit.name))
    if shape is None:
        empty = _empty_row(ent)
        position = {name: i for i, name in enumerate(empty)}
        shape = _RowShape(
            tuple(empty.values()),
            position["id"],
            tuple((position[c], c) for c in unit.columns),
            None if unit.version_column is None else position[unit.version_column],
        )
        _SHAPES[(ent.name, unit.name)] = shape
    return shape


def _merge_fresh(
    fresh: list[UnitKey],
    single: Mapping[UnitKey, Any],
    rows: DomainRows,
    inserts: list[tuple[Any, ...]],
    changes: Changes,
    with_winner: set[tuple[str, str]] | None,
    merged_records: set[tuple[str, str]],
) -> None:
    """Winners and domain columns of units whose only version just arrived (sorted
    keys, so a record's units are together). `with_winner`: the records that had a
    winner in any unit before the merge, when known; a record with none has no domain
    row yet (one is written with the winner of any shown unit). Such a record whose
    one unit is all this batch sets (a log entry from a first exchange) gets its whole
    row made here at once, which is what `DomainRows` would make of it."""
    loads = _stored_value
    known_units = 0
    last: tuple[str, str] | None = None
    count = len(fresh)
    for i, key in enumerate(fresh):
        entity, record_id, unit_name = key
        v = single[key]
        inserts.append((entity, record_id, unit_name, v.id, v.hlc, v.site_id))
        ent = ENTITIES[entity]
        unit = ent.units.get(unit_name)
        if (entity, record_id) != last:
            last, known_units = (entity, record_id), 0
        if unit is None:
            continue  # a unit from a newer schema: kept in history, not shown
        changes.add(entity, record_id)
        value = loads(v.value)
        if with_winner is not None:
            if last in with_winner:
                rows.set(entity, record_id, _unit_columns(unit, value, v.id))
                continue
            before = fresh[i - 1] if i else None
            after = fresh[i + 1] if i + 1 < count else None
            if (
                (before is None or before[1] != record_id or before[0] != entity)
                and (after is None or after[1] != record_id or after[0] != entity)
                and last not in merged_records
                and (not unit.group or type(value) is dict)
            ):
                shape = _row_shape(ent, unit)
                row = list(shape.empty)
                row[shape.id_at] = record_id
                if unit.group:
                    get = value.get
                    for at, column in shape.at:
                        row[at] = get(column)
                else:
                    row[shape.at[0][0]] = value
                if shape.version_at is not None:
                    row[shape.version_at] = v.id
                rows.new_rows[entity].append(tuple(row))
                continue
            rows.set(entity, record_id, _unit_columns(unit, value, v.id))
            rows.known_new[entity].add(record_id)
            continue
        rows.set(entity, record_id, _unit_columns(unit, value, v.id))
        known_units += 1
        if known_units == len(ent.units):
            # Every unit of the record had no version: it has no domain row yet.
            rows.known_new[entity].add(record_id)


def _unit_columns(unit: Unit, value: Any, version: str) -> dict[str, Any]:
    cols = columns_for(unit, value)
    if unit.version_column:
        cols[unit.version_column] = version
    return cols


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
    """Replace the conflicts of `unit_keys`, which `_load_unit_versions` staged."""
    conn = session.connection()
    conn.exec_driver_sql(_DELETE_STAGED_CONFLICTS)
    multi = [k for k in unit_keys if len(versions.get(k, ())) > 1]
    rows = [c for k in multi for c in open_conflicts(k, versions[k])]
    bulk_insert(conn, CONFLICTS, rows)


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
