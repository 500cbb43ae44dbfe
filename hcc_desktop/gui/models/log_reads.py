"""What the incident log panel reads from the store, each read one function the panel
runs in a QueryOp (Qt-free, so it can run on a worker thread; the GUI thread only
places the result).

The log is paged (models.log_model): a reset reads the first page (the filtered total
is counted in a read of its own, `log.count_entries`, which the first page does not
wait for: on a long log it is the slow one), a scroll reads the next page, a
change-set reads only the entries it touched, and "go to entry" reads the pages up to
that entry. Each returns plain rows, built here rather than on the GUI thread, because
building a row means formatting its time and looking up its corrections.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select

from hcc_desktop.core import models as m
from hcc_desktop.core.services import incidents, log, organizations
from hcc_desktop.core.store import Store
from hcc_desktop.gui.models import log_rows as lr

#: (starts_at, ends_at) of an operational period, for the "this period" filter.
Bounds = tuple[str | None, str | None]


@dataclass(frozen=True)
class Context:
    """What the panel's reads need besides the store: the members' names (for the
    Member column), the incident's periods (for the period filter) and the
    import-highlight mark."""

    members: dict[str, str] = field(default_factory=dict)
    periods: dict[int, Bounds] = field(default_factory=dict)
    seen_seq: int = 0


def read_context(store: Store, incident_id: str | None) -> Context:
    members = {o.id: o.name or "" for o in organizations.list_organizations(store)}
    periods: dict[int, Bounds] = {}
    if incident_id:
        for p in incidents.list_periods(store, incident_id=incident_id):
            periods[p.number] = (p.starts_at, p.ends_at)
    return Context(members=members, periods=periods, seen_seq=lr.seen_seq(store))


@dataclass(frozen=True)
class First:
    """A reset's read: the first page (the total follows in its own read)."""

    rows: list[lr.LogRow]


def read_first(
    store: Store,
    flt: log.LogFilter | None,
    *,
    page: int,
    newest_first: bool,
    members: Mapping[str, str],
    seen_seq: int,
) -> First:
    if flt is None:
        return First([])
    rows = lr.fetch_page(
        store,
        flt,
        offset=0,
        limit=page,
        newest_first=newest_first,
        members=members,
        seen_seq=seen_seq,
    )
    return First(rows)


@dataclass(frozen=True)
class Patch:
    """A change-set's read: the touched entries that pass the filter, as rows, and
    fresh links for the entries they correct (their "corrected by" changed)."""

    ids: frozenset[str]
    fresh: dict[str, lr.LogRow]
    relinks: lr.Links


def read_patch(
    store: Store,
    flt: log.LogFilter,
    ids: Iterable[str],
    *,
    members: Mapping[str, str],
    seen_seq: int,
) -> Patch:
    wanted = frozenset(ids)
    rows = [lr.make_row(e, members) for e in lr.matching(store, flt, wanted)]
    lr.annotate(store, rows, seen_seq)
    corrected = {r.corrects_id for r in rows if r.corrects_id}
    return Patch(wanted, {r.id: r for r in rows}, lr.links(store, corrected, seen_seq))


@dataclass(frozen=True)
class Found:
    """Where "go to entry" found an entry: its position in the filtered order (None
    when the filter leaves it out) and the rows from `offset` up to and including
    the page that holds it (empty when it lies before `offset`: already loaded, or
    on its way in a change-set)."""

    rank: int | None
    offset: int
    rows: list[lr.LogRow]


def find_entry(
    store: Store,
    flt: log.LogFilter,
    entry_id: str,
    *,
    offset: int,
    page: int,
    limit: int,
    newest_first: bool,
    members: Mapping[str, str],
    seen_seq: int,
) -> Found:
    hit = lr.matching(store, flt, [entry_id])
    if not hit:
        return Found(None, offset, [])
    rank = _rank(store, flt, hit[0], newest_first=newest_first, limit=limit)
    if rank < offset or rank >= limit:
        return Found(rank, offset, [])
    end = (rank // page + 1) * page
    rows = lr.fetch_page(
        store,
        flt,
        offset=offset,
        limit=end - offset,
        newest_first=newest_first,
        members=members,
        seen_seq=seen_seq,
    )
    return Found(rank, offset, rows)


def _rank(
    store: Store, flt: log.LogFilter, e: m.LogEntry, *, newest_first: bool, limit: int
) -> int:
    """How many entries passing `flt` sort before `e` (the log service's order:
    occurred_at, then id), counted no further than `limit`: beyond it the entry is not
    jumped to anyway, and an entry near the far end of a million-entry log would
    otherwise be ranked by counting all of them."""
    t = m.LogEntry
    at, eid = e.occurred_at, e.id
    if newest_first:
        before = or_(t.occurred_at > at, and_(t.occurred_at == at, t.id > eid))
    else:
        before = or_(t.occurred_at < at, and_(t.occurred_at == at, t.id < eid))
    ahead = select(t.id).where(*flt.where(), before).limit(limit).subquery()
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(ahead)) or 0)


@dataclass(frozen=True)
class Review:
    """The significant-events tab: the entries in the chosen state and how many
    nominations wait for review (the tab's title)."""

    state: str
    entries: list[m.LogEntry]
    pending: int


def read_review(store: Store, incident_id: str | None, state: str) -> Review:
    if not incident_id:
        return Review(state, [], 0)
    flt = log.LogFilter(incident_id=incident_id, significant=state)
    entries = log.list_entries(store, flt=flt, newest_first=True, limit=1000)
    pending = log.count_entries(
        store, flt=log.LogFilter(incident_id=incident_id, significant="nominated")
    )
    return Review(state, entries, pending)
