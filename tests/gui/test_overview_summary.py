"""The overview when there is little EEI data, as a new-user trial met it.

(a) Hartford Hospital reported FACILITY_STATUS=Compromised and a boil-water order: the
"Diversions, closures and evacuations" box said "All reporting facilities open" while
the map showed Hartford as limited. It now says what is known (status.summarize's
note), and the map colours the facility the note names as limited.

(b) With no operational period the tiles said "Reported this period 0/3" beside "Not
reported this period 0 of 3 expected", and "0% on time" in green. They now say "No
operational period yet"; and in a period where nobody has reported, 0% on time is not
green.

The panel is built directly on an AppContext over a small store made with the services
(three hospitals), so every assertion can name what an operator reads. Set HCC_SHOTS to
keep the panel grabs somewhere else than /tmp/shots.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool

from hcc_desktop.core.services import eei, incidents, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.map import style
from hcc_desktop.gui.panels.member_map import MemberMapPanel
from hcc_desktop.gui.panels.overview import OverviewPanel

pytestmark = pytest.mark.gui

SHOTS = Path(os.environ.get("HCC_SHOTS", "/tmp/shots"))
QUIET = "No diversions, closures or evacuations reported"
NO_PERIOD = "No operational period yet"
HOSPITALS = {
    "hartford": ("Hartford Hospital", 41.7546, -72.6790),
    "stf": ("Saint Francis Hospital", 41.7737, -72.6986),
    "yale": ("Yale New Haven Hospital", 41.3040, -72.9360),
}


@pytest.fixture
def world(store: Store, actor: Actor) -> dict[str, str]:
    """Three hospitals of one region and an incident without a period yet."""
    region = organizations.add_region(store, actor=actor, key="north", name="North")
    ids = {
        key: organizations.add_organization(
            store,
            actor=actor,
            name=name,
            member_type="hospital",
            membership="core",
            region_id=region,
            lat=lat,
            lon=lon,
        )
        for key, (name, lat, lon) in HOSPITALS.items()
    }
    ids["incident"] = incidents.create_incident(
        store,
        actor=actor,
        name="Water main break Hartford",
        started_at="2026-11-18T06:00Z",
        region_ids=[region],
    )
    return ids


def _add_period(store: Store, actor: Actor, incident: str) -> int:
    return incidents.add_period(
        store,
        actor=actor,
        incident_id=incident,
        starts_at="2026-11-18T07:00Z",
        ends_at="2026-11-18T19:00Z",
        eei_due_at="2026-11-18T09:00Z",
    )


def _report(
    store: Store, actor: Actor, world: dict[str, str], org: str, at: str, **values: Any
) -> None:
    eei.set_values(
        store,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world[org],
        period=1,
        values=values,
        reported_at=at,
    )


@pytest.fixture
def open_panel(
    qtbot: Any, store: Store, actor: Actor, world: dict[str, str]
) -> Iterator[Callable[[int | None], OverviewPanel]]:
    """Opens the overview on the incident and `period`, loaded; the worker threads are
    drained before the store closes."""
    contexts: list[AppContext] = []

    def open_(period: int | None) -> OverviewPanel:
        ctx = AppContext(store, actor)
        contexts.append(ctx)
        ctx.incident_id, ctx.period = world["incident"], period
        panel = OverviewPanel(ctx)
        qtbot.addWidget(panel)
        panel.resize(1000, 560)
        panel.show()
        qtbot.waitUntil(panel.is_loaded, timeout=10_000)
        return panel

    yield open_
    QThreadPool.globalInstance().waitForDone(10_000)
    for ctx in contexts:
        ctx.detach()


def _alerts(panel: OverviewPanel) -> list[str]:
    box = panel.lists.alerts
    return [box.item(i).text() for i in range(box.count())]


def _tile(panel: OverviewPanel, key: str) -> tuple[str, str, str]:
    tile = panel.tiles[key]
    return tile.value.text(), tile.detail.text(), tile.level


def _shot(panel: OverviewPanel, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert panel.grab().save(str(SHOTS / name))


def test_a_compromised_hospital_is_not_hidden_behind_all_open(
    qtbot: Any,
    store: Store,
    actor: Actor,
    world: dict[str, str],
    open_panel: Callable[[int | None], OverviewPanel],
) -> None:
    period = _add_period(store, actor, world["incident"])
    _report(
        store,
        actor,
        world,
        "hartford",
        "2026-11-18T08:00Z",
        FACILITY_STATUS="Compromised",
        WATER_STATUS="Boil water order",
    )
    panel = open_panel(period)
    shown = _alerts(panel)
    assert shown == [f"{QUIET}; 1 facility limited (Hartford Hospital), 2 with no report yet"]
    assert not any("all" in line.lower().split() for line in shown)
    assert panel.lists.alerts.item(0).toolTip() == "Limited: Hartford Hospital"
    assert _tile(panel, "reporting") == ("1/3", "33% on time", "")
    assert _tile(panel, "missing") == ("2", "of 3 expected", "bad")
    _shot(panel, "overview_limited.png")

    # The map beside it judges Hartford by the same rule: limited, not open.
    map_panel = MemberMapPanel(panel.ctx)
    qtbot.addWidget(map_panel)
    map_panel.resize(600, 500)
    map_panel.show()
    qtbot.waitUntil(map_panel.is_loaded, timeout=10_000)
    drawn = map_panel.marker_style(world["hartford"])
    assert drawn is not None and drawn[0] == style.STATUS_COLOURS["limited"]


def test_troubled_facilities_are_listed_and_the_rest_summed_up_below(
    store: Store,
    actor: Actor,
    world: dict[str, str],
    open_panel: Callable[[int | None], OverviewPanel],
) -> None:
    period = _add_period(store, actor, world["incident"])
    _report(store, actor, world, "hartford", "2026-11-18T08:00Z", FACILITY_STATUS="Compromised")
    _report(store, actor, world, "stf", "2026-11-18T08:10Z", EMS_TRAFFIC_STATUS="Closed")
    _report(store, actor, world, "yale", "2026-11-18T08:20Z", FACILITY_STATUS="Normal")
    panel = open_panel(period)
    assert _alerts(panel) == [
        "Saint Francis Hospital — On diversion",
        "Of the rest: 1 facility limited (Hartford Hospital), 1 open",
    ]
    # Everyone reported on time: the one case the reporting tile is green.
    assert _tile(panel, "reporting") == ("3/3", "100% on time", "ok")
    assert _tile(panel, "missing") == ("0", "of 3 expected", "ok")
    assert _tile(panel, "diversion")[::2] == ("1", "warn")


def test_without_a_period_the_tiles_say_so(
    world: dict[str, str], open_panel: Callable[[int | None], OverviewPanel]
) -> None:
    panel = open_panel(None)
    assert panel.period_label.text() == "<i>No operational period yet (Ctrl+Shift+P)</i>"
    assert _tile(panel, "reporting") == ("–", NO_PERIOD, "")
    assert _tile(panel, "missing") == ("–", NO_PERIOD, "")
    assert _alerts(panel) == ["No facility has reported its status yet"]
    # Nobody has said anything: a zero on diversion or closed is not green either.
    assert _tile(panel, "diversion") == ("0", "EMS traffic closed", "")
    assert _tile(panel, "closed") == ("0", "facilities", "")
    _shot(panel, "overview_no_period.png")


def test_a_period_nobody_reported_in_is_not_green(
    store: Store,
    actor: Actor,
    world: dict[str, str],
    open_panel: Callable[[int | None], OverviewPanel],
) -> None:
    panel = open_panel(_add_period(store, actor, world["incident"]))
    assert _tile(panel, "reporting") == ("0/3", "0% on time", "")
    assert _tile(panel, "missing") == ("3", "of 3 expected", "bad")
    assert _alerts(panel) == ["No facility has reported its status yet"]
    _shot(panel, "overview_nobody_reported.png")
