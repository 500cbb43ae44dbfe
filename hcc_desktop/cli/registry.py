"""How a command is added: one `register(cmds)` per command module (listed in
`cli/parser.py`), one way to declare a group (a noun) and a command (a verb), and the
options every command shares.

A new command is a handler function and a `cmds.command(...)` line in the module of its
group; a new group of commands is a new module plus one line in `COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hcc_desktop.core.pgurl import is_server_location, redact
from hcc_desktop.paths import STORE_ENV, default_store_path

if TYPE_CHECKING:
    from hcc_desktop.cli.context import Handler

PROG = "hcc-desktop"
OPERATOR_ENV = "HCC_OPERATOR"
POSITION_ENV = "HCC_POSITION"
#: Options of the whole program that take a value (the GUI/command decision skips them).
VALUE_OPTIONS = frozenset({"--store", "--operator", "--position", "--screenshot", "--size"})
EPILOG = (
    "exit codes: 0 done; 1 refused input (one line naming the field, the store "
    "unchanged); 2 usage. Times without a zone are local time."
)

SubParsers = argparse._SubParsersAction  # the type argparse gives no public name


class Commands:
    """Where `register` functions add their commands. Every command gets the global
    options again (so `hcc-desktop members list --store S` works as well as
    `hcc-desktop --store S members list`), the exit-code epilog, and `func`, `create`
    and `leaf` defaults that `cli.main` reads."""

    def __init__(self, where: SubParsers, common: argparse.ArgumentParser) -> None:
        self._where = where
        self._common = common

    def group(self, name: str, help_text: str) -> Commands:
        """A noun with verbs under it (`hcc-desktop log add`)."""
        p = self._where.add_parser(name, help=help_text, description=help_text, epilog=EPILOG)
        return Commands(
            p.add_subparsers(dest=f"{name}_action", metavar="ACTION", required=True),
            self._common,
        )

    def command(
        self,
        name: str,
        handler: Handler,
        help_text: str,
        *,
        description: str | None = None,
        create: bool = False,
        json: bool = False,
        global_options: bool = True,
    ) -> argparse.ArgumentParser:
        """One command. `create`: it may create the store (init, seed-demo); `json`: it
        takes `--json`; `global_options=False` for a command whose own option reuses a
        global name (`form ics214 --operator` filters by operator)."""
        p = self._where.add_parser(
            name,
            help=help_text,
            description=description or help_text,
            epilog=EPILOG,
            parents=[self._common] if global_options else [],
        )
        p.set_defaults(func=handler, create=create, leaf=p)
        if json:
            p.add_argument("--json", action="store_true", help="print JSON for scripts")
        return p


# ------------------------------------------------------------------ option types


def positive(text: str) -> int:
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"expected a whole number above 0, got {text!r}")


def size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if sep and width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0:
        return int(width), int(height)
    raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT like 1600x1000, got {text!r}")


def incident_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--incident", metavar="ID", help="incident id (default: the current one)")


def global_options(p: argparse.ArgumentParser, *, nested: bool) -> None:
    """Repeated on each command with SUPPRESS as the default, so a value given before
    the command is not overwritten by the command's own (absent) one."""
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


def program_options(parser: argparse.ArgumentParser) -> None:
    """The options of the program itself (before any command)."""
    global_options(parser, nested=False)
    parser.add_argument("--screenshot", metavar="FILE.png", type=Path, help="GUI: save a PNG, exit")
    parser.add_argument("--size", metavar="WxH", type=size, help="GUI: window size")


def global_parser() -> argparse.ArgumentParser:
    """The parser the GUI start needs: the program's options and no commands."""
    parser = argparse.ArgumentParser(prog=PROG, epilog=EPILOG)
    program_options(parser)
    return parser


def store_path(args: argparse.Namespace) -> Path | str:
    """The store to open: a file, or an EOC server's `postgresql://` URL, kept as text
    (a Path would fold its `//`)."""
    if args.store and is_server_location(args.store):
        return str(args.store)
    env = os.environ.get(STORE_ENV)
    if not args.store and env and is_server_location(env):
        return env
    return Path(args.store) if args.store else default_store_path()


def store_label(args: argparse.Namespace) -> str:
    """The store for messages: a server URL without its password."""
    where = store_path(args)
    return redact(where) if isinstance(where, str) else str(where)


def refuse(message: str) -> int:
    """Exit 1 with one line on stderr naming what was refused."""
    print(f"{PROG}: {' '.join(message.splitlines())}", file=sys.stderr)
    return 1
