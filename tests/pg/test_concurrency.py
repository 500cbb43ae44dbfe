"""Many seats writing at once: eight writer processes of 500 log entries each lose
nothing and every seat sees the same store; a seat killed in the middle of a write
leaves all of each committed entry and nothing of the one it was writing, and the
others go on writing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import incidents, log
from hcc_desktop.core.store import Store
from tests.pg.helpers import ACTOR, scalar

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 8
ENTRIES = 500


def _spawn(url: str, incident: str, seat: int, count: int, folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.pg.writer_child",
            url,
            incident,
            str(seat),
            str(count),
            str(folder / f"child-{seat}"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _texts(store: Store, incident: str) -> list[str]:
    entries = log.list_entries(store, flt=log.LogFilter(incident_id=incident))
    return [e.text for e in entries]


def test_eight_writer_processes_lose_nothing_and_every_seat_sees_the_same(
    server_url: str, open_seat: Callable[..., Store], tmp_path: Path
) -> None:
    watcher = open_seat()
    inc = incidents.create_incident(watcher, actor=ACTOR, name="Cyber attack on Hospital B")
    procs = [_spawn(server_url, inc, n, ENTRIES, tmp_path) for n in range(WRITERS)]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]
        assert out.count("\ndone ") + out.startswith("done ") == ENTRIES
    texts = _texts(watcher, inc)
    assert len(texts) == WRITERS * ENTRIES
    assert set(texts) == {f"{n}/{i}" for n in range(WRITERS) for i in range(ENTRIES)}
    # One version per entry, one change set per write, the clock past every stamp.
    assert scalar(watcher, "SELECT count(*) FROM versions WHERE entity = 'log_entry'") == (
        WRITERS * ENTRIES
    )
    assert scalar(watcher, "SELECT count(DISTINCT hlc) FROM versions") == scalar(
        watcher, "SELECT count(*) FROM versions"
    )
    assert scalar(watcher, "SELECT max(hlc) FROM versions") <= scalar(
        watcher, "SELECT hlc FROM clock_state"
    )
    assert dump_text(open_seat()) == dump_text(watcher) == dump_text(open_seat())


def test_a_seat_killed_mid_write_loses_only_its_open_transaction(
    server_url: str, open_seat: Callable[..., Store], tmp_path: Path
) -> None:
    watcher = open_seat()
    inc = incidents.create_incident(watcher, actor=ACTOR, name="Hurricane")
    victim = _spawn(server_url, inc, 0, 100_000, tmp_path)
    assert victim.stdout is not None
    done: list[str] = []
    deadline = time.monotonic() + 60
    while len(done) < 40 and time.monotonic() < deadline:
        line = victim.stdout.readline()
        if line.startswith("done "):
            done.append(line.split()[1])
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    texts = set(_texts(watcher, inc))
    # Everything it reported committed is there; at most the entry in flight more.
    assert set(done) <= texts
    assert len(texts) - len(done) <= 1
    assert scalar(watcher, "SELECT count(*) FROM versions WHERE entity = 'log_entry'") == len(texts)
    # Its write lock died with its connection: another seat writes at once.
    start = time.monotonic()
    log.add_entry(watcher, actor=ACTOR, incident_id=inc, text="after the kill")
    assert time.monotonic() - start < 5
