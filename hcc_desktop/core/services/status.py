"""A facility's operating status at a glance, derived from its latest EEIs.

The map colours, the overview counts and the briefing all need the same answer to
"how is this hospital doing?", so it is decided once, here, from the catalog's status
elements: closed and evacuating outrank diversion, which outranks limited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.pgsql import Decoder, stored_json
from hcc_desktop.core.store import Store

#: Worst first; the labels the GUI and the briefing show. "No report yet" is a facility
#: that has never reported a status in this incident, not one that missed this period
#: (that is "Not reported this period", eei.timeliness's `missing`): two different
#: numbers must not share a name, or the overview and the briefing seem to disagree.
STATUSES: dict[str, str] = {
    "closed": "Closed",
    "evacuating": "Evacuating",
    "diversion": "On diversion",
    "limited": "Limited",
    "open": "Open",
    "not_reported": "No report yet",
}

STATUS_ELEMENTS = (
    "FACILITY_STATUS",
    "EVACUATION_STATUS",
    "EMS_TRAFFIC_STATUS",
    "EMS_TRAFFIC_EXPIRES",
    "POWER_SOURCE",
    "STAFFING_STATUS",
    "WATER_STATUS",
    "IT_SYSTEMS_STATUS",
)

EVACUATING = {"Partial evacuation", "Full evacuation", "Evacuated"}


@dataclass(frozen=True)
class FacilityStatus:
    organization_id: str
    status: str
    reported_at: str | None
    period: int | None
    diversion_until: str | None
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return STATUSES[self.status]


def classify(values: dict[str, object]) -> tuple[str, tuple[str, ...]]:
    """Status and the reasons for it, from one facility's latest values."""
    reasons: list[str] = []
    facility = values.get("FACILITY_STATUS")
    evacuation = values.get("EVACUATION_STATUS")
    if facility == "Closed":
        return "closed", ("facility closed",)
    if facility == "Evacuating" or evacuation in EVACUATING:
        return "evacuating", (str(evacuation or "evacuating").lower(),)
    if values.get("EMS_TRAFFIC_STATUS") == "Closed":
        return "diversion", ("EMS traffic closed",)
    if facility == "Compromised":
        reasons.append("facility compromised")
    if values.get("EMS_TRAFFIC_STATUS") == "Advisory":
        reasons.append("EMS advisory")
    if values.get("POWER_SOURCE") in ("Generator", "None"):
        reasons.append(f"power: {values['POWER_SOURCE']}".lower())
    if values.get("STAFFING_STATUS") == "Insufficient":
        reasons.append("staffing insufficient")
    if values.get("WATER_STATUS") not in (None, "Normal"):
        reasons.append(f"water: {values['WATER_STATUS']}".lower())
    if values.get("IT_SYSTEMS_STATUS") == "Down":
        reasons.append("IT systems down")
    if reasons:
        return "limited", tuple(reasons)
    return ("open", ()) if values else ("not_reported", ())


#: A status element's report as the statuses are judged from it: (facility, element,
#: stored value as `stored_json` reads it, period, reported_at).
StatusRow = tuple[str, str, Any, int | None, str | None]
_STATUS_CODES = frozenset(STATUS_ELEMENTS)


def facility_statuses(
    store: Store, *, incident_id: str, period: int | None = None
) -> dict[str, FacilityStatus]:
    """Each facility's status from its latest report of each status element up to and
    including `period` (all periods when None). Facilities with no report are absent:
    callers decide who was expected (see eei.expected_facilities)."""
    where = [] if period is None else [m.EEIReport.period <= period]
    return _statuses(_read(store, incident_id, where))


def facility_statuses_with(
    store: Store,
    *,
    incident_id: str,
    period: int,
    current: Iterable[tuple[str, str, Any, str | None]],
) -> dict[str, FacilityStatus]:
    """`facility_statuses` up to `period`, for a reader that holds every live report of
    that period already, as (facility, element, stored value as `stored_json` reads it,
    reported_at): the EEI grid reads them all anyway. Only the earlier periods' status
    reports are read here; the period's come after them, in the order a read up to the
    period meets them. Reading the period's status reports again cost the grid a pass
    over all its reports (the table has no index by element): about 20 ms of a 190 ms
    load for a thousand hospitals."""
    rows = _read(store, incident_id, [m.EEIReport.period < period])
    rows.extend(
        (org, code, raw, period, at) for org, code, raw, at in current if code in _STATUS_CODES
    )
    return _statuses(rows)


def _read(store: Store, incident_id: str, where: list[Any]) -> list[Any]:
    """The live status reports of the incident, period by period (the index's order),
    as plain Core rows with each value as stored: the ORM session and the JSON type's
    call per value were most of the statuses' time."""
    stmt = select(
        m.EEIReport.organization_id,
        m.EEIReport.element_code,
        stored_json(m.EEIReport.value),
        m.EEIReport.period,
        m.EEIReport.reported_at,
    ).where(
        m.EEIReport.incident_id == incident_id,
        m.EEIReport.deleted.is_(False),
        m.EEIReport.element_code.in_(STATUS_ELEMENTS),
        *where,
    )
    with store.read() as s:
        return list(s.connection().execute(stmt).all())


def _statuses(rows: Iterable[StatusRow]) -> dict[str, FacilityStatus]:
    """Each facility's status from its latest report of each element (by period, then
    time; the first of equals stands). Values are decoded once per distinct stored text
    and only for the reports that stand: most are overtaken by a later period."""
    latest: dict[str, dict[str, tuple[int, str, Any]]] = {}
    for org_id, code, raw, per, at in rows:
        slot = latest.get(org_id)
        if slot is None:
            slot = latest[org_id] = {}
        old = slot.get(code)
        if old is None or (per or 0, at or "") > old[:2]:
            slot[code] = (per or 0, at or "", raw)
    decode = Decoder().value
    out: dict[str, FacilityStatus] = {}
    for org_id, slot in latest.items():
        values = {code: decode(raw) for code, (_, _, raw) in slot.items()}
        status, reasons = classify(values)
        newest = max(slot.values(), key=lambda t: (t[0], t[1]))
        expires = values.get("EMS_TRAFFIC_EXPIRES")  # a datetime element: stored as text
        until = expires if status == "diversion" and isinstance(expires, str) else None
        out[org_id] = FacilityStatus(
            org_id,
            status,
            newest[1] or None,
            newest[0] or None,
            until,
            reasons,
        )
    return out


# ------------------------------------------------------------------ the summary
#: The statuses a duty officer calls out one facility at a time, worst first.
TROUBLED = ("closed", "evacuating", "diversion")

#: The start of a summary without a troubled facility.
QUIET = "No diversions, closures or evacuations reported"

#: Limited facilities named in a summary line before the rest are only counted.
NAMES_SHOWN = 3


@dataclass(frozen=True)
class StatusSummary:
    """The expected facilities' statuses, counted and named, for a screen or a line of
    text that sums the picture up. It exists because the overview listed only the
    closed, evacuating and diverting facilities and said "all open" when there were
    none, while the map and the briefing showed a compromised hospital as limited: what
    is said about the facilities that are not in trouble is decided here, once."""

    #: Every key of STATUSES → how many of the expected facilities have it.
    counts: dict[str, int]
    #: (facility name, status) of the closed, evacuating and diverting, worst first,
    #: then by name.
    troubled: tuple[tuple[str, FacilityStatus], ...]
    #: Names of the limited facilities, by name.
    limited: tuple[str, ...]

    @property
    def expected(self) -> int:
        return sum(self.counts.values())

    @property
    def reported(self) -> int:
        """Facilities that have reported a status in this incident at all."""
        return self.expected - self.counts["not_reported"]

    def note(self) -> str:
        """What the picture says beyond the troubled facilities, in one line: the
        overview shows it in place of an empty list, or under the list when it is not
        empty. It never calls a facility open that is limited or has not reported, and
        with nothing reported it says so instead of "no diversions" (nothing known is
        not good news). Empty when there is nothing more to say."""
        if self.expected == 0:
            return "No facilities are expected to report in this incident"
        if self.reported == 0:
            return "No facility has reported its status yet"
        c = self.counts
        if not self.troubled and c["open"] == self.expected > 1:
            return f"{QUIET}; all {_facilities(c['open'])} open"
        clauses: list[tuple[int, str]] = []
        if self.limited:
            clauses.append((len(self.limited), f"limited ({_names(self.limited)})"))
        if c["open"]:
            clauses.append((c["open"], "open"))
        if c["not_reported"]:
            clauses.append((c["not_reported"], "with no report yet"))
        if not clauses:
            return ""
        # The noun once, on the first count: "1 facility limited (…), 3 open".
        (n, words), rest = clauses[0], clauses[1:]
        text = ", ".join([f"{_facilities(n)} {words}", *(f"{k} {w}" for k, w in rest)])
        if self.troubled:
            return f"Of the rest: {text}"
        return f"{QUIET}; {text}"


def _facilities(n: int) -> str:
    return f"{n} facility" if n == 1 else f"{n} facilities"


def _names(names: tuple[str, ...]) -> str:
    """The first NAMES_SHOWN names and how many more, so a line stays a line."""
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def summarize(statuses: dict[str, FacilityStatus], facilities: dict[str, str]) -> StatusSummary:
    """The summary of `facilities` (id → name: the facilities expected to report, see
    eei.expected_facilities) from `statuses` (facility_statuses): an expected facility
    without a status is "not_reported"; a status of a facility not expected is left
    out, as the overview's tiles and the briefing's tables leave it out."""
    counts = dict.fromkeys(STATUSES, 0)
    troubled: list[tuple[str, FacilityStatus]] = []
    limited: list[str] = []
    for org_id, name in facilities.items():
        st = statuses.get(org_id)
        key = st.status if st is not None else "not_reported"
        counts[key] += 1
        if st is not None and key in TROUBLED:
            troubled.append((name, st))
        elif key == "limited":
            limited.append(name)
    order = {k: i for i, k in enumerate(STATUSES)}
    troubled.sort(key=lambda t: (order[t[1].status], t[0].lower()))
    limited.sort(key=str.lower)
    return StatusSummary(counts, tuple(troubled), tuple(limited))
