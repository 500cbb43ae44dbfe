"""Deliberate mutants of the merge, the clock and the importer (SYNC.md, "Tests that
prove it"): each test breaks the code in one way known from other sync systems and runs
the property machine of test_property.py, which must then fail.

They are strict xfails: if a mutant ever survives (XPASS), the suite has lost the power
to see that kind of bug and pytest reports it as a failure. `raises=AssertionError`
makes sure a mutant is killed by an invariant of the machine, not by a crash in it. The
machine runs derandomized and without shrinking: the same examples every time, and a
kill costs only the examples before the first failure. `test_unmutated_control` runs
the same budget on the real code, which must pass, so the kills are the mutants' doing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_property import MUTANT, run_machine

from hcc_desktop.core import versions
from hcc_desktop.core.clock import HybridClock
from hcc_desktop.sync import importer


def _run(pool: dict[str, Path], scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_machine(pool, scratch, MUTANT, monkeypatch)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="mutant: must be killed")
def test_mutant_no_site_tiebreak(
    pool: dict[str, Path], ram_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Winner by HLC alone: of two versions with the same stamp, whichever the station
    happened to receive first wins, so stations that received them in different orders
    show different values."""
    monkeypatch.setattr(versions, "pick_winner", lambda vs: max(vs, key=lambda v: v.hlc))
    _run(pool, ram_dir, monkeypatch)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="mutant: must be killed")
def test_mutant_no_receive_rule(
    pool: dict[str, Path], ram_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clock does not observe imported stamps: an edit made after seeing another
    can sort before it, and the operator's own correction loses to what it corrected."""

    def observe(self: HybridClock, remote: int) -> int:
        return self.last

    monkeypatch.setattr(HybridClock, "observe", observe)
    _run(pool, ram_dir, monkeypatch)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="mutant: must be killed")
def test_mutant_last_arrival_wins(
    pool: dict[str, Path], ram_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever arrived last wins (the naive "apply the incoming change" merge)."""
    monkeypatch.setattr(versions, "pick_winner", lambda vs: max(vs, key=lambda v: v.seq))
    _run(pool, ram_dir, monkeypatch)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="mutant: must be killed")
def test_mutant_import_drops_a_line(
    pool: dict[str, Path], ram_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The importer silently skips the last line of every package (an off-by-one in
    the line reader)."""
    parse = importer._parse_lines

    def drop_last(*args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        rows = list(parse(*args, **kwargs))
        yield from rows[:-1]

    monkeypatch.setattr(importer, "_parse_lines", drop_last)
    _run(pool, ram_dir, monkeypatch)


def test_unmutated_control(
    pool: dict[str, Path], ram_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mutants' budget on the real code passes."""
    _run(pool, ram_dir, monkeypatch)
