"""What the member map reads from the store, in one pass off the GUI thread: members
with a location, the statuses of the incident in view, its regions, its CAP alert
areas still in force and the coalition's regions for the filter. No Qt here, so the
panel runs it in a QueryOp and only draws on the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from hcc_desktop.core.services.alerts import list_alerts
from hcc_desktop.core.services.eei import reporting_types
from hcc_desktop.core.services.incidents import get_incident
from hcc_desktop.core.services.organizations import list_organizations, list_regions
from hcc_desktop.core.services.status import FacilityStatus, facility_statuses
from hcc_desktop.core.store import Store
from hcc_desktop.interop.areas import AlertShape, active_shapes


@dataclass(frozen=True, slots=True)
class MapMember:
    """What the map needs of an organisation (read once per reload)."""

    id: str
    name: str
    member_type: str
    membership: str
    region_id: str
    town: str
    state: str
    lon: float
    lat: float
    reports: bool


@dataclass
class MapData:
    """One reload's worth of the map, for the incident and period it was read for."""

    members: list[MapMember] = field(default_factory=list)
    unplaced: int = 0
    statuses: dict[str, FacilityStatus] = field(default_factory=dict)
    #: Regions of the incident in view; None when it covers the whole coalition.
    incident_regions: frozenset[str] | None = None
    shapes: list[AlertShape] = field(default_factory=list)
    #: (id, label) of every region, for the region filter.
    regions: list[tuple[str, str]] = field(default_factory=list)


def read_map(store: Store, *, incident_id: str | None, period: int | None) -> MapData:
    data = MapData()
    reporting = set(reporting_types())
    for org in list_organizations(store):
        if org.lat is None or org.lon is None:
            data.unplaced += 1
            continue
        data.members.append(
            MapMember(
                id=org.id,
                name=org.name or "",
                member_type=org.member_type or "",
                membership=org.membership or "",
                region_id=org.region_id or "",
                town=org.town or "",
                state=org.state or "",
                lon=float(org.lon),
                lat=float(org.lat),
                reports=(org.member_type or "") in reporting,
            )
        )
    if incident_id:
        data.statuses = facility_statuses(store, incident_id=incident_id, period=period)
        regions = get_incident(store, incident_id).region_ids
        data.incident_regions = frozenset(regions) if regions else None
        data.shapes = _alert_shapes(store, incident_id)
    data.regions = [(r.id, r.name or r.key or r.id) for r in list_regions(store)]
    return data


def _alert_shapes(store: Store, incident_id: str) -> list[AlertShape]:
    """The incident's alerts still in force (not superseded, cancelled or expired at
    the store's clock) as shapes."""
    every = list_alerts(store)
    mine = [a for a in every if a.incident_id == incident_id]
    now = datetime.fromtimestamp(store.wall() / 1000, tz=UTC)
    return active_shapes(mine, now=now, every=every)
