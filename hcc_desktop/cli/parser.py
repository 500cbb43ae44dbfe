"""The whole command line: the global options and every command module, in `--help`
order. The modules register their own commands (see `cli/registry.py`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from types import ModuleType

from hcc_desktop import __version__
from hcc_desktop.cli import (
    aar,
    capabilities,
    eei,
    eei_requests,
    exercises,
    handover,
    hva,
    incident,
    interop,
    ip,
    log,
    members,
    messages,
    plans,
    reports,
    requests,
    roster,
    station,
    sync,
)
from hcc_desktop.cli.registry import EPILOG, PROG, Commands, global_options, program_options

#: Every command module, in the order their commands appear in `--help`.
COMMAND_MODULES: tuple[ModuleType, ...] = (
    station,
    members,
    incident,
    log,
    requests,
    roster,
    handover,
    eei,
    eei_requests,
    messages,
    hva,
    plans,
    exercises,
    aar,
    ip,
    capabilities,
    sync,
    interop,
    reports,
)


def build_parser(
    modules: tuple[ModuleType, ...] = COMMAND_MODULES,
) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Offline-first operations console for health care coalition EOCs. "
        "Without a command, starts the GUI.",
        epilog=EPILOG,
    )
    program_options(parser)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    global_options(common, nested=True)
    cmds = Commands(parser.add_subparsers(dest="command", metavar="COMMAND"), common)
    for module in modules:
        register: Callable[[Commands], None] = module.register
        register(cmds)
    return parser
