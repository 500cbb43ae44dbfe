"""EDXL-HAVE from another reporting system, whose hospitals match none of ours: the
unmatched report, `--map NAME=MEMBER`, `--add-unmatched`, the remembered mapping that
makes the next file match without options, refusals of a bad --map with the store
unchanged, and the whole import (new members, mapping, values) as one transaction."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from hcc_desktop import cli
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import eei, organizations
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.interop.have_export import export_have
from hcc_desktop.interop.have_import import commit_have, import_have, preview_have
from hcc_desktop.interop.have_match import (
    ALIASES_SETTING,
    HOW_EXTERNAL,
    HOW_MAPPED,
    HOW_NEW,
    HOW_REMEMBERED,
    NEW,
    SKIP,
)
from tests.conftest import FakeWall
from tests.interop.test_have import VALUES, _world
from tests.store_faults import assert_all_or_nothing, snapshot

HAVE = "urn:oasis:names:tc:emergency:EDXL:HAVE:1.0"
NS = {
    "have": HAVE,
    "xnl": "urn:oasis:names:tc:ciq:xnl:3",
    "xal": "urn:oasis:names:tc:ciq:xal:3",
    "gml": "http://www.opengis.net/gml",
}
CAMPUS = "Capitol Region Campus"  # Hartford Hospital under the partner system's name
ELSEWHERE = "Saint Elsewhere Medical Center"  # a hospital we do not have at all


@pytest.fixture
def world(store_path: Path, actor: Actor, tmp_path: Path) -> dict[str, Any]:
    """A closed store with two members and an incident (Hartford's values validated),
    and a foreign document: the export of Hartford's values under another system's
    names and ids, plus a second hospital in Springfield, MA."""
    with open_store(store_path, wall=FakeWall()) as s:
        w: dict[str, Any] = _world(s, actor)
        ids = eei.set_values(
            s, actor=actor, incident_id=w["inc"], organization_id=w["hh"], period=1,
            values=VALUES, reported_at="2026-11-18T01:30Z",
        )  # fmt: skip
        eei.validate(s, actor=actor, report_ids=ids, state="validated")
        export_have(s, tmp_path / "ours.xml", incident_id=w["inc"])
    w["path"] = foreign_have(tmp_path / "ours.xml", tmp_path / "emsystem.xml")
    return w


def _rename(hospital: etree._Element, name: str, ref: str | None) -> None:
    org_name = hospital.find(".//xnl:OrganisationName", NS)
    org_name.attrib.clear()
    if ref is not None:
        org_name.set(f"{{{NS['xnl']}}}ID", ref)
    org_name.find("xnl:NameElement", NS).text = name


def foreign_have(ours: Path, out: Path, *, ids: bool = True, campus: str = CAMPUS) -> Path:
    """Our own export rewritten as a partner system would send it: its own names and
    ids (EMR-...), nothing that matches a member here by id, name or name words."""
    doc = etree.parse(str(ours))
    root = doc.getroot()
    (hartford,) = root.findall("have:Hospital", NS)
    elsewhere = copy.deepcopy(hartford)
    root.append(elsewhere)
    _rename(hartford, campus, "EMR-0042" if ids else None)
    _rename(elsewhere, ELSEWHERE, "EMR-0099" if ids else None)
    for part, text in (
        ("AdministrativeArea", "MA"), ("Locality", "Springfield"),
        ("Thoroughfare", "759 Chestnut St"),
    ):  # fmt: skip
        elsewhere.find(f".//xal:{part}/xal:NameElement", NS).text = text
    elsewhere.find(".//xal:PostCode/xal:Identifier", NS).text = "01199"
    elsewhere.find(".//gml:pos", NS).text = "42.120500 -72.604300"
    doc.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


@pytest.fixture
def opened(store_path: Path, wall: FakeWall) -> Iterator[Store]:
    s = open_store(store_path, wall=wall)
    yield s
    s.close()


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(store_path: Path, wall: FakeWall, capsys: pytest.CaptureFixture[str], monkeypatch) -> Run:
    """`hcc-desktop --store S ...` in-process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(cli, "WALL", wall)
    monkeypatch.setenv("HCC_OPERATOR", "Dana Reyes")
    monkeypatch.setenv("HCC_POSITION", "Situation Unit Leader")

    def _run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main(["--store", str(store_path), *args])
        wall.advance(1)
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _import(run: Run, world: dict[str, Any], *extra: str) -> tuple[int, str, str]:
    return run("import-have", str(world["path"]), "--incident", world["inc"], "--period", "1",
               *extra)  # fmt: skip


def _values(store_path: Path, inc: str, org_id: str) -> dict[str, object]:
    with open_store(store_path, wall=FakeWall()) as s:
        return {
            r.element_code: r.value
            for r in eei.reports_for_period(s, incident_id=inc, period=1)
            if r.organization_id == org_id
        }


def test_foreign_document_is_valid_and_matches_nothing(
    world: dict[str, Any], have_xsd: Path, store_path: Path, run: Run
) -> None:
    schema = etree.XMLSchema(etree.parse(str(have_xsd)))
    assert schema.validate(etree.parse(str(world["path"]))), schema.error_log
    before = snapshot(store_path)
    code, out, _ = _import(run, world)
    assert code == 0
    assert f"NOT matched: {CAMPUS} in Hartford" in out
    assert f'--map "{ELSEWHERE}=MEMBER" or --add-unmatched' in out
    assert "0 values recorded for period 1 of " in out
    assert ", awaiting validation; 2 hospitals not matched" in out
    assert snapshot(store_path) == before


def test_map_records_values_and_remembers(world: dict[str, Any], store_path: Path, run: Run):
    code, out, err = _import(run, world, "--map", f"{CAMPUS}=Hartford Hospital")
    assert code == 0, err
    assert f"mapped: {CAMPUS} → Hartford Hospital (remembered for later imports)" in out
    assert f"NOT matched: {ELSEWHERE} in Springfield" in out
    assert f"{len(VALUES)} values recorded" in out and "1 hospitals not matched" in out
    assert _values(store_path, world["inc"], world["hh"]) == VALUES
    with open_store(store_path, wall=FakeWall()) as s:
        aliases = json.loads(s.get_setting(ALIASES_SETTING) or "{}")
    assert aliases == {"id:EMR-0042": world["hh"], f"name:{CAMPUS.lower()}": world["hh"]}


@pytest.mark.parametrize("how", ["id", "short id", "name in lower case"])
def test_map_by_file_id_and_member_id(
    world: dict[str, Any], store_path: Path, run: Run, how: str
) -> None:
    member = {"id": world["hh"], "short id": world["hh"][-8:], "name in lower case": "x"}[how]
    if how == "name in lower case":  # the hospital by its name in other case, member by name
        spec = f"{CAMPUS.upper()}=Hartford Hospital"
    else:  # the hospital by its id in the file
        spec = f"EMR-0042={member}"
    code, out, err = _import(run, world, "--map", spec)
    assert code == 0, err
    assert f"mapped: {CAMPUS} → Hartford Hospital" in out
    assert _values(store_path, world["inc"], world["hh"]) == VALUES


def test_add_unmatched_adds_a_facility_with_what_have_carries(
    world: dict[str, Any], store_path: Path, run: Run
) -> None:
    code, out, err = _import(run, world, "--map", f"{CAMPUS}=Hartford Hospital", "--add-unmatched")
    assert code == 0, err
    assert f"added as a new facility: {ELSEWHERE}" in out
    assert "0 hospitals not matched; 1 added as new facilities" in out
    with open_store(store_path, wall=FakeWall()) as s:
        (new,) = [o for o in organizations.list_organizations(s) if o.name == ELSEWHERE]
    got = {k: getattr(new, k) for k in (
        "member_type", "membership", "address", "town", "state", "zip", "lat", "lon",
        "external_key", "source", "coords_source",
    )}  # fmt: skip
    assert got == {
        "member_type": "hospital", "membership": "non_core", "address": "759 Chestnut St",
        "town": "Springfield", "state": "MA", "zip": "01199", "lat": 42.1205,
        "lon": -72.6043, "external_key": "EMR-0099", "source": "EDXL-HAVE emsystem.xml",
        "coords_source": "given",
    }  # fmt: skip
    assert _values(store_path, world["inc"], new.id) == VALUES
    assert _values(store_path, world["inc"], world["hh"]) == VALUES


def test_reimport_and_later_documents_match_by_the_remembered_mapping(
    world: dict[str, Any], store_path: Path, run: Run, tmp_path: Path
) -> None:
    assert _import(run, world, "--map", f"{CAMPUS}=Hartford Hospital", "--add-unmatched")[0] == 0
    with open_store(store_path, wall=FakeWall()) as s:
        before = dump_text(s)
    code, out, _ = _import(run, world)  # the same document, no options
    assert code == 0
    assert f"matched (remembered mapping): {CAMPUS} → Hartford Hospital" in out
    assert f"matched (remembered mapping): {ELSEWHERE} → {ELSEWHERE}" in out
    assert "0 hospitals not matched" in out
    with open_store(store_path, wall=FakeWall()) as s:
        assert dump_text(s) == before  # the same values again change nothing
    # A later file of the same system: the hospital renamed, its id the same ...
    renamed = foreign_have(tmp_path / "ours.xml", tmp_path / "later.xml", campus="CRC Main")
    # ... and one from a feed that sends names only.
    no_ids = foreign_have(tmp_path / "ours.xml", tmp_path / "names.xml", ids=False)
    for doc in (renamed, no_ids):
        with open_store(store_path, wall=FakeWall()) as s:
            preview = preview_have(s, doc, incident_id=world["inc"], period=1)
        assert [(mt.organization_name, mt.how) for mt in preview.matches] == [
            ("Hartford Hospital", HOW_REMEMBERED),
            (ELSEWHERE, HOW_REMEMBERED),
        ], doc.name


def test_added_facility_matches_by_its_id_in_the_other_system_without_the_setting(
    world: dict[str, Any], store_path: Path, actor: Actor
) -> None:
    """The member added from the file carries the partner's id (synchronised), so a
    station that has the member but not this station's local mapping matches it too."""
    with open_store(store_path, wall=FakeWall()) as s:
        import_have(s, world["path"], actor=actor, incident_id=world["inc"], period=1,
                    add_unmatched=True)  # fmt: skip
        s.set_setting(ALIASES_SETTING, None)
        preview = preview_have(s, world["path"], incident_id=world["inc"], period=1)
    assert [(mt.organization_name, mt.how) for mt in preview.matches] == [
        (CAMPUS, HOW_EXTERNAL),
        (ELSEWHERE, HOW_EXTERNAL),
    ]


def test_choices_skip_override_and_refuse_two_hospitals_on_one_member(
    world: dict[str, Any], opened: Store, actor: Actor
) -> None:
    preview = preview_have(opened, world["path"], incident_id=world["inc"], period=1)
    before = snapshot(opened.path)
    with pytest.raises(ValidationError) as err:
        commit_have(opened, preview, actor=actor, choices={0: world["hh"], 1: world["hh"]})
    assert ELSEWHERE in err.value.field
    assert "would report for Hartford Hospital, as Capitol Region Campus does" in err.value.message
    with pytest.raises(ValidationError, match="unknown member 'no-such-id'"):
        commit_have(opened, preview, actor=actor, choices={1: "no-such-id"})
    assert snapshot(opened.path) == before
    result = commit_have(opened, preview, actor=actor, choices={0: NEW, 1: SKIP})
    assert [mt.how for mt in result.matches] == [HOW_NEW, ""]
    assert len(result.unmatched) == 1 and result.values == len(VALUES)
    # Mapping a hospital the import matched overrides the automatic match.
    again = preview_have(opened, world["path"], incident_id=world["inc"], period=1)
    assert again.matches[0].how == HOW_REMEMBERED
    result = commit_have(opened, again, actor=actor, choices={0: world["ynh"]})
    assert (result.matches[0].organization_id, result.matches[0].how) == (world["ynh"], HOW_MAPPED)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--map", "Hartford Hospital"], "'Hartford Hospital': expected NAME=MEMBER"),
        (["--map", "=Hartford Hospital"], "'=Hartford Hospital': expected NAME=MEMBER"),
        (["--map", f"{CAMPUS}="], f"'{CAMPUS}=': expected NAME=MEMBER"),
        (["--map", "Nowhere General=Hartford Hospital"],
         "'Nowhere General=Hartford Hospital': no hospital named 'Nowhere General' in "
         f"emsystem.xml (it has {CAMPUS}, {ELSEWHERE})"),
        (["--map", f"{CAMPUS}=Nobody Memorial"],
         f"'{CAMPUS}=Nobody Memorial': unknown member 'Nobody Memorial'"),
        (["--map", f"{CAMPUS}=Hartford Hospital", "--map", "EMR-0042=Yale-New Haven Hospital"],
         f"'EMR-0042=Yale-New Haven Hospital': {CAMPUS} is mapped twice"),
        (["--map", f"{CAMPUS}=Hartford Hospital", "--map", f"{ELSEWHERE}=Hartford Hospital"],
         "would report for Hartford Hospital"),
        (["--map", f"{CAMPUS}=Hartford Hospital", "--add-unmatched", "--map", "x=y"],
         "'x=y': no hospital named 'x'"),
    ],
)  # fmt: skip
def test_bad_map_is_refused_and_store_unchanged(
    world: dict[str, Any], store_path: Path, run: Run, args: list[str], says: str
) -> None:
    before = snapshot(store_path)
    code, out, err = _import(run, world, *args)
    assert code == 1, (out, err)
    assert says in err, err
    if "would report" not in says:
        assert "--map: " in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(store_path) == before


def test_import_with_new_facility_is_all_or_nothing(
    world: dict[str, Any], store_path: Path, tmp_path: Path, actor: Actor
) -> None:
    """New member, remembered mapping and values commit together or not at all."""

    def writer(s: Store) -> object:
        return import_have(
            s, world["path"], actor=actor, incident_id=world["inc"], period=1,
            mapping={CAMPUS: world["hh"]}, add_unmatched=True,
        )  # fmt: skip

    writes = assert_all_or_nothing(store_path, tmp_path / "work.sqlite", writer)
    assert writes >= 6  # change sets, a member, the setting, versions and reports (batched)
