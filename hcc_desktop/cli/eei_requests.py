"""CLI commands for EEI requests (`eei-requests issue|list|show|update|close|remind|
report`): ask partners for EEIs by a due time, see each partner's line, chase the
late ones, and print or export the HPP-PHEP 6.1 measure. Times without a zone are the
station's local time, like every other command."""

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
from hcc_desktop.core.enums import MEMBER_TYPES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei_requests as svc
from hcc_desktop.interop.tabular import write_table
from hcc_desktop.reports.coordination import build_hpp_report


def _split(values: list[str] | None) -> list[str]:
    return [p.strip() for v in values or [] for p in v.split(",") if p.strip()]


def _targets(ctx: Context, args: argparse.Namespace) -> dict[str, list[str]] | None:
    if args.type is None and args.region is None and args.member is None:
        return None
    members = [resolve_org(ctx.store, ref, "members").id for ref in _split(args.member)]
    return {"types": _split(args.type), "regions": _split(args.region), "members": members}


def cmd_issue(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    targets = _targets(ctx, args)
    if targets is None:
        raise ValidationError("targets", "name the partners: --type, --region or --member")
    rid = svc.issue_request(
        ctx.store, actor=ctx.actor, incident_id=inc.id, title=args.title,
        elements=_split(args.elements), targets=targets, due_at=user_time(args.due) or "",
        repeat=args.repeat, repeat_hours=args.every, context=args.context, notes=args.notes,
        channel=args.channel or "", issued_at=user_time(args.issued), send=not args.no_send,
    )  # fmt: skip
    st = svc.request_status(ctx.store, rid)
    emit(f"EEI request {tail(rid)} issued in {incident_label(inc)}: {args.title}; "
         f"{len(st.lines)} partners, due {show_time(st.request.due_at)}")  # fmt: skip
    return 0


def _line(st: svc.RequestStatus) -> tuple[str, ...]:
    r = st.request
    c = st.counts()
    repeat = {"once": "once", "period": "each period"}.get(r.repeat or "") or f"{r.repeat_hours} h"
    return (tail(r.id), one_line(r.title, 40), show_time(st.current.due_at), repeat,
            r.status or "", str(len(st.lines)), str(c["on_time"]), str(c["late"]),
            str(c["missing"]), str(c["sent"] + c["not_sent"]))  # fmt: skip


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    rows = svc.statuses(ctx.store, incident_id=inc.id)
    if args.status:
        rows = [r for r in rows if r.request.status == args.status]
    if args.json:
        emit(to_json([
            {**svc.request_dict(r.request), "round": r.current.number,
             "round_due_at": r.current.due_at, "counts": r.counts()}
            for r in rows
        ]))  # fmt: skip
        return 0
    heads = ("ID", "TITLE", "DUE (ROUND)", "REPEAT", "STATUS", "PARTNERS", "ON TIME", "LATE",
             "MISSING", "OWING")  # fmt: skip
    emit(table(heads, [_line(r) for r in rows], right={5, 6, 7, 8, 9}))
    emit(f"{len(rows)} EEI requests in {incident_label(inc)}")
    return 0


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    st = svc.request_status(ctx.store, args.request, now=user_time(args.at))
    if args.json:
        emit(to_json(st.as_dict()))
        return 0
    r = st.request
    emit(f"{r.title} ({tail(r.id)}) · {r.status} · {svc.CONTEXTS.get(r.context or '', '')}")
    emit(f"Elements: {', '.join(r.elements or [])}")
    emit(f"Round {st.current.number}: opened {show_time(st.current.opens_at)}, "
         f"due {show_time(st.current.due_at)}")  # fmt: skip
    body = [
        (one_line(ln.name, 36), svc.STATES[ln.state], show_time(ln.reported_at),
         f"{len(ln.elements_reported)}/{len(ln.elements_due)}", _number(ln))
        for ln in st.lines
    ]  # fmt: skip
    emit(table(("PARTNER", "STATE", "REPORTED", "ELEMENTS", "24/7"), body))
    c = st.counts()
    emit(", ".join(f"{n} {svc.STATES[k].lower()}" for k, n in c.items() if n))
    if st.reminders:
        emit("To call: " + "; ".join(f"{ln.name} {_number(ln)}" for ln in st.reminders))
    return 0


def _number(ln: svc.Line) -> str:
    """The partner's 24/7 line, else its first 24/7 contact's."""
    return ln.phone_24_7 or (ln.contacts[0].phone if ln.contacts else "(no 24/7 number)")


def cmd_update(ctx: Context, args: argparse.Namespace) -> int:
    st = svc.request_status(ctx.store, args.request)
    given: dict[str, object] = {
        "title": args.title, "notes": args.notes, "context": args.context,
        "repeat": args.repeat, "repeat_hours": args.every, "due_at": user_time(args.due),
    }  # fmt: skip
    if args.elements is not None:
        given["elements"] = _split(args.elements)
    targets = _targets(ctx, args)
    if targets is not None:
        given["targets"] = targets
    changed = svc.update_request(ctx.store, actor=ctx.actor, request_id=st.request.id,
                                 **{k: v for k, v in given.items() if v is not None})  # fmt: skip
    emit(f"EEI request {tail(st.request.id)}: "
         f"{', '.join(changed) + ' changed' if changed else 'nothing changed'}")  # fmt: skip
    return 0


def cmd_close(ctx: Context, args: argparse.Namespace) -> int:
    status = "cancelled" if args.cancelled else "open" if args.reopen else "closed"
    st = svc.request_status(ctx.store, args.request)
    done = svc.set_status(ctx.store, actor=ctx.actor, request_id=st.request.id, status=status)
    emit(f"EEI request {tail(st.request.id)} {status if done else 'was already ' + status}")
    return 0


def cmd_remind(ctx: Context, args: argparse.Namespace) -> int:
    st = svc.request_status(ctx.store, args.request)
    orgs = [resolve_org(ctx.store, ref, "members").id for ref in _split(args.member)]
    mid = svc.remind(ctx.store, actor=ctx.actor, request_id=st.request.id,
                     organization_ids=orgs or None, channel=args.channel,
                     note=args.note or "")  # fmt: skip
    emit(f"Reminder {tail(mid)} logged for {st.request.title}")
    return 0


def cmd_report(ctx: Context, args: argparse.Namespace) -> int:
    xlsx = out_file(args.xlsx, "xlsx") if args.xlsx else None
    pdf = out_file(args.pdf, "pdf") if args.pdf else None
    inc = incident_of(ctx, args)
    rid = svc.request_status(ctx.store, args.request).request.id if args.request else None
    now = user_time(args.at)
    rep = svc.hpp_report(ctx.store, incident_id=inc.id, request_id=rid, now=now)
    if xlsx is not None:
        n = write_table(xlsx, svc.HPP_HEADERS, svc.hpp_rows(rep))
        emit(f"Wrote {args.xlsx}: {n} rows")
    if pdf is not None:
        result = build_hpp_report(
            ctx.store, pdf, incident_id=inc.id, request_id=rid, paper=_paper(args),
            prepared_by=ctx.actor, zone=local_zone(), now=now,
        )  # fmt: skip
        emit(f"Wrote {result.path}: HPP-PHEP 6.1, {_pages(result.pages)}")
    if args.json:
        emit(to_json(rep.as_dict()))
        return 0
    if args.xlsx or args.pdf:
        return 0
    body = [(kind, str(g.numerator), str(g.denominator), str(g.late), str(g.missing),
             f"{g.percent:.0f}%" if g.percent is not None else "-")
            for kind, g in [*rep.by_partner_type.items(), ("All partners", rep.total)]]  # fmt: skip
    emit(f"HPP-PHEP 6.1 for {incident_label(inc)}")
    if rep.total.percent is not None:
        emit(f"{rep.responses_line()} ({rep.total.percent:.0f}%)")
    emit(table(("PARTNER TYPE", "NUMERATOR", "DENOMINATOR", "LATE", "MISSING", "PERCENT"),
               body, right={1, 2, 3, 4, 5}))  # fmt: skip
    for key, g in rep.by_context.items():
        emit(f"{svc.CONTEXTS[key]}: {g.numerator}/{g.denominator}")
    return 0


def _ask_options(p: argparse.ArgumentParser, *, issuing: bool) -> None:
    p.add_argument("--elements", metavar="CODES", action="append", required=issuing,
                   help="EEI element codes, comma-separated (see `eei elements`)")  # fmt: skip
    p.add_argument("--type", metavar="TYPES", action="append",
                   help="partner member types: " + ", ".join(MEMBER_TYPES))  # fmt: skip
    p.add_argument("--region", metavar="REGIONS", action="append", help="region keys or ids")
    p.add_argument("--member", metavar="MEMBERS", action="append", help="named members")
    p.add_argument("--due", metavar="TIME", required=issuing, help="report by (local time)")
    p.add_argument("--repeat", metavar="R", default="once" if issuing else None,
                   help="once, period (every operational period) or hours")  # fmt: skip
    p.add_argument("--every", metavar="HOURS", help="with --repeat hours: every N hours")
    p.add_argument("--context", metavar="C", help=", ".join(svc.CONTEXTS))
    p.add_argument("--notes", metavar="TEXT")


def register(cmds: Commands) -> None:
    """`eei-requests issue|list|show|update|close|remind|report`."""
    group = cmds.group("eei-requests", "ask partners for EEIs by a due time; HPP-PHEP 6.1")
    p = group.command("issue", cmd_issue, "issue a request and log it as sent to its partners")
    p.add_argument("title", metavar="TITLE")
    _ask_options(p, issuing=True)
    p.add_argument("--channel", metavar="C", help="how it went out: email, phone, portal...")
    p.add_argument("--issued", metavar="TIME", help="when it went out (default: now)")
    p.add_argument("--no-send", action="store_true", help="record it without logging a message")
    incident_option(p)
    p = group.command("list", cmd_list, "requests with their partners' counts", json=True)
    p.add_argument("--status", choices=svc.STATUSES)
    incident_option(p)
    p = group.command("show", cmd_show, "each partner's line and who to call", json=True)
    p.add_argument("request", metavar="REQUEST")
    p.add_argument("--at", metavar="TIME", help="as it stood at this time (default: now)")
    p = group.command("update", cmd_update, "change an open request")
    p.add_argument("request", metavar="REQUEST")
    p.add_argument("--title", metavar="TEXT")
    _ask_options(p, issuing=False)
    p = group.command("close", cmd_close, "close a request (no more rounds), or cancel it")
    p.add_argument("request", metavar="REQUEST")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--cancelled", action="store_true", help="cancelled: left out of 6.1")
    g.add_argument("--reopen", action="store_true", help="open it again")
    p = group.command("remind", cmd_remind, "log a reminder to partners still owing")
    p.add_argument("request", metavar="REQUEST")
    p.add_argument("--member", metavar="MEMBERS", action="append",
                   help="only these partners (default: all still owing)")  # fmt: skip
    p.add_argument("--channel", metavar="C", default="phone")
    p.add_argument("--note", metavar="TEXT")
    p = group.command("report", cmd_report, "HPP-PHEP 6.1 for the incident", json=True)
    p.add_argument("--request", metavar="REQUEST", help="one request only")
    p.add_argument("--at", metavar="TIME", help="as it stood at this time (default: now)")
    p.add_argument("--xlsx", metavar="FILE", help="also write the table (.xlsx or .csv)")
    p.add_argument("--pdf", metavar="FILE", help="also write the PDF page")
    _paper_options(p)
    incident_option(p)
