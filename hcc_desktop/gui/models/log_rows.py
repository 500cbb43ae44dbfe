"""Rows of the incident log as the table shows them (Qt-free).

A page of entries comes from the log service (`log.list_entries`, filtered and ordered
in SQL); this module adds what one page needs besides: which of its entries a later
entry corrects, and which arrived by import since the operator last looked. Both are
one query per page, never one per row or per paint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.services import log
from hcc_desktop.core.store import Store
from hcc_desktop.gui import fmt

#: The entry's text comes early and gets the room: it is what the log is read for.
COLUMNS = ("Time", "Priority", "Category", "Entry", "Member", "Operator", "Station", "Link")
TIME, PRIORITY, CATEGORY, TEXT, MEMBER, OPERATOR, STATION, LINK = range(len(COLUMNS))
SEEN_KEY = "gui.log_seen_seq"


@dataclass
class LogRow:
    id: str
    key: tuple[str, str]  # (occurred_at, id): the SQL order
    cells: list[str]
    text: str
    priority: str
    significant: str
    corrects_id: str | None
    corrected_by: str | None = None
    new: bool = False

    def link_text(self) -> str:
        parts = []
        if self.corrects_id:
            parts.append(f"corrects {fmt.short_id(self.corrects_id)}")
        if self.corrected_by:
            parts.append(f"corrected by {fmt.short_id(self.corrected_by)}")
        if self.significant in ("nominated", "approved", "declined"):
            parts.append(
                {"nominated": "★ nominated", "approved": "★ significant", "declined": "declined"}[
                    self.significant
                ]
            )
        return " · ".join(parts)


def make_row(e: m.LogEntry, members: Mapping[str, str]) -> LogRow:
    who = f"{e.operator} ({e.position})" if e.position else (e.operator or "")
    text = e.text or ""
    row = LogRow(
        id=e.id,
        key=(e.occurred_at or "", e.id),
        cells=[
            fmt.local(e.occurred_at, short=True),
            fmt.label(e.priority),
            fmt.label(e.category),
            text.replace("\n", " ⏎ "),
            members.get(e.organization_id or "", ""),
            who,
            e.station or "",
            "",
        ],
        text=text,
        priority=e.priority or "routine",
        significant=e.significant or "none",
        corrects_id=e.corrects_id,
    )
    return row


def fetch_page(
    store: Store,
    flt: log.LogFilter,
    *,
    offset: int,
    limit: int,
    newest_first: bool,
    members: Mapping[str, str],
    seen_seq: int,
    after: tuple[str, str] | None = None,
) -> list[LogRow]:
    """Rows from `offset`, or with `after` from the row after that key (the last
    loaded row's: see log.list_entries, a deep page then costs what the first does)."""
    entries = log.list_entries(
        store, flt=flt, offset=offset, limit=limit, newest_first=newest_first, after=after
    )
    rows = [make_row(e, members) for e in entries]
    annotate(store, rows, seen_seq)
    return rows


def annotate(store: Store, rows: list[LogRow], seen_seq: int) -> None:
    """Fill `corrected_by` and `new` for a batch of rows (two queries)."""
    apply_links(rows, links(store, [r.id for r in rows], seen_seq))


#: Per entry id: (the id of the entry correcting it, arrived by import unseen).
Links = dict[str, tuple[str | None, bool]]


def apply_links(rows: Iterable[LogRow], found: Links) -> None:
    """Set what `links` read on the rows it was read for (no store access)."""
    for r in rows:
        if r.id in found:
            r.corrected_by, r.new = found[r.id]
            r.cells[LINK] = r.link_text()


def links(store: Store, ids: Iterable[str], seen_seq: int) -> Links:
    """`corrected_by` and `new` of the entries `ids` (two queries, for a batch)."""
    ids = list(ids)
    if not ids:
        return {}
    with store.read() as s:
        corrections = dict(
            s.execute(
                select(m.LogEntry.corrects_id, m.LogEntry.id).where(
                    m.LogEntry.corrects_id.in_(ids), m.LogEntry.deleted.is_(False)
                )
            ).all()
        )
        fresh = set(
            s.scalars(
                select(m.Version.record_id)
                .where(
                    m.Version.entity == "log_entry",
                    m.Version.change_id.is_(None),
                    m.Version.seq > seen_seq,
                    m.Version.record_id.in_(ids),
                )
                .distinct()
            )
        )
    return {i: (corrections.get(i), i in fresh) for i in ids}


def matching(store: Store, flt: log.LogFilter, ids: Iterable[str]) -> list[m.LogEntry]:
    """Those of `ids` that pass the filter (to place rows a change-set touched)."""
    wanted = list(ids)
    with store.read() as s:
        return list(s.scalars(select(m.LogEntry).where(*flt.where(), m.LogEntry.id.in_(wanted))))


def highest_seq(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.max(m.Version.seq))) or 0)


def seen_seq(store: Store) -> int:
    try:
        return int(store.get_setting(SEEN_KEY) or 0)
    except ValueError:
        return 0


def mark_seen(store: Store) -> int:
    seq = highest_seq(store)
    store.set_setting(SEEN_KEY, str(seq))
    return seq


def count_new(store: Store, incident_id: str, seen: int) -> int:
    """Imported entries of this incident the operator has not looked at yet."""
    with store.read() as s:
        return int(
            s.scalar(
                select(func.count(func.distinct(m.Version.record_id)))
                .select_from(m.Version)
                .join(m.LogEntry, m.LogEntry.id == m.Version.record_id)
                .where(
                    m.Version.entity == "log_entry",
                    m.Version.change_id.is_(None),
                    m.Version.seq > seen,
                    m.LogEntry.incident_id == incident_id,
                    m.LogEntry.deleted.is_(False),
                )
            )
            or 0
        )
