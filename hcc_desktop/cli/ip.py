"""CLI commands for the improvement plan (`ip list|add|update|close`): corrective
actions tracked to closure, "overdue" judged against today's date in the operator's
zone, on the store's clock (as `plans list` judges reviews)."""

from __future__ import annotations

import argparse

from hcc_desktop.cli.aar import resolve_aar
from hcc_desktop.cli.context import Context, emit, optional_choice, resolve_org, resolve_ref
from hcc_desktop.cli.fmt import one_line, table, tail, to_json
from hcc_desktop.cli.plans import today
from hcc_desktop.cli.registry import Commands
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import ACTION_STATUSES, CAPABILITY_ELEMENTS
from hcc_desktop.core.services import improvement


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    report = resolve_aar(ctx.store, args.aar) if args.aar else None
    owner = resolve_org(ctx.store, args.member, "member") if args.member else None
    status = optional_choice("status", args.status, ACTION_STATUSES)
    rows = improvement.action_rows(
        ctx.store, today=today(ctx), aar_id=report.id if report else None,
        owner_org_id=owner.id if owner else None, status=status,
    )  # fmt: skip
    if args.overdue:
        rows = [r for r in rows if r.overdue]
    if args.json:
        emit(to_json([r.as_dict() for r in rows]))
        return 0
    body = [
        (tail(r.action.id), r.action.capability, one_line(r.action.action, 45),
         r.action.element or "", one_line(r.owner, 30), r.action.due_on or "",
         f"OVERDUE ({r.action.status})" if r.overdue else r.action.status)
        for r in rows
    ]  # fmt: skip
    emit(table(("ID", "CAP", "ACTION", "ELEMENT", "OWNER", "DUE", "STATUS"), body))
    emit(f"{len(rows)} corrective actions, {sum(r.is_open for r in rows)} open, "
         f"{sum(r.overdue for r in rows)} overdue")  # fmt: skip
    return 0


def _fields(ctx: Context, args: argparse.Namespace) -> dict[str, object]:
    given: dict[str, object] = {
        "action": getattr(args, "action", None) or getattr(args, "text", None),
        "capability": args.capability, "element": args.element, "poc": args.poc,
        "starts_on": args.start, "due_on": args.due, "notes": args.notes, "issue": args.issue,
    }  # fmt: skip
    if args.owner is not None:
        given["owner_org_id"] = resolve_org(ctx.store, args.owner, "owner").id
    if args.aar is not None:
        given["aar_id"] = resolve_aar(ctx.store, args.aar).id
    if args.finding is not None:
        given["finding_id"] = resolve_ref(ctx.store, m.AarFinding, args.finding, "finding").id
    return {k: v for k, v in given.items() if v is not None}


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    aid = improvement.add_action(ctx.store, actor=ctx.actor, **_fields(ctx, args))
    emit(f"Corrective action {tail(aid)} added")
    return 0


def cmd_update(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_ref(ctx.store, m.CorrectiveAction, args.id, "action")
    changed = improvement.update_action(ctx.store, actor=ctx.actor, action_id=row.id,
                                        **_fields(ctx, args))  # fmt: skip
    if args.status is not None and improvement.set_status(
        ctx.store, actor=ctx.actor, action_id=row.id, status=args.status, note=args.note
    ):
        changed.append("status")
    emit(f"Corrective action {tail(row.id)}: "
         f"{', '.join(changed) + ' changed' if changed else 'nothing changed'}")  # fmt: skip
    return 0


def cmd_close(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_ref(ctx.store, m.CorrectiveAction, args.id, "action")
    status = "cancelled" if args.cancelled else "complete"
    improvement.set_status(ctx.store, actor=ctx.actor, action_id=row.id, status=status,
                           note=args.note)  # fmt: skip
    emit(f"Corrective action {tail(row.id)} {status}")
    return 0


def _options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--capability", metavar="REF", required=adding,
                   help="ASPR capability or objective: 2 or 2.2")  # fmt: skip
    p.add_argument("--owner", metavar="MEMBER", required=adding, help="responsible member")
    p.add_argument("--aar", metavar="AAR", help="the after-action report it belongs to")
    p.add_argument("--finding", metavar="FINDING", help="the area for improvement it answers")
    p.add_argument("--issue", metavar="TEXT", help="the issue, in words (default: the finding's)")
    p.add_argument("--element", metavar="E", help=", ".join(CAPABILITY_ELEMENTS))
    p.add_argument("--poc", metavar="NAME", help="the owner's point of contact")
    p.add_argument("--start", metavar="DATE")
    p.add_argument("--due", metavar="DATE", help="completion date")
    p.add_argument("--notes", metavar="TEXT")


def register(cmds: Commands) -> None:
    """`ip list|add|update|close`."""
    group = cmds.group("ip", "the improvement plan: corrective actions tracked to closure")
    p = group.command("list", cmd_list, "corrective actions, overdue first", json=True)
    p.add_argument("--overdue", action="store_true", help="only open actions past due")
    p.add_argument("--aar", metavar="AAR", help="of one after-action report")
    p.add_argument("--member", metavar="MEMBER", help="one member's")
    p.add_argument("--status", metavar="S", help=", ".join(ACTION_STATUSES))
    p = group.command("add", cmd_add, "add a corrective action")
    p.add_argument("text", metavar="ACTION", help="what will be done")
    _options(p, adding=True)
    p = group.command("update", cmd_update, "change a corrective action or its status")
    p.add_argument("id", metavar="ACTION", help="action id (or its end)")
    p.add_argument("--action", metavar="TEXT", help="what will be done")
    _options(p, adding=False)
    p.add_argument("--status", metavar="S", help=", ".join(ACTION_STATUSES))
    p.add_argument("--note", metavar="TEXT", help="why (goes with the status)")
    p = group.command("close", cmd_close, "mark a corrective action complete (or cancelled)")
    p.add_argument("id", metavar="ACTION")
    p.add_argument("--cancelled", action="store_true", help="cancelled rather than complete")
    p.add_argument("--note", metavar="TEXT")
