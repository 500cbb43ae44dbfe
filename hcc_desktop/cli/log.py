"""CLI commands for the incident log (ICS 214) and significant events."""

from __future__ import annotations

import argparse

from hcc_desktop.cli.context import (
    Context,
    emit,
    incident_of,
    optional_choice,
    org_names,
    resolve_org,
    resolve_ref,
)
from hcc_desktop.cli.fmt import (
    log_dict,
    one_line,
    show_time,
    table,
    tail,
    to_json,
    user_time,
)
from hcc_desktop.cli.registry import Commands, incident_option, positive
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import (
    LOG_CATEGORIES,
    LOG_PRIORITIES,
    SIGNIFICANT_STATES,
)
from hcc_desktop.core.services import log

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


def register(cmds: Commands) -> None:
    """`log ...`."""
    lg = cmds.group("log", "the incident log (ICS 214) and significant events")
    p = lg.command("add", cmd_log_add, "add a log entry")
    p.add_argument("text", metavar="TEXT")
    incident_option(p)
    p.add_argument("--category", metavar="C", default="general", help="e.g. situation, decision")
    p.add_argument("--priority", metavar="P", default="routine", help="routine, important, urgent")
    p.add_argument("--org", metavar="ID", help="the member it concerns (id, short name or key)")
    p.add_argument("--at", metavar="TIME", help="when it happened (default: now)")
    p = lg.command("list", cmd_log_list, "list log entries, oldest first", json=True)
    incident_option(p)
    p.add_argument("--limit", metavar="N", type=positive, help="only the N most recent")
    p.add_argument("--category", metavar="C")
    p.add_argument("--priority", metavar="P")
    p.add_argument("--significant", metavar="S", help="nominated, approved or declined")
    p.add_argument("--text", metavar="WORDS", help="entries containing WORDS")
    p = lg.command("nominate", cmd_log_nominate, "nominate an entry as a significant event")
    p.add_argument("id", metavar="ID")
    p.add_argument("--note", metavar="TEXT")
    p = lg.command("review", cmd_log_review, "approve or decline a nominated entry")
    p.add_argument("id", metavar="ID")
    verdict = p.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", dest="approve", action="store_true")
    verdict.add_argument("--decline", dest="approve", action="store_false")
    p.add_argument("--note", metavar="TEXT")
