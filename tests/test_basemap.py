"""The shipped basemap (resources/basemap/) and the code that makes and reads it.

The member map and the PDF briefing both draw these outlines, so a broken file would
show as an empty or garbled map in front of an EOC. These tests check the files'
content and bounds, the Qt-free loader, the TopoJSON decoder on a topology small
enough to work out by hand, and that tools/build_basemap.py makes the committed files
again byte for byte from us-atlas 3.0.1.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
BASEMAP = ROOT / "resources" / "basemap"
SCRIPT = ROOT / "tools" / "build_basemap.py"

CT_COUNTIES = {
    "Fairfield", "Hartford", "Litchfield", "Middlesex", "New Haven", "New London",
    "Tolland", "Windham",
}  # fmt: skip
MA_COUNTIES = {
    "Barnstable", "Berkshire", "Bristol", "Dukes", "Essex", "Franklin", "Hampden",
    "Hampshire", "Middlesex", "Nantucket", "Norfolk", "Plymouth", "Suffolk", "Worcester",
}  # fmt: skip

# New England and New York, with a margin: nothing in the files may fall outside.
LON_RANGE = (-80.0, -66.5)
LAT_RANGE = (40.4, 47.6)


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_basemap", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_basemap", module)
    spec.loader.exec_module(module)
    return module


bb = _build_module()


def _load(name: str) -> dict[str, Any]:
    return json.loads((BASEMAP / name).read_text(encoding="utf-8"))


def _rings(feature: dict[str, Any]) -> list[list[list[float]]]:
    geometry = feature["geometry"]
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [ring for polygon in polygons for ring in polygon]


# ---------------------------------------------------------------------- the files


@pytest.mark.parametrize("name", ["states.geojson", "counties.geojson"])
def test_file_is_small_sorted_geojson(name: str) -> None:
    path = BASEMAP / name
    assert path.stat().st_size < 200_000  # well under 1 MB: us-atlas simplified it
    data = _load(name)
    assert data["type"] == "FeatureCollection"
    assert "us-atlas@3.0.1" in data["source"]
    ids = [f["id"] for f in data["features"]]
    assert ids == sorted(ids)
    assert path.read_bytes().endswith(b"]}\n")


def test_states_are_the_coalition_and_its_neighbours() -> None:
    by_code = {
        f["properties"]["state"]: f["properties"] for f in _load("states.geojson")["features"]
    }
    assert {"CT", "MA", "NY", "RI", "NH", "VT"} <= set(by_code)
    assert by_code["CT"] == {
        "coalition": True, "name": "Connecticut", "state": "CT", "state_fips": "09",
    }  # fmt: skip
    assert by_code["MA"]["coalition"] and by_code["MA"]["state_fips"] == "25"
    assert not by_code["NY"]["coalition"]


def test_counties_of_ct_and_ma() -> None:
    features = _load("counties.geojson")["features"]
    ct = {f["properties"]["name"] for f in features if f["properties"]["state"] == "CT"}
    ma = {f["properties"]["name"] for f in features if f["properties"]["state"] == "MA"}
    assert ct == CT_COUNTIES  # the eight historic counties of the 2017 edition
    assert ma == MA_COUNTIES
    for f in features:
        props = f["properties"]
        assert props["county_fips"] == f["id"]
        assert props["county_fips"].startswith(props["state_fips"])
        assert len(props["county_fips"]) == 5


@pytest.mark.parametrize("name", ["states.geojson", "counties.geojson"])
def test_coordinates_are_sane_rounded_and_closed(name: str) -> None:
    for feature in _load(name)["features"]:
        for k, ring in enumerate(_rings(feature)):
            assert len(ring) >= 4 and ring[0] == ring[-1]
            for lon, lat in ring:
                assert LON_RANGE[0] <= lon <= LON_RANGE[1], (feature["id"], lon)
                assert LAT_RANGE[0] <= lat <= LAT_RANGE[1], (feature["id"], lat)
                assert round(lon, 4) == lon and round(lat, 4) == lat
            if k == 0:  # RFC 7946: exterior rings counter-clockwise
                assert bb.signed_area([tuple(p) for p in ring]) > 0


def test_counties_lie_inside_their_state() -> None:
    """County and state outlines share arcs, so their extents agree exactly."""
    states = {f["properties"]["state"]: f for f in _load("states.geojson")["features"]}
    for code in ("CT", "MA"):
        state = np.concatenate([np.array(r) for r in _rings(states[code])])
        counties = [
            f for f in _load("counties.geojson")["features"] if f["properties"]["state"] == code
        ]
        pts = np.concatenate([np.array(r) for f in counties for r in _rings(f)])
        assert np.allclose(pts.min(axis=0), state.min(axis=0))
        assert np.allclose(pts.max(axis=0), state.max(axis=0))


# ----------------------------------------------------------------------- the loader


def test_loader_gives_named_arrays() -> None:
    from hcc_desktop.core import basemap

    states = basemap.states()
    assert states is basemap.states()  # cached
    names = [o.name for o in states]
    assert "Connecticut" in names and "Massachusetts" in names
    ct = next(o for o in states if o.state == "CT")
    assert ct.coalition and ct.fips == "09"
    name, rings = ct[0], ct[1]  # (name, rings, ...) as a plain tuple too
    assert name == "Connecticut"
    assert all(r.ndim == 2 and r.shape[1] == 2 for r in rings)
    with pytest.raises(ValueError):
        rings[0][0, 0] = 0.0  # shared by every caller: read-only
    counties = basemap.counties()
    assert len(counties) == 22
    assert {o.fips for o in counties if o.name == "Middlesex"} == {"09007", "25017"}


def test_polyline_and_bounds() -> None:
    from hcc_desktop.core import basemap

    counties = basemap.counties()
    line = basemap.polyline(counties)
    n_rings = sum(len(o.rings) for o in counties)
    assert np.isnan(line[:, 0]).sum() == n_rings - 1
    assert len(line) == sum(len(r) for o in counties for r in o.rings) + n_rings - 1
    x0, y0, x1, y1 = basemap.coalition_bounds()
    assert -73.8 < x0 < -73.4 and -70.1 < x1 < -69.8
    assert 40.9 < y0 < 41.3 and 42.7 < y1 < 42.95


def test_loader_names_a_bad_file(tmp_path: Path) -> None:
    from hcc_desktop.core.basemap import BasemapError, load_outlines

    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "Feature"}', encoding="utf-8")
    with pytest.raises(BasemapError, match=r"bad\.geojson"):
        load_outlines(bad)
    with pytest.raises(BasemapError, match=r"missing\.geojson"):
        load_outlines(tmp_path / "missing.geojson")


# ---------------------------------------------------------------------- the decoder

#: Two squares side by side sharing one edge, quantized with scale (0.5, 0.25) and
#: translate (10, 20). In grid units: arc 0 is the shared edge (2,0)->(2,2); arc 1 the
#: rest of the left square (2,2)->(0,2)->(0,0)->(2,0); arc 2 the rest of the right one
#: (2,0)->(4,0)->(4,2)->(2,2). The right square walks the shared edge backwards (~0).
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [0, 2]],
        [[2, 2], [-2, 0], [0, -2], [2, 0]],
        [[2, 0], [2, 0], [0, 2], [-2, 0]],
    ],
    "objects": {},
}


def test_decode_arcs_undoes_quantization_and_deltas() -> None:
    arcs = bb.decode_arcs(TINY)
    assert arcs[0] == [(11.0, 20.0), (11.0, 20.5)]
    assert arcs[1] == [(11.0, 20.5), (10.0, 20.5), (10.0, 20.0), (11.0, 20.0)]
    assert arcs[2] == [(11.0, 20.0), (12.0, 20.0), (12.0, 20.5), (11.0, 20.5)]


def test_decode_arcs_without_transform() -> None:
    topology = {"type": "Topology", "arcs": [[[1.5, 2.5], [3.0, 4.0]]]}
    assert bb.decode_arcs(topology) == [[(1.5, 2.5), (3.0, 4.0)]]


def test_reversed_arc_index() -> None:
    arcs = bb.decode_arcs(TINY)
    assert bb.arc_points(arcs, ~0) == [(11.0, 20.5), (11.0, 20.0)]  # ~0 == -1
    assert bb.arc_points(arcs, -3) == list(reversed(arcs[2]))


def test_stitch_rings_share_the_edge() -> None:
    arcs = bb.decode_arcs(TINY)
    left = bb.stitch_ring(arcs, [0, 1])
    right = bb.stitch_ring(arcs, [2, ~0])
    assert left == [(11.0, 20.0), (11.0, 20.5), (10.0, 20.5), (10.0, 20.0), (11.0, 20.0)]
    assert right == [(11.0, 20.0), (12.0, 20.0), (12.0, 20.5), (11.0, 20.5), (11.0, 20.0)]
    assert bb.signed_area(right) == pytest.approx(0.5)  # 1 x 0.5, counter-clockwise
    assert bb.signed_area(left) == pytest.approx(0.5)


def test_geometry_polygons_and_winding() -> None:
    arcs = bb.decode_arcs(TINY)
    multi = {"type": "MultiPolygon", "arcs": [[[0, 1]], [[2, ~0]]]}
    polygons = bb.geometry_polygons(multi, arcs)
    assert len(polygons) == 2 and all(len(p) == 1 for p in polygons)
    clockwise = list(reversed(polygons[0][0]))
    cleaned = bb.clean_ring(clockwise, exterior=True)
    assert cleaned is not None and bb.signed_area([tuple(p) for p in cleaned]) > 0
    hole = bb.clean_ring(polygons[0][0], exterior=False)
    assert hole is not None and bb.signed_area([tuple(p) for p in hole]) < 0
    with pytest.raises(bb.BuildError, match="LineString"):
        bb.geometry_polygons({"type": "LineString", "arcs": [0]}, arcs)


def test_simplify_keeps_ends_and_corners() -> None:
    line = [(0.0, 0.0), (1.0, 0.0001), (2.0, 0.0), (2.0, 1.0)]
    assert bb.simplify_arc(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (2.0, 1.0)]
    assert bb.simplify_arc(line, 0.0) == line


def test_build_refuses_a_topology_without_the_states() -> None:
    topology = {**TINY, "objects": {"states": {"geometries": []}, "counties": {"geometries": []}}}
    with pytest.raises(bb.BuildError, match="lacks the states"):
        bb.build(topology, version="3.0.1")


# ------------------------------------------------------------------ reproducibility


def test_build_script_reproduces_the_committed_files(tmp_path: Path) -> None:
    """Set HCC_US_ATLAS to an unpacked us-atlas 3.0.1 (or its .tgz) to run offline;
    otherwise the script fetches it with `npm pack` (skipped when that fails)."""
    cmd = [sys.executable, str(SCRIPT), "--out", str(tmp_path), "--quiet"]
    atlas = os.environ.get("HCC_US_ATLAS")
    if atlas:
        cmd += ["--atlas", atlas]
    elif shutil.which("npm") is None:
        pytest.skip("npm not installed and HCC_US_ATLAS not set")
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if result.returncode == 3:
        pytest.skip(f"could not fetch us-atlas: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    for name in ("states.geojson", "counties.geojson"):
        assert (tmp_path / name).read_bytes() == (BASEMAP / name).read_bytes(), name
