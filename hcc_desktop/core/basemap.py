"""The basemap (state and county outlines) as plain arrays of lon/lat line strings.

The member map (pyqtgraph) and the PDF briefing (reportlab) draw the same outlines, so
reading the GeoJSON in resources/basemap/ happens once, here, without Qt. The files are
made by tools/build_basemap.py from the Census Bureau's cartographic boundaries (see
resources/README.md, "Basemap").

Each outline is a named list of rings: (n, 2) float arrays of (lon, lat), closed (the
last point repeats the first). Exterior rings and holes are not told apart: both are
lines to draw, and a fill with the non-zero or even-odd rule gets holes right because
the files follow the GeoJSON winding rule.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from hcc_desktop.paths import resource

STATES_FILE = "states.geojson"
COUNTIES_FILE = "counties.geojson"


class BasemapError(Exception):
    """A basemap file is missing or not the GeoJSON expected (names the file)."""


class Outline(NamedTuple):
    """One state or county: its name, its rings, and its FIPS and postal state code
    (county names repeat across states: there is a Middlesex in CT and in MA)."""

    name: str
    rings: list[np.ndarray]
    fips: str
    state: str
    #: True inside the states the coalition covers (CT, MA); neighbours are context.
    coalition: bool = False


def _rings(geometry: dict[str, Any], where: str) -> list[np.ndarray]:
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise BasemapError(f"{where}: expected a Polygon or MultiPolygon, got {kind!r}")
    rings = []
    for polygon in polygons:
        for ring in polygon:
            arr = np.asarray(ring, dtype=float)
            if arr.ndim != 2 or arr.shape[1] != 2 or len(arr) < 2:
                raise BasemapError(f"{where}: a ring is not a list of [lon, lat] pairs")
            arr.setflags(write=False)  # cached and shared: nobody may edit it in place
            rings.append(arr)
    return rings


def load_outlines(path: Path) -> tuple[Outline, ...]:
    """Read one basemap GeoJSON file (uncached; `states()` and `counties()` cache)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BasemapError(f"{path}: cannot read the basemap ({exc.strerror})") from None
    except ValueError as exc:
        raise BasemapError(f"{path}: not valid JSON ({exc})") from None
    if data.get("type") != "FeatureCollection":
        raise BasemapError(f"{path}: expected a GeoJSON FeatureCollection")
    out = []
    for k, feature in enumerate(data.get("features", [])):
        props = feature.get("properties") or {}
        where = f"{path}, feature {k} ({props.get('name', '?')})"
        out.append(
            Outline(
                name=str(props.get("name", "")),
                rings=_rings(feature.get("geometry") or {}, where),
                fips=str(props.get("county_fips") or props.get("state_fips") or ""),
                state=str(props.get("state", "")),
                coalition=bool(props.get("coalition", False)),
            )
        )
    return tuple(out)


@cache
def states() -> tuple[Outline, ...]:
    """CT and MA (coalition=True) and their neighbours NY, RI, NH, VT, ME."""
    return load_outlines(resource("basemap", STATES_FILE))


@cache
def counties() -> tuple[Outline, ...]:
    """The counties of CT (the eight historic ones) and MA (fourteen)."""
    return load_outlines(resource("basemap", COUNTIES_FILE))


def polyline(outlines: tuple[Outline, ...] | list[Outline]) -> np.ndarray:
    """All rings of `outlines` in one (n, 2) array, rings separated by a row of NaN:
    a plotting library draws the lot in one call instead of one per ring."""
    parts: list[np.ndarray] = []
    gap = np.full((1, 2), np.nan)
    for outline in outlines:
        for ring in outline.rings:
            if parts:
                parts.append(gap)
            parts.append(ring)
    if not parts:
        return np.empty((0, 2))
    return np.concatenate(parts)


def bounds(outlines: tuple[Outline, ...] | list[Outline]) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of `outlines`."""
    pts = np.concatenate([r for o in outlines for r in o.rings])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def coalition_bounds() -> tuple[float, float, float, float]:
    """The extent of the coalition's states: the map's view before any member shows."""
    return bounds([s for s in states() if s.coalition])
