"""The member map's markers: one scatter item fed with arrays, and those arrays.

All markers are ONE ScatterPlotItem fed with arrays (symbol, size and brush per point,
one shared QBrush per status), drawn as fragments of one cached pixmap: five thousand
markers cost about what a bare scatter plot of five thousand points costs (one item per
status was tried: every extra item costs a fixed overhead on every frame). Markers are
sorted so that the worse status is drawn on top. Filters re-slice the arrays built
once per reload (`Markers`); they never query the store again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg

from hcc_desktop.core.services.status import FacilityStatus
from hcc_desktop.gui.map import style
from hcc_desktop.gui.map.data import MapMember


class Inert(pg.ScatterPlotItem):
    """A scatter item that leaves mouse events to the panel: the panel hit-tests all
    markers at once (gui.map.hits), and skipping pyqtgraph's per-item hover test saves
    work on every mouse move."""

    def mouseClickEvent(self, ev: Any) -> None:
        ev.ignore()

    def hoverEvent(self, ev: Any) -> None:
        return


class MarkerItem(Inert):
    """The marker item. Mouse events are left to the panel (see `Inert`), and brushes
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


def objects(values: list[Any]) -> np.ndarray:
    """A 1-d object array (np.array would make a 2-d char array of equal strings)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def status_key(
    member: MapMember,
    statuses: Mapping[str, FacilityStatus],
    incident_regions: frozenset[str] | None,
) -> str:
    """The status a member's marker shows (its colour): the reported status, or why
    there is none (does not report, not asked in this incident, not reported)."""
    if not member.reports:
        return style.NON_REPORTING
    found = statuses.get(member.id)
    if found:
        return found.status  # whoever reported shows it, expected or not
    if incident_regions is not None and member.region_id not in incident_regions:
        return style.NOT_EXPECTED
    return "not_reported"


class Markers:
    """Columns over the members of one reload, for filtering and drawing with numpy."""

    def __init__(
        self,
        members: list[MapMember] | None = None,
        statuses: Mapping[str, FacilityStatus] | None = None,
        incident_regions: frozenset[str] | None = None,
        *,
        has_incident: bool = False,
    ) -> None:
        members = members or []
        statuses = statuses or {}
        n = len(members)
        self.members = members
        self.index = {m.id: i for i, m in enumerate(members)}
        self.lon = np.fromiter((m.lon for m in members), dtype=float, count=n)
        self.lat = np.fromiter((m.lat for m in members), dtype=float, count=n)
        self.ids = objects([m.id for m in members])
        self.types = objects([m.member_type for m in members])
        self.memberships = objects([m.membership for m in members])
        self.regions = objects([m.region_id for m in members])
        keys = [status_key(m, statuses, incident_regions) for m in members]
        self.status_keys = objects(keys)
        self.symbols = objects([style.symbol_for(m.member_type) for m in members])
        self.sizes = np.fromiter((style.size_for(m.member_type) for m in members), float, n)
        self.ranks = np.fromiter((style.STATUS_RANK[k] for k in keys), dtype=int, count=n)
        self.brushes = objects([style.status_brush(k) for k in keys])
        self.membership_brushes = objects([style.membership_brush(m.membership) for m in members])
        #: Members the incident in view covers (its regions; all when it names none);
        #: none without an incident.
        if not has_incident:
            self.in_incident = np.zeros(n, dtype=bool)
        elif incident_regions is None:
            self.in_incident = np.ones(n, dtype=bool)
        else:
            self.in_incident = np.fromiter(
                (m.region_id in incident_regions for m in members), dtype=bool, count=n
            )

    def __len__(self) -> int:
        return len(self.members)

    def mask(self, wanted: Mapping[str, str]) -> np.ndarray:
        """Members passing the filters: column name ("types", "regions",
        "memberships", "status_keys") → wanted value ("" for any)."""
        out = np.ones(len(self.members), dtype=bool)
        for column, value in wanted.items():
            if value:
                out &= getattr(self, column) == value
        return out

    def drawing_order(self, mask: np.ndarray) -> np.ndarray:
        """Indexes passing `mask`, bottom to top: the worse status over the better (a
        closed hospital never hides under an open neighbour), then small over large."""
        idx = np.flatnonzero(mask)
        return idx[np.lexsort((-self.sizes[idx], self.ranks[idx]))]

    def within(self, idx: np.ndarray, x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
        """Those of `idx` whose marker lies inside the rectangle (the visible map)."""
        lon, lat = self.lon[idx], self.lat[idx]
        return idx[(lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)]
