"""Live updates between seats: a change committed at one seat reaches the listeners of
the others within a second or two (LISTEN/NOTIFY), never one that was rolled back, and
a seat does not hear its own changes twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from hcc_desktop.core import pg
from hcc_desktop.core.services import incidents, log
from hcc_desktop.core.store import Store
from hcc_desktop.core.versions import Changes
from tests.pg.helpers import ACTOR


class Ear:
    """Collects what a seat's listeners hear, from the listener thread."""

    def __init__(self) -> None:
        self.heard: list[Changes] = []
        self.lock = threading.Lock()

    def __call__(self, changes: Changes) -> None:
        with self.lock:
            self.heard.append(changes)

    def ids(self, entity: str) -> set[str]:
        with self.lock:
            return {r for c in self.heard for r in c.records.get(entity, ())}

    def wait_for(self, entity: str, ids: set[str], seconds: float = 2.0) -> float:
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            if ids <= self.ids(entity):
                return time.monotonic() - start
            time.sleep(0.02)
        raise AssertionError(f"not heard within {seconds} s: {sorted(ids - self.ids(entity))}")


def test_another_seats_change_is_heard_within_two_seconds(
    open_seat: Callable[..., Store],
) -> None:
    watcher = open_seat(live=True)
    writer = open_seat(live=True)
    ear, own = Ear(), Ear()
    watcher.listeners.append(ear)
    writer.listeners.append(own)
    inc = incidents.create_incident(writer, actor=ACTOR, name="Ice storm")
    entry = log.add_entry(writer, actor=ACTOR, incident_id=inc, text="Shelter open")
    ear.wait_for("log_entry", {entry})
    assert inc in ear.ids("incident")
    time.sleep(0.3)
    # The writer heard its change once, at its own commit, not again by notice.
    assert sum(1 for c in own.heard if entry in c.records.get("log_entry", ())) == 1


def test_a_rolled_back_change_is_never_heard(open_seat: Callable[..., Store]) -> None:
    watcher = open_seat(live=True)
    writer = open_seat()
    ear = Ear()
    watcher.listeners.append(ear)
    inc = incidents.create_incident(writer, actor=ACTOR, name="Ice storm")
    ear.wait_for("incident", {inc})
    with pytest.raises(RuntimeError), writer.atomic():
        gone = log.add_entry(writer, actor=ACTOR, incident_id=inc, text="never committed")
        raise RuntimeError("stop")
    kept = log.add_entry(writer, actor=ACTOR, incident_id=inc, text="committed")
    ear.wait_for("log_entry", {kept})
    assert gone not in ear.ids("log_entry")


def test_a_large_change_arrives_whole_in_several_notices(
    open_seat: Callable[..., Store],
) -> None:
    watcher = open_seat(live=True)
    writer = open_seat()
    ear = Ear()
    watcher.listeners.append(ear)
    inc = incidents.create_incident(writer, actor=ACTOR, name="Ice storm")
    ids = log.add_entries(
        writer, actor=ACTOR, incident_id=inc, entries=[log.NewEntry(f"e{i}") for i in range(2000)]
    )
    ear.wait_for("log_entry", set(ids), seconds=5)
    assert len(ear.heard) > 2  # split under PostgreSQL's payload limit


def test_notice_payloads_stay_under_the_limit_and_round_trip() -> None:
    changes = Changes()
    for i in range(3000):
        changes.add("log_entry" if i % 3 else "eei_report", f"{i:036d}")
    payloads = list(pg.notice_payloads("seat", changes))
    assert all(len(p.encode()) < pg.PAYLOAD_LIMIT + 100 for p in payloads)
    back = Changes()
    for p in payloads:
        parsed = pg.parse_notice(p)
        assert parsed is not None and parsed[0] == "seat"
        back.merge(parsed[1])
    assert back.records == changes.records
    assert pg.parse_notice("not json") is None
    assert pg.parse_notice('{"s": 1, "r": {}}') is None
