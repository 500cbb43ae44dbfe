"""`python -m hcc_desktop` and the bundled program's entry point: the same command line
as the `hcc-desktop` script (the GUI when no command is given), plus `--self-test`,
which checks an installation end to end (see selftest.py).

The bundle is windowed: on Windows it has no console, so `sys.stdout`/`sys.stderr` are
None and the first `print` would raise. They are pointed at the null device and every
unhandled error goes to the log file (and, in the GUI, to a dialog naming that file).
"""

from __future__ import annotations

import os
import sys

SELF_TEST = "--self-test"


def _ensure_streams() -> None:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    _ensure_streams()
    from hcc_desktop import logs

    logs.install_excepthook()
    if SELF_TEST in args:
        from hcc_desktop.selftest import main as self_test

        return self_test([a for a in args if a != SELF_TEST])
    from hcc_desktop.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
