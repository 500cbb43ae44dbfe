"""CLI commands for incidents and their operational periods. Each calls one core service
and shows what it returns; the service does the checking, so the CLI and the GUI refuse
the same input."""

from __future__ import annotations

import argparse

from hcc_desktop.cli.context import (
    Context,
    emit,
    incident_of,
    resolve_ref,
)
from hcc_desktop.cli.fmt import (
    incident_dict,
    one_line,
    period_dict,
    show_time,
    table,
    tail,
    to_json,
    user_time,
)
from hcc_desktop.cli.registry import Commands, incident_option, positive
from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents
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


def register(cmds: Commands) -> None:
    """`incidents ...` and `periods ...`."""
    inc = cmds.group("incidents", "incidents and exercises")
    inc.command("list", cmd_incidents_list, "list incidents", json=True)
    p = inc.command("create", cmd_incidents_create, "create an incident and make it current")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--type", metavar="T", required=True, help="e.g. hurricane, cyber, other")
    p.add_argument("--exercise", action="store_true", help="an exercise, not a real event")
    p.add_argument("--start", metavar="TIME", help="when it started (default: now)")
    p.add_argument("--status", metavar="S", default="active", help="active, monitoring, closed")
    p.add_argument("--description", metavar="TEXT")
    p = inc.command("use", cmd_incidents_use, "make an incident the current one")
    p.add_argument("id", metavar="ID")

    per = cmds.group("periods", "operational periods of an incident")
    p = per.command("list", cmd_periods_list, "list periods", json=True)
    incident_option(p)
    p = per.command("add", cmd_periods_add, "add the next operational period")
    incident_option(p)
    p.add_argument("--start", metavar="TIME", help="default: end of the last period, or now")
    p.add_argument("--end", metavar="TIME", help="default: start + --hours")
    p.add_argument("--hours", metavar="H", type=float, default=12.0, help="length (default 12)")
    p.add_argument("--due", metavar="TIME", help="EEIs due (default: 2 hours in)")
    p.add_argument("--objectives", metavar="TEXT")
    p.add_argument("--number", metavar="N", type=positive, help="default: the next number")
