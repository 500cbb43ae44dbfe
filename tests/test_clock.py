"""The hybrid logical clock and the identifiers (SYNC.md, "Clock" and "Identity").

The clock is checked against its contract, not against its own code: stamps strictly
increase whatever the wall clock does, the receive rule puts every later local stamp
after anything observed, and a full counter borrows the next millisecond instead of
wrapping into the time bits.
"""

from __future__ import annotations

import json
import math
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hcc_desktop.core import clock as hlc
from hcc_desktop.core.clock import MAX_COUNTER, HybridClock, pack, stamp_in_bounds, unpack
from hcc_desktop.core.ids import NAMESPACE, canonical_json, natural_id, sha256_hex, uuid7
from hcc_desktop.core.versions import version_id

START_MS = 1_795_000_000_000  # 2026-11-18, as in conftest
PROPS = settings(max_examples=100, deadline=None)


class Wall:
    """A wall clock a test moves by hand, backwards too."""

    def __init__(self, ms: int = START_MS) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def ms_of(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


# Wall-clock moves: mostly small, some big jumps back and forth (offline PCs can be days
# off), and many zeros so that several events land in the same millisecond.
wall_steps = st.one_of(
    st.just(0),
    st.integers(-5, 5),
    st.integers(-3 * 86_400_000, 3 * 86_400_000),
)
counters = st.one_of(
    st.integers(0, MAX_COUNTER), st.sampled_from([0, MAX_COUNTER - 1, MAX_COUNTER])
)
near_ms = st.integers(START_MS - 5, START_MS + 5)


# ----------------------------------------------------------------------------- pack


@PROPS
@given(st.integers(0, (1 << 48) - 1), st.integers(0, MAX_COUNTER))
def test_pack_unpack_round_trip(ms: int, counter: int) -> None:
    stamp = pack(ms, counter)
    assert unpack(stamp) == (ms, counter)
    assert 0 <= stamp < (1 << 64)


@PROPS
@given(
    st.tuples(st.integers(0, (1 << 48) - 1), st.integers(0, MAX_COUNTER)),
    st.tuples(st.integers(0, (1 << 48) - 1), st.integers(0, MAX_COUNTER)),
)
def test_stamps_compare_like_ms_then_counter(a: tuple[int, int], b: tuple[int, int]) -> None:
    assert (pack(*a) < pack(*b)) == (a < b)
    assert (pack(*a) == pack(*b)) == (a == b)


def test_counter_has_sixteen_bits() -> None:
    assert MAX_COUNTER == 65_535
    assert unpack(pack(START_MS, MAX_COUNTER)) == (START_MS, 65_535)
    assert pack(START_MS, MAX_COUNTER) + 1 == pack(START_MS + 1, 0)


# ----------------------------------------------------------------------------- tick


@PROPS
@given(st.lists(wall_steps, min_size=1, max_size=60))
def test_ticks_strictly_increase_whatever_the_wall_does(steps: list[int]) -> None:
    wall = Wall()
    clock = HybridClock(0, wall)
    previous = clock.tick()
    for step in steps:
        wall.ms += step
        stamp = clock.tick()
        assert stamp > previous
        ms, counter = unpack(stamp)
        assert 0 <= counter <= MAX_COUNTER
        # Never behind the wall clock, and never ahead of it by more than the backlog.
        assert ms >= wall.ms
        assert clock.last == stamp
        previous = stamp


@PROPS
@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=20))
def test_tick_follows_a_wall_clock_that_moves_forward(steps: list[int]) -> None:
    wall = Wall()
    clock = HybridClock(0, wall)
    for step in steps:
        wall.ms += step
        assert clock.tick() == pack(wall.ms, 0)


def test_tick_with_wall_stepping_back_keeps_the_old_millisecond() -> None:
    wall = Wall()
    clock = HybridClock(0, wall)
    first = clock.tick()
    wall.ms -= 3_600_000  # an hour back: NTP correction, a dead CMOS battery
    assert clock.tick() == first + 1
    assert clock.tick() == first + 2
    wall.ms = START_MS + 1
    assert clock.tick() == pack(START_MS + 1, 0)


def test_tick_counter_overflow_borrows_the_next_millisecond() -> None:
    wall = Wall()
    clock = HybridClock(pack(START_MS, MAX_COUNTER - 1), wall)
    assert clock.tick() == pack(START_MS, MAX_COUNTER)
    assert clock.tick() == pack(START_MS + 1, 0)
    assert clock.tick() == pack(START_MS + 1, 1)


def test_a_frozen_wall_never_wraps_the_counter() -> None:
    wall = Wall()
    clock = HybridClock(0, wall)
    previous = 0
    for _ in range(MAX_COUNTER + 10):
        stamp = clock.tick()
        assert stamp > previous
        previous = stamp
    # 65,545 events in one frozen millisecond: one borrowed millisecond, no wrap.
    assert unpack(previous) == (START_MS + 1, 8)


# ----------------------------------------------------------------------------- observe


@PROPS
@given(near_ms, counters, near_ms, counters, near_ms)
def test_observe_sorts_after_local_and_remote(
    last_ms: int, last_c: int, remote_ms: int, remote_c: int, wall_ms: int
) -> None:
    wall = Wall(wall_ms)
    last = pack(last_ms, last_c)
    remote = pack(remote_ms, remote_c)
    clock = HybridClock(last, wall)
    got = clock.observe(remote)
    assert got > last
    assert got > remote
    assert got >= pack(wall_ms, 0)
    assert clock.last == got
    assert unpack(got)[1] <= MAX_COUNTER
    after = clock.tick()
    assert after > remote
    assert after > got


def test_observe_of_a_full_counter_borrows_the_next_millisecond() -> None:
    clock = HybridClock(pack(START_MS, 7), Wall(START_MS - 10))
    got = clock.observe(pack(START_MS, MAX_COUNTER))
    assert got == pack(START_MS + 1, 0)
    assert clock.tick() == pack(START_MS + 1, 1)


def test_observe_of_a_future_stamp_carries_the_clock_forward() -> None:
    wall = Wall()
    clock = HybridClock(0, wall)
    clock.tick()
    remote = pack(START_MS + 86_400_000 * 3, 5)  # a PC three days ahead
    assert clock.observe(remote) == pack(START_MS + 86_400_000 * 3, 6)
    assert clock.tick() == pack(START_MS + 86_400_000 * 3, 7)


def test_observe_of_an_old_stamp_uses_the_wall() -> None:
    wall = Wall()
    clock = HybridClock(pack(START_MS - 50, 3), wall)
    assert clock.observe(pack(START_MS - 1_000, 99)) == pack(START_MS, 0)


op = st.one_of(
    st.tuples(st.just("wall"), wall_steps),
    st.tuples(st.just("tick"), st.just(0)),
    st.tuples(st.just("observe"), st.integers(-86_400_000, 86_400_000), counters),
)


@PROPS
@given(st.lists(op, min_size=1, max_size=80))
def test_mixed_ticks_and_observes_never_go_backwards(ops: list[tuple[int, ...]]) -> None:
    """After observing a remote stamp, every later local stamp sorts after it."""
    wall = Wall()
    clock = HybridClock(0, wall)
    previous = 0
    seen_remote = 0
    for item in ops:
        kind = item[0]
        if kind == "wall":
            wall.ms += item[1]
            continue
        if kind == "tick":
            stamp = clock.tick()
        else:
            remote = pack(max(wall.ms + item[1], 0), item[2])
            stamp = clock.observe(remote)
            assert stamp > remote
            seen_remote = max(seen_remote, remote)
        assert stamp > previous
        assert stamp > seen_remote
        assert unpack(stamp)[1] <= MAX_COUNTER
        previous = stamp


# ----------------------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (datetime(2019, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC), False),
        (datetime(2020, 1, 1, tzinfo=UTC), True),
        (datetime(2020, 1, 1, 0, 0, 0, 1_000, tzinfo=UTC), True),
        (datetime(2026, 11, 18, tzinfo=UTC), True),
        (datetime(2099, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC), True),
        (datetime(2100, 1, 1, tzinfo=UTC), False),
        (datetime(2100, 1, 1, 0, 0, 0, 1_000, tzinfo=UTC), False),
        (datetime(1970, 1, 1, tzinfo=UTC), False),
    ],
)
@pytest.mark.parametrize("counter", [0, MAX_COUNTER])
def test_stamp_in_bounds_edges(moment: datetime, inside: bool, counter: int) -> None:
    assert stamp_in_bounds(pack(ms_of(moment), counter)) is inside


def test_stamp_bounds_are_2020_and_2100() -> None:
    assert datetime.fromtimestamp(hlc.MIN_VALID_MS / 1000, tz=UTC) == datetime(
        2020, 1, 1, tzinfo=UTC
    )
    assert datetime.fromtimestamp(hlc.MAX_VALID_MS / 1000, tz=UTC) == datetime(
        2100, 1, 1, tzinfo=UTC
    )
    assert not stamp_in_bounds(0)


def test_far_future_is_more_than_24_hours_ahead() -> None:
    wall = Wall()
    clock = HybridClock(0, wall)
    day = 24 * 3600 * 1000
    assert not clock.is_far_future(pack(START_MS + day, MAX_COUNTER))
    assert clock.is_far_future(pack(START_MS + day + 1, 0))
    assert not clock.is_far_future(pack(START_MS - 10 * day, 0))


def test_to_datetime_reads_the_wall_part() -> None:
    moment = datetime(2026, 11, 23, 14, 5, 0, 123_000, tzinfo=UTC)
    assert hlc.to_datetime(pack(ms_of(moment), 42)) == moment


# ----------------------------------------------------------------------------- ids


def test_uuid7_is_version_7_rfc_variant_and_carries_the_time() -> None:
    for ms in (START_MS, hlc.MIN_VALID_MS, hlc.MAX_VALID_MS - 1):
        u = uuid.UUID(uuid7(ms))
        assert u.version == 7
        assert u.variant == uuid.RFC_4122
        assert u.int >> 80 == ms
    assert uuid.UUID(uuid7()).version == 7


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=2, max_size=30, unique=True))
def test_uuid7_sorts_by_time(offsets: list[int]) -> None:
    made = [(ms, uuid7(START_MS + ms)) for ms in sorted(offsets)]
    texts = [text for _, text in made]
    assert texts == sorted(texts)
    assert len(set(texts)) == len(texts)


def test_uuid7_random_part_differs_within_one_millisecond() -> None:
    ids = {uuid7(START_MS) for _ in range(200)}
    assert len(ids) == 200
    assert all(i.startswith(uuid7(START_MS)[:13]) for i in ids)


def test_natural_id_is_deterministic_uuid5() -> None:
    a = natural_id("eei", "inc", "org", "BEDS_TOTAL_AVAILABLE", 1)
    assert a == natural_id("eei", "inc", "org", "BEDS_TOTAL_AVAILABLE", 1)
    assert a == natural_id("eei", "inc", "org", "BEDS_TOTAL_AVAILABLE", "1")
    assert uuid.UUID(a).version == 5
    assert a == str(uuid.uuid5(NAMESPACE, "eei\x1finc\x1forg\x1fBEDS_TOTAL_AVAILABLE\x1f1"))
    assert a != natural_id("eei", "inc", "org", "BEDS_TOTAL_AVAILABLE", 2)
    assert a != natural_id("eeix", "inc", "org", "BEDS_TOTAL_AVAILABLE", 1)
    # Parts are separated, so moving a boundary gives another id.
    assert natural_id("region", "ab", "c") != natural_id("region", "a", "bc")


def test_namespace_never_changes() -> None:
    # Ids in the field depend on it.
    assert str(NAMESPACE) == "6f1d0c2e-6b8a-5c8e-9a55-2f0a8d6c4b11"
    assert natural_id("region", "ct") == str(uuid.uuid5(NAMESPACE, "region\x1fct"))


def test_canonical_json_sorts_keys_and_has_no_spaces() -> None:
    text = canonical_json({"b": 1, "a": {"d": [1, 2], "c": "é"}})
    assert text == '{"a":{"c":"é","d":[1,2]},"b":1}'
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, {"x": [math.nan]}])
def test_canonical_json_refuses_nan_and_infinity(bad: object) -> None:
    with pytest.raises(ValueError):
        canonical_json(bad)


@PROPS
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.text()
        | st.floats(allow_nan=False, allow_infinity=False),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_canonical_json_round_trips(value: object) -> None:
    text = canonical_json(value)
    assert canonical_json(json.loads(text)) == text


def test_version_id_is_a_content_hash_of_every_field() -> None:
    base = dict(
        entity="organization",
        record_id="r",
        unit="name",
        value='"A"',
        hlc=pack(START_MS, 0),
        site_id="s",
        parent_id=None,
        operator="Dana",
        resolves=None,
    )
    vid = version_id(**base)
    assert vid == version_id(**base)
    assert len(vid) == 64
    assert vid == sha256_hex(canonical_json([base[k] for k in base]))
    changes = {
        "entity": "contact",
        "record_id": "r2",
        "unit": "phone",
        "value": '"B"',
        "hlc": pack(START_MS, 1),
        "site_id": "t",
        "parent_id": "p",
        "operator": "Bob",
        "resolves": '["x"]',
    }
    for key, other in changes.items():
        assert version_id(**{**base, key: other}) != vid, key


def test_clock_bounds_cover_the_test_wall_time() -> None:
    assert stamp_in_bounds(pack(START_MS, 0))
    assert datetime.fromtimestamp(START_MS / 1000, tz=UTC) - datetime(
        2026, 11, 18, tzinfo=UTC
    ) < timedelta(days=1)
