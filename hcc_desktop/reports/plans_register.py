"""The plans register on paper: every plan with its owner, edition and review state,
then each member's essential functions (ASPR capability 3, continuity of service).

The register is what a coalition shows its HPP project officer and what a planning
meeting works down, so a plan overdue for review says so in words ("OVERDUE by 25
days") and comes first, as `plans.plan_rows` orders it; a photocopy loses the red.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from pathlib import Path

from reportlab.platypus import Flowable, Paragraph, Spacer

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import PLAN_TYPES
from hcc_desktop.core.services import continuity, organizations, plans
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
    today_in,
    widths,
    write_document,
)
from hcc_desktop.reports.fonts import register_fonts
from hcc_desktop.reports.pages import Furniture, Progress, check_out, page_size, step
from hcc_desktop.reports.styles import BODY, CELL, H2, H3, NOTE, SUBTITLE, TITLE, esc, para
from hcc_desktop.reports.timefmt import Clock

TITLE_TEXT = "Plans register"


def review_text(row: plans.PlanRow) -> str:
    """The review state in words, with the days (Paragraph markup)."""
    days = row.days_overdue
    if row.overdue and days is not None:
        return flag(f"OVERDUE by {days} day{'s' if days != 1 else ''}")
    if row.review == "due soon" and days is not None:
        return esc(f"due soon (in {-days} day{'s' if days != -1 else ''})")
    return esc(row.review)


def build_plans_register(
    store: Store,
    out: Path,
    *,
    paper: str | None = None,
    prepared_by: Actor | None = None,
    today: date | None = None,
    zone: tzinfo | None = None,
    progress: Progress | None = None,
) -> DocumentResult:
    """Write the plans register and the members' essential functions to `out`. Review
    states are judged as of `today` (default: today on the store's clock in `zone`).
    Refuses, naming the field, a bad paper or output path before any work."""
    size = page_size(paper)
    check_out(Path(out))
    register_fonts()
    clock = Clock(zone)
    day = today or today_in(store, zone)
    step(progress, 0, 2)
    rows = plans.plan_rows(store, today=day)
    functions = continuity.list_functions(store)
    names = {o.id: o.name or "" for o in organizations.list_organizations(store)}
    width = body_width(size)
    story = _story(rows, functions, names, day, width)
    furniture = Furniture(
        header_left=f"{TITLE_TEXT} · as of {day.isoformat()}",
        header_right=f"Printed {clock.full(_now(store))}",
        footer_left=_footer(prepared_by, store),
    )
    pages, written = write_document(
        Path(out), story, furniture, pagesize=size, title=TITLE_TEXT,
        author=prepared_by.label if prepared_by else store.station_name,
        subject="Plans register and essential functions", progress=progress,
    )  # fmt: skip
    step(progress, 2, 2)
    return DocumentResult(Path(out), pages, written, False, TITLE_TEXT)


def _now(store: Store) -> str:
    return from_ms(store.wall())


def _footer(prepared_by: Actor | None, store: Store) -> str:
    who = prepared_by.label if prepared_by else "operator not stated"
    return f"Prepared by {who} · station {store.station_name}"


def _story(
    rows: Sequence[plans.PlanRow],
    functions: Sequence[m.EssentialFunction],
    names: dict[str, str],
    day: date,
    width: float,
) -> list[Flowable]:
    overdue = sum(r.overdue for r in rows)
    soon = sum(r.review == "due soon" for r in rows)
    story: list[Flowable] = [
        Paragraph(TITLE_TEXT, TITLE),
        Paragraph("Plans, their editions and review dates; members' essential functions", SUBTITLE),
        Spacer(1, 4),
        para(
            f"<b>{len(rows)}</b> plans as of {esc(day.isoformat())}: "
            f"<b>{overdue}</b> overdue for review, <b>{soon}</b> due within "
            f"{plans.DUE_SOON_DAYS} days. Overdue plans come first.",
            BODY,
            markup=True,
        ),
    ]
    date = text_width(DATE_WIDTH_SAMPLE, "Review due")
    cols = widths(width, [None, None, None, text_width("Version"), date, date, None],
                  [0.3, 0.17, 0.22, 0.19])  # fmt: skip
    body: list[list[object]] = [
        heads("Plan", "Type", "Owner", "Version", "Approved", "Review due", "Review")
    ]
    for r in rows:
        p = r.plan
        caps = ", ".join(p.capabilities or [])
        many = len(p.capabilities or []) > 1
        title = esc(p.title or "") + (
            f"<br/><font size='7'>ASPR capabilit{'ies' if many else 'y'} {esc(caps)}</font>"
            if caps else ""
        )  # fmt: skip
        body.append([
            para(title, CELL, markup=True),
            *cells(PLAN_TYPES.get(p.plan_type or "", p.plan_type or ""), r.owner, p.version,
                   p.approved_on, p.review_due),
            para(review_text(r), CELL, markup=True),
        ])  # fmt: skip
    if not rows:
        body.append(cells("No plans in the register yet.", "", "", "", "", "", ""))
    story += section("The register", house_table(body, cols))
    story += _functions(functions, names, width)
    return story


def _functions(
    functions: Sequence[m.EssentialFunction], names: dict[str, str], width: float
) -> list[Flowable]:
    out: list[Flowable] = [
        Paragraph("Essential functions", H2),
        para(
            "What each member must keep up or restore first (priority 1 = most critical), "
            "with its recovery time objective (RTO).",
            NOTE,
        ),
    ]
    if not functions:
        out.append(para("No member has recorded essential functions yet.", BODY))
        return out
    by_member: dict[str, list[m.EssentialFunction]] = {}
    for f in functions:
        by_member.setdefault(f.organization_id or "", []).append(f)
    cols = widths(width, [text_width("Priority"), None, text_width("RTO (hours)"), None, None],
                  [0.4, 0.25, 0.35])  # fmt: skip
    for member, mine in by_member.items():
        body: list[list[object]] = [heads("Priority", "Function", "RTO (hours)", "Owner", "Notes")]
        for f in mine:
            rto = f"{f.rto_hours:g}" if f.rto_hours is not None else ""
            body.append(cells(f.priority, f.name, rto, f.owner, f.notes, right=(0, 2)))
        title = f"{names.get(member) or 'Member not found'} ({len(mine)})"
        table = house_table(body, cols)
        out += section(title, table, style=H3)
    return out
