"""The member map on paper: state and county outlines from the same basemap the GUI
draws (hcc_desktop.core.basemap), members as markers coloured by facility status, the
facilities that are not open numbered to match the briefing's tables and its
key, and a scale bar.

Drawn straight onto the canvas (not as reportlab graphics shapes) so the outlines can
be clipped to the map frame: New York and Maine reach far beyond Connecticut's page.
The projection is equirectangular with the longitude scaled by cos(latitude), which
for a state-sized map is within a few per cent of any conformal projection.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from reportlab.lib import colors
from reportlab.platypus import Flowable

from hcc_desktop.core import basemap
from hcc_desktop.reports.briefing_model import Marker
from hcc_desktop.reports.fonts import SANS, SANS_BOLD
from hcc_desktop.reports.styles import INK, STATUS_COLOURS

WATER = colors.HexColor("#eef4fa")
LAND = colors.HexColor("#ffffff")
LAND_CONTEXT = colors.HexColor("#f1f1ef")
COUNTY = colors.HexColor("#b9c0c6")
STATE = colors.HexColor("#5f6b75")
STATE_NAME = colors.HexColor("#8a939b")
KM_PER_DEGREE = 111.32
KM_PER_MILE = 1.609344
#: The number beside a marker: font size and the height of its box.
LABEL_SIZE = 7
LABEL_HEIGHT = 9.0


class MemberMap(Flowable):
    """A map of `markers` filling `width` x `height` points."""

    def __init__(self, markers: Sequence[Marker], width: float, height: float) -> None:
        super().__init__()
        self.markers = list(markers)
        self.width = width
        self.height = height
        self._extent = self._fit_extent()

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    # ------------------------------------------------------------- geometry

    def _fit_extent(self) -> tuple[float, float, float, float, float]:
        """(lon0, lat0, lon1, lat1, cos_lat): the markers' box, padded, widened to the
        frame's aspect ratio; the coalition's states when there is nothing to show."""
        pts = [(k.lon, k.lat) for k in self.markers]
        if len(pts) >= 2:
            lons, lats = [p[0] for p in pts], [p[1] for p in pts]
            x0, y0, x1, y1 = min(lons), min(lats), max(lons), max(lats)
        else:
            x0, y0, x1, y1 = basemap.coalition_bounds()
            if pts:
                x0, y0 = min(x0, pts[0][0]), min(y0, pts[0][1])
                x1, y1 = max(x1, pts[0][0]), max(y1, pts[0][1])
        # At least ~50 km across, so a lone member does not fill the page.
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        k = math.cos(math.radians(cy))
        half_w = max((x1 - x0) * k, 0.45) / 2 * 1.1
        half_h = max(y1 - y0, 0.45) / 2 * 1.12
        aspect = self.width / self.height
        if half_w / half_h < aspect:
            half_w = half_h * aspect
        else:
            half_h = half_w / aspect
        return cx - half_w / k, cy - half_h, cx + half_w / k, cy + half_h, k

    def _project(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x0, y0, x1, y1, _ = self._extent
        return (lon - x0) / (x1 - x0) * self.width, (lat - y0) / (y1 - y0) * self.height

    # ------------------------------------------------------------- drawing

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFillColor(WATER)
        c.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        path = c.beginPath()
        path.rect(0, 0, self.width, self.height)
        c.clipPath(path, stroke=0, fill=0)
        self._draw_outlines(basemap.states(), fill=True)
        self._draw_outlines(basemap.counties(), fill=False, colour=COUNTY, width=0.35)
        self._draw_outlines(basemap.states(), fill=False, colour=STATE, width=0.9)
        self._draw_state_names()
        self._draw_markers()
        c.restoreState()
        self._draw_scale_bar()
        c.setStrokeColor(INK)
        c.setLineWidth(0.8)
        c.rect(0, 0, self.width, self.height, stroke=1, fill=0)

    def _draw_outlines(
        self,
        outlines: Sequence[basemap.Outline],
        *,
        fill: bool,
        colour: colors.Color = STATE,
        width: float = 0.5,
    ) -> None:
        c = self.canv
        for outline in outlines:
            path = c.beginPath()
            for ring in outline.rings:
                xs, ys = self._project(ring[:, 0], ring[:, 1])
                keep = _thin(xs, ys, 0.6)
                xs, ys = xs[keep], ys[keep]
                if len(xs) < 2:
                    continue
                path.moveTo(float(xs[0]), float(ys[0]))
                for x, y in zip(xs[1:].tolist(), ys[1:].tolist(), strict=True):
                    path.lineTo(x, y)
                path.close()
            if fill:
                c.setFillColor(LAND if outline.coalition else LAND_CONTEXT)
                c.drawPath(path, stroke=0, fill=1, fillMode=0)
            else:
                c.setStrokeColor(colour)
                c.setLineWidth(width)
                c.setLineJoin(1)
                c.drawPath(path, stroke=1, fill=0)

    def _draw_state_names(self) -> None:
        """Name the neighbouring states inside the slivers of them the map shows (the
        coalition's own states are the subject and need no label): at the visible
        point of each state farthest from its border and from the frame."""
        c = self.canv
        c.setFillColor(STATE_NAME)
        step = 6.0
        gx, gy = np.meshgrid(
            np.arange(step / 2, self.width, step), np.arange(step / 2, self.height, step)
        )
        for outline in basemap.states():
            if outline.coalition:
                continue
            inside = np.zeros(gx.shape, dtype=bool)
            for ring in outline.rings:
                xs, ys = self._project(ring[:, 0], ring[:, 1])
                inside ^= _inside_ring(gx, gy, xs, ys)
            if inside.sum() < 6:
                continue
            depth = _depth(inside)
            row, col = np.unravel_index(int(np.argmax(depth)), depth.shape)
            room = 2 * float(depth[row, col]) * step
            x, y = float(gx[row, col]), float(gy[row, col])
            for text in (outline.name.upper(), outline.state):
                if c.stringWidth(text, SANS_BOLD, 7.5) + 6 < room and room > 12:
                    c.setFont(SANS_BOLD, 7.5)
                    c.drawCentredString(x, y - 2.5, text)
                    break

    def _draw_markers(self) -> None:
        """Members as dots: an ink dot with a coloured dot on it, drawn as zero-length
        round-capped strokes, one path per colour. A PDF circle is four Bézier curves
        and a colour change per marker; for 500 members the dots write a tenth of the
        numbers, and the PDF specification defines the round-capped degenerate
        segment as exactly a filled circle."""
        if not self.markers:
            return
        lon = np.array([k.lon for k in self.markers])
        lat = np.array([k.lat for k in self.markers])
        xs, ys = self._project(lon, lat)
        points = list(zip(self.markers, xs.tolist(), ys.tolist(), strict=True))
        dots = [(k, x, y) for k, x, y in points if k.status != "non_reporting"]
        # Open dots, then members that do not report, then the numbered (not open)
        # facilities on top: nothing that matters is hidden under a quieter marker.
        self._draw_dots([(k, x, y) for k, x, y in dots if not k.number], 3.2)
        self._draw_diamonds([(k, x, y) for k, x, y in points if k.status == "non_reporting"])
        self._draw_dots([(k, x, y) for k, x, y in dots if k.number], 4.2)
        self._draw_numbers([(k, x, y) for k, x, y in points if k.number])

    def _draw_dots(self, group: Sequence[tuple[Marker, float, float]], radius: float) -> None:
        if not group:
            return
        c = self.canv
        c.saveState()
        c.setLineCap(1)
        c.setStrokeColor(INK)
        c.setLineWidth(2 * radius + 1)
        self._dots(group)
        c.setLineWidth(2 * radius)
        by_status: dict[str, list[tuple[Marker, float, float]]] = {}
        for item in group:
            by_status.setdefault(item[0].status, []).append(item)
        for key, items in by_status.items():
            c.setStrokeColor(colors.HexColor(STATUS_COLOURS.get(key, "#9e9e9e")))
            self._dots(items)
        c.restoreState()

    def _draw_diamonds(self, group: Sequence[tuple[Marker, float, float]]) -> None:
        c = self.canv
        c.setStrokeColor(INK)
        c.setLineWidth(0.5)
        c.setFillColor(colors.HexColor(STATUS_COLOURS["non_reporting"]))
        r = 2.8
        for _, x, y in group:
            p = c.beginPath()
            p.moveTo(x, y + r)
            p.lineTo(x + r, y)
            p.lineTo(x, y - r)
            p.lineTo(x - r, y)
            p.close()
            c.drawPath(p, stroke=1, fill=1)

    def _draw_numbers(self, numbered: Sequence[tuple[Marker, float, float]]) -> None:
        """Each number in a small white box beside its dot, on the first side (of eight)
        where it covers no other number and no numbered dot, and stays inside the frame:
        in a cluster of troubled hospitals every number stays readable. A leader line
        joins a box pushed further out to its dot."""
        c = self.canv
        c.setFont(SANS_BOLD, LABEL_SIZE)
        dots = _Buckets()
        for _, x, y in numbered:
            dots.add((x, y), x, y, x, y)
        placed = _Buckets()
        for k, x, y in sorted(numbered, key=lambda item: item[0].number or 0):
            text = str(k.number)
            w = c.stringWidth(text, SANS_BOLD, LABEL_SIZE) + 3
            box = self._label_box(x, y, w, placed, dots)
            placed.add(box, box[0], box[1], box[0] + box[2], box[1] + box[3])
            bx, by, bw, bh = box
            near = bx <= x + 5 and bx + bw >= x - 5 and by <= y + 5 and by + bh >= y - 5
            if not near:
                c.setStrokeColor(INK)
                c.setLineWidth(0.4)
                c.line(x, y, min(max(x, bx), bx + bw), min(max(y, by), by + bh))
            c.setFillColor(colors.white)
            c.setStrokeColor(INK)
            c.setLineWidth(0.4)
            c.roundRect(bx, by, bw, bh, 1.5, stroke=1, fill=1)
            c.setFillColor(INK)
            c.drawCentredString(bx + bw / 2, by + 2.1, text)

    def _label_box(
        self,
        x: float,
        y: float,
        w: float,
        placed: _Buckets,
        dots: _Buckets,
    ) -> tuple[float, float, float, float]:
        """(x, y, width, height) of a number's box: the candidate around the dot that
        overlaps least (other boxes count more than dots), nearest first on ties."""
        h = LABEL_HEIGHT
        candidates = []
        for reach in (1.0, 2.2):
            dx, dy = 4 * reach, 2.5 * reach
            candidates += [
                (x + dx, y + dy), (x - dx - w, y + dy), (x + dx, y - dy - h),
                (x - dx - w, y - dy - h), (x - w / 2, y + 4 * reach),
                (x - w / 2, y - 4 * reach - h), (x + 5 * reach, y - h / 2),
                (x - 5 * reach - w, y - h / 2),
            ]  # fmt: skip

        def cost(bx: float, by: float) -> float:
            inside = bx >= 0 and by >= 0 and bx + w <= self.width and by + h <= self.height
            hits = sum(
                1
                for px, py, pw, ph in placed.near(bx, by, bx + w, by + h)
                if bx < px + pw and px < bx + w and by < py + ph and py < by + h
            )
            covered = sum(
                1
                for qx, qy in dots.near(bx - 3, by - 3, bx + w + 3, by + h + 3)
                if bx - 3 < qx < bx + w + 3 and by - 3 < qy < by + h + 3
            )
            return (0 if inside else 100) + 10 * hits + covered

        best = min(range(len(candidates)), key=lambda i: (cost(*candidates[i]), i))
        bx, by = candidates[best]
        return bx, by, w, h

    def _dots(self, items: Sequence[tuple[Marker, float, float]]) -> None:
        path = self.canv.beginPath()
        for _, x, y in items:
            path.moveTo(x, y)
            path.lineTo(x, y)
        self.canv.drawPath(path, stroke=1, fill=0)

    def _draw_scale_bar(self) -> None:
        """A bar of a round number of miles, about a fifth of the map's width, in the
        corner with the fewest members under it (its backing would hide them)."""
        x0, _, x1, _, k = self._extent
        km_across = (x1 - x0) * k * KM_PER_DEGREE
        miles_across = km_across / KM_PER_MILE
        target = miles_across / 5
        nice = max(n for n in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500) if n <= max(target, 1))
        length = nice / miles_across * self.width
        box_w, box_h = length + 40, 15.0
        x, y = self._quiet_corner(box_w, box_h)
        c = self.canv
        c.saveState()
        c.setFillColor(colors.Color(1, 1, 1, alpha=0.85))
        c.rect(x - 3, y - 3, box_w, box_h, stroke=0, fill=1)
        c.setStrokeColor(INK)
        c.setLineWidth(1)
        c.line(x, y + 2, x + length, y + 2)
        c.line(x, y, x, y + 5)
        c.line(x + length, y, x + length, y + 5)
        c.setFillColor(INK)
        c.setFont(SANS, 6.5)
        c.drawString(x + length + 4, y, f"{nice} mi")
        c.restoreState()

    def _quiet_corner(self, box_w: float, box_h: float) -> tuple[float, float]:
        """Where the scale bar goes: bottom left unless members sit there, else the
        corner with the fewest markers within its box (and a marker's radius)."""
        inset = 8.0
        corners = [
            (inset, inset),
            (self.width - box_w - inset + 3, inset),
            (inset, self.height - box_h - inset + 3),
            (self.width - box_w - inset + 3, self.height - box_h - inset + 3),
        ]
        if not self.markers:
            return corners[0]
        xs, ys = self._project(
            np.array([m.lon for m in self.markers]), np.array([m.lat for m in self.markers])
        )
        pad = 5.0

        def covered(corner: tuple[float, float]) -> int:
            cx, cy = corner[0] - 3 - pad, corner[1] - 3 - pad
            inside = (
                (xs >= cx)
                & (xs <= cx + box_w + 2 * pad)
                & (ys >= cy)
                & (ys <= cy + box_h + 2 * pad)
            )
            return int(inside.sum())

        return min(corners, key=covered)


def _inside_ring(gx: np.ndarray, gy: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon test of every point of a regular grid (`gx`, `gy` as
    np.meshgrid makes them: one y per row) against one ring.

    Row by row: the crossings of the ring's edges with the row's y, then for each grid
    point the parity of the crossings to its right. The same comparisons as testing
    every point against every edge, so the same answer, but the loop runs over the
    grid's rows (a few dozen) rather than over the ring's vertices (thousands for a
    state's coastline), and rows outside the ring's height are skipped."""
    inside = np.zeros(gx.shape, dtype=bool)
    if len(xs) == 0:
        return inside
    x0, y0 = np.roll(xs, 1), np.roll(ys, 1)  # each edge from the previous vertex
    sloped = y0 != ys
    x0, y0, x1, y1 = x0[sloped], y0[sloped], xs[sloped], ys[sloped]
    low, high = float(ys.min()), float(ys.max())
    for row in range(gy.shape[0]):
        y = float(gy[row, 0])
        if y < low or y >= high:  # no edge crosses this row
            continue
        crosses = (y1 > y) != (y0 > y)
        if not crosses.any():
            continue
        a0, b0, a1, b1 = x0[crosses], y0[crosses], x1[crosses], y1[crosses]
        at = np.sort((a0 - a1) * (y - b1) / (b0 - b1) + a1)
        # Crossings strictly right of each point: their count's parity is insideness.
        right = len(at) - np.searchsorted(at, gx[row], side="right")
        inside[row] = (right % 2).astype(bool)
    return inside


def _depth(mask: np.ndarray) -> np.ndarray:
    """For each True cell, how many cells to the nearest False cell or the frame edge
    (a chessboard distance, by repeated erosion: the grids here are small)."""
    depth = np.zeros(mask.shape, dtype=int)
    current = mask.copy()
    while current.any():
        depth += current
        shrunk = current.copy()
        shrunk[1:, :] &= current[:-1, :]
        shrunk[:-1, :] &= current[1:, :]
        shrunk[:, 1:] &= current[:, :-1]
        shrunk[:, :-1] &= current[:, 1:]
        shrunk[0, :] = shrunk[-1, :] = False
        shrunk[:, 0] = shrunk[:, -1] = False
        current = shrunk
    return depth


def _thin(xs: np.ndarray, ys: np.ndarray, min_step: float) -> np.ndarray:
    """Indices of the points to draw: drop those closer than `min_step` points to the
    last one kept (invisible at print size; keeps the PDF small and fast)."""
    if len(xs) <= 2:
        return np.arange(len(xs))
    keep = [0]
    lx, ly = xs[0], ys[0]
    for i in range(1, len(xs) - 1):
        if abs(xs[i] - lx) >= min_step or abs(ys[i] - ly) >= min_step:
            keep.append(i)
            lx, ly = xs[i], ys[i]
    keep.append(len(xs) - 1)
    return np.asarray(keep)


class _Buckets:
    """Boxes and dots filed by the square cells of the page they touch, so placing a
    number asks only its neighbourhood: with every one of a thousand facilities
    numbered (a hurricane), comparing each candidate with all others took seconds."""

    SIZE = 24.0  # points: a few number boxes across

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[Any]] = {}

    def _keys(self, x0: float, y0: float, x1: float, y1: float) -> Iterator[tuple[int, int]]:
        s = self.SIZE
        for i in range(math.floor(x0 / s), math.floor(x1 / s) + 1):
            for j in range(math.floor(y0 / s), math.floor(y1 / s) + 1):
                yield i, j

    def add(self, item: Any, x0: float, y0: float, x1: float, y1: float) -> None:
        for key in self._keys(x0, y0, x1, y1):
            self._cells.setdefault(key, []).append(item)

    def near(self, x0: float, y0: float, x1: float, y1: float) -> list[Any]:
        """Every item filed in a cell this rectangle touches, each once."""
        seen: dict[int, Any] = {}
        for key in self._keys(x0, y0, x1, y1):
            for item in self._cells.get(key, ()):
                seen.setdefault(id(item), item)
        return list(seen.values())
