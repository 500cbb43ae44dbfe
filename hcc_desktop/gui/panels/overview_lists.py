"""The overview's lists: facilities on diversion, closed or evacuating (with the
expected end of a diversion), overdue resource requests, and approved significant
events, newest first. Each list says so when it is empty, because "no diversions" is
news on a coalition call too; the first also says what is known of the other
facilities (limited, open, not reported yet), never "all open" when one is limited.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from hcc_desktop.gui import fmt
from hcc_desktop.gui.models.overview_data import Overview

RED = QBrush(QColor("#b71c1c"))
AMBER = QBrush(QColor("#9a5b00"))
GREY = QBrush(QColor("#777777"))


def _list(name: str) -> QListWidget:
    widget = QListWidget(objectName=name)
    widget.setAlternatingRowColors(True)
    widget.setMinimumHeight(36)
    widget.setWordWrap(True)
    widget.setStyleSheet("QListWidget { background: white; border: 1px solid #d5dde5; }")
    return widget


def _title(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setStyleSheet("color: #1f2d3d; margin-top: 4px")
    return label


class OverviewLists(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.alerts = _list("overviewAlerts")
        self.overdue = _list("overviewOverdue")
        self.events = _list("overviewEvents")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for title, widget, stretch in (
            ("Diversions, closures and evacuations", self.alerts, 2),
            ("Overdue resource requests", self.overdue, 1),
            ("Significant events (approved)", self.events, 2),
        ):
            layout.addWidget(_title(title))
            layout.addWidget(widget, stretch)

    def show_overview(self, d: Overview) -> None:
        self.alerts.clear()
        for name, code, label, until in d.alerts:
            text = f"{name} — {label}"
            if until:
                text += f" until {fmt.local(until, short=True)}"
            item = QListWidgetItem(text)
            item.setForeground(AMBER if code == "diversion" else RED)
            self.alerts.addItem(item)
        self.overdue.clear()
        for r in d.overdue:
            item = QListWidgetItem(
                f"{r.number}  {r.resource_kind} ({fmt.number(r.quantity)} {r.unit or ''}) — "
                f"needed {fmt.local(r.needed_by, short=True)}, {fmt.label(r.status)}"
            )
            item.setForeground(RED)
            self.overdue.addItem(item)
        self.events.clear()
        for e in d.significant:
            self.events.addItem(
                QListWidgetItem(f"{fmt.local(e.occurred_at, short=True)}  {e.text}")
            )
        self._add_note(d)
        for widget, empty in (
            (self.overdue, "No overdue requests"),
            (self.events, "No approved significant events yet"),
        ):
            if widget.count() == 0:
                item = QListWidgetItem(empty)
                item.setForeground(GREY)
                widget.addItem(item)

    def _add_note(self, d: Overview) -> None:
        """What the statuses say besides the troubled facilities (status.summarize's
        note): in place of an empty list, or under the list. It once said "All reporting
        facilities open" whenever nobody was closed or diverting, with a compromised
        hospital limited on the map beside it. A note that names limited facilities is
        not greyed out like an empty list's, and its tooltip names them all."""
        summary = d.facilities
        text = summary.note()
        if not text:
            return
        item = QListWidgetItem(text)
        item.setForeground(AMBER if summary.limited else GREY)
        if summary.limited:
            item.setToolTip("Limited: " + ", ".join(summary.limited))
        self.alerts.addItem(item)
