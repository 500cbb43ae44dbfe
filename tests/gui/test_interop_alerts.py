"""Interchange → Import alert, alert files dropped on the window, and Issue CAP
advisory: the dialogs call the same services as the CLI, Cancel writes nothing, a bad
file ends in a dialog that names the file and element, and the store is unchanged."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PySide6.QtWidgets import QDialog, QWidget

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import HccError
from hcc_desktop.core.services import alerts, incidents
from hcc_desktop.core.services.log import LogFilter, list_entries
from hcc_desktop.gui import interop
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop import alert_import, cap_export_dialog
from hcc_desktop.gui.interop.alert_import import AlertImportDialog
from hcc_desktop.gui.interop.cap_export_dialog import CapExportDialog
from hcc_desktop.gui.interop.have_import_dialog import HaveImportDialog
from hcc_desktop.interop.cap_import import import_cap

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
CAP_DIR = ROOT / "tests" / "fixtures" / "standards" / "cap"
SHOTS = Path(os.environ.get("HCC_SHOTS", "/tmp/shots"))
TIMEOUT = 15_000

#: A polygon over New Haven and Waterbury (Yale-New Haven and Waterbury Hospital).
POLYGON = "41.20,-73.20 41.70,-73.20 41.70,-72.80 41.20,-72.80 41.20,-73.20"


def cap_xml(
    identifier: str = "NWS-CT-0001",
    *,
    msg_type: str = "Alert",
    references: str = "",
    area: str = f"<polygon>{POLYGON}</polygon>",
    headline: str = "Hurricane Warning for New Haven County",
    severity: str = "Extreme",
    status: str = "Actual",
    expires: str = "2026-11-19T12:00:00-05:00",
) -> str:
    refs = f"<references>{references}</references>" if references else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
 <identifier>{identifier}</identifier><sender>w-nws.webmaster@noaa.gov</sender>
 <sent>2026-11-17T20:00:00-05:00</sent><status>{status}</status><msgType>{msg_type}</msgType>
 <scope>Public</scope>{refs}
 <info><category>Met</category><event>Hurricane Warning</event><urgency>Expected</urgency>
  <severity>{severity}</severity><certainty>Likely</certainty>
  <expires>{expires}</expires><senderName>NWS Boston/Norton MA</senderName>
  <headline>{headline}</headline>
  <description>Hurricane conditions expected within 36 hours.</description>
  <instruction>Complete preparations; move patients away from windows.</instruction>
  <area><areaDesc>New Haven; Waterbury</areaDesc>{area}</area>
 </info>
</alert>"""


@pytest.fixture
def cap_file(tmp_path: Path) -> Path:
    path = tmp_path / "warning.xml"
    path.write_text(cap_xml(), encoding="utf-8")
    return path


def _dialog(qtbot: Any, parent: QWidget, cls: type) -> Any:
    qtbot.waitUntil(lambda: parent.findChild(cls) is not None, timeout=TIMEOUT)
    return parent.findChild(cls)


def _open_alert(qtbot: Any, parent: QWidget, ctx: AppContext, path: Path, monkeypatch) -> Any:
    monkeypatch.setattr(alert_import, "ask_open_path", lambda *_a: path)
    interop.import_alert(parent, ctx)
    return _dialog(qtbot, parent, AlertImportDialog)


def _cell(dialog: AlertImportDialog, row: int, header: str) -> str:
    col = alert_import.COLUMNS.index(header)
    return dialog.table.item(row, col).text()


def test_import_alert_into_the_incident_in_view(
    qtbot: Any, parent: QWidget, view: AppContext, cap_file: Path, boxes: list, monkeypatch
) -> None:
    before = len(list_entries(view.store, flt=LogFilter(incident_id=view.incident_id)))
    dialog = _open_alert(qtbot, parent, view, cap_file, monkeypatch)
    assert dialog.table.rowCount() == 1
    assert _cell(dialog, 0, "Sender") == "NWS Boston/Norton MA"
    assert _cell(dialog, 0, "Sent") == "2026-11-17T20:00:00-05:00"
    assert _cell(dialog, 0, "Status") == "Actual"
    assert _cell(dialog, 0, "Type") == "Alert"
    assert _cell(dialog, 0, "Event") == "Hurricane Warning"
    assert _cell(dialog, 0, "Urgency / severity / certainty") == "Expected / Extreme / Likely"
    assert _cell(dialog, 0, "Headline") == "Hurricane Warning for New Haven County"
    assert _cell(dialog, 0, "Areas") == "New Haven; Waterbury"
    inside = _cell(dialog, 0, "Members inside")
    assert "Yale-New Haven Hospital Saint Raphael Campus" in inside
    assert "Waterbury Hospital" in inside
    assert "Stamford Hospital" not in inside
    detail = dialog.detail.toPlainText()
    assert "Instruction: Complete preparations" in detail
    assert "1 polygon(s)" in detail
    assert "Members inside the areas (3)" in detail
    assert dialog.to_incident.isChecked()
    assert dialog.incident.currentData() == view.incident_id
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert boxes[-1][0] == "Import alert"
    assert "Imported: Alert Actual — Hurricane Warning for New Haven County" in boxes[-1][1]
    assert "1 new, 0 already known" in boxes[-1][1]
    kept = alerts.list_alerts(view.store, incident_id=view.incident_id)
    assert [a.identifier for a in kept] == ["NWS-CT-0001"]
    entries = list_entries(view.store, flt=LogFilter(incident_id=view.incident_id))
    assert len(entries) == before + 1


def test_same_alert_again_is_reported_as_already_imported(
    qtbot: Any, parent: QWidget, view: AppContext, cap_file: Path, boxes: list, monkeypatch
) -> None:
    import_cap(view.store, cap_file, actor=view.actor, incident_id=view.incident_id)
    before = dump_text(view.store)
    dialog = _open_alert(qtbot, parent, view, cap_file, monkeypatch)
    assert _cell(dialog, 0, "State") == "already imported"
    assert "1 already imported (not duplicated)" in dialog.summary.text()
    assert "Already imported" in dialog.detail.toPlainText()
    assert dialog.import_button.text().startswith("Nothing new")
    dialog.import_button.click()
    assert dump_text(view.store) == before


def test_new_incident_from_the_alert(
    qtbot: Any, parent: QWidget, view: AppContext, cap_file: Path, boxes: list, monkeypatch
) -> None:
    old = {i.id for i in incidents.list_incidents(view.store)}
    dialog = _open_alert(qtbot, parent, view, cap_file, monkeypatch)
    dialog.new_incident.setChecked(True)
    assert not dialog.incident.isEnabled()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert "A new incident was opened" in boxes[-1][1]
    new = [i for i in incidents.list_incidents(view.store) if i.id not in old]
    assert len(new) == 1
    assert new[0].name == "Hurricane Warning for New Haven County"
    assert view.incident_id == new[0].id  # the operator lands in the new incident


def test_cancel_writes_nothing(
    qtbot: Any, parent: QWidget, view: AppContext, cap_file: Path, monkeypatch
) -> None:
    before = dump_text(view.store)
    dialog = _open_alert(qtbot, parent, view, cap_file, monkeypatch)
    dialog.reject()
    assert dump_text(view.store) == before


def test_feed_lists_every_alert_and_members_of_a_county(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, monkeypatch
) -> None:
    county = "<geocode><valueName>SAME</valueName><value>009003</value></geocode>"
    entries = "".join(
        f"<entry><id>e{i}</id><updated>2026-11-17T20:00:00Z</updated><content>{body}</content>"
        "</entry>"
        for i, body in enumerate(
            [
                cap_xml("A1").split("?>", 1)[1],
                cap_xml("A2", area=county, headline="Flood Watch for Hartford County",
                        severity="Moderate").split("?>", 1)[1],
            ]
        )
    )  # fmt: skip
    feed = tmp_path / "alerts.atom"
    feed.write_text(f'<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>')
    dialog = _open_alert(qtbot, parent, view, feed, monkeypatch)
    assert dialog.table.rowCount() == 2
    assert _cell(dialog, 1, "Headline") == "Flood Watch for Hartford County"
    assert "St Francis Hospital & Medical Center" in _cell(dialog, 1, "Members inside")
    dialog.table.selectRow(1)
    assert "geocodes SAME 009003" in dialog.detail.toPlainText()
    dialog.reject()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>x", "line"),
        (cap_xml().replace("<sender>w-nws.webmaster@noaa.gov</sender>", ""), "<sender>"),
        ('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', "refused for safety"),
        (cap_xml().replace(POLYGON, "41.2,-73.2 nonsense"), "polygon point"),
    ],
    ids=["truncated", "missing-sender", "entities", "bad-polygon"],
)
def test_bad_file_gives_a_dialog_naming_file_and_element(
    qtbot: Any,
    parent: QWidget,
    view: AppContext,
    tmp_path: Path,
    boxes: list,
    monkeypatch,
    content: str,
    expected: str,
) -> None:
    bad = tmp_path / "bad-alert.xml"
    bad.write_text(content)
    before = dump_text(view.store)
    monkeypatch.setattr(alert_import, "ask_open_path", lambda *_a: bad)
    interop.import_alert(parent, view)
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    title, text = boxes[-1]
    assert title == "Import alert"
    assert "bad-alert.xml" in text and expected in text
    assert "Nothing was changed." in text
    assert parent.findChild(AlertImportDialog) is None
    assert dump_text(view.store) == before


def test_operator_cancelling_the_file_chooser_does_nothing(
    parent: QWidget, view: AppContext, monkeypatch
) -> None:
    monkeypatch.setattr(alert_import, "ask_open_path", lambda *_a: None)
    interop.import_alert(parent, view)
    assert parent.findChild(AlertImportDialog) is None


def test_drop_routes_alerts_and_hospital_status(
    qtbot: Any, parent: QWidget, view: AppContext, cap_file: Path, tmp_path: Path
) -> None:
    stray = tmp_path / "notes.txt"
    stray.write_text("hello")
    sheet = tmp_path / "members.csv"
    sheet.write_text("name\nX\n")
    assert interop.handle_drop(parent, view, [stray, sheet]) is False
    assert interop.handle_drop(parent, view, [cap_file]) is True
    _dialog(qtbot, parent, AlertImportDialog).reject()
    have = tmp_path / "status.xml"
    have.write_text(
        '<HospitalStatus xmlns="urn:oasis:names:tc:emergency:EDXL:HAVE:1.0"><Hospital>'
        '<Organization><OrganizationInformation><OrganisationName xmlns="urn:oasis:names:tc:'
        'ciq:xnl:3"><NameElement>Waterbury Hospital</NameElement></OrganisationName>'
        "</OrganizationInformation></Organization>"
        "<LastUpdateTime>2026-11-18T00:30:00Z</LastUpdateTime></Hospital></HospitalStatus>"
    )
    assert interop.handle_drop(parent, view, [have]) is True
    dialog = _dialog(qtbot, parent, HaveImportDialog)
    assert dialog.preview.matches[0].organization_name == "Waterbury Hospital"
    dialog.reject()


def test_the_shared_examples_open(
    qtbot: Any, parent: QWidget, view: AppContext, monkeypatch
) -> None:
    for name in ("thunderstorm.cap", "oasis-spec-example-homeland-security.cap"):
        dialog = _open_alert(qtbot, parent, view, CAP_DIR / name, monkeypatch)
        assert dialog.table.rowCount() == 1
        assert _cell(dialog, 0, "Members inside") == "none"
        dialog.reject()
        qtbot.waitUntil(lambda: parent.findChild(AlertImportDialog) is None, timeout=TIMEOUT)


# ------------------------------------------------------------------ CAP out


def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CAP_DIR / "CAP-v1.2.xsd")))


def _export_dialog(parent: QWidget, ctx: AppContext) -> CapExportDialog:
    interop.export_cap(parent, ctx)
    dialog = parent.findChild(CapExportDialog)
    assert dialog is not None
    return dialog


def _check(widget: Any, text: str) -> None:
    from PySide6.QtCore import Qt

    items = widget.findItems(text, Qt.MatchFlag.MatchStartsWith)
    assert items, text
    items[0].setCheckState(Qt.CheckState.Checked)


def test_export_cap_advisory_writes_a_valid_alert(
    parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    out = tmp_path / "advisory.xml"
    monkeypatch.setattr(cap_export_dialog, "ask_save_path", lambda *_a: out)
    dialog = _export_dialog(parent, view)
    assert dialog.status.isEnabled()  # not an exercise
    dialog.headline.setText("Waterbury Hospital on diversion until 18:00")
    dialog.description.setPlainText("ED closed to ambulances after a generator failure.")
    dialog.instruction.setPlainText("Route ambulances to St Mary's.")
    dialog.severity.setCurrentText("Severe")
    dialog.urgency.setCurrentText("Immediate")
    _check(dialog.members, "Waterbury Hospital")
    _check(dialog.counties, "New Haven County, CT")
    dialog.buttons.accepted.emit()
    assert out.exists(), boxes
    doc = etree.parse(str(out))
    _schema().assertValid(doc)
    ns = {"c": "urn:oasis:names:tc:emergency:cap:1.2"}
    assert doc.findtext("c:status", namespaces=ns) == "Actual"
    assert doc.findtext("c:info/c:severity", namespaces=ns) == "Severe"
    assert doc.findtext("c:info/c:area/c:circle", namespaces=ns) == "41.5598,-73.0587 2"
    assert doc.findtext("c:info/c:area/c:geocode/c:value", namespaces=ns) == "009009"
    assert "Waterbury Hospital and 2 km around" in doc.findtext(
        "c:info/c:area/c:areaDesc", namespaces=ns
    )
    assert doc.find("c:info/c:expires", namespaces=ns) is not None
    issued = [a for a in alerts.list_alerts(view.store) if a.direction == "out"]
    assert [a.identifier for a in issued] == [doc.findtext("c:identifier", namespaces=ns)]
    assert boxes[-1][0] == "Issue CAP advisory"


def test_exercise_incident_forces_exercise_status(
    parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    drill = incidents.create_incident(
        view.store, actor=view.actor, name="Surge drill", exercise=True, make_current=False
    )
    view.set_incident(drill)
    out = tmp_path / "drill.xml"
    monkeypatch.setattr(cap_export_dialog, "ask_save_path", lambda *_a: out)
    dialog = _export_dialog(parent, view)
    assert dialog.status.currentText() == "Exercise"
    assert not dialog.status.isEnabled()
    assert "Exercise" in dialog.status_note.text()
    dialog.headline.setText("Exercise: mass casualty drill")
    dialog.description.setPlainText("This is a drill.")
    dialog.buttons.accepted.emit()
    _schema().assertValid(etree.parse(str(out)))
    assert b"<status>Exercise</status>" in out.read_bytes()


def test_update_references_an_earlier_alert(
    parent: QWidget, view: AppContext, cap_file: Path, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    import_cap(view.store, cap_file, actor=view.actor, incident_id=view.incident_id)
    out = tmp_path / "update.xml"
    monkeypatch.setattr(cap_export_dialog, "ask_save_path", lambda *_a: out)
    dialog = _export_dialog(parent, view)
    assert not dialog.references.isEnabled()
    dialog.msg_type.setCurrentText("Update")
    assert dialog.references.isEnabled()
    assert dialog.references.currentData() == (
        "w-nws.webmaster@noaa.gov,NWS-CT-0001,2026-11-17T20:00:00-05:00"
    )
    dialog.headline.setText("Coalition update on the hurricane warning")
    dialog.description.setPlainText("All hospitals in the area activated surge plans.")
    dialog.buttons.accepted.emit()
    _schema().assertValid(etree.parse(str(out)))
    assert b"NWS-CT-0001" in out.read_bytes()


def test_export_cap_refusal_keeps_the_dialog_and_writes_nothing(
    parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    asked: list[Any] = []
    monkeypatch.setattr(cap_export_dialog, "ask_save_path", lambda *a: asked.append(a))
    before = dump_text(view.store)
    dialog = _export_dialog(parent, view)
    dialog.description.setPlainText("No headline given")
    dialog.buttons.accepted.emit()
    assert boxes and "headline: must not be empty" in boxes[-1][1]
    assert asked == []  # refused before the file chooser
    assert dialog.isVisible()
    dialog.headline.setText("A headline")
    dialog.buttons.accepted.emit()  # the chooser is cancelled (returns None)
    assert len(asked) == 1
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dump_text(view.store) == before
    assert list(tmp_path.glob("*.xml")) == []


def test_screenshots(
    qtbot: Any, parent: QWidget, view: AppContext, cap_file: Path, monkeypatch
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog = _open_alert(qtbot, parent, view, cap_file, monkeypatch)
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(SHOTS / "interop_import_alert.png"))
    dialog.reject()
    export = _export_dialog(parent, view)
    export.headline.setText("Waterbury Hospital on diversion until 18:00")
    export.description.setPlainText("ED closed to ambulances after a generator failure.")
    _check(export.members, "Waterbury Hospital")
    qtbot.waitExposed(export)
    assert export.grab().save(str(SHOTS / "interop_export_cap.png"))
    export.reject()


def test_a_refused_recording_gives_the_buttons_back(
    qtbot: Any, parent: QWidget, view: AppContext, cap_file: Path, boxes: list, monkeypatch
) -> None:
    """The dialog disables its buttons while the alerts are recorded; a refusal ends
    in the refusal dialog and gives them back, so the operator can choose again."""

    def refuse(*_a: Any, **_k: Any) -> None:
        raise HccError("warning.xml: the incident was closed meanwhile")

    dialog = _open_alert(qtbot, parent, view, cap_file, monkeypatch)
    monkeypatch.setattr(alert_import, "record_cap", refuse)
    before = dump_text(view.store)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert boxes[-1] == (
        "Import alert",
        "warning.xml: the incident was closed meanwhile\n\nNothing was changed.",
    )
    assert dialog.isVisible() and dialog.import_button.isEnabled()
    assert all(b.isEnabled() for b in dialog.buttons.buttons())
    assert dump_text(view.store) == before
