"""Briefing sections about the facilities: situation summary and objectives, facility
status, the member map, bed availability and the trend charts.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from hcc_desktop.core.services.status import STATUSES
from hcc_desktop.reports import charts
from hcc_desktop.reports.briefing_model import BedRow, StatusRow
from hcc_desktop.reports.briefing_sheet import (
    Sheet,
    fill,
    listing,
    signed,
    status_hex,
    two_up,
    whole,
)
from hcc_desktop.reports.keep import captioned
from hcc_desktop.reports.mapview import MemberMap
from hcc_desktop.reports.styles import (
    BODY,
    CELL,
    CELL_BOLD,
    CELL_HEAD,
    CELL_HEAD_RIGHT,
    CELL_RIGHT,
    H2,
    H3,
    HEAD_BG,
    INK,
    NON_REPORTING_LABEL,
    NOTE,
    SMALL,
    esc,
    grid,
    para,
    swatch,
)

OBJECTIVE = ParagraphStyle("objective", parent=BODY, leftIndent=14, bulletIndent=2, spaceAfter=2)


def summary(s: Sheet) -> list[Flowable]:
    d = s.d
    out: list[Flowable] = [Paragraph("Situation summary", H2)]
    if d.summary_text:
        for block in re.split(r"\n\s*\n", d.summary_text):
            out.append(Paragraph(esc(block.strip()), BODY))
    else:
        out.append(Paragraph("No situation summary was written for this briefing.", NOTE))
    if d.period is not None and d.period.objectives:
        out.append(Paragraph(f"Objectives for operational period {d.number}", H3))
        for number, item in numbered_items(d.period.objectives):
            out.append(Paragraph(esc(item), OBJECTIVE, bulletText=number))
    return out


def status(s: Sheet) -> list[Flowable]:
    d = s.d
    out: list[Flowable] = [Paragraph("Facility status", H2)]
    expected = sum(d.status_counts.values())
    if not expected:
        out.append(Paragraph("No facility is expected to report EEIs for this incident.", NOTE))
        return out
    head = [para(f"{swatch(k)} {esc(lbl)}", CELL_HEAD, markup=True) for k, lbl in STATUSES.items()]
    values = [para(whole(d.status_counts.get(k, 0)), CELL_BOLD) for k in STATUSES]
    t = Table(
        [[*head, para("Facilities", CELL_HEAD)], [*values, para(whole(expected), CELL_BOLD)]],
        colWidths=[s.width / (len(STATUSES) + 1)] * (len(STATUSES) + 1),
    )
    t.setStyle(grid(zebra=False))
    r = d.reporting
    reporting_of = r.expected if r else expected
    not_this_period = len(r.missing) if r else expected - d.reporting_this_period
    out = [
        *captioned(out, t),
        Paragraph(
            "Each facility's status from its latest report up to this period (a status "
            "stands until reported again); No report yet: no status report in this "
            f"incident at all. {d.reporting_this_period} of {reporting_of} facilities "
            f"reported this period, {not_this_period} not reported this period.",
            NOTE,
        ),
    ]
    heading = Paragraph("Closed, evacuating or on EMS diversion", H3)
    if d.troubled:
        out += captioned([heading], status_table(s, d.troubled, numbered=True))
    else:
        out += [heading, Paragraph("No facility is closed, evacuating or on diversion.", NOTE)]
    heading = Paragraph("Operating with limitations", H3)
    if d.limited:
        out += captioned([heading], status_table(s, d.limited, numbered=True))
    else:
        out += [heading, Paragraph("No facility reports limitations.", NOTE)]
    return out


def status_table(s: Sheet, rows: list[StatusRow], *, numbered: bool) -> Table:
    c = s.clock
    head = ["Map", "Facility", "Town", "Status", "Details", "Reported"]
    widths = [0.4, 2.0, 0.95, 0.9, 0, 1.0]
    if not numbered:
        head, widths = head[1:], widths[1:]
    widths = fill(widths, s.width)
    data: list[list[Any]] = [[para(h, CELL_HEAD) for h in head]]
    for r in rows:
        cells = [
            para(r.facility.name, CELL_BOLD),
            para(r.facility.town),
            para(f"{swatch(r.status)} {esc(STATUSES[r.status])}", CELL, markup=True),
            para("; ".join(r.details) or "—"),
            para(c.short(r.reported_at)),
        ]
        if numbered:
            cells.insert(0, para(str(r.map_number or ""), CELL_BOLD))
        data.append(cells)
    return listing(data, widths, grid(rows=len(data)))


def member_map(s: Sheet) -> list[Flowable]:
    d = s.d
    height = min(s.width * 0.62, s.height * 0.62)
    legend_bits = []
    counts: dict[str, int] = {}
    for k in d.markers:
        counts[k.status] = counts.get(k.status, 0) + 1
    labels = {**STATUSES, "non_reporting": NON_REPORTING_LABEL}
    for key, label in labels.items():
        mark = "◆" if key == "non_reporting" else "●"
        colour = status_hex(key)
        # Non-breaking spaces inside an entry: a narrow page wraps between entries,
        # never between a label and its count.
        entry = f"{esc(label)} ({counts.get(key, 0)})".replace(" ", "&nbsp;")
        legend_bits.append(f'<font color="{colour}" size="10">{mark}</font>&nbsp;{entry}')
    note = (
        "Numbered: every facility that is not open (closed, evacuating, on diversion, "
        "limited or not reported), with the numbers of the facility status tables; the key "
        "below names them. Open facilities and members that do not report EEIs are not "
        "numbered. Members placed at their ZIP code's centre where no address was surveyed."
    )
    if not d.markers:
        note = "No member of this incident's regions has a location to show. " + note
    block: list[Flowable] = [
        Paragraph("Member map", H2),
        MemberMap(d.markers, s.width, height),
        Spacer(1, 4),
        Paragraph(" &nbsp; ".join(legend_bits), SMALL),
        Spacer(1, 2),
        Paragraph(note, NOTE),
    ]
    return [CondPageBreak(height + 60), *block, *map_key(s)]


def map_key(s: Sheet) -> list[Flowable]:
    """The numbered markers by number, two columns side by side: each numbered dot
    can be named without turning back to the status tables."""
    if not s.d.map_key:
        return []
    cells = [
        (
            str(k.number),
            k.facility.name if k.located else f"{k.facility.name} (not on the map: no location)",
            STATUSES[k.status],
        )
        for k in s.d.map_key
    ]
    table = two_up(s, cells, ("No.", "Facility", "Status"), shares=(0.1, 0.65, 0.25))
    return captioned([Paragraph("Key to the numbers on the map", H3)], table)


def beds(s: Sheet) -> list[Flowable]:
    d = s.d
    out: list[Flowable] = [Paragraph("Bed availability (HAvBED bed types)", H2)]
    if d.period is None or not d.beds:
        out.append(Paragraph("No bed counts were reported for this period.", NOTE))
        return out
    prev = d.previous.number if d.previous else None
    out = captioned(out, bed_table(s, d.beds, "Bed type", prev, total_last=True))
    note = (
        f"Sums over the facilities that reported in period {d.number}; a facility that "
        "did not report is not counted (see EEI reporting). Values the situation unit "
        "rejected are left out."
    )
    if prev:
        note += (
            f" The change is like for like: over the facilities that reported the bed type "
            f"in both period {prev} and period {d.number}."
        )
    out.append(Paragraph(note, NOTE))
    if len(d.beds_by_region) > 1:
        out += captioned(
            [Paragraph("Total inpatient beds by region", H3)],
            bed_table(s, d.beds_by_region, "Region", prev, total_last=False),
        )
    elif d.beds_by_region:
        out.append(
            Paragraph(
                f"All facilities of this incident are in one region "
                f"({esc(d.beds_by_region[0].label)}).",
                NOTE,
            )
        )
    return out


def bed_table(
    s: Sheet, rows: list[BedRow], first: str, prev: int | None, *, total_last: bool
) -> Table:
    head = [
        para(first, CELL_HEAD),
        para("Available", CELL_HEAD_RIGHT),
        para("Staffed", CELL_HEAD_RIGHT),
        para("% available", CELL_HEAD_RIGHT),
        para("Facilities reporting", CELL_HEAD_RIGHT),
        para(f"Available, period {prev}" if prev else "Previous period", CELL_HEAD_RIGHT),
        para("Change like for like (facilities)", CELL_HEAD_RIGHT),
    ]
    data: list[list[Any]] = [head]
    for b in rows:
        share = f"{b.available / b.staffed:.0%}" if b.available is not None and b.staffed else "—"
        change = f"{signed(b.change)} ({b.change_facilities})" if b.change is not None else "—"
        data.append(
            [
                para(b.label, CELL_BOLD if total_last and b is rows[-1] else CELL),
                para(whole(b.available), CELL_RIGHT),
                para(whole(b.staffed), CELL_RIGHT),
                para(share, CELL_RIGHT),
                para(whole(b.facilities), CELL_RIGHT),
                para(whole(b.previous), CELL_RIGHT),
                para(change, CELL_RIGHT),
            ]
        )
    widths = fill([0, 0.75, 0.75, 0.75, 0.85, 0.95, 1.1], s.width)
    style = grid(rows=len(data))
    if total_last:
        style.add("LINEABOVE", (0, -1), (-1, -1), 0.8, INK)
        style.add("BACKGROUND", (0, -1), (-1, -1), HEAD_BG)
    return listing(data, widths, style)


def trends(s: Sheet) -> list[Flowable]:
    d = s.d
    out: list[Flowable] = [Paragraph("Trends over the incident", H2)]
    if not d.trends:
        out.append(Paragraph("No operational periods yet: nothing to chart.", NOTE))
        return out
    w = (s.width - 12) / 3
    titles = ("Inpatient beds available", "Adult ICU beds available", charts.STATUS_TITLE)
    rows = max(len(charts.title_lines(t, w)) for t in titles)  # plots level side by side
    drawings = [
        charts.line_chart(
            d.trends,
            [p.beds_available for p in d.trends],
            titles[0],
            w,
            title_rows=rows,
            no_data="No reports of inpatient beds yet",
        ),
        charts.line_chart(
            d.trends,
            [p.icu_available for p in d.trends],
            titles[1],
            w,
            title_rows=rows,
            no_data="No reports of adult ICU beds yet",
        ),
        charts.status_chart(d.trends, w, title_rows=rows),
    ]
    t = Table([drawings], colWidths=[w + 4] * 3)
    t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    out += [
        t,
        Paragraph(
            "Under each period (P1, P2, …): how many facilities reported in it. Bed "
            "figures are sums of that period's reports, so fewer reports mean lower sums.",
            NOTE,
        ),
    ]
    return [KeepTogether(out)]


def numbered_items(text: str) -> list[tuple[str, str]]:
    """'1. Do this. 2. Do that.' as [('1.', 'Do this.'), ('2.', 'Do that.')]
    (objectives are typed on one line); text without numbers is one item per line."""
    parts = re.split(r"(?:^|\s)(\d{1,2})\.\s+", text.strip())
    if len(parts) >= 3 and not parts[0].strip():
        return [(f"{parts[i]}.", parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]
    return [("•", line.strip()) for line in text.splitlines() if line.strip()]
