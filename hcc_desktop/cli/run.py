"""Running one command: the full parser (every command module), the store opened on
first use, and the exit-code contract: 0 done; 1 refused input (one line on stderr,
`hcc-desktop: <field>: <what was expected>`, and the store exactly as it was); 2 usage.

Imported only when a command (or --help) is given, so the GUI's start does not wait for
every command module and what they import (reportlab, the ORM, the interchange code).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from hcc_desktop.cli import context as c
from hcc_desktop.cli.parser import build_parser
from hcc_desktop.cli.registry import (
    OPERATOR_ENV,
    POSITION_ENV,
    PROG,
    refuse,
    store_label,
    store_path,
)
from hcc_desktop.core.clock import WallClock
from hcc_desktop.core.errors import HccError, ValidationError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services.common import Actor, require_text
from hcc_desktop.paths import STORE_ENV


def _actor(args: argparse.Namespace) -> Actor:
    name = args.operator or os.environ.get(OPERATOR_ENV) or _login_name()
    position = args.position or os.environ.get(POSITION_ENV) or "Operator"
    return Actor(require_text("operator", name, max_len=120), require_text("position", position))


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on this machine (a service account, a container)
        return "operator"


def _check_new_store_folder(args: argparse.Namespace, path: Path | str) -> None:
    """Refuse to create a store in a folder that does not exist when the operator named
    the store (`--store`, or $HCC_STORE): a typo in the path would otherwise quietly
    make the folders and a new, empty store somewhere unexpected, and the operator
    would go on working in it. The default store under the user's data folder (the
    GUI's first start, or a command with no store named) still has its folder made by
    `open_store`. Only the commands that may create a store (init, seed-demo) ask."""
    if not getattr(args, "create", False) or not isinstance(path, Path) or path.exists():
        return
    field = "--store" if args.store else STORE_ENV if os.environ.get(STORE_ENV) else None
    folder = path.parent if str(path.parent) else Path(".")
    if field is not None and not folder.is_dir():
        raise ValidationError(field, f"{folder}: no such folder")


def run_command(
    raw: list[str],
    *,
    wall: WallClock | None,
    gui: Callable[[argparse.Namespace, list[str]], int],
) -> int:
    """Parse `raw` with every command and run the one it names, on stores opened with
    `wall` (None: the system clock); `gui` starts the GUI when no command is named."""
    parser = build_parser()
    try:
        args = parser.parse_args(raw)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    if args.command is None:
        return gui(args, raw)
    if args.screenshot is not None or args.size is not None:
        parser.print_usage(sys.stderr)
        print(f"{PROG}: error: --screenshot and --size are for the GUI only", file=sys.stderr)
        return 2
    ctx: c.Context | None = None
    try:
        actor = _actor(args)
        path = store_path(args)
        _check_new_store_folder(args, path)
        station = getattr(args, "station", None)
        ctx = c.Context(
            actor,
            lambda: open_store(
                path, wall=wall, station_name=station, create=getattr(args, "create", False)
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
        return refuse(str(exc))
    except BrokenPipeError:  # `hcc-desktop log list | head`: the reader left, not an error
        _silence_stdout()
        return 0
    except OSError as exc:
        return refuse(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc))
    except SQLAlchemyError as exc:  # locked past the busy timeout, disk full, ...
        detail = getattr(exc, "orig", None) or exc.__class__.__name__
        return refuse(f"{store_label(args)}: the store cannot be used ({detail})")
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
