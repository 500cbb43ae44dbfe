"""The incident log (ICS 214 activity log and significant events).

Entries are immutable: a correction is a new entry pointing at the one it corrects and
a retraction is a `deleted` version, so the record of who knew what, when, survives.
Significant events are nominated by anyone and approved or declined by the situation
unit; only approved ones reach the overview and the briefing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import Session

from hcc_desktop.core import models as m
from hcc_desktop.core import sqlite as sq
from hcc_desktop.core.enums import LOG_CATEGORIES, LOG_PRIORITIES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.services.common import (
    MAX_TEXT,
    Actor,
    get_live,
    optional_text,
    require_choice,
    require_text,
    resolve_prefix,
)
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, normalise


@dataclass(frozen=True)
class NewEntry:
    text: str
    category: str = "general"
    priority: str = "routine"
    organization_id: str | None = None
    occurred_at: str | None = None
    source: str | None = None
    record_id: str | None = None
    #: Who wrote it and where, when this is a record of an entry made elsewhere (an
    #: imported ICS 214, the demo's narrative); by default the acting operator here.
    author: Actor | None = None
    station: str | None = None

    @property
    def made_here(self) -> bool:
        """Written by the acting operator at this station, not the record of an
        entry made elsewhere (the demo's narrative, a decision's LogTrail): only such
        an entry's time is judged against this station's clock (`check_not_future`)."""
        return self.author is None and self.station is None


#: How far after the station's clock an entry made here may be dated: a clock a few
#: minutes slow, or an operator logging what is about to happen on the minute, is
#: fine; years ahead is a typo.
FUTURE_SLACK_MS = 15 * 60_000


def check_not_future(store: Store, occurred: str, field: str = "occurred_at") -> None:
    """Refuse an entry dated more than FUTURE_SLACK_MS after this station's clock. A
    log entry in 2030 is almost surely a mistyped year, and it would sort above every
    real entry of the incident and sit atop the ICS 214 for good (entries are never
    edited, only corrected). Only for entries made here: versions synchronised from
    other stations go through the importer, and records of entries made elsewhere
    (the demo's story) keep the times they carry."""
    now = store.wall()
    if occurred > from_ms(now + FUTURE_SLACK_MS):
        raise ValidationError(
            field,
            f"in the future ({occurred}; this station's clock reads {from_ms(now)}); "
            "check the date",
        )


def add_entry(
    store: Store,
    *,
    actor: Actor,
    incident_id: str,
    text: str,
    category: str = "general",
    priority: str = "routine",
    organization_id: str | None = None,
    occurred_at: str | None = None,
    source: str | None = None,
    record_id: str | None = None,
) -> str:
    entry = NewEntry(text, category, priority, organization_id, occurred_at, source, record_id)
    return add_entries(store, actor=actor, incident_id=incident_id, entries=[entry])[0]


def add_entries(
    store: Store, *, actor: Actor, incident_id: str, entries: Iterable[NewEntry]
) -> list[str]:
    """Append many entries in one transaction (imports, the demo, a busy shift)."""
    batch = list(entries)
    ids: list[str] = []
    now = from_ms(store.wall())
    with store.writing(operator=actor.label, summary=f"{len(batch)} log entries") as w:
        inc = get_live(w.session, m.Incident, incident_id, "incident")
        # Read once: an ORM attribute costs a descriptor call per entry of a batch.
        started_at, inc_id, station = inc.started_at, inc.id, store.station_name
        orgs_seen: set[str] = set()
        for i, e in enumerate(batch):
            where = f"entry {i + 1}: " if len(batch) > 1 else ""
            try:
                occurred = normalise("occurred_at", e.occurred_at) or now
                if e.made_here:
                    check_not_future(store, occurred)
                if started_at and occurred < started_at:
                    raise ValidationError(
                        "occurred_at", f"before the incident started ({started_at})"
                    )
                if e.organization_id and e.organization_id not in orgs_seen:
                    get_live(w.session, m.Organization, e.organization_id, "organization")
                    orgs_seen.add(e.organization_id)
                value = _entry_value(e.author or actor, e.station or station, inc_id, occurred, e)
            except ValidationError as exc:
                raise ValidationError(where + exc.field, exc.message) from None
            rid = e.record_id or uuid7(store.wall())
            w.put("log_entry", rid, {"entry": value}, new=e.record_id is None)
            ids.append(rid)
    return ids


def _entry_value(
    actor: Actor,
    station: str,
    incident_id: str,
    occurred: str,
    e: NewEntry,
    corrects: str | None = None,
) -> dict[str, Any]:
    return {
        "incident_id": incident_id,
        "occurred_at": occurred,
        "operator": actor.name,
        "position": actor.position or None,
        "station": station,
        "category": require_choice("category", e.category, LOG_CATEGORIES),
        "priority": require_choice("priority", e.priority, LOG_PRIORITIES),
        "text": require_text("text", e.text, max_len=MAX_TEXT),
        "organization_id": e.organization_id,
        "corrects_id": corrects,
        "source": optional_text("source", e.source),
    }


def correct_entry(
    store: Store,
    *,
    actor: Actor,
    entry_id: str,
    text: str,
    reason: str = "",
    occurred_at: str | None = None,
    record_id: str | None = None,
    author: Actor | None = None,
    station: str | None = None,
) -> str:
    """A new entry that replaces the text of an old one; the old stays as it was.
    `occurred_at`, `record_id`, `author` and `station` record a correction made
    elsewhere or earlier (an imported log, the demo's narrative)."""
    with store.read() as s:
        old = resolve_prefix(s, m.LogEntry, entry_id, "entry")
    body = text if not reason else f"{text} (correction: {reason})"
    rid = record_id or uuid7(store.wall())
    at = normalise("occurred_at", occurred_at) or from_ms(store.wall())
    if author is None and station is None:  # made here: see NewEntry.made_here
        check_not_future(store, at)
    if old.occurred_at and at < old.occurred_at:
        raise ValidationError("occurred_at", "a correction cannot precede the entry it corrects")
    with store.writing(operator=actor.label, summary="Correct log entry") as w:
        if record_id and w.session.get(m.LogEntry, record_id) is not None:
            raise ValidationError("id", f"a log entry with id {record_id} exists already")
        e = NewEntry(
            body, old.category or "general", old.priority or "routine", old.organization_id
        )
        value = _entry_value(
            author or actor, station or store.station_name, old.incident_id or "", at, e, old.id
        )
        w.put("log_entry", rid, {"entry": value}, new=record_id is None)
    return rid


def retract_entry(store: Store, *, actor: Actor, entry_id: str) -> None:
    with store.writing(operator=actor.label, summary="Retract log entry") as w:
        entry = resolve_prefix(w.session, m.LogEntry, entry_id, "entry")
        w.put("log_entry", entry.id, {"deleted": True})


def nominate(
    store: Store, *, actor: Actor, entry_id: str, note: str = "", at: str | None = None
) -> None:
    """Put an entry forward as a significant event for the situation unit's review."""
    with store.writing(operator=actor.label, summary="Nominate significant event") as w:
        entry = resolve_prefix(w.session, m.LogEntry, entry_id, "entry")
        if entry.significant in ("nominated", "approved"):
            raise ValidationError("entry", f"already {entry.significant} as a significant event")
        w.put("log_entry", entry.id, {"significant": _sig("nominated", actor, store, note, at)})


def review(
    store: Store,
    *,
    actor: Actor,
    entry_id: str,
    approve: bool,
    note: str = "",
    at: str | None = None,
) -> None:
    """Approve or decline a nomination (the situation unit's call)."""
    with store.writing(operator=actor.label, summary="Review significant event") as w:
        entry = resolve_prefix(w.session, m.LogEntry, entry_id, "entry")
        if entry.significant != "nominated":
            raise ValidationError(
                "entry",
                "only nominated entries can be reviewed; this one is "
                + (entry.significant or "not nominated"),
            )
        state = "approved" if approve else "declined"
        w.put("log_entry", entry.id, {"significant": _sig(state, actor, store, note, at)})


def _sig(state: str, actor: Actor, store: Store, note: str, at: str | None) -> dict[str, Any]:
    return {
        "significant": state,
        "significant_by": actor.label,
        "significant_at": normalise("at", at) or from_ms(store.wall()),
        "significant_note": optional_text("note", note, max_len=2000),
    }


@dataclass(frozen=True)
class LogFilter:
    incident_id: str
    category: str | None = None
    priority: str | None = None
    text: str | None = None
    since: str | None = None
    until: str | None = None
    significant: str | None = None
    include_deleted: bool = False

    def whole_incident(self) -> bool:
        """True when the filter keeps every entry of the incident (retracted ones only
        with `include_deleted`): what the log panel opens on."""
        return not (
            self.category
            or self.priority
            or self.text
            or self.since
            or self.until
            or self.significant
        )

    def where(self) -> list[Any]:
        t = m.LogEntry
        clauses: list[Any] = [t.incident_id == self.incident_id]
        if not self.include_deleted:
            clauses.append(t.deleted.is_(False))
        if self.category:
            clauses.append(t.category == self.category)
        if self.priority:
            clauses.append(t.priority == self.priority)
        if self.text:
            clauses.append(t.text.contains(self.text, autoescape=True))
        if self.since:
            clauses.append(t.occurred_at >= self.since)
        if self.until:
            clauses.append(t.occurred_at < self.until)
        if self.significant:
            clauses.append(t.significant == self.significant)
        return clauses


def list_entries(
    store: Store,
    *,
    flt: LogFilter,
    offset: int = 0,
    limit: int | None = None,
    newest_first: bool = False,
    after: tuple[str, str] | None = None,
) -> list[m.LogEntry]:
    """The entries `flt` passes in time order (then id), from `offset` or, with
    `after`, from the entry after the one whose (occurred_at, id) that is: the last of
    the page before. `after` starts the read at that point of the index, where an
    offset steps over every entry before it (a page 100,000 entries down a long log:
    ~0.3 s), so the log panel's pages cost the same however far down they are."""
    t = m.LogEntry
    order = (t.occurred_at.desc(), t.id.desc()) if newest_first else (t.occurred_at, t.id)
    with store.read() as s:
        if after is not None:
            return _list_after(s, flt, after, limit=limit, newest_first=newest_first)
        stmt = select(t).where(*flt.where()).order_by(*order).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(s.scalars(stmt))


def _list_after(
    s: Session,
    flt: LogFilter,
    after: tuple[str, str],
    *,
    limit: int | None,
    newest_first: bool,
) -> list[m.LogEntry]:
    """`list_entries` from `after` on. SQL sorts entries without a time before all
    others, so newest first they come last and oldest first they come first: each
    order is two runs, the timed entries and the untimed ones (by id), and a page that
    reaches the end of the first run goes on with the second. (A key without a time is
    ("", id), as the panel's rows have it.)"""
    t = m.LogEntry
    at, eid = after
    timed_order = (t.occurred_at.desc(), t.id.desc()) if newest_first else (t.occurred_at, t.id)
    untimed_order = (t.id.desc(),) if newest_first else (t.id,)
    past_id = t.id < eid if newest_first else t.id > eid
    runs: list[tuple[Any, tuple[Any, ...]]]
    if at:  # in the timed run (a comparison with a time leaves the untimed out)
        if newest_first:
            past = and_(t.occurred_at <= at, or_(t.occurred_at < at, past_id))
        else:
            past = and_(t.occurred_at >= at, or_(t.occurred_at > at, past_id))
        runs = [(past, timed_order)]
        if newest_first:
            runs.append((t.occurred_at.is_(None), untimed_order))
    else:  # in the untimed run
        runs = [(and_(t.occurred_at.is_(None), past_id), untimed_order)]
        if not newest_first:
            runs.append((t.occurred_at.is_not(None), timed_order))
    out: list[m.LogEntry] = []
    for where, order in runs:
        stmt = select(t).where(*flt.where(), where).order_by(*order)
        if limit is not None:
            stmt = stmt.limit(limit - len(out))
        out += s.scalars(stmt)
        if limit is not None and len(out) >= limit:
            break
    return out


#: SQLite page cache a count may use, in KiB. A count visits every index entry the
#: filter passes once (a million entries: ~75 MB of index): through the connection's
#: 64 MiB cache those pages would stay resident after it and push out what other reads
#: keep there, and filling that much cache costs more than reading the pages again.
COUNT_CACHE_KIB = 2048
#: Entries a count of a whole incident reads before it looks whether the rest of the
#: log is the smaller part (see `_count_by_rest`).
COUNT_PROBE = 20_000


def count_entries(store: Store, *, flt: LogFilter, stop: Callable[[], bool] | None = None) -> int:
    """The entries passing `flt`. `stop`: asked as the count runs on a file store; once
    it says so the count ends early by raising (the GUI's superseded counts)."""
    stmt = select(func.count()).select_from(m.LogEntry).where(*flt.where())
    with store.read() as s:
        if s.get_bind().dialect.name != "sqlite":
            return int(s.scalar(stmt) or 0)
        with _small_cache(s), sq.abandoned_when(s, stop):
            if flt.whole_incident():
                total = _count_by_rest(s, flt)
                if total is not None:
                    return total
            return int(s.scalar(stmt) or 0)


@contextmanager
def _small_cache(s: Session) -> Iterator[None]:
    """Run a count through a COUNT_CACHE_KIB page cache, then give the connection its
    own size back (also when the count fails)."""
    cache = int(s.execute(text("PRAGMA cache_size")).scalar() or 0)
    s.execute(text(f"PRAGMA cache_size=-{COUNT_CACHE_KIB}"))
    try:
        yield
    finally:
        s.execute(text(f"PRAGMA cache_size={cache}"))


def _count_by_rest(s: Session, flt: LogFilter) -> int | None:
    """The live entries of a whole incident as every entry less the others, when the
    others are few (None otherwise: count the incident's entries instead).

    SQLite counts a whole table by summing the cells of its smallest index page by
    page; a WHERE makes it step entry by entry, several times slower. An open incident
    is usually most of the log, so for a long one "all entries minus those of other
    incidents or retracted" reads far less. Each part is capped at COUNT_PROBE
    entries, so a log where neither side is small pays two short probes on top of the
    direct count. All reads share the session's one read transaction: one snapshot."""
    t = m.LogEntry
    # Selecting an indexed column keeps both probes inside the index.
    mine = select(t.incident_id).where(*flt.where()).limit(COUNT_PROBE).subquery()
    probed = int(s.scalar(select(func.count()).select_from(mine)) or 0)
    if probed < COUNT_PROBE:
        return probed  # a short incident: that is its count
    inc = flt.incident_id
    rest = [t.incident_id.is_(None), t.incident_id < inc, t.incident_id > inc]
    if not flt.include_deleted:
        # Index ranges on (incident_id, deleted): "deleted IS NOT 0" would step
        # through every entry of the incident.
        rest += [
            and_(t.incident_id == inc, t.deleted < 0),
            and_(t.incident_id == inc, t.deleted > 0),
        ]
    others = select(t.incident_id).where(or_(*rest)).limit(COUNT_PROBE).subquery()
    outside = int(s.scalar(select(func.count()).select_from(others)) or 0)
    if outside >= COUNT_PROBE:
        return None
    return int(s.scalar(select(func.count()).select_from(t)) or 0) - outside


def entry_dict(e: m.LogEntry) -> Mapping[str, Any]:
    return {
        "id": e.id,
        "incident_id": e.incident_id,
        "occurred_at": e.occurred_at,
        "operator": e.operator,
        "position": e.position,
        "station": e.station,
        "category": e.category,
        "priority": e.priority,
        "text": e.text,
        "organization_id": e.organization_id,
        "corrects_id": e.corrects_id,
        "significant": e.significant,
        "deleted": e.deleted,
    }
