"""`python -m hcc_desktop`: the same entry point as the `hcc-desktop` script (the GUI
when no command is given)."""

from __future__ import annotations

import sys

from hcc_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
