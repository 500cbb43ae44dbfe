"""The shift handover report on paper, printed from the report's data
(`core.services.handover.build_report`, or a stored handover's snapshot), so the page,
the dialog and what was stored say the same thing.

Sections follow the crisis shift-change practice of briefing by exception (DOMAIN.md
§7): each section says "none" in words when it is empty, because an empty table and a
table that failed to print look alike on paper, and the incoming officer signs for
what the page says.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, Paragraph, Spacer

from hcc_desktop.core.services import handover
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.reports.document import (
    DATE_WIDTH_SAMPLE,
    DocumentResult,
    body_width,
    cells,
    flag,
    heads,
    house_table,
    section,
    text_width,
    widths,
    write_document,
)
from hcc_desktop.reports.fonts import register_fonts
from hcc_desktop.reports.pages import Furniture, Progress, check_out, page_size, step
from hcc_desktop.reports.styles import BODY, CELL, H2, NOTE, SUBTITLE, TITLE, esc, para
from hcc_desktop.reports.timefmt import Clock

TITLE_TEXT = "Shift handover"
#: Times print as "2026-11-18 21:30 EST": the widest a time column has to hold.
TIME_SAMPLE = "2026-11-18 21:30 EST"


def _qty(value: Any) -> str:
    if value is None:
        return ""
    return f"{float(value):g}"


def build_handover_report(
    store: Store,
    out: Path,
    *,
    report: Mapping[str, Any],
    record: Mapping[str, Any] | None = None,
    paper: str | None = None,
    prepared_by: Actor | None = None,
    zone: tzinfo | None = None,
    progress: Progress | None = None,
) -> DocumentResult:
    """Write `report` (a `build_report` result or a stored snapshot) to `out`;
    `record` is the stored handover (`handover_dict`) when printing one: its outgoing
    and incoming officers, notes and acknowledgement go in the sign-off block."""
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    step(progress, 0, 2)
    story = _story(report, record or {}, clock, body_width(size))
    furniture = Furniture(
        header_left=f"{TITLE_TEXT} · {report.get('incident') or ''}",
        header_right=f"Printed {clock.full(from_ms(store.wall()))}",
        footer_left=f"Prepared by {prepared_by.label if prepared_by else 'operator not stated'}"
        f" · station {store.station_name}",
    )
    pages, written = write_document(
        Path(out), story, furniture, pagesize=size, title=TITLE_TEXT,
        author=prepared_by.label if prepared_by else store.station_name,
        subject=f"Shift handover, {report.get('incident') or ''}", progress=progress,
    )  # fmt: skip
    step(progress, 2, 2)
    return DocumentResult(Path(out), pages, written, False, TITLE_TEXT)


def _story(
    report: Mapping[str, Any], record: Mapping[str, Any], clock: Clock, width: float
) -> list[Flowable]:
    n = handover.counts(report)
    story: list[Flowable] = [
        Paragraph(f"{TITLE_TEXT}: {esc(report.get('incident') or '')}", TITLE),
        Paragraph(
            f"As of {esc(clock.full(report.get('now')))}; changes since "
            f"{esc(clock.full(report.get('since')) or 'the start of the incident')}",
            SUBTITLE,
        ),
        Spacer(1, 4),
        para(
            f"<b>{n['requests_open']}</b> open requests (<b>{n['requests_overdue']}</b> "
            f"overdue), <b>{n['requests_changed']}</b> changed; <b>{n['eei_overdue']}</b> "
            f"periods with EEIs overdue; <b>{n['events']}</b> significant events; "
            f"<b>{n['conflicts']}</b> conflicts awaiting a decision; <b>{n['not_sent']}</b> "
            f"changes not yet sent to other stations; <b>{n['alerts']}</b> open alerts; "
            f"<b>{n['duty_gaps']}</b> gaps in the duty schedule in the next 48 hours.",
            BODY,
            markup=True,
        ),
    ]
    date = text_width(TIME_SAMPLE, DATE_WIDTH_SAMPLE, "Needed by", bold=False)
    builders: list[Callable[[], list[Flowable]]] = [
        lambda: _table(
            "positions", ["Position", "Person", "Phone", "Since"], [None, None, None, date],
            [0.35, 0.4, 0.25],
            [(p["position"], p["person"], p["phone"], clock.datetime(p["since"]))
             for p in report.get("positions") or ()], width, "Nobody is signed in.",
        ),
        lambda: _requests(report.get("requests_open") or (), clock, width),
        lambda: _table(
            "requests_changed", ["Request", "Resource", "Now", "What changed"],
            [text_width("ABCDEF-000"), None, text_width("In transit"), None], [0.3, 0.7],
            [(r["number"], r["resource"], r["status"],
              ("New. " if r["new"] else "") + "; ".join(r["changes"]))
             for r in report.get("requests_changed") or ()], width, "No request changed.",
        ),
        lambda: _table(
            "eei_overdue", ["Period", "Due", "Not reported"],
            [text_width("Period"), date, None], [1.0],
            [(p["period"], clock.datetime(p["due_at"]),
              f"{len(p['missing'])} of {p['expected']}: " + ", ".join(p["missing"]))
             for p in report.get("eei_overdue") or ()], width, "No EEIs overdue.",
        ),
        lambda: _table(
            "events", ["When", "Event", "By", "State"], [date, None, None, text_width("nominated")],
            [0.7, 0.3],
            [(clock.datetime(e["at"]), e["text"], e["by"], e["state"])
             for e in report.get("events") or ()], width, "No significant events.",
        ),
        lambda: _table(
            "conflicts", ["Record", "Field", "Versions"], [None, None, text_width("Versions")],
            [0.7, 0.3],
            [(f"{c['entity']} {c['record']}", c["field"], c["sides"])
             for c in report.get("conflicts") or ()], width, "No conflicts awaiting a decision.",
        ),
        lambda: _table(
            "stations", ["Station", "Changes not yet sent", "Last package received"],
            [None, text_width("Changes not yet sent"), date], [1.0],
            [(st["station"], st["not_sent"], clock.datetime(st["last_received"]) or "never")
             for st in report.get("stations") or ()], width, "No trusted stations.",
        ),
        lambda: _table(
            "alerts", ["Alert", "Severity", "Sender", "Expires"],
            [None, text_width("Moderate"), None, date], [0.6, 0.4],
            [(a["headline"], a["severity"], a["sender"], clock.datetime(a["expires"]))
             for a in report.get("alerts") or ()], width, "No open alerts.",
        ),
        lambda: _table(
            "duty_gaps", ["From", "To"], [date, date], [],
            [(clock.datetime(g["starts_at"]), clock.datetime(g["ends_at"]))
             for g in report.get("duty_gaps") or ()], width,
            "The duty schedule is covered for the next 48 hours.",
        ),
    ]  # fmt: skip
    for build in builders:
        story += build()
    story += _sign_off(record, clock)
    return story


def _table(
    key: str,
    names: Sequence[str],
    fixed: Sequence[float | None],
    shares: Sequence[float],
    rows: Sequence[Sequence[Any]],
    width: float,
    empty: str,
) -> list[Flowable]:
    title = handover.SECTIONS[key]
    if not rows:
        return [Paragraph(esc(title), H2), para(empty, BODY)]
    cols = widths(width, list(fixed), list(shares)) if shares else list(fixed)
    body: list[list[object]] = [heads(*names)]
    body += [cells(*row) for row in rows]
    return section(f"{title} ({len(rows)})", house_table(body, cols))  # type: ignore[arg-type]


def _requests(rows: Sequence[Mapping[str, Any]], clock: Clock, width: float) -> list[Flowable]:
    title = handover.SECTIONS["requests_open"]
    if not rows:
        return [Paragraph(esc(title), H2), para("No open requests.", BODY)]
    date = text_width(TIME_SAMPLE, DATE_WIDTH_SAMPLE, "Needed by", bold=False)
    cols = widths(
        width,
        [text_width("ABCDEF-000"), None, text_width("Quantity"), text_width("Priority"),
         text_width("In transit"), date, None],
        [0.45, 0.55],
    )  # fmt: skip
    body: list[list[object]] = [
        heads("Request", "Resource", "Quantity", "Priority", "Status", "Needed by", "Escalation")
    ]
    for r in rows:
        needed = esc(clock.datetime(r["needed_by"]))
        if r["overdue"]:
            needed += "<br/>" + flag("OVERDUE")
        escal = []
        if r.get("filled") is not None:
            escal.append(f"members filled {_qty(r['filled'])}")
        if r.get("elevated"):
            escal.append(
                f"{_qty(r['elevated'])} elevated to {r['elevated_to']} ({r['elevated_ref']})"
            )
        body.append([
            *cells(r["number"], r["resource"], f"{_qty(r['quantity'])} {r['unit'] or ''}",
                   r["priority"], r["status"]),
            para(needed, CELL, markup=True),
            para("; ".join(escal), CELL),
        ])  # fmt: skip
    return section(f"{title} ({len(rows)})", house_table(body, cols))


def _sign_off(record: Mapping[str, Any], clock: Clock) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Handover", H2)]
    if not record:
        out.append(para("Not yet prepared: this is a preview of the report as of now.", NOTE))
        return out
    lines = [
        f"<b>Outgoing:</b> {esc(record.get('prepared_by') or '')}, "
        f"{esc(clock.datetime(record.get('prepared_at')))}",
        f"<b>Incoming:</b> {esc(record.get('incoming') or 'not named')}",
    ]
    if record.get("notes"):
        lines.append(f"<b>Notes:</b> {esc(record['notes'])}")
    if record.get("acknowledged_at"):
        lines.append(
            f"<b>Acknowledged</b> by {esc(record.get('acknowledged_by'))} at "
            f"{esc(clock.datetime(record.get('acknowledged_at')))}"
            + (f": {esc(record['ack_note'])}" if record.get("ack_note") else "")
        )
    else:
        lines.append(flag("NOT YET ACKNOWLEDGED"))
    out += [para(line, BODY, markup=True) for line in lines]
    return out
