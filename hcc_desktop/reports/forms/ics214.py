"""ICS 214 Activity Log, filled from the incident log.

For one operator (their own log: blocks 3-5 are them) or for the whole EOC over the
incident or one operational period (a unit log: block 6 lists everyone who wrote, and
each activity names its author). Corrections print as the entries they are, pointing
at the time of the entry they correct; retracted entries are left out, as on paper a
struck line would be. The activity table continues over as many pages as it needs,
its header repeated, and block 8 (Prepared by) closes every page as on the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents, log, organizations, roster
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.reports.fonts import SANS, SANS_BOLD, printable, register_fonts
from hcc_desktop.reports.forms.layout import (
    BOX,
    FRAME_GAP,
    HEAD,
    MARGIN,
    VALUE,
    FormFooter,
    block,
    boxes,
    form_style,
    labelled,
    sub,
    title_bar,
    write_form,
)
from hcc_desktop.reports.pages import (
    Progress,
    check_out,
    page_size,
    step,
)
from hcc_desktop.reports.styles import HEAD_BG, INK, esc
from hcc_desktop.reports.timefmt import Clock

FORM = "ICS 214"
TITLE = "ACTIVITY LOG (ICS 214)"
#: Blank lines block 6 shows when nobody is listed, as the printed form has them.
BLANK_RESOURCE_ROWS = 3
FOOTER_HEIGHT = 0.95 * inch
#: A short log still gets ruled lines to write on, as the printed form has.
MIN_ACTIVITY_ROWS = 12


@dataclass(frozen=True)
class FormResult:
    path: Path
    pages: int
    bytes: int
    rows: int


def build_ics214(
    store: Store,
    out: Path,
    *,
    incident_id: str | None = None,
    period: int | None = None,
    operator: str | None = None,
    prepared_by: Actor | None = None,
    home_agency: str = "",
    paper: str | None = None,
    progress: Progress | None = None,
    now: str | None = None,
    zone: tzinfo | None = None,
) -> FormResult:
    """Write an ICS 214 for `operator` (all operators when None) over `period` (the
    whole incident when None). Refuses, naming the field, an unknown incident, period
    or an operator with no entries. Paper: the locale's unless given."""
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    now = now or from_ms(store.wall())
    inc = incidents.resolve_incident(store, incident_id)
    start, end, per = _window(store, inc, period)
    step(progress, 1, 4)
    entries = log.list_entries(store, flt=log.LogFilter(inc.id, since=start, until=end))
    everyone = sorted({(e.operator or "", e.position or "", e.station or "") for e in entries})
    if operator:
        wanted = operator.strip().lower()
        entries = [e for e in entries if (e.operator or "").strip().lower() == wanted]
        if not entries:
            names = sorted({who for who, _, _ in everyone}) or ["nobody"]
            where = f"period {period}" if period else "this incident"
            raise ValidationError(
                "operator",
                f"no log entries by {operator!r} in {where}; entries were written by "
                + ", ".join(names),
            )
    orgs = {o.id: o.name or "" for o in organizations.list_organizations(store)}
    times = {e.id: e.occurred_at for e in log.list_entries(store, flt=log.LogFilter(inc.id))}
    step(progress, 2, 4)
    width = size[0] - 2 * MARGIN
    last = entries[-1].occurred_at if entries else None
    served = roster.served(store, incident_id=inc.id, start=start, end=end or now)
    story = _story(
        inc, per, start, end or last or now, entries, everyone, operator, home_agency,
        orgs, times, clock, width, served,
    )  # fmt: skip
    step(progress, 3, 4)
    who = prepared_by
    footer = FormFooter(
        FORM,
        f"{TITLE} · 1. Incident Name: {inc.name}",
        exercise=bool(inc.exercise),
        page_line=False,
    )
    pages, written = write_form(
        Path(out),
        story,
        footer,
        pagesize=size,
        top=MARGIN + 0.15 * inch + FRAME_GAP,
        bottom=FOOTER_HEIGHT + 0.1 * inch,
        progress=progress,
        span=(3, 4, 4),
        title=f"ICS 214 Activity Log — {inc.name}",
        author=who.label if who else store.station_name,
        also=lambda c, page, total: _block8(c, who, clock.datetime(now), page, total),
    )
    step(progress, 4, 4)
    return FormResult(Path(out), pages, written, len(entries))


def _window(
    store: Store, inc: m.Incident, period: int | None
) -> tuple[str | None, str | None, m.OperationalPeriod | None]:
    if period is None:
        return inc.started_at, None, None
    with store.read() as s:
        p = incidents.get_period(s, inc.id, period)
    return p.starts_at, p.ends_at, p


def _story(
    inc: m.Incident,
    per: m.OperationalPeriod | None,
    start: str | None,
    end: str | None,
    entries: list[m.LogEntry],
    everyone: list[tuple[str, str, str]],
    operator: str | None,
    home_agency: str,
    orgs: dict[str, str],
    times: dict[str, str | None],
    clock: Clock,
    width: float,
    roster_rows: list[roster.Assignment],
) -> list[Any]:
    half = width / 2
    period_label = f"Operational period {per.number}" if per else "Whole incident to date"
    op = " ".join(
        [
            sub("Date From:", clock.date(start)),
            sub("Date To:", clock.date(end)),
            "<br/>",
            sub("Time From:", clock.time(start)),
            sub("Time To:", clock.time(end)),
        ]
    )
    story: list[Any] = [
        title_bar(TITLE, width),
        boxes(
            [
                [
                    block(1, "Incident Name:", inc.name, below=True),
                    labelled(2, "Operational Period:", f"({esc(period_label)})<br/>{op}"),
                ]
            ],
            [half, half],
        ),
    ]
    if operator:
        me = entries[0]
        name, position = me.operator or operator, me.position or ""
        # Block 6 lists each writer's station as their unit; block 5 does the same
        # for the one operator, unless the caller names their agency.
        home_agency = home_agency or (f"Station {me.station}" if me.station else "")
    else:
        name, position = "All positions (unit log)", "EOC staff listed in block 6"
        stations = sorted({st for _, _, st in everyone if st})
        home_agency = home_agency or (
            f"Station {stations[0]}"
            if len(stations) == 1
            else "Stations listed in block 6"
            if stations
            else ""
        )
    third = width / 3
    story.append(
        boxes(
            [
                [
                    block(3, "Name:", name, below=True),
                    block(4, "ICS Position:", position, below=True),
                    block(5, "Home Agency (and Unit):", home_agency, below=True),
                ]
            ],
            [third, third, third],
        )
    )
    story.append(_resources(_assigned(roster_rows, everyone) if not operator else [], width))
    story.append(_activity(entries, operator is None, orgs, times, clock, width))
    return story


def _assigned(
    rows: list[roster.Assignment], writers: list[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """Block 6: the position roster of the window (name with the phone the form allows,
    ICS position, home agency), then anyone who wrote to the log without being on it,
    with their station as their unit."""
    people = [
        (f"{a.row.person}, {a.row.phone}" if a.row.phone else a.row.person or "",
         roster.position_label(a.row.position), a.organization)
        for a in rows
    ]  # fmt: skip
    listed = {(a.row.person or "").casefold() for a in rows}
    people += [
        (name, position, f"Station {station}" if station else "")
        for name, position, station in writers
        if name.casefold() not in listed
    ]
    return people


def _resources(people: list[tuple[str, str, str]], width: float) -> Table:
    third = width / 3
    rows: list[list[Any]] = [
        [block(6, "Resources Assigned:"), "", ""],
        [Paragraph(h, HEAD) for h in ("Name", "ICS Position", "Home Agency (and Unit)")],
    ]
    for name, position, agency in people:
        rows.append([Paragraph(esc(x), VALUE) for x in (name, position, agency)])
    blanks = max(0, BLANK_RESOURCE_ROWS - len(people))
    rows += [["", "", ""] for _ in range(blanks)]
    heights = [None] * (len(rows) - blanks) + [14.0] * blanks
    t = Table(rows, colWidths=[third] * 3, repeatRows=2, rowHeights=heights)
    t.setStyle(form_style([("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 1), (-1, 1), HEAD_BG)]))
    return t


def _activity(
    entries: list[m.LogEntry],
    unit_log: bool,
    orgs: dict[str, str],
    times: dict[str, str | None],
    clock: Clock,
    width: float,
) -> Table:
    date_w = 1.15 * inch
    rows: list[list[Any]] = [
        [block(7, "Activity Log:"), ""],
        [Paragraph("Date/Time", HEAD), Paragraph("Notable Activities", HEAD)],
    ]
    for e in entries:
        text = esc(e.text)
        if e.corrects_id:
            was = clock.datetime(times.get(e.corrects_id)) or "an earlier entry"
            text = f"<i>Correction of the entry of {esc(was)}:</i> {text}"
        member = orgs.get(e.organization_id or "")
        about = f"re {member}" if member and member.lower() not in (e.text or "").lower() else ""
        author = f"{e.operator} ({e.position})" if e.position else (e.operator or "")
        credit = " · ".join(x for x in ((author if unit_log else ""), about) if x)
        if credit:
            text += f'<br/><font size="7" color="#555b61">— {esc(credit)}</font>'
        rows.append([Paragraph(esc(clock.datetime(e.occurred_at)), VALUE), Paragraph(text, VALUE)])
    if not entries:
        rows.append(["", Paragraph("<i>No log entries in this period.</i>", VALUE)])
    blanks = max(0, MIN_ACTIVITY_ROWS - len(entries))
    rows += [["", ""] for _ in range(blanks)]
    heights = [None] * (len(rows) - blanks) + [16.0] * blanks
    # splitInRow: an entry longer than a page continues on the next one instead of
    # stopping the form with a LayoutError.
    t = Table(
        rows, colWidths=[date_w, width - date_w], repeatRows=2, rowHeights=heights, splitInRow=1
    )
    t.setStyle(
        form_style(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 1), (-1, 1), HEAD_BG),
                ("LINEBELOW", (0, 1), (-1, 1), BOX, INK),
            ]
        )
    )
    return t


def _block8(c: Canvas, who: Actor | None, when: str, page: int, total: int) -> None:
    """Block 8 at the foot of every page, as on the printed form."""
    width, _ = c._pagesize
    x0, x1 = MARGIN, width - MARGIN
    y0, y1 = 0.62 * inch, FOOTER_HEIGHT + 0.02 * inch
    c.saveState()
    c.setStrokeColor(INK)
    c.setLineWidth(BOX)
    c.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)
    c.setLineWidth(0.6)
    c.line(x0, y0 + 0.16 * inch, x1, y0 + 0.16 * inch)
    c.setFillColor(INK)
    top = y1 - 11
    c.setFont(SANS_BOLD, 7.5)
    c.drawString(x0 + 4, top, "8. Prepared by:")
    fields = [
        ("Name:", who.name if who else ""),
        ("Position/Title:", who.position if who else ""),
        ("Signature:", ""),
    ]
    x = x0 + 4 + c.stringWidth("8. Prepared by:", SANS_BOLD, 7.5) + 10
    span = (x1 - x - 4) / 3
    for label, value in fields:
        c.setFont(SANS_BOLD, 7.5)
        c.drawString(x, top, label)
        lw = c.stringWidth(label, SANS_BOLD, 7.5) + 3
        c.setFont(SANS, 8)
        c.drawString(x + lw, top, _fit(c, value, span - lw - 8))
        c.setLineWidth(0.4)
        c.line(x + lw, top - 2, x + span - 8, top - 2)
        x += span
    c.setFont(SANS_BOLD, 7.5)
    c.drawString(x0 + 4, y0 + 4, f"ICS 214, Page {page} of {total}")
    c.drawString(x0 + (x1 - x0) / 2, y0 + 4, "Date/Time:")
    c.setFont(SANS, 8)
    c.drawString(x0 + (x1 - x0) / 2 + c.stringWidth("Date/Time:", SANS_BOLD, 7.5) + 4, y0 + 4, when)
    c.restoreState()


def _fit(c: Canvas, text: str, width: float) -> str:
    text = printable(text)
    while text and c.stringWidth(text, SANS, 8) > width:
        text = text[:-1]
    return text
