"""`--self-test` on the source tree: the same check the bundle runs in CI, through the
same entry point (`python -m hcc_desktop`), so a step that breaks is found before a
bundle is built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hcc_desktop import selftest

ROOT = Path(__file__).resolve().parents[1]


def test_self_test_passes_on_the_source_tree(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HCC_LOG_DIR=str(tmp_path / "logs"))
    env.pop("HCC_SETTINGS_DIR", None)
    env.pop("HCC_STORE", None)
    done = subprocess.run(
        [sys.executable, "-m", "hcc_desktop", "--self-test"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith("hcc-desktop ") and "self-test passed" in lines[0]
    for word in ("briefing", "package", "imported", "rendered"):
        assert word in lines[0]
    assert "Traceback" not in done.stderr


def test_a_failing_step_is_named_and_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HCC_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("HCC_SETTINGS_DIR", str(tmp_path / "settings"))
    monkeypatch.setattr(selftest, "run_steps", _fail_in_briefing)
    assert selftest.main([]) == 1
    err = capsys.readouterr().err
    assert "self-test FAILED at briefing PDF: OSError: no fonts" in err
    log = (tmp_path / "logs" / "hcc-desktop.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "no fonts" in log


def _fail_in_briefing(work: Path) -> str:
    def boom() -> None:
        raise OSError("no fonts")

    selftest._step("briefing PDF", boom)
    return "unreachable"
