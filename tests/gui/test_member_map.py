"""The member map panel, offscreen: markers, status colours, filters, selection, fit.

The panel is built directly on an AppContext over a small store made with the
services (three hospitals, a CHC, a state agency, a health department and one member
without a location), so every assertion can name the member it is about.
"""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEventLoop, QPointF, Qt
from PySide6.QtGui import QColor

from hcc_desktop.core.services import eei, incidents, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.map import style
from hcc_desktop.gui.panels.member_map import MemberMapPanel, local_time

pytestmark = pytest.mark.gui

SHOTS = Path(os.environ.get("HCC_SHOTS", "/tmp/shots"))


def _org(store: Store, actor: Actor, **fields: Any) -> str:
    return organizations.add_organization(store, actor=actor, **fields)


@pytest.fixture
def world(store: Store, actor: Actor) -> dict[str, str]:
    """Orgs, an incident with two periods, and EEIs that give each hospital a status."""
    ct = organizations.add_region(
        store, actor=actor, key="ct", name="Connecticut HCC", kind="coalition", state="CT"
    )
    ma = organizations.add_region(store, actor=actor, key="ma-1", name="Western MA", state="MA")
    ids = {
        "hartford": _org(
            store,
            actor,
            name="Hartford Hospital",
            member_type="hospital",
            membership="core",
            region_id=ct,
            town="Hartford",
            state="CT",
            lat=41.7546,
            lon=-72.6790,
        ),
        "yale": _org(
            store,
            actor,
            name="Yale New Haven Hospital",
            member_type="hospital",
            membership="core",
            region_id=ct,
            town="New Haven",
            state="CT",
            lat=41.3040,
            lon=-72.9360,
        ),
        "baystate": _org(
            store,
            actor,
            name="Baystate Medical Center",
            member_type="hospital",
            membership="core",
            region_id=ma,
            town="Springfield",
            state="MA",
            lat=42.1210,
            lon=-72.6040,
        ),
        "chc": _org(
            store,
            actor,
            name="Community Health Center",
            member_type="community_health_center",
            membership="non_core",
            region_id=ct,
            town="Middletown",
            state="CT",
            lat=41.5623,
            lon=-72.6506,
        ),
        "dph": _org(
            store,
            actor,
            name="CT Department of Public Health",
            member_type="state_agency",
            membership="core",
            region_id=ct,
            town="Hartford",
            state="CT",
            lat=41.7637,
            lon=-72.6851,
        ),
        "lhd": _org(
            store,
            actor,
            name="Torrington Area Health District",
            member_type="local_public_health",
            membership="core",
            region_id=ct,
            town="Torrington",
            state="CT",
            lat=41.8007,
            lon=-73.1212,
        ),
        "nowhere": _org(
            store, actor, name="Vendor Without Address", member_type="vendor", membership="guest"
        ),
    }
    inc = incidents.create_incident(
        store,
        actor=actor,
        name="Hurricane Exercise",
        incident_type="hurricane",
        started_at="2026-11-18T10:00:00Z",
    )
    for n in (1, 2):
        incidents.add_period(
            store,
            actor=actor,
            incident_id=inc,
            starts_at=f"2026-11-18T{10 + 12 * (n - 1):02d}:00:00Z",
            ends_at=f"2026-11-{18 + (n - 1)}T{22 if n == 1 else 10:02d}:00:00Z",
        )

    def report(org: str, period: int, at: str, **values: Any) -> None:
        eei.set_values(
            store,
            actor=actor,
            incident_id=inc,
            organization_id=org,
            period=period,
            values=values,
            reported_at=at,
        )

    report(
        ids["hartford"],
        1,
        "2026-11-18T11:00:00Z",
        FACILITY_STATUS="Normal",
        EMS_TRAFFIC_STATUS="Normal",
    )
    report(ids["hartford"], 2, "2026-11-18T23:30:00Z", EMS_TRAFFIC_STATUS="Closed")
    report(
        ids["yale"], 1, "2026-11-18T11:10:00Z", FACILITY_STATUS="Normal", POWER_SOURCE="Generator"
    )
    report(ids["chc"], 1, "2026-11-18T11:20:00Z", FACILITY_STATUS="Closed")
    ids["incident"] = inc
    return ids


@pytest.fixture
def ctx(store: Store, actor: Actor, world: dict[str, str]) -> Iterator[AppContext]:
    c = AppContext(store, actor)
    c.incident_id = world["incident"]
    c.period = 2
    yield c
    c.detach()


@pytest.fixture
def panel(qtbot: Any, ctx: AppContext) -> MemberMapPanel:
    p = MemberMapPanel(ctx)
    qtbot.addWidget(p)
    p.resize(900, 640)
    p.show()
    qtbot.waitExposed(p)
    return _settled(p)


def _settled(panel: MemberMapPanel) -> MemberMapPanel:
    """Wait for the map's read of the store, which runs off the GUI thread."""
    deadline = time.monotonic() + 10
    while not panel.is_loaded():
        assert time.monotonic() < deadline, "the map did not finish loading"
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return panel


def _brush_of(panel: MemberMapPanel, org_id: str) -> str:
    """The fill colour the member's marker is painted with."""
    found = panel.marker_style(org_id)
    assert found is not None, "member not drawn"
    return found[0]


def _click(qtbot: Any, panel: MemberMapPanel, lon: float, lat: float) -> None:
    """A real left click on the plot's viewport at (lon, lat)."""
    scene_pos = panel.view.mapViewToScene(QPointF(lon, lat))
    widget_pos = panel.plot.mapFromScene(scene_pos)
    qtbot.mouseClick(panel.plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_pos)


def _colour(key: str) -> str:
    return QColor(style.STATUS_COLOURS[key]).name()


def test_identity_and_loaded(panel: MemberMapPanel) -> None:
    assert MemberMapPanel.TITLE == "Member map"
    assert MemberMapPanel.DOCK_NAME == "memberMapDock"
    assert {"organization", "eei_report", "region"} <= MemberMapPanel.WATCHES
    assert panel.objectName() == "memberMapPanel"
    assert panel.is_loaded()


def test_one_marker_per_member_with_a_location(panel: MemberMapPanel, world: dict) -> None:
    assert panel.marker_count() == 6  # the vendor has no address, so no marker
    assert set(panel.marker_ids()) == {
        world[k] for k in ("hartford", "yale", "baystate", "chc", "dph", "lhd")
    }
    assert panel.count_text().startswith("6 in view · 6 in this incident · 7 members")
    assert "1 without a location" in panel.count_text()


def test_colours_follow_the_latest_status(panel: MemberMapPanel, world: dict) -> None:
    assert _brush_of(panel, world["hartford"]) == _colour("diversion")  # EMS closed (period 2)
    assert _colour("diversion") == QColor("#ef6c00").name()  # orange
    assert _brush_of(panel, world["yale"]) == _colour("limited")  # on generator
    assert _brush_of(panel, world["chc"]) == _colour("closed")
    assert _brush_of(panel, world["baystate"]) == _colour("not_reported")
    assert _brush_of(panel, world["dph"]) == _colour(style.NON_REPORTING)
    assert _brush_of(panel, world["lhd"]) == _colour(style.NON_REPORTING)


def test_period_in_view_decides(panel: MemberMapPanel, ctx: AppContext, world: dict) -> None:
    ctx.set_period(1)
    _settled(panel)
    assert _brush_of(panel, world["hartford"]) == _colour("open")


def test_members_outside_the_incident_are_not_expected(
    panel: MemberMapPanel, ctx: AppContext, store: Store, actor: Actor, world: dict
) -> None:
    ct = organizations.region_id_for("ct")
    local = incidents.create_incident(
        store, actor=actor, name="CT only", region_ids=[ct], make_current=False
    )
    ctx.set_incident(local)
    _settled(panel)
    assert _brush_of(panel, world["baystate"]) == _colour(style.NOT_EXPECTED)  # in MA
    assert _brush_of(panel, world["yale"]) == _colour("not_reported")  # in CT, silent
    assert "outside the incident" in panel.tooltip_for(world["baystate"])


def test_worse_status_drawn_on_top(panel: MemberMapPanel, world: dict) -> None:
    order = panel.marker_ids()
    assert order.index(world["hartford"]) > order.index(world["baystate"])  # diversion > grey
    assert order.index(world["dph"]) < order.index(world["hartford"])  # agency underneath
    ranks = [style.STATUS_RANK[k] for k in ("closed", "diversion", "limited", "open")]
    assert ranks == sorted(ranks, reverse=True)


def test_symbols_follow_member_type(panel: MemberMapPanel, world: dict) -> None:
    def symbol(key: str) -> str:
        found = panel.marker_style(world[key])
        assert found is not None
        return found[1]

    assert symbol("hartford") == style.TYPE_SYMBOLS["hospital"]
    assert symbol("dph") == style.TYPE_SYMBOLS["state_agency"]
    assert symbol("chc") == style.TYPE_SYMBOLS["community_health_center"]
    assert symbol("lhd") == style.TYPE_SYMBOLS["local_public_health"]


def test_new_report_recolours(
    panel: MemberMapPanel, store: Store, actor: Actor, world: dict
) -> None:
    eei.set_values(
        store,
        actor=actor,
        incident_id=world["incident"],
        organization_id=world["baystate"],
        period=2,
        values={"FACILITY_STATUS": "Evacuating"},
    )
    _settled(panel)
    assert _brush_of(panel, world["baystate"]) == _colour("evacuating")


def test_new_member_appears(panel: MemberMapPanel, store: Store, actor: Actor) -> None:
    new = _org(store, actor, name="Dialysis Centre", member_type="dialysis",
               membership="non_core", town="Waterbury", state="CT", lat=41.55, lon=-73.04)  # fmt: skip
    _settled(panel)
    assert panel.marker_count() == 7
    assert _brush_of(panel, new) == _colour("not_reported")  # dialysis reports EEIs
    assert panel.type_filter.findData("dialysis") > 0


def test_filters_hide_markers(panel: MemberMapPanel, world: dict) -> None:
    combo = panel.type_filter
    combo.setCurrentIndex(combo.findData("hospital"))
    assert panel.marker_count() == 3
    assert set(panel.marker_ids()) == {world[k] for k in ("hartford", "yale", "baystate")}
    assert panel.marker_style(world["dph"]) is None
    panel.region_filter.setCurrentIndex(panel.region_filter.findText("Western MA"))
    assert panel.marker_ids() == [world["baystate"]]
    combo.setCurrentIndex(0)
    panel.region_filter.setCurrentIndex(0)
    panel.membership_filter.setCurrentIndex(panel.membership_filter.findData("non_core"))
    assert panel.marker_ids() == [world["chc"]]
    panel.membership_filter.setCurrentIndex(0)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("diversion"))
    assert panel.marker_ids() == [world["hartford"]]
    panel.status_filter.setCurrentIndex(0)
    assert panel.marker_count() == 6


def test_filters_survive_a_reload(panel: MemberMapPanel, world: dict) -> None:
    panel.type_filter.setCurrentIndex(panel.type_filter.findData("hospital"))
    panel.reload()
    _settled(panel)
    assert panel.type_filter.currentData() == "hospital"
    assert panel.marker_count() == 3


def test_clicking_a_marker_selects_the_member(
    qtbot: Any, panel: MemberMapPanel, ctx: AppContext, world: dict
) -> None:
    seen: list[str] = []
    ctx.member_selected.connect(seen.append)
    _click(qtbot, panel, -72.9360, 41.3040)  # Yale New Haven Hospital
    assert ctx.selected_member == world["yale"]
    assert seen == [world["yale"]]
    assert panel.selected_ring_position() == pytest.approx((-72.9360, 41.3040))


def test_clicking_empty_map_keeps_the_selection(
    qtbot: Any, panel: MemberMapPanel, ctx: AppContext, world: dict
) -> None:
    ctx.select_member(world["yale"])
    _click(qtbot, panel, -72.2, 41.9)  # nobody there
    assert ctx.selected_member == world["yale"]


def test_stacked_markers_take_turns(panel: MemberMapPanel, ctx: AppContext, world: dict) -> None:
    """Hartford Hospital and DPH are 1 km apart: one spot at state zoom."""
    panel.view.setRange(xRange=(-74.5, -71.0), yRange=(40.8, 42.5), padding=0)
    here = QPointF(-72.682, 41.759)
    under = panel.members_at(here)
    assert set(under) == {world["hartford"], world["dph"]}
    assert under[0] == world["hartford"]  # on diversion: drawn on top, picked first
    panel.select_at(here)
    assert ctx.selected_member == world["hartford"]
    panel.select_at(here)
    assert ctx.selected_member == world["dph"]
    panel.select_at(here)
    assert ctx.selected_member == world["hartford"]


def test_hover_shows_the_tooltip(panel: MemberMapPanel, world: dict) -> None:
    scene_pos = panel.view.mapViewToScene(QPointF(-72.6040, 42.1210))
    panel.plot.scene().sigMouseMoved.emit(scene_pos)
    assert panel.hover_ids == [world["baystate"]]
    assert "Baystate Medical Center" in panel.view.toolTip()
    panel.plot.scene().sigMouseMoved.emit(panel.view.mapViewToScene(QPointF(-72.2, 41.9)))
    assert panel.view.toolTip() == ""


def test_select_from_outside_rings_and_centres(
    panel: MemberMapPanel, ctx: AppContext, world: dict
) -> None:
    panel.view.setRange(xRange=(-71.5, -71.0), yRange=(42.2, 42.5), padding=0)  # Boston
    ctx.select_member(world["lhd"])
    assert panel.selected_ring_position() == pytest.approx((-73.1212, 41.8007))
    assert panel.view.viewRect().contains(QPointF(-73.1212, 41.8007))
    ctx.select_member("")
    assert panel.selected_ring_position() is None


def test_selection_hidden_by_filter_has_no_ring(
    panel: MemberMapPanel, ctx: AppContext, world: dict
) -> None:
    ctx.select_member(world["dph"])
    panel.type_filter.setCurrentIndex(panel.type_filter.findData("hospital"))
    assert panel.selected_ring_position() is None


def test_fit_coalition_contains_all_markers(panel: MemberMapPanel) -> None:
    panel.view.setRange(xRange=(-70.5, -70.0), yRange=(41.2, 41.5), padding=0)
    panel.fit_button.click()
    rect = panel.view.viewRect()
    for x, y in zip(panel.scatter.data["x"], panel.scatter.data["y"], strict=True):
        assert rect.contains(QPointF(x, y))
    assert rect.width() < 3  # zoomed to the members, not to all of New England


def test_aspect_is_corrected_for_latitude(panel: MemberMapPanel) -> None:
    rect, size = panel.view.viewRect(), panel.view.boundingRect()
    px_per_lon = size.width() / rect.width()
    px_per_lat = size.height() / rect.height()
    assert px_per_lon / px_per_lat == pytest.approx(np.cos(np.radians(41.9)), abs=0.01)


def test_tooltip_names_status_reasons_and_local_time(panel: MemberMapPanel, world: dict) -> None:
    tip = panel.tooltip_for(world["hartford"])
    assert "Hartford Hospital" in tip
    assert "Hartford, CT" in tip
    assert "On diversion (EMS traffic closed)" in tip
    assert local_time("2026-11-18T23:30:00Z") in tip
    assert "period 2" in tip
    assert "Does not report EEIs" in panel.tooltip_for(world["dph"])
    assert "No EEI report" in panel.tooltip_for(world["baystate"])


def test_no_incident_in_view(qtbot: Any, store: Store, actor: Actor, world: dict) -> None:
    ctx = AppContext(store, actor)
    p = MemberMapPanel(ctx)
    qtbot.addWidget(p)
    _settled(p)
    assert p.marker_count() == 6
    assert _brush_of(p, world["hartford"]) == _colour("not_reported")
    assert "No incident in view" in p.tooltip_for(world["hartford"])
    ctx.detach()


def test_screenshot(panel: MemberMapPanel, ctx: AppContext, world: dict) -> None:
    ctx.select_member(world["hartford"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert panel.grab().save(str(SHOTS / "map.png"))


@pytest.mark.slow
def test_demo_screenshot(qtbot: Any, store: Store, actor: Actor) -> None:
    demo = pytest.importorskip("hcc_desktop.demo")
    summary = demo.seed_demo(store, as_of=datetime.date(2026, 11, 20))
    ctx = AppContext(store, actor)
    ctx.incident_id = summary.incident_id
    ctx.period = 3
    p = MemberMapPanel(ctx)
    qtbot.addWidget(p)
    p.resize(1100, 760)
    p.show()
    qtbot.waitExposed(p)
    _settled(p)
    placed = [o for o in organizations.list_organizations(store) if o.lat is not None]
    assert p.marker_count() == len(placed)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert p.grab().save(str(SHOTS / "map_demo.png"))
    ctx.detach()


# ------------------------------------------------------------ CAP alert areas

#: Around New Haven (Yale New Haven Hospital), not Hartford.
NEW_HAVEN = "41.20,-73.05 41.40,-73.05 41.40,-72.80 41.20,-72.80 41.20,-73.05"


def _alert(
    store: Store,
    actor: Actor,
    incident: str,
    tmp: Path,
    identifier: str,
    *,
    area: str = f"<polygon>{NEW_HAVEN}</polygon>",
    headline: str = "Storm Surge Warning for coastal New Haven",
    msg_type: str = "Alert",
    references: str = "",
    status: str = "Actual",
    severity: str = "Extreme",
    expires: str = "2026-11-19T12:00:00-05:00",
) -> None:
    from hcc_desktop.interop.cap_import import import_cap

    refs = f"<references>{references}</references>" if references else ""
    path = tmp / f"{identifier}.xml"
    path.write_text(
        f"""<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
 <identifier>{identifier}</identifier><sender>w-nws.webmaster@noaa.gov</sender>
 <sent>2026-11-17T20:00:00-05:00</sent><status>{status}</status>
 <msgType>{msg_type}</msgType><scope>Public</scope>{refs}
 <info><event>Storm Surge Warning</event><urgency>Expected</urgency>
  <severity>{severity}</severity><certainty>Likely</certainty><expires>{expires}</expires>
  <senderName>NWS Boston/Norton MA</senderName><headline>{headline}</headline>
  <area><areaDesc>Coastal New Haven</areaDesc>{area}</area></info></alert>"""
    )
    import_cap(store, path, actor=actor, incident_id=incident)


def _legend_labels(panel: MemberMapPanel) -> list[str]:
    return [e.label for e in panel.legend.entries()]


def test_alert_areas_are_drawn_with_legend_toggle_and_tooltip(
    panel: MemberMapPanel, store: Store, actor: Actor, world: dict, tmp_path: Path
) -> None:
    assert panel.alert_headlines() == []
    assert "CAP alert areas" not in _legend_labels(panel)
    _alert(store, actor, world["incident"], tmp_path, "SURGE-1")
    _settled(panel)
    assert panel.alert_headlines() == ["Storm Surge Warning for coastal New Haven"]
    assert panel.alerts_shown()
    assert "(1 in force)" in panel.alerts_button.toolTip()
    labels = _legend_labels(panel)
    assert "CAP alert areas" in labels and "Severe or extreme alert" in labels
    # Hovering inside the area names the alert, even over a member.
    inside = panel.view.mapViewToScene(QPointF(-72.9360, 41.3040))  # Yale New Haven
    panel.plot.scene().sigMouseMoved.emit(inside)
    assert [a.headline for a in panel.hover_alerts] == ["Storm Surge Warning for coastal New Haven"]
    tip = panel.view.toolTip()
    assert "Yale New Haven Hospital" in tip
    assert "Storm Surge Warning for coastal New Haven" in tip
    outside = panel.view.mapViewToScene(QPointF(-72.6790, 41.7546))  # Hartford
    panel.plot.scene().sigMouseMoved.emit(outside)
    assert panel.hover_alerts == []
    assert "Storm Surge" not in panel.view.toolTip()
    panel.alerts_button.setChecked(False)
    assert not panel.alerts_shown()
    assert "CAP alert areas" not in _legend_labels(panel)
    panel.plot.scene().sigMouseMoved.emit(inside)
    assert panel.hover_alerts == []
    panel.alerts_button.setChecked(True)
    assert panel.alerts_shown()


def test_circles_and_county_geocodes_are_drawn(
    panel: MemberMapPanel, store: Store, actor: Actor, world: dict, tmp_path: Path
) -> None:
    county = "<geocode><valueName>SAME</valueName><value>009003</value></geocode>"
    _alert(store, actor, world["incident"], tmp_path, "CNTY", area=county,
           headline="Flood Watch for Hartford County", severity="Moderate")  # fmt: skip
    _settled(panel)
    _alert(store, actor, world["incident"], tmp_path, "CIRC",
           area="<circle>42.1210,-72.6040 5</circle>", headline="Chlorine leak")  # fmt: skip
    _settled(panel)
    assert sorted(panel.alert_headlines()) == ["Chlorine leak", "Flood Watch for Hartford County"]
    hartford = panel.alerts_at(QPointF(-72.6790, 41.7546))
    assert [a.headline for a in hartford] == ["Flood Watch for Hartford County"]
    assert [a.headline for a in panel.alerts_at(QPointF(-72.6040, 42.1210))] == ["Chlorine leak"]
    assert panel.alerts_at(QPointF(-72.6040, 42.2)) == []  # 9 km north: outside 5 km
    assert "Other alert" in _legend_labels(panel)


def test_cancelled_expired_and_test_alerts_are_not_drawn(
    panel: MemberMapPanel, store: Store, actor: Actor, world: dict, tmp_path: Path
) -> None:
    inc = world["incident"]
    _alert(store, actor, inc, tmp_path, "OLD", expires="2026-11-17T21:00:00-05:00")
    _settled(panel)
    _alert(store, actor, inc, tmp_path, "DRILL", status="Test")
    _settled(panel)
    assert panel.alert_headlines() == []
    _alert(store, actor, inc, tmp_path, "LIVE")
    _settled(panel)
    assert len(panel.alert_headlines()) == 1
    _alert(store, actor, inc, tmp_path, "LIVE-CANCEL", msg_type="Cancel",
           references="w-nws.webmaster@noaa.gov,LIVE,2026-11-17T20:00:00-05:00")  # fmt: skip
    _settled(panel)
    assert panel.alert_headlines() == []


def test_alerts_of_another_incident_are_not_drawn(
    panel: MemberMapPanel, ctx: AppContext, store: Store, actor: Actor, world: dict, tmp_path
) -> None:
    _alert(store, actor, world["incident"], tmp_path, "SURGE-1")
    _settled(panel)
    other = incidents.create_incident(store, actor=actor, name="Other", make_current=False)
    ctx.set_incident(other)
    _settled(panel)
    assert panel.alert_headlines() == []
    ctx.set_incident(world["incident"])
    _settled(panel)
    assert len(panel.alert_headlines()) == 1


def test_screenshot_with_alert(
    panel: MemberMapPanel, store: Store, actor: Actor, world: dict, tmp_path: Path
) -> None:
    _alert(store, actor, world["incident"], tmp_path, "SURGE-1")
    _settled(panel)
    county = "<geocode><valueName>SAME</valueName><value>009003</value></geocode>"
    _alert(store, actor, world["incident"], tmp_path, "CNTY", area=county,
           headline="Flood Watch for Hartford County", severity="Moderate")  # fmt: skip
    _settled(panel)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert panel.grab().save(str(SHOTS / "map_alerts.png"))


def test_count_says_what_is_in_view_and_in_the_incident(
    qtbot: Any, panel: MemberMapPanel, ctx: AppContext, store: Store, actor: Actor, world: dict
) -> None:
    """Zoomed to Connecticut in a CT-only incident, the line counts the markers in view
    and those the incident covers, not the whole membership "shown"."""
    ct = organizations.region_id_for("ct")
    local = incidents.create_incident(
        store, actor=actor, name="CT only", region_ids=[ct], make_current=False
    )
    ctx.set_incident(local)
    _settled(panel)
    assert panel.count_text().startswith("6 in view · 5 in this incident · 7 members")
    # The operator zooms to Connecticut (as a mouse zoom does: the view stops following
    # the markers).
    panel.view.setRange(xRange=(-73.1, -72.4), yRange=(41.2, 41.85), padding=0)
    panel.view.sigRangeChangedManually.emit(panel.view.state["mouseEnabled"])
    qtbot.waitUntil(lambda: panel.count_text().startswith("5 in view · 5 in this incident"))
    assert "7 members" in panel.count_text()
    panel.type_filter.setCurrentIndex(panel.type_filter.findData("hospital"))
    assert panel.count_text().startswith("2 in view · 2 in this incident · 7 members")
    assert "3 hidden by filters" in panel.count_text()


def test_legend_collapses_from_the_map_and_stays_collapsed(
    qtbot: Any, panel: MemberMapPanel, ctx: AppContext
) -> None:
    """The legend collapses to a small chip (toolbar button, or a click on the legend
    itself), the fit then gives the map the room, and a new map starts as it was left."""
    assert panel.legend_expanded()
    full = panel.legend.width(), panel.legend.height()
    centre = panel.legend.sceneBoundingRect().center()
    qtbot.mouseClick(
        panel.plot.viewport(), Qt.MouseButton.LeftButton, pos=panel.plot.mapFromScene(centre)
    )
    assert not panel.legend_expanded()
    assert not panel.legend_button.isChecked()
    assert panel.legend.height() < full[1] / 4 and panel.legend.width() <= full[0]
    assert panel.selected_ring_position() is None  # the click selected no member
    again = MemberMapPanel(ctx)
    qtbot.addWidget(again)
    assert not again.legend_expanded() and not again.legend_button.isChecked()
    again.legend_button.click()
    assert again.legend_expanded()
    third = MemberMapPanel(ctx)
    qtbot.addWidget(third)
    assert third.legend_expanded()


def test_colour_by_membership_and_the_legend_says_so(
    panel: MemberMapPanel, store: Store, actor: Actor, world: dict
) -> None:
    assert panel.colour_by() == style.BY_STATUS and not panel.membership_button.isChecked()
    organizations.update_organization(
        store, actor=actor, org_id=world["baystate"], membership="lapsed", left_on="2026-06-30"
    )
    _settled(panel)
    panel.membership_button.setChecked(True)
    assert panel.colour_by() == style.BY_MEMBERSHIP
    core = QColor(style.MEMBERSHIP_COLOURS["core"]).name()
    lapsed = QColor(style.MEMBERSHIP_COLOURS["lapsed"]).name()
    assert _brush_of(panel, world["hartford"]) == core  # on diversion, but a core member
    assert _brush_of(panel, world["baystate"]) == lapsed
    labels = [e.label for e in panel.legend.entries()]
    assert labels[0] == "Colour: membership" and "EEI status" not in labels
    assert {"Core", "Lapsed"} <= set(labels) and "On diversion" not in labels
    panel.membership_button.setChecked(False)
    assert _brush_of(panel, world["hartford"]) == _colour("diversion")
    assert panel.legend.entries()[0].label == "EEI status"
