"""Nothing under core/, sync/, interop/ or reports/ imports Qt (DESIGN.md, "Rules of the
house"): the CLI, the tests and a headless server use them without a display."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "hcc_desktop"
HEADLESS = ("core", "sync", "interop", "reports")
FORBIDDEN = ("PySide6", "pyqtgraph", "hcc_desktop.gui", "shiboken6")

IMPORT_ALL = textwrap.dedent(
    """
    import importlib
    import pkgutil
    import sys

    import hcc_desktop

    done = []
    for sub in {subs!r}:
        name = "hcc_desktop." + sub
        try:
            pkg = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # that part does not exist (yet)
            raise
        done.append(name)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=name + "."):
            importlib.import_module(info.name)
            done.append(info.name)
    bad = sorted(m for m in sys.modules if m.startswith({forbidden!r}))
    assert not bad, "Qt was imported: " + ", ".join(bad)
    print("\\n".join(done))
    """
)


def headless_files() -> list[Path]:
    return sorted(p for sub in HEADLESS for p in (PACKAGE / sub).rglob("*.py"))


def test_importing_every_headless_module_loads_no_qt() -> None:
    script = IMPORT_ALL.format(subs=HEADLESS, forbidden=FORBIDDEN)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("QT_QPA_PLATFORM", None)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    imported = set(done.stdout.split())
    expected = {
        "hcc_desktop.core",
        "hcc_desktop.core.store",
        "hcc_desktop.core.versions",
        "hcc_desktop.core.services.undo",
        "hcc_desktop.core.services.eei",
    }
    assert expected <= imported
    # Every module file found on disk was imported.
    on_disk = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in headless_files()
    }
    assert on_disk <= imported, sorted(on_disk - imported)


def forbidden_imports(source: str, rel: Path) -> list[str]:
    """Imports of Qt or the GUI in `source`, a file at `rel` (relative to the root)."""
    tree = ast.parse(source, filename=str(rel))
    package = list(rel.parent.parts)
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        for name in names:
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                found.append(f"{rel}:{node.lineno}: {name}")
    return found


def test_no_headless_file_imports_qt_or_the_gui() -> None:
    files = headless_files()
    assert PACKAGE / "core" / "store.py" in files
    problems = [
        problem
        for f in files
        for problem in forbidden_imports(f.read_text(encoding="utf-8"), f.relative_to(ROOT))
    ]
    assert problems == []


def test_the_static_check_catches_an_import() -> None:
    samples = {
        "import PySide6.QtCore": True,
        "from PySide6 import QtWidgets": True,
        "import pyqtgraph as pg": True,
        "from hcc_desktop.gui.panels import members": True,
        "from hcc_desktop import gui": True,
        "from ..gui import actions": True,
        "from .. import gui": True,
        "def f():\n    import PySide6": True,
        "importlib.import_module('PySide6.QtGui')": True,
        "from hcc_desktop.core import store": False,
        "from . import store": False,
        "from ..sync import package": False,
        "import json": False,
        "GUI = 'PySide6'": False,
    }
    rel = Path("hcc_desktop") / "core" / "sample.py"
    for source, bad in samples.items():
        assert bool(forbidden_imports(source, rel)) is bad, source


def test_import_contracts_hold() -> None:
    """The import-linter contracts in pyproject.toml (Qt-free parts, layers, which
    package may use reportlab or openpyxl, who may import the CLI) on the source as it
    is; the same check .ci/run makes with `lint-imports`."""
    pytest.importorskip("importlinter")
    script = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_qt_contract_names_what_these_tests_forbid() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    linter = config["tool"]["importlinter"]
    assert linter["include_external_packages"] is True
    (qt,) = [
        c
        for c in linter["contracts"]
        if c["type"] == "forbidden" and "hcc_desktop.gui" in c["forbidden_modules"]
    ]
    assert set(qt["source_modules"]) == {f"hcc_desktop.{sub}" for sub in HEADLESS}
    assert set(qt["forbidden_modules"]) == set(FORBIDDEN)
    assert not qt.get("allow_indirect_imports", False)
    assert not qt.get("ignore_imports")
