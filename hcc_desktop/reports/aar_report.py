"""The after-action report / improvement plan in the HSEEP layout (HSEEP-IP01; DOMAIN.md
2.3): a cover, the Exercise Overview, the Analysis of Capabilities (the summary table
Objective | Capability | P | S | M | U, then strengths and areas for improvement per
objective and capability), the evidence drawn from the incident log as an annex,
Appendix A the improvement plan matrix and Appendix B the participating organizations.

Coalitions send the AAR/IP to their HPP project officer and file it for audit, so it
follows the template's order and headings; a report that is not final says "DRAFT" on
its cover and in the header and footer of every page, as HSEEP requires, because a
draft quoted as final misleads the after-action meeting. Everything printed is read
through the services (`aar.view`, `exercises.view`, `aar.evidence`,
`improvement.action_rows`), so the paper says what the panels and the CLI say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle
from sqlalchemy import select

from hcc_desktop.core import aspr
from hcc_desktop.core import models as m
from hcc_desktop.core.enums import EXERCISE_TYPES, INCIDENT_TYPES, MEMBER_TYPES, OPERATIONS_BASED
from hcc_desktop.core.services import aar, exercises, improvement, organizations
from hcc_desktop.core.services.aar_evidence import Evidence
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.reports.aar_sections import analysis, appendix_a, appendix_b, evidence_annex
from hcc_desktop.reports.document import (
    DRAFT_MARKING,
    DocumentResult,
    body_width,
    today_in,
    write_document,
)
from hcc_desktop.reports.fonts import register_fonts
from hcc_desktop.reports.pages import Furniture, Progress, check_out, page_size, step
from hcc_desktop.reports.styles import (
    ALERT,
    ALERT_BG,
    BODY,
    CELL,
    CELL_BOLD,
    FIGURE,
    H2,
    HEAD_BG,
    INK,
    NOTE,
    RULE,
    SUBTITLE,
    TITLE,
    esc,
    para,
)
from hcc_desktop.reports.timefmt import Clock

DOCUMENT = "After-Action Report / Improvement Plan"
#: The mission area of every review this program writes: the ASPR capabilities are
#: health care preparedness and response, and the exercise record has no field for it.
MISSION_AREA = "Response"


@dataclass(frozen=True)
class AarData:
    """Everything the document prints, read once before layout."""

    view: aar.AarView
    exercise: exercises.ExerciseView | None
    incident: m.Incident | None
    evidence: Evidence | None
    actions: list[improvement.ActionRow]
    participants: list[m.Organization]
    region_names: dict[str, str]
    today: date
    printed_at: str

    @property
    def draft(self) -> bool:
        return self.view.aar.status != "final"

    @property
    def name(self) -> str:
        if self.exercise is not None:
            return self.exercise.exercise.name or ""
        return (self.incident.name if self.incident else "") or self.view.aar.title or ""


def build_aar(
    store: Store,
    aar_id: str,
    out: Path,
    paper: str | None = None,
    *,
    prepared_by: Actor | None = None,
    today: date | None = None,
    zone: tzinfo | None = None,
    progress: Progress | None = None,
) -> DocumentResult:
    """Write the AAR/IP `aar_id` to `out`. Corrective actions are overdue as of `today`
    (default: today on the store's clock in `zone`). Refuses, naming the field, an
    unknown report ("aar"), a bad paper or an output path that cannot take the file
    ("out"), before any work; a failed build leaves `out` untouched."""
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    step(progress, 0, 2)
    data = collect(store, aar_id, today or today_in(store, zone))
    width = body_width(size)
    story = _cover(data, clock, prepared_by, store.station_name)
    story += _overview(data, clock, width, prepared_by)
    story += analysis(data.view, data.exercise, data.actions, width)
    story += evidence_annex(data.evidence, data.exercise is not None, clock, width)
    story += appendix_a(data.actions, data.today, width)
    story += appendix_b(data.participants, data.region_names, width)
    furniture = Furniture(
        header_left=f"{data.name} · {DOCUMENT}",
        header_right="DRAFT" if data.draft else f"Final {clock.date(data.view.aar.status_at)}",
        footer_left=f"{DOCUMENT} · printed {clock.full(data.printed_at)}",
        marking=DRAFT_MARKING if data.draft else None,
    )
    pages, written = write_document(
        Path(out), story, furniture, pagesize=size, title=f"{data.name} — {DOCUMENT}",
        author=prepared_by.label if prepared_by else store.station_name,
        subject=DOCUMENT + (" (draft)" if data.draft else ""), progress=progress,
    )  # fmt: skip
    step(progress, 2, 2)
    return DocumentResult(Path(out), pages, written, data.draft, data.name)


def collect(store: Store, aar_id: str, today: date) -> AarData:
    """Read the report, what it reviews and its improvement plan (raises NotFoundError
    naming "aar" for an unknown report)."""
    view = aar.view(store, aar_id=aar_id)
    ex = exercises.view(store, exercise_id=view.aar.exercise_id) if view.exercise else None
    incident_id = view.aar.incident_id or (ex.exercise.incident_id if ex else None)
    incident = None
    if incident_id:
        with store.read() as s:
            row = s.get(m.Incident, incident_id)
        incident = row if row is not None and not row.deleted else None
    found = aar.evidence(store, incident.id) if incident is not None else None
    orgs = {o.id: o for o in organizations.list_organizations(store) if not o.merged_into}
    if ex is not None:
        ids = list(ex.participants)
    else:
        ids = _incident_members(store, incident.id) if incident is not None else []
    people = sorted((orgs[i] for i in ids if i in orgs), key=lambda o: (o.name or "").lower())
    regions = {r.id: r.name or "" for r in organizations.list_regions(store)}
    actions = improvement.action_rows(store, today=today, aar_id=view.aar.id)
    return AarData(view, ex, incident, found, actions, people, regions, today,
                   from_ms(store.wall()))  # fmt: skip


def _incident_members(store: Store, incident_id: str) -> list[str]:
    """The members that took part in a real incident: those that reported EEIs, wrote
    or were named in its log, or asked for resources."""
    found: set[str] = set()
    with store.read() as s:
        for column, where in (
            (m.EEIReport.organization_id, m.EEIReport.incident_id),
            (m.LogEntry.organization_id, m.LogEntry.incident_id),
            (m.ResourceRequest.requester_org_id, m.ResourceRequest.incident_id),
        ):
            found.update(i for i in s.scalars(select(column).where(where == incident_id).distinct())
                         if i)  # fmt: skip
    return sorted(found)


# ------------------------------------------------------------------ cover


def _dates(data: AarData, clock: Clock) -> str:
    if data.exercise is not None:
        e = data.exercise.exercise
        if e.ends_on and e.ends_on != e.starts_on:
            return f"{e.starts_on} to {e.ends_on}"
        return e.starts_on or "date not recorded"
    if data.incident is not None:
        start = clock.date(data.incident.started_at)
        end = clock.date(data.incident.ended_at) if data.incident.ended_at else "ongoing"
        return f"{start} to {end}"
    return "dates not recorded"


def _cover(data: AarData, clock: Clock, prepared_by: Actor | None, station: str) -> list[Flowable]:
    a = data.view.aar
    kind = "Exercise" if data.exercise is not None else "Incident"
    out: list[Flowable] = [
        Spacer(1, 60),
        Paragraph(esc(data.name), TITLE),
        Spacer(1, 6),
        Paragraph(DOCUMENT, SUBTITLE),
        Spacer(1, 4),
        para(f"{kind} dates: {_dates(data, clock)}", BODY),
        Spacer(1, 18),
    ]
    if data.draft:
        out.append(_banner("DRAFT", "Not final: this report has not been approved at the "
                           "after-action meeting and may change.", ALERT, ALERT_BG))  # fmt: skip
    else:
        approved = f"Final, approved {clock.date(a.status_at)} by {a.status_by or 'not recorded'}"
        out.append(_banner("FINAL", approved, INK, HEAD_BG))
    if a.summary:
        out += [Spacer(1, 18), Paragraph("Summary", H2), para(a.summary, BODY)]
    who = prepared_by.label if prepared_by else "operator not stated"
    out += [
        Spacer(1, 18),
        para(f"Printed {clock.full(data.printed_at)} by {who}, station {station}.", NOTE),
        para(
            "Laid out after the HSEEP After-Action Report/Improvement Plan template "
            "(HSEEP-IP01). Capabilities are the ASPR health care preparedness and "
            f"response capabilities ({aspr.load().title}).",
            NOTE,
        ),
        PageBreak(),
    ]
    return out


def _banner(word: str, text: str, colour: object, background: object) -> Table:
    t = Table([[para(word, FIGURE)], [para(text, CELL)]], colWidths=[300])
    t.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.5, colour), ("BACKGROUND", (0, 0), (-1, -1), background),
        ("TEXTCOLOR", (0, 0), (-1, -1), colour), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))  # fmt: skip
    t.hAlign = "LEFT"
    return t


# ------------------------------------------------------------------ overview


def _overview(
    data: AarData, clock: Clock, width: float, prepared_by: Actor | None
) -> list[Flowable]:
    ref = aspr.load()
    rows: list[tuple[str, str]] = []
    if data.exercise is not None:
        e, objectives = data.exercise.exercise, data.exercise.objectives
        kind = EXERCISE_TYPES.get(e.exercise_type or "", e.exercise_type or "")
        group = "operations-based" if e.exercise_type in OPERATIONS_BASED else "discussion-based"
        days = _days(e.starts_on, e.ends_on)
        scope = f"{kind}, {group}, {days}" + (f", at {e.location}" if e.location else "") + "."
        caps = sorted(exercises.capabilities_of(objectives), key=lambda c: int(c) if
                      c.isdigit() else 99)  # fmt: skip
        rows += [
            ("Exercise Name", e.name or ""),
            ("Exercise Dates", _dates(data, clock)),
            ("Scope", scope),
            ("Mission Area(s)", MISSION_AREA),
            ("Capabilities", "\n".join(ref.label(c) for c in caps) or "none mapped"),
            ("Objectives", "\n".join(f"{o.number}. {o.text}" for o in objectives) or "none"),
            ("Threat or Hazard", e.hazard or "not recorded"),
            ("Scenario", e.scenario or "not recorded"),
            ("Sponsor", e.sponsor or "not recorded"),
        ]
        if data.incident is not None:
            rows.append(("Exercise incident", f"{data.incident.name} (log, EEI reports and "
                         "requests marked EXERCISE)"))  # fmt: skip
    else:
        inc = data.incident
        kind = INCIDENT_TYPES.get(inc.incident_type or "", inc.incident_type or "") if inc else ""
        caps = sorted({(r.capability or "").split(".")[0] for r in data.view.ratings})
        rows += [
            ("Incident Name", data.name),
            ("Incident Dates", _dates(data, clock)),
            ("Scope", f"Real incident: {kind or 'type not recorded'}."),
            ("Mission Area(s)", MISSION_AREA),
            ("Capabilities", "\n".join(ref.label(c) for c in caps if c) or "none rated"),
            (
                "Objectives",
                "A real incident has no exercise objectives; ratings are per capability.",
            ),
            ("Threat or Hazard", kind or "not recorded"),
            ("Scenario", (inc.description if inc else None) or "not recorded"),
            ("Sponsor", "not applicable"),
        ]
    rows.append(("Participating Organizations", _participation(data.participants)))
    a = data.view.aar
    poc = a.status_by or (prepared_by.label if prepared_by else "") or "not recorded"
    rows.append(("Point of Contact", poc))
    cells = [[para(k, CELL_BOLD), para(v, CELL)] for k, v in rows]
    t = Table(cells, colWidths=[0.24 * width, 0.76 * width], splitInRow=1)
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK), ("BACKGROUND", (0, 0), (0, -1), HEAD_BG),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))  # fmt: skip
    overview = "Exercise Overview" if data.exercise is not None else "Incident Overview"
    return [Paragraph(overview, H2), t]


def _days(start: str | None, end: str | None) -> str:
    if not start:
        return "length not recorded"
    n = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1 if end else 1
    return f"{n} day" if n == 1 else f"{n} days"


def _participation(orgs: list[m.Organization]) -> str:
    """'10 member organizations (Appendix B): Hospital 5, EMS 1, ...' — the template
    asks for the count and the kinds; the list is Appendix B."""
    if not orgs:
        return "None recorded."
    counts: dict[str, int] = {}
    for o in orgs:
        label = MEMBER_TYPES.get(o.member_type or "", o.member_type or "type not set")
        counts[label] = counts.get(label, 0) + 1
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(counts.items(), key=lambda x: -x[1]))
    return f"{len(orgs)} member organizations (listed in Appendix B): {kinds}."
