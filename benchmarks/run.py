"""Run the benchmarks: `python benchmarks/run.py [--only NAME[,NAME]] [--scale F]
[--repeat N] [--out PATH]`.

Prints a table (workload, value, baseline, ratio, goal, pass/over) and writes
results.json. A missed goal is reported, not failed on: timings belong in a report that
a person reads next to the machine they came from, not in a red CI build that a busy
shared runner can cause. Exit status: 0 when every selected workload ran (goals met or
not) or was skipped for want of an outside part (a PostgreSQL server), 1 when a workload
raised, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, Python puts benchmarks/ first on the path, where a future
# benchmarks/<stdlib name>.py would shadow the standard library; use the repository root.
if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
    sys.path.pop(0)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import registry  # noqa: E402

#: Modules that register workloads, in the order their workloads run. A module that is
#: not there yet (or cannot be imported here, e.g. no Qt) is skipped with a note.
WORKLOAD_MODULES: tuple[str, ...] = (
    "benchmarks.workloads_core",
    "benchmarks.workloads_gui",
    "benchmarks.workloads_sync",
    "benchmarks.workloads_reports",
    "benchmarks.workloads_interop",
    "benchmarks.workloads_pg",
)

DEFAULT_OUT = HERE / "results.json"


def load_workload_modules(names: tuple[str, ...] = WORKLOAD_MODULES) -> list[str]:
    """Import each module so its @workload functions register; return notes on the ones
    that were skipped."""
    notes = []
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                notes.append(f"{name}: not present, skipped")
            else:
                notes.append(f"{name}: skipped, it needs {exc.name!r} which is not installed")
        except Exception as exc:
            notes.append(f"{name}: skipped, import failed: {exc!r}")
    return notes


# --------------------------------------------------------------------------- arguments


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text!r}")
    return value


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one workload name")
    return names


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Time hcc-desktop workloads against baselines measured in the same run.",
    )
    p.add_argument(
        "--only",
        type=_names,
        metavar="NAME[,NAME]",
        help="run only these workloads (see --list)",
    )
    p.add_argument(
        "--scale",
        type=_positive_float,
        default=1.0,
        metavar="F",
        help="multiply row counts by F (default 1.0; 0.05 for a quick smoke run)",
    )
    p.add_argument(
        "--repeat",
        type=_positive_int,
        default=3,
        metavar="N",
        help="take the best of N runs of each side (default 3)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="PATH",
        help=f"where to write the results (default {DEFAULT_OUT.relative_to(ROOT)})",
    )
    p.add_argument(
        "--tmpdir",
        type=Path,
        metavar="DIR",
        help="build stores under DIR (default: the system temporary directory); put it "
        "on the disk you want measured, since fsync cost is part of the numbers",
    )
    p.add_argument("--list", action="store_true", help="list the workloads and exit")
    return p


# --------------------------------------------------------------------------- reporting


def machine_info() -> dict[str, Any]:
    """Enough to tell two results.json files from different machines apart."""
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        import sqlalchemy

        info["sqlalchemy"] = sqlalchemy.__version__
    except ImportError:
        pass
    info["revision"] = _git_revision()
    return info


def _git_revision() -> str | None:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+dirty" if dirty else head


def _finite(x: float | None, digits: int) -> float | None:
    return round(x, digits) if x is not None and math.isfinite(x) else None


def entry_for(
    w: registry.Workload,
    result: registry.Result | None,
    error: str | None,
    skipped: str | None = None,
) -> dict[str, Any]:
    """One workload's record in results.json."""
    entry: dict[str, Any] = {
        "name": w.name,
        "description": w.description,
        "value": None,
        "baseline": None,
        "unit": "s",
        "ratio": None,
        "goal": w.goal,
        "met": False,
    }
    if result is not None:
        ratio = result.ratio
        entry.update(
            value=_finite(result.value, 6),
            baseline=_finite(result.baseline, 6),
            unit=result.unit,
            ratio=_finite(ratio, 3),
            met=bool(ratio <= w.goal),
            details=result.details,
        )
    if error is not None:
        entry["error"] = error
    if skipped is not None:
        entry["skipped"] = skipped
    return entry


def _fmt(x: float | None, unit: str) -> str:
    if x is None:
        return "-"
    return f"{x:.3f} {unit}" if unit == "s" else f"{x:.4g} {unit}"


def format_table(entries: list[dict[str, Any]]) -> str:
    header = ("workload", "value", "baseline", "ratio", "goal", "result")
    rows = [header]
    for e in entries:
        ratio = "-" if e["ratio"] is None else f"{e['ratio']:.2f}x"
        if "error" in e:
            verdict = "error"
        elif "skipped" in e:
            verdict = "skipped"
        else:
            verdict = "pass" if e["met"] else "over"
        rows.append(
            (
                e["name"],
                _fmt(e["value"], e["unit"]),
                _fmt(e["baseline"], e["unit"]),
                ratio,
                f"<= {e['goal']:g}x",
                verdict,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    right = {1, 2, 3, 4}

    def line(r: tuple[str, ...]) -> str:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(rows[0]), rule, *(line(r) for r in rows[1:])])


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.tmpdir is not None and not args.tmpdir.is_dir():
        parser.error(f"--tmpdir {args.tmpdir}: not a directory")

    notes = load_workload_modules()
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    available = registry.registered()
    if args.list:
        for w in available:
            print(f"{w.name:<16} goal <= {w.goal:g}x  {w.description}")
        return 0
    if args.only:
        known = {w.name for w in available}
        unknown = [n for n in args.only if n not in known]
        if unknown:
            parser.error(
                f"unknown workload(s): {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known)) or 'none'}"
            )
        selected = [w for w in available if w.name in args.only]
    else:
        selected = available
    if not selected:
        parser.error("no workloads registered")

    entries = []
    failed = False
    for w in selected:
        print(
            f"running {w.name} (scale {args.scale:g}, best of {args.repeat}) ...",
            file=sys.stderr,
            flush=True,
        )
        result: registry.Result | None = None
        error: str | None = None
        skipped: str | None = None
        with tempfile.TemporaryDirectory(prefix=f"hcc-bench-{w.name}-", dir=args.tmpdir) as tmp:
            ctx = registry.Context(scale=args.scale, repeat=args.repeat, tmpdir=Path(tmp))
            try:
                result = w.run(ctx)
            except registry.Unavailable as exc:
                skipped = str(exc)
                print(f"note: {w.name} skipped: {skipped}", file=sys.stderr)
            except Exception as exc:
                failed = True
                error = f"{type(exc).__name__}: {exc}"
                traceback.print_exc(file=sys.stderr)
        entries.append(entry_for(w, result, error, skipped))

    print(format_table(entries))
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "machine": machine_info(),
        "settings": {
            "scale": args.scale,
            "repeat": args.repeat,
            "only": args.only,
            "tmpdir": str(args.tmpdir or tempfile.gettempdir()),
        },
        "notes": notes,
        "workloads": entries,
    }
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
