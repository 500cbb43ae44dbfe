"""CLI commands about the store and the station as a whole (init, seed-demo, undo,
dump, check, backup): each calls one core function and shows its result. Members and
contacts have their own module (cli/members.py)."""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date, datetime
from pathlib import Path

from hcc_desktop.cli.context import Context, Unavailable, emit, out_file
from hcc_desktop.cli.fmt import table, to_json
from hcc_desktop.cli.registry import Commands
from hcc_desktop.core import sqlite as sq
from hcc_desktop.core.check import check_store
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import undo
from hcc_desktop.core.station import key_path_for
from hcc_desktop.core.timeutil import parse_date

# ------------------------------------------------------------------ station


def cmd_init(ctx: Context, args: argparse.Namespace) -> int:
    s = ctx.store
    emit(f"Store:       {s.label}")
    emit(f"Station:     {s.station_name}")
    emit(f"Site id:     {s.site_id}")
    emit(f"Fingerprint: {s.identity.fingerprint}")
    return 0


#: What seed_demo's summary counts, in the order a person reads them.
DEMO_COUNTS = (
    "regions", "members", "facilities", "contacts", "periods", "log_entries", "requests",
    "eei_reports", "hva_hazards", "plans", "essential_functions", "exercises",
    "aar_findings", "corrective_actions",
)  # fmt: skip


def _demo_moment(text: str | None) -> date | datetime:
    """`--as-of`: a date (the whole story of that day, reproducible) or a local time
    (the story as far as it has happened then); by default, now."""
    if not text:
        return datetime.now().astimezone()
    if len(text.strip()) == 10:
        return parse_date("as_of", text.strip())
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            "as_of",
            f"expected a date like 2026-11-23 or a time like 2026-11-23T13:40, got {text!r}",
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def cmd_seed_demo(ctx: Context, args: argparse.Namespace) -> int:
    as_of = _demo_moment(args.as_of)
    try:
        from hcc_desktop.demo import seed_demo
    except ImportError as exc:
        if exc.name == "hcc_desktop.demo":
            raise Unavailable("seed-demo: the demo data set is not part of this build") from None
        raise
    summary = seed_demo(ctx.store, as_of=as_of, actor=ctx.actor)
    counts = {name: getattr(summary, name, "?") for name in DEMO_COUNTS}
    when = (
        as_of.strftime("%Y-%m-%d %H:%M %Z").strip()
        if isinstance(as_of, datetime)
        else f"the evening of {as_of.isoformat()}"
    )
    emit(f"Demo coalition as of {when} loaded into {ctx.store.label}:")
    emit(", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items()))
    inc_id = getattr(summary, "incident_id", None)
    if inc_id:
        emit(f"Current incident: {inc_id}")
    return 0


def cmd_undo(ctx: Context, args: argparse.Namespace) -> int:
    _said("Undone", undo.undo_last(ctx.store, actor=ctx.actor))
    return 0


def cmd_redo(ctx: Context, args: argparse.Namespace) -> int:
    _said("Redone", undo.redo_last(ctx.store, actor=ctx.actor))
    return 0


def _said(done: str, result: undo.UndoResult) -> None:
    line = f"{done}: {result.summary} ({result.restored} restored"
    if result.skipped:
        line += f", {result.skipped} left alone because they changed since"
    emit(line + ")")


def cmd_dump(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out) if args.out else None
    text = dump_text(ctx.store)
    if out is not None:
        out.write_text(text, encoding="utf-8", newline="\n")
        emit(f"Wrote {text.count(chr(10))} lines to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_check(ctx: Context, args: argparse.Namespace) -> int:
    rep = check_store(ctx.store)
    if args.json:
        emit(
            to_json(
                {
                    "path": rep.path,
                    "ok": rep.ok,
                    "schema": rep.schema,
                    "schema_head": rep.schema_head,
                    "integrity": rep.integrity or ["ok"],
                    "counts": rep.counts,
                    "problems": rep.problems,
                }
            )
        )
    else:
        current = "" if rep.schema == rep.schema_head else "  (NOT the current revision)"
        emit(f"Store:     {rep.path}")
        emit(f"Schema:    {rep.schema} (head {rep.schema_head}){current}")
        emit(f"Integrity: {'ok' if not rep.integrity else '; '.join(rep.integrity[:5])}")
        emit(table(("TABLE", "ROWS"), sorted(rep.counts.items()), right={1}))
        for problem in rep.problems:
            emit(f"Problem:   {problem}")
        emit("OK" if rep.ok else "PROBLEMS FOUND")
    if not rep.ok:
        print(f"hcc-desktop: {rep.path}: the store failed its check", file=sys.stderr)
    return 0 if rep.ok else 1


def cmd_backup(ctx: Context, args: argparse.Namespace) -> int:
    """A consistent copy plus the station key, so the copy opens as this station."""
    out = out_file(args.out)
    key_out = Path(f"{out}.key")
    for target in (out, key_out):
        if target.exists() or target.is_symlink():
            raise ValidationError(str(target), "exists already; give a new file name")
    store = ctx.store
    if store.is_server:
        raise ValidationError(
            "store", "an EOC server is backed up on the server (pg_dump), not from a seat"
        )
    try:
        sq.online_backup(store.engine, out)
        shutil.copy2(key_path_for(store.path), key_out)
    except BaseException:
        for target in (out, key_out):
            target.unlink(missing_ok=True)
        raise
    emit(f"Backed up {store.path} to {out} (station key in {key_out})")
    return 0


def register(cmds: Commands) -> None:
    """The store itself: init, seed-demo, undo, dump, check, backup."""
    p = cmds.command("init", cmd_init, "create (or open) the store; show the station", create=True)
    p.add_argument("--station", metavar="NAME", help="name of this station (workstation)")
    p = cmds.command("seed-demo", cmd_seed_demo, "load the demo coalition", create=True)
    p.add_argument(
        "--as-of",
        metavar="WHEN",
        help="a date (the whole story of that day, the same store every time) or a local "
        "time like 2026-11-23T13:40 (the story as far as it has happened then); "
        "default: now",
    )
    cmds.command("undo", cmd_undo, "undo the operator's last change (again: the one before)")
    cmds.command("redo", cmd_redo, "make again what the operator's last undo took back")
    p = cmds.command("dump", cmd_dump, "canonical dump of all synchronised data")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    cmds.command("check", cmd_check, "integrity, schema revision and counts", json=True)
    p = cmds.command("backup", cmd_backup, "consistent copy of the store and its key")
    p.add_argument("out", metavar="OUT", help="new file for the copy (OUT.key gets the key)")
