"""CLI command for the capability dashboard (`capabilities`): per ASPR capability, the
plans current, exercises held in the last twelve months, open and overdue corrective
actions and members trained (derived from exercise participation; see
core/services/dashboard.py), judged on today's date in the operator's zone."""

from __future__ import annotations

import argparse
import datetime as dt

from hcc_desktop.cli.context import Context, emit
from hcc_desktop.cli.fmt import one_line, table, to_json
from hcc_desktop.cli.plans import today
from hcc_desktop.cli.registry import Commands
from hcc_desktop.core.services import dashboard
from hcc_desktop.core.timeutil import parse_date


def cmd_capabilities(ctx: Context, args: argparse.Namespace) -> int:
    day: dt.date = parse_date("as_of", args.as_of.strip()) if args.as_of else today(ctx)
    rows = dashboard.dashboard(ctx.store, today=day)
    if args.json:
        emit(to_json({"as_of": day.isoformat(), "capabilities": [r.as_dict() for r in rows]}))
        return 0
    body = [
        (r.capability, one_line(r.name, 48), f"{r.plans_current}/{r.plans}", r.plans_overdue,
         len(r.exercises), r.actions_open, r.actions_overdue, r.members_trained)
        for r in rows
    ]  # fmt: skip
    heads = ("CAP", "CAPABILITY", "PLANS CURRENT", "OVERDUE", "EXERCISES 12M", "ACTIONS OPEN",
             "OVERDUE", "MEMBERS")  # fmt: skip
    emit(table(heads, body, right={2, 3, 4, 5, 6, 7}))
    emit(f"As of {day.isoformat()}; members = members that took part in an exercise of the "
         "capability in the last 12 months")  # fmt: skip
    return 0


def register(cmds: Commands) -> None:
    """`capabilities`."""
    p = cmds.command(
        "capabilities", cmd_capabilities, "the capability dashboard (ASPR capabilities 1-4)",
        json=True,
    )  # fmt: skip
    p.add_argument("--as-of", metavar="DATE", help="judge on this day (default: today)")
