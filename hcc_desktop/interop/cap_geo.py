"""The geometry of a CAP area as text: polygons ("lat,lon" pairs, first equal to last)
and circles ("lat,lon radius-km"), checked point by point and bounded in size, so a
broken or hostile file is refused naming the element rather than stalling the map."""

from __future__ import annotations

from hcc_desktop.interop.xmlsafe import XmlRefused

#: Points per polygon. A National Weather Service polygon has at most a few hundred;
#: ten thousand is room for any real warning area drawn in detail, while a polygon of
#: 100,000 points is a broken or hostile file that would stall the map and the
#: members test. Refused, naming the element and the limit, not silently thinned.
MAX_POLYGON_POINTS = 10_000


def parse_polygon(raw: str, label: str, where: str) -> list[tuple[float, float]]:
    """CAP polygons are space-separated "lat,lon" pairs, first equal to last. Counted
    before anything is parsed, so a polygon over the limit costs no time."""
    pairs = raw.split()
    if len(pairs) > MAX_POLYGON_POINTS:
        raise XmlRefused(
            label,
            f"{where}: <polygon> has {len(pairs)} points; at most {MAX_POLYGON_POINTS} "
            "are accepted (a real warning area has a few hundred)",
        )
    points = []
    for pair in pairs:
        try:
            lat_s, lon_s = pair.split(",")
            lat, lon = float(lat_s), float(lon_s)
        except ValueError:
            raise XmlRefused(label, f"{where}: polygon point {pair!r} is not 'lat,lon'") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise XmlRefused(label, f"{where}: polygon point {pair!r} is off the globe")
        points.append((lat, lon))
    if len(points) < 4:
        raise XmlRefused(label, f"{where}: a polygon needs at least four points")
    return points


def parse_circle(raw: str, label: str, where: str) -> tuple[float, float, float]:
    try:
        centre, radius = raw.split()
        lat_s, lon_s = centre.split(",")
        return float(lat_s), float(lon_s), float(radius)
    except ValueError:
        raise XmlRefused(label, f"{where}: circle {raw!r} is not 'lat,lon radius'") from None
