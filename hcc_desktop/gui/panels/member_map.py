"""The member map: where every member and facility is, and how each one is doing.

An EOC looks at the map to see at a glance which hospitals are closed, on diversion or
evacuating, and where the gaps are. So colour means the latest EEI operating status
(core.services.status decides it, the same answer the briefing prints) and the symbol
means the member type; everything else (name, town, reasons, time of the last report)
is in the tooltip.

All markers are ONE ScatterPlotItem fed with arrays (symbol, size and brush per point,
one shared QBrush per status), drawn as fragments of one cached pixmap: five thousand
markers cost about what a bare scatter plot of five thousand points costs (one item per
status was tried: every extra item costs a fixed overhead on every frame). Markers are
sorted so that the worse status is drawn on top. Hover and click are hit-tested here,
over the same arrays, so members placed on one spot (a ZIP centroid) all stay
reachable. Filters re-slice the arrays loaded from the store; they never query again.

The areas of the incident's CAP alerts still in force are drawn under the markers
(gui.map.alerts), with a legend entry and a toolbar toggle, and the hover tooltip
names the alerts covering the point: "which of our hospitals are inside the warning"
is the first question when one arrives.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import basemap
from hcc_desktop.core.enums import MEMBERSHIPS
from hcc_desktop.core.services.status import FacilityStatus
from hcc_desktop.core.timeutil import parse_iso
from hcc_desktop.core.versions import Changes
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.map import style
from hcc_desktop.gui.map.alerts import GROUPS, AlertAreasItem, fill_brush, legend_pen
from hcc_desktop.gui.map.data import MapData, MapMember, read_map
from hcc_desktop.gui.map.layers import WATER, basemap_items
from hcc_desktop.gui.map.legend import Entry, MapCaption, MapLegend
from hcc_desktop.gui.operations import QueryOp, busy, describe
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.interop.areas import AlertShape

#: Smallest extent "Fit coalition" zooms to, in degrees (one member alone: a town).
MIN_FIT_SPAN = 0.25
FIT_PADDING = 0.06
LEGEND_OFFSET = 8
#: Markers within this share of the view's edge count as off-screen when selected.
EDGE_MARGIN = 0.04
#: Extra pixels around a marker that still count as a hit (a steady hand is rare).
HIT_SLOP = 2.0

Z_MARKERS = 10
Z_RING = 20

ALL = ""  # the combo boxes' "no filter" value


def local_time(iso: str | None) -> str:
    """A stored UTC time as the operator's local time with its zone."""
    if not iso:
        return ""
    try:
        return parse_iso(str(iso)).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    except ValueError:
        return str(iso)


class _Inert(pg.ScatterPlotItem):
    """A scatter item that leaves mouse events to the panel: the panel hit-tests all
    markers at once (see the module docstring), and skipping pyqtgraph's per-item
    hover test saves work on every mouse move."""

    def mouseClickEvent(self, ev: Any) -> None:
        ev.ignore()

    def hoverEvent(self, ev: Any) -> None:
        return


class _Markers(_Inert):
    """The marker item. Mouse events are left to the panel (see `_Inert`), and brushes
    given as an object array of ready QBrushes are stored as they are: the stock
    setBrush converts a list of 5,000 brushes one by one on every update, which made
    an update cost twice a bare scatter plot's."""

    def setBrush(self, *args: Any, **kargs: Any) -> None:
        brushes = args[0] if len(args) == 1 else None
        if not (isinstance(brushes, np.ndarray) and brushes.dtype == object):
            super().setBrush(*args, **kargs)
            return
        data = kargs.get("dataSet", self.data)
        mask = kargs.get("mask")
        if mask is not None:
            brushes = brushes[mask]
        if len(brushes) != len(data):
            raise ValueError(f"{len(brushes)} brushes for {len(data)} points")
        data["brush"] = brushes
        data["sourceRect"] = 0
        if kargs.get("update", True):
            self.updateSpots(data)


class MemberMapPanel(Panel):
    TITLE = "Member map"
    DOCK_NAME = "memberMapDock"
    WATCHES = frozenset({"organization", "eei_report", "region", "alert"})
    VIEW_ACTION = ActionId.SHOW_MAP

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._members: list[MapMember] = []
        self._index: dict[str, int] = {}
        self._statuses: dict[str, FacilityStatus] = {}
        #: Regions of the incident in view; None when it covers the whole coalition.
        self._incident_regions: frozenset[str] | None = None
        self._unplaced = 0
        # Columns over self._members, for filtering with numpy.
        self._lon = np.empty(0)
        self._lat = np.empty(0)
        self._ids = np.empty(0, dtype=object)
        self._types = np.empty(0, dtype=object)
        self._memberships = np.empty(0, dtype=object)
        self._regions = np.empty(0, dtype=object)
        self._status_keys = np.empty(0, dtype=object)
        self._symbols = np.empty(0, dtype=object)
        self._sizes = np.empty(0)
        self._ranks = np.empty(0, dtype=int)
        self._brushes = np.empty(0, dtype=object)
        #: Indexes (into self._members) of the markers drawn, in drawing order.
        self.visible = np.empty(0, dtype=int)
        #: Members under the mouse pointer (top first), for the tooltip.
        self.hover_ids: list[str] = []
        self._legend_key: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        #: Alerts under the mouse pointer (worst first), for the tooltip.
        self.hover_alerts: list[AlertShape] = []
        self._loaded = False
        self._build_ui()
        ctx.incident_changed.connect(self._on_view_changed)
        ctx.period_changed.connect(self._on_view_changed)
        ctx.member_selected.connect(self._on_member_selected)
        self.reload()

    # ------------------------------------------------------------------------ UI

    def _build_ui(self) -> None:
        self.toolbar = QToolBar("Map filters", self)
        self.toolbar.setMovable(False)
        self.fit_button = QToolButton(self.toolbar)
        self.fit_button.setText("Fit coalition")
        self.fit_button.setObjectName("fitCoalitionButton")
        self.fit_button.setToolTip("Zoom to show every member on the map (filters apply)")
        self.fit_button.clicked.connect(self.fit_coalition)
        self.toolbar.addWidget(self.fit_button)
        self.legend_button = QToolButton(self.toolbar)
        self.legend_button.setText("Legend")
        self.legend_button.setObjectName("legendButton")
        self.legend_button.setCheckable(True)
        self.legend_button.setChecked(True)
        self.legend_button.setToolTip("Show or hide the legend")
        self.legend_button.toggled.connect(self._toggle_legend)
        self.toolbar.addWidget(self.legend_button)
        self.alerts_button = QToolButton(self.toolbar)
        self.alerts_button.setText("Alerts")
        self.alerts_button.setObjectName("alertAreasButton")
        self.alerts_button.setCheckable(True)
        self.alerts_button.setChecked(True)
        self.alerts_button.setToolTip("Show or hide the areas of the incident's CAP alerts")
        self.alerts_button.toggled.connect(self._toggle_alerts)
        self.alerts_button.setMinimumWidth(self.alerts_button.sizeHint().width())
        self.toolbar.addWidget(self.alerts_button)
        self.toolbar.addSeparator()
        self.type_filter = self._combo("member type", "memberTypeFilter")
        self.region_filter = self._combo("region", "regionFilter")
        self.membership_filter = self._combo("membership", "membershipFilter")
        self.status_filter = self._combo("EEI status", "statusFilter")
        self.membership_filter.addItem("All memberships", ALL)
        for key, label in MEMBERSHIPS.items():
            self.membership_filter.addItem(label, key)
        self.status_filter.addItem("All statuses", ALL)
        for key in style.STATUS_ORDER:
            self.status_filter.addItem(style.STATUS_LABELS[key], key)
        self.plot = pg.PlotWidget(background=WATER)
        self.plot.setObjectName("memberMapPlot")
        item = self.plot.getPlotItem()
        for axis in ("left", "bottom"):
            item.hideAxis(axis)
        item.hideButtons()
        item.setMenuEnabled(False)
        item.layout.setContentsMargins(0, 0, 0, 0)
        self.view = item.getViewBox()
        self.view.setMenuEnabled(False)
        self.view.disableAutoRange()
        self.view.setDefaultPadding(0.0)
        # Degrees of longitude shrink with cos(latitude): lock the aspect so that one
        # km is as long east-west as north-south at the middle of the coalition.
        _, y0, _, y1 = basemap.coalition_bounds()
        self.aspect_ratio = math.cos(math.radians((y0 + y1) / 2))
        self.view.setAspectLocked(True, ratio=self.aspect_ratio)
        self.view.setLimits(minXRange=0.01, minYRange=0.01)
        self.basemap_layers = basemap_items()
        for layer in self.basemap_layers:
            self.view.addItem(layer, ignoreBounds=True)

        self.alert_areas = AlertAreasItem()
        self.view.addItem(self.alert_areas, ignoreBounds=True)

        self.scatter = _Markers(pxMode=True, pen=style.outline_pen())
        self.scatter.setZValue(Z_MARKERS)
        self.view.addItem(self.scatter)
        self.ring = _Inert(
            pxMode=True, symbol="o", size=style.RING_SIZE, pen=style.ring_pen(), brush=None
        )
        self.ring.setZValue(Z_RING)
        self.view.addItem(self.ring, ignoreBounds=True)

        self.legend = MapLegend(style.outline_pen())
        self.legend.setParentItem(self.view)
        self.legend.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(LEGEND_OFFSET, LEGEND_OFFSET))
        # How many markers show, at the map's foot (a toolbar label would be the first
        # thing a narrow dock pushes out of sight).
        self.count_label = MapCaption()
        self.count_label.setParentItem(self.view)
        self.count_label.anchor(itemPos=(0, 1), parentPos=(0, 1), offset=(LEGEND_OFFSET, -4))
        # Until the operator pans or zooms, the view follows the markers (and the
        # dock's size): the first fit happens before the dock has its final size.
        self._auto_fit = True
        self.view.sigRangeChangedManually.connect(self._stop_auto_fit)
        self.view.sigResized.connect(self._on_view_resized)
        scene = self.plot.scene()
        scene.sigMouseClicked.connect(self._on_scene_click)
        scene.sigMouseMoved.connect(self._on_scene_hover)

        for combo in self._filters():
            combo.currentIndexChanged.connect(self.apply_filters)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.plot, 1)

    def _combo(self, tip: str, name: str) -> QComboBox:
        combo = QComboBox(self.toolbar)
        combo.setObjectName(name)
        combo.setToolTip(f"Show only members of this {tip}")
        # Long region names must not push the rest of the toolbar out of a narrow dock;
        # the drop-down list still shows them in full.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(13)
        self.toolbar.addWidget(combo)
        return combo

    def _filters(self) -> tuple[QComboBox, ...]:
        return (self.type_filter, self.region_filter, self.membership_filter, self.status_filter)

    def _toggle_alerts(self, shown: bool) -> None:
        self.alert_areas.setVisible(shown)
        self._update_legend()
        if self._auto_fit:
            self._fit()

    def alerts_shown(self) -> bool:
        return self.alert_areas.isVisible() and bool(self.alert_areas.shapes)

    def _toggle_legend(self, shown: bool) -> None:
        self.legend.setVisible(shown)
        if self._auto_fit:
            self._fit()

    # ---------------------------------------------------------------------- data

    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload")

    def on_changes(self, changes: Changes) -> None:
        self.reload()

    def _on_view_changed(self, *_: object) -> None:
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
        members = data.members
        self._statuses = data.statuses
        self._incident_regions = data.incident_regions
        self._members = members
        self._unplaced = data.unplaced
        self._index = {m.id: i for i, m in enumerate(members)}
        n = len(members)
        self._lon = np.fromiter((m.lon for m in members), dtype=float, count=n)
        self._lat = np.fromiter((m.lat for m in members), dtype=float, count=n)
        self._ids = _objects([m.id for m in members])
        self._types = _objects([m.member_type for m in members])
        self._memberships = _objects([m.membership for m in members])
        self._regions = _objects([m.region_id for m in members])
        self._status_keys = _objects([self._status_key(m) for m in members])
        self._symbols = _objects([style.symbol_for(m.member_type) for m in members])
        self._sizes = np.fromiter((style.size_for(m.member_type) for m in members), float, n)
        self._ranks = np.fromiter(
            (style.STATUS_RANK[str(k)] for k in self._status_keys), dtype=int, count=n
        )
        self._brushes = _objects([style.status_brush(str(k)) for k in self._status_keys])
        self._show_alerts(data.shapes)
        self._fill_filters(data.regions)
        self.apply_filters()
        self._loaded = True

    def _show_alerts(self, shapes: list[AlertShape]) -> None:
        self.alert_areas.set_shapes(shapes)
        n = len(shapes)
        # The count goes in the tooltip: a changing label would be elided first when
        # the toolbar is narrow.
        self.alerts_button.setToolTip(
            f"Show or hide the areas of the incident's CAP alerts ({n} in force)"
        )

    def alert_headlines(self) -> list[str]:
        """Headlines of the alert areas drawn (for tests and screen readers)."""
        return [s.headline for s in self.alert_areas.shapes]

    def _status_key(self, member: MapMember) -> str:
        if not member.reports:
            return style.NON_REPORTING
        found = self._statuses.get(member.id)
        if found:
            return found.status  # whoever reported shows it, expected or not
        if self._incident_regions is not None and member.region_id not in self._incident_regions:
            return style.NOT_EXPECTED
        return "not_reported"

    def _fill_filters(self, regions: list[tuple[str, str]]) -> None:
        """Offer the member types and regions that exist; keep what was chosen."""
        types = sorted({m.member_type for m in self._members}, key=style.type_label)
        _refill(self.type_filter, "All member types", [(t, style.type_label(t)) for t in types])
        _refill(self.region_filter, "All regions", regions)

    # ------------------------------------------------------------------- drawing

    def filter_mask(self) -> np.ndarray:
        mask = np.ones(len(self._members), dtype=bool)
        for combo, column in (
            (self.type_filter, self._types),
            (self.region_filter, self._regions),
            (self.membership_filter, self._memberships),
            (self.status_filter, self._status_keys),
        ):
            wanted = combo.currentData()
            if wanted:
                mask &= column == wanted
        return mask

    def apply_filters(self, *_: object) -> None:
        """Redraw the markers the filters let through (no store access)."""
        idx = np.flatnonzero(self.filter_mask())
        # Drawing order, bottom to top: the worse status over the better (a closed
        # hospital never hides under an open neighbour), then small over large.
        idx = idx[np.lexsort((-self._sizes[idx], self._ranks[idx]))]
        self.visible = idx
        if len(idx):
            self.scatter.setData(
                x=self._lon[idx],
                y=self._lat[idx],
                symbol=self._symbols[idx],
                size=self._sizes[idx],
                brush=self._brushes[idx],
                data=self._ids[idx],
            )
        elif len(self.scatter.data):
            self.scatter.clear()
        self._update_legend()
        total = len(self._members) + self._unplaced
        text = f"{len(idx)} of {total} members shown"
        if self._unplaced:
            text += f" · {self._unplaced} without a location"
        self.count_label.set_text(text)
        self._show_ring(centre=False)
        if self._auto_fit:
            self._fit()

    def marker_count(self) -> int:
        return len(self.scatter.data)

    def marker_ids(self) -> list[str]:
        """Ids of the markers drawn, bottom to top."""
        return [str(i) for i in self._ids[self.visible]]

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
        types = tuple(sorted({str(t) for t in self._types[self.visible]}, key=style.type_label))
        groups = tuple(self.alert_areas.groups()) if self.alert_areas.isVisible() else ()
        if (types, groups) == self._legend_key:
            return
        self._legend_key = (types, groups)
        entries = [Entry("EEI status")]
        for key in style.STATUS_ORDER:
            entries.append(Entry(style.STATUS_LABELS[key], "o", style.status_brush(key)))
        by_symbol: dict[str, list[str]] = {}
        for t in types:  # types sharing a symbol share a row
            by_symbol.setdefault(style.symbol_for(t), []).append(t)
        if by_symbol:
            entries.append(Entry("Member type"))
        for symbol, group in by_symbol.items():
            label = style.legend_label(group)
            size = style.size_for(group[0])
            entries.append(Entry(label, symbol, style.legend_type_brush(), size))
        if groups:
            entries.append(Entry("CAP alert areas"))
        for group in groups:
            entries.append(Entry(GROUPS[group][1], "s", fill_brush(group), 12.0, legend_pen(group)))
        self.legend.set_entries(entries)

    def tooltip_for(self, org_id: str) -> str:
        """Name, place and type, status with its reasons, time of the last report."""
        i = self._index.get(org_id)
        if i is None:
            return ""
        member = self._members[i]
        place = ", ".join(p for p in (member.town, member.state) if p)
        lines = [f"<b>{html.escape(member.name)}</b>"]
        lines.append(
            html.escape(" · ".join(p for p in (place, style.type_label(member.member_type)) if p))
        )
        key = str(self._status_keys[i])
        colour = style.STATUS_COLOURS[key]
        swatch = f'<span style="color:{colour}">&#9632;</span>'
        if key == style.NON_REPORTING:
            lines.append(f"{swatch} Does not report EEIs")
        elif key == style.NOT_EXPECTED:
            lines.append(f"{swatch} Not asked to report: outside the incident's regions")
        elif not self.ctx.incident_id:
            lines.append(f"{swatch} No incident in view")
        else:
            found = self._statuses.get(member.id)
            status = style.STATUS_LABELS[key]
            if found and found.reasons:
                status += f" ({', '.join(found.reasons)})"
            lines.append(f"{swatch} Status: {html.escape(status)}")
            if found and found.diversion_until:
                lines.append(f"Diversion until {html.escape(local_time(found.diversion_until))}")
            if found and found.reported_at:
                when = local_time(found.reported_at)
                if found.period:
                    when += f", period {found.period}"
                lines.append(f"Last report: {html.escape(when)}")
            else:
                lines.append("No EEI report for this incident")
        return "<p style='white-space:nowrap'>" + "<br>".join(lines) + "</p>"

    # ------------------------------------------------------------ view & selection

    def fit_coalition(self) -> None:
        """Zoom to the markers shown (or to CT and MA when none are), leaving room on
        the left for the legend so that it covers no marker."""
        self._auto_fit = True
        self._fit()

    def _fit(self) -> None:
        if len(self.visible):
            lon, lat = self._lon[self.visible], self._lat[self.visible]
            x0, x1, y0, y1 = lon.min(), lon.max(), lat.min(), lat.max()
        else:
            x0, y0, x1, y1 = basemap.coalition_bounds()
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        w = max(x1 - x0, MIN_FIT_SPAN / self.aspect_ratio) * (1 + 2 * FIT_PADDING)
        h = max(y1 - y0, MIN_FIT_SPAN) * (1 + 2 * FIT_PADDING)
        x0, x1 = cx - w / 2, cx + w / 2
        pixels = self.view.boundingRect().width()
        if self.legend.isVisible() and pixels > 0:
            share = min(0.45, (self.legend.width() + 2 * LEGEND_OFFSET) / pixels)
            x0 -= w * share / (1 - share)
        self.view.setRange(xRange=(x0, x1), yRange=(cy - h / 2, cy + h / 2), padding=0)

    def _stop_auto_fit(self, *_: object) -> None:
        self._auto_fit = False

    def _on_view_resized(self, *_: object) -> None:
        if self._auto_fit:
            self._fit()

    def members_at(self, pos: QPointF) -> list[str]:
        """Ids of the markers drawn over view point `pos` (lon, lat), top first."""
        if not len(self.visible):
            return []
        px, py = self.view.viewPixelSize()  # degrees per pixel
        if px <= 0 or py <= 0:
            return []
        idx = self.visible
        dx = (self._lon[idx] - pos.x()) / px
        dy = (self._lat[idx] - pos.y()) / py
        reach = self._sizes[idx] / 2 + HIT_SLOP
        hits = idx[dx * dx + dy * dy <= reach * reach]
        return [str(i) for i in self._ids[hits[::-1]]]

    def select_at(self, pos: QPointF) -> None:
        """Select the marker at `pos`. Markers on the same spot (members placed at one
        ZIP centroid) take turns: each click selects the next one under the cursor."""
        ids = self.members_at(pos)
        if not ids:
            return
        current = self.ctx.selected_member
        chosen = ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[0]
        self.ctx.select_member(chosen)

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
        tips = [self.tooltip_for(i) for i in ids[:3]]
        if len(ids) > 3:
            tips.append(f"<p>and {len(ids) - 3} more here</p>")
        tips.extend(alert_tooltip(a) for a in self.hover_alerts[:3])
        if len(self.hover_alerts) > 3:
            tips.append(f"<p>and {len(self.hover_alerts) - 3} more alerts here</p>")
        self.view.setToolTip("".join(tips))
        if ids:
            self.plot.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.plot.viewport().unsetCursor()

    def _on_member_selected(self, org_id: str) -> None:
        self._show_ring(centre=True)

    def _show_ring(self, *, centre: bool) -> None:
        i = self._index.get(self.ctx.selected_member)
        if i is None or not np.any(self.visible == i):
            self.ring.clear()
            return
        x, y = float(self._lon[i]), float(self._lat[i])
        self.ring.setData(x=[x], y=[y])
        if centre:
            rect = self.view.viewRect()
            inner = rect.adjusted(
                rect.width() * EDGE_MARGIN,
                rect.height() * EDGE_MARGIN,
                -rect.width() * EDGE_MARGIN,
                -rect.height() * EDGE_MARGIN,
            )
            if not inner.contains(QPointF(x, y)):
                self._auto_fit = False  # keep the member in view when the dock resizes
                self.view.setRange(
                    rect=QRectF(
                        x - rect.width() / 2, y - rect.height() / 2, rect.width(), rect.height()
                    ),
                    padding=0,
                )

    def selected_ring_position(self) -> tuple[float, float] | None:
        if not len(self.ring.data):
            return None
        return float(self.ring.data["x"][0]), float(self.ring.data["y"][0])


def alert_tooltip(shape: AlertShape) -> str:
    """An alert's headline first (what the operator scans for), then its event,
    severity, sender, expiry and areas."""
    colour = GROUPS["severe" if shape.severity in ("Extreme", "Severe") else "other"][0]
    swatch = f'<span style="color:{colour}">&#9632;</span>'
    lines = [f"{swatch} <b>{html.escape(shape.headline)}</b>"]
    facts = " · ".join(p for p in (shape.event, shape.severity, shape.sender) if p)
    if facts:
        lines.append(html.escape(facts))
    if shape.expires:
        lines.append(f"Expires {html.escape(local_time(shape.expires))}")
    if shape.area_names:
        lines.append(html.escape(shape.area_names[:200]))
    return "<p style='white-space:nowrap'>" + "<br>".join(lines) + "</p>"


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-d object array (np.array would make a 2-d char array of equal strings)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _refill(combo: QComboBox, all_label: str, items: list[tuple[str, str]]) -> None:
    """Replace a combo's choices, keeping the current one if it still exists."""
    current = combo.currentData() or ALL
    combo.blockSignals(True)
    try:
        combo.clear()
        combo.addItem(all_label, ALL)
        for value, label in items:
            combo.addItem(label, value)
        found = combo.findData(current)
        combo.setCurrentIndex(max(found, 0))
    finally:
        combo.blockSignals(False)
