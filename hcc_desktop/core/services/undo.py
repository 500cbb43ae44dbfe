"""Undo of an operator's last change, as new versions: history is never rewritten, and
the undo itself syncs like any edit (and can be undone in turn)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store


@dataclass(frozen=True)
class UndoResult:
    change_id: int
    summary: str
    restored: int
    skipped: int


def last_undoable(store: Store, *, actor: Actor) -> m.ChangeSet | None:
    with store.read() as s:
        stmt = (
            select(m.ChangeSet)
            .where(m.ChangeSet.operator == actor.label, m.ChangeSet.undone_by.is_(None))
            .order_by(m.ChangeSet.id.desc())
            .limit(1)
        )
        return s.scalars(stmt).first()


def undo_last(store: Store, *, actor: Actor) -> UndoResult:
    """Restore, unit by unit, what the operator's last change replaced. A unit that
    someone changed since is left alone (counted as skipped), so undo never silently
    throws away a colleague's later edit. The undo is itself a change set (even when it
    could restore nothing), so the audit trail says what happened."""
    target = last_undoable(store, actor=actor)
    if target is None:
        raise ValidationError("undo", f"nothing to undo for {actor.label}")
    restored = skipped = 0
    summary = f"Undo: {target.summary}"
    with store.writing(operator=actor.label, summary=summary, keep_empty=True) as w:
        versions = list(
            w.session.scalars(
                select(m.Version).where(m.Version.change_id == target.id).order_by(m.Version.seq)
            )
        )
        # A change may write one unit several times: restore what was there before its
        # first write, provided its last write is still the one shown.
        first: dict[tuple[str, str, str], m.Version] = {}
        last: dict[tuple[str, str, str], m.Version] = {}
        for v in versions:
            key = (v.entity, v.record_id, v.unit)
            first.setdefault(key, v)
            last[key] = v
        parent_ids = [v.parent_id for v in first.values() if v.parent_id]
        parents = {
            v.id: v
            for v in w.session.scalars(select(m.Version).where(m.Version.id.in_(parent_ids)))
        }
        # A record whose every unit this change wrote first, with content, was created
        # by it: undoing that is one tombstone.
        by_record: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for key in first:
            by_record.setdefault(key[:2], []).append(key)
        candidates = {
            rec
            for rec, keys in by_record.items()
            if all(first[k].parent_id is None for k in keys)
            and any(k[2] != "deleted" for k in keys)
        }
        first_seq = versions[0].seq if versions else 0
        created = candidates - _existed_before(w.session, candidates, first_seq)
        tombstoned: set[tuple[str, str]] = set()
        for key in reversed(list(first)):
            entity, record_id, unit = key
            current = w.winner(entity, record_id, unit)
            if current is None or current[0] != last[key].id:
                skipped += 1
                continue
            parent_id = first[key].parent_id
            if (entity, record_id) in created and "deleted" in ENTITIES[entity].units:
                if (entity, record_id) not in tombstoned:
                    w.put(entity, record_id, {"deleted": True})
                    tombstoned.add((entity, record_id))
                    restored += 1
            elif parent_id and parent_id in parents:
                w.put(entity, record_id, {unit: json.loads(parents[parent_id].value)})
                restored += 1
            elif unit == "deleted":
                # A first tombstone (a retraction, an undone create): undoing it brings
                # the record back.
                w.put(entity, record_id, {"deleted": False})
                restored += 1
            else:
                # The first value of a unit on an existing record (a first nomination):
                # back to no value.
                group = ENTITIES[entity].units[unit].group
                w.put(entity, record_id, {unit: {} if group else None})
                restored += 1
        this = w.session.get_one(m.ChangeSet, w.change_id)
        this.undoes = target.id
        if not restored:
            this.summary = f"{summary} (nothing restored: changed since by others)"
        w.session.get_one(m.ChangeSet, target.id).undone_by = w.change_id
    return UndoResult(target.id, target.summary, restored, skipped)


def _existed_before(session: Any, records: set[tuple[str, str]], seq: int) -> set[tuple[str, str]]:
    """Records with versions older than the change: a change that only gave them a
    unit's first value (a first nomination) did not create them, so undoing it must not
    tombstone them."""
    if not records:
        return set()
    ids = {record_id for _, record_id in records}
    rows = session.execute(
        select(m.Version.entity, m.Version.record_id)
        .where(m.Version.record_id.in_(ids), m.Version.seq < seq)
        .distinct()
    )
    return {(e, r) for e, r in rows} & records
