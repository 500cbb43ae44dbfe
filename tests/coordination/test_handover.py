"""Shift handover: the report's sections from real records, the stored snapshot, the
acknowledgement written to the incident log, and the refusals."""

from __future__ import annotations

import pytest

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import (
    duty,
    escalation,
    handover,
    incidents,
    log,
    organizations,
    requests,
    roster,
)
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from tests.conftest import FakeWall

OUT = Actor("Sam Ortiz", "Duty Officer")
IN = Actor("Kim Lee", "Duty Officer")
T0 = "2026-11-18T06:00:00Z"  # the store's clock reads 2026-11-18T11:06:40Z


@pytest.fixture
def incident(store: Store) -> str:
    iid = incidents.create_incident(
        store, actor=OUT, name="Ice storm", incident_type="winter_storm", started_at=T0
    )
    incidents.add_period(
        store,
        actor=OUT,
        incident_id=iid,
        starts_at=T0,
        ends_at="2026-11-18T18:00:00Z",
        eei_due_at="2026-11-18T09:00:00Z",
    )
    return iid


def test_report_sections(store: Store, wall: FakeWall, incident: str) -> None:
    organizations.add_organization(store, actor=OUT, name="Shoreline Hospital", membership="core",
                                   member_type="hospital")  # fmt: skip
    late = requests.create_request(
        store, actor=OUT, incident_id=incident, resource_kind="Generator", quantity=4,
        priority="urgent", needed_by="2026-11-18T10:00:00Z", created_at="2026-11-18T07:00:00Z",
    )  # fmt: skip
    done = requests.create_request(store, actor=OUT, incident_id=incident,
                                   resource_kind="Cots", quantity=50)  # fmt: skip
    requests.set_status(store, actor=OUT, request_id=done, status="cancelled")
    escalation.elevate(store, actor=OUT, request_id=late, ref="DPH-7", quantity=2)
    entry = log.add_entry(store, actor=OUT, incident_id=incident, text="Power lost at a shelter",
                          occurred_at="2026-11-18T10:30:00Z")  # fmt: skip
    log.nominate(store, actor=OUT, entry_id=entry)
    roster.sign_in(
        store,
        actor=OUT,
        incident_id=incident,
        position="duty_officer",
        person="Sam Ortiz",
        phone="860-555-0101",
        at="2026-11-18T06:00:00Z",
    )
    duty.add_shift(store, actor=OUT, person="Sam Ortiz", starts_at="2026-11-18T06:00:00Z",
                   ends_at="2026-11-18T18:00:00Z")  # fmt: skip
    rep = handover.build_report(store, incident_id=incident)
    assert rep["since"] == T0 and rep["incident"] == "Ice storm"
    assert [
        (r["number"], r["overdue"], r["elevated"], r["elevated_ref"]) for r in rep["requests_open"]
    ] == [(rep["requests_open"][0]["number"], True, 2, "DPH-7")]
    changed = {c["resource"]: c for c in rep["requests_changed"]}
    assert changed["Cots"]["status"] == "Cancelled" and changed["Cots"]["new"]
    assert any("Elevated 2 each" in x for x in changed["Generator"]["changes"])
    assert [e["text"] for e in rep["events"]] == ["Power lost at a shelter"]
    assert rep["positions"] == [
        {
            "position": "Duty Officer",
            "person": "Sam Ortiz",
            "phone": "860-555-0101",
            "since": "2026-11-18T06:00:00Z",
        }
    ]
    assert rep["eei_overdue"] == [
        {
            "period": 1,
            "due_at": "2026-11-18T09:00:00Z",
            "expected": 1,
            "missing": ["Shoreline Hospital"],
        }
    ]
    assert rep["duty_gaps"][0]["starts_at"] == "2026-11-18T18:00:00Z"
    assert rep["conflicts"] == [] and rep["alerts"] == []
    n = handover.counts(rep)
    assert (n["requests_open"], n["requests_overdue"], n["events"]) == (1, 1, 1)


def test_prepare_acknowledge_and_the_next_report_starts_there(
    store: Store, wall: FakeWall, incident: str
) -> None:
    hid = handover.prepare(store, actor=OUT, incident_id=incident, incoming="Kim Lee",
                           notes="Watch the shelter generator")  # fmt: skip
    h = handover.get_handover(store, hid[-8:])
    assert h.content["now"] == h.prepared_at == "2026-11-18T11:06:40Z" and h.since == T0
    before = dump_text(store)
    for field, kwargs in (("acknowledged_by", {"by": "Pat Roe"}),
                          ("acknowledged_at", {"at": "2026-11-18T11:00:00Z"}),
                          ("acknowledged_at", {"at": "soon"})):  # fmt: skip
        with pytest.raises(ValidationError) as info:
            handover.acknowledge(store, actor=IN, handover_id=hid, **kwargs)
        assert info.value.field == field
        assert dump_text(store) == before
    wall.advance(600)
    h = handover.acknowledge(store, actor=IN, handover_id=hid, note="Taken over")
    assert (h.acknowledged_by, h.ack_note) == ("Kim Lee", "Taken over")
    [entry] = log.list_entries(store, flt=log.LogFilter(incident_id=incident, text="handover"))
    assert entry.text is not None and entry.operator == "Kim Lee"
    assert entry.text.startswith(
        "Shift handover from Sam Ortiz (Duty Officer) acknowledged by Kim Lee: 0 open requests"
    )
    assert entry.text.endswith("Taken over")
    with pytest.raises(ValidationError) as info:
        handover.acknowledge(store, actor=IN, handover_id=hid)
    assert info.value.field == "handover"
    wall.advance(3600)
    assert handover.build_report(store, incident_id=incident)["since"] == h.prepared_at
    assert [x.id for x in handover.list_handovers(store, incident_id=incident)] == [hid]
    assert handover.handover_dict(h)["counts"]["requests_open"] == 0


def test_unknown_incident_is_refused(store: Store) -> None:
    with pytest.raises(ValidationError) as info:
        handover.prepare(store, actor=OUT, incident_id="missing")
    assert info.value.field == "incident"
