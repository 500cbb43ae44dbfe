"""Escalation of resource requests, as coalitions do it: the coalition first searches
its own members, records how much they filled, and elevates the unfilled part to the
state (ESF-8 / the Department of Public Health) with the state's tracking number.

The fill and the elevation are one merge unit (`escalation`): they are one decision,
and merged field by field two stations could show 40 filled and 80 of 100 elevated.
Each change is a version of that unit, so the request's history reads the fill and the
elevation next to the status steps (`history`). Every elevation is also written to
the incident log, as it is a decision the ICS 214 must show.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.clock import unpack
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import log
from hcc_desktop.core.services.common import Actor, optional_text, require_text
from hcc_desktop.core.services.requests import find_request, status_history
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise
from hcc_desktop.core.versions import Writer

#: The merge unit of the fill and the elevation, and its fields.
UNIT_NAME = "escalation"
UNIT = ("filled_quantity", "elevated_to", "elevated_quantity", "elevated_at", "elevated_by",
        "elevated_ref", "elevated_note")  # fmt: skip
#: Where a coalition elevates to when the operator names nobody.
DEFAULT_TO = "State ESF-8 (DPH)"
#: A request in these states takes no fill or elevation: nothing is being sourced.
CLOSED = frozenset({"denied", "cancelled", "returned", "draft"})


@dataclass(frozen=True)
class LogTrail:
    """Where the log entry a decision writes comes from, when it is the record of a
    decision made elsewhere (the demo's story, an import): its id and the station
    that wrote it. By default a new id and this station."""

    log_id: str | None = None
    station: str | None = None

    @property
    def made_here(self) -> bool:
        """A decision taken at this station now: its time is judged against this
        station's clock (the record of one made elsewhere keeps the time it carries)."""
        return self.station is None


#: A decision made here and now: a new log entry id, this station.
HERE = LogTrail()


def _current(req: m.ResourceRequest) -> dict[str, Any]:
    return {k: getattr(req, k) for k in UNIT}


def _as_shown(
    w: Writer, req: m.ResourceRequest, seen: Mapping[str, str | None] | None
) -> tuple[dict[str, Any], dict[str, str | None] | None]:
    """The escalation the operator decided on, and what to record the change as based
    on. `seen` ({"escalation": version id, or None for "none yet"}, see `read_for_form`)
    comes from a form filled earlier: when another seat has changed the fill or the
    elevation since, the decision is taken from what the form showed and recorded as
    a concurrent change from it, as two stations' would be (a conflict when the two
    disagree), instead of being applied to figures the operator never saw."""
    based_on = None if seen is None else {UNIT_NAME: seen.get(UNIT_NAME)}
    stale = w.stale("request", req.id, based_on or {})
    if UNIT_NAME not in stale:
        return _current(req), based_on
    shown = stale[UNIT_NAME] or {}
    return {k: shown.get(k) for k in UNIT}, based_on


def read_for_form(
    store: Store, *, request_id: str
) -> tuple[m.ResourceRequest, dict[str, str | None]]:
    """The request and the version of its fill and elevation as they are now, read
    together: what a fill or elevation form shows and passes back as `seen`."""
    with store.read() as s:
        req = find_request(s, request_id)
        vid = s.scalar(
            select(m.Winner.version_id).where(
                m.Winner.entity == "request",
                m.Winner.record_id == req.id,
                m.Winner.unit == UNIT_NAME,
            )
        )
    return req, {UNIT_NAME: vid}


def _amount(field: str, raw: Any, *, allow_zero: bool) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValidationError(field, f"expected a number, got {raw!r}") from None
    if value != value or value < 0 or (value == 0 and not allow_zero) or value > 1e9:
        floor = "0 or more" if allow_zero else "greater than 0"
        raise ValidationError(field, f"expected a number {floor}, got {raw!r}")
    return int(value) if value.is_integer() else value


def _open(req: m.ResourceRequest) -> None:
    if req.status in CLOSED:
        raise ValidationError(
            "request", f"{req.number} is {lifecycle.LABELS.get(req.status or '', req.status)}"
        )


def unfilled(req: m.ResourceRequest) -> float:
    """What the members have not filled and the state has not been asked for."""
    return max(0.0, (req.quantity or 0) - (req.filled_quantity or 0) - (req.elevated_quantity or 0))


def record_fill(
    store: Store,
    *,
    actor: Actor,
    request_id: str,
    filled: Any,
    note: str | None = None,
    at: str | None = None,
    trail: LogTrail = HERE,
    seen: Mapping[str, str | None] | None = None,
) -> m.ResourceRequest:
    """How much of the request the coalition's members filled (in total so far). It
    may not exceed the quantity less what was already elevated. The fill and its note
    (who gave what) go to the incident log as well. `seen`: see `_as_shown`."""
    with store.atomic():
        with store.writing(operator=actor.label, summary="Request fill") as w:
            req = find_request(w.session, request_id)
            _open(req)
            amount = _amount("filled_quantity", filled, allow_zero=True)
            text_note = optional_text("note", note, max_len=2000)
            when = normalise("at", at)
            if when and trail.made_here:  # named as given, not as its log entry's time
                log.check_not_future(store, when, "at")
            base, based_on = _as_shown(w, req, seen)
            room = (req.quantity or 0) - (base["elevated_quantity"] or 0)
            if amount > room:
                raise ValidationError(
                    "filled_quantity",
                    f"{amount:g} is more than the {room:g} not elevated to the state",
                )
            rid, incident_id, number = req.id, req.incident_id, req.number
            if amount == base["filled_quantity"]:
                incident_id = None  # nothing changed: no version, no log entry
            else:
                value = dict(base, filled_quantity=amount)
                w.put("request", req.id, {UNIT_NAME: value}, based_on=based_on)
            total, unit, kind = req.quantity, req.unit, req.resource_kind
        if incident_id:
            text = (
                f"Request {number} ({total or 0:g} {unit or ''} {kind or ''}): members "
                f"filled {amount:g}."
            ).replace("  ", " ") + (f" {text_note}" if text_note else "")
            entry = log.NewEntry(text, "resource", "routine", occurred_at=when,
                                 source=f"request {number}", record_id=trail.log_id,
                                 station=trail.station)  # fmt: skip
            log.add_entries(store, actor=actor, incident_id=incident_id, entries=[entry])
    with store.read() as s:
        return find_request(s, rid)


def elevate(
    store: Store,
    *,
    actor: Actor,
    request_id: str,
    ref: str,
    to: str = DEFAULT_TO,
    quantity: Any = None,
    note: str | None = None,
    at: str | None = None,
    trail: LogTrail = HERE,
    seen: Mapping[str, str | None] | None = None,
) -> m.ResourceRequest:
    """Elevate the unfilled part (or `quantity` of it) to the state under the state's
    tracking number `ref`. Elevating again (the state asked for a new request, a second
    tranche) adds to what was elevated and replaces the tracking number; the log keeps
    each one. `seen`: see `_as_shown`."""
    with store.atomic():
        with store.writing(operator=actor.label, summary="Elevate request") as w:
            req = find_request(w.session, request_id)
            _open(req)
            target = require_text("elevated_to", to, max_len=200)
            tracking = require_text("elevated_ref", ref, max_len=80)
            base, based_on = _as_shown(w, req, seen)
            done_before = base["elevated_quantity"] or 0
            left = max(0.0, (req.quantity or 0) - (base["filled_quantity"] or 0) - done_before)
            if left <= 0:
                raise ValidationError(
                    "elevated_quantity",
                    f"nothing left to elevate: {base['filled_quantity'] or 0:g} filled by "
                    f"members, {done_before:g} elevated, of {req.quantity or 0:g}",
                )
            amount = (
                left
                if quantity in (None, "")
                else _amount("elevated_quantity", quantity, allow_zero=False)
            )
            if amount > left:
                raise ValidationError(
                    "elevated_quantity", f"{amount:g} is more than the {left:g} unfilled"
                )
            when = normalise("elevated_at", at) or from_ms(store.wall())
            if trail.made_here:
                log.check_not_future(store, when, "elevated_at")
            if req.created_at and when < req.created_at:
                raise ValidationError(
                    "elevated_at", f"{when} is before the request was made ({req.created_at})"
                )
            value = {
                "filled_quantity": base["filled_quantity"],
                "elevated_to": target,
                "elevated_quantity": done_before + amount,
                "elevated_at": when,
                "elevated_by": actor.label,
                "elevated_ref": tracking,
                "elevated_note": optional_text("note", note, max_len=2000),
            }
            w.put("request", req.id, {UNIT_NAME: value}, based_on=based_on)
            rid, incident_id, number, unit = req.id, req.incident_id, req.number, req.unit
            kind, total, filled = req.resource_kind, req.quantity, base["filled_quantity"]
        text = (
            f"Request {number} ({total or 0:g} {unit or ''} {kind or ''}): members filled "
            f"{filled or 0:g}; {amount:g} elevated to {target}, tracking number {tracking}."
        ).replace("  ", " ")
        if note:
            text += f" {note.strip()}"
        if incident_id:
            entry = log.NewEntry(text, "resource", "important", occurred_at=when,
                                 source=f"request {number}", record_id=trail.log_id,
                                 station=trail.station)  # fmt: skip
            log.add_entries(store, actor=actor, incident_id=incident_id, entries=[entry])
    with store.read() as s:
        return find_request(s, rid)


@dataclass(frozen=True)
class HistoryStep:
    """One line of a request's history: a status step, a fill or an elevation."""

    kind: str
    at: str | None
    by: str | None
    text: str
    note: str | None
    #: The status code of a status step; None for a fill or an elevation.
    status: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "status": self.status, "at": self.at, "by": self.by,
                "text": self.text, "note": self.note}  # fmt: skip


def _escalation_chain(
    store: Store, request_id: str
) -> list[tuple[dict[str, Any], str | None, str]]:
    """The escalation versions leading to the current one, oldest first, each with
    the operator who wrote it and when (its clock's wall time: the unit keeps no time
    of a fill)."""
    with store.read() as s:
        rows = s.execute(
            select(
                m.Version.id,
                m.Version.parent_id,
                m.Version.value,
                m.Version.operator,
                m.Version.hlc,
            ).where(
                m.Version.entity == "request",
                m.Version.record_id == request_id,
                m.Version.unit == "escalation",
            )
        ).all()
        winner = s.get(m.Winner, ("request", request_id, "escalation"))
    by_id = {r.id: r for r in rows}
    chain = []
    cursor = winner.version_id if winner else None
    while cursor and cursor in by_id:
        r = by_id[cursor]
        chain.append((json.loads(r.value), r.operator, from_ms(unpack(r.hlc)[0])))
        cursor = r.parent_id
    return list(reversed(chain))


def history(store: Store, *, request_id: str) -> list[HistoryStep]:
    """Status steps, members' fills and elevations of a request, in time order."""
    with store.read() as s:
        req = find_request(s, request_id)
    steps = [
        HistoryStep("status", st.at, st.by, lifecycle.LABELS.get(st.status or "", st.status or ""),
                    st.note, st.status)
        for st in status_history(store, request_id=req.id)
    ]  # fmt: skip
    before: dict[str, Any] = {}
    unit = req.unit or ""
    for value, operator, written in _escalation_chain(store, req.id):
        if value.get("filled_quantity") != before.get("filled_quantity"):
            steps.append(
                HistoryStep(
                    "fill", written, operator,
                    f"Members filled {value.get('filled_quantity') or 0:g} {unit}".strip(),
                    None,
                )
            )  # fmt: skip
        if value.get("elevated_ref") and (value.get("elevated_at"), value.get("elevated_ref")) != (
            before.get("elevated_at"),
            before.get("elevated_ref"),
        ):
            steps.append(
                HistoryStep(
                    "elevated", value.get("elevated_at"), value.get("elevated_by") or operator,
                    f"Elevated {value.get('elevated_quantity') or 0:g} {unit} to "
                    f"{value.get('elevated_to')} (tracking {value.get('elevated_ref')})",
                    value.get("elevated_note"),
                )
            )  # fmt: skip
        before = value
    return sorted(steps, key=lambda st: st.at or "")
