"""Build resources/basemap/{states,counties}.geojson from the us-atlas TopoJSON package.

The member map and the PDF briefing draw state and county outlines offline, so the
program ships them as two small GeoJSON files. They are derived, not hand-made, so that
anyone can check them against the public source and make them again byte for byte:
this script decodes the TopoJSON itself (standard library only), keeps the coalition's
states (CT, MA) and their neighbours, and writes sorted, rounded, compact output.

Source: the npm package ``us-atlas`` 3.0.1 (ISC licence), a TopoJSON redistribution of
the US Census Bureau's 2017 cartographic boundary files (cb_2017_us_county_5m,
1:5,000,000; public domain), quantized and simplified by us-atlas into its "-10m" files.
Only ``counties-10m.json`` is read: it holds both the ``counties`` and the ``states``
objects in one topology, so the state outlines share their arcs with the county
outlines and the two layers meet exactly. (``states-10m.json`` in the same package is a
separately simplified topology whose borders would not line up with the counties.)

Connecticut's counties in this 2017 edition are the eight historic counties; since 2022
the Census Bureau uses the nine planning regions as county equivalents instead. The
eight are what people in an EOC still name, so they are kept.

Run from anywhere:
    python tools/build_basemap.py                  # runs `npm pack us-atlas@3.0.1` itself
    python tools/build_basemap.py --atlas DIR      # DIR: unpacked package (or the .tgz)
    python tools/build_basemap.py --out DIR        # write elsewhere (the test uses this)
Exit codes: 0 done, 2 bad input, 3 could not fetch the package with npm.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "resources" / "basemap"
PACKAGE = "us-atlas"
VERSION = "3.0.1"
TOPOLOGY_FILE = "counties-10m.json"
DECIMALS = 4  # 1e-4 degree is about 10 m: far below the source's own accuracy

#: State FIPS -> postal code. The coalition's states first; then the neighbours shown
#: around them for orientation (Maine: its southern coast shows north of Essex County).
COALITION_STATES = {"09": "CT", "25": "MA"}
NEIGHBOUR_STATES = {"36": "NY", "44": "RI", "33": "NH", "50": "VT", "23": "ME"}
STATES = {**COALITION_STATES, **NEIGHBOUR_STATES}

Point = tuple[float, float]
Ring = list[Point]


class BuildError(Exception):
    """Bad or unexpected input: the message says which file and what was expected."""


class FetchError(Exception):
    """npm could not fetch the package (offline, no npm): exit code 3."""


# ------------------------------------------------------------------------ TopoJSON


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Absolute coordinates of every arc. A quantized topology (with a `transform`)
    stores each arc as a first position followed by deltas, in integer grid units;
    without a transform the positions are already absolute."""
    arcs = topology.get("arcs")
    if not isinstance(arcs, list):
        raise BuildError("topology has no 'arcs' list")
    transform = topology.get("transform")
    if transform is None:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in arcs]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    out: list[list[Point]] = []
    for arc in arcs:
        x = y = 0
        points: list[Point] = []
        for position in arc:
            x += position[0]
            y += position[1]
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def arc_points(arcs: Sequence[Sequence[Point]], index: int) -> list[Point]:
    """Arc `index`, or for a negative index ~i (the ones' complement) arc i reversed:
    TopoJSON shares one arc between two neighbours, which walk it in opposite
    directions."""
    if index >= 0:
        return list(arcs[index])
    return list(reversed(arcs[~index]))


def stitch_ring(arcs: Sequence[Sequence[Point]], indexes: Iterable[int]) -> Ring:
    """One closed ring from its arcs: each arc starts where the previous one ended, so
    that shared point is dropped from every arc after the first."""
    ring: Ring = []
    for k, index in enumerate(indexes):
        points = arc_points(arcs, index)
        ring.extend(points if k == 0 else points[1:])
    return ring


def geometry_polygons(
    geometry: dict[str, Any], arcs: Sequence[Sequence[Point]]
) -> list[list[Ring]]:
    """A Polygon or MultiPolygon object as a list of polygons, each a list of rings
    (exterior first, then holes)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    elif kind is None:  # a null geometry
        return []
    else:
        raise BuildError(f"expected Polygon or MultiPolygon, got {kind!r}")
    return [[stitch_ring(arcs, ring) for ring in polygon] for polygon in polygons]


# ------------------------------------------------------------------- simplification


def _distance_sq(p: Point, a: Point, b: Point) -> float:
    """Squared distance from p to the segment a–b (in degrees; fine at this scale)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return (p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return (p[0] - a[0] - t * dx) ** 2 + (p[1] - a[1] - t * dy) ** 2


def simplify_arc(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker on one arc, keeping both ends. Simplifying arcs (not rings)
    keeps shared borders identical on both sides, so neighbours never gap or overlap."""
    if tolerance <= 0 or len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        worst, worst_at = -1.0, -1
        for i in range(first + 1, last):
            d = _distance_sq(points[i], points[first], points[last])
            if d > worst:
                worst, worst_at = d, i
        if worst > limit:
            keep[worst_at] = True
            stack.extend(((first, worst_at), (worst_at, last)))
    return [p for p, k in zip(points, keep, strict=True) if k]


# --------------------------------------------------------------------------- output


def signed_area(ring: Sequence[Point]) -> float:
    """Shoelace area, positive when the ring runs counter-clockwise."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))


def clean_ring(ring: Ring, *, exterior: bool) -> list[list[float]] | None:
    """Rounded ring with repeated points removed, wound by the GeoJSON right-hand rule
    (RFC 7946: exterior counter-clockwise, holes clockwise); None when rounding left it
    without area (a speck of an island)."""
    out: list[tuple[float, float]] = []
    for x, y in ring:
        p = (round(x, DECIMALS) + 0.0, round(y, DECIMALS) + 0.0)  # +0.0: no "-0.0"
        if not out or p != out[-1]:
            out.append(p)
    if len(out) > 1 and out[0] != out[-1]:
        out.append(out[0])
    if len(out) < 4:
        return None
    area = signed_area(out)
    if area == 0:
        return None
    if (area > 0) != exterior:
        out.reverse()
    return [[x, y] for x, y in out]


def multipolygon(polygons: list[list[Ring]]) -> dict[str, Any] | None:
    coordinates = []
    for polygon in polygons:
        rings = []
        for k, ring in enumerate(polygon):
            cleaned = clean_ring(ring, exterior=k == 0)
            if cleaned is None:
                if k == 0:
                    break  # no exterior left: drop the whole polygon with its holes
                continue
            rings.append(cleaned)
        if rings:
            coordinates.append(rings)
    if not coordinates:
        return None
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


def feature_collection(features: list[dict[str, Any]], source: str) -> str:
    """Compact JSON with one feature per line: small, and a diff shows which feature
    changed. Keys sorted, features sorted by FIPS: the same input gives the same bytes."""
    head = json.dumps(
        {"generated_by": "tools/build_basemap.py", "source": source, "type": "FeatureCollection"},
        sort_keys=True,
        separators=(",", ":"),
    )
    lines = [json.dumps(f, sort_keys=True, separators=(",", ":")) for f in features]
    return head[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


# ---------------------------------------------------------------------------- build


def build(
    topology: dict[str, Any], *, version: str, tolerance: float = 0.0
) -> tuple[str, str, dict[str, int]]:
    """(states.geojson text, counties.geojson text, counts) from the us-atlas topology."""
    objects = topology.get("objects", {})
    for name in ("states", "counties"):
        if name not in objects:
            raise BuildError(f"{TOPOLOGY_FILE} has no '{name}' object (is this us-atlas?)")
    arcs = [simplify_arc(arc, tolerance) for arc in decode_arcs(topology)]
    source = (
        f"npm {PACKAGE}@{version} {TOPOLOGY_FILE} (ISC licence): US Census Bureau "
        "cartographic boundary files 2017 (cb_2017_us_county_5m), simplified by us-atlas; "
        "public domain"
    )
    states: list[dict[str, Any]] = []
    for g in objects["states"]["geometries"]:
        fips = str(g.get("id", ""))
        if fips not in STATES:
            continue
        geometry = multipolygon(geometry_polygons(g, arcs))
        if geometry is None:
            raise BuildError(f"state {fips} has no outline left after rounding")
        props = {
            "coalition": fips in COALITION_STATES,
            "name": g["properties"]["name"],
            "state": STATES[fips],
            "state_fips": fips,
        }
        states.append({"geometry": geometry, "id": fips, "properties": props, "type": "Feature"})
    counties: list[dict[str, Any]] = []
    for g in objects["counties"]["geometries"]:
        fips = str(g.get("id", ""))
        if fips[:2] not in COALITION_STATES:
            continue
        geometry = multipolygon(geometry_polygons(g, arcs))
        if geometry is None:
            raise BuildError(f"county {fips} has no outline left after rounding")
        props = {
            "coalition": True,
            "county_fips": fips,
            "name": g["properties"]["name"],
            "state": COALITION_STATES[fips[:2]],
            "state_fips": fips[:2],
        }
        counties.append({"geometry": geometry, "id": fips, "properties": props, "type": "Feature"})
    missing = set(STATES) - {f["id"] for f in states}
    if missing:
        raise BuildError(f"{TOPOLOGY_FILE} lacks the states with FIPS {sorted(missing)}")
    states.sort(key=lambda f: f["id"])
    counties.sort(key=lambda f: f["id"])
    counts = {"states": len(states), "counties": len(counties)}
    return feature_collection(states, source), feature_collection(counties, source), counts


# ---------------------------------------------------------------------------- input


def npm_pack(dest: Path) -> Path:
    """`npm pack us-atlas@3.0.1` into `dest`; returns the tarball. npm's cache makes a
    second run work offline."""
    npm = shutil.which("npm")
    if npm is None:
        raise FetchError("npm is not installed; pass --atlas DIR with the unpacked package")
    try:
        result = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--prefer-offline", "--silent"],
            cwd=dest,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FetchError(f"npm pack {PACKAGE}@{VERSION} failed: {exc}") from None
    tarballs = sorted(dest.glob(f"{PACKAGE}-*.tgz"))
    if result.returncode != 0 or not tarballs:
        raise FetchError(
            f"npm pack {PACKAGE}@{VERSION} failed (exit {result.returncode}): "
            f"{result.stderr.strip()[-500:]}"
        )
    return tarballs[0]


def read_atlas(path: Path) -> tuple[dict[str, Any], str]:
    """(topology, package version) from an unpacked package folder (with or without
    the tarball's `package/` level) or from the .tgz itself."""
    if path.is_file():
        try:
            with tarfile.open(path) as tar:
                files = {
                    name: tar.extractfile(f"package/{name}")
                    for name in (TOPOLOGY_FILE, "package.json")
                }
                texts = {name: f.read() for name, f in files.items() if f is not None}
        except (tarfile.TarError, KeyError) as exc:
            raise BuildError(f"{path}: not a us-atlas package tarball ({exc})") from None
    else:
        folder = path / "package" if (path / "package" / TOPOLOGY_FILE).exists() else path
        if not (folder / TOPOLOGY_FILE).exists():
            raise BuildError(f"{path}: no {TOPOLOGY_FILE} (expected the unpacked us-atlas)")
        texts = {name: (folder / name).read_bytes() for name in (TOPOLOGY_FILE, "package.json")}
    try:
        topology = json.loads(texts[TOPOLOGY_FILE])
        meta = json.loads(texts["package.json"])
    except (KeyError, ValueError) as exc:
        raise BuildError(f"{path}: cannot read {TOPOLOGY_FILE} / package.json: {exc}") from None
    if topology.get("type") != "Topology":
        raise BuildError(f"{path}: {TOPOLOGY_FILE} is not a TopoJSON Topology")
    if meta.get("name") != PACKAGE:
        raise BuildError(f"{path}: package.json names {meta.get('name')!r}, not {PACKAGE!r}")
    return topology, str(meta.get("version"))


# ----------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--atlas", type=Path, help="unpacked us-atlas package or its .tgz")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--simplify",
        type=float,
        default=0.0,
        metavar="DEG",
        help="Douglas-Peucker tolerance in degrees (default 0: us-atlas has simplified it)",
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="us-atlas-") as tmp:
            atlas = args.atlas or npm_pack(Path(tmp))
            topology, version = read_atlas(atlas)
        if version != VERSION:
            print(
                f"warning: us-atlas {version}, not {VERSION}: output will differ", file=sys.stderr
            )
        states, counties, counts = build(topology, version=version, tolerance=args.simplify)
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in (("states.geojson", states), ("counties.geojson", counties)):
        target = args.out / name
        target.write_text(text, encoding="utf-8", newline="\n")
        if not args.quiet:
            print(f"wrote {target} ({len(text.encode()):,} bytes)")
    if not args.quiet:
        print(f"{counts['states']} states, {counts['counties']} counties from us-atlas {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
