"""PDF workloads: the situation briefing of a large incident.

An incident of 500 facilities in five regions, six operational periods of EEIs
(about 60,000 values), 5,000 log entries with 120 approved significant events and 80
resource requests. The value is the whole `build_briefing` call: reading the store,
the figures, the map, the charts, the styled tables, two-pass page numbers, writing
the file. The baseline is reportlab laying out the same document: the briefing's own
story, captured from an untimed build, copied bare (see `bare`), in the same frame on
pages of the same size; both must come out with the same page count, checked every lap.
What any PDF of that content and length costs on this machine; the ratio is then the
price of everything the briefing adds (gathering from the store, drawing the map,
charts and figures, rules and colours, page furniture), which is the part we can change.
"""

from __future__ import annotations

import contextlib
import copy
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from reportlab import rl_config
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.doctemplate import ActionFlowable

from benchmarks.registry import Context, Lap, Result, stopwatch, workload
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, incidents, log, organizations, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.eei import FacilityReport
from hcc_desktop.core.services.log import NewEntry
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.reports import pages as pages_module
from hcc_desktop.reports.briefing import build_briefing
from hcc_desktop.reports.briefing_data import collect
from hcc_desktop.reports.fonts import register_fonts
from hcc_desktop.reports.pages import Margins
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


@dataclass
class Layout:
    """The briefing's document as laid out: its flowables and page geometry, captured
    from one untimed build."""

    story: list[Flowable]
    pagesize: tuple[float, float]
    margins: Margins


def capture_layout(build: Callable[[], Any], copies: int = 1) -> list[Layout]:
    """Run `build` (a build_briefing call) and keep `copies` bare copies of the story
    it handed to `render_story`, with the page size and margins: one per baseline lap,
    because laying a story out changes its flowables. The copies are made before the
    briefing's own layout runs, for the same reason."""
    seen: list[Layout] = []
    real = pages_module.render_story

    def spy(buffer: Any, story: list[Flowable], **kw: Any) -> None:
        width = kw["pagesize"][0]
        for _ in range(copies):
            seen.append(Layout([bare(f, width) for f in story], kw["pagesize"], kw["margins"]))
        real(buffer, story, **kw)

    pages_module.render_story = spy
    try:
        build()
    finally:
        pages_module.render_story = real
    if len(seen) != copies:
        raise AssertionError(f"expected one layout from build_briefing, saw {len(seen)}")
    return seen


def bare(f: Any, width: float) -> Any:
    """The least flowable that takes the same room on the page as `f`:

    - a table keeps its cells (text, Paragraphs), column widths, row heights, repeated
      header rows, spans and per-cell fonts and paddings, which decide its height and
      where it splits, but no rules, backgrounds or colours;
    - a paragraph is the same text in the same style (its line breaks are the layout);
    - page breaks, spacers and keep-together groups stay what they are;
    - anything drawn (the map, charts, figures) is a `Room`: sized and split by the
      original, drawn as nothing. The drawing is what the briefing adds, the room it
      takes is the layout."""
    if isinstance(f, str) or f is None:
        return f
    if isinstance(f, list | tuple):
        return [bare(x, width) for x in f]
    if isinstance(f, Table):
        widths = f._argW if isinstance(f._argW, list) else None
        rows = [
            [bare(c, widths[j] if widths and widths[j] else width) for j, c in enumerate(r)]
            for r in f._cellvalues
        ]
        t = type(f)(
            rows, colWidths=f._argW, rowHeights=f._argH, repeatRows=f.repeatRows,
            hAlign=f.hAlign, splitByRow=f.splitByRow,
        )  # fmt: skip
        for space in ("spaceBefore", "spaceAfter"):
            if hasattr(f, space):
                setattr(t, space, getattr(f, space))
        t._cellStyles = f._cellStyles  # fonts, sizes, leading, paddings, alignment
        t.setStyle([("SPAN", *sc[1:]) for sc in f._spanCmds])
        return t
    if isinstance(f, Paragraph):
        return copy.copy(f)  # its own attributes (keepWithNext set on it, ...), same text
    if isinstance(f, KeepTogether):
        return KeepTogether(bare(f._content, width), maxHeight=f._maxHeight)
    if isinstance(f, ActionFlowable | PageBreak | CondPageBreak | Spacer):
        return f
    if isinstance(f, Flowable):
        return Room(f)
    return f


class Room(Flowable):
    """Takes the room `inner` takes wherever it lands (its own wrap and split, which
    may depend on the space left on the page), and draws nothing."""

    def __init__(self, inner: Flowable) -> None:
        super().__init__()
        self.inner = inner

    def _share(self) -> None:
        for attr in ("_doctemplate", "_frame"):
            if hasattr(self, attr):
                with contextlib.suppress(AttributeError):  # a read-only property
                    setattr(self.inner, attr, getattr(self, attr))

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self._share()
        self.width, self.height = self.inner.wrap(aW, aH)
        return self.width, self.height

    def split(self, aW: float, aH: float) -> list[Flowable]:
        self._share()
        return [Room(part) for part in self.inner.split(aW, aH)]

    def getSpaceBefore(self) -> float:
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.inner.getSpaceAfter())

    def draw(self) -> None:
        pass


def lay_out(layout: Layout, out: Path) -> int:
    """reportlab laying out the bare copy in the same frame (no padding, as
    pages.render_story makes it), no page furniture, written to `out`; returns pages."""
    width, height = layout.pagesize
    mg = layout.margins
    frame = Frame(
        mg.left, mg.bottom, width - mg.left - mg.right, height - mg.top - mg.bottom,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=layout.pagesize, pageTemplates=[PageTemplate(frames=[frame])]
    )
    saved, rl_config.useA85 = rl_config.useA85, 0  # as render_story writes: no ASCII85
    try:
        doc.build(list(layout.story))
    finally:
        rl_config.useA85 = saved
    out.write_bytes(buffer.getvalue())
    return doc.page


# --------------------------------------------------------------------------- workload


@workload(
    "briefing_500_facilities",
    goal=2.0,
    description="situation briefing of an incident with 500 facilities and 5,000 log "
    "entries vs. reportlab laying out the same document (rows, page count) bare",
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
        pages: dict[str, set[int]] = {"briefing": set(), "bare": set(), "bare_laps": set()}
        out = ctx.tmpdir / "briefing.pdf"
        bare_pdf = ctx.tmpdir / "bare.pdf"

        def build() -> Any:
            return build_briefing(
                store, out, incident_id=incident_id, now=now, zone=ZONE, prepared_by=ACTOR
            )

        layouts = capture_layout(build, ctx.repeat)  # untimed: the baseline's input

        def value() -> Lap:
            with stopwatch() as lap:
                result = build()
            pages["briefing"].add(result.pages)
            return lap

        def baseline() -> Lap:
            fresh = layouts[len(pages["bare_laps"])]
            with stopwatch() as lap:
                pages["bare"].add(lay_out(fresh, bare_pdf))
            pages["bare_laps"].add(len(pages["bare_laps"]))
            return lap

        best, base = ctx.compare(value, baseline)
        pages.pop("bare_laps")
        if len(pages["briefing"]) != 1 or pages["briefing"] != pages["bare"]:
            raise AssertionError(f"not the same document: pages {pages}")
        return Result.from_laps(
            best,
            base,
            facilities=len(data.annex),
            table_rows=_table_rows(layouts[0].story),
            events=len(data.events),
            open_requests=len(data.requests),
            pages=pages["briefing"].pop(),
            same_pages=True,
            briefing_bytes=out.stat().st_size,
            bare_bytes=bare_pdf.stat().st_size,
        )
    finally:
        store.close()


def _table_rows(story: list[Any]) -> int:
    """Rows of every table in the story, nested tables included."""
    n = 0
    for f in story:
        if isinstance(f, Table):
            n += len(f._cellvalues)
            n += _table_rows([c for row in f._cellvalues for c in row])
        elif isinstance(f, KeepTogether):
            n += _table_rows(f._content)
        elif isinstance(f, list | tuple):
            n += _table_rows(list(f))
    return n
