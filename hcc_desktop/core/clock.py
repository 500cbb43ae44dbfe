"""Hybrid logical clock (Kulkarni et al., 2014).

A stamp is one 64-bit integer: 48 bits of wall milliseconds, 16 bits of counter, so
stamps compare as integers and sort close to wall time, while a change made after
seeing another always sorts after it. Ties between sites are broken by site id outside
this module. The clock never goes backwards when the wall clock does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

COUNTER_BITS = 16
MAX_COUNTER = (1 << COUNTER_BITS) - 1

#: Stamps outside these bounds make an imported package malformed.
MIN_VALID_MS = int(datetime(2020, 1, 1, tzinfo=UTC).timestamp() * 1000)
MAX_VALID_MS = int(datetime(2100, 1, 1, tzinfo=UTC).timestamp() * 1000)

#: Imported stamps further than this ahead of local wall time are accepted but counted.
FUTURE_SKEW_MS = 24 * 3600 * 1000

WallClock = Callable[[], int]


def system_wall_ms() -> int:
    return time.time_ns() // 1_000_000


def pack(ms: int, counter: int) -> int:
    return (ms << COUNTER_BITS) | counter


def unpack(stamp: int) -> tuple[int, int]:
    return stamp >> COUNTER_BITS, stamp & MAX_COUNTER


def stamp_in_bounds(stamp: int) -> bool:
    ms, _ = unpack(stamp)
    return MIN_VALID_MS <= ms < MAX_VALID_MS


def to_datetime(stamp: int) -> datetime:
    return datetime.fromtimestamp(unpack(stamp)[0] / 1000, tz=UTC)


class HybridClock:
    """The station's clock; the caller persists `last` in the same transaction as the
    versions it stamps, so a crash cannot hand out a stamp twice."""

    def __init__(self, last: int = 0, wall: WallClock = system_wall_ms) -> None:
        self.last = last
        self._wall = wall

    def tick(self) -> int:
        """Stamp for a local event."""
        last_ms, last_c = unpack(self.last)
        wall = self._wall()
        if wall > last_ms:
            self.last = pack(wall, 0)
        else:
            self.last = self._bump(last_ms, last_c + 1)
        return self.last

    def observe(self, remote: int) -> int:
        """Receive rule: after this, every local tick sorts after `remote`."""
        last_ms, last_c = unpack(self.last)
        r_ms, r_c = unpack(remote)
        wall = self._wall()
        ms = max(last_ms, r_ms, wall)
        if ms == last_ms and ms == r_ms:
            counter = max(last_c, r_c) + 1
        elif ms == last_ms:
            counter = last_c + 1
        elif ms == r_ms:
            counter = r_c + 1
        else:
            counter = 0
        self.last = self._bump(ms, counter)
        return self.last

    def is_far_future(self, remote: int) -> bool:
        return unpack(remote)[0] - self._wall() > FUTURE_SKEW_MS

    @staticmethod
    def _bump(ms: int, counter: int) -> int:
        # 65,536 events in one millisecond: borrow the next millisecond rather than
        # overflow into the time bits.
        if counter > MAX_COUNTER:
            return pack(ms + 1, 0)
        return pack(ms, counter)
