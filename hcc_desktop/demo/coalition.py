"""The demo coalition's facts into a store: regions, members and hospitals (from
resources/demo/coalition.json, with the preparedness year's membership changes) and
their contacts, through the organization and contact services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.services import organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.demo.story import Demo, org_id


def seed_regions(store: Store, actor: Actor, demo: Demo) -> int:
    for r in demo.coalition["regions"]:
        organizations.add_region(
            store, actor=actor, key=r["key"], name=r["name"], kind=r["kind"], state=r["state"]
        )
    return len(demo.coalition["regions"])


_COMMON = ("name", "member_type", "membership", "address", "town", "state", "zip", "county")
_TERM = ("joined_on", "left_on", "phone_24_7")
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
    values.update({k: row[k] for k in _TERM if row.get(k)})
    values.update(demo.scenario["members"].get(key, {}))
    values.update(demo.preparedness["membership"].get(key, {}))
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


def seed_organizations(store: Store, actor: Actor, demo: Demo) -> tuple[int, int]:
    """Members first, so that facilities can name their health system as parent; all
    in one transaction."""
    batch = [(org_id(key), _member_values(demo, key)) for key in sorted(demo.members)]
    batch += [
        (org_id(key), _facility_values(demo, demo.facilities[key]))
        for key in sorted(demo.facilities)
    ]
    organizations.add_organizations(store, actor=actor, members=batch)
    return len(demo.members), len(demo.facilities)


def seed_contacts(store: Store, actor: Actor, demo: Demo) -> int:
    people = [*demo.scenario["contacts"], *demo.preparedness["contacts"]]
    for c in people:
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
            phone_24_7=c.get("phone_24_7", ""),
            record_id=natural_id("contact", key, c["name"]),
        )
    return len(people)
