"""PDF workloads: the situation briefing of a large incident.

An incident of 500 facilities in five regions, six operational periods of EEIs
(about 60,000 values), 5,000 log entries with 120 approved significant events and 80
resource requests. The value is the whole `build_briefing` call: reading the store,
the figures, the map, the charts, the styled tables, two-pass page numbers, writing
the file. The baseline is reportlab itself laying out the same rows (the briefing's
own tables, gathered beforehand) as bare tables in a plain document, in the same run:
what any PDF of that content costs on this machine. The ratio is then the price of
everything the briefing adds, which is the part we can change.

Bare means: default fonts and no table style; free-text cells (details, resource
descriptions, event texts) are Paragraphs because text that does not wrap runs off
the page, which is not a layout; the other cells are plain strings.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from benchmarks.registry import Context, Lap, Result, stopwatch, workload
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, incidents, log, organizations, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.eei import FacilityReport
from hcc_desktop.core.services.log import NewEntry
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.reports.briefing import build_briefing
from hcc_desktop.reports.briefing_data import collect
from hcc_desktop.reports.briefing_model import BriefingData
from hcc_desktop.reports.fonts import register_fonts
from hcc_desktop.reports.timefmt import Clock

#: The sizes the goal was set for (the issue's numbers); --scale multiplies them.
FACILITIES = 500
LOG_ENTRIES = 5_000
PERIODS = 6
EVENTS = 120
REQUESTS = 80
REGIONS = 5

ACTOR = Actor("Bench Duty Officer", "Duty Officer")
STATION = "Bench EOC"
START = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
ZONE = ZoneInfo("America/New_York")
SEED = 20261120
BED_TYPES = ("ADULT_ICU", "MEDICAL_SURGICAL", "PEDIATRICS", "ADULT_PSYCHIATRIC")


# --------------------------------------------------------------------------- the store


def _values(rng: random.Random, period: int, troubled: bool) -> dict[str, Any]:
    staffed = {t: rng.randint(4, 80) for t in BED_TYPES}
    avail = {t: rng.randint(0, staffed[t]) for t in BED_TYPES}
    values: dict[str, Any] = {
        f"BEDS_{t}_{k}": v
        for t in BED_TYPES
        for k, v in (("STAFFED", staffed[t]), ("AVAILABLE", avail[t]))
    }
    values["BEDS_TOTAL_STAFFED"] = sum(staffed.values()) + rng.randint(0, 40)
    values["BEDS_TOTAL_AVAILABLE"] = sum(avail.values())
    values["FACILITY_STATUS"] = "Compromised" if troubled else "Normal"
    values["EMS_TRAFFIC_STATUS"] = rng.choice(("Closed", "Advisory")) if troubled else "Normal"
    if values["EMS_TRAFFIC_STATUS"] == "Closed":
        values["EMS_TRAFFIC_EXPIRES"] = to_iso(START + timedelta(hours=12 * period + 6))
        values["EMS_TRAFFIC_REASON"] = "ED at capacity; CT scanner down"
    values["POWER_SOURCE"] = "Generator" if troubled and rng.random() < 0.5 else "Grid"
    values["WATER_STATUS"] = "Normal"
    values["STAFFING_STATUS"] = "Insufficient" if troubled and rng.random() < 0.3 else "Adequate"
    values["IT_SYSTEMS_STATUS"] = "Degraded" if troubled and rng.random() < 0.2 else "Normal"
    if troubled and rng.random() < 0.3:
        values["STAFFING_SHORTAGES"] = "Nursing: 4-6 RNs short per shift"
    return values


def build_incident(path: Path, *, facilities: int, entries: int) -> tuple[Store, str, str]:
    """A store holding the large incident; returns (store, incident id, 'now')."""
    rng = random.Random(SEED)
    store = open_store(path, station_name=STATION)
    regions = [
        organizations.add_region(store, actor=ACTOR, key=f"r{i}", name=f"Region {i + 1}")
        for i in range(REGIONS)
    ]
    orgs = []
    for i in range(facilities):
        orgs.append(
            organizations.add_organization(
                store,
                actor=ACTOR,
                name=f"Bench Hospital {i:03d} — Saint Jérôme",
                short_name=f"BH{i:03d}",
                member_type="hospital",
                membership="core",
                region_id=regions[i % REGIONS],
                town=f"Town {i % 97}",
                state="CT",
                lat=round(41.05 + rng.random() * 1.7, 5),
                lon=round(-73.6 + rng.random() * 3.4, 5),
            )
        )
    inc = incidents.create_incident(
        store,
        actor=ACTOR,
        name="Benchmark hurricane",
        incident_type="hurricane",
        exercise=True,
        started_at=to_iso(START),
        region_ids=regions,
    )
    for n in range(1, PERIODS + 1):
        begin = START + timedelta(hours=12 * (n - 1))
        incidents.add_period(
            store,
            actor=ACTOR,
            incident_id=inc,
            starts_at=to_iso(begin),
            ends_at=to_iso(begin + timedelta(hours=12)),
            objectives="1. Keep the picture current. 2. Balance EMS load. 3. Report on time.",
        )
    for n in range(1, PERIODS + 1):
        due = START + timedelta(hours=12 * (n - 1) + 2)
        batch = [
            FacilityReport(
                org,
                n,
                _values(rng, n, troubled=rng.random() < 0.08),
                reported_at=to_iso(due + timedelta(minutes=rng.randint(-110, 90))),
            )
            for org in orgs
            if rng.random() < 0.92
        ]
        eei.submit_reports(store, actor=ACTOR, incident_id=inc, reports=batch)
    span = PERIODS * 12 * 3600
    new = [
        NewEntry(
            text=f"Entry {i}: relayed bed and EMS status from {rng.choice(orgs)[:8]}; "
            "follow-up at the next coalition call.",
            category=rng.choice(("situation", "resource", "communication")),
            occurred_at=to_iso(START + timedelta(seconds=1 + i * span // max(entries, 1))),
        )
        for i in range(entries)
    ]
    ids = log.add_entries(store, actor=ACTOR, incident_id=inc, entries=new)
    for entry_id in ids[-max(entries // 4, 1) :: max(entries // 4 // EVENTS, 1)][:EVENTS]:
        log.nominate(store, actor=ACTOR, entry_id=entry_id)
        log.review(store, actor=ACTOR, entry_id=entry_id, approve=True)
    for i in range(REQUESTS):
        rid = requests.create_request(
            store,
            actor=ACTOR,
            incident_id=inc,
            resource_kind=rng.choice(("Ventilator", "Diesel fuel", "Cots", "Oxygen")),
            quantity=rng.randint(1, 400),
            priority=rng.choice(("urgent", "routine", "low")),
            needed_by=to_iso(START + timedelta(hours=rng.randint(6, 80))),
            requester_org_id=rng.choice(orgs),
            description="Detailed description of the item, its size and its handling.",
            created_at=to_iso(START + timedelta(hours=rng.randint(0, 60))),
        )
        if i % 3 == 0:
            requests.set_status(store, actor=ACTOR, request_id=rid, status="approved")
    now = to_iso(START + timedelta(hours=12 * (PERIODS - 1) + 9))
    return store, inc, now


# --------------------------------------------------------------------------- baseline


def bare_tables(data: BriefingData, out: Path) -> int:
    """The briefing's rows as bare reportlab tables in a plain document; returns pages."""
    style = getSampleStyleSheet()["BodyText"]
    clock = Clock(ZONE)
    width = LETTER[0] - 1.2 * inch

    def p(text: object) -> Paragraph:
        return Paragraph(str(text or ""), style)

    tables: list[list[list[Any]]] = [
        [["Facility", "Town", "Status", "Details", "Reported"]]
        + [
            [
                r.facility.name,
                r.facility.town,
                r.status,
                p("; ".join(r.details)),
                clock.short(r.reported_at),
            ]
            for r in (*data.troubled, *data.limited)
        ],
        [["Beds", "Available", "Staffed", "Reporting", "Previous", "Change"]]
        + [
            [b.label, b.available, b.staffed, b.facilities, b.previous, b.change]
            for b in (*data.beds, *data.beds_by_region)
        ],
        [["Request", "Priority", "Resource", "Requester", "Needed by", "Status"]]
        + [
            [
                r.number,
                r.priority,
                p(f"{r.resource} {r.detail}"),
                r.requester,
                clock.short(r.needed_by),
                r.status,
            ]
            for r in data.requests
        ],
        [["Time", "Event", "Member", "Logged by"]]
        + [[clock.short(e.occurred_at), p(e.text), e.member, e.who] for e in data.events],
        [["Facility", "Town", "First report"]]
        + [
            [f.name, f.town, clock.short(at)]
            for f, at in (data.reporting.late if data.reporting else [])
        ],
        [["Facility", "Town", "Last report"]]
        + [
            [f.name, f.town, last] for f, last in (data.reporting.missing if data.reporting else [])
        ],
        [["Facility", "Town", "Protected EEIs", "Reported"]]
        + [
            [
                r.facility.name,
                r.facility.town,
                p("; ".join(f"{k}: {v}" for k, v in r.items)),
                clock.short(r.reported_at),
            ]
            for r in data.protected
        ],
        [["Facility", "Town", "Region", "Status", "Beds", "Staffed", "ICU", "Last report"]]
        + [
            [
                a.facility.name,
                a.facility.town,
                a.facility.region,
                a.status,
                a.beds_available,
                a.beds_staffed,
                a.icu_available,
                clock.short(a.reported_at),
            ]
            for a in data.annex
        ],
    ]
    story = []
    for rows in tables:
        cols = len(rows[0])
        story.append(Table(rows, colWidths=[width / cols] * cols, repeatRows=1))
    pages = [0]

    def count(canvas: Any, doc: Any) -> None:
        pages[0] = doc.page

    SimpleDocTemplate(str(out), pagesize=LETTER).build(story, onFirstPage=count, onLaterPages=count)
    return pages[0]


# --------------------------------------------------------------------------- workload


@workload(
    "briefing_500_facilities",
    goal=2.0,
    description="situation briefing of an incident with 500 facilities and 5,000 log "
    "entries vs. reportlab laying out the same rows as bare tables",
)
def briefing_500_facilities(ctx: Context) -> Result:
    register_fonts()
    store, incident_id, now = build_incident(
        ctx.tmpdir / "store.sqlite",
        facilities=ctx.rows(FACILITIES, minimum=20),
        entries=ctx.rows(LOG_ENTRIES, minimum=50),
    )
    try:
        data = collect(store, incident_id=incident_id, now=now, clock=Clock(ZONE))
        pages: dict[str, int] = {}
        out = ctx.tmpdir / "briefing.pdf"
        bare = ctx.tmpdir / "bare.pdf"

        def value() -> Lap:
            with stopwatch() as lap:
                result = build_briefing(
                    store, out, incident_id=incident_id, now=now, zone=ZONE, prepared_by=ACTOR
                )
            pages["briefing"] = result.pages
            return lap

        def baseline() -> Lap:
            with stopwatch() as lap:
                pages["bare"] = bare_tables(data, bare)
            return lap

        best, base = ctx.compare(value, baseline)
        rows = (
            len(data.troubled) + len(data.limited) + len(data.beds) + len(data.beds_by_region)
            + len(data.requests) + len(data.events) + len(data.protected) + len(data.annex)
            + (len(data.reporting.late) + len(data.reporting.missing) if data.reporting else 0)
        )  # fmt: skip
        return Result.from_laps(
            best,
            base,
            facilities=len(data.annex),
            table_rows=rows,
            events=len(data.events),
            open_requests=len(data.requests),
            briefing_pages=pages.get("briefing"),
            bare_pages=pages.get("bare"),
            briefing_bytes=out.stat().st_size,
        )
    finally:
        store.close()
