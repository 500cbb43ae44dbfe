"""The situation briefing for an operational period, as a PDF (reportlab Platypus).

What a coalition duty officer hands to a hospital CEO or the state ESF-8 lead at the
start of a period: where the incident stands, which hospitals are in trouble, what beds
there are, what was asked for and is still outstanding, what happened, who has not
reported. It must read well on a black-and-white copy (every status is a word as well
as a colour), say how current it is, and say on every page whether it may be shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from reportlab.lib.units import inch
from reportlab.platypus import Flowable

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.reports import briefing_lists as lists
from hcc_desktop.reports import briefing_status as facilities
from hcc_desktop.reports.briefing_cover import cover
from hcc_desktop.reports.briefing_data import collect
from hcc_desktop.reports.briefing_model import SECTIONS, BriefingData
from hcc_desktop.reports.briefing_sheet import Sheet
from hcc_desktop.reports.fonts import register_fonts
from hcc_desktop.reports.pages import (
    PUBLIC_MARKING,
    SENSITIVE_MARKING,
    Furniture,
    Margins,
    Progress,
    check_out,
    page_size,
    step,
    write_paged,
)
from hcc_desktop.reports.timefmt import Clock

MARGIN = 0.6 * inch
TOP = 0.95 * inch
BOTTOM = 0.85 * inch
#: Progress is reported in hundredths: gathering is about a third of a large briefing's
#: time and layout most of the rest (see benchmarks/workloads_reports.py).
STEPS = 100
GATHERED = 35
LAID_OUT = 95


@dataclass(frozen=True)
class BriefingResult:
    """What was written: the caller shows it and the tests check it."""

    path: Path
    pages: int
    bytes: int
    incident_id: str
    incident_name: str
    period: int | None
    public: bool
    #: The briefing prints protected EEIs, and every page is marked so.
    sensitive: bool
    sections: tuple[str, ...]


def build_briefing(
    store: Store,
    out: Path,
    *,
    incident_id: str | None = None,
    period: int | None = None,
    summary_text: str = "",
    public: bool = False,
    paper: str | None = None,
    sections: Iterable[str] | None = None,
    prepared_by: Actor | None = None,
    progress: Progress | None = None,
    now: str | None = None,
    zone: tzinfo | None = None,
) -> BriefingResult:
    """Write the situation briefing for `period` of the incident (defaults: the current
    incident and the period running now) to `out`.

    `public=True` leaves out every value of an EEI the catalog marks sensitive and says
    so on the cover; otherwise, when any protected value is printed, every page carries
    the sensitivity marking. `now` (stored UTC text) is the moment the briefing is
    prepared and against which requests are overdue; `zone` the time zone printed
    (default: this station's); `paper` 'letter' or 'a4' (default: the locale's, see
    `core.paper.default_paper`). Refusals name the field (incident, period, paper,
    sections, out); a cancelled or failed build leaves `out` untouched.
    """
    chosen = _sections(sections)
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    step(progress, 0, STEPS)
    data = collect(
        store,
        incident_id=incident_id,
        period=period,
        summary_text=summary_text,
        public=public,
        prepared_by=prepared_by,
        now=now,
        clock=clock,
    )
    step(progress, GATHERED, STEPS)
    width = size[0] - 2 * MARGIN
    sheet = Sheet(data, clock, width, size[1] - TOP - BOTTOM)
    story = _story(sheet, chosen)
    step(progress, GATHERED + 2, STEPS)
    sensitive = sheet.sensitive_printed
    furniture = Furniture(
        header_left=f"Situation briefing · {data.incident.name} · "
        + (f"Period {data.number}" if data.number else "No operational period"),
        header_right=f"Prepared {clock.full(data.prepared_at)}",
        footer_left=_prepared_line(data),
        marking=SENSITIVE_MARKING if sensitive else PUBLIC_MARKING if public else None,
        marking_is_alert=sensitive,
        exercise=bool(data.incident.exercise),
    )
    pages, written = write_paged(
        Path(out),
        story,
        furniture,
        pagesize=size,
        margins=Margins(MARGIN, MARGIN, TOP, BOTTOM),
        title=f"Situation briefing — {data.incident.name}"
        + (f" — period {data.number}" if data.number else ""),
        author=prepared_by.label if prepared_by else store.station_name,
        subject="Situation briefing" + (" (public version)" if public else ""),
        progress=progress,
        span=(GATHERED + 2, LAID_OUT, STEPS),
    )
    step(progress, STEPS, STEPS)
    return BriefingResult(
        Path(out),
        pages,
        written,
        data.incident.id,
        data.incident.name or "",
        data.number,
        public,
        sensitive,
        chosen,
    )


def _sections(sections: Iterable[str] | None) -> tuple[str, ...]:
    if sections is None:
        return tuple(SECTIONS)
    wanted = [s.strip().lower() for s in sections]
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise ValidationError(
            "sections", f"unknown section {unknown[0]!r}; expected some of {', '.join(SECTIONS)}"
        )
    return tuple(s for s in SECTIONS if s in wanted)


def _prepared_line(data: BriefingData) -> str:
    who = data.prepared_by.label if data.prepared_by else "operator not stated"
    return f"Prepared by {who} · station {data.station}"


def _story(s: Sheet, sections: Sequence[str]) -> list[Flowable]:
    """The cover, then the chosen sections in print order. Whether a protected value
    will be printed is decided first: it sets the marking on the cover and every page."""
    d = s.d
    s.sensitive_printed = not d.public and bool(
        ("protected" in sections and d.protected)
        or ("status" in sections and any(r.sensitive for r in (*d.troubled, *d.limited)))
    )
    builders: dict[str, Callable[[Sheet], list[Flowable]]] = {
        "summary": facilities.summary,
        "status": facilities.status,
        "map": facilities.member_map,
        "beds": facilities.beds,
        "trends": facilities.trends,
        "requests": lists.requests,
        "events": lists.events,
        "reporting": lists.reporting,
        "protected": lists.protected,
        "facilities": lists.annex,
    }
    out = cover(s)
    for key in sections:
        out += builders[key](s)
    return out
