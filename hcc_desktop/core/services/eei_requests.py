"""EEI requests (issue 16, part 1): the duty officer asks partners for EEIs by a due
time ("all hospitals by 09:00"), once, every operational period or every N hours, and
chases those who are late.

Only the request is stored. Each partner's line — not sent, sent, reported on time,
late, missing — is derived from two things that arrive by their own paths: the
outbound messages logged for the request (`messages`, ref_kind "eei_request") and the
EEI reports (typed, CSV/XLSX, EDXL-HAVE or a package). So a response closes the
partner's line whichever way it comes, and two stations that have exchanged packages
show the same lines without ever having written them.

Rounds. A request that repeats has one round per operational period (the period's EEI
due time) or one every N hours after the first due time. A round opens when the
request is issued (the first) or when the previous round falls due, and a partner has
answered a round when every requested element it reports has a report made after the
round opened. The time of its last such element is the partner's response time: by
the due time is on time, after it late; nothing after the due time is missing.

HPP-PHEP 6.1 (and its successor J.1) counts, per incident, the partners that received
a request (denominator) and those that reported within the requested time frame
(numerator), by partner type and context; `hpp_report` computes it over the rounds
that have fallen due, counting each partner once per round.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Catalog, load_catalog
from hcc_desktop.core.enums import MEMBER_TYPES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import natural_id, uuid7
from hcc_desktop.core.pgsql import json_text
from hcc_desktop.core.services import messages
from hcc_desktop.core.services.common import (
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
    resolve_prefix,
)
from hcc_desktop.core.services.eei import NOT_MEMBERS
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise, parse_iso, to_iso

#: HPP-PHEP 6.1 contexts (pick one per data point); discussion-based exercises are
#: not on the measure's list.
CONTEXTS: dict[str, str] = {
    "incident": "Incident",
    "full_scale_exercise": "Full-scale exercise",
    "functional_exercise": "Functional exercise",
    "drill": "Drill",
    "planned_event": "Planned event",
}

REPEATS: dict[str, str] = {
    "once": "Once",
    "period": "Every operational period",
    "hours": "Every N hours",
}

STATUSES: tuple[str, ...] = ("open", "closed", "cancelled")

#: A partner's line in a round, in the order the reminder list cares about.
STATES: dict[str, str] = {
    "missing": "Missing",
    "late": "Late",
    "sent": "Sent",
    "not_sent": "Not sent",
    "on_time": "Reported on time",
}

#: The partner types the measure counts responders by; member types not named here
#: are "Other".
HPP_PARTNER_TYPES: dict[str, str] = {
    "hospital": "Hospitals",
    "health_system": "Hospitals",
    "long_term_care": "Long-term care facilities",
    "community_health_center": "Community health centers",
    "coalition_partner": "Healthcare coalitions",
    "local_public_health": "Local public health",
}
OTHER_PARTNERS = "Other"

MAX_ROUNDS = 400
TARGET_KEYS = ("types", "regions", "members")


# ------------------------------------------------------------------ checking


def _elements(raw: object, cat: Catalog) -> list[str]:
    if isinstance(raw, str):
        raw = [p for p in raw.replace(";", ",").split(",")]
    if not isinstance(raw, (list, tuple)):
        raise ValidationError("elements", "expected a list of EEI element codes")
    out: list[str] = []
    for item in raw:
        code = str(item).strip().upper()
        if not code:
            continue
        try:
            cat.element(code)
        except ValidationError:
            raise ValidationError(
                "elements", f"unknown EEI element {code!r}; see `hcc-desktop eei elements`"
            ) from None
        if code not in out:
            out.append(code)
    if not out:
        raise ValidationError("elements", "ask for at least one EEI element")
    return out


def _targets(session: Session, raw: object) -> dict[str, list[str]]:
    if not isinstance(raw, Mapping):
        raise ValidationError("targets", "expected member types, regions or members")
    unknown = set(raw) - set(TARGET_KEYS)
    if unknown:
        raise ValidationError("targets", f"unknown key {sorted(unknown)[0]!r}")
    out: dict[str, list[str]] = {k: [] for k in TARGET_KEYS}
    for key in TARGET_KEYS:
        items = raw.get(key) or []
        if isinstance(items, str):
            items = [p for p in items.split(",")]
        for item in items:
            text = str(item).strip()
            if not text:
                continue
            if key == "types":
                value = require_choice("types", text, MEMBER_TYPES)
            elif key == "regions":
                value = _region(session, text)
            else:
                try:
                    org = resolve_prefix(session, m.Organization, text, "members")
                except ValidationError:
                    raise ValidationError("members", f"unknown member {text!r}") from None
                value = org.id
            if value not in out[key]:
                out[key].append(value)
    if not any(out.values()):
        raise ValidationError("targets", "name the partners: member types, regions or members")
    return out


def _region(session: Session, text: str) -> str:
    row = session.get(m.Region, text)
    if row is None or row.deleted:
        row = session.scalars(
            select(m.Region).where(
                (m.Region.key == text) | (m.Region.name == text), m.Region.deleted.is_(False)
            )
        ).first()
    if row is None:
        raise ValidationError("regions", f"unknown region {text!r}")
    return row.id


def _schedule(
    repeat: object, repeat_hours: object, due_at: object, issued_at: str
) -> dict[str, Any]:
    mode = require_choice("repeat", str(repeat or "once"), REPEATS)
    hours: int | None = None
    if mode == "hours":
        try:
            hours = int(str(repeat_hours).strip()) if repeat_hours not in (None, "") else None
        except ValueError:
            raise ValidationError(
                "repeat_hours", f"expected whole hours, got {repeat_hours!r}"
            ) from None
        if hours is None or not 1 <= hours <= 168:
            raise ValidationError("repeat_hours", "every 1 to 168 hours")
    elif repeat_hours not in (None, ""):
        raise ValidationError("repeat_hours", "only for a request repeated every N hours")
    due = normalise("due_at", due_at if isinstance(due_at, (str, dt.datetime)) else None)
    if due is None:
        raise ValidationError("due_at", "say by when the partners should report")
    if due <= issued_at:
        raise ValidationError("due_at", f"{due} is not after the request is issued ({issued_at})")
    return {"due_at": due, "repeat": mode, "repeat_hours": hours}


def _context(raw: object, inc: m.Incident) -> str:
    if raw in (None, ""):
        if inc.exercise:
            raise ValidationError(
                "context", "the incident is an exercise: say which (full-scale, functional, drill)"
            )
        return "incident"
    return require_choice("context", str(raw), CONTEXTS)


def _check_partners(session: Session, elements: list[str], targets: dict[str, list[str]]) -> None:
    """Each member named in the list must report at least one requested element, and
    the request must reach somebody; otherwise no line could ever close."""
    cat = load_catalog()
    for oid in targets["members"]:
        org = session.get_one(m.Organization, oid)
        if not _applicable(cat, elements, org.member_type):
            raise ValidationError(
                "members", f"{org.name} does not report any of {', '.join(elements)}"
            )
    if not partners(session, elements, targets):
        raise ValidationError("targets", "no member matches these types and regions")


def _applicable(cat: Catalog, elements: Sequence[str], member_type: str | None) -> list[str]:
    out = []
    for code in elements:
        el = cat.elements.get(code)
        if el is None or not el.reported_by or member_type in el.reported_by:
            out.append(code)
    return out


# ------------------------------------------------------------------ writing


def issue_request(
    store: Store,
    *,
    actor: Actor,
    incident_id: str,
    title: str,
    elements: Sequence[str] | str,
    targets: Mapping[str, Any],
    due_at: str | dt.datetime,
    repeat: str = "once",
    repeat_hours: int | str | None = None,
    context: str | None = None,
    notes: str | None = None,
    channel: str = "",
    issued_at: str | None = None,
    send: bool = True,
    record_id: str | None = None,
    sender: str = "",
) -> str:
    """Issue a request and (unless `send` is false) log the message that carries it to
    every matching partner, in one transaction: the lines show "sent" at once. Refused
    with the field named, nothing written, when an element, target, time or choice is
    wrong."""
    when = normalise("issued_at", issued_at) or from_ms(store.wall())
    cat = load_catalog()
    with store.atomic():
        with store.writing(operator=actor.label, summary=f"EEI request: {title}") as w:
            inc = get_live(w.session, m.Incident, incident_id, "incident")
            codes = _elements(elements, cat)
            aimed = _targets(w.session, targets)
            _check_partners(w.session, codes, aimed)
            values = {
                "incident_id": inc.id,
                "title": require_text("title", title, max_len=200),
                "context": _context(context, inc),
                "notes": optional_text("notes", notes, max_len=10_000),
                "ask": {"elements": codes, "targets": aimed},
                "schedule": _schedule(repeat, repeat_hours, due_at, when),
                "issued": {"issued_at": when, "issued_by": actor.label},
                "status": {"status": "open", "status_by": actor.label, "status_at": when},
                "deleted": False,
            }
            messages._channel(channel)  # refuse a bad channel before anything is written
            rid = record_id or uuid7(store.wall())
            if record_id and w.session.get(m.EEIRequest, record_id) is not None:
                raise ValidationError("id", f"an EEI request with id {record_id} exists already")
            w.put("eei_request", rid, values, new=record_id is None)
            recipients = [o.id for o in partners(w.session, codes, aimed)]
            inc_id = inc.id
        if send:
            messages.record_message(
                store,
                actor=actor,
                direction="out",
                kind="eei_request",
                subject=str(values["title"]),
                body=request_text(values, cat),
                channel=channel,
                recipients=recipients,
                sent_at=when,
                ref_kind="eei_request",
                ref_id=rid,
                incident_id=inc_id,
                record_id=natural_id("eei-request-message", rid) if record_id else None,
                sender=sender,
            )
    return rid


def request_text(values: Mapping[str, Any], cat: Catalog | None = None) -> str:
    """The words of the request as sent: elements, due time and repetition."""
    cat = cat or load_catalog()
    ask, sched = values["ask"], values["schedule"]
    labels = [cat.elements[c].label if c in cat.elements else c for c in ask["elements"]]
    repeat = {
        "once": "",
        "period": " and again every operational period",
        "hours": f" and again every {sched['repeat_hours']} hours",
    }[sched["repeat"]]
    return f"Please report {', '.join(labels)} by {sched['due_at']}{repeat}." + (
        f"\n{values['notes']}" if values.get("notes") else ""
    )


def update_request(store: Store, *, actor: Actor, request_id: str, **fields: Any) -> list[str]:
    """Change the title, notes, context, elements, targets or schedule of an open
    request; returns the fields that changed. Partners a wider target adds show "not
    sent" until a message to them is logged (`remind`)."""
    allowed = {"title", "notes", "context", "elements", "targets", "due_at", "repeat",
               "repeat_hours"}  # fmt: skip
    for key in fields:
        if key not in allowed:
            raise ValidationError(key, "not an EEI request field")
    cat = load_catalog()
    with store.writing(operator=actor.label, summary="Edit EEI request") as w:
        row = resolve_prefix(w.session, m.EEIRequest, request_id, "request")
        if row.status != "open":
            raise ValidationError("status", f"the request is {row.status}; reopen it to edit")
        inc = get_live(w.session, m.Incident, row.incident_id, "incident")
        changed: dict[str, Any] = {}
        if "title" in fields:
            changed["title"] = require_text("title", fields["title"], max_len=200)
        if "notes" in fields:
            changed["notes"] = optional_text("notes", fields["notes"], max_len=10_000)
        if "context" in fields:
            changed["context"] = _context(fields["context"], inc)
        changed = {k: v for k, v in changed.items() if getattr(row, k) != v}
        if {"elements", "targets"} & set(fields):
            codes = _elements(fields.get("elements", row.elements), cat)
            aimed = _targets(w.session, fields.get("targets", row.targets or {}))
            _check_partners(w.session, codes, aimed)
            if codes != row.elements or aimed != row.targets:
                changed["ask"] = {"elements": codes, "targets": aimed}
        if {"due_at", "repeat", "repeat_hours"} & set(fields):
            sched = _schedule(
                fields.get("repeat", row.repeat),
                fields.get("repeat_hours", row.repeat_hours if "repeat" not in fields else None),
                fields.get("due_at", row.due_at),
                row.issued_at or "",
            )
            if sched != {k: getattr(row, k) for k in ("due_at", "repeat", "repeat_hours")}:
                changed["schedule"] = sched
        if changed:
            w.put("eei_request", row.id, changed)
    return sorted(changed)


def set_status(
    store: Store, *, actor: Actor, request_id: str, status: str, at: str | None = None
) -> bool:
    """Close (no more rounds after now), cancel (left out of the measure) or reopen a
    request. Returns whether it changed."""
    new = require_choice("status", status, STATUSES)
    when = normalise("at", at) or from_ms(store.wall())
    with store.writing(operator=actor.label, summary=f"EEI request → {new}") as w:
        row = resolve_prefix(w.session, m.EEIRequest, request_id, "request")
        if row.status == new:
            return False
        w.put("eei_request", row.id,
              {"status": {"status": new, "status_by": actor.label, "status_at": when}})  # fmt: skip
    return True


def delete_request(store: Store, *, actor: Actor, request_id: str) -> None:
    with store.writing(operator=actor.label, summary="Remove EEI request") as w:
        row = resolve_prefix(w.session, m.EEIRequest, request_id, "request")
        w.put("eei_request", row.id, {"deleted": True})


def remind(
    store: Store,
    *,
    actor: Actor,
    request_id: str,
    organization_ids: Sequence[str] | None = None,
    channel: str = "phone",
    note: str = "",
    now: str | None = None,
    record_id: str | None = None,
    sender: str = "",
) -> str:
    """Log a reminder (a call or message) to partners of a request; by default to those
    whose current round is still open or missing. A reminder also counts as sending
    the request to a partner it had not reached."""
    with store.read() as s:
        row = resolve_prefix(s, m.EEIRequest, request_id, "request")
    status = request_status(store, row.id, now=now)
    if organization_ids:
        known = {ln.organization_id for ln in status.lines}
        targets = []
        for oid in organization_ids:
            match = [k for k in known if k == oid or k.endswith(oid) or k.startswith(oid)]
            if len(match) != 1:
                raise ValidationError("members", f"{oid!r} is not one partner of this request")
            targets.append(match[0])
    else:
        targets = [ln.organization_id for ln in status.reminders]
    if not targets:
        raise ValidationError("members", "every partner has answered: nobody to remind")
    return messages.record_message(
        store,
        actor=actor,
        direction="out",
        kind="eei_reminder",
        subject=f"Reminder: {row.title}",
        body=optional_text("note", note, max_len=2000) or "",
        channel=channel,
        recipients=targets,
        ref_kind="eei_request",
        ref_id=row.id,
        incident_id=row.incident_id,
        sent_at=now,
        record_id=record_id,
        sender=sender,
    )


# ------------------------------------------------------------------ deriving


def partners(
    session: Session, elements: Sequence[str], targets: Mapping[str, Sequence[str]]
) -> list[m.Organization]:
    """The members a request reaches: those named, and those of the named types in the
    named regions (any type or region when that list is empty), that report at least
    one requested element. Prospective and lapsed members, and duplicates merged into
    another record, are left out."""
    cat = load_catalog()
    types = list(targets.get("types") or [])
    regions = list(targets.get("regions") or [])
    named = list(targets.get("members") or [])
    stmt = select(m.Organization).where(
        m.Organization.deleted.is_(False),
        m.Organization.merged_into.is_(None),
        m.Organization.membership.is_(None) | m.Organization.membership.not_in(NOT_MEMBERS),
    )
    found: dict[str, m.Organization] = {}
    if types or regions:
        q = stmt
        if types:
            q = q.where(m.Organization.member_type.in_(types))
        if regions:
            q = q.where(m.Organization.region_id.in_(regions))
        for org in session.scalars(q):
            if _applicable(cat, elements, org.member_type):
                found[org.id] = org
    if named:
        for org in session.scalars(stmt.where(m.Organization.id.in_(named))):
            found[org.id] = org
    return sorted(found.values(), key=lambda o: ((o.name or "").lower(), o.id))


@dataclass(frozen=True)
class Round:
    number: int
    opens_at: str
    due_at: str
    #: The operational period (repeat "period"), else None.
    period: int | None = None


def rounds(session: Session, req: m.EEIRequest, *, now: str) -> list[Round]:
    """The request's rounds that have opened by `now` (at least the first), up to its
    closing if it was closed or cancelled."""
    issued = req.issued_at or req.due_at or now
    first_due = req.due_at or issued
    end = req.status_at if req.status in ("closed", "cancelled") and req.status_at else None
    horizon = min(now, end) if end else now
    if req.repeat == "hours" and req.repeat_hours:
        out = [Round(1, issued, first_due)]
        step = dt.timedelta(hours=req.repeat_hours)
        due = parse_iso(first_due)
        while len(out) < MAX_ROUNDS:
            opens = to_iso(due)
            if opens > horizon:
                break
            due += step
            out.append(Round(len(out) + 1, opens, to_iso(due)))
        return out
    if req.repeat == "period":
        periods = list(
            session.scalars(
                select(m.OperationalPeriod)
                .where(
                    m.OperationalPeriod.incident_id == req.incident_id,
                    m.OperationalPeriod.deleted.is_(False),
                )
                .order_by(m.OperationalPeriod.number)
            )
        )
        current = [p for p in periods if (p.starts_at or "") <= issued]
        start = current[-1] if current else (periods[0] if periods else None)
        out = [Round(1, issued, first_due, start.number if start else None)]
        if start is None:
            return out
        offset = parse_iso(first_due) - parse_iso(start.starts_at or issued)
        for p in periods:
            if (p.number or 0) <= (start.number or 0) or not p.starts_at:
                continue
            if p.starts_at > horizon or len(out) >= MAX_ROUNDS:
                break
            p_due = p.eei_due_at or to_iso(parse_iso(p.starts_at) + offset)
            out.append(Round(len(out) + 1, p.starts_at, p_due, p.number))
        return out
    return [Round(1, issued, first_due)]


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    phone: str


@dataclass(frozen=True)
class Line:
    """One partner in one round."""

    organization_id: str
    name: str
    member_type: str
    partner_type: str
    round: Round
    state: str
    sent_at: str | None
    reported_at: str | None
    elements_due: tuple[str, ...]
    elements_reported: tuple[str, ...]
    phone_24_7: str
    contacts: tuple[Contact, ...] = ()

    @property
    def counted(self) -> bool:
        """In the HPP-PHEP 6.1 denominator: the partner received the request (or
        answered it) and the round has fallen due."""
        return self.state in ("on_time", "late", "missing")

    def as_dict(self) -> dict[str, Any]:
        return {
            "organization_id": self.organization_id,
            "name": self.name,
            "member_type": self.member_type,
            "partner_type": self.partner_type,
            "round": self.round.number,
            "due_at": self.round.due_at,
            "state": self.state,
            "sent_at": self.sent_at,
            "reported_at": self.reported_at,
            "elements_due": list(self.elements_due),
            "elements_reported": list(self.elements_reported),
            "phone_24_7": self.phone_24_7,
            "contacts": [c.__dict__ for c in self.contacts],
        }


@dataclass
class RequestStatus:
    request: m.EEIRequest
    rounds: list[Round]
    #: Every partner in every round, rounds in order.
    history: list[Line]
    now: str

    @property
    def current(self) -> Round:
        return self.rounds[-1]

    @property
    def lines(self) -> list[Line]:
        """The partners' lines in the current round."""
        return [ln for ln in self.history if ln.round == self.current]

    @property
    def reminders(self) -> list[Line]:
        """Who to call: partners of the current round still owing a report, missing
        first, then those sent and not yet due (nearest due first), then not sent."""
        if self.request.status != "open":
            return []
        owing = [ln for ln in self.lines if ln.state in ("missing", "sent", "not_sent")]
        rank = {"missing": 0, "sent": 1, "not_sent": 2}
        return sorted(owing, key=lambda ln: (rank[ln.state], ln.name.lower()))

    def counts(self, lines: Iterable[Line] | None = None) -> dict[str, int]:
        out = {k: 0 for k in STATES}
        for ln in self.lines if lines is None else lines:
            out[ln.state] += 1
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            **request_dict(self.request),
            "now": self.now,
            "round": self.current.number,
            "rounds": [r.__dict__ for r in self.rounds],
            "counts": self.counts(),
            "lines": [ln.as_dict() for ln in self.lines],
            "reminders": [ln.organization_id for ln in self.reminders],
        }


def request_dict(r: m.EEIRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "incident_id": r.incident_id,
        "title": r.title,
        "elements": r.elements,
        "targets": r.targets,
        "due_at": r.due_at,
        "repeat": r.repeat,
        "repeat_hours": r.repeat_hours,
        "context": r.context,
        "issued_at": r.issued_at,
        "issued_by": r.issued_by,
        "notes": r.notes,
        "status": r.status,
        "status_by": r.status_by,
        "status_at": r.status_at,
    }


def _report_times(
    session: Session, incident_id: str, org_ids: list[str], elements: list[str]
) -> dict[tuple[str, str], list[str]]:
    """(member, element) → every time a report of it was made, from the version
    history (a later update overwrites the current row's time, not the history)."""
    reported_at = json_text(m.Version.value, "reported_at")
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for chunk in range(0, len(org_ids), 400):
        stmt = (
            select(m.EEIReport.organization_id, m.EEIReport.element_code, reported_at)
            .join(m.EEIReport, m.EEIReport.id == m.Version.record_id)
            .where(
                m.Version.entity == "eei_report",
                m.Version.unit == "values",
                m.EEIReport.incident_id == incident_id,
                m.EEIReport.deleted.is_(False),
                m.EEIReport.organization_id.in_(org_ids[chunk : chunk + 400]),
                m.EEIReport.element_code.in_(elements),
                reported_at.is_not(None),
            )
        )
        for org, code, at in session.execute(stmt):
            if org and code and at:
                out[(org, code)].append(at)
    for times in out.values():
        times.sort()
    return out


def _contacts(session: Session, org_ids: list[str]) -> dict[str, list[Contact]]:
    out: dict[str, list[Contact]] = defaultdict(list)
    for chunk in range(0, len(org_ids), 400):
        rows = session.scalars(
            select(m.Contact)
            .where(
                m.Contact.organization_id.in_(org_ids[chunk : chunk + 400]),
                m.Contact.deleted.is_(False),
            )
            .order_by(m.Contact.name)
        )
        for c in rows:
            phone = c.phone_24_7 or (c.phone if c.is_24_7 else None)
            if phone and c.organization_id:
                out[c.organization_id].append(Contact(c.name or "", c.role or "", phone))
    return out


def _status(session: Session, req: m.EEIRequest, now: str) -> RequestStatus:
    cat = load_catalog()
    elements = list(req.elements or [])
    orgs = partners(session, elements, req.targets or {})
    ids = [o.id for o in orgs]
    times = _report_times(session, req.incident_id or "", ids, elements)
    sent: dict[str, str] = {}
    for msg in messages.sent_for(session, "eei_request", [req.id]):
        for key in msg.recipients or []:
            # As the request stood at `now`: a report or message logged with a later
            # time has not happened yet.
            if isinstance(key, str) and msg.sent_at and msg.sent_at <= now:
                sent.setdefault(key, msg.sent_at)
    people = _contacts(session, ids)
    rs = rounds(session, req, now=now)
    history: list[Line] = []
    for i, rnd in enumerate(rs):
        next_due = rs[i + 1].due_at if i + 1 < len(rs) else None
        for org in orgs:
            due = tuple(_applicable(cat, elements, org.member_type))
            got: dict[str, str] = {}
            for code in due:
                after = [t for t in times.get((org.id, code), []) if rnd.opens_at <= t <= now]
                if after:
                    got[code] = after[0]
            answered = max(got.values()) if len(got) == len(due) and due else None
            sent_at = sent.get(org.id)
            if answered is not None and answered <= rnd.due_at:
                state = "on_time"
            elif answered is not None and (next_due is None or answered <= next_due):
                state = "late"
            elif sent_at is None:
                state = "not_sent"
            elif now > rnd.due_at:
                state = "missing"
            else:
                state = "sent"
            history.append(
                Line(
                    organization_id=org.id,
                    name=org.name or org.id,
                    member_type=org.member_type or "",
                    partner_type=HPP_PARTNER_TYPES.get(org.member_type or "", OTHER_PARTNERS),
                    round=rnd,
                    state=state,
                    sent_at=sent_at,
                    reported_at=answered,
                    elements_due=due,
                    elements_reported=tuple(c for c in due if c in got),
                    phone_24_7=org.phone_24_7 or "",
                    contacts=tuple(people.get(org.id, [])),
                )
            )
    return RequestStatus(req, rs, history, now)


def request_status(store: Store, request_id: str, *, now: str | None = None) -> RequestStatus:
    """A request with every partner's line in every round that has opened."""
    at = normalise("now", now) or from_ms(store.wall())
    with store.read() as s:
        req = resolve_prefix(s, m.EEIRequest, request_id, "request")
        return _status(s, req, at)


def list_requests(
    store: Store, *, incident_id: str | None = None, status: str | None = None
) -> list[m.EEIRequest]:
    """Live requests, newest first."""
    want = require_choice("status", status, STATUSES) if status else None
    with store.read() as s:
        q = select(m.EEIRequest).where(m.EEIRequest.deleted.is_(False))
        if incident_id:
            q = q.where(m.EEIRequest.incident_id == incident_id)
        if want:
            q = q.where(m.EEIRequest.status == want)
        return list(s.scalars(q.order_by(m.EEIRequest.issued_at.desc(), m.EEIRequest.id)))


def statuses(
    store: Store, *, incident_id: str | None = None, now: str | None = None
) -> list[RequestStatus]:
    """Every live request's status in one read (the panel, the handover, the report)."""
    at = normalise("now", now) or from_ms(store.wall())
    with store.read() as s:
        q = select(m.EEIRequest).where(m.EEIRequest.deleted.is_(False))
        if incident_id:
            q = q.where(m.EEIRequest.incident_id == incident_id)
        reqs = list(s.scalars(q.order_by(m.EEIRequest.issued_at.desc(), m.EEIRequest.id)))
        return [_status(s, r, at) for r in reqs]


# ------------------------------------------------------------------ HPP-PHEP 6.1


@dataclass
class Measure:
    """Numerator over denominator, the measure's one figure."""

    numerator: int = 0
    denominator: int = 0
    late: int = 0
    missing: int = 0

    @property
    def percent(self) -> float | None:
        return 100.0 * self.numerator / self.denominator if self.denominator else None

    def add(self, line: Line) -> None:
        if not line.counted:
            return
        self.denominator += 1
        if line.state == "on_time":
            self.numerator += 1
        elif line.state == "late":
            self.late += 1
        else:
            self.missing += 1

    def as_dict(self) -> dict[str, Any]:
        pct = self.percent
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "late": self.late,
            "missing": self.missing,
            "percent": round(pct, 1) if pct is not None else None,
        }


@dataclass
class RequestMeasure:
    request: m.EEIRequest
    total: Measure
    by_partner_type: dict[str, Measure]
    rounds_due: int


@dataclass
class HppReport:
    """HPP-PHEP 6.1 for one incident: per request, per partner type, per context, and
    the incident's data point. Rounds not yet due are left out; cancelled requests
    are not counted."""

    incident: m.Incident
    now: str
    requests: list[RequestMeasure] = field(default_factory=list)
    total: Measure = field(default_factory=Measure)
    by_partner_type: dict[str, Measure] = field(default_factory=dict)
    by_context: dict[str, Measure] = field(default_factory=dict)
    #: Distinct partners and request rounds in the denominator. The denominator counts
    #: a partner once per round, so 42 partners asked three times make 126: a reader
    #: told "of 126 partners" looks for 126 partners the coalition does not have.
    partners: int = 0
    rounds: int = 0

    def responses_line(self) -> str:
        """The data point in words that say what is counted: "109 of 126 partner
        responses (42 partners, 3 request rounds) on time". One sentence for the GUI's
        dock, the printed page and the command line, so they cannot disagree."""
        return (
            f"{self.total.numerator} of {self.total.denominator} partner "
            f"{_plural(self.total.denominator, 'response')} "
            f"({self.partners} {_plural(self.partners, 'partner')}, "
            f"{self.rounds} request {_plural(self.rounds, 'round')}) on time"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": "HPP-PHEP 6.1",
            "incident": {"id": self.incident.id, "name": self.incident.name},
            "now": self.now,
            "total": self.total.as_dict(),
            "partners": self.partners,
            "rounds": self.rounds,
            "by_partner_type": {k: v.as_dict() for k, v in self.by_partner_type.items()},
            "by_context": {k: v.as_dict() for k, v in self.by_context.items()},
            "requests": [
                {
                    "id": r.request.id,
                    "title": r.request.title,
                    "context": r.request.context,
                    "due_at": r.request.due_at,
                    "repeat": r.request.repeat,
                    "rounds_due": r.rounds_due,
                    **r.total.as_dict(),
                    "by_partner_type": {k: v.as_dict() for k, v in r.by_partner_type.items()},
                }
                for r in self.requests
            ],
        }


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _type_order(name: str) -> tuple[int, str]:
    order = [*dict.fromkeys(HPP_PARTNER_TYPES.values()), OTHER_PARTNERS]
    return (order.index(name) if name in order else len(order), name)


def hpp_report(
    store: Store,
    *,
    incident_id: str,
    request_id: str | None = None,
    now: str | None = None,
) -> HppReport:
    """The measure for an incident (or one of its requests)."""
    at = normalise("now", now) or from_ms(store.wall())
    with store.read() as s:
        inc = get_live(s, m.Incident, incident_id, "incident")
        if request_id:
            one = resolve_prefix(s, m.EEIRequest, request_id, "request")
            if one.incident_id != inc.id:
                raise ValidationError("request", "the request belongs to another incident")
            reqs = [one]
        else:
            reqs = list(
                s.scalars(
                    select(m.EEIRequest)
                    .where(
                        m.EEIRequest.incident_id == inc.id,
                        m.EEIRequest.deleted.is_(False),
                    )
                    .order_by(m.EEIRequest.issued_at, m.EEIRequest.id)
                )
            )
        report = HppReport(inc, at)
        by_type: dict[str, Measure] = defaultdict(Measure)
        by_ctx: dict[str, Measure] = defaultdict(Measure)
        partners: set[str] = set()
        rounds_counted: set[tuple[str, int]] = set()
        for req in reqs:
            if req.status == "cancelled":
                continue
            st = _status(s, req, at)
            total = Measure()
            types: dict[str, Measure] = defaultdict(Measure)
            for ln in st.history:
                if ln.counted:
                    partners.add(ln.organization_id)
                    rounds_counted.add((req.id, ln.round.number))
                context = by_ctx[req.context or "incident"]
                for measure in (total, types[ln.partner_type], report.total, context):
                    measure.add(ln)
                by_type[ln.partner_type].add(ln)
            due = sum(1 for r in st.rounds if r.due_at < at)
            report.requests.append(
                RequestMeasure(
                    req, total, {k: types[k] for k in sorted(types, key=_type_order)}, due
                )
            )
    report.by_partner_type = {k: by_type[k] for k in sorted(by_type, key=_type_order)}
    report.by_context = {k: by_ctx[k] for k in CONTEXTS if k in by_ctx}
    report.partners, report.rounds = len(partners), len(rounds_counted)
    return report


HPP_HEADERS = (
    "Incident", "Context", "Request", "Partner type", "Numerator", "Denominator", "Late",
    "Missing", "Percent",
)  # fmt: skip


def hpp_rows(rep: HppReport) -> list[tuple[Any, ...]]:
    """The measure as spreadsheet rows (`HPP_HEADERS`): each request by partner type,
    then the incident by context and by partner type, then its total."""
    out: list[tuple[Any, ...]] = []
    name = rep.incident.name or ""

    def row(context: str, request: str, kind: str, g: Measure) -> tuple[Any, ...]:
        pct = g.percent
        return (name, context, request, kind, g.numerator, g.denominator, g.late, g.missing,
                round(pct, 1) if pct is not None else None)  # fmt: skip

    for r in rep.requests:
        ctx = CONTEXTS.get(r.request.context or "", r.request.context or "")
        for kind, g in r.by_partner_type.items():
            out.append(row(ctx, r.request.title or "", kind, g))
        out.append(row(ctx, r.request.title or "", "All partners", r.total))
    for key, g in rep.by_context.items():
        out.append(row(CONTEXTS.get(key, key), "All requests", "All partners", g))
    for kind, g in rep.by_partner_type.items():
        out.append(row("All contexts", "All requests", kind, g))
    out.append(row("All contexts", "All requests", "All partners", rep.total))
    return out
