"""The duty and handover dock, the escalation and sign-in forms, and the status bar's
duty officer, offscreen: what they show from real records, and refusals beside the
field with the store unchanged. Each tab is grabbed to a PNG (under the test's
folder) so a person can look at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool

from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import duty, handover, incidents, requests, roster
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.coordination_dialogs import ElevateDialog, SignInDialog
from hcc_desktop.gui.panels.roster import RosterPanel
from hcc_desktop.gui.status_bar import duty_line

pytestmark = pytest.mark.gui
SAM = Actor("Sam Ortiz", "Duty Officer")
T0 = "2026-11-18T06:00:00Z"  # the store's clock reads 2026-11-18T11:06:40Z


@pytest.fixture
def ctx(store: Store) -> Iterator[AppContext]:
    iid = incidents.create_incident(store, actor=SAM, name="Ice storm", started_at=T0)
    incidents.add_period(store, actor=SAM, incident_id=iid, starts_at=T0,
                         ends_at="2026-11-18T18:00:00Z")  # fmt: skip
    requests.create_request(store, actor=SAM, incident_id=iid, resource_kind="Generator",
                            quantity=4, needed_by="2026-11-18T09:00:00Z")  # fmt: skip
    roster.sign_in(
        store,
        actor=SAM,
        incident_id=iid,
        position="duty_officer",
        person="Sam Ortiz",
        phone="860-555-0101",
        at="2026-11-18T07:00:00Z",
    )
    duty.add_shift(store, actor=SAM, person="Sam Ortiz", starts_at="2026-11-18T06:00:00Z",
                   ends_at="2026-11-18T18:00:00Z")  # fmt: skip
    duty.add_shift(store, actor=SAM, person="Kim Lee", starts_at="2026-11-18T22:00:00Z",
                   ends_at="2026-11-19T10:00:00Z")  # fmt: skip
    handover.prepare(store, actor=SAM, incident_id=iid, incoming="Kim Lee")
    context = AppContext(store, SAM)
    context.set_incident(iid)
    yield context
    QThreadPool.globalInstance().waitForDone(10_000)
    context.detach()


def test_dock_shows_roster_schedule_gaps_and_handover(
    qtbot: Any, ctx: AppContext, tmp_path: Path
) -> None:
    panel = RosterPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    qtbot.waitUntil(panel.is_loaded, timeout=20_000)
    assert "duty officer: Sam Ortiz" in panel.roster_count.text()
    cells = [panel.duty_table.item(r, 2).text() for r in range(panel.duty_table.rowCount())]
    assert cells == ["Sam Ortiz", "GAP — nobody on call", "Kim Lee", "GAP — nobody on call"]
    text = panel.report_view.toPlainText()
    assert "Open resource requests (1)" in text and "OVERDUE" in text
    assert "not acknowledged" in panel.handover_state.text()
    for i in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(i)
        qtbot.wait(50)
        assert panel.grab().save(str(tmp_path / f"roster-tab{i}.png"), "PNG")
    assert duty_line(ctx.store, ctx.incident_id).startswith("Duty officer: <b>Sam Ortiz")


def test_status_bar_says_nobody_in_a_gap(store: Store, wall: Any) -> None:
    assert "nobody" in duty_line(store, None)
    duty.add_shift(store, actor=SAM, person="Kim Lee", starts_at="2026-11-18T10:00:00Z",
                   ends_at="2026-11-18T12:00:00Z")  # fmt: skip
    assert duty_line(store, None) == "On call: <b>Kim Lee</b>"


def test_sign_in_refusal_beside_the_field(qtbot: Any, ctx: AppContext) -> None:
    assert ctx.incident_id is not None
    dialog = SignInDialog(ctx.store, SAM, ctx.incident_id, None)
    qtbot.addWidget(dialog)
    before = dump_text(ctx.store)
    dialog.person.setText("Kim Lee")  # duty officer is held by Sam Ortiz
    dialog.save()
    assert not dialog.errors.labels["position"].isHidden()
    assert "Sam Ortiz" in dialog.errors.labels["position"].text()
    assert dump_text(ctx.store) == before
    dialog.relieve.setChecked(True)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    held = roster.holders(ctx.store, incident_id=ctx.incident_id, position="duty_officer")
    assert [a.row.person for a in held] == ["Kim Lee"]


def test_elevate_form_needs_the_tracking_number(
    qtbot: Any, ctx: AppContext, tmp_path: Path
) -> None:
    with ctx.store.read() as s:
        req = s.query(m.ResourceRequest).one()
    dialog = ElevateDialog(ctx.store, SAM, req, None)
    qtbot.addWidget(dialog)
    before = dump_text(ctx.store)
    dialog.save()
    assert not dialog.errors.labels["elevated_ref"].isHidden()
    assert dump_text(ctx.store) == before
    assert dialog.grab().save(str(tmp_path / "elevate.png"), "PNG")
    dialog.ref.setText("CT-DPH-0412")
    dialog.quantity.setText("3")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with ctx.store.read() as s:
        after = s.get_one(m.ResourceRequest, req.id)
    assert (after.elevated_quantity, after.elevated_ref) == (3, "CT-DPH-0412")


def test_a_fill_form_left_open_while_another_seat_fills_saves_a_conflict(
    qtbot: Any, ctx: AppContext
) -> None:
    """The form keeps the version of the figures it shows: saved after another seat's
    fill, it is recorded as concurrent with it (a conflict to resolve), not over it."""
    from hcc_desktop.core.services import escalation, requests
    from hcc_desktop.gui.dialogs.coordination_dialogs import FillDialog
    from hcc_desktop.sync import conflicts

    with ctx.store.read() as s:
        req = s.query(m.ResourceRequest).one()
    for step in ("approved", "sourcing"):
        requests.set_status(ctx.store, actor=SAM, request_id=req.id, status=step)
    dialog = FillDialog(ctx.store, SAM, req, None)
    qtbot.addWidget(dialog)
    escalation.record_fill(ctx.store, actor=SAM, request_id=req.id, filled=1)  # another seat
    dialog.filled.setText("2")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    (conflict,) = conflicts.list_conflicts(ctx.store)
    assert {s.value["filled_quantity"] for s in conflict.sides} == {1, 2}
