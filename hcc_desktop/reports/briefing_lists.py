"""Briefing sections that are lists: open resource requests, significant events, EEI
reporting (late and missing facilities), protected EEIs and the facility annex.

Long lists are where a briefing gets misread, so each keeps its header on every page
(repeatRows) and says in a note what it includes and what it leaves out.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
)

from hcc_desktop.core.services.status import STATUSES
from hcc_desktop.reports.briefing_sheet import (
    Sheet,
    fill,
    fit,
    fit_lines,
    listing,
    snug,
    status_strip,
    status_word,
    two_up,
    whole,
)
from hcc_desktop.reports.keep import captioned
from hcc_desktop.reports.styles import (
    ALERT,
    ALERT_BG,
    BODY,
    CELL,
    CELL_BOLD,
    CELL_HEAD,
    COND_BOLD,
    H2,
    H3,
    NOTE,
    ZEBRA,
    esc,
    grid,
    para,
)


def requests(s: Sheet) -> list[Flowable]:
    d, c = s.d, s.clock
    out: list[Flowable] = [Paragraph("Open resource requests (ICS 213RR)", H2)]
    if not d.requests:
        out.append(Paragraph("No resource request is open.", NOTE))
        return out
    by = {p: sum(1 for r in d.requests if r.priority == p) for p in ("urgent", "routine", "low")}
    overdue = sum(1 for r in d.requests if r.overdue)
    out.append(
        Paragraph(
            f"{len(d.requests)} open: {by['urgent']} urgent, {by['routine']} routine, "
            f"{by['low']} low. <b>{overdue} overdue</b> (needed by a time that has passed), "
            "listed first.",
            BODY,
        )
    )
    head = ["Request", "Priority", "Resource", "Requester", "Needed by", "Status"]
    widths = fill([0.78, 0.55, 0, 1.4, 1.05, 1.3], s.width)
    data: list[list[Any]] = [head]
    style = grid(bold_cols=(0,))
    for i, r in enumerate(d.requests, start=1):
        resource = f"<b>{esc(r.resource)}</b>"
        if r.detail:
            resource += f"<br/>{esc(r.detail)}"
        needed = c.short(r.needed_by) if r.needed_by else "—"
        if r.overdue:
            needed += "\nOVERDUE"
            style.add("TEXTCOLOR", (4, i), (4, i), ALERT)
            style.add("FONTNAME", (4, i), (4, i), COND_BOLD)
        if r.priority == "urgent":
            style.add("FONTNAME", (1, i), (1, i), COND_BOLD)
        data.append(
            [
                r.number,
                r.priority.capitalize(),
                para(resource, CELL, markup=True),
                fit(r.requester, widths[3]),
                needed,
                fit_lines([status_word(r.status), f"since {c.short(r.status_at)}"], widths[5]),
            ]
        )
    if len(data) > 2:
        style.add("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA])
        for i, r in enumerate(d.requests, start=1):  # overdue tint wins over the stripes
            if r.overdue:
                style.add("BACKGROUND", (0, i), (-1, i), ALERT_BG)
    return captioned(out, listing(data, widths, style))


def events(s: Sheet) -> list[Flowable]:
    d, c = s.d, s.clock
    since = c.full(d.events_since) if d.events_since else "the start of the incident"
    title = f"Significant events since {since}"
    out: list[Flowable] = [Paragraph(esc(title), H2)]
    if not d.events:
        out.append(
            Paragraph(
                "No significant event was approved by the situation unit in this window.", NOTE
            )
        )
        return out
    widths = fill([1.05, 0, 1.35, 1.25], s.width)
    data: list[list[Any]] = [["Time", "Event", "Member", "Logged by"]]
    for e in d.events:
        text = esc(e.text)
        if e.corrected_at:
            text += f"<br/><i>(corrected {esc(c.short(e.corrected_at))})</i>"
        data.append(
            [
                c.short(e.occurred_at),
                para(text, CELL, markup=True),
                fit(e.member or "—", widths[2]),
                fit(e.who, widths[3]),
            ]
        )
    t = listing(data, widths, grid(rows=len(data)))
    out = [
        *captioned(out, t),
        Paragraph(
            "Events nominated in the log and approved by the situation unit. Window: from "
            "the start of the previous operational period to the end of this one.",
            NOTE,
        ),
    ]
    return out


def reporting(s: Sheet) -> list[Flowable]:
    d, c = s.d, s.clock
    out: list[Flowable] = [Paragraph("EEI reporting", H2)]
    r = d.reporting
    if r is None:
        out.append(Paragraph("No operational period, so no EEIs were due.", NOTE))
        return out
    due = c.full(r.due_at) if r.due_at else "no due time set"
    out.append(
        Paragraph(
            f"EEIs for period {d.number} were due <b>{esc(due)}</b>. "
            f"<b>{r.share_on_time:.0%}</b> on time: {r.on_time} of {r.expected} expected "
            f"facilities reported by the due time, {len(r.late)} late, "
            f"{len(r.missing)} not reported this period.",
            BODY,
        )
    )
    if r.late:
        widths = fill([0, 1.6, 1.4], s.width)
        data: list[list[Any]] = [["Facility", "Town", "First report"]]
        data += [[fit(f.name, widths[0]), fit(f.town, widths[1]), c.short(at)] for f, at in r.late]
        t = listing(data, widths, grid(rows=len(data)))
        out += captioned([Paragraph("Reported late", H3)], t)
    heading = Paragraph(f"Not reported this period (period {d.number})", H3)
    if not r.missing:
        return [*out, heading, Paragraph("Every expected facility has reported.", NOTE)]
    cells = [(f.name, f.town, f"period {last}" if last else "never") for f, last in r.missing]
    return out + captioned([heading], two_up(s, cells, ("Facility", "Town", "Last report")))


def protected(s: Sheet) -> list[Flowable]:
    d, c = s.d, s.clock
    if d.public:
        return []
    out: list[Flowable] = [
        Paragraph("Protected EEIs — not for public release", H2),
    ]
    if not d.protected:
        out.append(Paragraph("No facility reports anything unusual in a protected EEI.", NOTE))
        return out
    data: list[list[Any]] = [
        [para(h, CELL_HEAD) for h in ("Facility", "Town", "Protected EEIs", "Reported")]
    ]
    for row in d.protected:
        items = "<br/>".join(f"<b>{esc(k)}:</b> {esc(v)}" for k, v in row.items)
        data.append(
            [
                para(row.facility.name, CELL_BOLD),
                para(row.facility.town),
                para(items, CELL, markup=True),
                para(c.short(row.reported_at)),
            ]
        )
    t = listing(data, fill([1.9, 0.95, 0, 1.0], s.width), grid(rows=len(data)))
    out = [
        *captioned(out, t),
        Paragraph(
            "Security, fatality management, IT and cyber status, staffing shortages and "
            "diversion reasons, where a facility reports something other than normal.",
            NOTE,
        ),
    ]
    return out


def annex(s: Sheet) -> list[Flowable]:
    d, c = s.d, s.clock
    if not d.annex:
        return []
    out: list[Flowable] = [Paragraph("Annex: every facility expected to report", H2)]
    multi_region = len({r.facility.region for r in d.annex}) > 1
    head = ["Facility", "Town", "Region", "", "Status", "Beds avail.", "Staffed", "ICU avail.",
            "Last report"]  # fmt: skip
    town = snug([r.facility.town for r in d.annex], "Town", 1.1)
    region = snug([r.facility.region for r in d.annex], "Region", 1.4)
    inches = [0, town, region, 0.07, 0.85, 0.55, 0.5, 0.55, 1.05]
    if not multi_region:
        del head[2], inches[2]
    widths = fill(inches, s.width)
    strip = head.index("")
    numeric = [i for i, h in enumerate(head) if h in ("Beds avail.", "Staffed", "ICU avail.")]
    data: list[list[Any]] = [[fit(h, w, CELL_HEAD) for h, w in zip(head, widths, strict=True)]]
    for r in d.annex:
        row = [
            fit(r.facility.name, widths[0]),
            fit(r.facility.town, widths[1]),
            fit(r.facility.region, widths[2]),
            "",
            STATUSES[r.status],
            whole(r.beds_available),
            whole(r.beds_staffed),
            whole(r.icu_available),
            c.short(r.reported_at),
        ]
        if not multi_region:
            del row[2]
        data.append(row)
    style = grid(rows=len(data), right_cols=numeric)
    style.add("LEFTPADDING", (strip, 0), (strip, -1), 0)
    style.add("RIGHTPADDING", (strip, 0), (strip, -1), 0)
    # Only the exceptions are coloured: a red or grey mark among white ones stands out,
    # and a style command per row would cost more than the rows themselves.
    status_strip(style, strip, [r.status for r in d.annex], skip=("open",))
    t = listing(data, widths, style)
    out = [
        PageBreak(),
        *captioned(out, t),
        Paragraph(
            f"Beds: this period's report only (blank when the facility has not reported in "
            f"period {d.number}). Status: the latest report up to this period.",
            NOTE,
        ),
    ]
    return out
