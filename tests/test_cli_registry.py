"""The command line is one package with one way to add a command: every module of
`hcc_desktop/cli/` that registers commands is in `COMMAND_MODULES`, and every command
the parser knows has a handler (`func`)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil

import hcc_desktop.cli as cli_package
from hcc_desktop.cli.parser import COMMAND_MODULES, build_parser


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaves(child, (*path, name))


def test_every_module_that_registers_commands_is_listed() -> None:
    registering = set()
    for info in pkgutil.iter_modules(cli_package.__path__):
        module = importlib.import_module(f"hcc_desktop.cli.{info.name}")
        if callable(getattr(module, "register", None)):
            registering.add(module.__name__)
    assert registering == {m.__name__ for m in COMMAND_MODULES}


def test_every_command_has_a_handler_and_the_exit_code_epilog() -> None:
    leaves = list(_leaves(build_parser()))
    assert len(leaves) > 40
    for path, leaf in leaves:
        assert callable(leaf.get_default("func")), " ".join(path)
        assert leaf.get_default("leaf") is leaf, " ".join(path)
        assert "exit codes" in (leaf.epilog or ""), " ".join(path)


def test_global_options_after_the_command_everywhere_but_ics214() -> None:
    """`--store` works after every command; `form ics214 --operator` keeps its meaning
    (whose entries), so there the acting operator is not an option."""
    for path, leaf in _leaves(build_parser()):
        options = {o for a in leaf._actions for o in a.option_strings}
        assert "--store" in options, " ".join(path)
        if path != ("form", "ics214"):
            assert {"--operator", "--position"} <= options, " ".join(path)
