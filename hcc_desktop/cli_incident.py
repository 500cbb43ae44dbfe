"""CLI commands for incident work: incidents, operational periods, the log and
resource requests. Each calls one core service and shows what it returns; the
service does the checking, so the CLI and the GUI refuse the same input."""

from __future__ import annotations

import argparse
from typing import Any

from hcc_desktop.cli_commands import (
    Context,
    emit,
    incident_of,
    optional_choice,
    org_names,
    resolve_org,
    resolve_ref,
    resolve_request,
)
from hcc_desktop.cli_format import (
    incident_dict,
    log_dict,
    number,
    one_line,
    period_dict,
    request_dict,
    show_time,
    table,
    tail,
    to_json,
    user_time,
)
from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import (
    LOG_CATEGORIES,
    LOG_PRIORITIES,
    REQUEST_PRIORITIES,
    SIGNIFICANT_STATES,
)
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents, log, requests
from hcc_desktop.core.timeutil import add_hours

# ------------------------------------------------------------------ incidents


def cmd_incidents_list(ctx: Context, args: argparse.Namespace) -> int:
    found = incidents.list_incidents(ctx.store)
    current = incidents.current_incident(ctx.store)
    current_id = current.id if current else None
    if args.json:
        emit(to_json([incident_dict(i, current_id) for i in found]))
        return 0
    rows = [
        (
            "*" if i.id == current_id else "",
            tail(i.id),
            one_line(i.name, 60),
            i.incident_type,
            i.status,
            "exercise" if i.exercise else "",
            show_time(i.started_at),
        )
        for i in found
    ]
    emit(table(("", "ID", "NAME", "TYPE", "STATUS", "EXERCISE", "STARTED"), rows))
    emit(f"{len(found)} incidents (* = current)")
    return 0


def cmd_incidents_create(ctx: Context, args: argparse.Namespace) -> int:
    rid = incidents.create_incident(
        ctx.store,
        actor=ctx.actor,
        name=args.name,
        incident_type=args.type,
        status=args.status,
        exercise=args.exercise,
        description=args.description or "",
        started_at=user_time(args.start),
    )
    kind = "Exercise" if args.exercise else "Incident"
    emit(f"{kind} {args.name!r} created: {rid} (now the current incident)")
    return 0


def cmd_incidents_use(ctx: Context, args: argparse.Namespace) -> int:
    inc = resolve_ref(ctx.store, m.Incident, args.id, "incident")
    incidents.set_current_incident(ctx.store, inc.id)
    emit(f"Current incident: {inc.name} ({tail(inc.id)})")
    return 0


# ------------------------------------------------------------------ periods


def cmd_periods_list(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    periods = incidents.list_periods(ctx.store, incident_id=inc.id)
    now_p = incidents.period_at(ctx.store, incident_id=inc.id, moment=ctx.now())
    now_n = now_p.number if now_p else None
    if args.json:
        emit(to_json([period_dict(p, now_n) for p in periods]))
        return 0
    rows = [
        (
            "*" if p.number == now_n else "",
            p.number,
            show_time(p.starts_at),
            show_time(p.ends_at),
            show_time(p.eei_due_at),
            one_line(p.objectives, 60),
        )
        for p in periods
    ]
    emit(f"Incident: {inc.name} ({tail(inc.id)})")
    emit(table(("", "N", "STARTS", "ENDS", "EEIS DUE", "OBJECTIVES"), rows, right={1}))
    return 0


def cmd_periods_add(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    start = user_time(args.start)
    if start is None:
        # The next period follows the last one, as shifts do.
        existing = incidents.list_periods(ctx.store, incident_id=inc.id)
        start = existing[-1].ends_at if existing else ctx.now()
    assert start is not None
    end = user_time(args.end)
    if end is None:
        if args.hours <= 0:
            raise ValidationError("hours", f"expected a number of hours above 0, got {args.hours}")
        try:
            end = add_hours(start, args.hours)
        except ValueError:
            raise ValidationError(
                "start", f"expected a date and time like 2026-11-23T07:00, got {args.start!r}"
            ) from None
    n = incidents.add_period(
        ctx.store,
        actor=ctx.actor,
        incident_id=inc.id,
        starts_at=start,
        ends_at=end,
        eei_due_at=user_time(args.due),
        objectives=args.objectives or "",
        number=args.number,
    )
    with ctx.store.read() as s:
        p = incidents.get_period(s, inc.id, n)
    emit(
        f"Period {n} of {inc.name}: {show_time(p.starts_at)} to {show_time(p.ends_at)}, "
        f"EEIs due {show_time(p.eei_due_at)}"
    )
    return 0


# ------------------------------------------------------------------ log


def cmd_log_add(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    org = resolve_org(ctx.store, args.org, "org") if args.org else None
    rid = log.add_entry(
        ctx.store,
        actor=ctx.actor,
        incident_id=inc.id,
        text=args.text,
        category=args.category,
        priority=args.priority,
        organization_id=org.id if org else None,
        occurred_at=user_time(args.at),
    )
    emit(f"Logged {tail(rid)} in {inc.name}")
    return 0


def cmd_log_list(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    flt = log.LogFilter(
        incident_id=inc.id,
        category=optional_choice("category", args.category, LOG_CATEGORIES),
        priority=optional_choice("priority", args.priority, LOG_PRIORITIES),
        text=args.text,
        significant=optional_choice("significant", args.significant, SIGNIFICANT_STATES[1:]),
    )
    # --limit N shows the N most recent entries, still oldest first like a paper log.
    entries = log.list_entries(ctx.store, flt=flt, limit=args.limit, newest_first=True)
    entries.reverse()
    names = org_names(ctx.store)
    if args.json:
        emit(to_json([log_dict(e, names) for e in entries]))
        return 0
    rows = [
        (
            tail(e.id),
            show_time(e.occurred_at),
            e.category,
            e.priority,
            e.significant or "",
            one_line(e.operator, 24),
            one_line(names.get(e.organization_id or "", ""), 30),
            one_line(e.text),
        )
        for e in entries
    ]
    emit(table(("ID", "TIME", "CATEGORY", "PRIORITY", "SIGNIFICANT", "BY", "MEMBER", "TEXT"), rows))
    total = log.count_entries(ctx.store, flt=flt)
    emit(f"{len(entries)} of {total} entries in {inc.name}")
    return 0


def cmd_log_nominate(ctx: Context, args: argparse.Namespace) -> int:
    entry = resolve_ref(ctx.store, m.LogEntry, args.id, "entry")
    log.nominate(ctx.store, actor=ctx.actor, entry_id=entry.id, note=args.note or "")
    emit(f"Entry {args.id} nominated as a significant event")
    return 0


def cmd_log_review(ctx: Context, args: argparse.Namespace) -> int:
    log.review(
        ctx.store,
        actor=ctx.actor,
        entry_id=resolve_ref(ctx.store, m.LogEntry, args.id, "entry").id,
        approve=args.approve,
        note=args.note or "",
    )
    emit(f"Entry {args.id} {'approved' if args.approve else 'declined'} as a significant event")
    return 0


# ------------------------------------------------------------------ requests


def cmd_requests_add(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    requester = resolve_org(ctx.store, args.requester, "requester") if args.requester else None
    fields: dict[str, Any] = {
        "needed_by": user_time(args.needed_by),
        "deliver_to": args.deliver_to,
        "resource_type": args.resource_type,
        "description": args.description,
    }
    if requester is not None:
        fields["requester_org_id"] = requester.id
    rid = requests.create_request(
        ctx.store,
        actor=ctx.actor,
        incident_id=inc.id,
        resource_kind=args.kind,
        quantity=args.quantity,
        unit=args.unit,
        priority=args.priority,
        status=(args.status or "").strip().lower(),
        **{k: v for k, v in fields.items() if v is not None},
    )
    with ctx.store.read() as s:
        req = requests.find_request(s, rid)
    emit(
        f"Request {req.number} ({tail(rid)}) {req.status}: {number(req.quantity)} {req.unit} "
        f"{req.resource_kind}"
    )
    return 0


REQUEST_HEADERS = (
    "NUMBER", "ID", "STATUS", "PRIORITY", "QTY", "UNIT", "RESOURCE", "REQUESTER", "NEEDED BY",
)  # fmt: skip


def cmd_requests_list(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    status = optional_choice("status", args.status, lifecycle.STATUSES)
    prio = optional_choice("priority", args.priority, REQUEST_PRIORITIES)
    found = requests.list_requests(ctx.store, incident_id=inc.id, status=status, priority=prio)
    now = ctx.now()
    names = org_names(ctx.store)
    if args.json:
        emit(to_json([request_dict(r, names, requests.is_overdue(r, now)) for r in found]))
        return 0
    rows = [
        (
            r.number,
            tail(r.id),
            lifecycle.LABELS.get(r.status or "", r.status),
            r.priority,
            number(r.quantity),
            r.unit,
            one_line(r.resource_kind, 40),
            one_line(names.get(r.requester_org_id or "", ""), 30),
            show_time(r.needed_by) + ("  OVERDUE" if requests.is_overdue(r, now) else ""),
        )
        for r in found
    ]
    emit(table(REQUEST_HEADERS, rows, right={4}))
    emit(f"{len(found)} requests in {inc.name}")
    return 0


def cmd_requests_set_status(ctx: Context, args: argparse.Namespace) -> int:
    before = resolve_request(ctx.store, args.ref)
    requests.set_status(
        ctx.store,
        actor=ctx.actor,
        request_id=before.id,
        status=args.status,
        note=args.note or "",
        at=user_time(args.at),
    )
    with ctx.store.read() as s:
        after = requests.find_request(s, before.id)
    emit(f"{after.number}: {before.status} -> {after.status}")
    return 0


def cmd_requests_history(ctx: Context, args: argparse.Namespace) -> int:
    req = resolve_request(ctx.store, args.ref)
    steps = requests.status_history(ctx.store, request_id=req.id)
    if args.json:
        emit(
            to_json(
                [{"status": st.status, "at": st.at, "by": st.by, "note": st.note} for st in steps]
            )
        )
        return 0
    emit(f"{req.number} ({tail(req.id)}): {number(req.quantity)} {req.unit} {req.resource_kind}")
    rows = [(show_time(st.at), st.status, st.by, one_line(st.note)) for st in steps]
    emit(table(("WHEN", "STATUS", "BY", "NOTE"), rows))
    return 0
