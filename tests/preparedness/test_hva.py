"""Hazard vulnerability analysis (issue 14, part 2): the Kaiser Permanente arithmetic,
assessments per scope and year, the ranked table, the XLSX export and the `hva`
commands. Every refusal names its field and leaves the store as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from hcc_desktop.core import models as m
from hcc_desktop.core.enums import HVA_SCORES
from hcc_desktop.core.services import hva
from hcc_desktop.core.services import organizations as orgs
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.interop.hva_export import export_hva
from tests.test_cli import Run, refused
from tests.test_services_orgs import refused as refused_call


def scores(*values: int) -> dict[str, int]:
    return dict(zip(HVA_SCORES, values, strict=True))


@pytest.mark.parametrize(
    ("values", "risk"),
    [
        ((3, 3, 3, 3, 3, 3, 2), 94),  # the tool's own sample rows (DOMAIN.md 1.3)
        ((1, 2, 2, 2, 2, 2, 2), 22),
        ((2, 3, 3, 3, 3, 3, 2), 63),
        ((0, 3, 3, 3, 3, 3, 3), 0),  # probability N/A: no risk whatever the rest
        ((3, 3, 3, 3, 3, 3, 3), 100),
        ((0, 0, 0, 0, 0, 0, 0), 0),
        ((3, 1, 1, 1, 1, 1, 0), 28),  # 27.78 rounds up, as the spreadsheet rounds
    ],
)
def test_relative_risk_is_the_tools(values: tuple[int, ...], risk: int) -> None:
    assert hva.relative_risk(scores(*values)) == risk


@pytest.fixture
def ct(store: Store, actor: Actor) -> str:
    return orgs.add_region(store, actor=actor, key="ct", name="Connecticut HCC", kind="coalition")


@pytest.fixture
def assessment(store: Store, actor: Actor, ct: str) -> str:
    aid = hva.create_assessment(store, actor=actor, region_id=ct, year=2026)
    for name, cat, values in (
        ("Ice storm", "natural", (2, 2, 2, 3, 2, 2, 2)),
        ("Hurricane", "natural", (3, 3, 3, 3, 2, 2, 2)),
        ("Cyberattack", "technological", (3, 2, 1, 3, 2, 3, 3)),
        ("Chemical release", "hazmat", (1, 2, 1, 2, 2, 2, 2)),
    ):
        hva.set_hazard(store, actor=actor, assessment_id=aid, name=name, category=cat,
                       **scores(*values))  # fmt: skip
    return aid


def test_ranked_table_and_category_summary(store: Store, assessment: str) -> None:
    rows = hva.ranked(store, assessment_id=assessment)
    assert [(r.rank, r.name, r.risk) for r in rows] == [
        (1, "Hurricane", 83), (2, "Cyberattack", 78), (3, "Ice storm", 48),
        (4, "Chemical release", 20),
    ]  # fmt: skip
    summary = {s.category: s for s in hva.summarise(rows)}
    assert list(summary) == ["natural", "technological", "hazmat", "all"]
    assert summary["natural"].hazards == 2
    assert summary["natural"].averages["probability"] == 2.5


def test_one_hazard_per_name_and_partial_rescoring(
    store: Store, actor: Actor, assessment: str
) -> None:
    hid = hva.set_hazard(store, actor=actor, assessment_id=assessment, name="  ice  STORM",
                         probability=3, occurred=True)  # fmt: skip
    with store.read() as s:
        row = s.get_one(m.HvaHazard, hid)
        assert (row.name, row.probability, row.human, row.occurred) == ("Ice storm", 3, 2, True)
    assert len(hva.ranked(store, assessment_id=assessment)) == 4


def test_same_scope_and_year_is_one_assessment(store: Store, actor: Actor, ct: str) -> None:
    aid = hva.create_assessment(store, actor=actor, region_id=ct, year="2027")
    assert aid == hva.assessment_id_for(ct, 2027)
    refused_call(store, "year", hva.create_assessment, actor=actor, region_id=ct, year=2027)


def test_next_year_starts_from_this_years_scores(
    store: Store, actor: Actor, ct: str, assessment: str
) -> None:
    nxt = hva.create_assessment(store, actor=actor, region_id=ct, year=2027, copy_from=assessment)
    before = [(r.name, r.scores) for r in hva.ranked(store, assessment_id=assessment)]
    assert [(r.name, r.scores) for r in hva.ranked(store, assessment_id=nxt)] == before
    assert [a.year for a in hva.list_assessments(store)] == [2027, 2026]


def test_a_final_assessment_is_not_edited(store: Store, actor: Actor, assessment: str) -> None:
    hva.set_status(store, actor=actor, assessment_id=assessment, status="final")
    refused_call(store, "assessment", hva.set_hazard, actor=actor, assessment_id=assessment,
                 name="Hurricane", probability=1)  # fmt: skip
    refused_call(store, "assessment", hva.remove_hazard, actor=actor, assessment_id=assessment,
                 name="Hurricane")  # fmt: skip
    hva.set_status(store, actor=actor, assessment_id=assessment, status="draft")
    hva.remove_hazard(store, actor=actor, assessment_id=assessment, name="Hurricane")
    assert len(hva.ranked(store, assessment_id=assessment)) == 3


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        *(({name: 4}, name) for name in HVA_SCORES),
        ({"probability": -1}, "probability"),
        ({"human": "high"}, "human"),
        ({"external": True}, "external"),
        ({"category": "weather"}, "category"),
        ({"name": " "}, "hazard"),
        ({"name": "Volcano"}, "category"),  # a new hazard needs its category
        ({"assessment_id": "nope"}, "assessment"),
        ({"magnitude": 2}, "magnitude"),
    ],
)
def test_bad_hazard_input_is_refused(
    store: Store, actor: Actor, assessment: str, kw: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"assessment_id": assessment, "name": "Hurricane", **kw}
    refused_call(store, field, hva.set_hazard, actor=actor, **args)


@pytest.mark.parametrize(
    ("kw", "field"),
    [({"year": "next"}, "year"), ({"year": 1999}, "year"), ({"region_id": "nope"}, "scope")],
)
def test_bad_assessment_input_is_refused(
    store: Store, actor: Actor, ct: str, kw: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"region_id": ct, "year": 2026, **kw}
    refused_call(store, field, hva.create_assessment, actor=actor, **args)


def test_export_is_the_ranked_table_without_live_formulas(
    store: Store, actor: Actor, assessment: str, tmp_path: Path
) -> None:
    hva.set_hazard(store, actor=actor, assessment_id=assessment, name="=HYPERLINK(1)",
                   category="human", probability=1, notes="@SUM(A1)")  # fmt: skip
    out = tmp_path / "hva.xlsx"
    assert export_hva(store, assessment, out) == 5 + 1 + 5
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Rank", "Event", "Category", "Probability")
    assert rows[1][:2] == (1, "Hurricane") and rows[1][10] == 83
    evil = next(r for r in rows if r[1] and "HYPERLINK" in r[1])
    assert evil[1] == "'=HYPERLINK(1)" and evil[12] == "'@SUM(A1)"
    assert rows[-1][1] == "Average score: All hazards"


# ------------------------------------------------------------------ CLI


def test_cli_hva_round_trip(run: Run, coalition: dict[str, str], tmp_path: Path) -> None:
    assert run("hva", "create", "--scope", "ct", "--year", "2026").code == 0
    r = run("hva", "set", "ct/2026", "Ice storm", "--category", "natural", "--probability", "2",
            "--human", "2", "--property", "2", "--business", "3", "--preparedness", "2",
            "--internal", "2", "--external", "2", "--occurred", "yes")  # fmt: skip
    assert r.code == 0, r.err
    assert "relative risk 48%" in r.out
    assert run("hva", "set", "ct/2026", "Cyberattack", "--category", "technological",
               "--probability", "3", "--business", "3").code == 0  # fmt: skip
    shown = run("hva", "show", "ct/2026", "--json").json()
    assert [h["name"] for h in shown["hazards"]] == ["Ice storm", "Cyberattack"]
    assert shown["hazards"][0]["occurred"] is True
    [listed] = run("hva", "list", "--json").json()
    assert (listed["scope"], listed["year"], listed["hazards"]) == ("ct", 2026, 2)
    assert run("hva", "export", listed["id"][-8:], str(tmp_path / "h.xlsx")).code == 0
    assert run("hva", "status", "ct/2026", "final").code == 0
    assert run("hva", "list", "--json").json()[0]["status"] == "final"
    assert "Ice storm" in run("hva", "show", "ct/2026").out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("hva", "set", "ct/2026", "Ice storm", "--probability", "4"), "probability"),
        (("hva", "set", "ct/2026", "Ice storm", "--internal", "x"), "internal"),
        (("hva", "set", "ct/2026", "Volcano", "--probability", "1"), "category"),
        (("hva", "set", "ct/2026", "Volcano", "--category", "geology"), "category"),
        (("hva", "set", "ct/2026", "Ice storm", "--occurred", "often"), "occurred"),
        (("hva", "set", "ct/2031", "Ice storm", "--human", "1"), "assessment"),
        (("hva", "set", "mars/2026", "Ice storm", "--human", "1"), "assessment"),
        (("hva", "create", "--scope", "ct", "--year", "2026"), "year"),
        (("hva", "create", "--scope", "ct", "--year", "soon"), "year"),
        (("hva", "create", "--scope", "mars", "--year", "2027"), "scope"),
        (("hva", "show", "ct/2026", "--category", "weather"), "category"),
        (("hva", "status", "ct/2026", "approved"), "status"),
        (("hva", "remove", "ct/2026", "Volcano"), "hazard"),
        (("hva", "export", "ct/2026", "hva.pdf"), "out"),
    ],
)
def test_cli_refusals_name_the_field_and_change_nothing(
    run: Run, coalition: dict[str, str], args: tuple[str, ...], field: str
) -> None:
    assert run("hva", "create", "--scope", "ct", "--year", "2026").code == 0
    assert run("hva", "set", "ct/2026", "Ice storm", "--category", "natural").code == 0
    before = run("dump").out
    refused(run(*args), field)
    assert run("dump").out == before
