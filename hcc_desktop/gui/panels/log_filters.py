"""The incident log's filter bar: text, category, priority and time range, turned into
the service's `LogFilter` (the filtering itself runs in SQL).

Typing is debounced so that a search over 100,000 entries runs once per pause, not
once per key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from hcc_desktop.core.enums import LOG_CATEGORIES, LOG_PRIORITIES
from hcc_desktop.core.services import log
from hcc_desktop.core.timeutil import parse_iso, to_iso
from hcc_desktop.gui import fmt

RANGES = (
    ("All times", "all"),
    ("This operational period", "period"),
    ("Last hour", "1"),
    ("Last 6 hours", "6"),
    ("Last 24 hours", "24"),
    ("From … to …", "custom"),
)
DEBOUNCE_MS = 250


class LogFilterBar(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLineEdit(placeholderText="Filter text…  (Ctrl+F)", clearButtonEnabled=True)
        self.text.setObjectName("logFilterText")
        self.category = QComboBox(objectName="logFilterCategory")
        self.category.addItem("All categories", "")
        for c in LOG_CATEGORIES:
            self.category.addItem(fmt.label(c), c)
        self.priority = QComboBox(objectName="logFilterPriority")
        self.priority.addItem("All priorities", "")
        for p in LOG_PRIORITIES:
            self.priority.addItem(fmt.label(p), p)
        self.range = QComboBox(objectName="logFilterRange")
        for label, key in RANGES:
            self.range.addItem(label, key)
        now = QDateTime.currentDateTime()
        self.since = QDateTimeEdit(now.addDays(-1), calendarPopup=True)
        self.until = QDateTimeEdit(now, calendarPopup=True)
        for edit in (self.since, self.until):
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.hide()
            edit.dateTimeChanged.connect(lambda _v: self.changed.emit())
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.changed.emit)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.category, self.priority):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.range.currentIndexChanged.connect(self._range_changed)
        for combo in (self.category, self.priority, self.range):
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.text.setMinimumWidth(100)
        #: How many entries pass the filter: counted after the first page is shown (a
        #: long log takes a moment), so it says "counting…" until then.
        self.matches = QLabel(objectName="logMatches")
        self.matches.setStyleSheet("color: #555")
        # Room for a long log's total, so the fields do not move when it arrives.
        room = self.matches.fontMetrics().horizontalAdvance("0,000,000 entries")
        self.matches.setMinimumWidth(room)
        self.matches.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 3)
        for w in (self.category, self.priority, self.range, self.since, self.until):
            layout.addWidget(w)
        layout.addWidget(self.matches)

    def show_total(self, total: int | None, *, active: bool = True, failed: bool = False) -> None:
        """Show the filtered total; None: still being counted, or with `failed` not
        counted (the reason is in the status bar). `active`: False when no incident is
        open (nothing to count)."""
        if not active:
            self.matches.setText("")
        elif total is None and failed:
            self.matches.setText("not counted")
        elif total is None:
            self.matches.setText("counting…")
        else:
            self.matches.setText(f"{total:,} entr{'y' if total == 1 else 'ies'}")

    def _range_changed(self) -> None:
        custom = self.range.currentData() == "custom"
        self.since.setVisible(custom)
        self.until.setVisible(custom)
        self.changed.emit()

    @property
    def uses_period(self) -> bool:
        return self.range.currentData() == "period"

    @property
    def fixed(self) -> bool:
        """True when `build` gives the same filter until the operator changes the bar:
        not for "this period" (its bounds come with the panel's context read) nor the
        last hours (they move with the clock)."""
        return self.range.currentData() in ("all", "custom")

    def build(
        self, incident_id: str, *, period: tuple[str | None, str | None] | None, now_iso: str
    ) -> log.LogFilter:
        """The filter for the incident in view; `period` is (starts_at, ends_at)."""
        since = until = None
        key = self.range.currentData()
        if key == "period" and period:
            since, until = period
        elif key in ("1", "6", "24"):
            since = to_iso(parse_iso(now_iso) - timedelta(hours=int(key)))
        elif key == "custom":
            since = _iso(self.since.dateTime())
            until = _iso(self.until.dateTime())
        return log.LogFilter(
            incident_id=incident_id,
            category=self.category.currentData() or None,
            priority=self.priority.currentData() or None,
            text=self.text.text().strip() or None,
            since=since,
            until=until,
        )


def initial_filter(incident_id: str) -> log.LogFilter:
    """What a new filter bar builds (every entry of the incident): the panel starts
    counting it before the bar exists (see IncidentLogPanel.__init__)."""
    return log.LogFilter(incident_id=incident_id)


def _iso(moment: QDateTime) -> str:
    seconds = moment.toSecsSinceEpoch()
    return to_iso(datetime.fromtimestamp(seconds, tz=UTC))
