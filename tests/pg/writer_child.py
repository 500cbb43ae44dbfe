"""One seat in its own process, for the concurrency tests: opens the server store and
adds log entries one transaction each, printing a line per committed entry (so a test
can kill it mid-write and know what must be there).

    python -m tests.pg.writer_child URL INCIDENT_ID SEAT COUNT LOCAL_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import log
from hcc_desktop.core.services.common import Actor


def main() -> int:
    url, incident_id, seat, count, local_dir = sys.argv[1:6]
    actor = Actor(f"Seat {seat}", "Logistics")
    with open_store(url, live=False, local_dir=Path(local_dir)) as store:
        print("open", flush=True)
        for i in range(int(count)):
            rid = log.add_entry(store, actor=actor, incident_id=incident_id, text=f"{seat}/{i}")
            print(f"done {seat}/{i} {rid}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
