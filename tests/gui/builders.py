"""A small, realistic incident made with the services, for the GUI tests and for
screenshots of stores bigger than the tests need.

Facilities come from the shipped demo coalition (real Connecticut hospital names), so a
screenshot looks like the real thing; values vary per facility and period so that the
grid shows every colour: a hospital on diversion, one evacuating, one low on fuel, one
that never reported and one that reported late.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from hcc_desktop.core.services import eei, incidents, log, organizations, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, parse_iso, to_iso

ROOT = Path(__file__).resolve().parents[2]
COALITION = ROOT / "resources" / "demo" / "coalition.json"

BED_TYPES = ("ADULT_ICU", "MEDICAL_SURGICAL", "PEDIATRICS", "BURN")


@dataclass
class Scenario:
    incident_id: str
    region_id: str
    facilities: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    periods: int = 0
    entries: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def _hours(iso: str, hours: float) -> str:
    return to_iso(parse_iso(iso) + timedelta(hours=hours))


def _hospital_values(rng: random.Random, i: int, period: int) -> dict[str, object]:
    staffed = {b: rng.randint(8, 40) for b in BED_TYPES}
    values: dict[str, object] = {
        "FACILITY_STATUS": "Normal",
        "EMS_TRAFFIC_STATUS": "Normal",
        "POWER_SOURCE": "Grid",
        "STAFFING_STATUS": "Adequate",
        "GENERATOR_FUEL_HOURS": rng.choice([72, 96, 120]),
        "BEDS_TOTAL_STAFFED": sum(staffed.values()) + 50,
    }
    total_available = 0
    for bed, n in staffed.items():
        avail = max(0, n - rng.randint(2, n) - period)
        values[f"BEDS_{bed}_STAFFED"] = n
        values[f"BEDS_{bed}_AVAILABLE"] = avail
        total_available += avail
    values["BEDS_TOTAL_AVAILABLE"] = total_available + 10
    if i == 1 and period >= 2:
        values["EMS_TRAFFIC_STATUS"] = "Closed"
        values["EMS_TRAFFIC_REASON"] = "ED over capacity"
    if i == 2:
        values["FACILITY_STATUS"] = "Compromised" if period == 1 else "Evacuating"
        values["POWER_SOURCE"] = "Generator"
        values["GENERATOR_FUEL_HOURS"] = max(4, 30 - 10 * period)
    if i == 3:
        values["EMS_TRAFFIC_STATUS"] = "Advisory"
        values["STAFFING_STATUS"] = "Insufficient"
    return values


def build(
    store: Store,
    actor: Actor,
    *,
    hospitals: int = 6,
    periods: int = 3,
    log_entries: int = 12,
    seed: int = 7,
) -> Scenario:
    """Members, an incident with `periods` operational periods, EEIs, log, requests."""
    rng = random.Random(seed)
    data = json.loads(COALITION.read_text(encoding="utf-8"))
    ct = [f for f in data["facilities"] if f["region"] == "ct"]
    ma = [f for f in data["facilities"] if f["region"] != "ct"]
    chosen = (ct + ma)[:hospitals]
    region = organizations.add_region(
        store, actor=actor, key="ct", name="Connecticut Health Care Coalition", kind="coalition"
    )
    sc = Scenario(incident_id="", region_id=region)
    for f in chosen:
        sc.facilities.append(
            organizations.add_organization(
                store,
                actor=actor,
                name=f["name"],
                member_type="hospital",
                membership="core",
                region_id=region,
                town=f.get("town"),
                zip=f.get("zip"),
                lat=f.get("lat"),
                lon=f.get("lon"),
                phone=f.get("phone"),
                phone_24_7=f.get("phone"),
                beds=f.get("beds"),
                trauma_level=f.get("trauma_level"),
            )
        )
    for m in data["members"][:4]:
        sc.others.append(
            organizations.add_organization(
                store,
                actor=actor,
                name=m["name"],
                member_type=m["member_type"],
                membership=m["membership"],
                region_id=region,
                town=m.get("town"),
                zip=m.get("zip"),
            )
        )
    organizations.add_contact(
        store,
        actor=actor,
        organization_id=sc.facilities[0],
        name="Pat Morgan",
        role="Emergency manager",
        phone="(203) 555-0100",
        is_24_7=True,
    )
    now = from_ms(store.wall())
    start = _hours(now, -12 * periods + 1)
    sc.incident_id = incidents.create_incident(
        store,
        actor=actor,
        name="Hurricane Delta",
        incident_type="hurricane",
        started_at=start,
        region_ids=[region],
    )
    for p in range(1, periods + 1):
        p_start = _hours(start, 12 * (p - 1))
        incidents.add_period(
            store,
            actor=actor,
            incident_id=sc.incident_id,
            starts_at=p_start,
            ends_at=_hours(p_start, 12),
            objectives=f"Objectives of period {p}",
        )
        reports = []
        for i, org in enumerate(sc.facilities):
            if i == len(sc.facilities) - 1 and len(sc.facilities) > 4:
                continue  # never reports
            late = i == 4 and p == periods
            at = _hours(p_start, 3.5 if late else 0.5 + 0.05 * i)
            reports.append(eei.FacilityReport(org, p, _hospital_values(rng, i, p), reported_at=at))
        eei.submit_reports(store, actor=actor, incident_id=sc.incident_id, reports=reports)
        sc.periods = p
    texts = [
        ("situation", "routine", "Coalition call held; all hospitals invited"),
        ("decision", "important", "Activate regional patient tracking"),
        ("communication", "routine", "Briefed DPH duty officer by phone"),
        ("resource", "urgent", "Generator fuel request from facility on backup power"),
        ("alert", "urgent", "Storm surge warning issued for shoreline towns"),
        ("safety", "important", "Road closures on I-95 southbound"),
    ]
    entries = []
    for n in range(log_entries):
        cat, pri, text = texts[n % len(texts)]
        entries.append(
            log.NewEntry(
                f"{text} ({n + 1})",
                cat,
                pri,
                organization_id=sc.facilities[n % len(sc.facilities)] if n % 3 == 0 else None,
                occurred_at=_hours(start, 0.25 * (n + 1)),
            )
        )
    sc.entries = log.add_entries(store, actor=actor, incident_id=sc.incident_id, entries=entries)
    log.nominate(store, actor=actor, entry_id=sc.entries[1])
    log.nominate(store, actor=actor, entry_id=sc.entries[4])
    log.review(store, actor=actor, entry_id=sc.entries[4], approve=True)
    for kind, qty, unit, pri, needed in (
        ("Generator fuel (diesel)", 2000, "gallons", "urgent", -2),
        ("Ventilators", 4, "each", "urgent", 6),
        ("Cots", 100, "each", "routine", 24),
    ):
        sc.requests.append(
            requests.create_request(
                store,
                actor=actor,
                incident_id=sc.incident_id,
                resource_kind=kind,
                quantity=qty,
                unit=unit,
                priority=pri,
                requester_org_id=sc.facilities[2],
                needed_by=_hours(now, needed),
                deliver_to="Loading dock B",
            )
        )
    requests.set_status(store, actor=actor, request_id=sc.requests[1], status="approved")
    return sc
