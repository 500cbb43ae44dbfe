"""What a situation briefing says, as plain data: the rows of its tables, the points of
its charts, the markers of its map. Made by briefing_data.collect, read by the layout
modules, the tests and the benchmark; no store, no reportlab.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from hcc_desktop.core import models as m
from hcc_desktop.core.services import status
from hcc_desktop.core.services.common import Actor

#: Sections of the briefing, in print order, with the words the dialog shows.
SECTIONS: dict[str, str] = {
    "summary": "Situation summary and objectives",
    "status": "Facility status",
    "map": "Member map",
    "beds": "Bed availability",
    "trends": "Trend charts",
    "requests": "Open resource requests",
    "events": "Significant events",
    "reporting": "EEI timeliness and facilities not reporting",
    "protected": "Protected EEIs (never in the public version)",
    "facilities": "Annex: every facility",
}

#: Statuses listed one by one (the rest are counted): the overview's, from one place.
TROUBLED = status.TROUBLED
#: Sensitive numbers that are worth a line only when above zero.
NOTABLE_IF_POSITIVE = frozenset({"PATIENTS_DECEASED"})
DIVERSION_REASON = "EMS_TRAFFIC_REASON"


class Member(NamedTuple):
    """A member organisation as the briefing reads it: the columns it prints or
    places, read as plain rows (briefing_data.members), not ORM objects."""

    id: str
    name: str | None
    short_name: str | None
    town: str | None
    region_id: str | None
    member_type: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Facility:
    id: str
    name: str
    town: str
    region: str
    member_type: str
    lat: float | None
    lon: float | None
    reports: bool


@dataclass
class StatusRow:
    facility: Facility
    status: str
    details: list[str]
    reported_at: str | None
    #: The details include a protected EEI (a diversion reason, an IT outage).
    sensitive: bool = False
    map_number: int | None = None


@dataclass(frozen=True)
class BedRow:
    """Sums of one bed type (or one region's totals) over this period's reports. The
    change is like for like: over the facilities that reported in both periods."""

    label: str
    available: float | None
    staffed: float | None
    facilities: int
    previous: float | None
    change: float | None = None
    change_facilities: int = 0


@dataclass(frozen=True)
class RequestRow:
    number: str
    priority: str
    resource: str
    detail: str
    requester: str
    needed_by: str | None
    status: str
    status_at: str | None
    overdue: bool


@dataclass(frozen=True)
class EventRow:
    occurred_at: str | None
    text: str
    who: str
    member: str
    corrected_at: str | None = None


@dataclass(frozen=True)
class TrendPoint:
    period: int
    beds_available: float | None
    icu_available: float | None
    diversion: int
    closed_or_evacuating: int
    reporting: int


@dataclass(frozen=True)
class ProtectedRow:
    facility: Facility
    items: list[tuple[str, str]]
    reported_at: str | None


@dataclass
class Reporting:
    due_at: str | None
    expected: int
    on_time: int
    late: list[tuple[Facility, str]] = field(default_factory=list)
    missing: list[tuple[Facility, int | None]] = field(default_factory=list)

    @property
    def share_on_time(self) -> float:
        return self.on_time / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class Marker:
    lon: float
    lat: float
    status: str
    number: int | None
    member_type: str


@dataclass(frozen=True)
class MapKeyRow:
    """One numbered marker of the member map: the number printed beside the dot, and
    the facility it names (`located` False: numbered in the tables, not on the map)."""

    number: int
    facility: Facility
    status: str
    located: bool


@dataclass(frozen=True)
class AnnexRow:
    facility: Facility
    status: str
    beds_available: float | None
    beds_staffed: float | None
    icu_available: float | None
    reported_at: str | None


@dataclass
class BriefingData:
    incident: m.Incident
    period: m.OperationalPeriod | None
    previous: m.OperationalPeriod | None
    periods: list[m.OperationalPeriod]
    prepared_at: str
    prepared_by: Actor | None
    station: str
    public: bool
    summary_text: str
    eei_as_of: str | None
    last_package: tuple[str, str] | None
    status_counts: dict[str, int]
    #: Facilities that sent any EEI in this period (eei.timeliness's on time + late),
    #: the overview's "Reported this period".
    reporting_this_period: int
    troubled: list[StatusRow]
    limited: list[StatusRow]
    beds: list[BedRow]
    beds_by_region: list[BedRow]
    requests: list[RequestRow]
    events: list[EventRow]
    events_since: str | None
    events_until: str | None
    reporting: Reporting | None
    trends: list[TrendPoint]
    protected: list[ProtectedRow]
    markers: list[Marker]
    annex: list[AnnexRow]
    sensitive_codes: frozenset[str]
    #: Every facility that is not open, numbered on the map and in the status tables.
    map_key: list[MapKeyRow] = field(default_factory=list)

    @property
    def number(self) -> int | None:
        return self.period.number if self.period is not None else None
