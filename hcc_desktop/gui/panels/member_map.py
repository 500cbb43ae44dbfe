"""The member map: where every member and facility is, and how each one is doing.

An EOC looks at the map to see at a glance which hospitals are closed, on diversion or
evacuating, and where the gaps are. So colour means the latest EEI operating status
(core.services.status decides it, the same answer the briefing prints) and the symbol
means the member type; everything else (name, town, reasons, time of the last report)
is in the tooltip.

This module wires the map's parts (gui.map) into a dock: the store is read off the
GUI thread (map.data), the markers are arrays drawn by one scatter item (map.markers),
filters re-slice them (map.filters), hover and click are hit-tested over the same
arrays (map.hits), the legend and the count sit on the map's corners (map.legend,
map.counts), and the incident's CAP alert areas are drawn under the markers
(map.alerts) because "which of our hospitals are inside the warning" is the first
question when one arrives.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QToolBar, QVBoxLayout, QWidget

from hcc_desktop.core.services.status import FacilityStatus
from hcc_desktop.core.versions import Changes
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.map import style
from hcc_desktop.gui.map.alerts import AlertAreasItem
from hcc_desktop.gui.map.canvas import fit_range, make_plot, recentred
from hcc_desktop.gui.map.counts import Counts, count
from hcc_desktop.gui.map.data import MapData, read_map
from hcc_desktop.gui.map.filters import MapFilters, tool_button
from hcc_desktop.gui.map.hits import members_at, next_choice
from hcc_desktop.gui.map.legend import MapCaption, MapLegend, legend_entries
from hcc_desktop.gui.map.markers import Inert, MarkerItem, Markers
from hcc_desktop.gui.map.tooltips import alert_tooltip, hover_text, local_time, member_tooltip
from hcc_desktop.gui.operations import QueryOp, busy, describe
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.settings import app_settings
from hcc_desktop.interop.areas import AlertShape

__all__ = ["MemberMapPanel", "local_time"]

LEGEND_OFFSET = 8
#: The count line's distance from the map's foot, and the least gap above it.
CAPTION_OFFSET = 4
LEGEND_GAP = 4
#: Where the legend's collapsed or expanded state is remembered.
LEGEND_KEY = "map/legend_expanded"

Z_MARKERS = 10
Z_RING = 20


class MemberMapPanel(Panel):
    TITLE = "Member map"
    DOCK_NAME = "memberMapDock"
    WATCHES = frozenset({"organization", "eei_report", "region", "alert"})
    VIEW_ACTION = ActionId.SHOW_MAP
    LOADS_ITSELF = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.markers = Markers()
        self._statuses: dict[str, FacilityStatus] = {}
        self._unplaced = 0
        #: Indexes (into self.markers) of the markers drawn, in drawing order.
        self.visible = np.empty(0, dtype=int)
        #: Members under the mouse pointer (top first), for the tooltip.
        self.hover_ids: list[str] = []
        #: Alerts under the mouse pointer (worst first), for the tooltip.
        self.hover_alerts: list[AlertShape] = []
        self._legend_key: tuple[object, ...] | None = None
        self._loaded = False
        # Until the operator pans or zooms, the view follows the markers (and the
        # dock's size): the first fit happens before the dock has its final size.
        self._auto_fit = True
        self._build_ui()
        # Reload at once (not scheduled): is_loaded must say "loading" from here on.
        ctx.incident_changed.connect(lambda _id: self.reload())
        ctx.period_changed.connect(lambda _n: self.reload())
        ctx.member_selected.connect(lambda _id: self._show_ring(centre=True))

    # ------------------------------------------------------------------------ UI

    def _build_ui(self) -> None:
        self.toolbar = QToolBar("Map filters", self)
        self.toolbar.setMovable(False)
        bar = self.toolbar
        self.fit_button = tool_button(
            bar, "Fit coalition", "fitCoalitionButton", self.fit_coalition
        )
        self.fit_button.setToolTip("Zoom to show every member on the map (filters apply)")
        self.legend_button = tool_button(bar, "Legend", "legendButton", self._toggle_legend, True)
        self.legend_button.setToolTip("Show or hide the legend (or click the legend itself)")
        self.alerts_button = tool_button(
            bar, "Alerts", "alertAreasButton", self._toggle_alerts, True
        )
        self.alerts_button.setToolTip("Show or hide the areas of the incident's CAP alerts")
        self.alerts_button.setMinimumWidth(self.alerts_button.sizeHint().width())
        self.membership_button = tool_button(
            bar, "Membership", "colourByMembershipButton", self._toggle_colour, True
        )
        self.membership_button.blockSignals(True)  # nothing drawn yet to recolour
        self.membership_button.setChecked(False)  # EEI status is what an incident needs
        self.membership_button.blockSignals(False)
        self.membership_button.setToolTip(
            "Colour the markers by membership status (core, non-core, guest, prospective, "
            "lapsed) instead of EEI status; the legend says which"
        )
        self.toolbar.addSeparator()
        self.filters = MapFilters(self.toolbar)
        self.type_filter, self.region_filter = self.filters.type_filter, self.filters.region_filter
        self.membership_filter = self.filters.membership_filter
        self.status_filter = self.filters.status_filter
        self.filters.changed.connect(self.apply_filters)

        self.plot, self.view, self.aspect_ratio = make_plot()
        self.alert_areas = AlertAreasItem()
        self.view.addItem(self.alert_areas, ignoreBounds=True)
        self.scatter = MarkerItem(pxMode=True, pen=style.outline_pen())
        self.scatter.setZValue(Z_MARKERS)
        self.view.addItem(self.scatter)
        self.ring = Inert(
            pxMode=True, symbol="o", size=style.RING_SIZE, pen=style.ring_pen(), brush=None
        )
        self.ring.setZValue(Z_RING)
        self.view.addItem(self.ring, ignoreBounds=True)

        self.legend = MapLegend(style.outline_pen())
        self.legend.setParentItem(self.view)
        self.legend.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(LEGEND_OFFSET, LEGEND_OFFSET))
        self.legend.expanded_changed.connect(self._legend_clicked)
        expanded = bool(app_settings().value(LEGEND_KEY, True, type=bool))
        self.legend.set_expanded(expanded)
        self.legend_button.setChecked(expanded)
        # What is in view, at the map's foot (a toolbar label would be the first
        # thing a narrow dock pushes out of sight).
        self.count_label = MapCaption()
        self.count_label.setParentItem(self.view)
        self.count_label.anchor(
            itemPos=(0, 1), parentPos=(0, 1), offset=(LEGEND_OFFSET, -CAPTION_OFFSET)
        )
        self._fit_legend()
        self.view.sigRangeChangedManually.connect(self._stop_auto_fit)
        self.view.sigResized.connect(self._on_view_resized)
        self.view.sigRangeChanged.connect(lambda *_: self._update_count())
        scene = self.plot.scene()
        scene.sigMouseClicked.connect(self._on_scene_click)
        scene.sigMouseMoved.connect(self._on_scene_hover)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.plot, 1)

    def _toggle_alerts(self, shown: bool) -> None:
        self.alert_areas.setVisible(shown)
        self._update_legend()
        if self._auto_fit:
            self._fit()

    def colour_by(self) -> str:
        """What the markers' colour means now (style.BY_STATUS or BY_MEMBERSHIP)."""
        return style.BY_MEMBERSHIP if self.membership_button.isChecked() else style.BY_STATUS

    def _toggle_colour(self, _by_membership: bool) -> None:
        self.apply_filters()

    def alerts_shown(self) -> bool:
        return self.alert_areas.isVisible() and bool(self.alert_areas.shapes)

    def _toggle_legend(self, expanded: bool) -> None:
        """Expand or collapse the legend (toolbar button), and remember the choice."""
        self.legend.set_expanded(expanded)
        app_settings().setValue(LEGEND_KEY, expanded)
        if self._auto_fit:
            self._fit()

    def _legend_clicked(self, expanded: bool) -> None:
        self.legend_button.setChecked(expanded)  # toggled → _toggle_legend remembers it

    def legend_expanded(self) -> bool:
        return self.legend.expanded

    # ---------------------------------------------------------------------- data

    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload")

    def on_changes(self, changes: Changes) -> None:
        self.reload()

    def reload(self) -> None:
        """Read members, statuses and alerts off the GUI thread, then redraw."""
        store, incident, period = self.ctx.store, self.ctx.incident_id, self.ctx.period
        self._loaded = False
        (
            QueryOp(self, lambda _p: read_map(store, incident_id=incident, period=period))
            .supersede("reload")
            .success(self._fill)
            .failure(self._failed)
            .run_in_background()
        )

    def _failed(self, exc: Exception) -> None:
        self._loaded = True
        self.ctx.message.emit(f"Member map not updated: {describe(exc)}")

    def _fill(self, data: MapData) -> None:
        self._statuses = data.statuses
        self._unplaced = data.unplaced
        self.markers = Markers(
            data.members,
            data.statuses,
            data.incident_regions,
            has_incident=bool(self.ctx.incident_id),
        )
        self.alert_areas.set_shapes(data.shapes)
        # The count goes in the tooltip: a changing label would be elided first when
        # the toolbar is narrow.
        self.alerts_button.setToolTip(
            f"Show or hide the areas of the incident's CAP alerts ({len(data.shapes)} in force)"
        )
        self.filters.offer(list({m.member_type for m in data.members}), data.regions)
        self.apply_filters()
        self._loaded = True

    def alert_headlines(self) -> list[str]:
        """Headlines of the alert areas drawn (for tests and screen readers)."""
        return [s.headline for s in self.alert_areas.shapes]

    # The arrays under their former names (benchmarks read them).
    @property
    def _lon(self) -> np.ndarray:
        return self.markers.lon

    @property
    def _lat(self) -> np.ndarray:
        return self.markers.lat

    @property
    def _sizes(self) -> np.ndarray:
        return self.markers.sizes

    # ------------------------------------------------------------------- drawing

    def filter_mask(self) -> np.ndarray:
        return self.markers.mask(self.filters.wanted())

    def apply_filters(self, *_: object) -> None:
        """Redraw the markers the filters let through (no store access)."""
        mk = self.markers
        idx = mk.drawing_order(self.filter_mask())
        self.visible = idx
        if len(idx):
            self.scatter.setData(
                x=mk.lon[idx],
                y=mk.lat[idx],
                symbol=mk.symbols[idx],
                size=mk.sizes[idx],
                brush=(
                    mk.membership_brushes[idx]
                    if self.colour_by() == style.BY_MEMBERSHIP
                    else mk.brushes[idx]
                ),
                data=mk.ids[idx],
            )
        elif len(self.scatter.data):
            self.scatter.clear()
        self._update_legend()
        self._show_ring(centre=False)
        if self._auto_fit:
            self._fit()
        self._update_count()

    def counts(self) -> Counts:
        """What is in view now: drawn markers inside the visible map, those of them the
        incident covers, and the whole membership."""
        return count(
            self.markers,
            self.visible,
            self.view.viewRange(),
            unplaced=self._unplaced,
            has_incident=bool(self.ctx.incident_id),
        )

    def _update_count(self) -> None:
        self.count_label.set_text(self.counts().text())

    def marker_count(self) -> int:
        return len(self.scatter.data)

    def marker_ids(self) -> list[str]:
        """Ids of the markers drawn, bottom to top."""
        return [str(i) for i in self.markers.ids[self.visible]]

    def marker_style(self, org_id: str) -> tuple[str, str, float] | None:
        """(fill colour "#rrggbb", symbol, size) of a member's marker as drawn, None
        when it is not on the map."""
        rows = np.flatnonzero(self.scatter.data["data"] == org_id)
        if not len(rows):
            return None
        row = self.scatter.data[rows[0]]
        return row["brush"].color().name(), str(row["symbol"]), float(row["size"])

    def count_text(self) -> str:
        return str(self.count_label.text)

    def _update_legend(self) -> None:
        types = sorted({str(t) for t in self.markers.types[self.visible]}, key=style.type_label)
        groups = self.alert_areas.groups() if self.alert_areas.isVisible() else []
        by = self.colour_by()
        drawn = sorted({str(s) for s in self.markers.memberships[self.visible]})
        key = (tuple(types), tuple(groups), by, tuple(drawn) if by == style.BY_MEMBERSHIP else ())
        if key != self._legend_key:
            self._legend_key = key
            self.legend.set_entries(legend_entries(types, list(groups), by, drawn))

    def tooltip_for(self, org_id: str) -> str:
        """Name, place and type, status with its reasons, time of the last report."""
        i = self.markers.index.get(org_id)
        if i is None:
            return ""
        return member_tooltip(
            self.markers.members[i],
            str(self.markers.status_keys[i]),
            self._statuses,
            has_incident=bool(self.ctx.incident_id),
        )

    # ------------------------------------------------------------ view & selection

    def fit_coalition(self) -> None:
        """Zoom to the markers shown (or to CT and MA when none are), leaving room on
        the left for the legend so that it covers no marker."""
        self._auto_fit = True
        self._fit()

    def _fit(self) -> None:
        reserved = 0.0
        if self.legend.isVisible() and self.legend.expanded:
            reserved = self.legend.width() + 2 * LEGEND_OFFSET
        xr, yr = fit_range(
            self.markers.lon[self.visible],
            self.markers.lat[self.visible],
            aspect=self.aspect_ratio,
            reserved_px=reserved,
            view_px=self.view.boundingRect().width(),
        )
        self.view.setRange(xRange=xr, yRange=yr, padding=0)

    def _stop_auto_fit(self, *_: object) -> None:
        self._auto_fit = False

    def _fit_legend(self) -> None:
        """Give the legend the map's height less the count line at the foot (and the
        gaps around both): a taller legend flows into columns rather than run over
        the count (lay the two out together, as at 1280×720 they overlapped)."""
        room = self.view.boundingRect().height()
        room -= LEGEND_OFFSET + LEGEND_GAP + self.count_label.line_height() + CAPTION_OFFSET
        self.legend.set_max_height(max(room, 0.0))

    def _on_view_resized(self, *_: object) -> None:
        self._fit_legend()  # before fitting: the legend's width is the room it reserves
        if self._auto_fit:
            self._fit()

    def members_at(self, pos: QPointF) -> list[str]:
        """Ids of the markers drawn over view point `pos` (lon, lat), top first."""
        return members_at(self.markers, self.visible, pos.x(), pos.y(), self.view.viewPixelSize())

    def select_at(self, pos: QPointF) -> None:
        """Select the marker at `pos`. Markers on the same spot (members placed at one
        ZIP centroid) take turns: each click selects the next one under the cursor."""
        ids = self.members_at(pos)
        if ids:
            self.ctx.select_member(next_choice(ids, self.ctx.selected_member))

    def _on_overlay(self, scene_pos: QPointF) -> bool:
        return any(
            o.isVisible() and o.sceneBoundingRect().contains(scene_pos)
            for o in (self.legend, self.count_label)
        )

    def _on_scene_click(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or self._on_overlay(ev.scenePos()):
            return
        if not self.view.sceneBoundingRect().contains(ev.scenePos()):
            return
        self.select_at(self.view.mapSceneToView(ev.scenePos()))

    def alerts_at(self, pos: QPointF) -> list[AlertShape]:
        """Alerts drawn over view point `pos` (lon, lat), worst first."""
        if not self.alert_areas.isVisible():
            return []
        return self.alert_areas.shapes_at(pos.x(), pos.y())

    def _on_scene_hover(self, scene_pos: QPointF) -> None:
        on_overlay = self._on_overlay(scene_pos)
        pos = self.view.mapSceneToView(scene_pos)
        ids = [] if on_overlay else self.members_at(pos)
        self.hover_ids = ids
        self.hover_alerts = [] if on_overlay else self.alerts_at(pos)
        members = [self.tooltip_for(i) for i in ids[:3]]
        alerts = [alert_tooltip(a) for a in self.hover_alerts[:3]]
        self.view.setToolTip(hover_text(members, len(ids), alerts, len(self.hover_alerts)))
        if ids:
            self.plot.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.plot.viewport().unsetCursor()

    def _show_ring(self, *, centre: bool) -> None:
        i = self.markers.index.get(self.ctx.selected_member)
        if i is None or not np.any(self.visible == i):
            self.ring.clear()
            return
        x, y = float(self.markers.lon[i]), float(self.markers.lat[i])
        self.ring.setData(x=[x], y=[y])
        moved = recentred(self.view.viewRect(), x, y) if centre else None
        if moved is not None:
            self._auto_fit = False  # keep the member in view when the dock resizes
            self.view.setRange(rect=moved, padding=0)

    def selected_ring_position(self) -> tuple[float, float] | None:
        if not len(self.ring.data):
            return None
        return float(self.ring.data["x"][0]), float(self.ring.data["y"][0])
