"""`hcc-desktop`: the console's operations headless, for scripts, tests and the night
shift on a machine without a display.

The command names, options and exit codes are a contract other scripts rely on:
0 done; 1 refused input (one line on stderr, `hcc-desktop: <field>: <what was
expected>`, and the store exactly as it was); 2 usage. With no command it starts the
GUI. This module only runs a parsed command and maps errors to exit codes; each command
module of this package registers its commands (`registry.py`), calls the core services
and shows what they return with `fmt.py`.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from hcc_desktop.cli import context as c
from hcc_desktop.cli.parser import build_parser
from hcc_desktop.cli.registry import PROG
from hcc_desktop.core.clock import WallClock
from hcc_desktop.core.errors import HccError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor, require_text
from hcc_desktop.paths import default_store_path

OPERATOR_ENV = "HCC_OPERATOR"
POSITION_ENV = "HCC_POSITION"

#: The wall clock stores are opened with; None is the system clock. Tests set a fake.
WALL: WallClock | None = None

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
            lambda: open_store(
                path, wall=WALL, station_name=station, create=getattr(args, "create", False)
            ),
        )
        handler: c.Handler = args.func
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
