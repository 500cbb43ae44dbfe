"""ICS 213 RR Resource Request Message, filled from one resource request.

Laid out as the FEMA form: blocks 1-3 across the top; the Requestor section (4-9) with
the order table; the Logistics section (10-16); the Finance section (17-19), each
labelled down its left edge. What the store knows goes in its block (the section chief
approval is the step that approved the request, with who and when); what only a
signature can supply stays blank with room to write. The status history goes into
Notes (13), because the paper copy is what the finance section files.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, Table

from hcc_desktop.core import lifecycle
from hcc_desktop.core import models as m
from hcc_desktop.core.services import requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.reports.fonts import register_fonts
from hcc_desktop.reports.forms.ics214 import FormResult
from hcc_desktop.reports.forms.layout import (
    FRAME_GAP,
    HEAD,
    MARGIN,
    VALUE,
    FormFooter,
    SideLabel,
    block,
    check,
    form_style,
    labelled,
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

FORM = "ICS 213 RR"
TITLE = "RESOURCE REQUEST MESSAGE (ICS 213 RR)"
ORDER_ROWS = 5
SIDE = 0.28 * inch


def build_ics213rr(
    store: Store,
    out: Path,
    *,
    request: str,
    prepared_by: Actor | None = None,
    paper: str | None = None,
    progress: Progress | None = None,
    now: str | None = None,
    zone: tzinfo | None = None,
) -> FormResult:
    """Write the ICS 213 RR of `request` (its number, id or id prefix); an unknown one is
    refused naming the field "request". Paper: the locale's unless given."""
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    now = now or from_ms(store.wall())
    with store.read() as s:
        req = requests.find_request(s, request)
        inc = s.get(m.Incident, req.incident_id) if req.incident_id else None
        org = s.get(m.Organization, req.requester_org_id) if req.requester_org_id else None
    history = requests.status_history(store, request_id=req.id)
    step(progress, 1, 3)
    width = size[0] - 2 * MARGIN
    story = _story(req, inc, org, history, clock, width)
    footer = FormFooter(
        FORM,
        f"{TITLE} · 3. Resource Request Number: {req.number}",
        exercise=bool(inc and inc.exercise),
        prepared=f"Printed {clock.datetime(now)}"
        + (f" by {prepared_by.label}" if prepared_by else "")
        + f" · station {store.station_name}",
    )
    step(progress, 2, 3)
    pages, written = write_form(
        Path(out),
        story,
        footer,
        pagesize=size,
        top=MARGIN + 0.15 * inch + FRAME_GAP,
        bottom=0.75 * inch,
        progress=progress,
        span=(2, 3, 3),
        title=f"ICS 213 RR {req.number} — {inc.name if inc else ''}",
        author=prepared_by.label if prepared_by else store.station_name,
    )
    step(progress, 3, 3)
    return FormResult(Path(out), pages, written, 1)


def _story(
    req: m.ResourceRequest,
    inc: m.Incident | None,
    org: m.Organization | None,
    history: list[requests.StatusStep],
    clock: Clock,
    width: float,
) -> list[Any]:
    third = width / 3
    top = Table(
        [
            [
                block(1, "Incident Name:", inc.name if inc else "", below=True),
                block(2, "Date/Time:", clock.datetime(req.created_at), below=True),
                block(3, "Resource Request Number:", req.number, below=True),
            ]
        ],
        colWidths=[third * 1.3, third * 0.85, third * 0.85],
    )
    top.setStyle(form_style())
    inner = width - SIDE
    return [
        title_bar(TITLE, width),
        top,
        _section("Requestor", _requestor(req, org, history, clock, inner), width),
        _section("Logistics", _logistics(req, history, clock, inner), width),
        _section("Finance", _finance(inner), width),
    ]


def _section(name: str, body: Table, width: float) -> Table:
    t = Table([[SideLabel(name, SIDE), body]], colWidths=[SIDE, width - SIDE])
    t.setStyle(
        form_style(
            [
                ("LEFTPADDING", (1, 0), (1, 0), 0),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (1, 0), (1, 0), 0),
                ("BOTTOMPADDING", (1, 0), (1, 0), 0),
                ("BACKGROUND", (0, 0), (0, 0), HEAD_BG),
                ("VALIGN", (0, 0), (0, 0), "BOTTOM"),
            ]
        )
    )
    return t


def _requestor(
    req: m.ResourceRequest,
    org: m.Organization | None,
    history: list[requests.StatusStep],
    clock: Clock,
    width: float,
) -> Table:
    w = [0.7, 0.85, 1.3, 0, 0.9, 0.75, 0.55]
    fixed = sum(w) * inch
    cols = [x * inch if x else width - fixed for x in w]
    qty = _quantity(req)
    order: list[list[Any]] = [
        [
            block(
                4,
                "Order (Use additional forms when requesting different resource sources of "
                "supply.):",
            ),
            *[""] * 6,
        ],
        [
            Paragraph("Qty.", HEAD),
            Paragraph("Kind", HEAD),
            Paragraph("Type", HEAD),
            Paragraph(
                "Detailed Item Description: (Vital characteristics, brand, specs, "
                "experience, size, etc.)",
                HEAD,
            ),
            Paragraph("Arrival Date and Time", HEAD),
            "",
            Paragraph("Cost", HEAD),
        ],
        ["", "", "", "", Paragraph("Requested", HEAD), Paragraph("Estimated", HEAD), ""],
        [
            Paragraph(qty, VALUE),
            Paragraph(esc(req.resource_kind or ""), VALUE),
            Paragraph(esc(req.resource_type or ""), VALUE),
            Paragraph(esc(req.description or ""), VALUE),
            Paragraph(esc(clock.datetime(req.needed_by)), VALUE),
            "",
            "",
        ],
        *[[""] * 7 for _ in range(ORDER_ROWS - 1)],
    ]
    heights = [None, None, None, None, *[16.0] * (ORDER_ROWS - 1)]
    requester = ", ".join(
        x for x in (req.requested_by, org.name if org else "", req.requester_contact) if x
    )
    approved = next((h for h in reversed(history) if h.status == "approved"), None)
    denied = next((h for h in reversed(history) if h.status == "denied"), None)
    if approved:
        approval = f"Approved {clock.datetime(approved.at)} by {approved.by or ''}"
    elif denied:
        approval = f"Denied {clock.datetime(denied.at)} by {denied.by or ''}" + (
            f": {denied.note}" if denied.note else ""
        )
    else:
        approval = ""
    priority = " &nbsp; ".join(
        check(req.priority == p, p.capitalize()) for p in ("urgent", "routine", "low")
    )
    rows = [
        *order,
        [block(5, "Requested Delivery/Reporting Location:", req.deliver_to or ""), *[""] * 6],
        [block(6, "Suitable Substitutes and/or Suggested Sources:"), *[""] * 6],
        [
            block(7, "Requested by Name/Position:", requester, below=True),
            "",
            "",
            labelled(8, "Priority:", f"<br/>{priority}"),
            block(9, "Section Chief Approval:", approval, below=True),
            "",
            "",
        ],
    ]
    heights += [None, 26.0, None]
    t = Table(rows, colWidths=cols, rowHeights=heights)
    n = len(order)
    t.setStyle(
        form_style(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("SPAN", (4, 1), (5, 1)),
                ("SPAN", (0, 1), (0, 2)),
                ("SPAN", (1, 1), (1, 2)),
                ("SPAN", (2, 1), (2, 2)),
                ("SPAN", (3, 1), (3, 2)),
                ("SPAN", (6, 1), (6, 2)),
                ("BACKGROUND", (0, 1), (-1, 2), HEAD_BG),
                ("VALIGN", (0, 1), (-1, 2), "MIDDLE"),
                ("SPAN", (0, n), (-1, n)),
                ("SPAN", (0, n + 1), (-1, n + 1)),
                ("SPAN", (0, n + 2), (2, n + 2)),
                ("SPAN", (4, n + 2), (6, n + 2)),
            ]
        )
    )
    return t


def _logistics(
    req: m.ResourceRequest, history: list[requests.StatusStep], clock: Clock, width: float
) -> Table:
    half = width / 2
    steps = [
        f"{lifecycle.LABELS.get(h.status, h.status)} {clock.datetime(h.at)}"
        + (f" by {h.by}" if h.by else "")
        + (f" — {h.note}" if h.note else "")
        for h in history
    ]
    notes = esc(req.notes or "")
    if steps:
        trail = "<br/>".join(esc(x) for x in steps)
        notes += ("<br/>" if notes else "") + f"<b>Status history:</b><br/>{trail}"
    escalated = _escalation(req, clock)
    if escalated:
        notes += ("<br/>" if notes else "") + f"<b>Escalation:</b> {esc(escalated)}"
    status = lifecycle.LABELS.get(req.status or "", req.status or "")
    if req.status_note and not steps:
        notes += f"<br/>{esc(req.status_note)}"
    rows = [
        [
            block(10, "Logistics Order Number:", req.order_number or ""),
            block(11, "Supplier Phone/Fax/Email:"),
        ],
        [block(12, "Name of Supplier/POC:", req.supplier or ""), ""],
        [
            Paragraph(
                f"<b>13. Notes:</b> <i>(current status: {esc(status)})</i><br/>{notes}", VALUE
            ),
            "",
        ],
        [block(14, "Approval Signature of Auth Logistics Rep:"), block(15, "Date/Time:")],
        [
            labelled(
                16,
                "Order placed by (check box):",
                f"{check(False, 'SPUL')} &nbsp; {check(False, 'PROC')}",
            ),
            "",
        ],
    ]
    t = Table(rows, colWidths=[half * 1.3, half * 0.7], rowHeights=[None, None, None, 26.0, None])
    t.setStyle(
        form_style(
            [("SPAN", (0, 1), (-1, 1)), ("SPAN", (0, 2), (-1, 2)), ("SPAN", (0, 4), (-1, 4))]
        )
    )
    return t


def _escalation(req: m.ResourceRequest, clock: Clock) -> str:
    """The coalition's partial fill and the part elevated to the state, with the
    state's tracking number: what the finance section needs to reconcile two sources."""
    parts = []
    unit = f" {req.unit}" if req.unit else ""
    if req.filled_quantity is not None:
        parts.append(f"members filled {req.filled_quantity:g} of {req.quantity or 0:g}{unit}")
    if req.elevated_quantity:
        parts.append(
            f"{req.elevated_quantity:g}{unit} elevated to {req.elevated_to} on "
            f"{clock.datetime(req.elevated_at)}"
            + (f" by {req.elevated_by}" if req.elevated_by else "")
            + f", state tracking number {req.elevated_ref}"
            + (f" ({req.elevated_note})" if req.elevated_note else "")
        )
    return "; ".join(parts) + ("." if parts else "")


def _finance(width: float) -> Table:
    half = width / 2
    rows = [
        [block(17, "Reply/Comments from Finance:"), ""],
        [block(18, "Finance Section Signature:"), block(19, "Date/Time:")],
    ]
    t = Table(rows, colWidths=[half * 1.3, half * 0.7], rowHeights=[60.0, 28.0])
    t.setStyle(form_style([("SPAN", (0, 0), (-1, 0))]))
    return t


def _quantity(req: m.ResourceRequest) -> str:
    """The Qty. cell as Paragraph markup: the number, and the unit under it in small
    type, because the form's narrow column would break "transports" mid-word."""
    q = req.quantity
    if q is None:
        return ""
    text = f"{int(q):,}" if float(q).is_integer() else f"{q:g}"
    return f'{esc(text)}<br/><font size="7">{esc(req.unit)}</font>' if req.unit else esc(text)
