"""Two seats at one EOC server editing the same EEI value or request get the conflict
handling two stations get (issue 15): all seats write as the server station, so a save
carries the version its screen showed, and a save over a value another seat changed
since is a sibling of that seat's edit. The later wins and one open conflict lists
both, seen alike from every seat; resolving closes it for all."""

from __future__ import annotations

from collections.abc import Callable

from hcc_desktop.core.services import eei, incidents, organizations, requests
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.sync import conflicts
from tests.pg.helpers import ACTOR

BEN = Actor("Ben Cole", "Logistics Section Chief")
ICU = "BEDS_ADULT_ICU_STAFFED"


def _world(store: Store) -> dict[str, str]:
    region = organizations.add_region(store, actor=ACTOR, key="north", name="North")
    h1 = organizations.add_organization(
        store,
        actor=ACTOR,
        name="Hartford Hospital",
        member_type="hospital",
        membership="core",
        region_id=region,
    )
    inc = incidents.create_incident(
        store, actor=ACTOR, name="Ice storm", started_at="2026-11-18T06:00Z", region_ids=[region]
    )
    incidents.add_period(
        store,
        actor=ACTOR,
        incident_id=inc,
        starts_at="2026-11-18T07:00Z",
        ends_at="2026-11-18T19:00Z",
    )
    return {"h1": h1, "incident": inc}


def _beds(store: Store, w: dict[str, str], value: int, actor: Actor = ACTOR, **kw: object) -> str:
    return eei.set_values(
        store,
        actor=actor,
        incident_id=w["incident"],
        organization_id=w["h1"],
        period=1,
        values={ICU: value},
        **kw,  # type: ignore[arg-type]
    )[0]


def _shown(store: Store, w: dict[str, str]) -> str | None:
    cells = eei.grid(store, incident_id=w["incident"], period=1)
    cell = cells.get(w["h1"], {}).get(ICU)
    return cell.values_version if cell is not None else None


def test_a_stale_eei_save_at_one_seat_is_a_conflict_at_every_seat(
    open_seat: Callable[..., Store],
) -> None:
    a, b = open_seat(), open_seat()
    assert a.site_id == b.site_id  # one server station
    w = _world(a)
    rid = _beds(a, w, 4)
    seen_by_a = _shown(a, w)  # seat A's grid shows 4
    _beds(b, w, 6, actor=BEN)  # seat B saves 6
    _beds(a, w, 2, seen={ICU: seen_by_a})  # seat A saves over the 4 it saw

    views = [conflicts.list_conflicts(seat) for seat in (a, b)]
    assert views[0] == views[1]
    (c,) = views[0]
    assert (c.entity, c.record_id, c.unit) == ("eei_report", rid, "values")
    assert [s.value["value"] for s in c.sides] == [2, 6]
    assert [s.operator for s in c.sides] == [ACTOR.label, BEN.label]
    assert c.sides[0].winner and not c.sides[1].winner
    assert eei.grid(b, incident_id=w["incident"], period=1)[w["h1"]][ICU].value == 2

    conflicts.resolve(b, actor=BEN, conflict_id=c.id, keep=c.sides[1].version_id)
    assert conflicts.list_conflicts(a) == []
    assert eei.grid(a, incident_id=w["incident"], period=1)[w["h1"]][ICU].value == 6


def test_a_save_from_a_current_view_is_no_conflict(open_seat: Callable[..., Store]) -> None:
    a, b = open_seat(), open_seat()
    w = _world(a)
    _beds(a, w, 4)
    _beds(b, w, 6, actor=BEN, seen={ICU: _shown(b, w)})
    _beds(a, w, 2, seen={ICU: _shown(a, w)})  # A's grid was patched with B's 6 first
    assert conflicts.list_conflicts(a) == []
    assert eei.grid(b, incident_id=w["incident"], period=1)[w["h1"]][ICU].value == 2


def test_a_stale_status_move_is_a_conflict(open_seat: Callable[..., Store]) -> None:
    a, b = open_seat(), open_seat()
    w = _world(a)
    rid = requests.create_request(
        a, actor=ACTOR, incident_id=w["incident"], resource_kind="Cots", quantity=50
    )
    seen = requests.requests_seen(a, incident_id=w["incident"]).status_seen[rid]
    requests.set_status(b, actor=BEN, request_id=rid, status="approved")
    requests.set_status(a, actor=ACTOR, request_id=rid, status="cancelled", note="dup", seen=seen)
    (c,) = conflicts.list_conflicts(b)
    assert (c.entity, c.unit) == ("request", "status")
    assert [s.value["status"] for s in c.sides] == ["cancelled", "approved"]
    assert requests.list_requests(b, incident_id=w["incident"])[0].status == "cancelled"
