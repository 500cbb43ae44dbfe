"""`hcc-desktop`: the console's operations headless, for scripts, tests and the night
shift on a machine without a display; with no command it starts the GUI.

The command names, options and exit codes are a contract other scripts rely on (see
`run.py`). This module only decides between the two: a command line that names a
command (or asks for help) goes to `run.run_command`, which imports every command
module; one that does not starts the GUI after parsing just the global options, so the
first paint waits for none of the commands. Each command module of this package
registers its commands (`registry.py`), calls the core services and shows what they
return with `fmt.py`.
"""

from __future__ import annotations

import argparse
import os
import sys

from hcc_desktop.cli.registry import (
    OPERATOR_ENV,
    POSITION_ENV,
    PROG,
    VALUE_OPTIONS,
    global_parser,
    refuse,
    store_path,
)
from hcc_desktop.core.clock import WallClock
from hcc_desktop.core.errors import HccError

#: The wall clock stores are opened with; None is the system clock. Tests set a fake.
WALL: WallClock | None = None


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    if _names_a_command(raw):
        from hcc_desktop.cli.run import run_command

        return run_command(raw, wall=WALL, gui=run_gui)
    try:
        args = global_parser().parse_args(raw)
    except SystemExit as exc:  # a usage error in the global options (2)
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    return run_gui(args, raw)


def _names_a_command(raw: list[str]) -> bool:
    """True when `raw` names a command or asks for help or the version (both list the
    commands): the first word that is neither an option nor an option's value."""
    skip = False
    for word in raw:
        if skip:
            skip = False
        elif word in ("-h", "--help", "--version"):
            return True
        elif word in VALUE_OPTIONS:
            skip = True
        elif not word.startswith("-"):
            return True
    return False


def run_gui(args: argparse.Namespace, argv: list[str]) -> int:
    path = store_path(args)
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
        return int(run(path, [PROG, *argv], screenshot=args.screenshot, size=args.size) or 0)
    except HccError as exc:
        return refuse(str(exc))
