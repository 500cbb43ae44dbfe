"""The demo's EEI reports and their review, made from the scenario: which facilities
report in each period (on time, late or not at all), the values they send (beds by
type, ventilators, diversion, utilities) and what the situation unit validates,
questions or rejects. All of it is computed and checked against the catalog before the
first write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import eei
from hcc_desktop.core.services.eei import FacilityReport
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.demo.story import STORY_TIME, Demo, demo_periods, org_id


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
    find them: reporting member types in the incident's regions, members in good
    standing (not prospective or lapsed, after the preparedness year's changes)."""
    kinds = set(eei.reporting_types())
    regions = set(demo.incident["regions"])
    aliases = {v: k for k, v in demo.scenario["places"].items()}
    found = []
    for key in sorted([*demo.members, *demo.facilities]):
        row = demo.record(key)
        if row["member_type"] not in kinds or row["region"] not in regions:
            continue
        membership = demo.preparedness["membership"].get(key, {}).get("membership")
        if (membership or row.get("membership")) in eei.NOT_MEMBERS:
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
                code: demo.clock.at(v) if isinstance(v, str) and STORY_TIME.match(v) else v
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


def eei_reviews(demo: Demo, batches: Mapping[int, list[FacilityReport]]) -> list[Review]:
    """The situation unit's review: whole facility reports validated, single values
    questioned or rejected with a note; each report gets one final state."""
    spec = demo.scenario["eei"]["validation"]
    reported = {
        (r.period, r.organization_id): set(r.values) for batch in batches.values() for r in batch
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


@dataclass(frozen=True)
class EEIPlan:
    """Every report the demo submits, by period, and the reviews of them."""

    batches: dict[int, list[FacilityReport]]
    reviews: list[Review]


def plan_eei(demo: Demo) -> EEIPlan:
    """The demo's reports and reviews, each value checked as the catalog will check it
    and each review naming a report that will exist."""
    spec = demo.scenario["eei"]
    for alias in [*spec["reporters"], *spec["capabilities"], *spec["overrides"]]:
        demo.key(alias)
    batches = eei_batches(demo)
    cat = load_catalog()
    names = {org_id(k): k for k in [*demo.members, *demo.facilities]}
    for batch in batches.values():
        for report in batch:
            key = names[report.organization_id]
            for code, value in report.values.items():
                el = cat.element(code)
                if demo.record(key)["member_type"] not in el.reported_by:
                    raise ValidationError("eei", f"{key} does not report {code}")
                el.coerce(value)
            cat.check_rules(dict(report.values))
    reviews = eei_reviews(demo, batches)
    if not reviews:
        raise ValidationError("validation", "the scenario reviews no EEI report")
    return EEIPlan(batches, reviews)
