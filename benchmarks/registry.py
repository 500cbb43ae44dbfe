"""The workload registry and the timing helpers every workload shares.

A workload is a function decorated with `@workload(name, goal, description)`. It gets a
`Context` (scale, repeats, a private temporary directory) and returns either a pair
`(value_seconds, baseline_seconds)` or a `Result` with details. The goal is a ratio
(value / baseline) that must not be exceeded. Ratios, not wall-clock limits, because
the same code runs 3x faster on a developer's laptop than on a coalition's ten-year-old
EOC desktop, while the ratio to "what SQLite itself costs on this machine" barely moves.

Workload modules for later areas (GUI, sync, PDF, interop) only need to import this
module and decorate their functions; `benchmarks/run.py` imports the modules it knows.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Result:
    """What one workload measured. `value` and `baseline` are in `unit` (seconds unless
    a workload says otherwise); `details` holds anything worth keeping in results.json
    (row counts, byte counts, sanity checks)."""

    value: float
    baseline: float
    unit: str = "s"
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline > 0 else float("inf")

    @classmethod
    def from_laps(cls, value: Lap, baseline: Lap, **details: Any) -> Result:
        """Wall seconds as value and baseline, CPU seconds kept in the details."""
        cpu = {
            "value_cpu_seconds": _rounded(value.cpu_seconds),
            "baseline_cpu_seconds": _rounded(baseline.cpu_seconds),
        }
        return cls(value.seconds, baseline.seconds, "s", {**cpu, **details})


def _rounded(x: float) -> float | None:
    return round(x, 6) if math.isfinite(x) else None


@dataclass
class Lap:
    """Filled in by `stopwatch` when its block ends. `seconds` (perf_counter) is what
    ratios use; `cpu_seconds` (this process's CPU time) is kept alongside because on a
    loaded machine it shows whether a slow run was our code or the neighbours."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def best(self, other: Lap) -> Lap:
        """The faster of two laps, whole: its wall and CPU time belong to the same run
        (a minimum taken per field would pair one run's wall time with another's CPU
        time and describe a run that never happened)."""
        return other if other.seconds < self.seconds else self


@contextmanager
def stopwatch() -> Iterator[Lap]:
    """Time a block with perf_counter. Collects garbage first so that one trial does not
    pay for the previous trial's garbage; the collector stays on during the block
    because the application runs with it on."""
    gc.collect()
    lap = Lap()
    cpu = time.process_time()
    start = time.perf_counter()
    try:
        yield lap
    finally:
        lap.seconds = time.perf_counter() - start
        lap.cpu_seconds = time.process_time() - cpu


#: A trial does its own untimed setup and returns its timed part: a Lap from `stopwatch`
#: or plain seconds.
Trial = Callable[[], "Lap | float"]


def _lap(x: Lap | float) -> Lap:
    return x if isinstance(x, Lap) else Lap(float(x), float("inf"))  # CPU unknown


@dataclass(frozen=True)
class Context:
    """What a workload is given. Each workload gets its own `tmpdir`, removed afterwards
    by the runner, so workloads cannot see each other's stores."""

    scale: float
    repeat: int
    tmpdir: Path

    def rows(self, full: int, *, minimum: int = 1) -> int:
        """`full` (the row count the goal was set for) times the scale."""
        return max(minimum, round(full * self.scale))

    def interleave(self, *trials: Trial) -> list[Lap]:
        """Best of `repeat` runs of each trial, run in turn (a, b, a, b, ...) so that a
        slow spell of the machine hits every side rather than one."""
        best = [Lap(float("inf"), float("inf")) for _ in trials]
        for _ in range(self.repeat):
            for i, trial in enumerate(trials):
                best[i] = best[i].best(_lap(trial()))
        return best

    def compare(self, value: Trial, baseline: Trial) -> tuple[Lap, Lap]:
        """Best of `repeat` runs of the measured path and of its baseline, interleaved."""
        v, b = self.interleave(value, baseline)
        return v, b


WorkloadFunc = Callable[[Context], "tuple[float, float] | Result"]


class Unavailable(Exception):
    """Raised by a workload whose outside part is missing on this machine (the EOC
    server workloads without a PostgreSQL server): the run reports it as skipped, with
    the reason, and does not count it as a failure."""


@dataclass(frozen=True)
class Workload:
    name: str
    goal: float
    description: str
    func: WorkloadFunc
    module: str

    def run(self, ctx: Context) -> Result:
        return as_result(self.func(ctx))


_REGISTRY: dict[str, Workload] = {}


def workload(name: str, goal: float, description: str) -> Callable[[WorkloadFunc], WorkloadFunc]:
    """Register a workload. `goal` is the largest acceptable value/baseline ratio."""
    if not name or "," in name or name != name.strip():
        raise ValueError(f"workload name {name!r}: no commas or surrounding spaces")
    if not goal > 0:
        raise ValueError(f"workload {name}: goal must be a positive ratio, got {goal!r}")

    def register(func: WorkloadFunc) -> WorkloadFunc:
        module = getattr(func, "__module__", "?")
        old = _REGISTRY.get(name)
        if old is not None and (old.module, old.func.__qualname__) != (
            module,
            func.__qualname__,
        ):
            raise ValueError(f"workload {name!r} is registered twice ({old.module}, {module})")
        _REGISTRY[name] = Workload(name, float(goal), description, func, module)
        return func

    return register


def registered() -> list[Workload]:
    """All workloads, in the order their modules registered them."""
    return list(_REGISTRY.values())


def as_result(raw: Any) -> Result:
    """Accept the shapes a workload may return: Result, (value, baseline), or a mapping
    with value/baseline (and optionally unit, details)."""
    if isinstance(raw, Result):
        return raw
    if isinstance(raw, Mapping):
        return Result(
            float(raw["value"]),
            float(raw["baseline"]),
            str(raw.get("unit", "s")),
            dict(raw.get("details", {})),
        )
    if isinstance(raw, tuple) and len(raw) == 2:
        return Result(float(raw[0]), float(raw[1]))
    raise TypeError(f"a workload must return (value, baseline) or a Result, got {raw!r}")
