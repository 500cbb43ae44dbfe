"""Load the demo coalition and its hurricane exercise into a store.

The first start of the program, the CLI's `seed-demo` and the GUI tests all need a
store that looks like a coalition in the middle of an incident. The facts (regions,
members, hospitals) come from resources/demo/coalition.json, the story (log entries,
requests, which hospitals are hit, who reports late) from resources/demo/scenario.json;
this module only turns them into service calls. Every write goes through
`hcc_desktop.core.services`, so the demo is recorded, undoable and syncable like any
operator's work.

The demo is a function of the `as_of` date: record ids are natural-key UUIDv5, every
time the services let a caller give is derived from `as_of` and the scenario, variation
comes from a `random.Random` seeded with constants, and who wrote what comes from the
scenario, not from the station that seeds. Two stations seeding the same date therefore
hold the same data (`dump_text` is byte-identical) and can sync it. The exception: the
moments of significant-event reviews and EEI validations, which `log.nominate`,
`log.review` and `eei.validate` stamp with the store's wall clock; they are passed the
scenario's time as soon as those services accept an `at=` argument (see `_supported`).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.services import eei, incidents, log, organizations, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.eei import FacilityReport
from hcc_desktop.core.services.log import NewEntry
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import add_hours, to_iso
from hcc_desktop.paths import resource

#: Who the version history names for the bulk of the demo when the caller gives nobody.
DEMO_ACTOR = Actor("hcc-desktop demo", "Demo data loader")

_TIME = re.compile(r"^D([+-]\d+)?\s+(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class DemoSummary:
    """What seed_demo loaded, for the CLI's message and the tests."""

    incident_id: str
    regions: int
    members: int
    facilities: int
    contacts: int
    log_entries: int
    requests: int
    eei_reports: int
    periods: int


def seed_demo(store: Store, *, as_of: dt.date, actor: Actor | None = None) -> DemoSummary:
    """Load the demo coalition and the hurricane exercise as it stands on the evening of
    `as_of`. Refuses (field "store") when the store already holds the demo, so a second
    run is a clear message instead of duplicates."""
    who = actor or DEMO_ACTOR
    demo = Demo.load(as_of)
    # One transaction: a full disk or a kill part way leaves the store as it was, not
    # a coalition with regions and no members.
    with store.atomic():
        _refuse_if_seeded(store, demo)
        regions = _seed_regions(store, who, demo)
        members, facilities = _seed_organizations(store, who, demo)
        contacts = _seed_contacts(store, who, demo)
        incident_id = _seed_incident(store, who, demo)
        periods = _seed_periods(store, who, demo, incident_id)
        entries = _seed_log(store, who, demo, incident_id)
        reqs = _seed_requests(store, demo, incident_id)
        reports = _seed_eei(store, who, demo, incident_id)
    return DemoSummary(
        incident_id=incident_id,
        regions=regions,
        members=members,
        facilities=facilities,
        contacts=contacts,
        log_entries=entries,
        requests=reqs,
        eei_reports=reports,
        periods=periods,
    )


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
        match = _TIME.match(spec.strip()) if isinstance(spec, str) else None
        if match is None:
            raise ValidationError("time", f"expected a time like 'D-1 07:00', got {spec!r}")
        days, hour, minute = int(match.group(1) or 0), int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise ValidationError("time", f"no such time of day in {spec!r}")
        day = self.as_of + dt.timedelta(days=days)
        return dt.datetime(day.year, day.month, day.day, hour, minute)

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
    clock: StoryClock
    people: dict[str, Person]
    members: dict[str, dict[str, Any]]
    facilities: dict[str, dict[str, Any]]
    merged: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, as_of: dt.date) -> Demo:
        coalition = _load_json("coalition.json")
        scenario = _load_json("scenario.json")
        members = {row["key"]: row for row in coalition["members"]}
        merged = {row["member_key"]: row for row in coalition["facilities"] if row["member_key"]}
        facilities = {row["key"]: row for row in coalition["facilities"] if not row["member_key"]}
        people = {k: Person(**v) for k, v in scenario["people"].items()}
        demo = cls(
            as_of,
            coalition,
            scenario,
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
        for c in self.scenario["contacts"]:
            self.key(c["org"])
        self._check_requests()
        self._check_eei()

    def _check_requests(self) -> None:
        for r in self.scenario["requests"]:
            status = r["created"]["status"]
            for step in r["steps"]:
                if not lifecycle.can_move(status, step["status"]):
                    raise ValidationError(
                        "requests", f"{r['number']}: no step from {status} to {step['status']}"
                    )
                status = step["status"]

    @cached_property
    def eei_batches(self) -> dict[int, list[FacilityReport]]:
        return eei_batches(self)

    @cached_property
    def eei_reviews(self) -> list[Review]:
        return eei_reviews(self)

    def _check_eei(self) -> None:
        """Every EEI value the demo will submit passes the catalog's checks, and every
        review names a report that will exist."""
        spec = self.scenario["eei"]
        for alias in [*spec["reporters"], *spec["capabilities"], *spec["overrides"]]:
            self.key(alias)
        cat = load_catalog()
        names = {org_id(k): k for k in [*self.members, *self.facilities]}
        for batch in self.eei_batches.values():
            for report in batch:
                key = names[report.organization_id]
                for code, value in report.values.items():
                    el = cat.element(code)
                    if self.record(key)["member_type"] not in el.reported_by:
                        raise ValidationError("eei", f"{key} does not report {code}")
                    el.coerce(value)
                cat.check_rules(dict(report.values))
        if not self.eei_reviews:
            raise ValidationError("validation", "the scenario reviews no EEI report")


def _refuse_if_seeded(store: Store, demo: Demo) -> None:
    ids = [org_id(k) for k in [*demo.members, *demo.facilities]]
    with store.read() as s:
        if s.get(m.Incident, demo.incident_id) is not None:
            raise ValidationError(
                "store",
                f"{store.path} already holds the demo incident "
                f"({demo.incident['name']}); seed a new store instead",
            )
        clash = s.scalars(select(m.Organization.name).where(m.Organization.id.in_(ids))).first()
    if clash is not None:
        raise ValidationError(
            "store",
            f"{store.path} already holds demo coalition members (e.g. {clash}); "
            "seed a new store instead",
        )


# --------------------------------------------------------------------- coalition


def _seed_regions(store: Store, actor: Actor, demo: Demo) -> int:
    for r in demo.coalition["regions"]:
        organizations.add_region(
            store, actor=actor, key=r["key"], name=r["name"], kind=r["kind"], state=r["state"]
        )
    return len(demo.coalition["regions"])


_COMMON = ("name", "member_type", "membership", "address", "town", "state", "zip", "county")
_FROM_FACILITY = ("facility_type", "phone", "beds", "trauma_level", "helipad", "address", "zip")


def _member_values(demo: Demo, key: str) -> dict[str, Any]:
    row = demo.members[key]
    values: dict[str, Any] = {k: row.get(k) for k in _COMMON}
    values.update(
        short_name=row.get("short_name"),
        region_id=organizations.region_id_for(row["region"]),
        notes=row.get("notes"),
        source=row.get("source"),
        external_key=key,
        # Given, not looked up: coalition.json has them from the same pinned ZIP table,
        # and loading that table would cost seconds.
        lat=row.get("lat"),
        lon=row.get("lon"),
        coords_source=row.get("coords_source") or "given",
    )
    twin = demo.merged.get(key)
    if twin is not None:
        # The same hospital is also a HIFLD row: fill what the member list lacks.
        for name in _FROM_FACILITY:
            if values.get(name) is None:
                values[name] = twin.get(name)
        values["source"] = f"{row.get('source')}; HIFLD row ID {twin['source_id']}"
    values.update(demo.scenario["members"].get(key, {}))
    return values


def _facility_values(demo: Demo, row: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {k: row.get(k) for k in _COMMON}
    values.update(
        region_id=organizations.region_id_for(row["region"]),
        parent_id=org_id(row["parent"]) if row.get("parent") else None,
        facility_type=row.get("facility_type"),
        phone=row.get("phone"),
        beds=row.get("beds"),
        trauma_level=row.get("trauma_level"),
        helipad=row.get("helipad"),
        source=f"HIFLD Hospitals, row ID {row['source_id']}",
        external_key=row["key"],
        lat=row.get("lat"),
        lon=row.get("lon"),
    )
    if row.get("status") and row["status"] != "open":
        values["notes"] = f"HIFLD status: {row['status']}"
    return values


def _seed_organizations(store: Store, actor: Actor, demo: Demo) -> tuple[int, int]:
    """Members first, so that facilities can name their health system as parent; all
    in one transaction."""
    batch = [(org_id(key), _member_values(demo, key)) for key in sorted(demo.members)]
    batch += [
        (org_id(key), _facility_values(demo, demo.facilities[key]))
        for key in sorted(demo.facilities)
    ]
    organizations.add_organizations(store, actor=actor, members=batch)
    return len(demo.members), len(demo.facilities)


def _seed_contacts(store: Store, actor: Actor, demo: Demo) -> int:
    for c in demo.scenario["contacts"]:
        key = demo.key(c["org"])
        organizations.add_contact(
            store,
            actor=actor,
            organization_id=org_id(key),
            name=c["name"],
            role=c.get("role", ""),
            phone=c.get("phone", ""),
            email=c.get("email", ""),
            is_24_7=bool(c.get("is_24_7")),
            record_id=natural_id("contact", key, c["name"]),
        )
    return len(demo.scenario["contacts"])


# --------------------------------------------------------------------- incident


def _seed_incident(store: Store, actor: Actor, demo: Demo) -> str:
    inc = demo.incident
    return incidents.create_incident(
        store,
        actor=actor,
        name=inc["name"],
        incident_type=inc["incident_type"],
        status=inc["status"],
        exercise=bool(inc["exercise"]),
        description=inc["description"],
        started_at=demo.clock.at(inc["starts"]),
        region_ids=[organizations.region_id_for(k) for k in inc["regions"]],
        record_id=demo.incident_id,
        make_current=True,
    )


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


def _seed_periods(store: Store, actor: Actor, demo: Demo, incident_id: str) -> int:
    plan = demo_periods(demo)
    for p, objectives in zip(plan, demo.incident["periods"], strict=True):
        incidents.add_period(
            store,
            actor=actor,
            incident_id=incident_id,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            eei_due_at=p.eei_due_at,
            objectives=objectives,
            number=p.number,
        )
    return len(plan)


# --------------------------------------------------------------------- log


def _supported(func: Callable[..., Any], **extra: Any) -> dict[str, Any]:
    """Those keyword arguments `func` accepts. Some services stamp review times with the
    wall clock; where a newer core takes the scenario's time, the demo passes it."""
    params = inspect.signature(func).parameters
    return {k: v for k, v in extra.items() if k in params}


def _seed_log(store: Store, actor: Actor, demo: Demo, incident_id: str) -> int:
    entries = [_new_entry(demo, e) for e in demo.scenario["log"]]
    log.add_entries(store, actor=actor, incident_id=incident_id, entries=entries)
    for e in demo.scenario["log"]:
        if e.get("significant"):
            _significance(store, demo, demo.entry_id(e["key"]), e["significant"])
    for c in demo.scenario["corrections"]:
        _correct(store, demo, incident_id, c)
    return len(entries) + len(demo.scenario["corrections"])


def _new_entry(demo: Demo, e: Mapping[str, Any]) -> NewEntry:
    who = demo.person(e["by"])
    return NewEntry(
        text=e["text"],
        category=e.get("category", "general"),
        priority=e.get("priority", "routine"),
        organization_id=demo.org(e["org"]) if e.get("org") else None,
        occurred_at=demo.clock.at(e["at"]),
        record_id=demo.entry_id(e["key"]),
        author=who.actor,
        station=who.station,
    )


def _significance(store: Store, demo: Demo, entry_id: str, sig: Mapping[str, Any]) -> None:
    """Nominated by one person, reviewed (approved or declined) by the situation unit."""
    by = demo.person(sig["by"])
    log.nominate(
        store,
        actor=by.actor,
        entry_id=entry_id,
        note=sig.get("note", ""),
        **_supported(log.nominate, at=demo.clock.at(sig["at"])),
    )
    review = sig.get("review")
    if review:
        log.review(
            store,
            actor=demo.person(review["by"]).actor,
            entry_id=entry_id,
            approve=bool(review["approve"]),
            note=review.get("note", ""),
            **_supported(log.review, at=demo.clock.at(review["at"])),
        )


_CORRECTION_ARGS = {"record_id", "occurred_at", "author", "station"}


def _correct(store: Store, demo: Demo, incident_id: str, c: Mapping[str, Any]) -> str:
    """A correction with the scenario's time, id and author. `log.correct_entry` takes
    neither an id nor a time yet (it would make a random id stamped with the wall
    clock, breaking reproducibility), so until it does the correction is written as an
    ordinary entry whose text says what it corrects."""
    who = demo.person(c["by"])
    rid = demo.entry_id(c["key"])
    at = demo.clock.at(c["at"])
    original = demo.entry_id(c["corrects"])
    if set(inspect.signature(log.correct_entry).parameters) >= _CORRECTION_ARGS:
        return log.correct_entry(
            store,
            actor=who.actor,
            entry_id=original,
            text=c["text"],
            reason=c.get("reason", ""),
            record_id=rid,
            occurred_at=at,
            author=who.actor,
            station=who.station,
        )
    old = next(e for e in demo.scenario["log"] if e["key"] == c["corrects"])
    old_time = demo.clock.local(old["at"]).strftime("%H:%M")
    text = f"CORRECTION of the {old_time} entry: {c['text']}"
    if c.get("reason"):
        text += f" (correction: {c['reason']})"
    entry = NewEntry(
        text=text,
        category=old.get("category", "general"),
        priority=old.get("priority", "routine"),
        organization_id=demo.org(old["org"]) if old.get("org") else None,
        occurred_at=at,
        record_id=rid,
        author=who.actor,
        station=who.station,
    )
    return log.add_entries(store, actor=who.actor, incident_id=incident_id, entries=[entry])[0]


# --------------------------------------------------------------------- requests


def _deliver_to(demo: Demo, key: str) -> str:
    row = demo.record(key)
    twin = demo.merged.get(key, {})
    address = row.get("address") or twin.get("address")
    parts = [row["name"], address, row.get("town"), f"{row.get('state')} {row.get('zip')}"]
    return ", ".join(p for p in parts if p)


def _seed_requests(store: Store, demo: Demo, incident_id: str) -> int:
    for spec in demo.scenario["requests"]:
        _seed_request(store, demo, incident_id, spec)
    return len(demo.scenario["requests"])


def _seed_request(store: Store, demo: Demo, incident_id: str, spec: Mapping[str, Any]) -> str:
    """Create the request as its requester did, then walk it through the lifecycle step
    by step as the logistics staff did, each step at its scenario time. The supplier
    and order number are filled in when the resource is committed, as on the board."""
    key = demo.key(spec["requester"])
    by = demo.person(spec["requested_by"])
    rid = natural_id("request", demo.incident["key"], spec["number"])
    requests.create_request(
        store,
        actor=by.actor,
        incident_id=incident_id,
        resource_kind=spec["resource_kind"],
        quantity=spec["quantity"],
        unit=spec.get("unit", "each"),
        priority=spec["priority"],
        status=spec["created"]["status"],
        number=spec["number"],
        record_id=rid,
        created_at=demo.clock.at(spec["created"]["at"]),
        requester_org_id=org_id(key),
        requested_by=by.actor.label,
        requester_contact=spec.get("requester_contact"),
        resource_type=spec.get("resource_type"),
        description=spec.get("description"),
        needed_by=demo.clock.at(spec["needed_by"]) if spec.get("needed_by") else None,
        deliver_to=spec.get("deliver_to") or _deliver_to(demo, key),
        notes=spec.get("notes"),
    )
    for step in spec["steps"]:
        who = demo.person(step["by"]).actor
        if step["status"] == "committed" and (spec.get("supplier") or spec.get("order_number")):
            requests.update_request(
                store,
                actor=who,
                request_id=rid,
                supplier=spec.get("supplier"),
                order_number=spec.get("order_number"),
            )
        requests.set_status(
            store,
            actor=who,
            request_id=rid,
            status=step["status"],
            note=step.get("note", ""),
            at=demo.clock.at(step["at"]),
        )
    return rid


# --------------------------------------------------------------------- EEI


@dataclass(frozen=True)
class Reporter:
    """A member expected to report EEIs for the incident."""

    key: str
    alias: str
    name: str
    member_type: str
    facility_type: str | None
    beds: int | None


def expected_reporters(demo: Demo) -> list[Reporter]:
    """The members the incident expects EEIs from, as `eei.expected_facilities` will
    find them: reporting member types in the incident's regions."""
    kinds = set(eei.reporting_types())
    regions = set(demo.incident["regions"])
    aliases = {v: k for k, v in demo.scenario["places"].items()}
    found = []
    for key in sorted([*demo.members, *demo.facilities]):
        row = demo.record(key)
        if row["member_type"] not in kinds or row["region"] not in regions:
            continue
        twin = demo.merged.get(key, {})
        found.append(
            Reporter(
                key=key,
                alias=aliases.get(key, key),
                name=row["name"],
                member_type=row["member_type"],
                facility_type=row.get("facility_type") or twin.get("facility_type"),
                beds=row.get("beds") or twin.get("beds"),
            )
        )
    return found


@dataclass(frozen=True)
class PeriodReporting:
    """Who reported in a period, and when."""

    number: int
    on_time: dict[str, str]  # facility key -> reported_at
    late: dict[str, str]
    missing: list[str]


def reporting_plan(demo: Demo) -> list[PeriodReporting]:
    """On time, late or missing per period, from the scenario; on-time reports arrive at
    a seeded random moment between a quarter hour into the period and the due time."""
    reporters = expected_reporters(demo)
    spec = demo.scenario["eei"]["reporting"]
    plans = []
    for p in demo_periods(demo):
        s = spec.get(str(p.number), {})
        late = {demo.key(a): demo.clock.at(t) for a, t in s.get("late", {}).items()}
        if "only" in s:
            reported = {demo.key(a) for a in s["only"]} | set(late)
        else:
            reported = {r.key for r in reporters} - {demo.key(a) for a in s.get("missing", [])}
        start = demo.clock.local(demo.incident["starts"])
        due_minutes = int(demo.incident["eei_due_hours"] * 60)
        on_time = {}
        for r in reporters:
            if r.key in reported and r.key not in late:
                minute = demo.rng(r.key, p.number, "time").randint(15, due_minutes - 3)
                offset = dt.timedelta(hours=(p.number - 1) * demo.incident["period_hours"])
                moment = start + offset + dt.timedelta(minutes=minute)
                on_time[r.key] = to_iso(demo.clock.utc(moment))
        missing = [r.key for r in reporters if r.key not in reported]
        plans.append(PeriodReporting(p.number, on_time, late, missing))
    return plans


#: Share of a hospital's beds in each bed type, by HIFLD facility type; the rest of
#: the beds are medical/surgical (or pediatric beds in a children's hospital).
_BED_SHARES: dict[str, dict[str, float]] = {
    "general acute care": {"ADULT_ICU": 0.08},
    "children": {"PEDIATRIC_ICU": 0.14, "NEONATAL_ICU": 0.3, "PEDIATRIC_PSYCHIATRIC": 0.05},
    "military": {"ADULT_ICU": 0.1, "ADULT_PSYCHIATRIC": 0.25},
    "psychiatric": {"ADULT_PSYCHIATRIC": 0.7, "PEDIATRIC_PSYCHIATRIC": 0.3},
    "women": {"NEONATAL_ICU": 0.3},
}
#: Beds assumed where HIFLD gives none (-999).
_DEFAULT_BEDS = {"military": 150, "psychiatric": 80, "women": 12}
_HAS_ED = {"general acute care", "children", "military"}
_OCCUPANCY = {1: 0.80, 2: 0.84, 3: 0.88, 4: 0.86}
_STAFFED = {1: 1.0, 2: 0.96, 3: 0.94, 4: 0.97}
_ED_LOAD = {1: 1.0, 2: 0.7, 3: 1.3, 4: 0.9}


def bed_plan(r: Reporter, capabilities: Iterable[str]) -> dict[str, int]:
    """Beds of each (disjoint) type a facility has, scaled from its HIFLD bed count."""
    kind = r.facility_type or ""
    beds = r.beds or _DEFAULT_BEDS.get(kind, 100)
    plan = {t: max(2, round(beds * share)) for t, share in _BED_SHARES.get(kind, {}).items()}
    caps = set(capabilities)
    if kind == "general acute care":
        if beds >= 150:
            plan["PEDIATRICS"] = round(beds * 0.04)
        if beds >= 200:
            plan["NEONATAL_ICU"] = round(beds * 0.04)
        if beds >= 250:
            plan["ADULT_PSYCHIATRIC"] = round(beds * 0.05)
    if "burn" in caps:
        plan["BURN"] = 14
    if "pediatric_icu" in caps:
        plan["PEDIATRIC_ICU"] = round(beds * 0.03)
    rest = "PEDIATRICS" if kind == "children" else "MEDICAL_SURGICAL"
    plan[rest] = plan.get(rest, 0) + max(0, beds - sum(plan.values()))
    return {t: n for t, n in plan.items() if n > 0}


@dataclass
class Override:
    values: dict[str, Any] = field(default_factory=dict)
    occupancy: float | None = None
    staffed_factor: float | None = None
    comment: str | None = None


def _override(demo: Demo, key: str, period: int) -> Override:
    by_alias = demo.scenario["eei"]["overrides"]
    for alias, periods in by_alias.items():
        if demo.key(alias) == key and str(period) in periods:
            o = periods[str(period)]
            values = {
                code: demo.clock.at(v) if isinstance(v, str) and _TIME.match(v) else v
                for code, v in o.get("values", {}).items()
            }
            return Override(values, o.get("occupancy"), o.get("staffed_factor"), o.get("comment"))
    return Override()


def _beds(r: Reporter, demo: Demo, period: int, o: Override) -> dict[str, int]:
    """Staffed and available beds per type, plus the totals; available <= staffed
    and every type's available <= total available hold by construction."""
    caps = demo.scenario["eei"]["capabilities"].get(r.alias, [])
    rng = demo.rng(r.key, period, "beds")
    ratio = demo.rng(r.key, "staffed").uniform(0.74, 0.9)
    factor = o.staffed_factor if o.staffed_factor is not None else _STAFFED[period]
    base = _OCCUPANCY[period] + rng.uniform(-0.06, 0.06)
    out: dict[str, int] = {}
    total_staffed = total_available = 0
    for kind, n in sorted(bed_plan(r, caps).items()):
        staffed = max(1, round(n * ratio * factor))
        occ = o.occupancy if o.occupancy is not None else base + rng.uniform(-0.05, 0.05)
        available = staffed - min(staffed, round(staffed * min(max(occ, 0.0), 1.0)))
        out[f"BEDS_{kind}_STAFFED"] = staffed
        out[f"BEDS_{kind}_AVAILABLE"] = available
        total_staffed += staffed
        total_available += available
    out["BEDS_TOTAL_STAFFED"] = total_staffed
    out["BEDS_TOTAL_AVAILABLE"] = total_available
    return out


def _ventilators(r: Reporter, demo: Demo, beds: Mapping[str, int], period: int) -> dict[str, int]:
    rng = demo.rng(r.key, period, "vents")
    caps = demo.scenario["eei"]["capabilities"].get(r.alias, [])
    if "ventilator_unit" in caps:
        return {
            "VENTILATORS_IN_USE": round((r.beds or 100) * rng.uniform(0.2, 0.25)),
            "VENTILATORS_AVAILABLE": rng.randint(3, 6),
        }
    icu = sum(
        beds.get(f"BEDS_{t}_STAFFED", 0) for t in ("ADULT_ICU", "PEDIATRIC_ICU", "NEONATAL_ICU")
    )
    if not icu:
        return {}
    return {
        "VENTILATORS_IN_USE": round(icu * rng.uniform(0.3, 0.5)),
        "VENTILATORS_AVAILABLE": round(icu * rng.uniform(0.15, 0.35)) + rng.randint(0, 2),
    }


def _hospital_values(r: Reporter, demo: Demo, period: int, o: Override) -> dict[str, Any]:
    rng = demo.rng(r.key, period, "status")
    stock = demo.rng(r.key, "stock")
    storm = period in (2, 3)
    values: dict[str, Any] = {
        "FACILITY_STATUS": "Normal",
        "HOSPITAL_EOC_STATUS": "Active" if storm or rng.random() < 0.6 else "Inactive",
        "EVACUATION_STATUS": "Not evacuating",
        "POWER_SOURCE": "Grid",
        "WATER_STATUS": "Normal",
        "IT_SYSTEMS_STATUS": "Normal",
        "STAFFING_STATUS": "Adequate",
        "PPE_DAYS_ON_HAND": stock.randint(18, 40) - period,
    }
    if period == 2 and rng.random() < 0.3:
        values["EVACUATION_STATUS"] = "Shelter in place"
    if storm and rng.random() < 0.1:
        values["STAFFING_STATUS"] = "Insufficient"
        values["STAFFING_SHORTAGES"] = "Nursing: 4-6 RNs short per shift (staff unable to travel)"
    values.update(_beds(r, demo, period, o))
    values.update(_ventilators(r, demo, values, period))
    if values["BEDS_TOTAL_AVAILABLE"] == 0:
        values["CLINICAL_STATUS"] = "Full"
    else:
        values["CLINICAL_STATUS"] = "Normal"
    beds = r.beds or _DEFAULT_BEDS.get(r.facility_type or "", 100)
    if (r.facility_type or "") in _HAS_ED:
        seen = round(beds * 0.3 * _ED_LOAD[period] * rng.uniform(0.8, 1.2))
        values.update(
            EMS_TRAFFIC_STATUS="Normal",
            EMS_OFFLOAD_MINUTES=round(rng.uniform(12, 30) * (1.4 if storm else 1.0)),
            PATIENTS_SEEN=seen,
            PATIENTS_ADMITTED=round(seen * rng.uniform(0.12, 0.22)),
        )
    else:
        values["PATIENTS_ADMITTED"] = rng.randint(0, 3)
    return values


def _clinic_values() -> dict[str, Any]:
    """A community health centre reports only the elements its type is asked for."""
    return {
        "FACILITY_STATUS": "Normal",
        "EVACUATION_STATUS": "Not evacuating",
        "POWER_SOURCE": "Grid",
        "WATER_STATUS": "Normal",
        "STAFFING_STATUS": "Adequate",
    }


def facility_values(r: Reporter, demo: Demo, period: int) -> tuple[dict[str, Any], str | None]:
    """One facility's EEI values for one period: believable defaults for its kind and
    size, then what the scenario says happened there."""
    o = _override(demo, r.key, period)
    if r.member_type == "hospital":
        values = _hospital_values(r, demo, period, o)
    else:
        values = _clinic_values()
    values.update(o.values)
    return values, o.comment


def _reporter_label(demo: Demo, r: Reporter) -> str:
    ref = demo.scenario["eei"]["reporters"].get(r.alias)
    if ref:
        return demo.person(ref).actor.label
    return f"Emergency Management, {r.name}"[:120]


def eei_batches(demo: Demo) -> dict[int, list[FacilityReport]]:
    """Every facility report of the demo, per period, as the reporters hand them in."""
    reporters = {r.key: r for r in expected_reporters(demo)}
    batches: dict[int, list[FacilityReport]] = {}
    for plan in reporting_plan(demo):
        times = {**plan.on_time, **plan.late}
        batch = batches.setdefault(plan.number, [])
        for key in sorted(times):
            r = reporters[key]
            values, comment = facility_values(r, demo, plan.number)
            batch.append(
                FacilityReport(
                    organization_id=org_id(key),
                    period=plan.number,
                    values=values,
                    comment=comment,
                    reported_at=times[key],
                    reporter=_reporter_label(demo, r),
                    source="phone to the EEI desk" if key in plan.late else "EEI web form",
                )
            )
    return batches


@dataclass(frozen=True)
class Review:
    """One validation call: reports of one period given one state by one reviewer."""

    period: int
    state: str
    by: str
    note: str
    report_ids: tuple[str, ...]


_REVIEW_ORDER = {"validated": 0, "questioned": 1, "rejected": 2}


def eei_reviews(demo: Demo) -> list[Review]:
    """The situation unit's review: whole facility reports validated, single values
    questioned or rejected with a note; each report gets one final state."""
    spec = demo.scenario["eei"]["validation"]
    reported = {
        (r.period, r.organization_id): set(r.values)
        for batch in demo.eei_batches.values()
        for r in batch
    }
    state: dict[str, tuple[int, str, str, str]] = {}

    def mark(period: int, alias: str, codes: Iterable[str] | None, how: tuple[str, ...]) -> None:
        org = demo.org(alias)
        have = reported.get((period, org))
        if have is None:
            raise ValidationError("validation", f"{alias} sends no period {period} report")
        for code in have if codes is None else codes:
            if code not in have:
                raise ValidationError("validation", f"{alias} reports no {code} in {period}")
            state[eei.report_id(demo.incident_id, org, code, period)] = (period, *how)

    for rule in spec["validated"]:
        for alias in rule["facilities"]:
            mark(rule["period"], alias, None, ("validated", rule.get("by", spec["by"]), ""))
    for name in ("questioned", "rejected"):
        for rule in spec[name]:
            how = (name, rule.get("by", spec["by"]), rule["note"])
            mark(rule["period"], rule["facility"], rule["elements"], how)
    groups: dict[tuple[int, str, str, str], list[str]] = {}
    for rid, key in state.items():
        groups.setdefault(key, []).append(rid)
    return [
        Review(*key, report_ids=tuple(sorted(groups[key])))
        for key in sorted(groups, key=lambda k: (k[0], _REVIEW_ORDER[k[1]], k[2], k[3]))
    ]


def _seed_eei(store: Store, actor: Actor, demo: Demo, incident_id: str) -> int:
    made = 0
    for _, batch in sorted(demo.eei_batches.items()):
        ids = eei.submit_reports(store, actor=actor, incident_id=incident_id, reports=batch)
        made += len(ids)
    due = {p.number: p.eei_due_at for p in demo_periods(demo)}
    for review in demo.eei_reviews:
        eei.validate(
            store,
            actor=demo.person(review.by).actor,
            report_ids=review.report_ids,
            state=review.state,
            note=review.note,
            # Reviewed an hour and a half after the due time, once the late reports are in.
            **_supported(eei.validate, at=add_hours(due[review.period], 1.5)),
        )
    return made
