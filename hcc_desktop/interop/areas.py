"""Which members lie inside an alert's areas: polygons (ray casting on lat/lon, fine at
the scale of a county), circles (great-circle distance) and county geocodes (FIPS,
SAME) matched through the basemap's county outlines."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

EARTH_KM = 6371.0088


def point_in_polygon(lat: float, lon: float, polygon: Sequence[Sequence[float]]) -> bool:
    """`polygon` as (lat, lon) pairs."""
    inside = False
    n = len(polygon)
    for i in range(n):
        lat1, lon1 = polygon[i][0], polygon[i][1]
        lat2, lon2 = polygon[(i + 1) % n][0], polygon[(i + 1) % n][1]
        if (lat1 > lat) != (lat2 > lat):
            cross = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if lon < cross:
                inside = not inside
    return inside


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, a)))


def county_fips(name: str, value: str) -> str | None:
    """Five-digit county FIPS from a CAP geocode, when it names a county."""
    digits = value.strip()
    if name.upper() in ("SAME", "FIPS6") and digits.isdigit() and len(digits) == 6:
        return digits[1:]
    if name.upper() in ("FIPS", "FIPS5", "COUNTYFIPS") and digits.isdigit() and len(digits) == 5:
        return digits
    return None


def area_contains(area: dict[str, Any], lat: float, lon: float, counties: dict[str, Any]) -> bool:
    for poly in area.get("polygons") or ():
        if point_in_polygon(lat, lon, poly):
            return True
    for c_lat, c_lon, radius in area.get("circles") or ():
        if distance_km(lat, lon, c_lat, c_lon) <= radius:
            return True
    for name, value in area.get("geocodes") or ():
        fips = county_fips(name, value)
        if fips and fips in counties and counties[fips](lat, lon):
            return True
    return False


def members_inside(infos: Iterable[dict[str, Any]], members: Iterable[Any]) -> list[Any]:
    """Members (objects with lat/lon) inside any area of any info block."""
    counties = _county_tests()
    areas = [a for info in infos for a in (info.get("areas") or ())]
    if not areas:
        return []
    return [
        org
        for org in members
        if org.lat is not None
        and org.lon is not None
        and any(area_contains(a, org.lat, org.lon, counties) for a in areas)
    ]


@lru_cache(maxsize=1)
def _county_tests() -> dict[str, Any]:
    """FIPS → point test from the basemap's county outlines, when it is there (built
    once: a feed of a thousand alerts asks a thousand times)."""
    try:
        from hcc_desktop.core import basemap

        outlines = basemap.counties()
    except Exception:  # no basemap in this build: geocodes are then not matched
        return {}
    return {o.fips: _rings_test(o.rings) for o in outlines if o.fips}


def _rings_test(rings: list[Sequence[Sequence[float]]]) -> Any:
    """rings as (lon, lat) arrays, as GeoJSON stores them; a bounding box rejects
    most points before the ring walk."""
    flipped = [[(float(p[1]), float(p[0])) for p in ring] for ring in rings]
    lats = [p[0] for ring in flipped for p in ring] or [0.0]
    lons = [p[1] for ring in flipped for p in ring] or [0.0]
    box = (min(lats), max(lats), min(lons), max(lons))

    def test(lat: float, lon: float) -> bool:
        if not (box[0] <= lat <= box[1] and box[2] <= lon <= box[3]):
            return False
        hits = sum(point_in_polygon(lat, lon, ring) for ring in flipped)
        return hits % 2 == 1

    return test
