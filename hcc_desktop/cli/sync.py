"""CLI commands for stations, packages and conflicts: `station ...`, `export`, `import`,
`conflicts ...`. Kept apart from the domain commands because they speak of files and
trust rather than of the incident."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hcc_desktop.cli.context import Context, emit, out_file
from hcc_desktop.cli.fmt import short, show_time, table, to_json
from hcc_desktop.cli.registry import Commands
from hcc_desktop.core import backups
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.sync import conflicts, exporter, importer, trust


def cmd_station_show(ctx: Context, args: argparse.Namespace) -> int:
    me = trust.this_station(ctx.store)
    emit(f"Station:     {me.name}")
    emit(f"Site id:     {me.site_id}")
    emit(f"Fingerprint: {me.fingerprint}")
    return 0


def cmd_station_export_key(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    trust.export_key(ctx.store, out)
    emit(f"Wrote the public key of {ctx.store.station_name} to {out}")
    emit(f"Fingerprint: {ctx.store.identity.fingerprint}")
    emit("Read this fingerprint to the other station's operator before they trust the file.")
    return 0


CONFIRM_QUESTION = "Does the other station's screen show exactly this fingerprint? [y/N] "


def _stdin_is_terminal() -> bool:
    """Whether a person can answer; a script's pipe or a closed stdin cannot."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, OSError, ValueError):
        return False


def _show_fingerprint(kf: trust.KeyFile, path: Path) -> None:
    """The fingerprint set apart and in the GUI's groups of four, so the operator can
    read it aloud group by group and compare it with the other station's screen."""
    emit(f"Station:     {kf.name} (site {kf.site_id})")
    emit(f"Key file:    {path}")
    emit("")
    emit("    " + "  ".join(kf.fingerprint.split()))
    emit("")
    emit("Compare it with the other station's screen (`hcc-desktop station show` there,")
    emit("or File -> Stations and trust) before trusting: a wrong key lets anyone sign")
    emit("packages in that station's name.")


def _confirmed() -> bool:
    """y/N on the terminal; anything but yes (or end of input) is no."""
    try:
        answer = input(CONFIRM_QUESTION)
    except EOFError:
        emit("")
        return False
    return answer.strip().lower() in ("y", "yes")


def cmd_station_trust(ctx: Context, args: argparse.Namespace) -> int:
    path = Path(args.file)
    kf = trust.read_key_file(path)
    if kf.site_id == ctx.store.site_id:
        raise ValidationError(str(path), "this is this station's own key")
    _show_fingerprint(kf, path)
    if not args.yes:
        if not _stdin_is_terminal():
            raise ValidationError(
                str(path),
                "not trusted: no terminal to confirm on; compare the fingerprint above with "
                "the other station's screen, then run again with --yes",
            )
        if not _confirmed():
            raise ValidationError(
                str(path), "not trusted: the fingerprint was not confirmed as matching"
            )
    st = trust.trust(ctx.store, path)
    emit(f"Trusted {st.name} (site {st.site_id})")
    emit(f"Fingerprint: {st.fingerprint}")
    return 0


def cmd_station_list(ctx: Context, args: argparse.Namespace) -> int:
    stations = trust.list_stations(ctx.store)
    if args.json:
        emit(to_json([s.__dict__ for s in stations]))
        return 0

    def state(s: trust.StationInfo) -> str:
        if s.is_self:
            return "this station"
        return "revoked" if s.revoked else "trusted" if s.trusted else "not trusted"

    rows = [(s.name, s.site_id, state(s), s.fingerprint) for s in stations]
    emit(table(("Station", "Site id", "Trust", "Fingerprint"), rows))
    return 0


def cmd_station_revoke(ctx: Context, args: argparse.Namespace) -> int:
    st = trust.revoke(ctx.store, args.name)
    emit(f"Revoked {st.name} ({st.fingerprint}): its packages will be refused")
    return 0


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    out = out_file(args.out)
    result = exporter.export_package(ctx.store, out, for_station=args.for_station)
    kind = "changes that station lacks" if result.against is not None else "full state"
    emit(f"Exported {result.versions} versions ({kind}) to {result.path} ({result.bytes} bytes)")
    emit(f"Package {result.package_id} signed by {ctx.store.station_name}")
    return 0


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    # The way back if the package brings unwanted changes: taken once it passed the checks.
    way_back = backups.BeforeImport(ctx.store)
    report = importer.import_package(ctx.store, Path(args.file), before_write=way_back)
    emit(f"Imported {args.file}: {report.summary()}")
    return 0


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def cmd_conflicts_list(ctx: Context, args: argparse.Namespace) -> int:
    found = conflicts.list_conflicts(ctx.store)
    if args.json:
        emit(
            to_json(
                [
                    {
                        "id": c.id,
                        "entity": c.entity,
                        "record_id": c.record_id,
                        "unit": c.unit,
                        "label": c.label,
                        "sides": [s.__dict__ for s in c.sides],
                    }
                    for c in found
                ]
            )
        )
        return 0
    if not found:
        emit("No open conflicts.")
        return 0
    for c in found:
        emit(f"Conflict {short(c.id)}: {c.label}, {c.unit}")
        rows = [
            (
                "shown" if s.winner else "",
                short(s.version_id),
                s.station,
                s.operator or "",
                show_time(s.at),
                _show(s.value),
            )
            for s in c.sides
        ]
        emit(table(("", "Version", "Station", "Operator", "When", "Value"), rows))
        emit("")
    emit("Resolve with: conflicts resolve ID --keep VERSION   or   --value VALUE")
    return 0


def cmd_conflicts_resolve(ctx: Context, args: argparse.Namespace) -> int:
    value: Any = None
    if args.value is not None:
        value = conflicts.parse_typed(conflicts.find_conflict(ctx.store, args.id), args.value)
    conflicts.resolve(ctx.store, actor=ctx.actor, conflict_id=args.id, keep=args.keep, value=value)
    emit(f"Resolved conflict {args.id}; export a package so the other stations see it.")
    return 0


def register(cmds: Commands) -> None:
    """Station identity and trust, packages, conflicts."""
    st = cmds.group("station", "this station's identity and the stations it trusts")
    st.command("show", cmd_station_show, "name, site id and fingerprint")
    p = st.command("export-key", cmd_station_export_key, "write this station's public key file")
    p.add_argument("out", metavar="OUT")
    p = st.command(
        "trust",
        cmd_station_trust,
        "trust another station's public key file",
        description="Show the key file's fingerprint and ask whether the other station's "
        "screen shows the same (y/N); only then trust it. Without a terminal, refused "
        "unless --yes.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--yes",
        action="store_true",
        help="the fingerprint was compared already (for scripts): trust without asking",
    )
    st.command("list", cmd_station_list, "stations known here", json=True)
    p = st.command("revoke", cmd_station_revoke, "stop accepting a station's packages")
    p.add_argument("name", metavar="NAME")

    p = cmds.command("export", cmd_export, "write a signed package file for other stations")
    p.add_argument("out", metavar="OUT.hccsync")
    p.add_argument("--for", dest="for_station", metavar="STATION",
                   help="only what that station's last known state lacks")  # fmt: skip
    p = cmds.command("import", cmd_import, "check and import a package file")
    p.add_argument("file", metavar="FILE.hccsync")

    c = cmds.group("conflicts", "values two stations changed at once")
    c.command("list", cmd_conflicts_list, "open conflicts with both values", json=True)
    p = c.command("resolve", cmd_conflicts_resolve, "keep one value or enter another")
    p.add_argument("id", metavar="ID")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--keep", metavar="VERSION")
    g.add_argument("--value", metavar="VALUE")
