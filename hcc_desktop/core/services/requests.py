"""Resource requests (ICS 213RR) and their status chain."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import REQUEST_PRIORITIES
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.services.common import (
    MAX_TEXT,
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
)
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise

EDITABLE = (
    "requester_org_id", "requested_by", "requester_contact", "resource_kind",
    "resource_type", "description", "quantity", "unit", "priority", "needed_by",
    "deliver_to", "supplier", "order_number", "notes",
)  # fmt: skip


def _station_code(name: str) -> str:
    word = re.sub(r"[^A-Za-z0-9]", "", (name.split() or ["ST"])[0]).upper()
    return (word or "ST")[:6]


def _quantity(raw: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValidationError(
            "quantity", f"expected a number greater than 0, got {raw!r}"
        ) from None
    if not value > 0 or value != value or value > 1e9:
        raise ValidationError("quantity", f"expected a number greater than 0, got {raw!r}")
    return int(value) if value.is_integer() else value


def _clean(session: Any, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(sorted(unknown)[0], "not a resource request field")
    out: dict[str, Any] = {}
    for key, raw in fields.items():
        if key == "requester_org_id":
            out[key] = get_live(session, m.Organization, raw, "requester").id if raw else None
        elif key == "quantity":
            out[key] = _quantity(raw)
        elif key == "priority":
            out[key] = require_choice("priority", raw, REQUEST_PRIORITIES)
        elif key == "needed_by":
            out[key] = normalise("needed_by", raw)
        elif key == "resource_kind":
            out[key] = require_text("resource_kind", raw, max_len=120)
        elif key in ("description", "notes"):
            out[key] = optional_text(key, raw, max_len=MAX_TEXT)
        else:
            out[key] = optional_text(key, raw)
    return out


def create_request(
    store: Store,
    *,
    actor: Actor,
    incident_id: str,
    resource_kind: str,
    quantity: Any,
    unit: str = "each",
    priority: str = "routine",
    status: str = "submitted",
    number: str | None = None,
    record_id: str | None = None,
    created_at: str | None = None,
    origin: tuple[str, str | None, int | None] | None = None,
    **fields: Any,
) -> str:
    """A new request, in draft or submitted (the two states a request may start in).
    `origin` (message id, sender, resource line) marks a request that arrived as an
    EDXL-RM message, so the replies that name that message find it."""
    if status not in lifecycle.INITIAL:
        raise ValidationError(
            "status", f"a new request starts as {' or '.join(lifecycle.INITIAL)}, not {status!r}"
        )
    rid = record_id or uuid7(store.wall())
    with store.writing(operator=actor.label, summary=f"New request {resource_kind}") as w:
        inc = get_live(w.session, m.Incident, incident_id, "incident")
        values = _clean(
            w.session,
            {
                "resource_kind": resource_kind,
                "quantity": quantity,
                "unit": unit,
                "priority": priority,
                **fields,
            },
        )
        values["requested_by"] = values.get("requested_by") or actor.label
        if number is None:
            number = _next_number(w.session, _station_code(store.station_name))
        elif w.session.scalar(
            select(func.count())
            .select_from(m.ResourceRequest)
            .where(m.ResourceRequest.number == number)
        ):
            raise ValidationError("number", f"request number {number} is in use already")
        at = normalise("created_at", created_at) or from_ms(store.wall())
        w.put(
            "request",
            rid,
            {
                **values,
                "incident_id": inc.id,
                "number": require_text("number", number, max_len=40),
                "created_at": at,
                "deleted": False,
                **(
                    {
                        "origin": {
                            "external_ref": require_text("external_ref", origin[0], max_len=200),
                            "external_sender": optional_text(
                                "external_sender", origin[1], max_len=200
                            ),
                            "external_line": origin[2],
                        }
                    }
                    if origin
                    else {}
                ),
                "status": {
                    "status": status,
                    "status_note": None,
                    "status_at": at,
                    "status_by": actor.label,
                },
            },
            new=record_id is None,
        )
    return rid


def _next_number(session: Any, code: str) -> str:
    """One past the highest number this station's prefix has used: numbers are never
    handed out twice, even after an explicitly numbered request."""
    used = session.scalars(
        select(m.ResourceRequest.number).where(m.ResourceRequest.number.like(f"{code}-%"))
    )
    highest = 0
    for number in used:
        tail = (number or "").rsplit("-", 1)[-1]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{code}-{highest + 1:03d}"


def update_request(
    store: Store,
    *,
    actor: Actor,
    request_id: str,
    seen: Mapping[str, str | None] | None = None,
    **fields: Any,
) -> list[str]:
    """Change some fields; returns those that changed. `seen` (field → the version
    the form was filled from, see `seen_versions`) makes an edit from an out-of-date
    form a concurrent one, as at another station: a field the operator left as shown
    is not written back, a field changed over another seat's newer value is a
    conflict."""
    with store.writing(operator=actor.label, summary="Edit request") as w:
        req = find_request(w.session, request_id)
        values = _clean(w.session, fields)
        shown = {k: v for k, v in (seen or {}).items() if k in values}
        stale = w.stale("request", req.id, shown)
        changed = {
            k: v
            for k, v in values.items()
            if getattr(req, k) != v and (k not in stale or stale[k] != v)
        }
        if changed:
            w.put("request", req.id, changed, based_on=shown)
    return sorted(changed)


def seen_versions(store: Store, *, request_id: str) -> dict[str, str | None]:
    """The version of each editable field of the request as it is now (None: the field
    was never given a value): what a form showing the request passes back as `seen`
    when it saves."""
    with store.read() as s:
        req = find_request(s, request_id)
        rows = s.execute(
            select(m.Winner.unit, m.Winner.version_id).where(
                m.Winner.entity == "request", m.Winner.record_id == req.id
            )
        )
        found: dict[str, str] = {unit: vid for unit, vid in rows}
    return {f: found.get(f) for f in EDITABLE}


def set_status(
    store: Store,
    *,
    actor: Actor,
    request_id: str,
    status: str,
    note: str = "",
    at: str | None = None,
    seen: str | None = None,
) -> None:
    """Move a request one step along its lifecycle; any other step is refused.

    `seen` is the status version the operator was shown (`RequestList.status_seen`).
    When another seat has moved the request since, the step is checked against the
    status shown and recorded as a concurrent move from it, as two stations' moves
    would be: a conflict when the two disagree."""
    new = require_choice("status", status, lifecycle.STATUSES)
    with store.writing(operator=actor.label, summary=f"Request → {new}") as w:
        req = find_request(w.session, request_id)
        based_on = None if seen is None else {"status": seen}
        stale = w.stale("request", req.id, based_on or {})
        shown = req.status
        if "status" in stale:
            shown = (stale["status"] or {}).get("status")
        if not lifecycle.can_move(shown, new):
            allowed = lifecycle.allowed_next(shown)
            hint = f"allowed next: {', '.join(allowed)}" if allowed else "it is closed"
            raise ValidationError(
                "status", f"{req.number} cannot go from {shown} to {new} ({hint})"
            )
        w.put(
            "request",
            req.id,
            {
                "status": {
                    "status": new,
                    "status_note": optional_text("note", note, max_len=2000),
                    "status_at": normalise("at", at) or from_ms(store.wall()),
                    "status_by": actor.label,
                }
            },
            based_on=based_on,
        )


def find_request(session: Any, ref: str) -> m.ResourceRequest:
    """By id, id prefix or request number (what operators read off the board)."""
    row = session.get(m.ResourceRequest, ref)
    if row is None:
        rows = list(
            session.scalars(
                select(m.ResourceRequest)
                .where(
                    (m.ResourceRequest.number == ref) | m.ResourceRequest.id.startswith(ref)
                    if len(ref) >= 6
                    else m.ResourceRequest.number == ref
                )
                .limit(2)
            )
        )
        if len(rows) > 1:
            raise ValidationError("request", f"{ref!r} matches more than one request; give its id")
        row = rows[0] if rows else None
    if row is None or row.deleted:
        raise NotFoundError("request", f"unknown resource request {ref!r}")
    return row


@dataclass(frozen=True)
class StatusStep:
    status: str
    at: str | None
    by: str | None
    note: str | None
    version_id: str


def status_history(store: Store, *, request_id: str) -> list[StatusStep]:
    """The chain of status versions that led to the current one, oldest first."""
    with store.read() as s:
        req = find_request(s, request_id)
        rows = s.execute(
            select(m.Version.id, m.Version.parent_id, m.Version.value).where(
                m.Version.entity == "request",
                m.Version.record_id == req.id,
                m.Version.unit == "status",
            )
        ).all()
        winner = s.get(m.Winner, ("request", req.id, "status"))
    by_id = {r.id: r for r in rows}
    chain: list[StatusStep] = []
    cursor = winner.version_id if winner else None
    while cursor and cursor in by_id:
        r = by_id[cursor]
        v = json.loads(r.value)
        chain.append(
            StatusStep(
                v.get("status"), v.get("status_at"), v.get("status_by"), v.get("status_note"), r.id
            )
        )
        cursor = r.parent_id
    return list(reversed(chain))


def list_requests(
    store: Store, *, incident_id: str, status: str | None = None, priority: str | None = None
) -> list[m.ResourceRequest]:
    return requests_seen(store, incident_id=incident_id, status=status, priority=priority).requests


@dataclass(frozen=True)
class RequestList:
    """Requests as a screen shows them, with the status version of each (request id →
    version id): what the screen passes back as `seen` when it moves one."""

    requests: list[m.ResourceRequest]
    status_seen: dict[str, str]


def requests_seen(
    store: Store, *, incident_id: str, status: str | None = None, priority: str | None = None
) -> RequestList:
    """`list_requests` with each request's status version, read in the same statement
    (a seat on an EOC server reads committed data statement by statement: two reads
    could pair a row with a later move)."""
    status_winner = and_(
        m.Winner.entity == "request",
        m.Winner.record_id == m.ResourceRequest.id,
        m.Winner.unit == "status",
    )
    with store.read() as s:
        stmt = (
            select(m.ResourceRequest, m.Winner.version_id)
            .outerjoin(m.Winner, status_winner)
            .where(
                m.ResourceRequest.incident_id == incident_id,
                m.ResourceRequest.deleted.is_(False),
            )
        )
        if status:
            stmt = stmt.where(m.ResourceRequest.status == status)
        if priority:
            stmt = stmt.where(m.ResourceRequest.priority == priority)
        rows = s.execute(stmt.order_by(m.ResourceRequest.created_at, m.ResourceRequest.number))
        listed, seen = [], {}
        for req, version in rows:
            listed.append(req)
            if version is not None:
                seen[req.id] = version
        return RequestList(listed, seen)


PRIORITY_ORDER = {p: i for i, p in enumerate(REQUEST_PRIORITIES)}


def is_overdue(req: m.ResourceRequest, now_iso: str) -> bool:
    return bool(req.needed_by and lifecycle.is_open(req.status) and req.needed_by < now_iso)
