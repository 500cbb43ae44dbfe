"""The EEI requests and communications log docks over a store with one request: the
partner lines coloured by state, the reminder list, the chart's title, an
acknowledgement recorded from the dock, and the issue dialog refusing bad input beside
the field with the store unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import eei, eei_requests, incidents, messages, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.eei_request_dialog import EEIRequestDialog
from hcc_desktop.gui.panels.coordination_requests import (
    STATE_COLOURS,
    EEIRequestsPanel,
    MessagesPanel,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def ctx(store: Store, actor: Actor) -> AppContext:
    inc = incidents.create_incident(store, actor=actor, name="Storm", incident_type="hurricane",
                                    started_at="2026-11-18T06:00Z", first_period_hours=12)  # fmt: skip
    ids = [organizations.add_organization(store, actor=actor, name=n, member_type="hospital",
                                          membership="core") for n in ("Alder", "Birch")]  # fmt: skip
    eei_requests.issue_request(
        store, actor=actor, incident_id=inc, title="Status by 09:00",
        elements=["FACILITY_STATUS"], targets={"types": ["hospital"]},
        due_at="2026-11-18T09:00Z", issued_at="2026-11-18T07:00Z",
    )  # fmt: skip
    eei.set_values(store, actor=actor, incident_id=inc, organization_id=ids[0], period=1,
                   values={"FACILITY_STATUS": "Normal"}, reported_at="2026-11-18T08:00Z")  # fmt: skip
    c = AppContext(store, actor)
    c.set_incident(inc)
    return c


def test_request_lines_and_reminders(qtbot: Any, ctx: AppContext) -> None:
    panel = EEIRequestsPanel(ctx)
    qtbot.addWidget(panel)
    panel.reload()
    qtbot.waitUntil(panel.is_loaded, timeout=10_000)
    states = {panel.lines.item(r, 0).text(): panel.lines.item(r, 1) for r in range(2)}
    # The wall clock (11:06Z) is past the 09:00 due time: Birch is missing.
    assert states["Alder"].text() == "Reported on time"
    assert states["Birch"].text() == "Missing"
    assert states["Birch"].background().color().name() == STATE_COLOURS["missing"][0]
    assert panel.reminders.rowCount() == 1 and panel.reminders.item(0, 0).text() == "Birch"
    assert panel.chart.title.text() == (
        "<b>HPP-PHEP 6.1</b>: 1 of 2 partner responses (2 partners, 1 request round) on time (50%)"
    )
    panel.remind()
    rows = messages.list_messages(ctx.store, kind="eei_reminder")
    assert [r.recipients[0].name for r in rows] == ["Birch"]


def test_chart_title_counts_responses_not_partners(qtbot: Any, ctx: AppContext) -> None:
    """Two partners asked once for 09:00 and again every hour from 09:00 to the clock's
    11:06 owe eight responses in four rounds: not eight partners (the dock said "of 126
    partners" of a coalition of 42 asked three times)."""
    assert ctx.incident_id
    eei_requests.issue_request(
        ctx.store, actor=ctx.actor, incident_id=ctx.incident_id, title="Hourly status",
        elements=["FACILITY_STATUS"], targets={"types": ["hospital"]},
        due_at="2026-11-18T09:00Z", repeat="hours", repeat_hours=1,
        issued_at="2026-11-18T07:00Z",
    )  # fmt: skip
    panel = EEIRequestsPanel(ctx)
    qtbot.addWidget(panel)
    panel.reload()
    qtbot.waitUntil(panel.is_loaded, timeout=10_000)
    rep = eei_requests.hpp_report(ctx.store, incident_id=ctx.incident_id)
    assert (rep.partners, rep.rounds, rep.total.denominator) == (2, 4, 8)
    text = panel.chart.title.text()
    assert "of 8 partner responses (2 partners, 4 request rounds) on time" in text, text
    assert "partners reported" not in text


def test_acknowledgement_from_the_log(qtbot: Any, ctx: AppContext) -> None:
    panel = MessagesPanel(ctx)
    qtbot.addWidget(panel)
    panel.reload()
    qtbot.waitUntil(panel.is_loaded, timeout=10_000)
    assert panel.table.rowCount() == 1 and panel.recipients.rowCount() == 2
    panel.recipients.selectRow(1)
    panel.acknowledge()
    row = messages.list_messages(ctx.store)[0]
    assert [r.name for r in row.recipients if r.acknowledged_at] == [
        panel.recipients.item(1, 0).text()]  # fmt: skip


def test_issue_dialog_refuses_beside_the_field(qtbot: Any, ctx: AppContext) -> None:
    assert ctx.incident_id
    before = dump_text(ctx.store)
    dialog = EEIRequestDialog(ctx.store, ctx.actor, ctx.incident_id)
    qtbot.addWidget(dialog)
    dialog.title.setText("")
    dialog.save()
    assert dialog.request_id is None
    assert dump_text(ctx.store) == before
    # Shown beside the title field, not in the banner.
    assert dialog.errors.labels["title"].text() == "Must not be empty"
    assert dialog.errors.fields["title"].styleSheet()
