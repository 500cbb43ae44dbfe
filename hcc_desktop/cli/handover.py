"""CLI commands for the shift handover (`handover show|prepare|ack|list|print`): the
report as of now, stored as a snapshot when prepared, acknowledged by the incoming
officer (which writes to the incident log), printed as a PDF."""

from __future__ import annotations

import argparse
from typing import Any

from hcc_desktop.cli.context import Context, emit, incident_of, out_file
from hcc_desktop.cli.fmt import local_zone, one_line, show_time, table, tail, to_json, user_time
from hcc_desktop.cli.registry import Commands, incident_option
from hcc_desktop.cli.reports import _pages, _paper, _paper_options
from hcc_desktop.core.services import handover
from hcc_desktop.reports.handover_report import build_handover_report


def _summary(report: dict[str, Any]) -> str:
    n = handover.counts(report)
    return (
        f"{n['requests_open']} open requests ({n['requests_overdue']} overdue), "
        f"{n['requests_changed']} changed, {n['eei_overdue']} periods with EEIs overdue, "
        f"{n['events']} significant events, {n['conflicts']} conflicts, {n['not_sent']} "
        f"changes not yet sent, {n['alerts']} open alerts, {n['duty_gaps']} duty gaps"
    )


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    report = handover.build_report(ctx.store, incident_id=inc.id, since=user_time(args.since))
    if args.json:
        emit(to_json(report))
        return 0
    emit(f"Handover, {inc.name}: as of {show_time(report['now'])}, "
         f"changes since {show_time(report['since']) or 'the start'}")  # fmt: skip
    emit(_summary(report))
    sections: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]] = [
        ("positions", ("POSITION", "PERSON", "PHONE", "SINCE"),
         [(p["position"], p["person"], p["phone"], show_time(p["since"]))
          for p in report["positions"]]),
        ("requests_open", ("REQUEST", "RESOURCE", "STATUS", "PRIORITY", "NEEDED BY", "ESCALATION"),
         [(r["number"], one_line(r["resource"], 30), r["status"], r["priority"],
           show_time(r["needed_by"]) + ("  OVERDUE" if r["overdue"] else ""),
           f"{r['elevated']:g} to {r['elevated_to']} ({r['elevated_ref']})"
           if r["elevated"] else "")
          for r in report["requests_open"]]),
        ("requests_changed", ("REQUEST", "NOW", "WHAT CHANGED"),
         [(r["number"], r["status"], one_line("; ".join(r["changes"]), 80))
          for r in report["requests_changed"]]),
        ("eei_overdue", ("PERIOD", "DUE", "NOT REPORTED"),
         [(p["period"], show_time(p["due_at"]), one_line(", ".join(p["missing"]), 80))
          for p in report["eei_overdue"]]),
        ("events", ("WHEN", "EVENT", "STATE"),
         [(show_time(e["at"]), one_line(e["text"], 70), e["state"]) for e in report["events"]]),
        ("conflicts", ("RECORD", "FIELD"),
         [(f"{c['entity']} {c['record']}", c["field"]) for c in report["conflicts"]]),
        ("stations", ("STATION", "NOT YET SENT", "LAST RECEIVED"),
         [(s["station"], s["not_sent"], show_time(s["last_received"]) or "never")
          for s in report["stations"]]),
        ("alerts", ("ALERT", "SEVERITY", "EXPIRES"),
         [(one_line(a["headline"], 60), a["severity"], show_time(a["expires"]))
          for a in report["alerts"]]),
        ("duty_gaps", ("FROM", "TO"),
         [(show_time(g["starts_at"]), show_time(g["ends_at"])) for g in report["duty_gaps"]]),
    ]  # fmt: skip
    for key, heads, rows in sections:
        emit("")
        emit(f"{handover.SECTIONS[key]}: {len(rows) or 'none'}")
        if rows:
            emit(table(heads, rows))
    return 0


def cmd_prepare(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    hid = handover.prepare(
        ctx.store, actor=ctx.actor, incident_id=inc.id, incoming=args.incoming,
        notes=args.notes, since=user_time(args.since),
    )  # fmt: skip
    h = handover.get_handover(ctx.store, hid)
    emit(f"Handover {tail(hid)} prepared for {h.incoming or 'the incoming officer'}: "
         f"{_summary(h.content)}")  # fmt: skip
    return 0


def cmd_ack(ctx: Context, args: argparse.Namespace) -> int:
    h = handover.acknowledge(
        ctx.store, actor=ctx.actor, handover_id=args.handover, by=args.by, note=args.note,
        at=user_time(args.at),
    )  # fmt: skip
    emit(f"Handover {tail(h.id)} acknowledged by {h.acknowledged_by}; written to the log")
    return 0


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    rows = handover.list_handovers(ctx.store, incident_id=inc.id)
    if args.json:
        emit(to_json([handover.handover_dict(h) for h in rows]))
        return 0
    body = [
        (tail(h.id), show_time(h.prepared_at), h.prepared_by, h.incoming,
         f"{h.acknowledged_by}, {show_time(h.acknowledged_at)}" if h.acknowledged_at
         else "NOT ACKNOWLEDGED")
        for h in rows
    ]  # fmt: skip
    emit(table(("ID", "PREPARED", "BY", "TO", "ACKNOWLEDGED"), body))
    emit(f"{len(rows)} handovers in {inc.name}")
    return 0


def cmd_print(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    if args.handover:
        h = handover.get_handover(ctx.store, args.handover)
        report, record = h.content or {}, handover.handover_dict(h)
    else:
        inc = incident_of(ctx, args)
        report, record = handover.build_report(ctx.store, incident_id=inc.id), None
    result = build_handover_report(
        ctx.store, out, report=report, record=record, paper=_paper(args),
        prepared_by=ctx.actor, zone=local_zone(),
    )  # fmt: skip
    what = f"handover {tail(record['id'])}" if record else "handover preview"
    emit(f"Wrote {result.path}: {what}, {_pages(result.pages)}")
    return 0


def register(cmds: Commands) -> None:
    """`handover ...`."""
    group = cmds.group("handover", "shift handover: report, prepare, acknowledge, print")
    p = group.command("show", cmd_show, "the handover report as of now", json=True)
    incident_option(p)
    p.add_argument("--since", metavar="TIME", help="changes since (default: the last handover)")
    p = group.command("prepare", cmd_prepare, "store the report as handed over")
    incident_option(p)
    p.add_argument("--incoming", metavar="NAME", help="the incoming officer")
    p.add_argument("--notes", metavar="TEXT", help="what the outgoing officer adds")
    p.add_argument("--since", metavar="TIME")
    p = group.command("ack", cmd_ack, "the incoming officer acknowledges (logged)")
    p.add_argument("handover", metavar="HANDOVER", help="handover id (or its end)")
    p.add_argument("--by", metavar="NAME", help="who acknowledges (default: --operator)")
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--at", metavar="TIME", help="when (default: now)")
    p = group.command("list", cmd_list, "handovers of the incident, newest first", json=True)
    incident_option(p)
    p = group.command("print", cmd_print, "the report (or a stored handover) as a PDF")
    p.add_argument("out", metavar="OUT.pdf")
    p.add_argument("--handover", metavar="HANDOVER", help="a stored handover (default: now)")
    incident_option(p)
    _paper_options(p)
