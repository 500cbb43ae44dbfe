"""The first page of the briefing: what, when, by whom, how current, whether it may be
shared, and six figures a reader takes in before anything else.

A CEO handed the briefing in a corridor reads this page and maybe no other, so every
figure on it says what it counts (facilities reporting, like-for-like change).
"""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from hcc_desktop.core.enums import INCIDENT_TYPES
from hcc_desktop.reports.briefing_sheet import (
    Sheet,
    boxed,
    signed,
    whole,
)
from hcc_desktop.reports.styles import (
    ALERT,
    ALERT_BG,
    BODY,
    CELL,
    CELL_BOLD,
    FIGURE,
    FIGURE_LABEL,
    HEAD_BG,
    INK,
    NOTE_BG,
    RULE,
    SUBTITLE,
    TITLE,
    esc,
    para,
)


def cover(s: Sheet) -> list[Flowable]:
    d, c = s.d, s.clock
    inc = d.incident
    out: list[Flowable] = [
        Paragraph("Situation Briefing", TITLE),
        Paragraph(esc(inc.name), SUBTITLE),
    ]
    if d.period is not None:
        line = (
            f"Operational period {d.number} · {esc(c.span(d.period.starts_at, d.period.ends_at))}"
        )
    else:
        line = "No operational period has been set up for this incident yet."
    out += [Paragraph(line, BODY), Spacer(1, 4)]
    kind = INCIDENT_TYPES.get(inc.incident_type or "", inc.incident_type or "")
    incident_text = f"{esc(inc.name)} — {esc(kind)}, {esc(inc.status or '')}"
    if inc.exercise:
        incident_text += " — <b>EXERCISE</b>"
    incident_text += f"; started {esc(c.full(inc.started_at))}"
    if d.period is not None:
        due = f"; EEIs due {esc(c.full(d.period.eei_due_at))}" if d.period.eei_due_at else ""
        period_text = (
            f"{d.number} of {len(d.periods)}: {esc(c.full(d.period.starts_at))} to "
            f"{esc(c.full(d.period.ends_at))}{due}"
        )
    else:
        period_text = "none yet"
    who = d.prepared_by
    rows = [
        ("Incident", incident_text),
        ("Operational period", period_text),
        (
            "Prepared by",
            f"{esc(who.name)}, {esc(who.position or 'position not stated')}"
            if who
            else "not stated",
        ),
        ("Station", esc(d.station)),
        ("Time prepared", esc(c.full(d.prepared_at))),
        ("Data currency", currency(s)),
    ]
    table = Table(
        [[para(k, CELL_BOLD), para(v, CELL, markup=True)] for k, v in rows],
        colWidths=[1.35 * inch, s.width - 1.35 * inch],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), HEAD_BG),
                ("BOX", (0, 0), (-1, -1), 0.8, INK),
                ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    out += [table, Spacer(1, 6), *release_box(s), glance(s)]
    return out


def currency(s: Sheet) -> str:
    d, c = s.d, s.clock
    if d.eei_as_of:
        eeis = f"EEIs as of {esc(c.full(d.eei_as_of))} (newest report for period {d.number})"
    elif d.period is not None:
        eeis = f"no EEIs reported for period {d.number} yet"
    else:
        eeis = "no EEIs (no operational period)"
    if d.last_package:
        station, at = d.last_package
        pkg = f"last package from {esc(station)}, imported {esc(c.full(at))}"
    else:
        pkg = "no package from another station imported here: this station's data only"
    return f"{eeis}; {pkg}."


def release_box(s: Sheet) -> list[Flowable]:
    d = s.d
    if d.public:
        text = (
            "<b>Public version.</b> The values of the "
            f"{len(d.sensitive_codes)} EEIs that the coalition's catalog marks as "
            "protected are left out of this briefing, as are the reasons they give. "
            "The situation summary, the objectives and the significant events are "
            "printed as written: read them before release."
        )
        return [boxed(s, text, NOTE_BG, INK), Spacer(1, 6)]
    if s.sensitive_printed:
        text = (
            "<b>SENSITIVE — contains protected EEIs; not for public release.</b> "
            "Share only with coalition partners who need it for the response; "
            "print a public version for anyone else."
        )
        return [boxed(s, text, ALERT_BG, ALERT), Spacer(1, 6)]
    return []


def glance(s: Sheet) -> Flowable:
    """Six figures a reader takes in before anything else."""
    d = s.d
    counts = d.status_counts
    expected = sum(counts.values())
    total = next((b for b in d.beds if b.label == "Total inpatient"), None)
    beds = whole(total.available) if total and total.available is not None else "—"
    bed_lines = ["inpatient beds available", f"{total.facilities if total else 0} reporting"]
    if total and total.change is not None:
        prev = d.previous.number if d.previous else 0
        bed_lines.append(f"{signed(total.change)} vs P{prev}, like for like")
    overdue = sum(1 for r in d.requests if r.overdue)
    # The overview's tiles in the same words: "Not reported this period" is
    # eei.timeliness's missing, never the status "No report yet".
    expected = d.reporting.expected if d.reporting else expected
    missing = len(d.reporting.missing) if d.reporting else 0
    share = f"{d.reporting.share_on_time:.0%}" if d.reporting and d.reporting.expected else "—"
    # Labels are broken by hand at the points that keep each fact on one line: an
    # automatic wrap splits "(37 / reporting)" across lines at this width.
    figures = [
        (
            f"{d.reporting_this_period} of {expected}",
            f"facilities reported<br/>this period<br/>{missing} not reported<br/>this period",
        ),
        (str(counts.get("diversion", 0)), "on EMS diversion"),
        (
            str(counts.get("closed", 0) + counts.get("evacuating", 0)),
            "closed or evacuating",
        ),
        (beds, "<br/>".join(esc(x) for x in bed_lines)),
        (str(len(d.requests)), f"open resource requests<br/>{overdue} overdue"),
        (share, "of EEIs on time"),
    ]
    cells = [[Paragraph(esc(v), FIGURE), Paragraph(label, FIGURE_LABEL)] for v, label in figures]
    w = s.width / len(cells)
    t = Table([[c for c in cells]], colWidths=[w] * len(cells))
    t.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, INK),
                ("INNERGRID", (0, 0), (-1, -1), 0.3, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t


# ------------------------------------------------------------- sections
