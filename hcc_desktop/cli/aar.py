"""CLI commands for after-action reports (`aar list|create|show|set|rate|evidence|print` and
`aar finding add|update|remove`).

A report is named by its id (or either end of it), or by the exercise or incident it
reviews. Ratings and capabilities are passed to the services as typed, so a bad one is
refused there with its field named (exit 1)."""

from __future__ import annotations

import argparse

from hcc_desktop.cli.context import Context, emit, out_file, resolve_ref
from hcc_desktop.cli.exercises import resolve_exercise
from hcc_desktop.cli.fmt import local_zone, one_line, show_time, table, tail, to_json, user_time
from hcc_desktop.cli.plans import today
from hcc_desktop.cli.registry import Commands
from hcc_desktop.cli.reports import _pages, _paper, _paper_options
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import AAR_STATUSES, RATINGS
from hcc_desktop.core.errors import NotFoundError
from hcc_desktop.core.services import aar, improvement, incidents
from hcc_desktop.core.store import Store
from hcc_desktop.reports.aar_report import build_aar


def resolve_aar(store: Store, ref: str) -> m.Aar:
    """A report's id, or the exercise or incident it reviews."""
    try:
        return resolve_ref(store, m.Aar, ref, "aar")
    except NotFoundError:
        pass
    for model, key in ((m.Exercise, "exercise_id"), (m.Incident, "incident_id")):
        try:
            row = resolve_ref(store, model, ref, "aar")
        except NotFoundError:
            continue
        with store.read() as s:
            found = s.get(m.Aar, aar.aar_id_for(**{key: row.id}))
        if found is not None and not found.deleted:
            return found
    raise NotFoundError("aar", f"no after-action report {ref!r}; see `hcc-desktop aar list`")


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    views = [aar.view(ctx.store, aar_id=a.id) for a in aar.list_aars(ctx.store)]
    if args.json:
        emit(to_json([v.as_dict() for v in views]))
        return 0
    body = [
        (tail(v.aar.id), one_line(v.aar.title, 55), v.aar.status, len(v.ratings),
         sum(f.kind == "strength" for f in v.findings),
         sum(f.kind == "improvement" for f in v.findings))
        for v in views
    ]  # fmt: skip
    emit(table(("ID", "TITLE", "STATUS", "RATINGS", "STRENGTHS", "IMPROVE"), body,
               right={3, 4, 5}))  # fmt: skip
    emit(f"{len(views)} after-action reports")
    return 0


def cmd_create(ctx: Context, args: argparse.Namespace) -> int:
    ex = resolve_exercise(ctx.store, args.exercise) if args.exercise else None
    inc = resolve_ref(ctx.store, m.Incident, args.incident, "incident") if args.incident else None
    aid = aar.create_aar(
        ctx.store, actor=ctx.actor, exercise_id=ex.id if ex else None,
        incident_id=inc.id if inc else None, title=args.title, summary=args.summary,
    )  # fmt: skip
    emit(f"After-action report {tail(aid)} created as a draft")
    return 0


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    v = aar.view(ctx.store, aar_id=resolve_aar(ctx.store, args.aar).id)
    data = v.as_dict()
    actions = improvement.action_rows(ctx.store, today=today(ctx), aar_id=v.aar.id)
    data["actions"] = [r.as_dict() for r in actions]
    if args.evidence and v.aar.incident_id:
        data["evidence"] = aar.evidence(ctx.store, v.aar.incident_id).as_dict()
    if args.json:
        emit(to_json(data))
        return 0
    emit(f"{v.aar.title} ({v.aar.status}, {v.aar.status_by}, {show_time(v.aar.status_at)})")
    if v.aar.summary:
        emit(v.aar.summary)
    body = [(r["objective"] or "", one_line(r["label"], 60), r["rating"]) for r in data["ratings"]]
    emit(table(("OBJ", "CAPABILITY", "RATING"), body))
    for f in v.findings:
        head = "Strength" if f.kind == "strength" else "Area for improvement"
        where = f"objective {f.objective_number}, " if f.objective_number else ""
        emit(f"{head} ({where}{f.capability}) {tail(f.id)}: {f.text}")
        for label, value in (("Reference", f.reference), ("Analysis", f.analysis)):
            if value:
                emit(f"    {label}: {value}")
    emit(f"{len(actions)} corrective actions, {sum(r.overdue for r in actions)} overdue")
    return 0


def cmd_set(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_aar(ctx.store, args.aar)
    changed = []
    if args.title is not None or args.summary is not None:
        changed = aar.update_aar(ctx.store, actor=ctx.actor, aar_id=row.id, title=args.title,
                                 summary=args.summary)  # fmt: skip
    if args.status is not None:
        aar.set_status(ctx.store, actor=ctx.actor, aar_id=row.id, status=args.status)
        changed.append("status")
    emit(f"{row.title}: {', '.join(changed) + ' changed' if changed else 'nothing changed'}")
    return 0


def cmd_rate(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_aar(ctx.store, args.aar)
    aar.rate(ctx.store, actor=ctx.actor, aar_id=row.id, capability=args.capability,
             rating=args.rating, objective=args.objective)  # fmt: skip
    where = f"objective {args.objective}, " if args.objective else ""
    emit(f"{row.title}: {where}{args.capability} rated {args.rating.strip().upper()}")
    return 0


def cmd_evidence(ctx: Context, args: argparse.Namespace) -> int:
    inc = incidents.resolve_incident(ctx.store, args.incident)
    ev = aar.evidence(ctx.store, inc.id, as_of=user_time(args.as_of))
    if args.json:
        emit(to_json(ev.as_dict()))
        return 0
    emit(f"Evidence from {ev.incident} as of {show_time(ev.as_of)}")
    emit(f"{len(ev.significant_events)} approved significant events")
    for p in ev.eei_periods:
        emit(f"Period {p['period']}: {p['on_time']}/{p['expected']} on time, "
             f"{len(p['late'])} late, {len(p['missing'])} missing")  # fmt: skip
    for r in ev.requests:
        emit(f"Request {r['number']} {r['why']}: {r['resource']} ({r['status']})")
    emit(f"{len(ev.conflicts)} open conflicts on its records")
    return 0


def cmd_print(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    row = resolve_aar(ctx.store, args.aar)
    result = build_aar(ctx.store, row.id, out, _paper(args), prepared_by=ctx.actor,
                       today=today(ctx), zone=local_zone())  # fmt: skip
    marking = "marked DRAFT" if result.draft else "final"
    emit(f"Wrote {result.path}: AAR/IP of {result.title}, {_pages(result.pages)}, {marking}")
    return 0


# ------------------------------------------------------------------ findings


def cmd_finding_add(ctx: Context, args: argparse.Namespace) -> int:
    row = resolve_aar(ctx.store, args.aar)
    kind = "strength" if args.strength else "improvement"
    fid = aar.add_finding(
        ctx.store, actor=ctx.actor, aar_id=row.id, kind=kind, text=args.text,
        capability=args.capability or "", objective=args.objective, reference=args.reference,
        analysis=args.analysis,
    )  # fmt: skip
    emit(f"{'Strength' if args.strength else 'Area for improvement'} {tail(fid)} added")
    return 0


def cmd_finding_update(ctx: Context, args: argparse.Namespace) -> int:
    f = resolve_ref(ctx.store, m.AarFinding, args.finding, "finding")
    given = {"text": args.text, "capability": args.capability, "objective": args.objective,
             "reference": args.reference, "analysis": args.analysis}  # fmt: skip
    changed = aar.update_finding(ctx.store, actor=ctx.actor, finding_id=f.id,
                                 **{k: v for k, v in given.items() if v is not None})  # fmt: skip
    emit(
        f"Finding {tail(f.id)}: {', '.join(changed) + ' changed' if changed else 'nothing changed'}"
    )
    return 0


def cmd_finding_remove(ctx: Context, args: argparse.Namespace) -> int:
    f = resolve_ref(ctx.store, m.AarFinding, args.finding, "finding")
    aar.remove_finding(ctx.store, actor=ctx.actor, finding_id=f.id)
    emit(f"Finding {tail(f.id)} removed (undo brings it back)")
    return 0


def _finding_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--capability", metavar="REF", help="ASPR capability or objective: 2 or 2.2")
    p.add_argument("--objective", metavar="N", help="the exercise objective it falls under")
    p.add_argument("--reference", metavar="TEXT", help="plan or policy involved")
    p.add_argument("--analysis", metavar="TEXT", help="root cause")


def register(cmds: Commands) -> None:
    """`aar list|create|show|set|rate|evidence` and `aar finding add|update|remove`."""
    group = cmds.group("aar", "after-action reports: ratings, strengths, areas for improvement")
    group.command("list", cmd_list, "after-action reports, newest first", json=True)
    p = group.command("create", cmd_create, "start a report (a draft) of an exercise or incident")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--exercise", metavar="EXERCISE")
    which.add_argument("--incident", metavar="ID")
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--summary", metavar="TEXT")
    p = group.command("show", cmd_show, "a report with its ratings, findings and actions",
                      json=True)  # fmt: skip
    p.add_argument("aar", metavar="AAR", help="report id, or its exercise or incident")
    p.add_argument("--evidence", action="store_true", help="with the incident's evidence")
    p = group.command("set", cmd_set, "change the title or summary, or mark draft/final")
    p.add_argument("aar", metavar="AAR")
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--summary", metavar="TEXT")
    p.add_argument("--status", metavar="S", help=" or ".join(AAR_STATUSES))
    p = group.command(
        "rate", cmd_rate, "rate a capability P, S, M or U",
        description="Rate a capability (or an ASPR objective) under an exercise objective "
        "(--objective N) or on its own: " + "; ".join(f"{k} = {v}" for k, v in RATINGS.items()),
    )  # fmt: skip
    p.add_argument("aar", metavar="AAR")
    p.add_argument("capability", metavar="REF", help="ASPR capability or objective: 2 or 2.2")
    p.add_argument("rating", metavar="RATING", help="P, S, M or U")
    p.add_argument("--objective", metavar="N")
    p = group.command("print", cmd_print, "the AAR/IP as a PDF in the HSEEP layout")
    p.add_argument("aar", metavar="AAR", help="report id, or its exercise or incident")
    p.add_argument("out", metavar="OUT.pdf")
    _paper_options(p)
    p = group.command("evidence", cmd_evidence, "what the incident's data shows", json=True)
    p.add_argument("--incident", metavar="ID", help="default: the current incident")
    p.add_argument("--as-of", metavar="TIME", help="judge overdue at (default: its end, or now)")

    findings = group.group("finding", "strengths and areas for improvement")
    p = findings.command("add", cmd_finding_add, "add a strength or an area for improvement")
    p.add_argument("aar", metavar="AAR")
    kind = p.add_mutually_exclusive_group(required=True)
    kind.add_argument("--strength", action="store_true")
    kind.add_argument("--improvement", action="store_true", help="an area for improvement")
    p.add_argument("text", metavar="TEXT")
    _finding_options(p)
    p = findings.command("update", cmd_finding_update, "change or move a finding")
    p.add_argument("finding", metavar="FINDING", help="finding id (or its end)")
    p.add_argument("--text", metavar="TEXT")
    _finding_options(p)
    p = findings.command("remove", cmd_finding_remove, "remove a finding from a draft")
    p.add_argument("finding", metavar="FINDING")
