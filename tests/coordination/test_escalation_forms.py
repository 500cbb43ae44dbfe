"""The ICS 213 RR carries the members' fill and the elevation with the state's tracking
number; the ICS 214's block 6 lists the position roster of its window. Checked in the
PDF's text (pypdf)."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from hcc_desktop.core.services import escalation, incidents, log, organizations, requests, roster
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.reports.forms.ics213rr import build_ics213rr
from hcc_desktop.reports.forms.ics214 import build_ics214

BOB = Actor("Bob Okafor", "Logistics Section Chief")
T0 = "2026-11-18T06:00:00Z"


def text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


def test_ics213rr_shows_fill_and_elevation(store: Store, tmp_path: Path) -> None:
    iid = incidents.create_incident(store, actor=BOB, name="Ice storm", started_at=T0)
    rid = requests.create_request(store, actor=BOB, incident_id=iid,
                                  resource_kind="Portable generator", quantity=10)  # fmt: skip
    plain = build_ics213rr(store, tmp_path / "plain.pdf", request=rid)
    assert "Escalation" not in text(plain.path)
    escalation.record_fill(store, actor=BOB, request_id=rid, filled=4)
    escalation.elevate(store, actor=BOB, request_id=rid, ref="CT-DPH-0412", to="CT DPH ESF-8",
                       at="2026-11-18T11:15:00Z")  # fmt: skip
    out = build_ics213rr(store, tmp_path / "rr.pdf", request=rid, zone=None)
    got = text(out.path)
    assert "Escalation: members filled 4 of 10 each" in got
    assert "6 each elevated to CT DPH ESF-8" in got
    assert "state tracking number CT-DPH-0412" in got


def test_ics214_block6_lists_the_roster(store: Store, tmp_path: Path) -> None:
    iid = incidents.create_incident(store, actor=BOB, name="Ice storm", started_at=T0)
    org = organizations.add_organization(store, actor=BOB, name="Capitol Region HCC",
                                         member_type="hospital", membership="core")  # fmt: skip
    roster.sign_in(store, actor=BOB, incident_id=iid, position="duty_officer",
                   person="Sam Ortiz", phone="860-555-0101", organization_id=org,
                   at="2026-11-18T07:00:00Z")  # fmt: skip
    log.add_entry(store, actor=BOB, incident_id=iid, text="Generators requested",
                  occurred_at="2026-11-18T08:00:00Z")  # fmt: skip
    got = text(build_ics214(store, tmp_path / "214.pdf", incident_id=iid).path)
    assert "Sam Ortiz, 860-555-0101 Duty Officer Capitol Region HCC" in got
    assert "Bob Okafor Logistics Section Chief Station Test Station" in got
