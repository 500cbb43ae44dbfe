"""CLI commands for the position roster of an incident (`roster list|holders|sign-in|
sign-out|remove`) and the 24/7 duty schedule (`duty list|add|update|remove`), whose
listing marks the gaps where nobody is on call."""

from __future__ import annotations

import argparse
from datetime import timedelta

from hcc_desktop.cli.context import Context, emit, incident_of, resolve_org
from hcc_desktop.cli.fmt import one_line, show_time, table, tail, to_json, user_time
from hcc_desktop.cli.registry import Commands, incident_option, positive
from hcc_desktop.core import models as m
from hcc_desktop.core.services import duty, roster
from hcc_desktop.core.timeutil import parse_iso, to_iso

# ------------------------------------------------------------------ roster


def _roster_table(rows: list[roster.Assignment]) -> str:
    body = [
        (tail(a.row.id), roster.position_label(a.row.position), a.row.person,
         one_line(a.organization, 30), a.row.phone, a.period or "",
         show_time(a.row.signed_in_at), show_time(a.row.signed_out_at) or "on duty")
        for a in rows
    ]  # fmt: skip
    heads = ("ID", "POSITION", "PERSON", "AGENCY", "PHONE", "OP", "SIGNED IN", "SIGNED OUT")
    return table(heads, body)


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    rows = roster.roster(ctx.store, incident_id=inc.id, period=args.period, on_duty=args.on_duty)
    if args.json:
        emit(to_json([a.as_dict() for a in rows]))
        return 0
    emit(_roster_table(rows))
    emit(f"{len(rows)} roster rows in {inc.name}, {sum(a.on_duty for a in rows)} on duty")
    return 0


def cmd_holders(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    rows = roster.holders(ctx.store, incident_id=inc.id, at=user_time(args.at))
    if args.json:
        emit(to_json([a.as_dict() for a in rows]))
        return 0
    emit(_roster_table(rows))
    duty_officers = [a.row.person for a in rows if a.row.position == "duty_officer"]
    emit(f"Duty officer: {', '.join(p or '' for p in duty_officers) or 'nobody signed in'}")
    return 0


def cmd_sign_in(ctx: Context, args: argparse.Namespace) -> int:
    inc = incident_of(ctx, args)
    org = resolve_org(ctx.store, args.agency, "organization") if args.agency else None
    rid = roster.sign_in(
        ctx.store, actor=ctx.actor, incident_id=inc.id, position=args.position,
        person=args.person, at=user_time(args.at), period=args.period,
        organization_id=org.id if org else None, phone=args.phone, email=args.email,
        notes=args.notes, relieve=args.relieve,
    )  # fmt: skip
    with ctx.store.read() as s:
        row = s.get_one(m.PositionAssignment, rid)
    emit(f"{row.person} signed in as {roster.position_label(row.position)} ({tail(rid)})")
    return 0


def cmd_sign_out(ctx: Context, args: argparse.Namespace) -> int:
    row = roster.sign_out(
        ctx.store, actor=ctx.actor, assignment_id=args.assignment, at=user_time(args.at)
    )
    emit(f"{row.person} signed out of {roster.position_label(row.position)}")
    return 0


def cmd_remove(ctx: Context, args: argparse.Namespace) -> int:
    roster.remove(ctx.store, actor=ctx.actor, assignment_id=args.assignment)
    emit(f"Roster row {args.assignment} removed (undo brings it back)")
    return 0


# ------------------------------------------------------------------ duty schedule


def cmd_duty_list(ctx: Context, args: argparse.Namespace) -> int:
    start = user_time(args.from_) or ctx.now()
    end = user_time(args.to) or to_iso(parse_iso(start) + timedelta(days=args.days))
    slots = duty.schedule(ctx.store, start=start, end=end, role=args.role)
    if args.json:
        emit(to_json([dict(s.as_dict()) for s in slots]))
        return 0
    body = [
        (tail(s.shift.id) if s.shift else "", show_time(s.starts_at), show_time(s.ends_at),
         "GAP - nobody on call" if s.gap else (s.shift.person if s.shift else ""),
         s.shift.phone if s.shift else "", one_line(s.shift.notes, 30) if s.shift else "")
        for s in slots
    ]  # fmt: skip
    emit(table(("ID", "FROM", "TO", "ON CALL", "PHONE", "NOTES"), body))
    gaps = [s for s in slots if s.gap]
    emit(
        f"{len(slots) - len(gaps)} shifts, {len(gaps)} gaps, "
        f"{duty.role_label(args.role)}, {show_time(start)} to {show_time(end)}"
    )
    return 0


def cmd_duty_add(ctx: Context, args: argparse.Namespace) -> int:
    sid = duty.add_shift(
        ctx.store, actor=ctx.actor, person=args.person, starts_at=user_time(args.start),
        ends_at=user_time(args.end), role=args.role, phone=args.phone, email=args.email,
        notes=args.notes,
    )  # fmt: skip
    emit(f"Shift {tail(sid)} added: {args.person}, {args.start} to {args.end}")
    return 0


def cmd_duty_update(ctx: Context, args: argparse.Namespace) -> int:
    given = {
        "person": args.person, "role": args.role, "phone": args.phone, "email": args.email,
        "starts_at": user_time(args.start), "ends_at": user_time(args.end), "notes": args.notes,
    }  # fmt: skip
    changed = duty.update_shift(
        ctx.store, actor=ctx.actor, shift_id=args.shift,
        **{k: v for k, v in given.items() if v is not None},
    )  # fmt: skip
    emit(f"Shift {args.shift}: {', '.join(changed) + ' changed' if changed else 'nothing changed'}")
    return 0


def cmd_duty_remove(ctx: Context, args: argparse.Namespace) -> int:
    row = duty.remove_shift(ctx.store, actor=ctx.actor, shift_id=args.shift)
    emit(f"Shift of {row.person} removed (undo brings it back)")
    return 0


def _shift_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--start", metavar="TIME", required=adding, help="shift start (local time)")
    p.add_argument("--end", metavar="TIME", required=adding, help="shift end")
    p.add_argument("--phone", metavar="PHONE")
    p.add_argument("--email", metavar="EMAIL")
    p.add_argument("--notes", metavar="TEXT")


def register(cmds: Commands) -> None:
    """`roster ...` and `duty ...`."""
    group = cmds.group("roster", "who holds which position in an incident (sign in, sign out)")
    p = group.command("list", cmd_list, "the incident's roster, positions in ICS order", json=True)
    incident_option(p)
    p.add_argument("--period", metavar="N", type=positive, help="one operational period")
    p.add_argument("--on-duty", action="store_true", help="only those not signed out")
    p = group.command("holders", cmd_holders, "who holds positions now (or --at)", json=True)
    incident_option(p)
    p.add_argument("--at", metavar="TIME")
    p = group.command("sign-in", cmd_sign_in, "sign a person in to a position")
    p.add_argument("position", metavar="POSITION", help=", ".join(roster.POSITIONS))
    p.add_argument("person", metavar="PERSON")
    p.add_argument("--at", metavar="TIME", help="when (default: now)")
    p.add_argument("--period", metavar="N", help="operational period (default: the running one)")
    p.add_argument("--agency", metavar="MEMBER", help="home agency (a member)")
    p.add_argument("--phone", metavar="PHONE")
    p.add_argument("--email", metavar="EMAIL")
    p.add_argument("--notes", metavar="TEXT")
    p.add_argument(
        "--relieve", action="store_true", help="sign the current holder out at the same time"
    )
    incident_option(p)
    p = group.command("sign-out", cmd_sign_out, "sign a roster row out")
    p.add_argument("assignment", metavar="ROW", help="roster row id (or its end)")
    p.add_argument("--at", metavar="TIME", help="when (default: now)")
    p = group.command("remove", cmd_remove, "remove a roster row entered by mistake")
    p.add_argument("assignment", metavar="ROW")

    group = cmds.group("duty", "the 24/7 duty schedule outside incidents, gaps marked")
    p = group.command("list", cmd_duty_list, "shifts and gaps over a window", json=True)
    p.add_argument("--from", dest="from_", metavar="TIME", help="window start (default: now)")
    p.add_argument("--to", metavar="TIME", help="window end (default: --days after the start)")
    p.add_argument("--days", metavar="N", type=positive, default=7)
    p.add_argument("--role", metavar="ROLE", default="duty_officer", help=", ".join(duty.ROLES))
    p = group.command("add", cmd_duty_add, "add a shift")
    p.add_argument("person", metavar="PERSON")
    p.add_argument("--role", metavar="ROLE", default="duty_officer", help=", ".join(duty.ROLES))
    _shift_options(p, adding=True)
    p = group.command("update", cmd_duty_update, "change a shift")
    p.add_argument("shift", metavar="SHIFT", help="shift id (or its end)")
    p.add_argument("--person", metavar="PERSON")
    p.add_argument("--role", metavar="ROLE")
    _shift_options(p, adding=False)
    p = group.command("remove", cmd_duty_remove, "remove a shift")
    p.add_argument("shift", metavar="SHIFT")
