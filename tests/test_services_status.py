"""status.summarize: what the expected facilities' statuses sum up to, in one line.

A new-user trial found the overview saying "All reporting facilities open" beside a map
and a briefing that showed Hartford Hospital limited (FACILITY_STATUS=Compromised, a
boil-water order): the overview listed only the troubled facilities and called the rest
open. The summary is decided here now, from the same classification as the map and the
briefing, and these tests pin its words and that the briefing agrees with it.
"""

from __future__ import annotations

from typing import Any

import pytest

from hcc_desktop.core.services import eei, incidents, organizations, status
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.services.status import FacilityStatus, StatusSummary, summarize
from hcc_desktop.core.store import Store

QUIET = "No diversions, closures or evacuations reported"


def _st(key: str, org: str = "x", until: str | None = None) -> FacilityStatus:
    return FacilityStatus(org, key, "2026-11-18T08:00:00Z", 1, until, ())


def _summary(**by_key: list[str]) -> StatusSummary:
    """A summary of facilities named after their status keys' lists: by_key maps a
    status to facility names; "not_reported" ones get no status at all."""
    names: dict[str, str] = {}
    statuses: dict[str, FacilityStatus] = {}
    for key, facilities in by_key.items():
        for name in facilities:
            org = f"id-{name}"
            names[org] = name
            if key != "not_reported":
                statuses[org] = _st(key, org)
    return summarize(statuses, names)


def test_a_limited_facility_is_never_called_open() -> None:
    s = _summary(limited=["Hartford Hospital"])
    assert s.limited == ("Hartford Hospital",)
    assert s.note() == f"{QUIET}; 1 facility limited (Hartford Hospital)"
    assert "open" not in s.note()


def test_the_note_counts_limited_open_and_unreported() -> None:
    s = _summary(
        limited=["Hartford Hospital"], open=["Saint Francis", "Yale"], not_reported=["Avery"]
    )
    assert s.counts["limited"] == 1 and s.counts["open"] == 2 and s.counts["not_reported"] == 1
    assert (s.expected, s.reported) == (4, 3)
    assert (
        s.note() == f"{QUIET}; 1 facility limited (Hartford Hospital), 2 open, 1 with no report yet"
    )
    s = _summary(open=["Saint Francis", "Yale"], not_reported=["Avery"])
    assert s.note() == f"{QUIET}; 2 facilities open, 1 with no report yet"


def test_all_open_only_when_every_expected_facility_reported_open() -> None:
    assert _summary(open=["A", "B", "C"]).note() == f"{QUIET}; all 3 facilities open"
    assert _summary(open=["A"]).note() == f"{QUIET}; 1 facility open"


def test_nothing_reported_or_nothing_expected_is_said_as_such() -> None:
    """No report is not good news: no "no diversions" when nobody has said anything."""
    assert _summary(not_reported=["A", "B"]).note() == "No facility has reported its status yet"
    assert _summary().note() == "No facilities are expected to report in this incident"
    assert _summary().expected == 0


def test_with_troubled_facilities_the_note_is_about_the_rest() -> None:
    s = _summary(
        diversion=["Bristol"],
        closed=["Windham"],
        evacuating=["Sharon"],
        limited=["Hartford Hospital"],
        open=["Yale"],
    )
    assert [(name, st.status) for name, st in s.troubled] == [
        ("Windham", "closed"),
        ("Sharon", "evacuating"),
        ("Bristol", "diversion"),
    ]
    assert s.note() == "Of the rest: 1 facility limited (Hartford Hospital), 1 open"
    assert _summary(diversion=["Bristol"]).note() == ""


def test_many_limited_facilities_are_named_three_then_counted() -> None:
    s = _summary(limited=["E", "b", "C", "a", "D"])
    assert s.limited == ("a", "b", "C", "D", "E")  # by name, case aside
    assert s.note() == f"{QUIET}; 5 facilities limited (a, b, C and 2 more)"


def test_statuses_of_facilities_not_expected_are_left_out() -> None:
    s = summarize({"far": _st("closed", "far"), "h": _st("open", "h")}, {"h": "Hartford"})
    assert s.troubled == () and s.counts["closed"] == 0
    assert s.note() == f"{QUIET}; 1 facility open"


# ---------------------------------------------------------------- from a store
def _hospital(store: Store, actor: Actor, name: str, region: str) -> str:
    return organizations.add_organization(
        store, actor=actor, name=name, member_type="hospital", membership="core", region_id=region
    )


@pytest.fixture
def water_main(store: Store, actor: Actor) -> dict[str, Any]:
    """The trial's case: Hartford compromised with a boil-water order, Saint Francis
    normal, Yale not reported yet, in period 1 of a water main break."""
    region = organizations.add_region(store, actor=actor, key="north", name="North")
    ids: dict[str, Any] = {
        "hartford": _hospital(store, actor, "Hartford Hospital", region),
        "stf": _hospital(store, actor, "Saint Francis Hospital", region),
        "yale": _hospital(store, actor, "Yale New Haven Hospital", region),
    }
    inc = incidents.create_incident(
        store,
        actor=actor,
        name="Water main break Hartford",
        started_at="2026-11-18T06:00Z",
        region_ids=[region],
    )
    incidents.add_period(
        store,
        actor=actor,
        incident_id=inc,
        starts_at="2026-11-18T07:00Z",
        ends_at="2026-11-18T19:00Z",
        eei_due_at="2026-11-18T09:00Z",
    )
    for org, values in (
        ("hartford", {"FACILITY_STATUS": "Compromised", "WATER_STATUS": "Boil water order"}),
        ("stf", {"FACILITY_STATUS": "Normal"}),
    ):
        eei.set_values(
            store,
            actor=actor,
            incident_id=inc,
            organization_id=ids[org],
            period=1,
            values=values,
            reported_at="2026-11-18T08:00Z",
        )
    ids["incident"] = inc
    return ids


def _expected(store: Store, incident_id: str) -> dict[str, str]:
    return {o.id: o.name or "" for o in eei.expected_facilities(store, incident_id=incident_id)}


def test_compromised_with_a_boil_water_order_sums_up_as_limited(
    store: Store, water_main: dict[str, Any]
) -> None:
    inc = water_main["incident"]
    statuses = status.facility_statuses(store, incident_id=inc, period=1)
    hartford = statuses[water_main["hartford"]]
    assert hartford.status == "limited"
    assert hartford.reasons == ("facility compromised", "water: boil water order")
    s = summarize(statuses, _expected(store, inc))
    assert s.note() == (
        f"{QUIET}; 1 facility limited (Hartford Hospital), 1 open, 1 with no report yet"
    )


def test_the_briefing_counts_and_names_what_the_summary_does(
    store: Store, water_main: dict[str, Any]
) -> None:
    """One rule for a facility's state: the briefing's limited table and status counts
    are the summary's (both from status.classify)."""
    from hcc_desktop.reports.briefing_data import collect

    inc = water_main["incident"]
    s = summarize(status.facility_statuses(store, incident_id=inc, period=1), _expected(store, inc))
    data = collect(store, incident_id=inc, period=1, now="2026-11-18T10:00:00Z")
    assert tuple(r.facility.name for r in data.limited) == s.limited
    assert [r.facility.name for r in data.troubled] == [name for name, _ in s.troubled]
    assert data.status_counts == s.counts
