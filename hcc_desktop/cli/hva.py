"""CLI commands for hazard vulnerability analyses (`hva`): list, create, show the
ranked table, score a hazard, remove one, draft/final, export to XLSX/CSV.

An analysis is named by its scope and year (`ct/2026`, what planners say) or by its id
(or either end of it). Scores are passed to the service as typed, so an out-of-range
one is refused there with the column named (exit 1), not by argparse (exit 2)."""

from __future__ import annotations

import argparse

from hcc_desktop.cli.context import Context, emit, out_file, resolve_ref
from hcc_desktop.cli.fmt import local_zone, one_line, table, tail, to_json
from hcc_desktop.cli.members import region_by_key
from hcc_desktop.cli.registry import Commands
from hcc_desktop.cli.reports import _pages, _paper, _paper_options
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import HVA_CATEGORIES, HVA_SCORES, HVA_STATUSES
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.services import hva, organizations
from hcc_desktop.core.services.common import require_choice
from hcc_desktop.core.store import Store
from hcc_desktop.interop.hva_export import export_hva
from hcc_desktop.reports.hva_report import build_hva

#: Short column heads for the text table (the tool's order).
HEADS = ("P", "HUM", "PROP", "BUS", "PREP", "INT", "EXT")


def resolve_assessment(store: Store, ref: str) -> m.HvaAssessment:
    """`ct/2026` (scope key and year) or an id, or either end of one."""
    key, sep, year = ref.strip().rpartition("/")
    if sep and key:
        region = region_by_key(store, key, "assessment")
        aid = hva.assessment_id_for(region.id, int(year) if year.isdigit() else -1)
        with store.read() as s:
            row = s.get(m.HvaAssessment, aid)
        if row is None or row.deleted:
            raise NotFoundError("assessment", f"no HVA of {region.name} for {year!r}")
        return row
    return resolve_ref(store, m.HvaAssessment, ref, "assessment")


def _assessment_dict(a: m.HvaAssessment, keys: dict[str, str], hazards: int) -> dict[str, object]:
    return {
        "id": a.id, "scope": keys.get(a.region_id or "", ""), "year": a.year, "title": a.title,
        "status": a.status, "status_by": a.status_by, "status_at": a.status_at,
        "hazards": hazards, "notes": a.notes,
    }  # fmt: skip


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    region = region_by_key(ctx.store, args.scope, "scope") if args.scope else None
    year = int(args.year) if args.year else None
    found = hva.list_assessments(ctx.store, region_id=region.id if region else None, year=year)
    keys = {r.id: r.key or "" for r in organizations.list_regions(ctx.store)}
    counts = {a.id: len(hva.ranked(ctx.store, assessment_id=a.id)) for a in found}
    if args.json:
        emit(to_json([_assessment_dict(a, keys, counts[a.id]) for a in found]))
        return 0
    rows = [
        (tail(a.id), f"{keys.get(a.region_id or '', '')}/{a.year}", one_line(a.title, 50),
         a.status, counts[a.id])
        for a in found
    ]  # fmt: skip
    emit(table(("ID", "SCOPE/YEAR", "TITLE", "STATUS", "HAZARDS"), rows, right={4}))
    emit(f"{len(found)} assessments")
    return 0


def cmd_create(ctx: Context, args: argparse.Namespace) -> int:
    region = region_by_key(ctx.store, args.scope, "scope")
    source = resolve_assessment(ctx.store, args.copy_from) if args.copy_from else None
    aid = hva.create_assessment(
        ctx.store, actor=ctx.actor, region_id=region.id, year=args.year, title=args.title,
        copy_from=source.id if source else None,
    )  # fmt: skip
    copied = f", hazards copied from {source.title}" if source else ""
    emit(f"HVA {args.scope}/{args.year} created as a draft ({tail(aid)}{copied})")
    return 0


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    a = resolve_assessment(ctx.store, args.assessment)
    rows = hva.ranked(ctx.store, assessment_id=a.id)
    if args.category:
        cat = require_choice("category", args.category, HVA_CATEGORIES)
        rows = [r for r in rows if r.category == cat]
    summary = hva.summarise(rows)
    if args.json:
        keys = {r.id: r.key or "" for r in organizations.list_regions(ctx.store)}
        emit(to_json({
            "assessment": _assessment_dict(a, keys, len(rows)),
            "hazards": [r.as_dict() for r in rows],
            "summary": [s.__dict__ for s in summary],
        }))  # fmt: skip
        return 0
    emit(f"{a.title} ({a.year}, {a.status})")
    body = [
        (r.rank, one_line(r.name, 40) + (" *" if r.occurred else ""), r.category,
         *(r.scores[k] for k in HVA_SCORES), f"{r.risk}%")
        for r in rows
    ]  # fmt: skip
    emit(table(("#", "HAZARD", "CATEGORY", *HEADS, "RISK"), body, right=set(range(3, 11))))
    for line in summary:
        emit(f"{line.category}: {line.hazards} hazards, relative threat {line.risk}%")
    emit("* has happened before")
    return 0


def cmd_set(ctx: Context, args: argparse.Namespace) -> int:
    a = resolve_assessment(ctx.store, args.assessment)
    occurred = None
    if args.occurred is not None:
        text = args.occurred.strip().lower()
        if text not in ("yes", "no", "y", "n"):
            raise ValidationError("occurred", f"expected yes or no, got {args.occurred!r}")
        occurred = text.startswith("y")
    hva.set_hazard(
        ctx.store, actor=ctx.actor, assessment_id=a.id, name=args.hazard,
        category=args.category, notes=args.notes, occurred=occurred,
        **{k: getattr(args, k) for k in HVA_SCORES},
    )  # fmt: skip
    [row] = [r for r in hva.ranked(ctx.store, assessment_id=a.id)
             if hva.hazard_key(r.name) == hva.hazard_key(args.hazard)]  # fmt: skip
    emit(f"{row.name}: relative risk {row.risk}%, rank {row.rank}")
    return 0


def cmd_remove(ctx: Context, args: argparse.Namespace) -> int:
    a = resolve_assessment(ctx.store, args.assessment)
    hva.remove_hazard(ctx.store, actor=ctx.actor, assessment_id=a.id, name=args.hazard)
    emit(f"{args.hazard} removed from {a.title} (undo brings it back)")
    return 0


def cmd_status(ctx: Context, args: argparse.Namespace) -> int:
    a = resolve_assessment(ctx.store, args.assessment)
    hva.set_status(ctx.store, actor=ctx.actor, assessment_id=a.id, status=args.status)
    emit(f"{a.title} is {args.status.strip().lower()}")
    return 0


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    a = resolve_assessment(ctx.store, args.assessment)
    out = out_file(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError("out", f"expected a file name ending in .xlsx or .csv, got {out}")
    n = export_hva(ctx.store, a.id, out)
    emit(f"Wrote {a.title} ({n} lines) to {out}")
    return 0


def cmd_print(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    row = resolve_assessment(ctx.store, args.assessment)
    result = build_hva(ctx.store, row.id, out, _paper(args), prepared_by=ctx.actor,
                       zone=local_zone())  # fmt: skip
    marking = "marked DRAFT" if result.draft else "final"
    emit(f"Wrote {result.path}: HVA {result.title}, {_pages(result.pages)}, {marking}")
    return 0


def register(cmds: Commands) -> None:
    """`hva list|create|show|set|remove|status|export`."""
    group = cmds.group("hva", "hazard vulnerability analyses (Kaiser Permanente shape)")
    p = group.command("list", cmd_list, "list analyses, newest year first", json=True)
    p.add_argument("--scope", metavar="KEY", help="coalition or region key, e.g. ct")
    p.add_argument("--year", metavar="YEAR", type=int)
    p = group.command("create", cmd_create, "start a year's analysis (a draft)")
    p.add_argument("--scope", metavar="KEY", required=True, help="coalition or region key")
    p.add_argument("--year", metavar="YEAR", required=True)
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--copy-from", metavar="REF", help="start from another analysis's hazards")
    p = group.command("show", cmd_show, "the hazards ranked by relative risk", json=True)
    p.add_argument("assessment", metavar="REF", help="scope/year like ct/2026, or an id")
    p.add_argument("--category", metavar="C", help=", ".join(HVA_CATEGORIES))
    p = group.command(
        "set", cmd_set, "add or score a hazard",
        description="Add a hazard (with --category) or change what is given of one. Scores "
        "are 0 (N/A) to 3; for preparedness, internal and external response 1 is high "
        "and 3 is low or none.",
    )  # fmt: skip
    p.add_argument("assessment", metavar="REF")
    p.add_argument("hazard", metavar="HAZARD", help='event name, e.g. "Ice storm"')
    p.add_argument("--category", metavar="C", help=", ".join(HVA_CATEGORIES))
    for name in HVA_SCORES:
        p.add_argument(f"--{name}", metavar="0-3")
    p.add_argument("--occurred", metavar="YES|NO", help="has happened before")
    p.add_argument("--notes", metavar="TEXT")
    p = group.command("remove", cmd_remove, "remove a hazard from a draft")
    p.add_argument("assessment", metavar="REF")
    p.add_argument("hazard", metavar="HAZARD")
    p = group.command("status", cmd_status, "mark an analysis draft or final")
    p.add_argument("assessment", metavar="REF")
    p.add_argument("status", metavar="STATUS", help=" or ".join(HVA_STATUSES))
    p = group.command("export", cmd_export, "the ranked table as XLSX or CSV")
    p.add_argument("assessment", metavar="REF")
    p.add_argument("out", metavar="OUT", help="file ending in .xlsx or .csv")
    p = group.command("print", cmd_print, "the analysis as a PDF: Kaiser sheets, ranking, heat map")
    p.add_argument("assessment", metavar="REF", help="scope/year like ct/2026, or an id")
    p.add_argument("out", metavar="OUT.pdf")
    _paper_options(p)
