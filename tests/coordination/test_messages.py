"""The communications log: messages recorded whole with the field named on refusal
and the store unchanged, acknowledgements matched to recipients, the external id that
lets a repeated inbound message be recognised, and CAP advisories logged as sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import incidents, messages, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store


@pytest.fixture
def setup(store: Store, actor: Actor) -> tuple[str, str, str]:
    inc = incidents.create_incident(
        store, actor=actor, name="Ice storm", incident_type="winter_storm"
    )
    a = organizations.add_organization(
        store, actor=actor, name="Bristol Hospital", member_type="hospital", membership="core"
    )
    b = organizations.add_organization(
        store,
        actor=actor,
        name="Town of Plainville LHD",
        member_type="local_public_health",
        membership="core",
    )
    return inc, a, b


def test_record_list_and_acknowledge(
    store: Store, actor: Actor, setup: tuple[str, str, str]
) -> None:
    inc, a, b = setup
    mid = messages.record_message(
        store,
        actor=actor,
        direction="out",
        kind="advisory",
        subject="Shelter-in-place lifted",
        body="Roads reopened.",
        channel="Email",
        recipients=[a, b, "ESF-8 desk"],
        sent_at="2026-11-18T08:00Z",
        incident_id=inc,
    )
    rows = messages.list_messages(store, incident_id=inc)
    assert [r.message.id for r in rows] == [mid]
    row = rows[0]
    assert row.message.channel == "email" and row.message.sender == "Test Station"
    assert [r.name for r in row.recipients] == [
        "Bristol Hospital",
        "Town of Plainville LHD",
        "ESF-8 desk",
    ]
    assert len(row.awaiting) == 3
    messages.acknowledge(
        store,
        actor=actor,
        message_id=mid,
        organization_id=a,
        acknowledged_at="2026-11-18T08:10Z",
        channel="phone",
    )
    messages.acknowledge(store, actor=actor, message_id=mid[-8:], recipient="esf-8 DESK")
    row = messages.message_row(store, mid)
    assert [r.name for r in row.awaiting] == ["Town of Plainville LHD"]
    assert row.recipients[0].acknowledged_at == "2026-11-18T08:10:00Z"
    # The same partner's acknowledgement again replaces the first: one record.
    again = messages.acknowledge(
        store, actor=actor, message_id=mid, organization_id=a, acknowledged_at="2026-11-18T08:12Z"
    )
    assert again == messages.ack_id(mid, a, None)
    row = messages.message_row(store, mid)
    assert row.ack_count == 2 and row.recipients[0].acknowledged_at == "2026-11-18T08:12:00Z"
    assert row.acks[0].channel is None and row.as_dict()["id"] == mid
    assert messages.list_messages(store, direction="in") == []
    assert messages.list_messages(store, kind="advisory")[0].message.id == mid


def test_external_id_finds_the_message(store: Store, actor: Actor) -> None:
    mid = messages.record_message(
        store,
        actor=actor,
        direction="in",
        kind="edxl_rm",
        subject="RequestResource",
        sender="Hartford HealthCare",
        external_id="urn:rm:42",
    )
    with store.read() as s:
        found = messages.find_by_external_id(s, "urn:rm:42")
        assert found is not None and found.id == mid and found.sender == "Hartford HealthCare"
        assert messages.find_by_external_id(s, "urn:rm:43") is None
    messages.retract_message(store, actor=actor, message_id=mid)
    with store.read() as s:
        assert messages.find_by_external_id(s, "urn:rm:42") is None


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("direction", {"direction": "sideways"}),
        ("kind", {"kind": "telegram"}),
        ("subject", {"subject": "  "}),
        ("sent_at", {"sent_at": "yesterday"}),
        ("recipients", {"recipients": "everyone"}),
        ("recipients[1]", {"recipients": ["a", ""]}),
        ("incident", {"incident_id": "no-such-incident"}),
        ("ref_kind", {"ref_id": "0192"}),
        ("channel", {"channel": "x" * 31}),
    ],
)
def test_bad_message_is_refused_naming_the_field(
    store: Store, actor: Actor, field: str, kwargs: dict[str, object]
) -> None:
    before = dump_text(store)
    args: dict[str, object] = {"direction": "out", "kind": "other", "subject": "Test"}
    args.update(kwargs)
    with pytest.raises(ValidationError) as err:
        messages.record_message(store, actor=actor, **args)  # type: ignore[arg-type]
    assert err.value.field == field
    assert dump_text(store) == before


def test_bad_acknowledgement_is_refused(store: Store, actor: Actor) -> None:
    inbound = messages.record_message(
        store, actor=actor, direction="in", kind="other", subject="Call from DPH"
    )
    out = messages.record_message(
        store, actor=actor, direction="out", kind="other", subject="Call back"
    )
    before = dump_text(store)
    for kwargs, field in (
        ({"message_id": inbound, "recipient": "DPH"}, "message"),
        ({"message_id": out}, "recipient"),
        ({"message_id": out, "organization_id": "nobody"}, "organization"),
        ({"message_id": "zzzzzzzz", "recipient": "DPH"}, "message"),
        ({"message_id": out, "recipient": "DPH", "acknowledged_at": "soon"}, "acknowledged_at"),
    ):
        with pytest.raises(ValidationError) as err:
            messages.acknowledge(store, actor=actor, **kwargs)
        assert err.value.field == field
    assert dump_text(store) == before


def test_cap_export_is_logged_as_an_outbound_message(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    from hcc_desktop.interop.cap_export import Advisory, export_cap

    inc = incidents.create_incident(store, actor=actor, name="Heat", incident_type="other")
    out = tmp_path / "advisory.xml"
    identifier = export_cap(
        store, out,
        Advisory(event="Heat", headline="Cooling centres open", description="Open 10-20h."),
        actor=actor, incident_id=inc,
    )  # fmt: skip
    rows = messages.list_messages(store, incident_id=inc, kind="cap")
    assert len(rows) == 1 and out.exists()
    msg = rows[0].message
    assert (msg.direction, msg.subject, msg.external_id, msg.channel) == (
        "out",
        "Cooling centres open",
        identifier,
        "file",
    )
    assert msg.ref_kind == "alert" and msg.ref_id
