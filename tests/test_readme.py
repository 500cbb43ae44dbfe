"""README's two commands are a promise; CI must run the second one exactly."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text, flags=re.S)[:2]


def test_readme_opens_with_two_commands() -> None:
    run, test = _commands()
    assert "pip install -e ." in run and "hcc-desktop" in run
    assert "pytest" in test and "[test]" in test


def test_ci_runs_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _commands()[1] in ci.splitlines()


def _run_apt_prefix(tmp_path: Path, *, with_sudo: bool) -> str:
    """Run the first command's prefix up to apt-get with fake tools on an empty PATH."""
    import subprocess

    run = _commands()[0]
    prefix = run[: run.index("apt-get ")]
    bin_dir = tmp_path / ("with" if with_sudo else "without")
    bin_dir.mkdir()
    fakes = {"apt-get": 'echo "apt-get $*"'}
    if with_sudo:
        fakes["sudo"] = 'echo "sudo"; "$@"'
    for name, body in fakes.items():
        tool = bin_dir / name
        tool.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        tool.chmod(0o755)
    done = subprocess.run(
        ["/bin/sh", "-c", f"{prefix}apt-get install -y x"],
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_readme_first_command_works_with_and_without_sudo(tmp_path: Path) -> None:
    """Root on a bare Debian has no sudo; a user account has it: one line for both."""
    assert not _commands()[0].startswith("sudo ")
    assert _run_apt_prefix(tmp_path, with_sudo=False) == "apt-get install -y x\n"
    assert _run_apt_prefix(tmp_path, with_sudo=True) == "sudo\napt-get install -y x\n"
