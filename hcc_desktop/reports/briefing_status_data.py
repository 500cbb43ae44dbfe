"""Who is in trouble and where: the briefing's facility rows, status tables, map markers
and protected EEIs, made from one status picture (eei_figures.status_picture).

Plain data only (no store reads, no reportlab), so the choices a briefing makes here
(what the public version leaves out, which facilities get a number on the map, which
protected values are worth a line) can be tested on their own.
"""

from __future__ import annotations

from typing import Any

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import Catalog
from hcc_desktop.core.services import status
from hcc_desktop.reports import eei_figures as fig
from hcc_desktop.reports.briefing_model import (
    DIVERSION_REASON,
    NOTABLE_IF_POSITIVE,
    TROUBLED,
    Facility,
    MapKeyRow,
    Marker,
    Member,
    ProtectedRow,
    StatusRow,
)
from hcc_desktop.reports.timefmt import Clock


def facility(o: Member, regions: dict[str, str], reports: bool) -> Facility:
    """A member as the briefing names and places it."""
    return Facility(
        id=o.id,
        name=o.name or o.short_name or o.id,
        town=o.town or "",
        region=regions.get(o.region_id or "", ""),
        member_type=o.member_type or "",
        lat=o.lat,
        lon=o.lon,
        reports=reports,
    )


def status_rows(
    facilities: dict[str, Facility],
    statuses: dict[str, status.FacilityStatus],
    latest: dict[str, dict[str, fig.Latest]],
    sensitive: frozenset[str],
    clock: Clock,
    *,
    public: bool,
) -> tuple[list[StatusRow], list[StatusRow], dict[str, int]]:
    """The troubled (closed, evacuating, diverting) and limited facilities' rows and
    the count of each status. A limitation that only a protected EEI shows is left out
    of the public version, and the row is marked sensitive otherwise."""
    counts = dict.fromkeys(status.STATUSES, 0)
    troubled: list[StatusRow] = []
    limited: list[StatusRow] = []
    for oid, fac in facilities.items():
        fs = statuses.get(oid)
        key = fs.status if fs else "not_reported"
        counts[key] += 1
        if fs is None or key not in (*TROUBLED, "limited"):
            continue
        values = {code: v.value for code, v in latest.get(oid, {}).items()}
        open_values = {k: v for k, v in values.items() if k not in sensitive}
        shown = list(status.classify(open_values)[1]) if key == "limited" else list(fs.reasons)
        withheld = key == "limited" and set(fs.reasons) - set(shown)
        details = shown if public else list(fs.reasons)
        row_sensitive = bool(withheld) and not public
        if key == "diversion":
            if fs.diversion_until:
                details.append(f"until {clock.short(str(fs.diversion_until))}")
            reason = values.get(DIVERSION_REASON)
            if reason and not public:
                details.append(f"reason: {reason}")
                row_sensitive = True
        row = StatusRow(fac, key, details, fs.reported_at, sensitive=row_sensitive)
        (limited if key == "limited" else troubled).append(row)
    order = {k: i for i, k in enumerate(status.STATUSES)}
    troubled.sort(key=lambda r: (order[r.status], r.facility.name.lower()))
    limited.sort(key=lambda r: r.facility.name.lower())
    return troubled, limited, counts


def number_markers(
    troubled: list[StatusRow],
    limited: list[StatusRow],
    facilities: dict[str, Facility],
    statuses: dict[str, status.FacilityStatus],
) -> list[MapKeyRow]:
    """Number every facility that is not open, in the order the briefing lists them:
    closed, evacuating and on diversion, then limited, then never reported. Open ones
    stay plain dots, so a map of 200 members carries only the numbers that matter."""
    unreported = sorted(
        (
            f
            for oid, f in facilities.items()
            if (statuses[oid].status if oid in statuses else "not_reported") == "not_reported"
        ),
        key=lambda f: f.name.lower(),
    )
    key: list[MapKeyRow] = []
    for row in [*troubled, *limited]:
        row.map_number = len(key) + 1
        located = row.facility.lat is not None and row.facility.lon is not None
        key.append(MapKeyRow(row.map_number, row.facility, row.status, located))
    for f in unreported:
        located = f.lat is not None and f.lon is not None
        key.append(MapKeyRow(len(key) + 1, f, "not_reported", located))
    return key


def markers(
    orgs: dict[str, Member],
    inc: m.Incident,
    facilities: dict[str, Facility],
    statuses: dict[str, status.FacilityStatus],
    map_key: list[MapKeyRow],
) -> list[Marker]:
    """Every located member of the incident's regions as a map marker: facilities by
    status, members that do not report EEIs as their own kind."""
    numbers = {r.facility.id: r.number for r in map_key}
    regions = set(inc.region_ids or ())
    out = []
    for oid, o in orgs.items():
        if o.lat is None or o.lon is None:
            continue
        if oid in facilities:
            fs = statuses.get(oid)
            key = fs.status if fs else "not_reported"
        elif not regions or o.region_id in regions:
            key = "non_reporting"
        else:
            continue
        out.append(Marker(o.lon, o.lat, key, numbers.get(oid), o.member_type or ""))
    # Draw the quiet ones first so that a closed hospital is never hidden under them.
    rank = {"non_reporting": 0, "open": 1, "not_reported": 1, "limited": 2}
    out.sort(key=lambda k: rank.get(k.status, 3))
    return out


def protected(
    facilities: dict[str, Facility],
    latest: dict[str, dict[str, fig.Latest]],
    sensitive: frozenset[str],
    cat: Catalog,
    clock: Clock,
) -> list[ProtectedRow]:
    """Facilities reporting anything but the normal state in a protected EEI."""
    rows = []
    for oid, fac in facilities.items():
        vals = latest.get(oid, {})
        codes = [c for c in cat.elements if c in sensitive and c in vals and c != DIVERSION_REASON]
        if not any(notable(cat, c, vals[c].value) for c in codes):
            continue
        codes = [c for c in codes if notable(cat, c, vals[c].value)]
        items = [(cat.elements[c].label, shown(vals[c].value, clock)) for c in codes]
        at = max((vals[c].reported_at or "" for c in codes), default="") or None
        rows.append(ProtectedRow(fac, items, at))
    rows.sort(key=lambda r: r.facility.name.lower())
    return rows


def notable(cat: Catalog, code: str, value: Any) -> bool:
    """Worth a line in the protected section: anything but the normal state."""
    el = cat.elements[code]
    if el.value_type == "choice":
        return bool(el.choices) and value != el.choices[0]
    if el.value_type == "text":
        return bool(str(value or "").strip())
    if code in NOTABLE_IF_POSITIVE:
        return isinstance(value, (int, float)) and value > 0
    return False


def number_text(value: Any) -> str:
    """A stored number as printed: whole numbers without ".0", thousands separated."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def shown(value: Any, clock: Clock) -> str:
    """A stored EEI value as printed: yes/no, a number, a local time, or the text."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        return number_text(value)
    text = str(value)
    if len(text) >= 16 and text[4] == "-" and text.endswith("Z"):
        return clock.short(text)
    return text
