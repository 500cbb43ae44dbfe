"""Response-coordination papers (issue 16): the HPP-PHEP 6.1 page, the ICS 205A-style
communications list and the list of outbound messages.

The 6.1 page is what the coalition hands its PHEP partner as one data point per
incident: numerator, denominator and percentage, then the same by partner type and
context (the measure's breakdowns), then each request. A bar chart of the percentage by
partner type shows at a glance which kind of partner needs focused improvement, which
J.1 asks the recipient to name.

The 205A lists how to reach the people in the incident's positions (the roster) and the
partners' 24/7 contacts; it holds cell numbers, so it prints marked "not for public
release", as the form's instructions say.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.platypus import Flowable, Paragraph, Spacer
from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.services import eei_requests, messages
from hcc_desktop.core.services import roster as roster_svc
from hcc_desktop.core.services.common import Actor, get_live
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.reports.document import (
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
from hcc_desktop.reports.fonts import SANS, SANS_BOLD, register_fonts
from hcc_desktop.reports.pages import Furniture, Progress, check_out, page_size, step
from hcc_desktop.reports.styles import ACCENT, BODY, INK, MUTED, NOTE, SUBTITLE, TITLE, esc, para
from hcc_desktop.reports.timefmt import Clock

HPP_TITLE = "HPP-PHEP 6.1 — EEI reported within the requested time"
COMMS_TITLE = "Communications list (ICS 205A)"
OUTBOUND_TITLE = "Outbound messages"
SENSITIVE = "CONTAINS PERSONAL CONTACT NUMBERS — NOT FOR PUBLIC RELEASE"


def _pct(measure: eei_requests.Measure) -> str:
    pct = measure.percent
    return f"{pct:.0f}%" if pct is not None else "—"


def _footer(prepared_by: Actor | None, store: Store) -> str:
    who = prepared_by.label if prepared_by else "operator not stated"
    return f"Prepared by {who} · station {store.station_name}"


def percent_chart(groups: Sequence[tuple[str, eei_requests.Measure]], width: float) -> Drawing:
    """Percentage on time per group, with n/d under each bar (a 100% of one partner
    and a 100% of forty are not the same finding)."""
    height = 150.0
    d = Drawing(width, height)
    d.add(String(0, height - 9, "Reported on time, % of partners that received the request",
                 fontName=SANS_BOLD, fontSize=8, fillColor=INK))  # fmt: skip
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 34
    chart.width, chart.height = width - 40, height - 60
    # A group no request reached has no share at all: no bar, rather than a 0% bar
    # that reads as "nobody answered".
    chart.data = [tuple(g.percent for _, g in groups) or (0.0,)]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.visibleGrid = True
    chart.categoryAxis.categoryNames = [
        f"{name}\n{g.numerator}/{g.denominator}" if g.denominator else f"{name}\nnone received"
        for name, g in groups
    ] or ["no partner counted yet"]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.dy = -2
    chart.bars[0].fillColor = ACCENT
    chart.bars.strokeColor = None
    chart.barLabelFormat = lambda v: "" if v is None else f"{v:.0f}%"
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    d.add(chart)
    d.add(String(0, 2, "partner type · on time / received", fontName=SANS, fontSize=6.5,
                 fillColor=MUTED))  # fmt: skip
    return d


def build_hpp_report(
    store: Store,
    out: Path,
    *,
    incident_id: str,
    request_id: str | None = None,
    paper: str | None = None,
    prepared_by: Actor | None = None,
    zone: tzinfo | None = None,
    now: str | None = None,
    progress: Progress | None = None,
) -> DocumentResult:
    """The HPP-PHEP 6.1 page for an incident (or one request) as of `now`."""
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    step(progress, 0, 2)
    rep = eei_requests.hpp_report(store, incident_id=incident_id, request_id=request_id, now=now)
    inc = rep.incident
    # One request's page must say so: it looks like the incident's otherwise.
    scope = (
        f"one request: {rep.requests[0].request.title} · " if request_id and rep.requests else ""
    )
    width = body_width(size)
    story: list[Flowable] = [
        Paragraph(esc(HPP_TITLE), TITLE),
        Paragraph(esc(f"{inc.name} · {scope}as of {clock.full(rep.now)}"), SUBTITLE),
        Spacer(1, 4),
        para(
            f"<b>{esc(rep.responses_line())}</b> (<b>{_pct(rep.total)}</b>), that is "
            f"within the requested time; {rep.total.late} late and {rep.total.missing} "
            "not reported. A partner counts once per round of a repeated request; rounds "
            "not yet due and cancelled requests are left out.",
            BODY,
            markup=True,
        ),
        Spacer(1, 6),
        percent_chart(list(rep.by_partner_type.items()), width),
    ]
    num = text_width("Denominator")
    cols = widths(width, [None, num, num, num, num, num], [1.0])
    body: list[list[object]] = [
        heads("Partner type", "Numerator", "Denominator", "Late", "Missing", "Percent")
    ]
    for name, g in rep.by_partner_type.items():
        body.append(cells(name, g.numerator, g.denominator, g.late, g.missing, _pct(g),
                          right=(1, 2, 3, 4, 5)))  # fmt: skip
    body.append(cells("All partners", rep.total.numerator, rep.total.denominator,
                      rep.total.late, rep.total.missing, _pct(rep.total),
                      right=(1, 2, 3, 4, 5)))  # fmt: skip
    story += section("By partner type", house_table(body, cols))
    body = [heads("Context", "Numerator", "Denominator", "Late", "Missing", "Percent")]
    for key, g in rep.by_context.items():
        body.append(cells(eei_requests.CONTEXTS.get(key, key), g.numerator, g.denominator,
                          g.late, g.missing, _pct(g), right=(1, 2, 3, 4, 5)))  # fmt: skip
    if not rep.by_context:
        body.append(cells("No request has fallen due yet.", "", "", "", "", ""))
    story += section("By context", house_table(body, cols))
    rcols = widths(width, [None, None, text_width("Every 12 h"), text_width("Rounds"), num,
                           num, num], [0.6, 0.4])  # fmt: skip
    body = [heads("Request", "Due", "Repeat", "Rounds", "Numerator", "Denominator", "Percent")]
    for r in rep.requests:
        req = r.request
        repeat = {"once": "Once", "period": "Each period"}.get(req.repeat or "once") or (
            f"Every {req.repeat_hours} h")  # fmt: skip
        body.append(cells(
            f"{req.title} ({eei_requests.CONTEXTS.get(req.context or '', req.context)})",
            clock.full(req.due_at), repeat, r.rounds_due, r.total.numerator,
            r.total.denominator, _pct(r.total), right=(3, 4, 5, 6),
        ))  # fmt: skip
    if not rep.requests:
        body.append(cells("No EEI requests in this incident.", "", "", "", "", "", ""))
    story += section("Requests", house_table(body, rcols))
    story.append(
        para(
            "Numerator: partner responses that reported the requested EEI within the "
            "requested time. Denominator: partners that received a request for EEI, each "
            "once per round of the request. Data are "
            "self-reported through the coalition's EEI reports.",
            NOTE,
        )
    )
    furniture = Furniture(
        header_left=f"{HPP_TITLE} · {inc.name}",
        header_right=f"Printed {clock.full(from_ms(store.wall()))}",
        footer_left=_footer(prepared_by, store),
        exercise=bool(inc.exercise),
    )
    pages, written = write_document(
        Path(out), story, furniture, pagesize=size, title=HPP_TITLE,
        author=prepared_by.label if prepared_by else store.station_name,
        subject=f"HPP-PHEP 6.1 for {inc.name}", progress=progress,
    )  # fmt: skip
    step(progress, 2, 2)
    return DocumentResult(Path(out), pages, written, False, HPP_TITLE)


def comms_rows(
    store: Store, incident_id: str
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str, str]]]:
    """(position, name, methods) from the incident's roster, and (member, person and
    role, 24/7 number, other numbers) for the partners the incident's messages went
    to (every member with a 24/7 number when none went out yet)."""
    with store.read() as s:
        roster = list(
            s.scalars(
                select(m.PositionAssignment).where(
                    m.PositionAssignment.incident_id == incident_id,
                    m.PositionAssignment.deleted.is_(False),
                    m.PositionAssignment.signed_out_at.is_(None),
                )
            )
        )
        positions = sorted(
            (roster_svc.position_label(p.position), p.person or "",
             " · ".join(x for x in (p.phone, p.email) if x))
            for p in roster
        )  # fmt: skip
        reached: set[str] = set()
        for msg in s.scalars(
            select(m.Message).where(
                m.Message.incident_id == incident_id,
                m.Message.direction == "out",
                m.Message.deleted.is_(False),
            )
        ):
            reached.update(k for k in msg.recipients or [] if isinstance(k, str))
        q = select(m.Organization).where(m.Organization.deleted.is_(False))
        orgs = [o for o in s.scalars(q) if not reached or o.id in reached]
        by_org = {o.id: o for o in orgs}
        people: list[tuple[str, str, str, str]] = []
        contacts = s.scalars(
            select(m.Contact).where(
                m.Contact.organization_id.in_(list(by_org)), m.Contact.deleted.is_(False)
            )
        )
        seen: set[str] = set()
        for c in contacts:
            if not (c.phone_24_7 or c.is_24_7):
                continue
            org = by_org[c.organization_id or ""]
            seen.add(org.id)
            who = f"{c.name or ''}" + (f", {c.role}" if c.role else "")
            other = " · ".join(x for x in (c.phone, c.email) if x)
            people.append((org.name or "", who, c.phone_24_7 or c.phone or "", other))
        for org in orgs:
            if org.id not in seen and org.phone_24_7:
                people.append((org.name or "", "24/7 line", org.phone_24_7,
                               " · ".join(x for x in (org.phone, org.email) if x)))  # fmt: skip
        people.sort(key=lambda r: (r[0].lower(), r[1].lower()))
    return positions, people


def build_ics205a(
    store: Store,
    out: Path,
    *,
    incident_id: str,
    paper: str | None = None,
    prepared_by: Actor | None = None,
    zone: tzinfo | None = None,
    progress: Progress | None = None,
) -> DocumentResult:
    """The incident's communications list: block 3 rows for the positions held now,
    then the partners' 24/7 contacts, with block 4 (prepared by) at the end."""
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    step(progress, 0, 2)
    with store.read() as s:
        inc = get_live(s, m.Incident, incident_id, "incident")
        periods = list(
            s.scalars(
                select(m.OperationalPeriod)
                .where(m.OperationalPeriod.incident_id == inc.id,
                       m.OperationalPeriod.deleted.is_(False))
                .order_by(m.OperationalPeriod.number)
            )
        )  # fmt: skip
    now = from_ms(store.wall())
    current = [p for p in periods if (p.starts_at or "") <= now] or periods
    period = current[-1] if current else None
    positions, people = comms_rows(store, inc.id)
    width = body_width(size)
    period_text = (
        f"Operational period {period.number}: {clock.full(period.starts_at)} to "
        f"{clock.full(period.ends_at)}" if period else "No operational period yet"
    )  # fmt: skip
    story: list[Flowable] = [
        Paragraph(esc(COMMS_TITLE), TITLE),
        Paragraph(esc(f"1. Incident name: {inc.name}"), SUBTITLE),
        para(f"2. {period_text}", BODY),
        Spacer(1, 4),
    ]
    cols = widths(width, [None, None, None], [0.3, 0.3, 0.4])
    body: list[list[object]] = [heads("Incident assigned position", "Name",
                                      "Method(s) of contact")]  # fmt: skip
    for row in positions:
        body.append(cells(*row))
    if not positions:
        body.append(cells("No position is signed in on the roster.", "", ""))
    story += section("3. Basic local communications information", house_table(body, cols))
    pcols = widths(width, [None, None, text_width("(860) 555-0100 x1234"), None],
                   [0.32, 0.3, 0.38])  # fmt: skip
    body = [heads("Partner", "Contact", "24/7 number", "Other methods")]
    for person in people:
        body.append(cells(*person))
    if not people:
        body.append(cells("No partner has a 24/7 contact on file.", "", "", ""))
    story += section("Partners' 24/7 contacts", house_table(body, pcols))
    who = prepared_by.label if prepared_by else ""
    story += [
        Spacer(1, 10),
        para(
            f"4. Prepared by: {who}    Signature: ____________________    "
            f"Date/time: {clock.full(now)}",
            BODY,
        ),
    ]
    furniture = Furniture(
        header_left=f"ICS 205A · {inc.name}",
        header_right=f"Printed {clock.full(now)}",
        footer_left="ICS 205A · " + _footer(prepared_by, store),
        marking=SENSITIVE,
        exercise=bool(inc.exercise),
    )
    pages, written = write_document(
        Path(out), story, furniture, pagesize=size, title=COMMS_TITLE,
        author=who or store.station_name, subject=f"Communications list for {inc.name}",
        progress=progress,
    )  # fmt: skip
    step(progress, 2, 2)
    return DocumentResult(Path(out), pages, written, False, COMMS_TITLE)


#: Up to this many recipients a message's row names them all; beyond, it names those
#: who acknowledged and counts the rest (a notice to 40 hospitals would fill a page).
NAMED_RECIPIENTS = 8


def recipients_text(row: messages.MessageRow, clock: Clock) -> str:
    """ "2/41 acknowledged: Milford Hospital 07:19; ... and 39 awaiting"."""
    if not row.recipients:
        return ""
    done = [x for x in row.recipients if x.acknowledged_at]
    head = f"{len(done)}/{len(row.recipients)} acknowledged"

    def named(x: messages.Recipient) -> str:
        return x.name + (f" {clock.local(x.acknowledged_at):%H:%M}" if x.acknowledged_at else "")

    if len(row.recipients) <= NAMED_RECIPIENTS:
        return f"{head}: " + "; ".join(named(x) for x in row.recipients)
    shown = "; ".join(named(x) for x in done)
    return f"{head}" + (f": {shown}" if shown else "") + f"; {len(row.awaiting)} awaiting"


def build_outbound_list(
    store: Store,
    out: Path,
    *,
    incident_id: str,
    paper: str | None = None,
    prepared_by: Actor | None = None,
    zone: tzinfo | None = None,
    progress: Progress | None = None,
) -> DocumentResult:
    """Every outbound message of the incident, oldest first, with its recipients and
    who has acknowledged it: the paper trail of what the coalition told whom."""
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    step(progress, 0, 2)
    with store.read() as s:
        inc = get_live(s, m.Incident, incident_id, "incident")
    rows = list(reversed(messages.list_messages(store, incident_id=inc.id, direction="out")))
    width = body_width(size)
    acked = sum(1 for r in rows for x in r.recipients if x.acknowledged_at)
    total = sum(len(r.recipients) for r in rows)
    story: list[Flowable] = [
        Paragraph(esc(OUTBOUND_TITLE), TITLE),
        Paragraph(esc(inc.name), SUBTITLE),
        para(
            f"<b>{len(rows)}</b> messages sent to <b>{total}</b> recipients; "
            f"<b>{acked}</b> acknowledged.",
            BODY,
            markup=True,
        ),
    ]
    date = text_width("Wed 18 Nov 2026 23:59 EST")
    cols = widths(width, [date, text_width("EEI reminder"), None, text_width("notification"),
                          None], [0.4, 0.6])  # fmt: skip
    body: list[list[object]] = [heads("Sent", "Kind", "Subject", "Channel", "Recipients")]
    for r in rows:
        msg = r.message
        body.append(cells(clock.full(msg.sent_at),
                          messages.MESSAGE_KINDS.get(msg.kind or "", msg.kind),
                          msg.subject, (msg.channel or "").replace("_", " "),
                          recipients_text(r, clock)))  # fmt: skip
    if not rows:
        body.append(cells("No outbound message logged in this incident.", "", "", "", ""))
    story += section("Messages", house_table(body, cols))
    furniture = Furniture(
        header_left=f"{OUTBOUND_TITLE} · {inc.name}",
        header_right=f"Printed {clock.full(from_ms(store.wall()))}",
        footer_left=_footer(prepared_by, store),
        exercise=bool(inc.exercise),
    )
    pages, written = write_document(
        Path(out), story, furniture, pagesize=size, title=OUTBOUND_TITLE,
        author=prepared_by.label if prepared_by else store.station_name,
        subject=f"Outbound messages for {inc.name}", progress=progress,
    )  # fmt: skip
    step(progress, 2, 2)
    return DocumentResult(Path(out), pages, written, False, OUTBOUND_TITLE)
