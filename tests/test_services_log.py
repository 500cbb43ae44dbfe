"""The incident log: append-only entries, corrections, retractions and significant
events."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import and_ as sa_and
from sqlalchemy import func, select
from sqlalchemy import or_ as sa_or
from sqlalchemy import text as sql_text

from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents, log, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

NOW = "2026-11-18T11:06:40Z"
BOB = Actor("Bob Okafor", "Logistics Section Chief")


def snapshot(store: Store) -> tuple[Any, ...]:
    with store.read() as s:
        changes = s.scalar(select(func.count()).select_from(m.ChangeSet))
        versions = s.scalar(select(func.count()).select_from(m.Version))
        clock = s.get_one(m.ClockState, 1).hlc
        settings = sorted((r.key, r.value) for r in s.scalars(select(m.Setting)))
    return dump_text(store), changes, versions, clock, settings


def refused(store: Store, field: str, call: Callable[..., Any], **kw: Any) -> ValidationError:
    before = snapshot(store)
    with pytest.raises(ValidationError) as info:
        call(store, **kw)
    assert info.value.field == field, str(info.value)
    after = snapshot(store)
    assert after[0] == before[0]
    assert after == before
    return info.value


def entry(store: Store, entry_id: str) -> m.LogEntry:
    with store.read() as s:
        return s.get_one(m.LogEntry, entry_id)


def versions_of(store: Store, record_id: str) -> list[m.Version]:
    with store.read() as s:
        stmt = select(m.Version).where(m.Version.record_id == record_id).order_by(m.Version.seq)
        return list(s.scalars(stmt))


@pytest.fixture
def incident(store: Store, actor: Actor) -> str:
    return incidents.create_incident(
        store, actor=actor, name="Hurricane Zoe", started_at="2026-11-18T06:00Z"
    )


@pytest.fixture
def hospital(store: Store, actor: Actor) -> str:
    return organizations.add_organization(
        store, actor=actor, name="Hartford Hospital", member_type="hospital", membership="core"
    )


def all_entries(store: Store, incident: str, **kw: Any) -> list[m.LogEntry]:
    return log.list_entries(store, flt=log.LogFilter(incident_id=incident, **kw))


# ----------------------------------------------------------------------------- add


def test_add_entry(store: Store, actor: Actor, incident: str, hospital: str) -> None:
    eid = log.add_entry(
        store,
        actor=actor,
        incident_id=incident,
        text="  Generator failed at 11:02  ",
        category="Resource",
        priority="Urgent",
        organization_id=hospital,
        occurred_at="2026-11-18T06:02-05:00",  # before the clock's 11:06Z
        source="radio",
    )
    e = entry(store, eid)
    assert log.entry_dict(e) == {
        "id": eid,
        "incident_id": incident,
        "occurred_at": "2026-11-18T11:02:00Z",
        "operator": "Dana Reyes",
        "position": "Situation Unit Leader",
        "station": "Test Station",
        "category": "resource",
        "priority": "urgent",
        "text": "Generator failed at 11:02",
        "organization_id": hospital,
        "corrects_id": None,
        "significant": None,
        "deleted": False,
    }
    assert e.source == "radio"
    [v] = versions_of(store, eid)  # the whole entry is one merge unit
    assert (v.unit, v.operator, v.site_id, v.parent_id) == (
        "entry",
        actor.label,
        store.site_id,
        None,
    )
    assert json.loads(v.value)["text"] == "Generator failed at 11:02"


def test_entry_time_defaults_to_now(store: Store, actor: Actor, incident: str) -> None:
    eid = log.add_entry(store, actor=actor, incident_id=incident, text="Briefing held")
    e = entry(store, eid)
    assert (e.occurred_at, e.category, e.priority) == (NOW, "general", "routine")


def test_batch_add_is_one_change(store: Store, actor: Actor, incident: str, wall) -> None:
    batch = [
        log.NewEntry("One", occurred_at="2026-11-18T07:00Z"),
        log.NewEntry("Two", category="decision", occurred_at="2026-11-18T08:00Z"),
        log.NewEntry("Three", author=BOB, station="EOC North", occurred_at="2026-11-18T09:00Z"),
    ]
    ids = log.add_entries(store, actor=actor, incident_id=incident, entries=batch)
    assert len(set(ids)) == 3
    listed = all_entries(store, incident)
    assert [e.id for e in listed] == ids
    assert [e.text for e in listed] == ["One", "Two", "Three"]
    assert (listed[2].operator, listed[2].station) == ("Bob Okafor", "EOC North")
    assert (listed[0].operator, listed[0].station) == ("Dana Reyes", "Test Station")
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(m.ChangeSet)) == 2  # incident + batch
        change = s.scalars(select(m.ChangeSet).order_by(m.ChangeSet.id.desc())).first()
    assert change.summary == "3 log entries"
    assert {v.change_id for i in ids for v in versions_of(store, i)} == {change.id}


def test_a_bad_entry_in_a_batch_writes_nothing(store: Store, actor: Actor, incident: str) -> None:
    batch = [log.NewEntry("Fine"), log.NewEntry("   "), log.NewEntry("Also fine")]
    err = refused(
        store, "entry 2: text", log.add_entries, actor=actor, incident_id=incident, entries=batch
    )
    assert err.message == "must not be empty"
    batch = [log.NewEntry("Fine"), log.NewEntry("Bad", category="gossip")]
    refused(
        store,
        "entry 2: category",
        log.add_entries,
        actor=actor,
        incident_id=incident,
        entries=batch,
    )
    assert all_entries(store, incident) == []


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": " \n\t "}, "text"),
        ({"text": "x" * (64 * 1024 + 1)}, "text"),
        ({"category": "gossip"}, "category"),
        ({"priority": "extreme"}, "priority"),
        ({"occurred_at": "2026-11-18T05:59Z"}, "occurred_at"),
        ({"occurred_at": "last Tuesday"}, "occurred_at"),
        ({"organization_id": "no-such-member"}, "organization"),
        ({"source": "s" * 301}, "source"),
    ],
)
def test_add_entry_refusals(
    store: Store, actor: Actor, incident: str, kw: dict[str, Any], field: str
) -> None:
    args = {"text": "Something happened", **kw}
    refused(store, field, log.add_entry, actor=actor, incident_id=incident, **args)


def test_entry_before_the_incident_says_when_it_started(
    store: Store, actor: Actor, incident: str
) -> None:
    err = refused(
        store,
        "occurred_at",
        log.add_entry,
        actor=actor,
        incident_id=incident,
        text="Early",
        occurred_at="2026-11-17T23:00Z",
    )
    assert "2026-11-18T06:00:00Z" in err.message


def test_an_entry_dated_ahead_of_the_clock_is_refused(
    store: Store, actor: Actor, incident: str
) -> None:
    """Years ahead is a typo; 15 minutes is the slack (the clock reads NOW)."""
    for at in ("2030-01-01T00:00Z", "2026-11-18T11:22:00Z"):
        err = refused(store, "occurred_at", log.add_entry, actor=actor, incident_id=incident,
                      text="Typo in the year", occurred_at=at)  # fmt: skip
        assert err.message.startswith("in the future (") and "check the date" in err.message
        assert NOW in err.message
    batch = [log.NewEntry("fine"), log.NewEntry("ahead", occurred_at="2031-05-01T00:00Z")]
    err = refused(store, "entry 2: occurred_at", log.add_entries, actor=actor,
                  incident_id=incident, entries=batch)  # fmt: skip
    ten = log.add_entry(store, actor=actor, incident_id=incident, text="About to happen",
                        occurred_at="2026-11-18T11:16:40Z")  # fmt: skip
    assert entry(store, ten).occurred_at == "2026-11-18T11:16:40Z"


def test_a_correction_dated_ahead_of_the_clock_is_refused(
    store: Store, actor: Actor, incident: str
) -> None:
    old = log.add_entry(store, actor=actor, incident_id=incident, text="Typo")
    refused(store, "occurred_at", log.correct_entry, actor=actor, entry_id=old, text="Fixed",
            occurred_at="2030-01-01T00:00Z")  # fmt: skip
    log.correct_entry(store, actor=actor, entry_id=old, text="Fixed",
                      occurred_at="2026-11-18T11:16:40Z")  # fmt: skip


def test_records_of_entries_made_elsewhere_keep_their_times(
    store: Store, actor: Actor, incident: str
) -> None:
    """The demo's story (and a decision's LogTrail) carries its own author, station
    and time; those are not judged by this station's clock."""
    rid = log.add_entries(store, actor=actor, incident_id=incident, entries=[
        log.NewEntry("Story, two days on", occurred_at="2026-11-20T09:00Z", author=BOB,
                     station="Region 1 HCC"),
    ])[0]  # fmt: skip
    assert entry(store, rid).occurred_at == "2026-11-20T09:00:00Z"
    log.correct_entry(store, actor=BOB, entry_id=rid, text="Story corrected",
                      occurred_at="2026-11-20T10:00Z", author=BOB, station="Region 1 HCC")  # fmt: skip


def test_entry_for_an_unknown_or_deleted_member_or_incident(
    store: Store, actor: Actor, incident: str, hospital: str
) -> None:
    organizations.delete_organization(store, actor=actor, org_id=hospital)
    refused(
        store,
        "organization",
        log.add_entry,
        actor=actor,
        incident_id=incident,
        text="X",
        organization_id=hospital,
    )
    refused(store, "incident", log.add_entry, actor=actor, incident_id=str(uuid.uuid4()), text="X")


# ----------------------------------------------------------------------------- corrections


def test_correction_links_and_keeps_the_original(
    store: Store, actor: Actor, incident: str, hospital: str, wall
) -> None:
    old = log.add_entry(
        store,
        actor=actor,
        incident_id=incident,
        text="Generator at 40%",
        category="resource",
        priority="important",
        organization_id=hospital,
        occurred_at="2026-11-18T09:00Z",
    )
    before_old = versions_of(store, old)
    wall.advance(60)
    new = log.correct_entry(
        store, actor=BOB, entry_id=old[:20], text="Generator fuel at 40%", reason="misheard"
    )
    assert new != old
    original = entry(store, old)
    assert (original.text, original.deleted, original.corrects_id) == (
        "Generator at 40%",
        False,
        None,
    )
    assert [v.id for v in versions_of(store, old)] == [v.id for v in before_old]
    fixed = entry(store, new)
    assert fixed.corrects_id == old
    assert fixed.text == "Generator fuel at 40% (correction: misheard)"
    assert (fixed.category, fixed.priority, fixed.organization_id) == (
        "resource",
        "important",
        hospital,
    )
    assert (fixed.operator, fixed.incident_id) == ("Bob Okafor", incident)
    assert fixed.occurred_at == "2026-11-18T11:07:40Z"
    assert [e.id for e in all_entries(store, incident)] == [old, new]


def test_correction_refusals(store: Store, actor: Actor, incident: str) -> None:
    old = log.add_entry(store, actor=actor, incident_id=incident, text="Typo")
    refused(store, "entry", log.correct_entry, actor=actor, entry_id=str(uuid.uuid4()), text="X")
    refused(store, "text", log.correct_entry, actor=actor, entry_id=old, text="  ")
    log.retract_entry(store, actor=actor, entry_id=old)
    refused(store, "entry", log.correct_entry, actor=actor, entry_id=old, text="Fixed")


def test_retract_keeps_the_entry_in_history(store: Store, actor: Actor, incident: str) -> None:
    eid = log.add_entry(store, actor=actor, incident_id=incident, text="Wrong incident")
    log.retract_entry(store, actor=BOB, entry_id=eid)
    assert all_entries(store, incident) == []
    assert [e.id for e in all_entries(store, incident, include_deleted=True)] == [eid]
    assert entry(store, eid).text == "Wrong incident"
    units = [(v.unit, v.value, v.operator) for v in versions_of(store, eid)]
    assert units[1:] == [("deleted", "true", BOB.label)]
    assert units[0][0] == "entry"
    refused(store, "entry", log.retract_entry, actor=actor, entry_id=eid)


# ----------------------------------------------------------------------------- significant


def test_nominate_and_approve(store: Store, actor: Actor, incident: str, wall) -> None:
    eid = log.add_entry(store, actor=actor, incident_id=incident, text="Hospital on diversion")
    refused(store, "entry", log.review, actor=actor, entry_id=eid, approve=True)
    wall.advance(30)
    log.nominate(store, actor=BOB, entry_id=eid, note="affects EMS")
    e = entry(store, eid)
    assert (e.significant, e.significant_by, e.significant_note) == (
        "nominated",
        BOB.label,
        "affects EMS",
    )
    assert e.significant_at == "2026-11-18T11:07:10Z"
    refused(store, "entry", log.nominate, actor=actor, entry_id=eid)
    assert all_entries(store, incident, significant="approved") == []
    log.review(store, actor=actor, entry_id=eid, approve=True)
    e = entry(store, eid)
    assert (e.significant, e.significant_by, e.significant_note) == ("approved", actor.label, None)
    assert [x.id for x in all_entries(store, incident, significant="approved")] == [eid]
    refused(store, "entry", log.review, actor=actor, entry_id=eid, approve=False)
    refused(store, "entry", log.nominate, actor=actor, entry_id=eid)
    # The entry text itself never changed: significance is its own merge unit.
    units = [v.unit for v in versions_of(store, eid)]
    assert units == ["entry", "significant", "significant"]


def test_decline_and_renominate(store: Store, actor: Actor, incident: str) -> None:
    eid = log.add_entry(store, actor=actor, incident_id=incident, text="Rumour of a closure")
    log.nominate(store, actor=BOB, entry_id=eid)
    log.review(store, actor=actor, entry_id=eid, approve=False, note="unconfirmed")
    e = entry(store, eid)
    assert (e.significant, e.significant_note) == ("declined", "unconfirmed")
    refused(store, "entry", log.review, actor=actor, entry_id=eid, approve=True)
    log.nominate(store, actor=BOB, entry_id=eid, note="now confirmed")
    assert entry(store, eid).significant == "nominated"


def test_review_of_unknown_entry(store: Store, actor: Actor, incident: str) -> None:
    refused(store, "entry", log.review, actor=actor, entry_id="0000000000", approve=True)
    refused(store, "entry", log.nominate, actor=actor, entry_id=str(uuid.uuid4()))


# ----------------------------------------------------------------------------- reading


def test_filters_and_paging(store: Store, actor: Actor, incident: str) -> None:
    other = incidents.create_incident(
        store, actor=actor, name="Other", started_at="2026-11-01T00:00Z"
    )
    log.add_entries(
        store,
        actor=actor,
        incident_id=incident,
        entries=[
            log.NewEntry(
                "Fuel 100% delivered", category="resource", occurred_at="2026-11-18T07:00Z"
            ),
            log.NewEntry("Shelter opened", category="situation", occurred_at="2026-11-18T08:00Z"),
            log.NewEntry(
                "Fuel ordered",
                category="resource",
                priority="urgent",
                occurred_at="2026-11-18T09:00Z",
            ),
        ],
    )
    log.add_entry(store, actor=actor, incident_id=other, text="Fuel elsewhere")
    flt = log.LogFilter
    texts = lambda **kw: [e.text for e in all_entries(store, incident, **kw)]  # noqa: E731
    assert texts(category="resource") == ["Fuel 100% delivered", "Fuel ordered"]
    assert texts(text="Fuel") == ["Fuel 100% delivered", "Fuel ordered"]
    assert texts(text="100%") == ["Fuel 100% delivered"]  # % is not a wildcard
    assert texts(text="0%") == ["Fuel 100% delivered"]
    assert texts(priority="urgent") == ["Fuel ordered"]
    assert texts(since="2026-11-18T08:00:00Z", until="2026-11-18T09:00:00Z") == ["Shelter opened"]
    assert log.count_entries(store, flt=flt(incident_id=incident)) == 3
    newest = log.list_entries(store, flt=flt(incident_id=incident), newest_first=True, limit=2)
    assert [e.text for e in newest] == ["Fuel ordered", "Shelter opened"]
    page = log.list_entries(store, flt=flt(incident_id=incident), offset=2, limit=5)
    assert [e.text for e in page] == ["Fuel ordered"]


@pytest.mark.parametrize(
    "flt",
    [
        {"significant": "nominated"},
        {"significant": "approved", "category": "decision"},
    ],
)
def test_significant_filters_read_the_index_not_the_log(
    store: Store, incident: str, flt: dict[str, str]
) -> None:
    """The review tab opens on every log panel: on a long log its reads must search the
    partial index of put-forward entries rather than scan the incident's entries."""
    where = log.LogFilter(incident_id=incident, **flt).where()
    stmt = select(func.count()).select_from(m.LogEntry).where(*where)
    with store.read() as s:
        sql = str(stmt.compile(s.bind, compile_kwargs={"literal_binds": True}))
        plan = " ".join(
            str(r[-1]) for r in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
        )
    assert "ix_log_entries_significant" in plan, plan


def test_a_count_leaves_the_page_cache_as_it_found_it(store: Store, incident: str) -> None:
    """A count streams the incident's index entries through a small cache (a million
    entries would otherwise fill the connection's 64 MiB one and stay resident); the
    connection gets its own cache size back afterwards, also when the count fails."""
    store.engine.pool.dispose()  # one connection from here on: the one the count uses
    with store.read() as s:
        before = s.execute(sql_text("PRAGMA cache_size")).scalar()
    log.add_entry(store, actor=BOB, incident_id=incident, text="Shelter opened")
    assert log.count_entries(store, flt=log.LogFilter(incident_id=incident)) == 1
    with store.read() as s:
        assert s.execute(sql_text("PRAGMA cache_size")).scalar() == before
    broken = log.LogFilter(incident_id=incident, since=object())  # type: ignore[arg-type]
    with pytest.raises(Exception):  # noqa: B017  (the driver's own error type)
        log.count_entries(store, flt=broken)
    with store.read() as s:
        assert s.execute(sql_text("PRAGMA cache_size")).scalar() == before


@pytest.mark.parametrize("probe", [3, 9, 10, 100])  # neither side short; the rest; mine
def test_a_whole_incident_counted_from_the_rest_of_the_log(
    store: Store, incident: str, actor: Actor, probe: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However the probes fall (the incident short, the rest short, neither), the count
    is the entries the filter passes: other incidents' and retracted ones left out."""
    monkeypatch.setattr(log, "COUNT_PROBE", probe)
    other = incidents.create_incident(
        store, actor=actor, name="Other", started_at="2026-11-01T00:00Z"
    )
    mine = log.add_entries(
        store,
        actor=actor,
        incident_id=incident,
        entries=[log.NewEntry(f"Check {i}", occurred_at=NOW) for i in range(12)],
    )
    log.add_entries(
        store,
        actor=actor,
        incident_id=other,
        entries=[log.NewEntry(f"Elsewhere {i}", occurred_at=NOW) for i in range(6)],
    )
    log.retract_entry(store, actor=actor, entry_id=mine[0])
    log.retract_entry(store, actor=actor, entry_id=mine[1])
    flt = log.LogFilter
    assert log.count_entries(store, flt=flt(incident_id=incident)) == 10
    assert log.count_entries(store, flt=flt(incident_id=incident, include_deleted=True)) == 12
    assert log.count_entries(store, flt=flt(incident_id=other)) == 6
    assert log.count_entries(store, flt=flt(incident_id=incident, text="Check 1")) == 2  # 10, 11
    assert log.count_entries(store, flt=flt(incident_id="no-such-incident")) == 0


def test_the_rest_of_the_log_is_counted_from_the_index(store: Store, incident: str) -> None:
    """The probe of the other incidents' and retracted entries reads index ranges only:
    "deleted IS NOT 0" would step through every entry of the open incident."""
    seen: list[str] = []

    def spy(_conn: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    from sqlalchemy import event

    event.listen(store.engine, "before_cursor_execute", spy)
    try:
        with store.read() as s:
            log._count_by_rest(s, log.LogFilter(incident_id=incident))  # probes run only
    finally:
        event.remove(store.engine, "before_cursor_execute", spy)
    assert seen  # the first probe ran (an empty incident: it is the whole answer)
    t = m.LogEntry
    inc = incident
    rest = sa_or(
        t.incident_id.is_(None),
        t.incident_id < inc,
        t.incident_id > inc,
        sa_and(t.incident_id == inc, t.deleted < 0),
        sa_and(t.incident_id == inc, t.deleted > 0),
    )
    stmt = select(t.incident_id).where(rest)
    with store.read() as s:
        sql = str(stmt.compile(s.bind, compile_kwargs={"literal_binds": True}))
        plan = [str(r[-1]) for r in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    assert not any(p.startswith("SCAN log_entries") for p in plan), plan
    assert all("COVERING INDEX" in p for p in plan if p.startswith("SEARCH")), plan


@pytest.mark.parametrize("newest_first", [True, False])
def test_pages_after_a_key_are_the_pages_by_offset(
    store: Store, incident: str, actor: Actor, newest_first: bool
) -> None:
    """Reading on from the last row's (occurred_at, id) gives the same pages as an
    offset, through ties in time, retracted entries and entries without a time (SQL
    sorts those first; rows from elsewhere may lack one)."""
    times = ["2026-11-18T08:00:00Z", "2026-11-18T09:00:00Z", "2026-11-18T09:00:00Z"]
    ids = log.add_entries(
        store,
        actor=actor,
        incident_id=incident,
        entries=[log.NewEntry(f"Entry {i}", occurred_at=times[i % 3]) for i in range(23)],
    )
    log.retract_entry(store, actor=actor, entry_id=ids[4])
    with store.read() as s:  # as a projection without a time would hold them
        s.execute(
            sql_text("UPDATE log_entries SET occurred_at = NULL WHERE id IN (:a, :b, :c)"),
            {"a": ids[1], "b": ids[7], "c": ids[8]},
        )
        s.commit()
    flt = log.LogFilter(incident_id=incident)
    whole = [e.id for e in log.list_entries(store, flt=flt, newest_first=newest_first)]
    assert len(whole) == 22
    walked: list[str] = []
    after: tuple[str, str] | None = None
    while True:
        page = log.list_entries(store, flt=flt, limit=4, newest_first=newest_first, after=after)
        walked += [e.id for e in page]
        if len(page) < 4:
            break
        after = (page[-1].occurred_at or "", page[-1].id)
    assert walked == whole


def test_a_count_can_be_abandoned_part_way(store: Store, actor: Actor, incident: str) -> None:
    """A count told to stop ends early by raising, leaves the connection counting as
    before for the next reader, and a count never told to stop is exact."""
    from sqlalchemy.exc import OperationalError

    log.add_entries(
        store, actor=actor, incident_id=incident,
        entries=[log.NewEntry(f"entry {i}", category="general") for i in range(3000)],
    )  # fmt: skip
    flt = log.LogFilter(incident_id=incident, text="entry")
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return True

    with pytest.raises(OperationalError, match="interrupted"):
        log.count_entries(store, flt=flt, stop=stop)
    assert asked
    assert log.count_entries(store, flt=flt, stop=lambda: False) == 3000
    assert log.count_entries(store, flt=flt) == 3000
