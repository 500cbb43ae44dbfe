"""The pieces behind the briefing's figures, on small cases whose answer is obvious."""

from __future__ import annotations

from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.catalog import load_catalog
from hcc_desktop.core.services import eei, incidents, organizations, status
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.reports.briefing_status import numbered_items
from hcc_desktop.reports.briefing_status_data import notable
from hcc_desktop.reports.eei_figures import (
    TOTAL_AVAILABLE,
    bed_types,
    latest_values,
    paired_change,
    status_picture,
    tally,
)
from hcc_desktop.reports.eei_reporting import first_reports, timeliness
from hcc_desktop.reports.styles import STATUS_COLOURS
from hcc_desktop.reports.timefmt import Clock


def test_bed_types_pair_available_with_staffed_total_last() -> None:
    types = bed_types(load_catalog())
    assert types[-1].label == "Total inpatient"
    labels = [t.label for t in types]
    assert "Adult ICU" in labels and "Medical/surgical" in labels
    for t in types:
        assert t.available.endswith("_AVAILABLE") and t.staffed.endswith("_STAFFED")


def test_change_is_like_for_like() -> None:
    keep = {
        (1, "B"): {"a": 10.0, "b": 20.0, "c": 5.0},
        (2, "B"): {"a": 12.0, "b": 15.0, "d": 100.0},
    }
    assert paired_change(keep, "B", 2, 1) == (-3.0, 2)  # d is new, c did not report
    assert paired_change(keep, "B", 2, 1, only={"a"}) == (2.0, 1)
    assert paired_change(keep, "X", 2, 1) is None


def test_protected_values_worth_a_line() -> None:
    cat = load_catalog()
    assert not notable(cat, "IT_SYSTEMS_STATUS", "Normal")
    assert notable(cat, "IT_SYSTEMS_STATUS", "Down")
    assert notable(cat, "STAFFING_SHORTAGES", "RNs")
    assert not notable(cat, "PATIENTS_DECEASED", 0)
    assert notable(cat, "PATIENTS_DECEASED", 2)


def test_objectives_typed_on_one_line_become_a_list() -> None:
    assert numbered_items("1. Open. 2. Staff 24/7. 3. Report.") == [
        ("1.", "Open."),
        ("2.", "Staff 24/7."),
        ("3.", "Report."),
    ]
    assert numbered_items("Open\nReport") == [("•", "Open"), ("•", "Report")]


def test_times_print_in_the_zone_with_its_abbreviation() -> None:
    from zoneinfo import ZoneInfo

    clock = Clock(ZoneInfo("America/New_York"))
    assert clock.datetime("2026-11-21T02:30:00Z") == "2026-11-20 21:30 EST"
    assert clock.datetime("2026-07-01T16:00:00Z") == "2026-07-01 12:00 EDT"
    assert clock.span("2026-11-20T12:00:00Z", "2026-11-21T00:00:00Z") == (
        "Fri 20 Nov 2026 07:00 – 19:00 EST"
    )


def test_status_colours_match_the_member_map() -> None:
    import pytest

    style = pytest.importorskip("hcc_desktop.gui.map.style", reason="no Qt here")
    for key, colour in STATUS_COLOURS.items():
        assert style.STATUS_COLOURS[key] == colour, key


def test_one_pass_figures_agree_with_the_services(demo_store: Store) -> None:
    """The briefing reads statuses, trend series, latest values and timeliness in
    fewer, narrower queries than the services; the answers must be the services'."""
    inc = incidents.current_incident(demo_store)
    assert inc is not None
    periods = [p.number for p in incidents.list_periods(demo_store, incident_id=inc.id)]
    codes = ["IT_SYSTEMS_STATUS", "STAFFING_SHORTAGES", *status.STATUS_ELEMENTS]
    expected = [o.id for o in eei.expected_facilities(demo_store, incident_id=inc.id)]
    assert len(periods) >= 3
    for n in periods:
        picture = status_picture(
            demo_store, incident_id=inc.id, period=n, periods=periods, codes=codes
        )
        assert picture.statuses == status.facility_statuses(
            demo_store, incident_id=inc.id, period=n
        )
        for k in periods[: periods.index(n) + 1]:
            by_service = status.facility_statuses(demo_store, incident_id=inc.id, period=k)
            assert picture.series[k] == {o: s.status for o, s in by_service.items()}
        assert picture.latest == latest_values(
            demo_store, incident_id=inc.id, period=n, codes=codes
        )
        assert first_reports(demo_store, incident_id=inc.id, period=n) == eei.first_reports(
            demo_store, incident_id=inc.id, period=n
        )
        with demo_store.read() as s:
            due = incidents.get_period(s, inc.id, n).eei_due_at
        mine = timeliness(demo_store, incident_id=inc.id, period=n, due_at=due, expected=expected)
        theirs = eei.timeliness(demo_store, incident_id=inc.id, period=n)
        assert (mine.expected, mine.on_time, [o for o, _ in mine.late], mine.missing) == (
            theirs.expected,
            theirs.on_time,
            theirs.late,
            theirs.missing,
        )


def test_bed_sums_count_each_report_once(demo_store: Store) -> None:
    """A bed tally without regions (the trend charts' earlier periods) or of a
    facility without a region counts each reported value once, in the overall sum;
    with regions, the regions add up to the overall sum."""
    inc = incidents.current_incident(demo_store)
    assert inc is not None
    with demo_store.read() as s:
        reports = list(
            s.scalars(
                select(m.EEIReport).where(
                    m.EEIReport.incident_id == inc.id,
                    m.EEIReport.deleted.is_(False),
                    m.EEIReport.element_code == TOTAL_AVAILABLE,
                )
            )
        )
        region_of = {o.id: o.region_id for o in s.scalars(select(m.Organization))}
    periods = sorted({r.period for r in reports if r.period is not None})
    assert periods
    for n in periods:
        values = [
            r.value
            for r in reports
            if r.period == n
            and isinstance(r.value, int | float)
            and not (r.validation_state == "rejected" and r.validated_version == r.values_version)
        ]
        plain = tally(
            demo_store, incident_id=inc.id, periods=[n], codes=[TOTAL_AVAILABLE], region_of={}
        )
        assert set(plain) == {(n, TOTAL_AVAILABLE, None)}
        overall = plain[(n, TOTAL_AVAILABLE, None)]
        assert (overall.total, overall.facilities) == (sum(values), len(values))
        by_region = tally(
            demo_store,
            incident_id=inc.id,
            periods=[n],
            codes=[TOTAL_AVAILABLE],
            region_of=region_of,
        )
        assert by_region[(n, TOTAL_AVAILABLE, None)] == overall
        regional = [t for (_, _, region), t in by_region.items() if region is not None]
        unplaced = [
            r.value for r in reports if r.period == n and not region_of.get(r.organization_id)
        ]
        if not unplaced:
            assert sum(t.total for t in regional) == overall.total


def test_timeliness_goes_by_the_first_report_not_the_current_one(
    store: Store, actor: Actor
) -> None:
    """A facility that reported by the due time and updated after it is on time; one
    that first reported after it is late with its first time, not its latest (the
    history is read only for facilities whose current reports are all late)."""
    region = organizations.add_region(store, actor=actor, key="n", name="North")
    early, late, silent = (
        organizations.add_organization(
            store,
            actor=actor,
            name=name,
            member_type="hospital",
            membership="core",
            region_id=region,
        )
        for name in ("Early Hospital", "Late Hospital", "Silent Hospital")
    )
    inc = incidents.create_incident(
        store, actor=actor, name="Storm", started_at="2026-11-18T06:00Z", region_ids=[region]
    )
    incidents.add_period(
        store,
        actor=actor,
        incident_id=inc,
        starts_at="2026-11-18T07:00Z",
        ends_at="2026-11-18T19:00Z",
        eei_due_at="2026-11-18T09:00Z",
    )
    for org, times in ((early, ("08:50", "10:00")), (late, ("09:30", "10:30"))):
        for i, at in enumerate(times):
            eei.set_values(
                store,
                actor=actor,
                incident_id=inc,
                organization_id=org,
                period=1,
                values={"FACILITY_STATUS": ("Normal", "Compromised")[i]},
                reported_at=f"2026-11-18T{at}Z",
            )
    with store.read() as s:
        due = incidents.get_period(s, inc, 1).eei_due_at
    mine = timeliness(store, incident_id=inc, period=1, due_at=due, expected=[early, late, silent])
    theirs = eei.timeliness(store, incident_id=inc, period=1)
    assert mine.on_time == theirs.on_time == [early]
    assert [o for o, _ in mine.late] == theirs.late == [late]
    assert mine.late[0][1].startswith("2026-11-18T09:30")
    assert mine.missing == theirs.missing == [silent]
