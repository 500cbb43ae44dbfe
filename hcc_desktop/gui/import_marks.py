"""Rows that an imported package changed, marked in each panel until the operator says
they have seen them.

After a package from another station arrives, the duty officer must be able to see at
a glance what it changed — a hospital's new phone number, a request that moved to
"shipped", beds reported by the region — without reading the import report line by
line. A version that arrived by import has no local change set (`change_id` is NULL),
and versions are numbered in arrival order (`seq`), so "changed by import since I last
looked" is one indexed query per panel: remote versions with `seq` above the panel's
seen mark. The mark is kept per panel in the store's settings, so it survives a
restart and belongs to this workstation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget
from sqlalchemy import func, select

from hcc_desktop.core import models as m
from hcc_desktop.core.store import Store
from hcc_desktop.gui.operations import CollectionOp

#: The colour of "new from another station" (the incident log uses the same idea).
FRESH_BG = QBrush(QColor("#cfe3ff"))
FRESH_TIP = "Changed by an imported package since you last marked this panel seen"


def _key(panel: str) -> str:
    return f"gui.import_seen.{panel}"


def seen_mark(store: Store, panel: str) -> int:
    """The arrival number up to which this panel's imported changes were seen. A
    panel never marked starts at the current end: an operator opening a store for the
    first time has nothing 'new' to review."""
    value = store.get_setting(_key(panel))
    if value is None:
        return mark_seen(store, panel)
    try:
        return int(value)
    except ValueError:
        return mark_seen(store, panel)


def mark_seen(store: Store, panel: str) -> int:
    with store.read() as s:
        seq = int(s.scalar(select(func.max(m.Version.seq))) or 0)
    store.set_setting(_key(panel), str(seq))
    return seq


def fresh_records(store: Store, entities: Iterable[str], since: int) -> set[str]:
    """Ids of records of `entities` with imported versions that arrived after `since`."""
    with store.read() as s:
        return set(
            s.scalars(
                select(m.Version.record_id)
                .where(
                    m.Version.entity.in_(list(entities)),
                    m.Version.change_id.is_(None),
                    m.Version.seq > since,
                )
                .distinct()
            )
        )


class MarkBar(QWidget):
    """'N rows changed by import · Mark seen': shown only while there is something to
    see, so it costs no space in a quiet shift."""

    def __init__(self, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.noun = noun
        self.label = QLabel()
        self.label.setObjectName("importMarkLabel")
        self.button = QPushButton("Mark seen")
        self.button.setObjectName("importMarkSeen")
        self.button.setToolTip("Stop highlighting the rows the last imports changed")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.setStyleSheet("QLabel#importMarkLabel { background: #cfe3ff; padding: 2px 6px; }")
        self.set_count(0)

    def set_count(self, n: int) -> None:
        plural = "" if n == 1 else "s"
        self.label.setText(f"{n} {self.noun}{plural} changed by an imported package")
        self.setVisible(n > 0)


def fresh_font(base: QFont | None = None) -> QFont:
    font = QFont(base) if base is not None else QFont()
    font.setBold(True)
    return font


def decorate(role: int, fresh: bool) -> object | None:
    """The look of a fresh row's first column for `role`, or None to fall through."""
    if not fresh:
        return None
    if role == Qt.ItemDataRole.BackgroundRole:
        return FRESH_BG
    if role == Qt.ItemDataRole.ToolTipRole:
        return FRESH_TIP
    return None


class PanelMarks:
    """One panel's marks: which of its records are fresh, the bar that counts them, and
    the "Mark seen" that clears them. `apply` hands the fresh ids to the panel's model
    and may return how many of them the panel shows (a grid of one period shows only
    that period's reports); otherwise every fresh record counts."""

    def __init__(
        self,
        store: Store,
        panel: str,
        entities: Iterable[str],
        noun: str,
        apply: Callable[[set[str]], int | None],
    ) -> None:
        self.store, self.panel, self.entities = store, panel, tuple(entities)
        self.apply = apply
        self.fresh: set[str] = set()
        self.bar = MarkBar(noun)
        self.bar.setObjectName(f"{panel}ImportMarks")
        self.bar.button.clicked.connect(self.mark_seen)

    def read(self) -> set[str]:
        """The fresh ids, from the store; no Qt, so a panel's QueryOp reads them with
        its rows."""
        return fresh_records(self.store, self.entities, seen_mark(self.store, self.panel))

    def show(self, fresh: set[str]) -> None:
        """Hand `fresh` to the panel's model and count it in the bar (GUI thread)."""
        self.fresh = fresh
        shown = self.apply(self.fresh)
        self.bar.set_count(len(self.fresh) if shown is None else shown)

    def refresh(self) -> None:
        self.show(self.read())

    def mark_seen(self) -> None:
        """Through the operations funnel: on an EOC server that cannot be reached the
        operator gets the server dialog, not the unexpected-error one, and the marks
        stay as they are."""
        store, panel = self.store, self.panel
        done = CollectionOp(
            self.bar,
            lambda _p: (mark_seen(store, panel), self.read())[1],
            title="Not marked seen",
        ).run_now()
        if done is not None:
            self.show(done)
