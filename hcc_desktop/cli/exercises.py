"""CLI commands for HSEEP exercises (`exercises list|add|update|objective|start|show`).

An exercise is named by its id (or either end of it). Members taking part are given
with `--member`, once per member, as anywhere else (short name, key, name or id); the
threat may point at a hazard of an HVA as `SCOPE/YEAR/HAZARD` (`ct/2026/Ice storm`).
Capabilities are ASPR ids from resources/aspr_capabilities.json: `2` or `2.2`."""

from __future__ import annotations

import argparse

from hcc_desktop.cli.context import Context, emit, optional_choice, resolve_org, resolve_ref
from hcc_desktop.cli.fmt import one_line, show_time, table, tail, to_json, user_time
from hcc_desktop.cli.hva import resolve_assessment
from hcc_desktop.cli.registry import Commands
from hcc_desktop.core import aspr
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import EXERCISE_TYPES, INCIDENT_TYPES
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.services import exercises, hva
from hcc_desktop.core.store import Store


def resolve_exercise(store: Store, ref: str) -> m.Exercise:
    return resolve_ref(store, m.Exercise, ref, "exercise")


def resolve_hazard(store: Store, ref: str) -> m.HvaHazard:
    """`ct/2026/Ice storm` (an analysis and a hazard's name) or a hazard id."""
    parts = ref.strip().split("/", 2)
    if len(parts) == 3:
        a = resolve_assessment(store, f"{parts[0]}/{parts[1]}")
        with store.read() as s:
            row = s.get(m.HvaHazard, hva.hazard_id_for(a.id, parts[2]))
        if row is None or row.deleted:
            raise NotFoundError("hva_hazard", f"{a.title} has no hazard {parts[2]!r}")
        return row
    return resolve_ref(store, m.HvaHazard, ref, "hva_hazard")


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    kind = optional_choice("type", args.type, EXERCISE_TYPES)
    rows = exercises.list_exercises(ctx.store, exercise_type=kind)
    views = [exercises.view(ctx.store, exercise_id=e.id) for e in rows]
    if args.json:
        emit(to_json([v.as_dict() for v in views]))
        return 0
    body = [
        (tail(v.exercise.id), v.exercise.starts_on, one_line(v.exercise.name, 45),
         v.exercise.exercise_type, one_line(v.exercise.hazard, 25),
         ",".join(sorted(exercises.capabilities_of(v.objectives))), len(v.participants),
         "yes" if v.incident else "")
        for v in views
    ]  # fmt: skip
    heads = ("ID", "START", "NAME", "TYPE", "THREAT", "CAPABILITIES", "MEMBERS", "INCIDENT")
    emit(table(heads, body, right={6}))
    emit(f"{len(rows)} exercises")
    return 0


def _fields(ctx: Context, args: argparse.Namespace) -> dict[str, object]:
    given: dict[str, object] = {
        "name": getattr(args, "name", None), "exercise_type": args.type,
        "starts_on": args.start, "ends_on": args.end, "scenario": args.scenario,
        "hazard": args.hazard, "location": args.location, "sponsor": args.sponsor,
        "notes": args.notes,
    }  # fmt: skip
    if args.hva_hazard is not None:
        given["hva_hazard_id"] = resolve_hazard(ctx.store, args.hva_hazard).id
    if args.member is not None:
        given["participants"] = [resolve_org(ctx.store, r, "participants").id for r in args.member]
    return {k: v for k, v in given.items() if v is not None}


def cmd_add(ctx: Context, args: argparse.Namespace) -> int:
    eid = exercises.add_exercise(ctx.store, actor=ctx.actor, **_fields(ctx, args))
    emit(f"Exercise {tail(eid)} added: {args.name}")
    return 0


def cmd_update(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_exercise(ctx.store, args.exercise)
    changed = exercises.update_exercise(
        ctx.store, actor=ctx.actor, exercise_id=row.id, **_fields(ctx, args)
    )
    emit(f"{row.name}: {', '.join(changed) + ' changed' if changed else 'nothing changed'}")
    return 0


def cmd_objective(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_exercise(ctx.store, args.exercise)
    if args.remove:
        if args.number is None:
            raise ValidationError("number", "give --number N of the objective to remove")
        exercises.remove_objective(
            ctx.store, actor=ctx.actor, exercise_id=row.id, number=args.number
        )
        emit(f"{row.name}: objective {args.number} removed")
        return 0
    number = exercises.set_objective(
        ctx.store, actor=ctx.actor, exercise_id=row.id, text=args.text or "",
        capabilities=args.capability or "", number=args.number,
    )  # fmt: skip
    emit(f"{row.name}: objective {number} set")
    return 0


def cmd_start(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_exercise(ctx.store, args.exercise)
    linked = (
        resolve_ref(ctx.store, m.Incident, args.incident, "incident") if args.incident else None
    )
    iid = exercises.start_exercise(
        ctx.store, actor=ctx.actor, exercise_id=row.id,
        incident_id=linked.id if linked else None, incident_type=args.type,
        started_at=user_time(args.start), first_period_hours=args.period_hours,
    )  # fmt: skip
    if linked:
        emit(f"{row.name} linked to exercise incident {tail(iid)}: {linked.name}")
    else:
        emit(f"{row.name} started as exercise incident {tail(iid)} (now the current incident)")
    return 0


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    v = exercises.view(ctx.store, exercise_id=resolve_exercise(ctx.store, args.exercise).id)
    data = v.as_dict()
    if args.json:
        emit(to_json(data))
        return 0
    e = v.exercise
    dates = e.starts_on if e.ends_on == e.starts_on else f"{e.starts_on} to {e.ends_on}"
    emit(f"{e.name} ({EXERCISE_TYPES.get(e.exercise_type or '', e.exercise_type)}, {dates})")
    for label, value in (("Threat", e.hazard), ("Scenario", e.scenario),
                         ("Location", e.location), ("Sponsor", e.sponsor)):  # fmt: skip
        if value:
            emit(f"{label}: {value}")
    if v.incident:
        emit(f"Runs as incident {tail(v.incident.id)}: {v.incident.name} "
             f"(since {show_time(v.incident.started_at)})")  # fmt: skip
    ref = aspr.load()
    for o in v.objectives:
        emit(f"Objective {o.number}: {o.text}")
        for c in o.capabilities or ():
            emit(f"    {ref.label(c)}")
    emit(f"Participating members ({len(v.participants)}): " + "; ".join(v.participants.values()))
    return 0


def _options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--type", metavar="T", required=adding, help=", ".join(EXERCISE_TYPES))
    p.add_argument("--start", metavar="DATE", required=adding, help="first day, e.g. 2026-10-14")
    p.add_argument("--end", metavar="DATE", help="last day (default: the first)")
    p.add_argument("--scenario", metavar="TEXT")
    p.add_argument("--hazard", metavar="TEXT", help='the threat or hazard, e.g. "Cyber attack"')
    p.add_argument("--hva-hazard", metavar="REF", help="an HVA hazard: ct/2026/Ice storm or id")
    p.add_argument("--location", metavar="TEXT")
    p.add_argument("--sponsor", metavar="TEXT")
    p.add_argument("--member", metavar="MEMBER", action="append",
                   help="a participating member (repeat; replaces the list)")  # fmt: skip
    p.add_argument("--notes", metavar="TEXT")


def register(cmds: Commands) -> None:
    """`exercises list|add|update|objective|start|show`."""
    group = cmds.group("exercises", "HSEEP exercises, their objectives and conduct")
    p = group.command("list", cmd_list, "exercises, most recent first", json=True)
    p.add_argument("--type", metavar="T", help=", ".join(EXERCISE_TYPES))
    p = group.command("add", cmd_add, "record an exercise")
    p.add_argument("name", metavar="NAME")
    _options(p, adding=True)
    p = group.command("update", cmd_update, "change an exercise")
    p.add_argument("exercise", metavar="EXERCISE", help="exercise id (or its end)")
    p.add_argument("--name", metavar="NAME")
    _options(p, adding=False)
    p = group.command(
        "objective", cmd_objective, "add, reword or remove an objective",
        description="Add an objective (the next number), reword objective --number N, or "
        "remove it with --number N --remove. Each maps to ASPR capabilities or objectives "
        "(--capability 2.2,2.3).",
    )  # fmt: skip
    p.add_argument("exercise", metavar="EXERCISE")
    p.add_argument("text", metavar="TEXT", nargs="?")
    p.add_argument("--capability", metavar="REF,...", help="ASPR ids, e.g. 2 or 2.2")
    p.add_argument("--number", metavar="N", type=int)
    p.add_argument("--remove", action="store_true", help="remove objective --number N")
    p = group.command(
        "start", cmd_start, "run an operations-based exercise as an exercise incident",
        description="Make an incident flagged as an exercise (or link --incident, an "
        "existing exercise incident) and point the exercise at it: its log, EEI reports "
        "and requests are then the usual commands.",
    )  # fmt: skip
    p.add_argument("exercise", metavar="EXERCISE")
    p.add_argument("--type", metavar="T", default="other", help=", ".join(INCIDENT_TYPES))
    p.add_argument("--start", metavar="TIME", help="when play starts (default now)")
    p.add_argument("--period-hours", metavar="H", type=float, help="open a first period")
    p.add_argument("--incident", metavar="ID", help="link this exercise incident instead")
    p = group.command("show", cmd_show, "an exercise with its objectives", json=True)
    p.add_argument("exercise", metavar="EXERCISE")
