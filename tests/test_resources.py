"""Checks on the data files the program ships (resources/), without Qt or a store.

The catalog and the demo data set are read by the seeding code, the EEI grid, the
validators and the interchange code; a typo in a code, a rule naming a missing element
or a facility off the map would surface there as a confusing runtime error, so it is
caught here instead. The last test proves coalition.json is exactly what
tools/build_reference.py makes from resources/reference/, so nobody edits it by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # so that `pytest` works from any directory
    sys.path.insert(0, str(ROOT))

from hcc_desktop.core.enums import EEI_VALUE_TYPES, MEMBER_TYPES, MEMBERSHIPS  # noqa: E402

CATALOG = ROOT / "resources" / "eei_catalog.json"
COALITION = ROOT / "resources" / "demo" / "coalition.json"
BUILD_SCRIPT = ROOT / "tools" / "build_reference.py"

CATEGORIES = {
    "status",
    "ems",
    "beds",
    "equipment",
    "utilities",
    "staffing",
    "security",
    "supplies",
    "surge",
    "fatality_management",
}

CHCC_MEMBERS = {
    "Bristol-Burlington Health District",
    "The Community Health Center, Inc.",
    "Connecticut Association of Directors of Health (CADH)",
    "Connecticut Children's Medical Center",
    "Connecticut Department of Public Health (CT DPH)",
    "Connecticut Division of Emergency Management and Homeland Security (DEMHS)",
    "Connecticut Hospital Association (CHA)",
    "Eastern Connecticut Health Network (ECHN)",
    "East Shore Health Department",
    "ESF-8 Partners",
    "Hartford HealthCare",
    "Hospital for Special Care",
    "Nuvance Health",
    "Torrington Area Health District",
    "Trinity Health Of New England",
    "Waterbury Public Health Department",
    "Yale New Haven Health System",
}

# (lat_min, lat_max, lon_min, lon_max): generous boxes around each state.
BOUNDS = {
    "CT": (40.95, 42.06, -73.73, -71.78),
    "MA": (41.18, 42.89, -73.51, -69.92),
}


def _inside(state: str, lat: float, lon: float) -> bool:
    lat_min, lat_max, lon_min, lon_max = BOUNDS[state]
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


@pytest.fixture(scope="module")
def catalog() -> dict[str, Any]:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def coalition() -> dict[str, Any]:
    return json.loads(COALITION.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- catalog


def test_catalog_shape(catalog: dict[str, Any]) -> None:
    assert catalog["catalog_version"] == 1
    assert catalog["source"]
    assert {c["code"] for c in catalog["categories"]} == CATEGORIES
    assert 40 <= len(catalog["elements"]) <= 60


def test_catalog_codes_unique(catalog: dict[str, Any]) -> None:
    codes = [e["code"] for e in catalog["elements"]]
    assert len(codes) == len(set(codes))
    assert all(c == c.upper() and c.replace("_", "").isalnum() for c in codes)
    rule_codes = [r["code"] for r in catalog["rules"]]
    assert len(rule_codes) == len(set(rule_codes))
    cat_codes = [c["code"] for c in catalog["categories"]]
    assert len(cat_codes) == len(set(cat_codes))


def test_catalog_elements_valid(catalog: dict[str, Any]) -> None:
    categories = {c["code"] for c in catalog["categories"]}
    for e in catalog["elements"]:
        where = e["code"]
        assert e["label"] and e["description"], where
        assert e["category"] in categories, where
        assert e["value_type"] in EEI_VALUE_TYPES, where
        assert isinstance(e["sensitive"], bool), where
        assert e["reported_by"], where
        assert set(e["reported_by"]) <= set(MEMBER_TYPES), where
        if e["value_type"] == "choice":
            assert e.get("choices"), where
            assert len(e["choices"]) == len(set(e["choices"])), where
        else:
            assert "choices" not in e, where
        if "have_values" in e:
            assert set(e["have_values"]) == set(e["choices"]), where
        if e["min"] is not None and e["max"] is not None:
            assert e["min"] <= e["max"], where
        if e["value_type"] not in ("integer", "number", "percent"):
            assert e["min"] is None and e["max"] is None, where


def test_catalog_required_elements(catalog: dict[str, Any]) -> None:
    by_code = {e["code"]: e for e in catalog["elements"]}
    facility_states = ["Normal", "Compromised", "Evacuating", "Closed"]
    assert by_code["FACILITY_STATUS"]["choices"] == facility_states
    assert by_code["EMS_TRAFFIC_STATUS"]["choices"] == ["Normal", "Advisory", "Closed"]
    assert by_code["GENERATOR_FUEL_HOURS"]["max"] == 720
    for kind in ("ADULT_ICU", "PEDIATRIC_ICU", "NEONATAL_ICU", "MEDICAL_SURGICAL", "BURN"):
        for suffix in ("AVAILABLE", "STAFFED"):
            e = by_code[f"BEDS_{kind}_{suffix}"]
            assert e["value_type"] == "integer" and e["min"] == 0
    for code in ("SECURITY_STATUS", "PATIENTS_DECEASED", "MORGUE_STATUS", "STAFFING_SHORTAGES"):
        assert by_code[code]["sensitive"] is True, code


def test_catalog_rules_name_numeric_elements(catalog: dict[str, Any]) -> None:
    by_code = {e["code"]: e for e in catalog["elements"]}
    assert catalog["rules"]
    for rule in catalog["rules"]:
        assert rule["op"] in ("<", "<=", "==", ">=", ">"), rule["code"]
        assert rule["message"], rule["code"]
        for side in ("left", "right"):
            assert rule[side] in by_code, (rule["code"], rule[side])
            assert by_code[rule[side]]["value_type"] in ("integer", "number"), rule["code"]


def test_every_bed_pair_has_a_rule(catalog: dict[str, Any]) -> None:
    pairs = {(r["left"], r["right"]) for r in catalog["rules"] if r["op"] == "<="}
    for e in catalog["elements"]:
        if e["code"].startswith("BEDS_") and e["code"].endswith("_AVAILABLE"):
            staffed = e["code"].removesuffix("_AVAILABLE") + "_STAFFED"
            assert (e["code"], staffed) in pairs, e["code"]


# ----------------------------------------------------------------------------- coalition


def test_coalition_members(coalition: dict[str, Any]) -> None:
    members = coalition["members"]
    assert {m["name"] for m in members} == CHCC_MEMBERS
    assert len(members) == 17
    keys = [m["key"] for m in members]
    assert len(keys) == len(set(keys))
    for m in members:
        assert m["member_type"] in MEMBER_TYPES, m["key"]
        assert m["membership"] in MEMBERSHIPS, m["key"]
        assert m["region"] == "ct" and m["state"] == "CT", m["key"]
        assert len(m["zip"]) == 5 and m["zip"].startswith("06"), m["key"]
        assert _inside("CT", m["lat"], m["lon"]), m["key"]
        assert m["coords_source"], m["key"]


def test_coalition_regions(coalition: dict[str, Any]) -> None:
    keys = [r["key"] for r in coalition["regions"]]
    assert keys == ["ct", "ma-1", "ma-2", "ma-3", "ma-4ab", "ma-4c", "ma-5"]
    assert [r["state"] for r in coalition["regions"]].count("MA") == 6


def test_coalition_facilities(coalition: dict[str, Any]) -> None:
    facilities = coalition["facilities"]
    regions = {r["key"]: r for r in coalition["regions"]}
    assert sum(f["state"] == "CT" for f in facilities) == 41
    assert sum(f["state"] == "MA" for f in facilities) == 136
    keys = [f["key"] for f in facilities]
    assert len(keys) == len(set(keys))
    for f in facilities:
        where = f["key"]
        assert f["key"] == f"hifld-{f['source_id']}", where
        assert f["region"] in regions, where
        assert regions[f["region"]]["state"] == f["state"], where
        assert _inside(f["state"], f["lat"], f["lon"]), where
        assert len(f["zip"]) == 5 and f["zip"].isdigit(), where
        assert f["member_type"] == "hospital", where
        assert f["membership"] in MEMBERSHIPS, where
        assert f["beds"] is None or (isinstance(f["beds"], int) and f["beds"] > 0), where
        assert isinstance(f["helipad"], bool), where
        assert f["trauma_level"] != "NOT AVAILABLE", where


def test_facility_links_name_members(coalition: dict[str, Any]) -> None:
    members = {m["key"]: m for m in coalition["members"]}
    parents = [f for f in coalition["facilities"] if f["parent"] is not None]
    assert parents
    for f in parents:
        assert members[f["parent"]]["member_type"] == "health_system", f["key"]
    linked = [f for f in coalition["facilities"] if f["member_key"] is not None]
    for f in linked:
        assert f["member_key"] in members, f["key"]
    assert len({f["member_key"] for f in linked}) == len(linked)


def test_build_is_reproducible(tmp_path: Path) -> None:
    out = tmp_path / "coalition.json"
    subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--out", str(out), "--quiet"],
        check=True,
        cwd=tmp_path,
    )
    assert out.read_bytes() == COALITION.read_bytes()
