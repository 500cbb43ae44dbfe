"""`hcc-desktop`: the console's operations headless, for scripts, tests and the night
shift on a machine without a display.

The command names, options and exit codes are a contract other scripts rely on:
0 done; 1 refused input (one line on stderr, `hcc-desktop: <field>: <what was
expected>`, and the store exactly as it was); 2 usage. With no command it starts the
GUI. This module only parses and maps errors to exit codes; the `cli_*` handler modules
call the core services and `cli_format` shows what they return.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from hcc_desktop import __version__
from hcc_desktop import cli_commands as c
from hcc_desktop import cli_eei as ee_cmd
from hcc_desktop import cli_incident as inc_cmd
from hcc_desktop import cli_station as st_cmd
from hcc_desktop.core.clock import WallClock
from hcc_desktop.core.errors import HccError
from hcc_desktop.core.services.common import Actor, require_text
from hcc_desktop.core.store import Store
from hcc_desktop.paths import default_store_path

PROG = "hcc-desktop"
OPERATOR_ENV = "HCC_OPERATOR"
POSITION_ENV = "HCC_POSITION"

#: The wall clock stores are opened with; None is the system clock. Tests set a fake.
WALL: WallClock | None = None

EPILOG = (
    "exit codes: 0 done; 1 refused input (one line naming the field, the store "
    "unchanged); 2 usage. Times without a zone are local time."
)


# ------------------------------------------------------------------ parser


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if sep and width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0:
        return int(width), int(height)
    raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT like 1600x1000, got {text!r}")


def _positive(text: str) -> int:
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"expected a whole number above 0, got {text!r}")


def _global_options(p: argparse.ArgumentParser, *, nested: bool) -> None:
    """The options every command takes. Repeated on each command with SUPPRESS as the
    default, so `hcc-desktop members list --store S` works as well as
    `hcc-desktop --store S members list` without one overwriting the other."""
    default = argparse.SUPPRESS if nested else None
    p.add_argument(
        "--store",
        metavar="PATH",
        default=default,
        help="the store file (default: $HCC_STORE, else the user data folder)",
    )
    p.add_argument(
        "--operator",
        metavar="NAME",
        default=default,
        help="who is acting (default: $HCC_OPERATOR, else the login name)",
    )
    p.add_argument(
        "--position",
        metavar="POS",
        default=default,
        help='their ICS position (default: $HCC_POSITION, else "Operator")',
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Offline-first operations console for health care coalition EOCs. "
        "Without a command, starts the GUI.",
        epilog=EPILOG,
    )
    _global_options(parser, nested=False)
    parser.add_argument("--screenshot", metavar="FILE.png", type=Path, help="GUI: save a PNG, exit")
    parser.add_argument("--size", metavar="WxH", type=_size, help="GUI: window size")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, nested=True)
    top = parser.add_subparsers(dest="command", metavar="COMMAND")

    def group(name: str, help_text: str) -> argparse._SubParsersAction[argparse.ArgumentParser]:
        p = top.add_parser(name, help=help_text, description=help_text, epilog=EPILOG)
        return p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def leaf(
        where: argparse._SubParsersAction[argparse.ArgumentParser],
        name: str,
        handler: c.Handler,
        help_text: str,
        *,
        create: bool = False,
        json: bool = False,
    ) -> argparse.ArgumentParser:
        p = where.add_parser(
            name, help=help_text, description=help_text, epilog=EPILOG, parents=[common]
        )
        p.set_defaults(func=handler, create=create, leaf=p)
        if json:
            p.add_argument("--json", action="store_true", help="print JSON for scripts")
        return p

    def incident_opt(p: argparse.ArgumentParser) -> None:
        p.add_argument("--incident", metavar="ID", help="incident id (default: the current one)")

    p = leaf(
        top, "init", st_cmd.cmd_init, "create (or open) the store; show the station", create=True
    )
    p.add_argument("--station", metavar="NAME", help="name of this station (workstation)")
    p = leaf(top, "seed-demo", st_cmd.cmd_seed_demo, "load the demo coalition", create=True)
    p.add_argument("--as-of", metavar="DATE", help="the demo's 'today' (default: today)")
    leaf(top, "undo", st_cmd.cmd_undo, "undo the operator's last change")
    p = leaf(top, "dump", st_cmd.cmd_dump, "canonical dump of all synchronised data")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    leaf(top, "check", st_cmd.cmd_check, "integrity, schema revision and counts", json=True)
    p = leaf(top, "backup", st_cmd.cmd_backup, "consistent copy of the store and its key")
    p.add_argument("out", metavar="OUT", help="new file for the copy (OUT.key gets the key)")

    members = group("members", "coalition members and facilities")
    p = leaf(members, "list", st_cmd.cmd_members_list, "list members", json=True)
    p.add_argument("--type", metavar="T", help="member type, e.g. hospital")
    p.add_argument("--region", metavar="KEY", help="region key, e.g. ct or ma-1")

    inc = group("incidents", "incidents and exercises")
    leaf(inc, "list", inc_cmd.cmd_incidents_list, "list incidents", json=True)
    p = leaf(inc, "create", inc_cmd.cmd_incidents_create, "create an incident and make it current")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--type", metavar="T", required=True, help="e.g. hurricane, cyber, other")
    p.add_argument("--exercise", action="store_true", help="an exercise, not a real event")
    p.add_argument("--start", metavar="TIME", help="when it started (default: now)")
    p.add_argument("--status", metavar="S", default="active", help="active, monitoring, closed")
    p.add_argument("--description", metavar="TEXT")
    p = leaf(inc, "use", inc_cmd.cmd_incidents_use, "make an incident the current one")
    p.add_argument("id", metavar="ID")

    per = group("periods", "operational periods of an incident")
    p = leaf(per, "list", inc_cmd.cmd_periods_list, "list periods", json=True)
    incident_opt(p)
    p = leaf(per, "add", inc_cmd.cmd_periods_add, "add the next operational period")
    incident_opt(p)
    p.add_argument("--start", metavar="TIME", help="default: end of the last period, or now")
    p.add_argument("--end", metavar="TIME", help="default: start + --hours")
    p.add_argument("--hours", metavar="H", type=float, default=12.0, help="length (default 12)")
    p.add_argument("--due", metavar="TIME", help="EEIs due (default: 2 hours in)")
    p.add_argument("--objectives", metavar="TEXT")
    p.add_argument("--number", metavar="N", type=_positive, help="default: the next number")

    lg = group("log", "the incident log (ICS 214) and significant events")
    p = leaf(lg, "add", inc_cmd.cmd_log_add, "add a log entry")
    p.add_argument("text", metavar="TEXT")
    incident_opt(p)
    p.add_argument("--category", metavar="C", default="general", help="e.g. situation, decision")
    p.add_argument("--priority", metavar="P", default="routine", help="routine, important, urgent")
    p.add_argument("--org", metavar="ID", help="the member it concerns (id, short name or key)")
    p.add_argument("--at", metavar="TIME", help="when it happened (default: now)")
    p = leaf(lg, "list", inc_cmd.cmd_log_list, "list log entries, oldest first", json=True)
    incident_opt(p)
    p.add_argument("--limit", metavar="N", type=_positive, help="only the N most recent")
    p.add_argument("--category", metavar="C")
    p.add_argument("--priority", metavar="P")
    p.add_argument("--significant", metavar="S", help="nominated, approved or declined")
    p.add_argument("--text", metavar="WORDS", help="entries containing WORDS")
    p = leaf(lg, "nominate", inc_cmd.cmd_log_nominate, "nominate an entry as a significant event")
    p.add_argument("id", metavar="ID")
    p.add_argument("--note", metavar="TEXT")
    p = leaf(lg, "review", inc_cmd.cmd_log_review, "approve or decline a nominated entry")
    p.add_argument("id", metavar="ID")
    verdict = p.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", dest="approve", action="store_true")
    verdict.add_argument("--decline", dest="approve", action="store_false")
    p.add_argument("--note", metavar="TEXT")

    rq = group("requests", "resource requests (ICS 213RR)")
    p = leaf(rq, "add", inc_cmd.cmd_requests_add, "record a resource request")
    p.add_argument("--kind", metavar="K", required=True, help="what is asked for")
    p.add_argument("--quantity", metavar="Q", required=True)
    p.add_argument("--unit", metavar="U", default="each")
    p.add_argument("--priority", metavar="P", default="routine", help="urgent, routine, low")
    p.add_argument("--needed-by", metavar="TIME")
    p.add_argument("--requester", metavar="ORG", help="requesting member (id, short name, key)")
    p.add_argument("--deliver-to", metavar="PLACE")
    p.add_argument("--type", dest="resource_type", metavar="TYPE", help="NIMS type, if any")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--status", metavar="S", default="submitted", help="draft or submitted")
    incident_opt(p)
    p = leaf(rq, "list", inc_cmd.cmd_requests_list, "list resource requests", json=True)
    incident_opt(p)
    p.add_argument("--status", metavar="S")
    p.add_argument("--priority", metavar="P")
    p = leaf(rq, "set-status", inc_cmd.cmd_requests_set_status, "move a request one step on")
    p.add_argument("ref", metavar="REF", help="request number, id or id prefix")
    p.add_argument("status", metavar="STATUS")
    p.add_argument("--note", metavar="TEXT")
    p.add_argument("--at", metavar="TIME", help="when it happened (default: now)")
    p = leaf(rq, "history", inc_cmd.cmd_requests_history, "status history of a request", json=True)
    p.add_argument("ref", metavar="REF")

    ee = group("eei", "essential elements of information")
    p = leaf(ee, "set", ee_cmd.cmd_eei_set, "record a facility's EEI values for a period")
    p.add_argument("--org", metavar="ORG", required=True, help="the facility")
    p.add_argument("--period", metavar="N", type=_positive, required=True)
    p.add_argument("values", metavar="CODE=VALUE", nargs="+")
    incident_opt(p)
    p.add_argument("--comment", metavar="TEXT")
    p.add_argument("--at", metavar="TIME", help="when reported (default: now)")
    p = leaf(ee, "validate", ee_cmd.cmd_eei_validate, "validate, question or reject reports")
    p.add_argument("--report", metavar="ID", nargs="+", action="extend", help="report ids")
    p.add_argument("--org", metavar="ORG", help="all of this facility's reports in --period")
    p.add_argument("--period", metavar="N", type=_positive)
    p.add_argument("--element", metavar="CODE", help="only this element (with --org)")
    p.add_argument(
        "--state",
        metavar="S",
        default="validated",
        help="validated, questioned, rejected, reported",
    )
    p.add_argument("--note", metavar="TEXT", help="required when questioning or rejecting")
    incident_opt(p)
    p = leaf(ee, "grid", ee_cmd.cmd_eei_grid, "facilities x elements for a period", json=True)
    incident_opt(p)
    p.add_argument("--period", metavar="N", type=_positive, help="default: the current one")
    p.add_argument(
        "--elements",
        metavar="CODE,...",
        help="columns (default: headline elements; 'all': every reported one)",
    )
    leaf(ee, "elements", ee_cmd.cmd_eei_elements, "the EEI catalog", json=True)
    p = leaf(ee, "timeliness", ee_cmd.cmd_eei_timeliness, "on time, late, missing", json=True)
    incident_opt(p)
    p.add_argument("--period", metavar="N", type=_positive, help="default: the current one")
    _register_extras(top)
    return parser


#: Command modules that live with the code they drive (sync, standards, reports); each
#: has `register(subparsers)` and sets `handler=` on its commands. A build without one
#: still has every other command.
EXTRA_COMMANDS = ("cli_sync", "cli_interop", "cli_reports")


def _register_extras(top: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for name in EXTRA_COMMANDS:
        try:
            module = importlib.import_module(f"hcc_desktop.{name}")
        except ImportError as exc:
            if exc.name == f"hcc_desktop.{name}":
                continue
            raise
        register = getattr(module, "register", None)
        if register is not None:
            register(top)


# ------------------------------------------------------------------ running


def _store_path(args: argparse.Namespace) -> Path:
    return Path(args.store) if args.store else default_store_path()


def _actor(args: argparse.Namespace) -> Actor:
    name = args.operator or os.environ.get(OPERATOR_ENV) or _login_name()
    position = args.position or os.environ.get(POSITION_ENV) or "Operator"
    return Actor(require_text("operator", name, max_len=120), require_text("position", position))


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on this machine (a service account, a container)
        return "operator"


def _refuse(message: str) -> int:
    print(f"{PROG}: {' '.join(message.splitlines())}", file=sys.stderr)
    return 1


def _run_gui(args: argparse.Namespace, argv: list[str]) -> int:
    store_path = _store_path(args)
    try:
        from hcc_desktop.gui.app import run
    except ImportError as exc:
        if exc.name in ("hcc_desktop.gui", "hcc_desktop.gui.app"):
            why = "the GUI is not part of this build"
        else:
            why = f"cannot start the GUI ({exc})"
        print(f"{PROG}: gui: {why}; the commands still work (see {PROG} --help)", file=sys.stderr)
        return 2
    # The GUI's entry point (hcc_desktop/gui/app.py):
    #   def run(store_path: Path, argv: list[str], *, screenshot: Path | None = None,
    #           size: tuple[int, int] | None = None) -> int
    # argv is what QApplication receives (program name first). With `screenshot`, the
    # main window is shown at `size` (width, height) if given, rendered to that PNG and
    # the program exits with 0 instead of entering the event loop. The operator comes
    # from $HCC_OPERATOR / $HCC_POSITION, which --operator / --position set here.
    if args.operator:
        os.environ[OPERATOR_ENV] = args.operator
    if args.position:
        os.environ[POSITION_ENV] = args.position
    try:
        return int(run(store_path, [PROG, *argv], screenshot=args.screenshot, size=args.size) or 0)
    except HccError as exc:
        return _refuse(str(exc))


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(raw)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    if args.command is None:
        return _run_gui(args, raw)
    if args.screenshot is not None or args.size is not None:
        parser.print_usage(sys.stderr)
        print(f"{PROG}: error: --screenshot and --size are for the GUI only", file=sys.stderr)
        return 2
    ctx: c.Context | None = None
    try:
        actor = _actor(args)
        path = _store_path(args)
        station = getattr(args, "station", None)
        ctx = c.Context(
            actor,
            lambda: Store.open(
                path, wall=WALL, station_name=station, create=getattr(args, "create", False)
            ),
        )
        # The EXTRA_COMMANDS name their handler `handler`; ours `func`.
        handler: c.Handler = getattr(args, "func", None) or args.handler
        return handler(ctx, args)
    except c.UsageError as exc:
        leaf = getattr(args, "leaf", parser)
        leaf.print_usage(sys.stderr)
        print(f"{leaf.prog}: error: {exc}", file=sys.stderr)
        return 2
    except c.Unavailable as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except HccError as exc:
        return _refuse(str(exc))
    except BrokenPipeError:  # `hcc-desktop log list | head`: the reader left, not an error
        _silence_stdout()
        return 0
    except OSError as exc:
        return _refuse(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc))
    except SQLAlchemyError as exc:  # locked past the busy timeout, disk full, ...
        detail = getattr(exc, "orig", None) or exc.__class__.__name__
        return _refuse(f"{_store_path(args)}: the store cannot be used ({detail})")
    except KeyboardInterrupt:
        return 130
    finally:
        if ctx is not None:
            ctx.close()


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
