"""The incident log's reads, off the GUI thread: the lazy model (models.log_model)
asks, this runs the read in a QueryOp (models.log_reads) and places the result.

Five kinds of read, each its own supersede key so that the newest of a kind wins:
a reset (new filter or order: the first page), a count (the filter's total), a page
(the view scrolled down), a patch (a change-set touched some entries) and a find ("go
to entry" for an entry not loaded yet). Their interplay:

- The count runs beside the reset, not before it: on a long log it is the slow read
  (it visits every index entry the filter passes), and the first page does not need
  it. It can start before the reset (`count`, as soon as the filter is known), and a
  reset for the filter already counted, with no change since, reuses it (a new sort
  order does not count again). A change that arrives while the count is read
  restarts it, and a count that lands while a patch is in flight is read again: the
  patch would otherwise add to the total an entry the count already holds.

- A patch reads every id touched since the last patch arrived, so a patch that
  supersedes another loses nothing. A change that arrives while a reset is being read
  restarts the reset instead: the reset may have read before the change was written.
- A reset forgets the patches and pages in flight: they were read for the old filter.
- An entry asked to be selected before it is loaded (a correction just saved, a
  linked entry further down) is remembered and selected once a read brings it in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtWidgets import QWidget

from hcc_desktop.core.services import log
from hcc_desktop.core.store import Store
from hcc_desktop.gui.models import log_reads
from hcc_desktop.gui.models import log_rows as lr
from hcc_desktop.gui.models.log_model import PAGE
from hcc_desktop.gui.operations import QueryOp, busy, drop
from hcc_desktop.gui.panels.log_table import LogTable

#: How far "go to entry" reads looking for an entry not yet loaded.
JUMP_LIMIT = 5000
KEYS = ("log-reset", "log-count", "log-page", "log-patch", "log-find")


class LogLoader:
    def __init__(
        self,
        parent: QWidget,
        store: Store,
        view: LogTable,
        *,
        message: Callable[[str], object],
        placed: Callable[[], object] = lambda: None,
    ) -> None:
        self.parent = parent
        self.store = store
        self.view = view
        self.model = view.log_model
        self.message = message
        #: Called after every read is placed (the panel updates its banner).
        self.placed = placed
        self._touched: set[str] = set()
        self._wanted: tuple[str, bool] | None = None
        self._reset_args: tuple[Any, ...] | None = None
        #: Change-sets seen (patch calls): a count is good for the changes it saw.
        self._changes = 0
        #: The count in flight, as (filter, changes when it started).
        self._counting: tuple[log.LogFilter, int] | None = None
        #: The latest count that arrived: (filter, changes when it started, total).
        self._counted: tuple[log.LogFilter, int, int] | None = None
        #: The filter whose count failed (the panel must not say "counting…" forever).
        self.count_failed: log.LogFilter | None = None
        self.model.page_wanted.connect(self._read_page)
        self.model.reset_wanted.connect(self._reset_again)

    def busy(self) -> bool:
        return any(busy(self.parent, key) for key in KEYS)

    # ------------------------------------------------------------ reset
    def reset(
        self,
        flt: log.LogFilter | None,
        *,
        members: Mapping[str, str],
        seen_seq: int,
        keep: list[str],
    ) -> None:
        """Read the filter's total and first page; `keep` stays selected if loaded."""
        self._reset_args = (flt, members, seen_seq)
        self._touched.clear()
        for key in ("log-page", "log-patch", "log-find"):
            drop(self.parent, key)
        self.model.pending = None
        self.count(flt)
        store, newest_first = self.store, self.model.newest_first
        (
            QueryOp(
                self.parent,
                lambda _p: log_reads.read_first(
                    store,
                    flt,
                    page=PAGE,
                    newest_first=newest_first,
                    members=members,
                    seen_seq=seen_seq,
                ),
                title="Log not loaded",
            )
            .supersede("log-reset")
            .success(lambda first: self._place_first(first, newest_first, keep))
            .run_in_background()
        )

    def _reset_again(self) -> None:
        if self._reset_args is not None:
            flt, members, seen_seq = self._reset_args
            self.reset(flt, members=members, seen_seq=seen_seq, keep=self.view.selected_ids())

    def _place_first(self, first: log_reads.First, newest_first: bool, keep: list[str]) -> None:
        if newest_first != self.model.newest_first or self._reset_args is None:
            return
        flt, members, seen_seq = self._reset_args
        self.model.reset(
            flt, members=members, seen_seq=seen_seq, rows=first.rows, total=self.known(flt)
        )
        for entry_id in keep:
            self.view.select_loaded(entry_id, clear=False)
        self._placed()

    # ------------------------------------------------------------ count
    def known(self, flt: log.LogFilter | None) -> int | None:
        """The total of `flt` if a count read after the last change has arrived."""
        if flt is not None and self._counted is not None:
            counted_flt, changes, total = self._counted
            if counted_flt == flt and changes == self._changes:
                return total
        return None

    def count(self, flt: log.LogFilter | None) -> None:
        """Count `flt`'s entries off the GUI thread, unless that count (since the last
        change) is known or on its way; the total reaches the model when it lands."""
        if flt is None:
            drop(self.parent, "log-count")
            self._counting = None
            return
        if self.known(flt) is not None:
            return
        if self._counting == (flt, self._changes) and busy(self.parent, "log-count"):
            return
        store, changes = self.store, self._changes
        self._counting = (flt, changes)
        self.count_failed = None
        (
            QueryOp(
                self.parent,
                lambda p: log.count_entries(store, flt=flt, stop=lambda: p.cancelled),
                title="Log not counted",
            )
            .supersede("log-count")
            .success(lambda total: self._place_count(flt, changes, total))
            .failure(lambda exc: self._count_failed(flt, exc))
            .run_in_background()
        )

    def _count_failed(self, flt: log.LogFilter, exc: Exception) -> None:
        self._counting = None
        self.count_failed = flt
        self.message(f"Log entries not counted: {exc}")
        self._placed()

    def _place_count(self, flt: log.LogFilter, changes: int, total: int) -> None:
        self._counting = None
        if changes != self._changes or busy(self.parent, "log-patch"):
            self.count(flt)  # a change may be in both the count and a patch: count again
            return
        self._counted = (flt, changes, total)
        if self.model.flt == flt:
            self.model.set_total(total)
        self._placed()

    # ------------------------------------------------------------ pages
    def _read_page(self, offset: int) -> None:
        model, store = self.model, self.store
        flt, epoch = model.flt, model.epoch
        if flt is None:
            model.pending = None
            return
        newest_first, members, seen = model.newest_first, model.members, model.seen_seq
        # From the last loaded row's key, not by offset: the next page of a long log
        # then costs what the first did. (A page read for rows that moved meanwhile is
        # dropped by add_page and asked for again, as one read by offset would be.)
        last = model.rows[offset - 1].key if 0 < offset <= len(model.rows) else None
        (
            QueryOp(
                self.parent,
                lambda _p: lr.fetch_page(
                    store,
                    flt,
                    offset=offset,
                    limit=PAGE,
                    newest_first=newest_first,
                    members=members,
                    seen_seq=seen,
                    after=last,
                ),
                title="Log not loaded",
            )
            .supersede("log-page")
            .success(lambda page: self._place_page(offset, epoch, page))
            .failure(lambda exc: self._page_failed(offset, exc))
            .run_in_background()
        )

    def _place_page(self, offset: int, epoch: int, page: list[lr.LogRow]) -> None:
        self.model.add_page(offset, epoch, page)
        self._placed()

    def _page_failed(self, offset: int, exc: Exception) -> None:
        if self.model.pending == offset:
            self.model.pending = None  # the next scroll asks again
        self.message(f"Log page not loaded: {exc}")

    # ------------------------------------------------------------ patches
    def patch(self, ids: set[str]) -> None:
        """Read the entries a change-set touched and patch them into the rows."""
        self._changes += 1
        if busy(self.parent, "log-reset"):
            self._reset_again()
            return
        model = self.model
        if model.flt is None or not ids:
            return
        if self._counting is not None and busy(self.parent, "log-count"):
            self.count(self._counting[0])  # it may have read before the change
        self._touched |= ids
        store, flt, members, seen = self.store, model.flt, model.members, model.seen_seq
        wanted = set(self._touched)
        (
            QueryOp(
                self.parent,
                lambda _p: log_reads.read_patch(store, flt, wanted, members=members, seen_seq=seen),
                title="Log not updated",
            )
            .supersede("log-patch")
            .success(lambda patch: self._place_patch(flt, patch))
            .run_in_background()
        )

    def _place_patch(self, flt: log.LogFilter, patch: log_reads.Patch) -> None:
        if flt != self.model.flt:
            return
        self._touched -= patch.ids
        self.model.apply_patch(patch.ids, patch.fresh, patch.relinks)
        self._placed()

    # ------------------------------------------------------------ selection
    def select(self, entry_id: str, *, clear: bool) -> None:
        """Select `entry_id` once it is loaded, reading the pages up to it if needed."""
        if self.view.select_loaded(entry_id, clear=clear):
            self._wanted = None
            return
        self._wanted = (entry_id, clear)
        model, store = self.model, self.store
        flt = model.flt
        if flt is None:
            return
        offset, epoch = len(model.rows), model.epoch
        newest_first, members, seen = model.newest_first, model.members, model.seen_seq
        (
            QueryOp(
                self.parent,
                lambda _p: log_reads.find_entry(
                    store,
                    flt,
                    entry_id,
                    offset=offset,
                    page=PAGE,
                    limit=JUMP_LIMIT,
                    newest_first=newest_first,
                    members=members,
                    seen_seq=seen,
                ),
                title="Entry not found",
            )
            .supersede("log-find")
            .success(lambda found: self._place_found(entry_id, epoch, found))
            .run_in_background()
        )

    def _place_found(self, entry_id: str, epoch: int, found: log_reads.Found) -> None:
        if self._wanted is None or self._wanted[0] != entry_id:
            return
        if found.rank is None or found.rank >= JUMP_LIMIT:
            self._wanted = None
            self.message("That entry is outside the current filter")
            return
        if found.rows:
            if epoch != self.model.epoch or found.offset != len(self.model.rows):
                self.select(entry_id, clear=self._wanted[1])  # the rows moved: look again
                return
            self.model.pending = None
            self.model.add_rows(found.rows)
        self._placed()

    def _placed(self) -> None:
        if self._wanted is not None:
            entry_id, clear = self._wanted
            if self.view.select_loaded(entry_id, clear=clear):
                self._wanted = None
        self.placed()
