"""The plans register on paper: every plan of `plans.plan_rows` with its review state in
words (overdue first), each member's essential functions, "Page N of M", only the
bundled fonts; `plans print` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import continuity, organizations, plans
from hcc_desktop.core.store import Store
from hcc_desktop.reports.plans_register import build_plans_register
from tests.reports.conftest import (
    AS_OF,
    BUNDLED_FONTS,
    DUTY_OFFICER,
    ZONE,
    assert_page_numbers,
    pdf_pages,
    pdf_text,
    shown_fonts,
)
from tests.reports.test_cli_reports import _snapshot, run


@pytest.fixture(scope="module")
def register(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plans") / "register.pdf"
    result = build_plans_register(
        demo_store, out, paper="letter", prepared_by=DUTY_OFFICER, today=AS_OF, zone=ZONE
    )
    assert result.pages == len(pdf_pages(out)) and not result.draft
    return out


def test_every_plan_is_listed_with_its_review_state_in_words(
    demo_store: Store, register: Path
) -> None:
    rows = plans.plan_rows(demo_store, today=AS_OF)
    text = pdf_text(register)
    assert f"{len(rows)} plans as of {AS_OF.isoformat()}" in text
    assert f"{sum(r.overdue for r in rows)} overdue for review" in text
    overdue = [r for r in rows if r.overdue]
    assert overdue, "the demo has a plan overdue for review"
    for r in rows:
        assert (r.plan.review_due or "no review date") in text
    for r in overdue:
        assert f"OVERDUE by {r.days_overdue} day" in text
    # Overdue plans come first in the register, as the service orders them.
    first = text.index((rows[0].plan.title or "").split()[0])
    assert text.index("OVERDUE by") < text.index("current", first)


def test_essential_functions_per_member(demo_store: Store, register: Path) -> None:
    functions = continuity.list_functions(demo_store)
    names = {o.id: o.name or "" for o in organizations.list_organizations(demo_store)}
    text = pdf_text(register)
    for f in functions:
        assert (f.name or "") in text
    for member in {f.organization_id or "" for f in functions}:
        count = sum(f.organization_id == member for f in functions)
        assert f"{names[member]} ({count})" in text


def test_pages_numbered_fonts_embedded_and_no_draft(register: Path) -> None:
    pages = pdf_pages(register)
    assert_page_numbers(pages)
    assert "DRAFT" not in " ".join(pages)
    assert shown_fonts(register) <= BUNDLED_FONTS


def test_an_unwritable_folder_is_refused_naming_out(demo_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        build_plans_register(demo_store, tmp_path / "missing" / "r.pdf")
    assert err.value.field == "out"


def test_plans_print_on_the_command_line(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "register.pdf"
    assert run(demo_path, "plans", "print", str(out), "--a4") == 0
    assert f"Wrote {out}: plans register" in capsys.readouterr().out
    before = _snapshot(demo_path)
    assert run(demo_path, "plans", "print", str(tmp_path / "no" / "r.pdf")) == 1
    err = capsys.readouterr().err
    assert err.startswith("hcc-desktop: out: ") and err.count("\n") == 1
    assert _snapshot(demo_path) == before
