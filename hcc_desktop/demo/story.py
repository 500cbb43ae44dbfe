"""The demo's story as data: the coalition (resources/demo/coalition.json), the
hurricane exercise (resources/demo/scenario.json) and the preparedness year
(resources/demo/preparedness.json) parsed, their names and times resolved
and cross-checked before anything is written, so a mistake in the scenario refuses the
seed instead of leaving half a demo behind.

The demo is a function of the `as_of` date: record ids are natural-key UUIDv5, every
time is derived from `as_of` and the scenario ('D-1 07:00', local time), and variation
comes from a `random.Random` seeded with constants (`Demo.rng`).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hcc_desktop.core import lifecycle
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.paths import resource

STORY_TIME = re.compile(r"^D([+-]\d+)?\s+(\d{1,2}):(\d{2})$")


# --------------------------------------------------------------------- the data


def _load_json(name: str) -> dict[str, Any]:
    path = resource("demo", name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError("demo", f"{path}: cannot read the demo data ({exc})") from None


def org_id(key: str) -> str:
    """Member and facility ids are UUIDv5 of their coalition.json key."""
    return natural_id("org", key)


@dataclass(frozen=True)
class Person:
    """Someone in the story: the operator, position and station their entries carry."""

    name: str
    position: str
    station: str

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.position)


class StoryClock:
    """Turns the scenario's 'D-1 07:00' (local time, days relative to as_of) into the
    stored UTC text, so the same date always gives the same times."""

    def __init__(self, as_of: dt.date, zone_name: str) -> None:
        self.as_of = as_of
        self.zone_name = zone_name
        try:
            self.zone: dt.tzinfo | None = ZoneInfo(zone_name)
        except ZoneInfoNotFoundError:
            # Windows without the tzdata package: only the demo's own zone has a fallback.
            if zone_name != "America/New_York":
                raise ValidationError(
                    "time_zone", f"unknown time zone {zone_name!r}; install the tzdata package"
                ) from None
            self.zone = None

    def local(self, spec: str) -> dt.datetime:
        """The naive local wall time of a scenario time."""
        match = STORY_TIME.match(spec.strip()) if isinstance(spec, str) else None
        if match is None:
            raise ValidationError("time", f"expected a time like 'D-1 07:00', got {spec!r}")
        days, hour, minute = int(match.group(1) or 0), int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise ValidationError("time", f"no such time of day in {spec!r}")
        day = self.as_of + dt.timedelta(days=days)
        return dt.datetime(day.year, day.month, day.day, hour, minute)

    def day_of(self, moment: dt.datetime) -> dt.date:
        """The story's day (in its zone) of a moment, naive meaning this machine's time."""
        aware = moment if moment.tzinfo else moment.astimezone()
        if self.zone is not None:
            return aware.astimezone(self.zone).date()
        naive_utc = aware.astimezone(dt.UTC).replace(tzinfo=None)
        return (naive_utc + _us_eastern_offset(naive_utc)).date()

    def utc(self, local: dt.datetime) -> dt.datetime:
        if self.zone is not None:
            return local.replace(tzinfo=self.zone).astimezone(dt.UTC)
        return (local - _us_eastern_offset(local)).replace(tzinfo=dt.UTC)

    def at(self, spec: str) -> str:
        return to_iso(self.utc(self.local(spec)))

    def after(self, spec: str, *, hours: float = 0, minutes: float = 0) -> str:
        """A wall-clock offset from a scenario time (periods are 07:00-19:00 local even
        across a daylight-saving change)."""
        return to_iso(self.utc(self.local(spec) + dt.timedelta(hours=hours, minutes=minutes)))


def _us_eastern_offset(local: dt.datetime) -> dt.timedelta:
    """UTC offset of US Eastern time (rules since 2007), for systems without tzdata."""
    march = dt.datetime(local.year, 3, 8)
    start = march + dt.timedelta(days=(6 - march.weekday()) % 7, hours=3)
    november = dt.datetime(local.year, 11, 1)
    end = november + dt.timedelta(days=(6 - november.weekday()) % 7, hours=2)
    return dt.timedelta(hours=-4 if start <= local < end else -5)


@dataclass
class Demo:
    """The demo's data, parsed and cross-checked before anything is written, so that a
    mistake in the scenario refuses the seed instead of leaving half a demo behind."""

    as_of: dt.date
    coalition: dict[str, Any]
    scenario: dict[str, Any]
    preparedness: dict[str, Any]
    clock: StoryClock
    people: dict[str, Person]
    members: dict[str, dict[str, Any]]
    facilities: dict[str, dict[str, Any]]
    merged: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, as_of: dt.date) -> Demo:
        coalition = _load_json("coalition.json")
        scenario = _load_json("scenario.json")
        preparedness = _load_json("preparedness.json")
        members = {row["key"]: row for row in coalition["members"]}
        # Members beyond the published list (an EMS agency, a dialysis centre, ...).
        members.update({row["key"]: row for row in preparedness["members"]})
        merged = {row["member_key"]: row for row in coalition["facilities"] if row["member_key"]}
        facilities = {row["key"]: row for row in coalition["facilities"] if not row["member_key"]}
        people = {k: Person(**v) for k, v in scenario["people"].items()}
        demo = cls(
            as_of,
            coalition,
            scenario,
            preparedness,
            StoryClock(as_of, scenario["time_zone"]),
            people,
            members,
            facilities,
            merged,
        )
        try:
            demo.check()
        except ValidationError as exc:
            raise ValidationError(
                f"resources/demo/scenario.json: {exc.field}", exc.message
            ) from None
        return demo

    # -------------------------------------------------------------- look-ups
    def key(self, alias: str) -> str:
        """A coalition.json key from a scenario alias (or a key given directly)."""
        key = self.scenario["places"].get(alias, alias)
        if key in self.members or key in self.facilities:
            return key
        for member_key, row in self.merged.items():
            if row["key"] == key:
                return member_key
        raise ValidationError("places", f"scenario names {alias!r}, which is no demo member")

    def org(self, alias: str) -> str:
        return org_id(self.key(alias))

    def person(self, ref: str) -> Person:
        try:
            return self.people[ref]
        except KeyError:
            raise ValidationError("people", f"scenario names nobody called {ref!r}") from None

    def record(self, key: str) -> dict[str, Any]:
        return self.members.get(key) or self.facilities[key]

    @property
    def incident(self) -> dict[str, Any]:
        return self.scenario["incident"]

    @property
    def now(self) -> str:
        """The moment the story ends (its 'now': the evening of `as_of`)."""
        return self.clock.at(self.scenario["now"])

    @property
    def incident_id(self) -> str:
        return natural_id("incident", "demo", self.incident["key"])

    def entry_id(self, key: str) -> str:
        return natural_id("log", self.incident["key"], key)

    @property
    def seed(self) -> int:
        return int(self.scenario["seed"])

    def rng(self, *parts: object) -> random.Random:
        """Variation that depends only on the scenario's seed and what it is for."""
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    # -------------------------------------------------------------- checks
    def check(self) -> None:
        """Resolve every name and time the scenario uses, before the first write."""
        self.clock.at(self.scenario["now"])
        for alias in self.scenario["places"]:
            self.key(alias)
        entry_keys: set[str] = set()
        for e in [*self.scenario["log"], *self.scenario["corrections"]]:
            if e["key"] in entry_keys:
                raise ValidationError("log", f"two log entries have the key {e['key']!r}")
            entry_keys.add(e["key"])
        for e in self.scenario["log"]:
            self.clock.at(e["at"])
            self.person(e["by"])
            if e.get("org"):
                self.key(e["org"])
            sig = e.get("significant")
            if sig:
                self.person(sig["by"])
                if sig.get("review"):
                    self.person(sig["review"]["by"])
        for c in self.scenario["corrections"]:
            if c["corrects"] not in entry_keys:
                raise ValidationError("corrections", f"no log entry {c['corrects']!r}")
            self.person(c["by"])
            self.clock.at(c["at"])
        for r in self.scenario["requests"]:
            self.key(r["requester"])
            self.person(r["requested_by"])
            for step in r["steps"]:
                self.person(step["by"])
                self.clock.at(step["at"])
        for c in [*self.scenario["contacts"], *self.preparedness["contacts"]]:
            self.key(c["org"])
        for key in self.preparedness["membership"]:
            self.key(key)
        for p in self.preparedness["plans"]:
            self.key(p["owner"])
            for name in ("approved", "review_due"):
                if p.get(name):
                    self.day(p[name])
        for member in self.preparedness["functions"]:
            self.key(member)
        for e in self.preparedness["exercises"]:
            for name in ("starts", "ends"):
                self.day(e[name])
            for key in e.get("participants", ()):
                self.key(key)
        review = self.preparedness["aar"]
        for step in (
            review["rated"],
            review["final"],
            *(a["closed"] for a in review["actions"] if a["status"] != "open"),
        ):
            self.person(step["by"])
            self.clock.at(step["at"])
        for a in review["actions"]:
            self.key(a["owner"])
            self.day(a["starts"])
            self.day(a["due"])
        final = self.preparedness["hva"].get("final")
        if final:
            self.person(final["by"])
            self.clock.at(final["at"])
        self._check_requests()

    def day(self, spec: str) -> str:
        """A date of the preparedness year: 'D-400' (days from as_of) or an ISO date."""
        text = spec.strip()
        if text.startswith("D"):
            try:
                days = int(text[1:] or 0)
            except ValueError:
                raise ValidationError(
                    "date", f"expected a date like 'D-400', got {spec!r}"
                ) from None
            return (self.as_of + dt.timedelta(days=days)).isoformat()
        return dt.date.fromisoformat(text).isoformat()

    def year(self, spec: str | int) -> int:
        """'Y' is the as_of date's year, 'Y-1' the one before; a number is itself."""
        text = str(spec).strip()
        if text.startswith("Y"):
            return self.as_of.year + int(text[1:] or 0)
        return int(text)

    def _check_requests(self) -> None:
        for r in self.scenario["requests"]:
            status = r["created"]["status"]
            for step in r["steps"]:
                if not lifecycle.can_move(status, step["status"]):
                    raise ValidationError(
                        "requests", f"{r['number']}: no step from {status} to {step['status']}"
                    )
                status = step["status"]


@dataclass(frozen=True)
class Period:
    number: int
    starts_at: str
    ends_at: str
    eei_due_at: str


def demo_periods(demo: Demo) -> list[Period]:
    """Back-to-back periods of local wall-clock length from the incident's start."""
    inc = demo.incident
    hours, due = float(inc["period_hours"]), float(inc["eei_due_hours"])
    start = inc["starts"]
    return [
        Period(
            number=i + 1,
            starts_at=demo.clock.after(start, hours=i * hours),
            ends_at=demo.clock.after(start, hours=(i + 1) * hours),
            eei_due_at=demo.clock.after(start, hours=i * hours + due),
        )
        for i in range(len(inc["periods"]))
    ]
