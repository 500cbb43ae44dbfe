"""Open conflicts and their resolution.

A resolution is an ordinary version that names the versions it resolves; it syncs
like any edit and closes the conflict on every station that receives it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, select

from hcc_desktop.core import models as m
from hcc_desktop.core import vocab
from hcc_desktop.core.clock import unpack
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.lifecycle import allowed_next
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise, parse_date
from hcc_desktop.core.versions import columns_for
from hcc_desktop.sync.format import LineError, check_value


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
            new_value = {**current, key: value, **_stamp(store, actor, unit)}
        else:
            new_value = value
        _check_typed(store, c, new_value)
    with store.writing(operator=actor.label, summary=f"Resolve conflict on {c.label}") as w:
        made = w.put(
            c.entity,
            c.record_id,
            {c.unit: new_value},
            resolves=[side.version_id for side in c.sides],
        )
    return made[0]


def _stamp(store: Store, actor: Actor, unit: Any) -> dict[str, Any]:
    """Who set a group's value, when and why (a request's `status_by`, `status_at`,
    `status_note`): a value typed in is the resolver's, not that of the side whose
    other columns it starts from."""
    said = {
        f"{unit.name}_by": actor.label,
        f"{unit.name}_at": from_ms(store.wall()),
        f"{unit.name}_note": "Conflict resolved with another value",
    }
    return {k: v for k, v in said.items() if k in unit.columns}


def _check_typed(store: Store, c: ConflictView, value: Any) -> None:
    """A value typed in to settle a conflict is refused unless an edit could have
    written it: the type of each column, a word of the column's vocabulary, a valid
    time or date, and for a request's status a step the lifecycle allows from where the
    two sides started. Kept sides need no check: an edit wrote them."""
    try:
        check_value(c.entity, c.unit, value)
    except LineError as exc:
        raise ValidationError("value", str(exc).removeprefix("value: ")) from None
    unit = ENTITIES[c.entity].units[c.unit]
    for column, item in columns_for(unit, value).items():
        if item is None:
            continue
        words = vocab.CHOICES.get((c.entity, column))
        if words is not None and item not in words:
            raise ValidationError(
                "value", f"{column}: expected one of {', '.join(words)}; got {item!r}"
            )
        if isinstance(item, str) and column.endswith("_at"):
            normalise(column, item)
        elif isinstance(item, str) and column.endswith("_on"):
            parse_date(column, item)
    if (c.entity, c.unit) == ("request", "status"):
        start = _status_of(_started_from(store, c))
        new = _status_of(value)
        if new not in {start, *(_status_of(side.value) for side in c.sides), *allowed_next(start)}:
            steps = ", ".join(allowed_next(start)) or "none"
            raise ValidationError(
                "value",
                f"status: the request was {start or 'new'} before the two changes; "
                f"a step from there is one of {steps}; got {new!r}",
            )


def _started_from(store: Store, c: ConflictView) -> Any:
    """The unit's value before the conflicting changes (their common parent's)."""
    with store.read() as s:
        parent_id = s.scalar(select(m.Conflict.parent_id).where(m.Conflict.id == c.id))
        text = (
            s.scalar(select(m.Version.value).where(m.Version.id == parent_id))
            if parent_id
            else None
        )
    return json.loads(text) if text is not None else None


def _status_of(value: Any) -> Any:
    """A request's status from its status unit's value (older versions: the bare word)."""
    return value.get("status") if isinstance(value, dict) else value


def parse_typed(c: ConflictView, text: str) -> Any:
    """The value an operator typed for a conflict (a dialog's or the command line's
    text), read as the field's type: "20" is a number for a bed count and text for a
    phone number. A whole group's value may be given as a JSON object. Refuses text
    that is not of the field's type, naming the field."""
    unit = ENTITIES[c.entity].units[c.unit]
    stripped = text.strip()
    if unit.group and stripped.startswith("{"):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValidationError("value", f"not a JSON object ({exc.msg})") from None
    column = unit.compare[0] if unit.compare else unit.columns[0]
    kind = ENTITIES[c.entity].table.c[column].type
    if not stripped:
        return None
    if isinstance(kind, Boolean):
        words = {"true": True, "yes": True, "false": False, "no": False}
        if stripped.lower() not in words:
            raise ValidationError("value", f"{column}: expected yes or no; got {text!r}")
        return words[stripped.lower()]
    if isinstance(kind, Integer):
        try:
            return int(stripped)
        except ValueError:
            raise ValidationError(
                "value", f"{column}: expected a whole number; got {text!r}"
            ) from None
    if isinstance(kind, Float):
        try:
            return float(stripped)
        except ValueError:
            raise ValidationError("value", f"{column}: expected a number; got {text!r}") from None
    if isinstance(kind, JSON):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValidationError("value", f"{column}: not JSON ({exc.msg})") from None
    return stripped
