"""Undo and redo of an operator's changes, as new versions: history is never rewritten,
and an undo or a redo syncs like any edit.

Undo steps back through the operator's changes, newest first, as an operator expects
of Ctrl+Z pressed again and again: an undo is never itself the next thing undone. Redo
takes back the newest undo, and then the one before it, until the operator makes a new
change (which, as in any editor, leaves nothing to redo). A redo is recorded as an undo
of the undo (`change_sets.undoes`), so a change set's kind follows from the chain:
an undo of a change or of a redo is an undo, an undo of an undo is a redo.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.entities import ENTITIES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.versions import CHUNK


@dataclass(frozen=True)
class UndoResult:
    change_id: int
    summary: str
    restored: int
    skipped: int


#: Change sets read at a time while looking back for the one to undo or redo.
_PAGE = 50


def _standing(s: Any, actor: Actor) -> Iterator[m.ChangeSet]:
    """The operator's change sets that nothing has undone, newest first."""
    before: int | None = None
    while True:
        stmt = select(m.ChangeSet).where(
            m.ChangeSet.operator == actor.label, m.ChangeSet.undone_by.is_(None)
        )
        if before is not None:
            stmt = stmt.where(m.ChangeSet.id < before)
        page = list(s.scalars(stmt.order_by(m.ChangeSet.id.desc()).limit(_PAGE)))
        yield from page
        if len(page) < _PAGE:
            return
        before = page[-1].id


def is_undo(s: Any, change: m.ChangeSet) -> bool:
    """Whether a change set took a change back (an undo) rather than made one (a change,
    or a redo: an undo of an undo)."""
    depth = 0
    while change is not None and change.undoes is not None:
        depth += 1
        change = s.get(m.ChangeSet, change.undoes)
    return depth % 2 == 1


def last_undoable(store: Store, *, actor: Actor) -> m.ChangeSet | None:
    """The operator's newest change (or redo) that still stands."""
    with store.read() as s:
        return next((c for c in _standing(s, actor) if not is_undo(s, c)), None)


def last_redoable(store: Store, *, actor: Actor) -> m.ChangeSet | None:
    """The operator's newest undo that still stands, unless the operator has made a new
    change since (a redo in between does not count: redo goes on to the undo before)."""
    with store.read() as s:
        for c in _standing(s, actor):
            if c.undoes is None:
                return None
            if is_undo(s, c):
                return c
    return None


def change_text(summary: str) -> str:
    """The change an undo or redo is about: "EEI validated" for "EEI validated",
    "Undo: EEI validated" and "Redo: EEI validated" alike."""
    text = summary.removesuffix(_NOTHING)
    for prefix in ("Undo: ", "Redo: "):
        text = text.removeprefix(prefix)
    return text


def undo_last(store: Store, *, actor: Actor) -> UndoResult:
    """Restore, unit by unit, what the operator's last change replaced. A unit that
    someone changed since is left alone (counted as skipped), so undo never silently
    throws away a colleague's later edit. The undo is itself a change set (even when it
    could restore nothing), so the audit trail says what happened."""
    target = last_undoable(store, actor=actor)
    if target is None:
        raise ValidationError("undo", f"nothing to undo for {actor.label}")
    return _take_back(store, actor, target, "Undo")


def redo_last(store: Store, *, actor: Actor) -> UndoResult:
    """Make again the change the operator's newest undo took back, by taking back that
    undo (with the same care for colleagues' later edits). Its result's summary is the
    change redone."""
    target = last_redoable(store, actor=actor)
    if target is None:
        raise ValidationError("redo", f"nothing to redo for {actor.label}")
    return _take_back(store, actor, target, "Redo")


#: Added to the summary of an undo or redo that could restore nothing.
_NOTHING = " (nothing restored: changed since by others)"


def _take_back(store: Store, actor: Actor, target: m.ChangeSet, verb: str) -> UndoResult:
    """Restore what `target` replaced, as one new change set that `undoes` it, named
    "<verb>: <the change>"; the result names the change."""
    what = change_text(target.summary)
    summary = f"{verb}: {what}"
    restored = skipped = 0
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
        shown = _shown_values(w, last)
        for key in reversed(list(first)):
            entity, record_id, unit = key
            if shown.get(key) != last[key].value:
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
            this.summary = f"{summary}{_NOTHING}"
        w.session.get_one(m.ChangeSet, target.id).undone_by = w.change_id
    return UndoResult(target.id, what, restored, skipped)


def _shown_values(w: Any, last: dict[tuple[str, str, str], m.Version]) -> dict[Any, str]:
    """Each unit's value as it is now (its winner's stored text). A unit still shows
    what the change wrote when its winner is that write, or a later version with the
    same value: the operator's own undo and redo of a later change put it back, and
    undo pressed again must go on to this change rather than call it changed since."""
    winners = {key: w.winner(*key) for key in last}
    shown = {k: last[k].value for k, win in winners.items() if win and win[0] == last[k].id}
    others = {win[0]: k for k, win in winners.items() if win and k not in shown}
    ids = list(others)
    for at in range(0, len(ids), CHUNK):
        rows = w.session.execute(
            select(m.Version.id, m.Version.value).where(m.Version.id.in_(ids[at : at + CHUNK]))
        )
        shown.update({others[vid]: value for vid, value in rows})
    return shown


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
