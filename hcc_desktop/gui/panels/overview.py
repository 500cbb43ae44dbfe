"""The situation overview, the main window's centre: the incident and period in view,
and at a glance what a duty officer reports on a coalition call — who is reporting,
who is on diversion or closed, what requests are open or overdue, which significant
events the situation unit approved — with the EEI trends beside it.

It is rebuilt off the GUI thread (one pass over the services, see overview_data) and
coalesces bursts of changes, because an import can touch thousands of EEI reports.

The trend charts are pyqtgraph plots; they are made when the first data arrives, so the
window's first frame (the overview is its centre) does not wait for pyqtgraph and numpy
to load. Until then their place is empty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.enums import INCIDENT_TYPES
from hcc_desktop.core.versions import Changes
from hcc_desktop.gui import fmt
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.elide import ElidedLabel
from hcc_desktop.gui.models.overview_data import Overview, load_overview
from hcc_desktop.gui.operations import Progress, QueryOp, busy, describe
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.overview_lists import OverviewLists
from hcc_desktop.gui.panels.overview_tiles import Tile

if TYPE_CHECKING:
    from hcc_desktop.gui.panels.overview_charts import TrendCharts

#: Changes arriving within this many ms are shown together.
COALESCE_MS = 400


class OverviewPanel(Panel):
    TITLE = "Situation overview"
    DOCK_NAME = "overviewDock"  # the central widget, not a dock; the name keeps objectName
    WATCHES = frozenset(
        {"eei_report", "request", "log_entry", "incident", "period", "organization"}
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.data = Overview()
        self._build()
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.reload)
        self._timer.start()  # first load, once the window is up
        ctx.incident_changed.connect(lambda _id: self._schedule(0))
        ctx.period_changed.connect(lambda _n: self._schedule(0))

    def _build(self) -> None:
        self.title = QLabel(objectName="overviewTitle")
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold; color: #1f2d3d")
        self.subtitle = QLabel(objectName="overviewSubtitle")
        self.subtitle.setTextFormat(Qt.TextFormat.RichText)
        self.period_label = QLabel(objectName="overviewPeriod")
        self.period_label.setTextFormat(Qt.TextFormat.RichText)
        self.period_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.period_label.setWordWrap(False)
        # The period's objectives get the header's whole width on a line of their own,
        # elided with the whole text in the tooltip when even that is short.
        self.objectives = ElidedLabel()
        self.objectives.setObjectName("overviewObjectives")
        self.objectives.setStyleSheet("color: #555")
        head = QGridLayout()
        head.addWidget(self.title, 0, 0)
        head.addWidget(self.subtitle, 1, 0)
        head.addWidget(self.period_label, 0, 1, 2, 1)
        head.addWidget(self.objectives, 2, 0, 1, 2)
        head.setColumnStretch(0, 3)
        head.setColumnStretch(1, 2)
        self.tiles = {
            # The briefing's words for the same numbers (eei.timeliness of this
            # period); "No report yet" is a status, counted elsewhere.
            "reporting": Tile("Reported this period"),
            "missing": Tile("Not reported this period"),
            "diversion": Tile("On diversion"),
            "closed": Tile("Closed / evacuating"),
            "requests": Tile("Open requests"),
            "overdue": Tile("Overdue requests"),
        }
        tiles = QHBoxLayout()
        tiles.setSpacing(6)
        for key, tile in self.tiles.items():
            tile.setObjectName(f"tile_{key}")
            tiles.addWidget(tile)
        self.lists = OverviewLists()
        #: The trend charts, once the first data has arrived (see the module docstring).
        self.charts: TrendCharts | None = None
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.lists)
        split.addWidget(QWidget(objectName="overviewChartsPlaceholder"))
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.addLayout(head)
        layout.addLayout(tiles)
        layout.addWidget(split, 1)
        self.setStyleSheet("OverviewPanel { background: #f7f9fb; }")
        self.setAutoFillBackground(True)

    # ------------------------------------------------------------ loading
    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload") and not self._timer.isActive()

    def _schedule(self, delay: int) -> None:
        if not self._timer.isActive():
            self._timer.start(delay)

    def on_changes(self, changes: Changes) -> None:
        self._schedule(COALESCE_MS)

    def reload(self) -> None:
        store, incident, period = self.ctx.store, self.ctx.incident_id, self.ctx.period

        def job(progress: Progress) -> Any:
            return (
                incident,
                period,
                load_overview(store, incident_id=incident, period=period, step=progress.step),
            )

        self._loaded = False
        (
            QueryOp(self, job)
            .supersede("reload")
            .success(self._on_loaded)
            .failure(self._on_failed)
            .cancelled(lambda: setattr(self, "_loaded", True))
            .run_in_background()
        )

    def _on_failed(self, exc: Exception) -> None:
        self._loaded = True
        self.ctx.message.emit(f"Overview not updated: {describe(exc)}")

    def _on_loaded(self, result: Any) -> None:
        incident, period, data = result
        if (incident, period) != (self.ctx.incident_id, self.ctx.period):
            return
        self.data = data
        self._show_header(data)
        self._show_tiles(data)
        self.lists.show_overview(data)
        self._trend_charts().show_trends(data.trends)
        self._loaded = True

    def _trend_charts(self) -> TrendCharts:
        if self.charts is None:
            from hcc_desktop.gui.panels.overview_charts import TrendCharts

            self.charts = TrendCharts()
            self.split.replaceWidget(1, self.charts).deleteLater()
        return self.charts

    # ------------------------------------------------------------ showing
    def _show_header(self, d: Overview) -> None:
        inc = d.incident
        if inc is None:
            self.title.setText("No incident")
            self.subtitle.setText("Create one with Incident → New incident (Ctrl+Shift+N).")
            self.period_label.setText("")
            self.objectives.hide()
            return
        self.title.setText(inc.name or "")
        kind = INCIDENT_TYPES.get(inc.incident_type or "", inc.incident_type or "")
        badge = " <span style='background:#6a1b9a;color:white'>&nbsp;EXERCISE&nbsp;</span>"
        colour = {"active": "#c62828", "monitoring": "#ef8f00"}.get(inc.status or "", "#555")
        self.subtitle.setText(
            f"{kind} · <b style='color:{colour}'>{fmt.label(inc.status)}</b>"
            f" · since {fmt.local(inc.started_at)}{badge if inc.exercise else ''}"
        )
        p = d.period
        if p is None:
            self.period_label.setText("<i>No operational period yet (Ctrl+Shift+P)</i>")
            self.objectives.hide()
            return
        self.period_label.setText(
            f"<b>Operational period {p.number}</b><br>{fmt.local(p.starts_at)} – "
            f"{fmt.local(p.ends_at)}<br>EEIs due {fmt.local(p.eei_due_at)}"
        )
        objectives = (p.objectives or "").strip()
        self.objectives.set_full_text(f"Objectives: {objectives}" if objectives else "")
        self.objectives.setVisible(bool(objectives))

    def _show_tiles(self, d: Overview) -> None:
        self._show_reporting(d)
        # A zero is green only when some facility has reported a status: with none
        # reported, "0 on diversion" is not known to be good news.
        quiet = "ok" if d.facilities.reported else ""
        div = d.by_status.get("diversion", 0)
        self.tiles["diversion"].set(str(div), "EMS traffic closed", "warn" if div else quiet)
        closed = d.by_status.get("closed", 0) + d.by_status.get("evacuating", 0)
        self.tiles["closed"].set(str(closed), "facilities", "bad" if closed else quiet)
        by = d.open_by_priority
        total = sum(by.values())
        detail = " · ".join(f"{by.get(p, 0)} {p}" for p in ("urgent", "routine", "low"))
        self.tiles["requests"].set(str(total), detail, "warn" if by.get("urgent") else "")
        self.tiles["overdue"].set(
            str(len(d.overdue)), "past needed-by", "bad" if d.overdue else "ok"
        )

    def _show_reporting(self, d: Overview) -> None:
        """The two reporting tiles. Without a period there is nothing to report for, so
        they say so rather than "0/178" beside "0 of 178 expected". Green only when
        every expected facility reported on time: a share of nobody, or of a few, is not
        good news, and the red "Not reported" tile beside it would contradict it."""
        reporting, missing = self.tiles["reporting"], self.tiles["missing"]
        if d.incident is None:
            reporting.set("–", "No incident", "")
            missing.set("–", "No incident", "")
            return
        if d.period is None:
            reporting.set("–", "No operational period yet", "")
            missing.set("–", "No operational period yet", "")
            return
        if not d.expected:
            reporting.set("0/0", "none expected", "")
            missing.set("0", "none expected", "")
            return
        share = f"{d.on_time / d.expected:.0%} on time"
        everyone = d.on_time == d.expected
        reporting.set(f"{d.on_time + d.late}/{d.expected}", share, "ok" if everyone else "")
        missing.set(str(d.missing), f"of {d.expected} expected", "bad" if d.missing else "ok")
