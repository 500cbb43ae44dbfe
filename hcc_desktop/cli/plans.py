"""CLI commands for the plans register (`plans list|add|update|remove|print`) and members'
essential functions (`plans functions list|add|update|remove`). "Overdue" is judged
against today's date in the operator's zone, on the store's clock."""

from __future__ import annotations

import argparse
import datetime as dt

from hcc_desktop.cli.context import (
    Context,
    emit,
    optional_choice,
    out_file,
    resolve_org,
    resolve_ref,
)
from hcc_desktop.cli.fmt import local_zone, one_line, table, tail, to_json
from hcc_desktop.cli.registry import Commands
from hcc_desktop.cli.reports import _pages, _paper, _paper_options
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import PLAN_TYPES
from hcc_desktop.core.services import continuity, organizations, plans
from hcc_desktop.reports.plans_register import build_plans_register


def today(ctx: Context) -> dt.date:
    return dt.datetime.fromtimestamp(ctx.store.wall() / 1000, tz=local_zone()).date()


# ------------------------------------------------------------------ plans


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    owner = resolve_org(ctx.store, args.member, "member") if args.member else None
    kind = optional_choice("type", args.type, PLAN_TYPES)
    rows = plans.plan_rows(
        ctx.store, today=today(ctx), owner_org_id=owner.id if owner else None, plan_type=kind
    )
    if args.overdue:
        rows = [r for r in rows if r.overdue]
    if args.json:
        emit(to_json([r.as_dict() for r in rows]))
        return 0
    body = [
        (tail(r.plan.id), one_line(r.plan.title, 45), r.plan.plan_type, one_line(r.owner, 35),
         r.plan.version, r.plan.approved_on, r.plan.review_due,
         r.review.upper() if r.overdue else r.review)
        for r in rows
    ]  # fmt: skip
    heads = ("ID", "TITLE", "TYPE", "OWNER", "VERSION", "APPROVED", "REVIEW DUE", "REVIEW")
    emit(table(heads, body))
    overdue = sum(1 for r in rows if r.overdue)
    emit(f"{len(rows)} plans, {overdue} overdue for review")
    return 0


def _plan_fields(ctx: Context, args: argparse.Namespace) -> dict[str, object]:
    given: dict[str, object] = {
        "title": getattr(args, "title", None), "plan_type": args.type, "version": args.version,
        "approved_on": args.approved, "review_due": args.review_due, "notes": args.notes,
    }  # fmt: skip
    if args.capability is not None:
        given["capabilities"] = args.capability
    if args.owner is not None:
        given["owner_org_id"] = resolve_org(ctx.store, args.owner, "owner").id
    return {k: v for k, v in given.items() if v is not None}


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    fields = _plan_fields(ctx, args)
    pid = plans.add_plan(ctx.store, actor=ctx.actor, **fields)
    emit(f"Plan {tail(pid)} added: {args.title}")
    return 0


def cmd_update(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_ref(ctx.store, m.Plan, args.plan, "plan")
    changed = plans.update_plan(ctx.store, actor=ctx.actor, plan_id=row.id,
                                **_plan_fields(ctx, args))  # fmt: skip
    emit(f"{row.title}: {', '.join(changed) + ' changed' if changed else 'nothing changed'}")
    return 0


def cmd_remove(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_ref(ctx.store, m.Plan, args.plan, "plan")
    plans.delete_plan(ctx.store, actor=ctx.actor, plan_id=row.id)
    emit(f"Plan {row.title} removed (undo brings it back)")
    return 0


# ------------------------------------------------------------------ essential functions


def cmd_functions_list(ctx: Context, args: argparse.Namespace) -> int:
    org = resolve_org(ctx.store, args.member, "member") if args.member else None
    rows = continuity.list_functions(ctx.store, organization_id=org.id if org else None)
    names = {o.id: o.name or "" for o in organizations.list_organizations(ctx.store)}
    if args.json:
        emit(to_json([
            {"id": f.id, "member_id": f.organization_id,
             "member": names.get(f.organization_id or ""), "name": f.name,
             "priority": f.priority, "rto_hours": f.rto_hours, "owner": f.owner,
             "notes": f.notes}
            for f in rows
        ]))  # fmt: skip
        return 0
    body = [
        (tail(f.id), one_line(names.get(f.organization_id or "", ""), 40), one_line(f.name, 45),
         f.priority, f"{f.rto_hours:g}" if f.rto_hours is not None else "", f.owner)
        for f in rows
    ]  # fmt: skip
    emit(table(("ID", "MEMBER", "FUNCTION", "PRIORITY", "RTO (H)", "OWNER"), body, right={3, 4}))
    emit(f"{len(rows)} essential functions")
    return 0


def cmd_functions_add(ctx: Context, args: argparse.Namespace) -> int:
    org = resolve_org(ctx.store, args.member, "member")
    fid = continuity.add_function(
        ctx.store, actor=ctx.actor, organization_id=org.id, name=args.name,
        priority=args.priority, rto_hours=args.rto, owner=args.owner, notes=args.notes,
    )  # fmt: skip
    emit(f"Essential function {tail(fid)} added to {org.name}: {args.name}")
    return 0


def cmd_functions_update(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_ref(ctx.store, m.EssentialFunction, args.function, "function")
    given = {"priority": args.priority, "rto_hours": args.rto, "owner": args.owner,
             "notes": args.notes}  # fmt: skip
    changed = continuity.update_function(
        ctx.store, actor=ctx.actor, function_id=row.id,
        **{k: v for k, v in given.items() if v is not None},
    )  # fmt: skip
    emit(f"{row.name}: {', '.join(changed) + ' changed' if changed else 'nothing changed'}")
    return 0


def cmd_functions_remove(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_ref(ctx.store, m.EssentialFunction, args.function, "function")
    continuity.delete_function(ctx.store, actor=ctx.actor, function_id=row.id)
    emit(f"Essential function {row.name} removed (undo brings it back)")
    return 0


def cmd_print(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    result = build_plans_register(
        ctx.store, out, paper=_paper(args), prepared_by=ctx.actor,
        today=today(ctx), zone=local_zone(),
    )  # fmt: skip
    emit(f"Wrote {result.path}: plans register, {_pages(result.pages)}")
    return 0


def _plan_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--type", metavar="T", required=adding, help=", ".join(PLAN_TYPES))
    p.add_argument("--owner", metavar="MEMBER", required=adding, help="the member that owns it")
    p.add_argument("--version", metavar="V", help="edition, e.g. 3.1")
    p.add_argument("--approved", metavar="DATE", help="approved on, e.g. 2026-05-14")
    p.add_argument("--review-due", metavar="DATE", help="next review due")
    p.add_argument("--capability", metavar="N,...", help="ASPR capabilities it serves: 1-4")
    p.add_argument("--notes", metavar="TEXT")


def _function_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--priority", metavar="1-5", required=adding, help="1 = most critical")
    p.add_argument("--rto", metavar="HOURS", required=adding, help="recovery time objective")
    p.add_argument("--owner", metavar="WHO", help="department or role that owns it")
    p.add_argument("--notes", metavar="TEXT")


def register(cmds: Commands) -> None:
    """`plans list|add|update|remove` and `plans functions list|add|update|remove`."""
    group = cmds.group("plans", "the plans register and members' essential functions")
    p = group.command("list", cmd_list, "plans, overdue reviews first", json=True)
    p.add_argument("--member", metavar="MEMBER", help="plans one member owns")
    p.add_argument("--type", metavar="T", help=", ".join(PLAN_TYPES))
    p.add_argument("--overdue", action="store_true", help="only plans overdue for review")
    p = group.command("add", cmd_add, "add a plan to the register")
    p.add_argument("title", metavar="TITLE")
    _plan_options(p, adding=True)
    p = group.command("update", cmd_update, "change a plan (a new edition: --version ...)")
    p.add_argument("plan", metavar="PLAN", help="plan id (or its end)")
    p.add_argument("--title", metavar="TITLE")
    _plan_options(p, adding=False)
    p = group.command("remove", cmd_remove, "remove a plan from the register")
    p.add_argument("plan", metavar="PLAN")
    p = group.command("print", cmd_print, "the register and essential functions as a PDF")
    p.add_argument("out", metavar="OUT.pdf")
    _paper_options(p)

    functions = group.group("functions", "members' essential functions (continuity)")
    p = functions.command("list", cmd_functions_list, "essential functions", json=True)
    p.add_argument("--member", metavar="MEMBER")
    p = functions.command("add", cmd_functions_add, "add a member's essential function")
    p.add_argument("member", metavar="MEMBER")
    p.add_argument("name", metavar="NAME", help='e.g. "Emergency department"')
    _function_options(p, adding=True)
    p = functions.command("update", cmd_functions_update, "change an essential function")
    p.add_argument("function", metavar="FUNCTION", help="id (or its end)")
    _function_options(p, adding=False)
    p = functions.command("remove", cmd_functions_remove, "remove an essential function")
    p.add_argument("function", metavar="FUNCTION")
