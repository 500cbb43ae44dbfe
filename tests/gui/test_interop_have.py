"""Interchange → Export EDXL-HAVE and Import EDXL-HAVE: a schema-valid export, an
enveloped one, an import that shows what matched and what did not before anything is
written, Cancel that writes nothing, and a bad file that ends in a dialog."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PySide6.QtWidgets import QWidget

from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.services import eei, organizations
from hcc_desktop.gui import interop
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.interop import have_export_dialog, have_import_dialog
from hcc_desktop.gui.interop.have_choice import NEW_TEXT, SKIP_TEXT
from hcc_desktop.gui.interop.have_export_dialog import HaveExportDialog
from hcc_desktop.gui.interop.have_import_dialog import HaveImportDialog
from hcc_desktop.interop.have_export import export_have
from hcc_desktop.interop.have_import import preview_have
from tests.gui.builders import Scenario

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
XSD = ROOT / "tests/fixtures/standards/edxl-have/xsd/edxl-have/1.0/edxl-have.xsd"
SHOTS = Path(os.environ.get("HCC_SHOTS", "/tmp/shots"))
TIMEOUT = 15_000
XNL = "urn:oasis:names:tc:ciq:xnl:3"


@pytest.fixture
def view(view: AppContext, scenario: Scenario) -> AppContext:
    """The scenario's incident in view, its last period's reports validated."""
    ctx = view
    ids = [
        r.id
        for r in eei.reports_for_period(
            ctx.store, incident_id=scenario.incident_id, period=scenario.periods
        )
    ]
    eei.validate(ctx.store, actor=ctx.actor, report_ids=ids, state="validated")
    return ctx


def _dialog(qtbot: Any, parent: QWidget, cls: type) -> Any:
    qtbot.waitUntil(lambda: parent.findChild(cls) is not None, timeout=TIMEOUT)
    return parent.findChild(cls)


def _export(parent: QWidget, ctx: AppContext, out: Path, monkeypatch) -> HaveExportDialog:
    monkeypatch.setattr(have_export_dialog, "ask_save_path", lambda *_a: out)
    interop.export_have(parent, ctx)
    dialog = parent.findChild(HaveExportDialog)
    assert dialog is not None
    return dialog


def test_export_have_is_schema_valid(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    out = tmp_path / "status.xml"
    dialog = _export(parent, view, out, monkeypatch)
    assert dialog.incident.currentData() == view.incident_id
    assert dialog.period.currentData() == view.period
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert boxes[-1][0] == "Export EDXL-HAVE", boxes
    assert "HospitalStatus for 5 facilities" in boxes[-1][1]
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    schema.assertValid(etree.parse(str(out)))


def test_export_have_in_an_envelope(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    out = tmp_path / "status-de.xml"
    dialog = _export(parent, view, out, monkeypatch)
    dialog.envelope.setChecked(True)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert "EDXL-DE envelope" in boxes[-1][1]
    assert etree.QName(etree.parse(str(out)).getroot()).localname == "EDXLDistribution"


def test_export_with_nothing_validated_is_refused(
    qtbot: Any, parent: QWidget, ctx: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    out = tmp_path / "none.xml"
    dialog = _export(parent, ctx, out, monkeypatch)  # nothing validated in this store
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert boxes[-1][0] == "Export EDXL-HAVE"
    assert "Nothing was changed." in boxes[-1][1]
    assert not out.exists()


def _have_file(view: AppContext, tmp_path: Path) -> Path:
    """This store's export with one hospital renamed to a name nobody has (and its
    id dropped), so that one hospital cannot be matched."""
    return _partner_file(view, tmp_path)[0]


def _partner_file(view: AppContext, tmp_path: Path) -> tuple[Path, str]:
    """`_have_file` and the id of the member the renamed hospital really is."""
    path = tmp_path / "partner.xml"
    export_have(view.store, path, incident_id=view.incident_id)
    doc = etree.parse(str(path))
    names = list(doc.getroot().iter(f"{{{XNL}}}OrganisationName"))
    original = names[0].get(f"{{{XNL}}}ID")
    for n in names:
        for k in list(n.attrib):
            del n.attrib[k]  # match by name, as a partner's file would
    first = next(doc.getroot().iter(f"{{{XNL}}}NameElement"))
    first.text = "Nowhere General Hospital"
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path, original


def _open_have(qtbot: Any, parent: QWidget, ctx: AppContext, path: Path, monkeypatch) -> Any:
    monkeypatch.setattr(have_import_dialog, "ask_open_path", lambda *_a: path)
    interop.import_have(parent, ctx)
    return _dialog(qtbot, parent, HaveImportDialog)


def test_import_have_shows_matches_then_records(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    path = _have_file(view, tmp_path)
    before = dump_text(view.store)
    dialog = _open_have(qtbot, parent, view, path, monkeypatch)
    assert dump_text(view.store) == before  # the preview writes nothing
    table = dialog.table
    got = {table.item(r, 0).text(): table.item(r, 3).text() for r in range(table.rowCount())}
    assert got["Nowhere General Hospital"].startswith("NOT MATCHED")
    assert got["Waterbury Hospital"] == "Waterbury Hospital"
    assert "4 matched, 1 not matched" in dialog.summary.text()
    unmatched = dialog.findChild(type(dialog.summary), "haveUnmatched")
    assert "Nowhere General Hospital" in unmatched.text()
    values = dialog.preview.values
    assert dialog.import_button.text() == f"Record {values} values"
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert boxes[-1][0] == "Import EDXL-HAVE"
    assert f"{values} values recorded for period {view.period}" in boxes[-1][1]
    sources = {
        r.source for r in eei.reports_for_period(view.store, incident_id=view.incident_id, period=3)
    }
    assert "EDXL-HAVE partner.xml" in sources


def test_import_have_cancel_writes_nothing(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, monkeypatch
) -> None:
    path = _have_file(view, tmp_path)
    before = dump_text(view.store)
    dialog = _open_have(qtbot, parent, view, path, monkeypatch)
    dialog.reject()
    assert dump_text(view.store) == before


def test_import_have_bad_file_gives_a_dialog(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    wrong = tmp_path / "not-have.xml"
    wrong.write_text("<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'/>")
    before = dump_text(view.store)
    monkeypatch.setattr(have_import_dialog, "ask_open_path", lambda *_a: wrong)
    interop.import_have(parent, view)
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    title, text = boxes[-1]
    assert title == "Import EDXL-HAVE"
    assert "not-have.xml" in text and "not an EDXL-HAVE HospitalStatus" in text
    assert parent.findChild(HaveImportDialog) is None
    assert dump_text(view.store) == before


def _unmatched_row(dialog: HaveImportDialog) -> int:
    (row,) = dialog.combos
    assert dialog.table.item(row, 0).text() == "Nowhere General Hospital"
    return row


def _recorded(ctx: AppContext, org_id: str) -> dict[str, object]:
    return {
        r.element_code: r.value
        for r in eei.reports_for_period(ctx.store, incident_id=ctx.incident_id, period=ctx.period)
        if r.organization_id == org_id and r.source == "EDXL-HAVE partner.xml"
    }


def test_import_have_maps_an_unmatched_hospital_to_a_member_and_remembers(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    path, original = _partner_file(view, tmp_path)
    dialog = _open_have(qtbot, parent, view, path, monkeypatch)
    combo = dialog.combos[_unmatched_row(dialog)]
    assert combo.currentText() == SKIP_TEXT and combo.isEditable()
    name = next(mb.name for mb in dialog.preview.members if mb.id == original)
    # Searchable: any part of a member's name finds it.
    combo.completer().setCompletionPrefix(name.split()[0].lower())
    assert combo.completer().completionCount() >= 1
    assert combo.completer().currentCompletion().startswith(name.split()[0])
    skipped = dialog.preview.values
    combo.setCurrentIndex(combo.findData(original))
    hospital = dialog.preview.matches[_unmatched_row(dialog)].hospital
    values = skipped + len(hospital.values)
    assert dialog.import_button.text() == f"Record {values} values"
    assert "1 recorded as members, 0 added as new facilities, 0 skipped" in dialog.detail.text()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert boxes[-1][0] == "Import EDXL-HAVE"
    assert f"{values} values recorded" in boxes[-1][1]
    assert "1 mapped to members and 0 added" in boxes[-1][1]
    assert hospital.values and set(_recorded(view, original)) == set(hospital.values)
    # The same file again: every hospital matches, the renamed one by the mapping.
    boxes.clear()
    again = preview_have(view.store, path, incident_id=view.incident_id, period=view.period)
    assert not again.unmatched
    assert again.matches[0].how == "remembered mapping"


def test_import_have_adds_an_unmatched_hospital_as_a_new_facility(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, boxes: list, monkeypatch
) -> None:
    dialog = _open_have(qtbot, parent, view, _have_file(view, tmp_path), monkeypatch)
    combo = dialog.combos[_unmatched_row(dialog)]
    combo.setCurrentIndex(combo.findText(NEW_TEXT))
    assert "0 recorded as members, 1 added as new facilities" in dialog.detail.text()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: bool(boxes), timeout=TIMEOUT)
    assert "1 added as new facilities" in boxes[-1][1], boxes
    (new,) = [
        o for o in organizations.list_organizations(view.store)
        if o.name == "Nowhere General Hospital"
    ]  # fmt: skip
    assert (new.member_type, new.source) == ("hospital", "EDXL-HAVE partner.xml")
    assert new.lat is not None and new.town
    assert _recorded(view, new.id)


def test_import_have_refuses_two_hospitals_on_one_member_before_recording(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, monkeypatch
) -> None:
    dialog = _open_have(qtbot, parent, view, _have_file(view, tmp_path), monkeypatch)
    combo = dialog.combos[_unmatched_row(dialog)]
    taken = next(mt for mt in dialog.preview.matches if mt.organization_id)
    combo.setCurrentIndex(combo.findData(taken.organization_id))
    assert not dialog.import_button.isEnabled()
    assert dialog.problem.isVisibleTo(dialog)
    assert f"would report for {taken.organization_name}" in dialog.problem.text()
    dialog.skip_all.click()
    assert combo.currentText() == SKIP_TEXT
    assert dialog.import_button.isEnabled() and not dialog.problem.isVisibleTo(dialog)
    dialog.add_all.click()
    assert combo.currentText() == NEW_TEXT
    dialog.reject()


def test_screenshots(
    qtbot: Any, parent: QWidget, view: AppContext, tmp_path: Path, monkeypatch
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    export = _export(parent, view, tmp_path / "x.xml", monkeypatch)
    qtbot.waitExposed(export)
    assert export.grab().save(str(SHOTS / "interop_export_have.png"))
    export.reject()
    dialog = _open_have(qtbot, parent, view, _have_file(view, tmp_path), monkeypatch)
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(SHOTS / "interop_import_have.png"))
    combo = dialog.combos[_unmatched_row(dialog)]
    combo.setCurrentIndex(combo.findText(NEW_TEXT))
    assert dialog.grab().save(str(SHOTS / "interop_import_have_new.png"))
    dialog.reject()
