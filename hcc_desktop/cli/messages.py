"""CLI commands for the communications log (`messages list|add|show|ack|print`): what
the coalition sent to whom and when, what came in, and who acknowledged; printable as
the ICS 205A-style communications list or the outbound-messages list."""

from __future__ import annotations

import argparse

from hcc_desktop.cli.context import (
    Context,
    emit,
    incident_label,
    incident_of,
    out_file,
    resolve_org,
)
from hcc_desktop.cli.fmt import local_zone, one_line, show_time, table, tail, to_json, user_time
from hcc_desktop.cli.registry import Commands, incident_option
from hcc_desktop.cli.reports import _pages, _paper, _paper_options
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import messages as svc
from hcc_desktop.reports.coordination import build_ics205a, build_outbound_list


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    rows = svc.list_messages(ctx.store, incident_id=inc.id, direction=args.direction,
                             kind=args.kind, since=user_time(args.since))  # fmt: skip
    if args.unacknowledged:
        rows = [r for r in rows if r.message.direction == "out" and r.awaiting]
    if args.json:
        emit(to_json([r.as_dict() for r in rows]))
        return 0
    body = [
        (tail(r.message.id), show_time(r.message.sent_at), r.message.direction or "",
         r.message.kind or "", one_line(r.message.subject, 40), r.message.channel or "",
         f"{len(r.recipients) - len(r.awaiting)}/{len(r.recipients)}" if r.recipients else "")
        for r in rows
    ]  # fmt: skip
    emit(table(("ID", "SENT", "DIR", "KIND", "SUBJECT", "CHANNEL", "ACKED"), body))
    emit(f"{len(rows)} messages in {incident_label(inc)}")
    return 0


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    recipients = []
    for ref in [p.strip() for v in args.to or [] for p in v.split(",") if p.strip()]:
        try:
            recipients.append(resolve_org(ctx.store, ref, "recipients").id)
        except ValidationError:
            recipients.append(ref)  # a person or address, not a member
    mid = svc.record_message(
        ctx.store, actor=ctx.actor, direction=args.direction, kind=args.kind,
        subject=args.subject, body=args.body or "", channel=args.channel or "",
        recipients=recipients, sender=args.sender or "", sent_at=user_time(args.at),
        external_id=args.external_id, incident_id=inc.id,
    )  # fmt: skip
    emit(f"Message {tail(mid)} logged in {incident_label(inc)}: {args.subject}")
    return 0


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    row = svc.message_row(ctx.store, args.message)
    if args.json:
        emit(to_json(row.as_dict()))
        return 0
    msg = row.message
    emit(f"{msg.subject} ({tail(msg.id)})")
    emit(f"{svc.DIRECTIONS.get(msg.direction or '', '')} {msg.kind} · {msg.channel or ''} · "
         f"{show_time(msg.sent_at)} · from {msg.sender or ''}")  # fmt: skip
    if msg.body:
        emit(msg.body)
    body = [(one_line(r.name, 40), show_time(r.acknowledged_at) or "awaiting")
            for r in row.recipients]  # fmt: skip
    if body:
        emit(table(("RECIPIENT", "ACKNOWLEDGED"), body))
    return 0


def cmd_ack(ctx: Context, args: argparse.Namespace) -> int:
    org_id = None
    who = args.by
    try:
        org_id = resolve_org(ctx.store, args.by, "organization").id
        who = None
    except ValidationError:
        pass
    svc.acknowledge(ctx.store, actor=ctx.actor, message_id=args.message, organization_id=org_id,
                    recipient=who, acknowledged_at=user_time(args.at),
                    channel=args.channel or "", note=args.note or "")  # fmt: skip
    emit(f"Acknowledgement by {args.by} recorded")
    return 0


def cmd_print(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    inc = incident_of(ctx, args)
    build = build_ics205a if args.form == "ics205a" else build_outbound_list
    result = build(ctx.store, out, incident_id=inc.id, paper=_paper(args),
                   prepared_by=ctx.actor, zone=local_zone())  # fmt: skip
    emit(f"Wrote {result.path}: {result.title}, {_pages(result.pages)}")
    return 0


def register(cmds: Commands) -> None:
    """`messages list|add|show|ack|print`."""
    group = cmds.group("messages", "the communications log: messages sent and received")
    p = group.command("list", cmd_list, "messages of the incident, newest first", json=True)
    p.add_argument("--direction", choices=tuple(svc.DIRECTIONS))
    p.add_argument("--kind", metavar="K", help=", ".join(svc.MESSAGE_KINDS))
    p.add_argument("--since", metavar="TIME")
    p.add_argument("--unacknowledged", action="store_true",
                   help="only outbound messages some recipient has not acknowledged")  # fmt: skip
    incident_option(p)
    p = group.command("add", cmd_add, "log a message sent or received")
    p.add_argument("subject", metavar="SUBJECT")
    p.add_argument("--direction", default="out", help="out (sent, default) or in (received)")
    p.add_argument("--kind", default="other", help=", ".join(svc.MESSAGE_KINDS))
    p.add_argument("--body", metavar="TEXT")
    p.add_argument("--channel", metavar="C", help=", ".join(svc.CHANNELS))
    p.add_argument("--to", metavar="RECIPIENTS", action="append",
                   help="members (name, short name or id) or people, comma-separated")  # fmt: skip
    p.add_argument("--sender", metavar="NAME", help="who sent it (default for outbound: here)")
    p.add_argument("--at", metavar="TIME", help="when it was sent (default: now)")
    p.add_argument("--external-id", metavar="ID", help="the id another system gave it")
    incident_option(p)
    p = group.command("show", cmd_show, "one message with its recipients", json=True)
    p.add_argument("message", metavar="MESSAGE")
    p = group.command("ack", cmd_ack, "record a recipient's acknowledgement")
    p.add_argument("message", metavar="MESSAGE")
    p.add_argument("--by", metavar="WHO", required=True, help="the member or the person")
    p.add_argument("--at", metavar="TIME", help="when (default: now)")
    p.add_argument("--channel", metavar="C")
    p.add_argument("--note", metavar="TEXT")
    p = group.command("print", cmd_print, "ICS 205A communications list or outbound list PDF")
    p.add_argument("form", choices=("ics205a", "outbound"))
    p.add_argument("out", metavar="FILE.pdf")
    _paper_options(p)
    incident_option(p)
