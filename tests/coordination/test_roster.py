"""Position roster (sign in / out, single holders, relief) and the 24/7 duty schedule
with its gaps: what is accepted, and what is refused with the field named and the
store unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import duty, incidents, roster
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

ANA = Actor("Ana Lopez", "Planning")
T0 = "2026-11-18T08:00:00Z"


@pytest.fixture
def incident(store: Store) -> str:
    iid = incidents.create_incident(
        store, actor=ANA, name="Ice storm", incident_type="winter_storm", started_at=T0
    )
    incidents.add_period(
        store, actor=ANA, incident_id=iid, starts_at=T0, ends_at="2026-11-18T20:00:00Z"
    )
    return iid


def refused(store: Store, field: str, call: Callable[[], Any]) -> ValidationError:
    before = dump_text(store)
    with pytest.raises(ValidationError) as info:
        call()
    assert info.value.field == field, info.value
    assert dump_text(store) == before
    return info.value


def test_sign_in_takes_the_running_period_and_shows_as_holder(store: Store, incident: str) -> None:
    rid = roster.sign_in(
        store, actor=ANA, incident_id=incident, position="Duty Officer", person="Sam Ortiz",
        phone="860-555-0101", at="2026-11-18T09:00:00Z",
    )  # fmt: skip
    [row] = roster.roster(store, incident_id=incident)
    assert row.row.id == rid and row.period == 1 and row.on_duty
    assert row.as_dict()["position_label"] == "Duty Officer"
    assert [
        a.row.person for a in roster.holders(store, incident_id=incident, at="2026-11-18T10:00:00Z")
    ] == ["Sam Ortiz"]
    assert roster.holders(store, incident_id=incident, at="2026-11-18T08:30:00Z") == []


def test_a_second_duty_officer_is_refused_unless_relieving(store: Store, incident: str) -> None:
    first = roster.sign_in(store, actor=ANA, incident_id=incident, position="duty_officer",
                           person="Sam Ortiz", at="2026-11-18T09:00:00Z")  # fmt: skip
    err = refused(store, "position", lambda: roster.sign_in(
        store, actor=ANA, incident_id=incident, position="duty_officer", person="Kim Lee",
        at="2026-11-18T12:00:00Z"))  # fmt: skip
    assert "Sam Ortiz" in err.message
    roster.sign_in(store, actor=ANA, incident_id=incident, position="duty_officer",
                   person="Kim Lee", at="2026-11-18T12:00:00Z", relieve=True)  # fmt: skip
    rows = {a.row.person: a.row for a in roster.roster(store, incident_id=incident)}
    assert rows["Sam Ortiz"].id == first
    assert rows["Sam Ortiz"].signed_out_at == "2026-11-18T12:00:00Z"
    assert [
        a.row.person for a in roster.holders(store, incident_id=incident, at="2026-11-18T13:00:00Z")
    ] == ["Kim Lee"]


def test_relief_cannot_reach_back_before_a_later_holder(store: Store, incident: str) -> None:
    roster.sign_in(store, actor=ANA, incident_id=incident, position="duty_officer",
                   person="Sam Ortiz", at="2026-11-18T12:00:00Z")  # fmt: skip
    refused(store, "position", lambda: roster.sign_in(
        store, actor=ANA, incident_id=incident, position="duty_officer", person="Kim Lee",
        at="2026-11-18T10:00:00Z", relieve=True))  # fmt: skip


def test_staff_positions_take_several_people_but_not_the_same_twice(
    store: Store, incident: str
) -> None:
    for who in ("Jo Park", "Lee Chan"):
        roster.sign_in(store, actor=ANA, incident_id=incident, position="eei_desk", person=who,
                       at="2026-11-18T09:00:00Z")  # fmt: skip
    assert len(roster.holders(store, incident_id=incident, position="eei_desk",
                              at="2026-11-18T09:30:00Z")) == 2  # fmt: skip
    refused(store, "person", lambda: roster.sign_in(
        store, actor=ANA, incident_id=incident, position="eei_desk", person="jo park",
        at="2026-11-18T10:00:00Z"))  # fmt: skip


def test_sign_out_checks(store: Store, incident: str) -> None:
    rid = roster.sign_in(store, actor=ANA, incident_id=incident, position="logistics",
                         person="Jo Park", at="2026-11-18T09:00:00Z")  # fmt: skip
    refused(store, "signed_out_at", lambda: roster.sign_out(
        store, actor=ANA, assignment_id=rid, at="2026-11-18T08:59:00Z"))  # fmt: skip
    refused(store, "signed_out_at", lambda: roster.sign_out(
        store, actor=ANA, assignment_id=rid, at="half past nine"))  # fmt: skip
    roster.sign_out(store, actor=ANA, assignment_id=rid, at="2026-11-18T11:00:00Z")
    refused(store, "assignment", lambda: roster.sign_out(store, actor=ANA, assignment_id=rid))
    refused(store, "assignment", lambda: roster.sign_out(
        store, actor=ANA, assignment_id="nonexistent"))  # fmt: skip


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("position", {"position": "janitor"}),
        ("person", {"person": "  "}),
        ("signed_in_at", {"at": "2026-11-17T08:00:00Z"}),
        ("signed_in_at", {"at": "tomorrow"}),
        ("period", {"period": 7}),
        ("organization", {"organization_id": "missing"}),
        ("incident", {"incident_id": "missing"}),
        ("phone", {"phone": "9" * 41}),
    ],
)
def test_sign_in_refusals_name_the_field(
    store: Store, incident: str, field: str, kwargs: dict[str, Any]
) -> None:
    args: dict[str, Any] = {
        "incident_id": incident,
        "position": "logistics",
        "person": "Jo Park",
        "at": "2026-11-18T09:00:00Z",
        **kwargs,
    }
    refused(store, field, lambda: roster.sign_in(store, actor=ANA, **args))


def test_served_lists_everyone_on_the_roster_in_a_window(store: Store, incident: str) -> None:
    a = roster.sign_in(store, actor=ANA, incident_id=incident, position="logistics",
                       person="Jo Park", at="2026-11-18T09:00:00Z")  # fmt: skip
    roster.sign_out(store, actor=ANA, assignment_id=a, at="2026-11-18T10:00:00Z")
    roster.sign_in(store, actor=ANA, incident_id=incident, position="planning",
                   person="Lee Chan", at="2026-11-18T11:00:00Z")  # fmt: skip

    def names(start: str | None, end: str | None) -> list[str | None]:
        return [x.row.person for x in roster.served(store, incident_id=incident, start=start,
                                                    end=end)]  # fmt: skip

    assert names("2026-11-18T10:30:00Z", "2026-11-18T12:00:00Z") == ["Lee Chan"]
    assert names(None, None) == ["Jo Park", "Lee Chan"]
    assert names("2026-11-18T08:00:00Z", "2026-11-18T09:00:00Z") == []


# ------------------------------------------------------------------ duty schedule


def test_schedule_marks_gaps_between_and_around_shifts(store: Store) -> None:
    duty.add_shift(store, actor=ANA, person="Sam Ortiz", starts_at="2026-11-18T00:00:00Z",
                   ends_at="2026-11-18T08:30:00Z")  # fmt: skip
    duty.add_shift(store, actor=ANA, person="Kim Lee", starts_at="2026-11-18T08:00:00Z",
                   ends_at="2026-11-18T16:00:00Z")  # fmt: skip
    duty.add_shift(store, actor=ANA, person="Pat Roe", starts_at="2026-11-18T18:00:00Z",
                   ends_at="2026-11-19T00:00:00Z")  # fmt: skip
    duty.add_shift(store, actor=ANA, person="Ida Wu", role="notification_center",
                   starts_at="2026-11-18T16:00:00Z", ends_at="2026-11-18T18:00:00Z")  # fmt: skip
    slots = duty.schedule(store, start="2026-11-18T00:00:00Z", end="2026-11-19T02:00:00Z")
    got = [(s.starts_at[11:16], s.ends_at[11:16], s.shift.person if s.shift else None)
           for s in slots]  # fmt: skip
    assert got == [("00:00", "08:30", "Sam Ortiz"), ("08:00", "16:00", "Kim Lee"),
                   ("16:00", "18:00", None), ("18:00", "00:00", "Pat Roe"),
                   ("00:00", "02:00", None)]  # fmt: skip
    assert [
        g.as_dict()["gap"]
        for g in duty.gaps(store, start="2026-11-18T00:00:00Z", end="2026-11-19T00:00:00Z")
    ] == [True]
    assert [s.person for s in duty.on_call(store, at="2026-11-18T08:15:00Z")] == [
        "Sam Ortiz", "Kim Lee"]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("ends_at", {"ends_at": "2026-11-18T07:00:00Z"}),
        ("ends_at", {"ends_at": "2026-11-18T08:00:00Z"}),
        ("ends_at", {"ends_at": "2026-12-30T08:00:00Z"}),
        ("starts_at", {"starts_at": "not a time"}),
        ("starts_at", {"starts_at": None}),
        ("role", {"role": "night_nurse"}),
        ("person", {"person": ""}),
    ],
)
def test_shift_refusals_name_the_field(store: Store, field: str, kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {
        "person": "Sam Ortiz",
        "starts_at": "2026-11-18T08:00:00Z",
        "ends_at": "2026-11-18T20:00:00Z",
        **kwargs,
    }
    refused(store, field, lambda: duty.add_shift(store, actor=ANA, **args))


def test_update_and_remove_shift(store: Store) -> None:
    sid = duty.add_shift(store, actor=ANA, person="Sam Ortiz", starts_at="2026-11-18T08:00:00Z",
                         ends_at="2026-11-18T20:00:00Z")  # fmt: skip
    refused(store, "ends_at", lambda: duty.update_shift(
        store, actor=ANA, shift_id=sid, starts_at="2026-11-18T21:00:00Z"))  # fmt: skip
    assert duty.update_shift(store, actor=ANA, shift_id=sid, ends_at="2026-11-18T22:00:00Z",
                             phone="860-555-0199") == ["ends_at", "phone"]  # fmt: skip
    assert duty.update_shift(store, actor=ANA, shift_id=sid, ends_at="2026-11-18T22:00:00Z") == []
    duty.remove_shift(store, actor=ANA, shift_id=sid)
    assert duty.shifts(store) == []
    refused(store, "to", lambda: duty.schedule(store, start="2026-11-19T00:00:00Z",
                                               end="2026-11-18T00:00:00Z"))  # fmt: skip
