"""Open conflicts and their resolution.

A resolution is an ordinary version that names the versions it resolves; it syncs
like any edit and closes the conflict on every station that receives it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.clock import unpack
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms


@dataclass(frozen=True)
class Side:
    version_id: str
    value: Any
    site_id: str
    station: str
    operator: str | None
    at: str
    winner: bool


@dataclass(frozen=True)
class ConflictView:
    id: str
    entity: str
    record_id: str
    unit: str
    label: str
    sides: tuple[Side, ...]


def _record_label(s: Any, entity: str, record_id: str) -> str:
    row = s.get(ENTITIES[entity].model, record_id)
    for attr in ("name", "number", "text", "element_code"):
        value = getattr(row, attr, None) if row is not None else None
        if value:
            return f"{entity} {str(value)[:60]}"
    return f"{entity} {record_id[:8]}"


def list_conflicts(store: Store) -> list[ConflictView]:
    out = []
    with store.read() as s:
        names = {st.site_id: st.name for st in s.scalars(select(m.Station))}
        for c in s.scalars(select(m.Conflict).order_by(m.Conflict.entity, m.Conflict.id)):
            winner = s.get(m.Winner, (c.entity, c.record_id, c.unit))
            versions = s.scalars(select(m.Version).where(m.Version.id.in_(c.version_ids))).all()
            sides = tuple(
                Side(
                    v.id,
                    json.loads(v.value),
                    v.site_id,
                    names.get(v.site_id, v.site_id),
                    v.operator,
                    from_ms(unpack(v.hlc)[0]),
                    winner is not None and winner.version_id == v.id,
                )
                for v in sorted(versions, key=lambda v: (v.hlc, v.site_id), reverse=True)
            )
            out.append(
                ConflictView(
                    c.id,
                    c.entity,
                    c.record_id,
                    c.unit,
                    _record_label(s, c.entity, c.record_id),
                    sides,
                )
            )
    return out


def find_conflict(store: Store, ref: str) -> ConflictView:
    matches = [c for c in list_conflicts(store) if c.id.startswith(ref)] if len(ref) >= 6 else []
    if len(matches) != 1:
        raise ValidationError(
            "conflict",
            f"{ref!r} matches {len(matches)} open conflicts; give more of the id"
            if matches
            else f"no open conflict {ref!r}; see `conflicts list`",
        )
    return matches[0]


def resolve(
    store: Store,
    *,
    actor: Actor,
    conflict_id: str,
    keep: str | None = None,
    value: Any = None,
) -> str:
    """Keep one side (`keep` = a version id or prefix) or write another value."""
    if (keep is None) == (value is None):
        raise ValidationError("resolution", "give either a version to keep or a new value")
    c = find_conflict(store, conflict_id)
    if keep is not None:
        chosen = [side for side in c.sides if side.version_id.startswith(keep)]
        if len(chosen) != 1:
            raise ValidationError("keep", f"{keep!r} is not one of this conflict's versions")
        new_value = chosen[0].value
    else:
        unit = ENTITIES[c.entity].units[c.unit]
        current = next((side.value for side in c.sides if side.winner), None)
        if unit.group and isinstance(current, dict) and not isinstance(value, dict):
            key = unit.compare[0] if unit.compare else unit.columns[0]
            new_value = {**current, key: value}
        else:
            new_value = value
    with store.writing(operator=actor.label, summary=f"Resolve conflict on {c.label}") as w:
        made = w.put(
            c.entity,
            c.record_id,
            {c.unit: new_value},
            resolves=[side.version_id for side in c.sides],
        )
    return made[0]
