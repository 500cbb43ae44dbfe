"""The hazard vulnerability analysis on paper, in the Kaiser Permanente layout (DOMAIN.md
1): one sheet per category with the seven score columns under their scale headings and
the relative risk, the category's average line, a heat map of probability against
severity, and the ranked summary across categories.

Planners compare this printout with the spreadsheet they have used for years, so the
column order, the headings and the inverted mitigation scale (1 = high preparedness)
are the tool's own, and the figures are `hva.ranked` and `hva.summarise`, never
recomputed here. A draft analysis says DRAFT on every page: a draft ranking quoted in
a grant application is a real risk.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import HVA_CATEGORIES, HVA_SCORES
from hcc_desktop.core.services import hva, organizations
from hcc_desktop.core.services.common import Actor, get_live
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.reports.document import (
    DRAFT_MARKING,
    DocumentResult,
    body_width,
    cells,
    heads,
    house_table,
    section,
    text_width,
    widths,
    write_document,
)
from hcc_desktop.reports.fonts import COND, COND_BOLD, register_fonts
from hcc_desktop.reports.pages import Furniture, Progress, check_out, page_size, step
from hcc_desktop.reports.styles import BODY, CELL, H2, INK, MUTED, NOTE, SUBTITLE, TITLE, esc, para
from hcc_desktop.reports.timefmt import Clock

HEADINGS = ("Probability", "Human impact", "Property impact", "Business impact",
            "Preparedness", "Internal response", "External response")  # fmt: skip
MEANINGS = (
    "Likelihood this will occur",
    "Possibility of death or injury",
    "Physical losses and damages",
    "Interruption of services",
    "Preplanning",
    "Time, effectiveness, resources",
    "Community/ mutual aid staff and supplies",
)
HIGH_SCALE = "0 = N/A<br/>1 = Low<br/>2 = Moderate<br/>3 = High"
LOW_SCALE = "0 = N/A<br/>1 = High<br/>2 = Moderate<br/>3 = Low or none"
#: Heat-map tints by relative risk band, light enough for black numbers on them.
BANDS = ((25, "#e8f5e9", "low"), (50, "#fff8e1", "moderate"), (75, "#ffe0b2", "high"),
         (101, "#ffcdd2", "very high"))  # fmt: skip


def build_hva(
    store: Store,
    assessment_id: str,
    out: Path,
    paper: str | None = None,
    *,
    prepared_by: Actor | None = None,
    zone: tzinfo | None = None,
    progress: Progress | None = None,
) -> DocumentResult:
    """Write the analysis `assessment_id` to `out`. Refuses, naming the field, an
    unknown analysis ("assessment"), a bad paper or output path ("out")."""
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    step(progress, 0, 2)
    with store.read() as s:
        a = get_live(s, m.HvaAssessment, assessment_id, "assessment")
    rows = hva.ranked(store, assessment_id=a.id)
    summary = hva.summarise(rows)
    scope = {r.id: r.name or "" for r in organizations.list_regions(store)}.get(a.region_id or "")
    draft = a.status != "final"
    width = body_width(size)
    title = a.title or f"HVA {a.year}"
    story: list[Flowable] = [
        Paragraph(esc(title), TITLE),
        Paragraph(
            esc(f"Hazard vulnerability analysis · {scope or 'scope not found'} · {a.year}"),
            SUBTITLE,
        ),
        para(
            (
                "DRAFT — not final. "
                if draft
                else f"Final, {clock.date(a.status_at)}, {a.status_by or ''}. "
            )
            + f"{len(rows)} hazards in {len(summary) - 1 if summary else 0} "
            "categories. Relative risk = (probability / 3) × (sum of the six impact and "
            "mitigation scores / 18), as the Kaiser Permanente tool computes it; threat "
            "increases with the percentage. Events in bold have happened before.",
            BODY,
        ),
    ]
    if a.notes:
        story.append(para(a.notes, NOTE))
    story += _ranked(rows, width)
    story.append(KeepTogether([Paragraph("Heat map: probability × severity", H2),
                               heat_map(rows, width), heat_map_key(rows)]))  # fmt: skip
    for category, label in HVA_CATEGORIES.items():
        mine = [r for r in rows if r.category == category]
        line = next((c for c in summary if c.category == category), None)
        if mine and line is not None:
            story += _sheet(label, mine, line, width)
    furniture = Furniture(
        header_left=f"{title} · Hazard vulnerability analysis",
        header_right="DRAFT" if draft else f"Final {clock.date(a.status_at)}",
        footer_left=f"Printed {clock.full(from_ms(store.wall()))}"
        + (f" by {prepared_by.label}" if prepared_by else ""),
        marking=DRAFT_MARKING if draft else None,
    )
    pages, written = write_document(
        Path(out), story, furniture, pagesize=size, title=title,
        author=prepared_by.label if prepared_by else store.station_name,
        subject="Hazard vulnerability analysis" + (" (draft)" if draft else ""), progress=progress,
    )  # fmt: skip
    step(progress, 2, 2)
    return DocumentResult(Path(out), pages, written, draft, title)


def _name(row: hva.HazardRow) -> str:
    name = f"<b>{esc(row.name)}</b>" if row.occurred else esc(row.name)
    if row.notes:
        name += f"<br/><font size='6.5' color='#555b61'>{esc(row.notes)}</font>"
    return name


def _severity(row: hva.HazardRow) -> int:
    return round(100 * sum(row.scores[k] for k in HVA_SCORES[1:]) / 18)


def _ranked(rows: list[hva.HazardRow], width: float) -> list[Flowable]:
    num = text_width("Rank")
    cols = widths(width, [num, None, None, text_width("Probability"), text_width("Severity"),
                          text_width("Relative risk")], [0.6, 0.4])  # fmt: skip
    body: list[list[object]] = [
        heads("Rank", "Hazard", "Category", "Probability", "Severity", "Relative risk")
    ]
    for r in rows:
        body.append([*cells(r.rank, right=(0,)), para(_name(r), CELL, markup=True),
                     *cells(HVA_CATEGORIES.get(r.category, r.category), r.scores["probability"],
                            f"{_severity(r)} %", f"{r.risk} %", right=(1, 2, 3))])  # fmt: skip
    intro = "All hazards, highest relative risk first. Rank numbers mark the heat map."
    return section("Ranked summary across categories", house_table(body, cols), intro)


def _sheet(
    label: str, rows: list[hva.HazardRow], line: hva.CategorySummary, width: float
) -> list[Flowable]:
    score_w = (width * 0.7) / 7
    cols = widths(width, [None, *[score_w] * 7, text_width("100 %")], [1.0])
    body: list[list[object]] = [
        [para(x, _HEAD) for x in ("Event", *HEADINGS, "Risk")],
        [para("Hazard (bold: has happened)", _SMALL), *[para(x, _SMALL) for x in MEANINGS],
         para("Relative threat", _SMALL)],
        [para("", CELL), *[para(HIGH_SCALE if i < 4 else LOW_SCALE, _SMALL, markup=True)
                           for i in range(7)], para("0-100 %", _SMALL)],
    ]  # fmt: skip
    for r in rows:
        body.append([para(_name(r), CELL, markup=True),
                     *cells(*(r.scores[k] for k in HVA_SCORES), f"{r.risk} %",
                            right=tuple(range(8)))])  # fmt: skip
    avg = line.averages
    body.append([para("<b>Average score</b>", CELL, markup=True),
                 *cells(*(f"{avg[k]:.2f}" for k in HVA_SCORES), f"{line.risk} %",
                        right=tuple(range(8)))])  # fmt: skip
    table = house_table(body, cols, header_rows=3)
    intro = (
        f"Severity = (magnitude − mitigation): human, property and business impact, "
        f"then preparedness, internal and external response (scored inversely). "
        f"{line.hazards} hazards; the category's relative threat is {line.risk} %."
    )
    return section(label, table, intro)


_HEAD = CELL.clone("hva_head", fontName=COND_BOLD, fontSize=6.6, leading=8)
_SMALL = CELL.clone("hva_small", fontSize=6.5, leading=7.8, textColor=MUTED)


def heat_map(rows: list[hva.HazardRow], width: float) -> Drawing:
    """Probability (rows, 1-3 and N/A) against severity (0-100 %, across), tinted by the
    relative risk the two give; each hazard is its rank number, and a key names them."""
    left, bottom, row_h = 58.0, 26.0, 46.0
    plot_w = width - left - 10
    levels = (0, 1, 2, 3)
    h = bottom + row_h * len(levels) + 14
    d = Drawing(width, h)
    steps = 20
    for p in levels:
        y = bottom + p * row_h
        for i in range(steps):
            mid = (i + 0.5) / steps
            risk = 100 * (p / 3) * mid
            tint = next(c for limit, c, _ in BANDS if risk < limit)
            d.add(Rect(left + i * plot_w / steps, y, plot_w / steps + 0.3, row_h,
                       fillColor=colors.HexColor(tint), strokeColor=None))  # fmt: skip
        d.add(Line(left, y, left + plot_w, y, strokeColor=MUTED, strokeWidth=0.4))
        name = ("N/A", "1 Low", "2 Moderate", "3 High")[p]
        d.add(String(left - 4, y + row_h / 2 - 3, name, fontName=COND, fontSize=7.5,
                     textAnchor="end", fillColor=INK))  # fmt: skip
    d.add(Rect(left, bottom, plot_w, row_h * 4, fillColor=None, strokeColor=INK, strokeWidth=0.8))
    for pct in range(0, 101, 20):
        x = left + plot_w * pct / 100
        d.add(Line(x, bottom, x, bottom - 3, strokeColor=INK, strokeWidth=0.5))
        d.add(String(x, bottom - 12, f"{pct} %", fontName=COND, fontSize=7, textAnchor="middle",
                     fillColor=INK))  # fmt: skip
    d.add(String(left + plot_w / 2, 2, "Severity (sum of impact and mitigation scores / 18)",
                 fontName=COND_BOLD, fontSize=7.5, textAnchor="middle", fillColor=INK))  # fmt: skip
    d.add(String(4, bottom + row_h * 4 + 4, "Probability", fontName=COND_BOLD, fontSize=7.5,
                 fillColor=INK))  # fmt: skip
    placed: list[tuple[float, float]] = []
    radius = 6.5
    for r in sorted(rows, key=lambda r: r.rank):
        p = r.scores["probability"]
        x = left + radius + (plot_w - 2 * radius) * _severity(r) / 100
        base = bottom + p * row_h + row_h / 2
        for k in (0, 1, -1, 2, -2, 3, -3):
            y = base + k * 2 * radius * 0.55
            if all((x - px) ** 2 + (y - py) ** 2 >= (2 * radius) ** 2 for px, py in placed):
                break
            x_try = x + 2 * radius
            if all((x_try - px) ** 2 + (base - py) ** 2 >= (2 * radius) ** 2 for px, py in placed):
                x, y = x_try, base
                break
        placed.append((x, y))
        d.add(Circle(x, y, radius, fillColor=colors.white, strokeColor=INK, strokeWidth=0.7))
        d.add(String(x, y - 2.6, str(r.rank), fontName=COND_BOLD, fontSize=7, textAnchor="middle",
                     fillColor=INK))  # fmt: skip
    return d


def heat_map_key(rows: list[hva.HazardRow]) -> Paragraph:
    """The key under the heat map: rank → hazard and its relative risk."""
    text = " · ".join(f"<b>{r.rank}</b> {esc(r.name)} ({r.risk} %)" for r in rows)
    bands = ", ".join(f"{name} below {limit} %" if limit <= 100 else f"{name} 75 % and over"
                      for limit, _, name in BANDS)  # fmt: skip
    return para(f"Key: {text}. Tints by relative risk: {bands}.", NOTE, markup=True)
