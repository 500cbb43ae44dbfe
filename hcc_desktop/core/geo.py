"""Offline geocoding of US ZIP codes (the `zipcodes` package ships its own table)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def lookup_zip(zip_code: str) -> tuple[float, float] | None:
    """Latitude and longitude of a ZIP's centroid, or None when it is unknown."""
    import zipcodes

    try:
        found = zipcodes.matching(zip_code[:5])
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    first = found[0]
    try:
        return round(float(first["lat"]), 6), round(float(first["long"]), 6)
    except (KeyError, TypeError, ValueError):
        return None
