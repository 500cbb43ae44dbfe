"""Which members lie inside an alert's areas: polygons (ray casting on lat/lon, fine at
the scale of a county), circles (great-circle distance) and county geocodes (FIPS,
SAME) matched through the basemap's county outlines."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
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


#: Slack around a polygon's bounding box, in degrees: ray casting can round a crossing
#: an ulp past the last vertex, so the box only rejects points clearly outside it.
BOX_SLACK = 1e-9


class _BoxTest:
    """A point test behind a bounding box (inclusive): a point outside the box is
    outside the shape, and most members are far from most alert areas. The box also
    lets `members_inside` pick, from members sorted by latitude, the few that can be
    inside at all, instead of asking every member."""

    __slots__ = ("east", "north", "south", "west")

    def __init__(self, south: float, north: float, west: float, east: float) -> None:
        self.south, self.north, self.west, self.east = south, north, west, east

    def inside(self, lat: float, lon: float) -> bool:
        """The shape's own test, for a point inside the box."""
        raise NotImplementedError

    def __call__(self, lat: float, lon: float) -> bool:
        if not (self.south <= lat <= self.north and self.west <= lon <= self.east):
            return False
        return self.inside(lat, lon)

    def hits(self, members: MemberPoints) -> list[int]:
        """Indexes (in `members.points`) of the members inside: the same answers as
        calling the test on each, found by bisecting the latitude-sorted members."""
        south, north, west, east = self.south, self.north, self.west, self.east
        points, inside = members.points, self.inside
        if not (south == south and north == north and west == west and east == east):
            # A NaN corner (a shape read back from elsewhere): no box to bisect by.
            return [i for i, (_o, lat, lon) in enumerate(points) if self(lat, lon)]
        lats, order = members.by_lat()
        found = []
        for i in order[bisect_left(lats, south) : bisect_right(lats, north)]:
            _org, lat, lon = points[i]
            if west <= lon <= east and inside(lat, lon):
                found.append(i)
        return found


class _PolygonTest(_BoxTest):
    """`point_in_polygon` of one CAP polygon ((lat, lon) pairs)."""

    __slots__ = ("poly",)

    def __init__(self, poly: Sequence[Sequence[float]]) -> None:
        lats = [p[0] for p in poly] or [0.0]
        lons = [p[1] for p in poly] or [0.0]
        super().__init__(min(lats), max(lats), min(lons) - BOX_SLACK, max(lons) + BOX_SLACK)
        self.poly = poly

    def __call__(self, lat: float, lon: float) -> bool:
        # Rejects as it always has: a NaN corner rejects nothing, as it did.
        if lat < self.south or lat > self.north or lon < self.west or lon > self.east:
            return False
        return point_in_polygon(lat, lon, self.poly)

    def inside(self, lat: float, lon: float) -> bool:
        return point_in_polygon(lat, lon, self.poly)


def _polygon_test(poly: Sequence[Sequence[float]]) -> Callable[[float, float], bool]:
    return _PolygonTest(poly)


def _area_tests(area: dict[str, Any], counties: dict[str, Any]) -> list[Callable[..., bool]]:
    """One point test per shape of an area, as `area_contains` tests them."""
    tests: list[Callable[..., bool]] = [_PolygonTest(p) for p in area.get("polygons") or ()]
    for c_lat, c_lon, radius in area.get("circles") or ():
        tests.append(partial(_in_circle, c_lat, c_lon, radius))
    for name, value in area.get("geocodes") or ():
        fips = county_fips(name, value)
        if fips and fips in counties:
            tests.append(counties[fips])
    return tests


def _in_circle(c_lat: float, c_lon: float, radius: float, lat: float, lon: float) -> bool:
    return distance_km(lat, lon, c_lat, c_lon) <= radius


class MemberPoints:
    """Members with a position, read once: a feed asks the same members about every
    alert, and reading lat/lon off ORM objects each time cost more than the geometry."""

    __slots__ = ("_by_lat", "_counties", "points")

    def __init__(self, members: Iterable[Any]) -> None:
        self.points: list[tuple[Any, Any, Any]] = []
        self._by_lat: tuple[list[float], list[int]] | None = None
        self._counties: dict[_CountyTest, list[int]] = {}
        for org in members:
            lat, lon = org.lat, org.lon
            if lat is not None and lon is not None:
                self.points.append((org, lat, lon))

    def county_hits(self, test: _CountyTest) -> list[int]:
        """`test.hits(self)`, kept: a county's members do not change during a feed, and
        every alert of a state-wide feed names the same few counties."""
        found = self._counties.get(test)
        if found is None:
            found = self._counties[test] = test.hits(self)
        return found

    def by_lat(self) -> tuple[list[float], list[int]]:
        """The members' latitudes in ascending order and their indexes in `points`,
        made once. A latitude that does not compare (NaN) is left out: no box holds it,
        and ray casting puts it outside every polygon too."""
        if self._by_lat is None:
            order = sorted(
                (i for i, (_o, lat, _l) in enumerate(self.points) if lat == lat),
                key=lambda i: self.points[i][1],
            )
            self._by_lat = ([self.points[i][1] for i in order], order)
        return self._by_lat


def members_inside(
    infos: Iterable[dict[str, Any]], members: Iterable[Any] | MemberPoints
) -> list[Any]:
    """Members (objects with lat/lon, or a MemberPoints of them) inside any area of
    any info block, in the members' order. Polygons (most alert areas) ask only the
    members inside their bounding box; circles and counties ask every member that no
    polygon has already placed inside."""
    areas = [a for info in infos for a in (info.get("areas") or ())]
    if not areas:
        return []
    counties = _county_tests()
    tests = [t for a in areas for t in _area_tests(a, counties)]
    if not tests:
        return []
    if not isinstance(members, MemberPoints):
        members = MemberPoints(members)
    points = members.points
    inside: set[int] = set()
    others = []
    for t in tests:
        if isinstance(t, _CountyTest):
            inside.update(members.county_hits(t))
        elif isinstance(t, _BoxTest):
            inside.update(t.hits(members))
        else:
            others.append(t)
    if others:
        more = [
            i
            for i, (_org, lat, lon) in enumerate(points)
            if i not in inside and any(t(lat, lon) for t in others)
        ]
        inside.update(more)
    return [points[i][0] for i in sorted(inside)]


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


#: Answers kept per county: members are few and fixed, a feed asks about them for
#: every alert that names the county; the cap keeps a stray caller from growing it.
COUNTY_MEMO = 50_000


class _CountyTest(_BoxTest):
    """A county outline's rings as (lon, lat) arrays, as GeoJSON stores them; answers
    are remembered per point (county outlines have hundreds of vertices; the same
    members are asked again and again)."""

    __slots__ = ("flipped", "memo")

    def __init__(self, rings: list[Sequence[Sequence[float]]]) -> None:
        flipped = [[(float(p[1]), float(p[0])) for p in ring] for ring in rings]
        lats = [p[0] for ring in flipped for p in ring] or [0.0]
        lons = [p[1] for ring in flipped for p in ring] or [0.0]
        super().__init__(min(lats), max(lats), min(lons), max(lons))
        self.flipped = flipped
        self.memo: dict[tuple[float, float], bool] = {}

    def inside(self, lat: float, lon: float) -> bool:
        key = (lat, lon)
        memo = self.memo
        hit = memo.get(key)
        if hit is None:
            hit = sum(point_in_polygon(lat, lon, ring) for ring in self.flipped) % 2 == 1
            if len(memo) >= COUNTY_MEMO:
                memo.clear()
            memo[key] = hit
        return hit


def _rings_test(rings: list[Sequence[Sequence[float]]]) -> Any:
    return _CountyTest(rings)


# ------------------------------------------------------------------ drawing

CIRCLE_STEPS = 64
KM_PER_DEGREE = math.pi * EARTH_KM / 180
#: CAP statuses and message types that put nothing on the map: tests, drafts and
#: system messages are to be disregarded; a Cancel withdraws, it marks no area.
NOT_DRAWN_STATUS = frozenset({"Test", "System", "Draft"})
NOT_DRAWN_TYPES = frozenset({"Cancel", "Ack", "Error"})


def circle_ring(lat: float, lon: float, km: float) -> list[tuple[float, float]]:
    """A CAP circle as a closed (lon, lat) ring: a map in lon/lat degrees draws it
    as a polygon (longitude degrees shrink with cos(latitude))."""
    dlat = km / KM_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    ring = [
        (lon + dlon * math.cos(a), lat + dlat * math.sin(a))
        for a in (2 * math.pi * i / CIRCLE_STEPS for i in range(CIRCLE_STEPS))
    ]
    return ring + ring[:1]


def area_rings(area: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Every shape of one CAP area as closed (lon, lat) rings: polygons, circles and
    the county outlines its FIPS/SAME geocodes name (when the basemap has them)."""
    rings = [[(float(p[1]), float(p[0])) for p in poly] for poly in area.get("polygons") or ()]
    rings += [circle_ring(float(c[0]), float(c[1]), float(c[2])) for c in area.get("circles") or ()]
    outlines = _county_outlines()
    for name, value in area.get("geocodes") or ():
        fips = county_fips(str(name), str(value))
        for ring in outlines.get(fips or "", ()):
            rings.append(ring)
    return rings


@lru_cache(maxsize=1)
def _county_outlines() -> dict[str, list[list[tuple[float, float]]]]:
    try:
        from hcc_desktop.core import basemap

        outlines = basemap.counties()
    except Exception:  # no basemap in this build: geocodes are then not drawn
        return {}
    return {
        o.fips: [[(float(p[0]), float(p[1])) for p in ring] for ring in o.rings]
        for o in outlines
        if o.fips
    }


@dataclass(frozen=True)
class AlertShape:
    """One alert as the map draws it: its outlines and what its tooltip says."""

    alert_id: str
    headline: str
    event: str
    severity: str
    sender: str
    expires: str | None
    area_names: str
    rings: list[list[tuple[float, float]]]


def _reference_key(alert: Any) -> str:
    return f"{alert.sender},{alert.identifier},{alert.sent}"


def active_shapes(
    alerts: Iterable[Any], *, now: datetime, every: Iterable[Any] = ()
) -> list[AlertShape]:
    """The shapes of the alerts still in force at `now`: not a test, draft or
    cancellation, not superseded by a later Update or Cancel (found among `every`,
    all alerts known, since the follow-up may sit in another incident), and not past
    the latest expiry of its info blocks. Alerts with no area draw nothing."""
    alerts = list(alerts)
    superseded = {
        ref for a in [*alerts, *every] for ref in (a.references or ()) if isinstance(ref, str)
    }
    out = []
    for a in alerts:
        if a.status in NOT_DRAWN_STATUS or a.msg_type in NOT_DRAWN_TYPES:
            continue
        if _reference_key(a) in superseded:
            continue
        infos = [i for i in (a.infos or ()) if isinstance(i, dict)]
        expiries = [(_moment(i.get("expires")), i.get("expires")) for i in infos]
        latest = max(expiries, key=lambda e: e[0] or now) if expiries else (None, None)
        if infos and all(m is not None for m, _ in expiries) and (latest[0] or now) < now:
            continue
        rings = [r for i in infos for area in i.get("areas") or () for r in area_rings(area)]
        if not rings:
            continue
        first = infos[0] if infos else {}
        names = "; ".join(
            str(area.get("description") or "") for i in infos for area in i.get("areas") or ()
        ).strip("; ")
        out.append(
            AlertShape(
                alert_id=str(a.id),
                headline=str(first.get("headline") or first.get("event") or a.identifier),
                event=str(first.get("event") or ""),
                severity=str(first.get("severity") or "Unknown"),
                sender=str(first.get("sender_name") or a.sender or ""),
                expires=str(latest[1]) if latest[1] and latest[0] is not None else None,
                area_names=names,
                rings=rings,
            )
        )
    return out


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
