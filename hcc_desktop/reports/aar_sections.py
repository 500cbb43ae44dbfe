"""The body of the AAR/IP (aar_report.py): the Analysis of Capabilities, the evidence
from the log, Appendix A (improvement plan matrix) and Appendix B (participating
organizations).

Each area for improvement names the rows of Appendix A that answer it, and each row of
the matrix the area it answers, so a reader can go from a finding to its fix and back
on paper, as the template's numbering does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table

from hcc_desktop.core import aspr
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import CAPABILITY_ELEMENTS, MEMBER_TYPES, RATINGS
from hcc_desktop.core.services import aar, exercises, improvement
from hcc_desktop.core.services.aar_evidence import Evidence
from hcc_desktop.reports.document import (
    DATE_WIDTH_SAMPLE,
    cells,
    flag,
    heads,
    house_table,
    section,
    text_width,
    widths,
)
from hcc_desktop.reports.fonts import COND_BOLD
from hcc_desktop.reports.styles import BODY, CELL, H2, H3, NOTE, esc, para
from hcc_desktop.reports.timefmt import Clock

Group = tuple[int | None, str]


def _key(group: Group) -> tuple[int, tuple[int, ...]]:
    objective, capability = group
    parts = tuple(int(p) for p in (capability or "0").split(".") if p.isdigit())
    return (objective or 999, parts)


def _objective_text(ex: exercises.ExerciseView | None, number: int | None) -> str:
    if not number:
        return "No exercise objective"
    for o in ex.objectives if ex else ():
        if o.number == number:
            return f"{number}. {o.text}"
    return f"Objective {number}"


def _action_numbers(actions: Sequence[improvement.ActionRow]) -> dict[str, list[int]]:
    """Finding id → the numbers of its rows in Appendix A."""
    out: dict[str, list[int]] = {}
    for n, row in enumerate(actions, start=1):
        if row.action.finding_id:
            out.setdefault(row.action.finding_id, []).append(n)
    return out


# ------------------------------------------------------------------ analysis


def analysis(
    view: aar.AarView,
    ex: exercises.ExerciseView | None,
    actions: Sequence[improvement.ActionRow],
    width: float,
) -> list[Flowable]:
    """The summary table, one mark per row, then strengths and areas for improvement
    per objective and capability in the summary table's order."""
    ref = aspr.load()
    mark = text_width("M", "U", "P", "S") + 4
    cols = widths(width, [None, None, mark, mark, mark, mark], [0.5, 0.5])
    body: list[list[object]] = [heads("Objective", "Capability", "P", "S", "M", "U")]
    for r in view.ratings:
        marks = [
            para(f'<font name="{COND_BOLD}">X</font>' if r.rating == k else "", CELL, markup=True)
            for k in RATINGS
        ]
        body.append([*cells(_objective_text(ex, r.objective_number),
                            ref.label(r.capability or "")), *marks])  # fmt: skip
    if not view.ratings:
        body.append(cells("No ratings yet.", "", "", "", "", ""))
    legend = "; ".join(f"<b>{k}</b>: {esc(v)}" for k, v in RATINGS.items())
    out: list[Flowable] = [PageBreak(), Paragraph("Analysis of Capabilities", H2)]
    out.append(para("The table summarises how the exercise's objectives and the capabilities "
                    "they map to were performed; the sections after it give the strengths and "
                    "areas for improvement behind each rating.", BODY))  # fmt: skip
    table = house_table(body, cols, extra=[("ALIGN", (2, 0), (-1, -1), "CENTER")])
    out += section("Summary of performance ratings", table, f"Ratings: {legend}.", markup=True)
    numbers = _action_numbers(actions)
    groups = sorted({(r.objective_number or None, r.capability or "") for r in view.ratings}
                    | {(f.objective_number or None, f.capability or "") for f in view.findings},
                    key=_key)  # fmt: skip
    ratings = {(r.objective_number or None, r.capability or ""): r.rating for r in view.ratings}
    last_objective: object = object()
    for group in groups:
        objective, capability = group
        if objective != last_objective and ex is not None:
            out.append(Paragraph(esc(f"Objective {_objective_text(ex, objective)}"), H3))
            last_objective = objective
        rating = ratings.get(group)
        said = f" — rated {rating} ({RATINGS.get(rating, '')})" if rating else " — not rated"
        out.append(para(f"<b>Capability {esc(ref.label(capability))}</b>{esc(said)}", BODY,
                        markup=True))  # fmt: skip
        out += _findings(view.findings, group, numbers)
    return out


def _findings(
    findings: Sequence[m.AarFinding], group: Group, numbers: dict[str, list[int]]
) -> list[Flowable]:
    mine = [f for f in findings if ((f.objective_number or None), f.capability or "") == group]
    out: list[Flowable] = []
    for kind, title in (("strength", "Strengths"), ("improvement", "Areas for Improvement")):
        these = [f for f in mine if f.kind == kind]
        out.append(para(f"<i>{title}</i>", BODY, markup=True))
        if not these:
            out.append(para("None recorded.", NOTE))
        for i, f in enumerate(these, start=1):
            label = "Strength" if kind == "strength" else "Area for Improvement"
            text = f"<b>{label} {i}:</b> {esc(f.text)}"
            if kind == "improvement":
                text += f"<br/><b>Reference:</b> {esc(f.reference or 'not recorded')}"
                text += f"<br/><b>Analysis:</b> {esc(f.analysis or 'not recorded')}"
                rows = numbers.get(f.id)
                fix = (f"Appendix A, row {', '.join(map(str, rows))}" if rows
                       else "none yet")  # fmt: skip
                text += f"<br/><b>Corrective actions:</b> {esc(fix)}"
            out.append(Paragraph(text, _INDENTED))
    out.append(Spacer(1, 4))
    return out


_INDENTED = BODY.clone("aar_finding", leftIndent=12)


# ------------------------------------------------------------------ evidence


def evidence_annex(
    ev: Evidence | None, is_exercise: bool, clock: Clock, width: float
) -> list[Flowable]:
    """What the incident's own data shows: approved significant events, late or
    missing EEI reports per period, denied or overdue requests."""
    if ev is None:
        out: list[Flowable] = [Spacer(1, 8), Paragraph("Annex: Evidence from the Log", H2)]
        why = ("This exercise was discussion-based and ran no incident, so there is no log, "
               "EEI reporting or request to draw evidence from." if is_exercise else
               "The incident reviewed is no longer in the store.")  # fmt: skip
        return [*out, para(why, BODY)]
    out = [PageBreak(), Paragraph("Annex: Evidence from the Log", H2)]
    out.append(para(f"Read from {ev.incident} as of {clock.full(ev.as_of)}: "
                    f"{len(ev.significant_events)} approved significant events, "
                    f"{len(ev.eei_periods)} periods with EEI reports due, "
                    f"{len(ev.requests)} requests denied or overdue, "
                    f"{len(ev.conflicts)} open conflicts on its records.", BODY))  # fmt: skip
    when = text_width("2026-12-31 23:59 EST", bold=False)
    body: list[list[object]] = [heads("Time", "Member", "Significant event", "Approved by")]
    for e in ev.significant_events:
        body.append(cells(clock.datetime(e["occurred_at"]), e["member"], e["text"],
                          e["approved_by"]))  # fmt: skip
    if not ev.significant_events:
        body.append(cells("", "", "No significant events were approved.", ""))
    cols = widths(width, [when, None, None, None], [0.22, 0.58, 0.2])
    out += section("Significant events", house_table(body, cols))
    body = [heads("Period", "Due", "On time", "Late", "Missing")]
    for p in ev.eei_periods:
        body.append(cells(p["period"], clock.datetime(p["due_at"]),
                          f"{p['on_time']} of {p['expected']} ({_share(p['share_on_time'])})",
                          ", ".join(p["late"]) or "none", ", ".join(p["missing"]) or "none",
                          right=(0,)))  # fmt: skip
    if not ev.eei_periods:
        body.append(cells("", "", "", "No period's EEI reports were due yet.", ""))
    cols = widths(width, [text_width("Period"), when, text_width("00 of 000 (100 %)")],
                  [0.5, 0.5])  # fmt: skip
    cols = widths(width, [*cols[:3], None, None], [0.5, 0.5])
    out += section("EEI reporting: late and missing", house_table(body, cols))
    body = [heads("No.", "Resource", "Requested by", "Needed by", "Why listed")]
    for r in ev.requests:
        qty = f"{r['quantity']:g} {r['unit'] or ''} " if r["quantity"] is not None else ""
        body.append([*cells(r["number"], f"{qty}{r['resource']}", r["requester"],
                            clock.datetime(r["needed_by"])),
                     para(flag(r["why"].upper()), CELL, markup=True)])  # fmt: skip
    if not ev.requests:
        body.append(cells("", "No request was denied or overdue.", "", "", ""))
    cols = widths(width, [text_width("CTDPH-000"), None, None, when, text_width("OVERDUE")],
                  [0.55, 0.45])  # fmt: skip
    out += section("Resource requests denied or overdue", house_table(body, cols))
    return out


def _share(fraction: float) -> str:
    return f"{round(100 * fraction)} %"


# ------------------------------------------------------------------ appendices


def _status(row: improvement.ActionRow) -> str:
    status = (row.action.status or "").replace("_", " ")
    text = esc(status[:1].upper() + status[1:])
    if row.overdue and row.days_overdue is not None:
        text += "<br/>" + flag(f"OVERDUE by {row.days_overdue} days")
    return text


def appendix_a(
    actions: Sequence[improvement.ActionRow], today: date, width: float
) -> list[Flowable]:
    """The improvement plan matrix, one numbered row per corrective action. Issue and
    corrective action share a column, as do the organization and its POC: nine
    columns do not fit a portrait page legibly."""
    date_w = text_width(DATE_WIDTH_SAMPLE, "Completion")
    cols = widths(width, [text_width("00"), text_width("Capability"), None,
                          text_width("Organization", bold=False), None, date_w, date_w, None],
                  [0.5, 0.3, 0.2])  # fmt: skip
    body: list[list[object]] = [heads(
        "#", "Capability", "Issue/Area for Improvement — Corrective Action", "Capability Element",
        "Primary Responsible Organization — Organization POC", "Start Date",
        "Completion Date", "Status")]  # fmt: skip
    for n, row in enumerate(actions, start=1):
        a = row.action
        issue = f"<b>{esc(a.issue or 'not recorded')}</b><br/>{esc(a.action or '')}"
        owner = f"{esc(row.owner or 'not assigned')}<br/>{esc(a.poc or 'POC not named')}"
        body.append([*cells(n, a.capability), para(issue, CELL, markup=True),
                     *cells(CAPABILITY_ELEMENTS.get(a.element or "", a.element or "")),
                     para(owner, CELL, markup=True), *cells(a.starts_on, a.due_on),
                     para(_status(row), CELL, markup=True)])  # fmt: skip
    if not actions:
        body.append(cells("", "", "No corrective actions yet.", "", "", "", "", ""))
    overdue = sum(r.overdue for r in actions)
    intro = (
        f"{len(actions)} corrective actions as of {today.isoformat()}, {overdue} overdue "
        "(listed first). Completion date: the date the action is due to be complete."
    )
    table = house_table(body, cols)
    return [PageBreak(), *section("Appendix A: Improvement Plan", table, intro)]


def appendix_b(
    orgs: Sequence[m.Organization], regions: dict[str, str], width: float
) -> list[Flowable]:
    body: list[list[object]] = [heads("Organization", "Member type", "Region")]
    for o in orgs:
        body.append(cells(o.name, MEMBER_TYPES.get(o.member_type or "", o.member_type or ""),
                          regions.get(o.region_id or "", "")))  # fmt: skip
    if not orgs:
        body.append(cells("No participating organizations recorded.", "", ""))
    table: Table = house_table(body, [0.5 * width, 0.2 * width, 0.3 * width])
    intro = f"{len(orgs)} organizations took part."
    return [Spacer(1, 12), *section("Appendix B: Participating Organizations", table, intro)]
