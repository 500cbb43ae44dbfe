"""Going to an entry of the incident log (a search hit, a link from another panel):
the rows up to its page are read with it, and an entry further down than the jump limit
is reported as out of reach after counting no further than the limit."""

from __future__ import annotations

import pytest

from hcc_desktop.core.services import incidents, log
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.models import log_reads

ACTOR = Actor("Dana Reyes", "Situation Unit Leader")


@pytest.fixture
def logged(store: Store) -> tuple[str, list[str]]:
    incident = incidents.create_incident(
        store, actor=ACTOR, name="Flood", started_at="2026-11-18T06:00:00Z"
    )
    ids = log.add_entries(
        store,
        actor=ACTOR,
        incident_id=incident,
        entries=[
            log.NewEntry(
                f"entry {i:03d}", occurred_at=f"2026-11-18T{8 + i // 60:02d}:{i % 60:02d}:00Z"
            )
            for i in range(120)
        ],
    )
    return incident, ids


def _find(store: Store, incident: str, entry_id: str, *, limit: int) -> log_reads.Found:
    return log_reads.find_entry(
        store, log.LogFilter(incident_id=incident), entry_id, offset=0, page=25, limit=limit,
        newest_first=True, members={}, seen_seq=0,
    )  # fmt: skip


def test_an_entry_within_reach_comes_with_the_rows_up_to_its_page(
    store: Store, logged: tuple[str, list[str]]
) -> None:
    incident, ids = logged
    found = _find(store, incident, ids[80], limit=100)  # newest first: 39 entries before it
    assert found.rank == 39
    assert len(found.rows) == 50 and found.rows[39].id == ids[80]


def test_an_entry_beyond_the_limit_is_counted_only_to_the_limit(
    store: Store, logged: tuple[str, list[str]]
) -> None:
    incident, ids = logged
    found = _find(store, incident, ids[0], limit=100)  # the oldest: 119 before it
    assert found.rank == 100 and found.rows == []
    assert _find(store, incident, ids[0], limit=1000).rank == 119
