"""The membership report on paper: members by status, by type (with each status) and by
region (with the HPP core member types a region has no core member of), then the
members themselves, region by region.

HPP performance measure 4 asks for the representation of core and additional member
types, so the figures come from `membership.membership_report` (the counts `members
report` prints and the GUI shows), and a missing core type is said in words ("no core
member: EMS"), because a photocopy loses the colour. The member list lets a planning
meeting check the figures against names: who joined when, who has lapsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path

from reportlab.platypus import Flowable, Paragraph, Spacer

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import CORE_MEMBER_TYPES, MEMBER_TYPES, MEMBERSHIPS
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import membership, organizations
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
from hcc_desktop.reports.styles import (
    BODY,
    CELL,
    CELL_HEAD_RIGHT,
    H2,
    H3,
    NOTE,
    SUBTITLE,
    TITLE,
    esc,
    para,
)
from hcc_desktop.reports.timefmt import Clock

TITLE_TEXT = "Membership report"
#: Status columns, short enough for a narrow page (the full words are in the legend).
STATUS_HEADS = {"core": "Core", "non_core": "Non-core", "guest": "Guest",
                "prospective": "Prosp.", "lapsed": "Lapsed"}  # fmt: skip


def build_membership_report(
    store: Store,
    out: Path,
    *,
    paper: str | None = None,
    region_id: str | None = None,
    prepared_by: Actor | None = None,
    zone: tzinfo | None = None,
    progress: Progress | None = None,
) -> DocumentResult:
    """Write the membership report (of one region with `region_id`) to `out`. Refuses,
    naming the field, a bad paper, region or output path before any work."""
    size = page_size(paper)
    check_out(Path(out))
    regions = organizations.list_regions(store)
    scope = None
    if region_id:
        scope = next((r for r in regions if r.id == region_id), None)
        if scope is None:
            raise ValidationError("region", f"no region {region_id!r}")
    register_fonts()
    clock = Clock(zone)
    day = today_in(store, zone)
    step(progress, 0, 2)
    report = membership.membership_report(store, region_id=region_id)
    members = [
        o for o in organizations.list_organizations(store)
        if not region_id or o.region_id == region_id
    ]  # fmt: skip
    width = body_width(size)
    names = {r.id: r.name or r.key or "" for r in regions}
    scope_text = (scope.name or scope.key or "") if scope else "the whole coalition"
    story = _story(report, members, names, scope_text, day.isoformat(), width)
    furniture = Furniture(
        header_left=f"{TITLE_TEXT} · {scope_text} · as of {day.isoformat()}",
        header_right=f"Printed {clock.full(from_ms(store.wall()))}",
        footer_left=_footer(prepared_by, store),
    )
    pages, written = write_document(
        Path(out), story, furniture, pagesize=size, title=f"{TITLE_TEXT}: {scope_text}",
        author=prepared_by.label if prepared_by else store.station_name,
        subject="Coalition members by type, status and region", progress=progress,
    )  # fmt: skip
    step(progress, 2, 2)
    return DocumentResult(Path(out), pages, written, False, TITLE_TEXT)


def _footer(prepared_by: Actor | None, store: Store) -> str:
    who = prepared_by.label if prepared_by else "operator not stated"
    return f"Prepared by {who} · station {store.station_name}"


def _story(
    rep: membership.MembershipReport,
    members: Sequence[m.Organization],
    region_names: dict[str, str],
    scope: str,
    day: str,
    width: float,
) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph(TITLE_TEXT, TITLE),
        Paragraph(f"Members of {esc(scope)} by type, status and region", SUBTITLE),
        Spacer(1, 4),
        para(
            f"<b>{rep.total}</b> members as of {esc(day)}, <b>{rep.active}</b> active "
            "(core, non-core or guest). HPP core member types: "
            + esc(", ".join(MEMBER_TYPES[t] for t in CORE_MEMBER_TYPES))
            + ".",
            BODY,
            markup=True,
        ),
    ]
    story += _by_status(rep, width)
    story += _by_type(rep, width)
    story += _by_region(rep, width)
    story += _members(members, region_names, width)
    return story


def _statuses() -> list[str]:
    return list(MEMBERSHIPS)


def _number_heads(*names: str) -> list[Paragraph]:
    """Headings of count columns, flush right over their numbers."""
    return [para(n, CELL_HEAD_RIGHT) for n in names]


def _by_status(rep: membership.MembershipReport, width: float) -> list[Flowable]:
    cols = widths(width * 0.5, [None, text_width("Members")], [1.0])
    body: list[list[object]] = [[*heads("Membership status"), *_number_heads("Members")]]
    body += [cells(c.label, c.count, right=(1,)) for c in rep.by_status]
    return section("By membership status", house_table(body, cols))


def _by_type(rep: membership.MembershipReport, width: float) -> list[Flowable]:
    statuses = _statuses()
    number = text_width("Non-core")
    cols = widths(width, [None, *([number] * len(statuses)), text_width("Total")], [1.0])
    body: list[list[object]] = [
        [
            *heads("Member type"),
            *_number_heads(*(STATUS_HEADS.get(s, s) for s in statuses), "Total"),
        ]
    ]
    right = tuple(range(1, len(statuses) + 2))
    for c in rep.by_type:
        if not c.count:
            continue
        row = rep.type_status.get(c.key, {})
        core = " (HPP core type)" if c.key in CORE_MEMBER_TYPES else ""
        body.append(cells(c.label + core, *(row.get(s, 0) or "" for s in statuses), c.count,
                          right=right))  # fmt: skip
    if len(body) == 1:
        body.append(cells("No members yet.", *([""] * (len(statuses) + 1))))
    intro = "Blank: none. Types with no member at all are left out."
    return section("By member type", house_table(body, cols), intro)


def _by_region(rep: membership.MembershipReport, width: float) -> list[Flowable]:
    statuses = _statuses()
    number = text_width("Non-core")
    cols = widths(
        width, [None, text_width("Total"), *([number] * len(statuses)), None], [0.45, 0.55]
    )
    body: list[list[object]] = [
        [
            *heads("Region"),
            *_number_heads("Total", *(STATUS_HEADS.get(s, s) for s in statuses)),
            *heads("HPP core types without a core member"),
        ]
    ]
    right = tuple(range(1, len(statuses) + 2))
    for r in rep.by_region:
        missing = ", ".join(MEMBER_TYPES.get(t, t) for t in r.core_types_missing)
        gap = para(flag(f"None: {missing}") if missing else "All present", CELL, markup=True)
        counts = (r.by_status.get(s, 0) or "" for s in statuses)
        body.append([*cells(r.name or r.key, r.total, *counts, right=right), gap])
    if len(body) == 1:
        body.append(cells("No regions yet.", *([""] * (len(statuses) + 2))))
    intro = (
        "A region should have a core member of each HPP core type (hospital, EMS, "
        "emergency management, public health); the last column names those it lacks."
    )
    return section("By region", house_table(body, cols), intro)


def _members(
    members: Sequence[m.Organization], region_names: dict[str, str], width: float
) -> list[Flowable]:
    out: list[Flowable] = [
        Paragraph("Members by region", H2),
        para("Each member with its type, status and the dates it joined or left.", NOTE),
    ]
    date = text_width(DATE_WIDTH_SAMPLE, "Joined")
    cols = widths(width, [None, None, None, date, date, None], [0.42, 0.22, 0.14, 0.22])
    by_region: dict[str, list[m.Organization]] = {}
    for o in members:
        by_region.setdefault(o.region_id or "", []).append(o)
    order = sorted(by_region, key=lambda k: (k == "", region_names.get(k, k)))
    for key in order:
        mine = sorted(by_region[key], key=lambda o: (o.name or "").lower())
        body: list[list[object]] = [heads("Member", "Type", "Status", "Joined", "Left", "Town")]
        for o in mine:
            status = MEMBERSHIPS.get(o.membership or "", o.membership or "")
            body.append(cells(o.name, MEMBER_TYPES.get(o.member_type or "", o.member_type),
                              status, o.joined_on, o.left_on, o.town))  # fmt: skip
        title = f"{region_names.get(key) or 'No region'} ({len(mine)})"
        out += section(title, house_table(body, cols), style=H3)
    if not members:
        out.append(para("No members yet.", BODY))
    return out
