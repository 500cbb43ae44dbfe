"""HICS 251 Facility System Status Report for one facility, filled from its EEIs.

The form lists a hospital's systems (communications, utilities, power, medical gases,
support services); the EEI catalog covers a few of them. Rows with a matching EEI are
filled from the facility's latest value up to the period and say so in the comment
(which element, which period); every other row stays blank for the facility's
infrastructure branch to complete, as the form expects. Because IT systems status is
a protected EEI, a form that prints it carries the sensitivity marking on every page.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, Spacer, Table

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents
from hcc_desktop.core.services.common import Actor, get_live
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.reports.briefing_data import choose_period
from hcc_desktop.reports.eei_figures import Latest, latest_values
from hcc_desktop.reports.fonts import register_fonts
from hcc_desktop.reports.forms.hics251_systems import CODES, STATUS_HEADS, SYSTEMS
from hcc_desktop.reports.forms.ics214 import FormResult
from hcc_desktop.reports.forms.layout import (
    FRAME_GAP,
    HEAD,
    MARGIN,
    SMALL,
    VALUE,
    FormFooter,
    block,
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
from hcc_desktop.reports.styles import HEAD_BG, esc
from hcc_desktop.reports.timefmt import Clock

FORM = "HICS 251"
TITLE = "HICS 251 — FACILITY SYSTEM STATUS REPORT"

ROW = ParagraphStyle("hics_row", parent=VALUE, fontSize=8, leading=9.5)
MARK = ParagraphStyle("hics_mark", parent=HEAD, fontSize=10, leading=10)
STATUS_HEAD = ParagraphStyle("hics_status", parent=HEAD, fontSize=6.8, leading=8)


def build_hics251(
    store: Store,
    out: Path,
    *,
    facility_id: str,
    incident_id: str | None = None,
    period: int | None = None,
    prepared_by: Actor | None = None,
    paper: str | None = None,
    progress: Progress | None = None,
    now: str | None = None,
    zone: tzinfo | None = None,
) -> FormResult:
    """Write the HICS 251 of one facility for `period` (default: the current one).
    Refuses, naming the field, an unknown facility, incident or period. Paper: the
    locale's unless given."""
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    now = now or from_ms(store.wall())
    inc = incidents.resolve_incident(store, incident_id)
    with store.read() as s:
        org = get_live(s, m.Organization, facility_id, "facility")
    current, _ = choose_period(store, inc.id, period, now)
    if current is None:
        raise ValidationError(
            "period", f"incident {inc.name!r} has no operational periods, so no EEIs"
        )
    number = current.number or 0
    values = latest_values(
        store, incident_id=inc.id, period=number, codes=CODES, organization_ids=[org.id]
    ).get(org.id, {})
    step(progress, 1, 3)
    cat = load_catalog()
    sensitive = any(cat.elements[c].sensitive for c in values if c in cat.elements)
    width = size[0] - 2 * MARGIN
    story = _story(inc, current, org, values, clock, width)
    footer = FormFooter(
        FORM,
        f"{TITLE} · {org.name}",
        exercise=bool(inc.exercise),
        sensitive=sensitive,
        prepared=f"Printed {clock.datetime(now)} · station {store.station_name}",
    )
    story += _prepared_block(prepared_by, org, clock.datetime(now), width)
    top = MARGIN + (0.3 if sensitive else 0.15) * inch + FRAME_GAP
    step(progress, 2, 3)
    pages, written = write_form(
        Path(out),
        story,
        footer,
        pagesize=size,
        top=top,
        bottom=0.75 * inch,
        progress=progress,
        span=(2, 3, 3),
        title=f"HICS 251 — {org.name} — {inc.name}",
        author=prepared_by.label if prepared_by else store.station_name,
    )
    step(progress, 3, 3)
    return FormResult(Path(out), pages, written, sum(1 for c in CODES if c in values))


def _story(
    inc: m.Incident,
    per: m.OperationalPeriod,
    org: m.Organization,
    values: dict[str, Latest],
    clock: Clock,
    width: float,
) -> list[Any]:
    half = width / 2
    op = " ".join(
        [
            sub("Date From:", clock.date(per.starts_at)),
            sub("Date To:", clock.date(per.ends_at)),
            "<br/>",
            sub("Time From:", clock.time(per.starts_at)),
            sub("Time To:", clock.time(per.ends_at)),
        ]
    )
    head = Table(
        [
            [
                block(1, "Incident Name:", inc.name, below=True),
                labelled(2, "Operational Period:", f"(period {per.number})<br/>{op}"),
            ],
            [
                block(
                    3,
                    "Name of Facility Reporting Status:",
                    ", ".join(x for x in (org.name, org.town, org.state) if x),
                ),
                "",
            ],
        ],
        colWidths=[half, half],
    )
    head.setStyle(form_style([("SPAN", (0, 1), (-1, 1))]))
    return [
        title_bar(TITLE, width),
        head,
        _systems(values, clock, width),
        Spacer(1, 3),
        _source(values, clock),
    ]


def _systems(values: dict[str, Latest], clock: Clock, width: float) -> Table:
    status_w = 0.68 * inch
    system_w = 2.7 * inch
    comment_w = width - system_w - 4 * status_w
    # One header row (no row spans): reportlab draws a split table whose repeated
    # header spans two rows with the row positions of an earlier measurement.
    rows: list[list[Any]] = [
        [
            Paragraph("<b>4. System</b>", HEAD),
            *[
                Paragraph(
                    f"<b>5. Status</b><br/>{label}" if i == 0 else f"<br/>{label}", STATUS_HEAD
                )
                for i, (_, label) in enumerate(STATUS_HEADS)
            ],
            Paragraph("<b>6. Comments</b> (location, reason, estimated time to repair)", HEAD),
        ],
    ]
    extra: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("ALIGN", (1, 1), (4, -1), "CENTER"),
        ("TOPPADDING", (0, 1), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 2),
    ]
    for group, systems in SYSTEMS:
        r = len(rows)
        rows.append([Paragraph(f"<b>{esc(group.upper())}</b>", SMALL), "", "", "", "", ""])
        # A group's caption row never ends a page: it goes over with its first system.
        extra += [
            ("SPAN", (0, r), (-1, r)),
            ("BACKGROUND", (0, r), (-1, r), HEAD_BG),
            ("NOSPLIT", (0, r), (-1, r + 1)),
        ]
        for system in systems:
            reading = system.mapper(values) if system.mapper else None
            marks = ["", "", "", ""]
            comment = ""
            if reading is not None:
                state, comment = reading
                for i, (key, _) in enumerate(STATUS_HEADS):
                    if state == key:
                        marks[i] = "✔"
                used = [values[c] for c in system.codes if c in values]
                if used:
                    newest = max(used, key=lambda v: (v.period, v.reported_at or ""))
                    comment += f" — EEI, period {newest.period}"
            rows.append(
                [
                    Paragraph(esc(system.name), ROW),
                    *[Paragraph(x, MARK) for x in marks],
                    Paragraph(esc(comment), ROW),
                ]
            )
    t = Table(
        rows,
        colWidths=[system_w, *[status_w] * 4, comment_w],
        repeatRows=1,
    )
    t.setStyle(form_style(extra))
    return t


def _source(values: dict[str, Latest], clock: Clock) -> Paragraph:
    if not values:
        text = (
            "The facility has reported none of the EEIs that map to this form, so every row "
            "is left for the facility to complete."
        )
    else:
        newest = max(values.values(), key=lambda v: (v.period, v.reported_at or ""))
        who = f" by {newest.reporter}" if newest.reporter else ""
        text = (
            "Rows with a comment ending in “EEI” are filled from the facility's latest EEI "
            f"report up to this period (newest: period {newest.period}, "
            f"{clock.datetime(newest.reported_at)}{who}). Rows without one have no matching "
            "EEI and are left for the facility's infrastructure branch to complete."
        )
    return Paragraph(esc(text), SMALL)


def _prepared_block(who: Actor | None, org: m.Organization, when: str, width: float) -> list[Any]:
    third = width / 3
    t = Table(
        [
            [
                labelled(7, "Prepared by:", sub("Print Name:", who.name if who else "")),
                Paragraph(sub("Position/Title:", who.position if who else ""), VALUE),
                Paragraph(sub("Signature:", ""), VALUE),
            ],
            [
                Paragraph(sub("Facility:", org.name or ""), VALUE),
                "",
                Paragraph(sub("Date/Time:", when), VALUE),
            ],
        ],
        colWidths=[third * 1.2, third * 0.9, third * 0.9],
        rowHeights=[22.0, None],
    )
    t.setStyle(form_style([("SPAN", (0, 1), (1, 1))]))
    return [Spacer(1, 6), t, Spacer(1, 4), _routing(width)]


def _routing(width: float) -> Table:
    """The strip HICS forms carry under the last block: what the form is for, who
    starts it and who gets copies, so a sheet found on a desk finds its way."""
    cells = [
        Paragraph(sub("Purpose:", "Record the status of the facility's critical systems"), SMALL),
        Paragraph(sub("Origination:", "Infrastructure Branch Director"), SMALL),
        Paragraph(
            sub(
                "Copies to:",
                "Situation Unit Leader; Operations and Planning Section Chiefs; "
                "Documentation Unit Leader",
            ),
            SMALL,
        ),
    ]
    t = Table([cells], colWidths=[width * 0.36, width * 0.24, width * 0.40])
    t.setStyle(form_style([("BACKGROUND", (0, 0), (-1, -1), HEAD_BG)]))
    return t
