"""CLI commands for resource requests (ICS 213 RR) and their lifecycle."""

from __future__ import annotations

import argparse
from typing import Any

from hcc_desktop.cli import seen as seen_option
from hcc_desktop.cli.context import (
    Context,
    emit,
    incident_label,
    incident_of,
    optional_choice,
    org_names,
    resolve_org,
    resolve_request,
)
from hcc_desktop.cli.fmt import (
    number,
    one_line,
    request_dict,
    show_time,
    table,
    tail,
    to_json,
    user_time,
)
from hcc_desktop.cli.registry import Commands, incident_option
from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import (
    REQUEST_PRIORITIES,
)
from hcc_desktop.core.services import escalation, requests

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
        f"{req.resource_kind}, in {incident_label(inc)}"
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
        emit(
            to_json(
                [
                    {**request_dict(r, names, requests.is_overdue(r, now)), **_escalation(r)}
                    for r in found
                ]
            )
        )
        return 0
    rows: list[tuple[Any, ...]] = [
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
    headers: tuple[str, ...] = REQUEST_HEADERS
    right = {4}
    if any(r.filled_quantity or r.elevated_quantity for r in found):
        # Only then: a coalition that never fills or elevates keeps the narrower table.
        right.add(len(headers))
        headers += ("FILLED", "ELEVATED")
        rows = [(*row, _filled(r), _elevated(r)) for row, r in zip(rows, found, strict=True)]
    emit(table(headers, rows, right=right))
    emit(f"{len(found)} requests in {inc.name}")
    return 0


def _escalation(req: m.ResourceRequest) -> dict[str, Any]:
    """What the members filled and what was elevated to the state, as `requests show
    --json` gives them: without these a list (the duty officer's overview, a script's
    sweep) cannot tell a request the members half filled, or the state now holds,
    from one nobody has acted on."""
    return {
        "filled_quantity": number(req.filled_quantity),
        "elevated_quantity": number(req.elevated_quantity),
        "elevated_to": req.elevated_to,
        "elevated_ref": req.elevated_ref,
        "elevated_at": req.elevated_at,
        "unfilled": number(escalation.unfilled(req)),
    }


def _filled(req: m.ResourceRequest) -> str:
    """The members' fill of the quantity asked for, as "12/20"; blank when none."""
    if not req.filled_quantity:
        return ""
    return f"{number(req.filled_quantity)}/{number(req.quantity)}"


def _elevated(req: m.ResourceRequest) -> str:
    """The quantity elevated and to whom, as "8 -> CT DPH ESF-8"; blank when none. An
    ASCII arrow, as in `set-status`, so a Windows pipe's code page can print it."""
    if not req.elevated_quantity:
        return ""
    return f"{number(req.elevated_quantity)} -> {one_line(req.elevated_to or 'state', 24)}"


def cmd_requests_show(ctx: Context, args: argparse.Namespace) -> int:
    """One request with the versions of what it shows: a script passes them back as
    `--seen` to a later change, so a change made after another seat's is recorded as
    concurrent with it rather than silently overwriting it."""
    found = resolve_request(ctx.store, args.ref)
    req, versions = seen_option.read_view(ctx.store, found.id)
    names = org_names(ctx.store)
    overdue = requests.is_overdue(req, ctx.now())
    if args.json:
        emit(to_json({
            **request_dict(req, names, overdue), "notes": req.notes,
            **_escalation(req), "seen": versions,
        }))  # fmt: skip
        return 0
    label = lifecycle.LABELS.get(req.status or "", req.status)
    emit(f"{req.number} ({tail(req.id)}) {label}, {req.priority}: {number(req.quantity)} "
         f"{req.unit} {req.resource_kind}")  # fmt: skip
    where = [f"requester {names[req.requester_org_id]}" if req.requester_org_id in names else "",
             f"needed by {show_time(req.needed_by)}" + (" (OVERDUE)" if overdue else "")
             if req.needed_by else "",
             f"deliver to {req.deliver_to}" if req.deliver_to else ""]  # fmt: skip
    if any(where):
        emit("; ".join(w for w in where if w))
    emit(f"Members filled {number(req.filled_quantity or 0)}, "
         f"elevated {number(req.elevated_quantity or 0)}"
         + (f" to {req.elevated_to} (tracking {req.elevated_ref})" if req.elevated_ref else "")
         + f"; {number(escalation.unfilled(req))} unfilled")  # fmt: skip
    emit("Seen: " + " ".join(f"--seen {u}={v or 'none'}" for u, v in versions.items()))
    return 0


def cmd_requests_set_status(ctx: Context, args: argparse.Namespace) -> int:
    before = resolve_request(ctx.store, args.ref)
    seen = seen_option.check(ctx.store, before, args.seen, "status")
    requests.set_status(
        ctx.store,
        actor=ctx.actor,
        request_id=before.id,
        status=args.status,
        note=args.note or "",
        at=user_time(args.at),
        seen=seen.version if seen else None,
    )
    with ctx.store.read() as s:
        after = requests.find_request(s, before.id)
    emit(f"{after.number}: {before.status} -> {after.status}")
    seen_option.report(ctx.store, seen)
    return 0


def cmd_requests_history(ctx: Context, args: argparse.Namespace) -> int:
    req = resolve_request(ctx.store, args.ref)
    steps = escalation.history(ctx.store, request_id=req.id)
    if args.json:
        emit(to_json([st.as_dict() for st in steps]))
        return 0
    emit(f"{req.number} ({tail(req.id)}): {number(req.quantity)} {req.unit} {req.resource_kind}")
    rows = [(show_time(st.at), st.text, st.by, one_line(st.note)) for st in steps]
    emit(table(("WHEN", "STEP", "BY", "NOTE"), rows))
    return 0


def cmd_requests_fill(ctx: Context, args: argparse.Namespace) -> int:
    req = resolve_request(ctx.store, args.ref)
    seen = seen_option.check(ctx.store, req, args.seen, escalation.UNIT_NAME)
    after = escalation.record_fill(
        ctx.store, actor=ctx.actor, request_id=req.id, filled=args.quantity, note=args.note,
        seen=seen.versions if seen else None,
    )  # fmt: skip
    emit(
        f"{after.number}: members filled {number(after.filled_quantity)} of "
        f"{number(after.quantity)} {after.unit}; {number(escalation.unfilled(after))} unfilled"
    )
    seen_option.report(ctx.store, seen)
    return 0


def cmd_requests_elevate(ctx: Context, args: argparse.Namespace) -> int:
    req = resolve_request(ctx.store, args.ref)
    seen = seen_option.check(ctx.store, req, args.seen, escalation.UNIT_NAME)
    after = escalation.elevate(
        ctx.store, actor=ctx.actor, request_id=req.id, ref=args.tracking, to=args.to,
        quantity=args.quantity, note=args.note, at=user_time(args.at),
        seen=seen.versions if seen else None,
    )  # fmt: skip
    emit(
        f"{after.number}: {number(after.elevated_quantity)} {after.unit} elevated to "
        f"{after.elevated_to}, tracking number {after.elevated_ref}"
    )
    seen_option.report(ctx.store, seen)
    return 0


def register(cmds: Commands) -> None:
    """`requests ...`."""
    rq = cmds.group("requests", "resource requests (ICS 213RR)")
    p = rq.command("add", cmd_requests_add, "record a resource request")
    p.add_argument("--kind", metavar="K", required=True, help="what is asked for")
    p.add_argument("--quantity", metavar="Q", required=True)
    p.add_argument("--unit", metavar="U", default="each")
    p.add_argument("--priority", metavar="P", default="routine", help="urgent, routine, low")
    p.add_argument("--needed-by", metavar="TIME")
    p.add_argument("--requester", metavar="ORG", help="requesting member (id, short name, key)")
    p.add_argument("--deliver-to", metavar="PLACE")
    p.add_argument("--type", dest="resource_type", metavar="TYPE", help="NIMS type, if any")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--status", metavar="S", default="submitted", help="draft or submitted")
    incident_option(p)
    p = rq.command("list", cmd_requests_list, "list resource requests", json=True)
    incident_option(p)
    p.add_argument("--status", metavar="S")
    p.add_argument("--priority", metavar="P")
    p = rq.command(
        "show", cmd_requests_show, "one request, with the versions to pass back as --seen",
        json=True,
    )  # fmt: skip
    p.add_argument("ref", metavar="REF", help="request number, id or id prefix")
    p = rq.command("set-status", cmd_requests_set_status, "move a request one step on")
    p.add_argument("ref", metavar="REF", help="request number, id or id prefix")
    p.add_argument("status", metavar="STATUS")
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--at", metavar="TIME", help="when it happened (default: now)")
    seen_option.add_option(p, "status")
    p = rq.command("history", cmd_requests_history, "status steps, fills and elevations", json=True)
    p.add_argument("ref", metavar="REF")
    p = rq.command("fill", cmd_requests_fill, "how much the members filled (in total)")
    p.add_argument("ref", metavar="REF", help="request number, id or id prefix")
    p.add_argument("quantity", metavar="QUANTITY")
    p.add_argument("--note", metavar="TEXT", help="who gave what (goes to the log)")
    seen_option.add_option(p, escalation.UNIT_NAME)
    p = rq.command("elevate", cmd_requests_elevate, "elevate the unfilled part to the state")
    p.add_argument("ref", metavar="REF", help="request number, id or id prefix")
    p.add_argument("--tracking", metavar="REF", required=True, help="the state's tracking number")
    p.add_argument("--to", metavar="WHO", default=escalation.DEFAULT_TO)
    p.add_argument("--quantity", metavar="Q", help="how much (default: all unfilled)")
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--at", metavar="TIME", help="when (default: now)")
    seen_option.add_option(p, escalation.UNIT_NAME)
