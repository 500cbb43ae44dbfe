"""The HVA printout: the Kaiser sheets per category with the seven scored columns under
their scale headings, the ranked summary and the heat map with its key, figures from
`hva.ranked` / `hva.summarise`; DRAFT on every page of a draft; `hva print`."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcc_desktop.core.enums import HVA_CATEGORIES
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import hva
from hcc_desktop.core.store import Store
from hcc_desktop.reports.hva_report import HEADINGS, build_hva
from tests.reports.conftest import (
    BUNDLED_FONTS,
    DUTY_OFFICER,
    ZONE,
    assert_page_numbers,
    pdf_pages,
    pdf_text,
    shown_fonts,
)
from tests.reports.test_aar_report import exercise_store  # noqa: F401  (fixture)
from tests.reports.test_cli_reports import _snapshot, run


@pytest.fixture(scope="module")
def printed(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    aid = hva.list_assessments(demo_store)[0].id
    out = tmp_path_factory.mktemp("hva") / "hva.pdf"
    result = build_hva(demo_store, aid, out, "letter", prepared_by=DUTY_OFFICER, zone=ZONE)
    assert not result.draft and result.pages == len(pdf_pages(out))
    return out, aid


def test_sheets_ranking_and_heat_map_come_from_the_service(
    demo_store: Store, printed: tuple[Path, str]
) -> None:
    out, aid = printed
    rows = hva.ranked(demo_store, assessment_id=aid)
    text = pdf_text(out)
    for heading in (*HEADINGS, "Relative threat", "0 = N/A", "3 = Low or none", "Average score",
                    "Ranked summary across categories", "Heat map: probability × severity",
                    "Key:"):  # fmt: skip
        assert heading in text, heading
    for r in rows:
        assert f"{r.rank} {r.name}" in text and f"{r.risk} %" in text
    for line in hva.summarise(rows):
        if line.category != "all":
            label = HVA_CATEGORIES[line.category]
            assert label in text
            assert f"the category's relative threat is {line.risk} %" in text
    assert_page_numbers(pdf_pages(out))
    assert "DRAFT" not in text
    assert shown_fonts(out) <= BUNDLED_FONTS


def test_a_draft_is_marked_on_every_page(exercise_store: Store, tmp_path: Path) -> None:  # noqa: F811
    with exercise_store as store:
        a = hva.list_assessments(store)[0]
        hva.set_status(store, actor=DUTY_OFFICER, assessment_id=a.id, status="draft")
        result = build_hva(store, a.id, tmp_path / "d.pdf", "a4", zone=ZONE)
    pages = pdf_pages(tmp_path / "d.pdf")
    assert result.draft and all(p.count("DRAFT") >= 2 for p in pages)


def test_refusals_name_the_field(demo_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        build_hva(demo_store, "no-such-assessment", tmp_path / "h.pdf")
    assert err.value.field == "assessment"
    aid = hva.list_assessments(demo_store)[0].id
    with pytest.raises(ValidationError) as err:
        build_hva(demo_store, aid, tmp_path / "missing" / "h.pdf")
    assert err.value.field == "out"


@pytest.mark.parametrize(
    ("args", "field", "code"),
    [(("ct/2026", "{out}"), None, 0), (("ct/1999", "{out}"), "assessment", 1),
     (("ct/2026", "{missing}/h.pdf"), "out", 1)],
)  # fmt: skip
def test_hva_print_on_the_command_line(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    field: str | None,
    code: int,
) -> None:
    names = {"out": tmp_path / "h.pdf", "missing": tmp_path / "no"}
    before = _snapshot(demo_path)
    assert run(demo_path, "hva", "print", *(a.format(**names) for a in args)) == code
    said = capsys.readouterr()
    if field:
        assert said.err.startswith(f"hcc-desktop: {field}: ") and said.err.count("\n") == 1
        assert not list(tmp_path.iterdir())
    else:
        assert f"Wrote {names['out']}: HVA" in said.out
    assert _snapshot(demo_path) == before
