"""The AAR/IP in the HSEEP layout: cover, overview from the exercise record, the summary
table with one P/S/M/U mark per row, strengths and areas for improvement, evidence from
the exercise's log, the improvement plan with overdue marked, participants; DRAFT on
every page of a draft and nowhere on a final one; `aar print` on the command line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import aar, exercises, improvement
from hcc_desktop.core.store import Store
from hcc_desktop.reports.aar_report import build_aar
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

HEADINGS = (
    "After-Action Report / Improvement Plan",
    "Exercise Overview",
    "Exercise Name",
    "Exercise Dates",
    "Scope",
    "Mission Area(s)",
    "Capabilities",
    "Objectives",
    "Threat or Hazard",
    "Scenario",
    "Sponsor",
    "Participating Organizations",
    "Point of Contact",
    "Analysis of Capabilities",
    "Objective Capability P S M U",
    "Strengths",
    "Areas for Improvement",
    "Annex: Evidence from the Log",
    "Appendix A: Improvement Plan",
    "Appendix B: Participating Organizations",
)


@pytest.fixture(scope="module")
def final(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    aid = aar.list_aars(demo_store)[0].id
    out = tmp_path_factory.mktemp("aar") / "final.pdf"
    result = build_aar(demo_store, aid, out, "letter", prepared_by=DUTY_OFFICER, today=AS_OF,
                       zone=ZONE)  # fmt: skip
    assert not result.draft and result.pages == len(pdf_pages(out))
    return out, aid


def test_the_final_report_follows_the_template(demo_store: Store, final: tuple[Path, str]) -> None:
    out, aid = final
    text = pdf_text(out)
    for heading in HEADINGS:
        assert heading in text, heading
    v = aar.view(demo_store, aar_id=aid)
    ex = exercises.view(demo_store, exercise_id=v.aar.exercise_id or "")
    assert (ex.exercise.name or "") in text and (ex.exercise.hazard or "") in text
    for o in ex.objectives:
        assert f"{o.number}. {(o.text or '')[:40]}" in text
    for name in ex.participants.values():
        assert name in text
    for f in v.findings:
        assert (f.text or "")[:50] in text
        if f.kind == "improvement":
            assert (f.reference or "") in text and (f.analysis or "")[:40] in text


def test_one_mark_per_rating_row(demo_store: Store, final: tuple[Path, str]) -> None:
    out, aid = final
    v = aar.view(demo_store, aar_id=aid)
    page = next(p for p in pdf_pages(out) if "Summary of performance ratings" in p)
    table = page.split("Objective Capability P S M U", 1)[1]
    assert table.count(" X") == len(v.ratings) > 0


def test_improvement_plan_marks_overdue(demo_store: Store, final: tuple[Path, str]) -> None:
    out, aid = final
    rows = improvement.action_rows(demo_store, today=AS_OF, aar_id=aid)
    text = pdf_text(out)
    assert f"{len(rows)} corrective actions as of {AS_OF.isoformat()}" in text
    for r in rows:
        assert (r.action.due_on or "") in text and (r.action.poc or "") in text
    overdue = [r for r in rows if r.overdue]
    assert text.count("OVERDUE by") == len(overdue)


def test_final_has_no_draft_marking_and_is_numbered(final: tuple[Path, str]) -> None:
    pages = pdf_pages(final[0])
    assert_page_numbers(pages)
    assert not any("DRAFT" in p for p in pages)
    assert shown_fonts(final[0]) <= BUNDLED_FONTS


@pytest.fixture
def exercise_store(demo_path: Path, tmp_path: Path) -> Store:
    """A copy of the demo where the hurricane exercise (run as an incident) has a draft
    AAR, so that its evidence comes from a real log."""
    path = tmp_path / "copy.sqlite"
    src, dst = sqlite3.connect(demo_path), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    Path(f"{path}.key").write_bytes(Path(f"{demo_path}.key").read_bytes())
    return open_store(path)


def test_a_draft_says_so_on_every_page_with_evidence_from_the_log(
    exercise_store: Store, tmp_path: Path
) -> None:
    with exercise_store as store:
        ex = next(e for e in exercises.list_exercises(store) if e.incident_id)
        aid = aar.create_aar(store, actor=DUTY_OFFICER, exercise_id=ex.id)
        out = tmp_path / "draft.pdf"
        result = build_aar(store, aid, out, "a4", today=AS_OF, zone=ZONE)
        ev = aar.evidence(store, ex.incident_id or "")
    pages = pdf_pages(out)
    assert result.draft and len(pages) == result.pages
    assert all(p.count("DRAFT") >= 2 for p in pages)
    assert_page_numbers(pages)
    text = " ".join(pages)
    assert f"{len(ev.significant_events)} approved significant events" in text
    assert f"{len(ev.requests)} requests denied or overdue" in text
    for e in ev.significant_events:
        assert " ".join((e["text"] or "").split())[:40] in text
    for r in ev.requests:
        assert r["number"] in text


def test_unknown_report_and_bad_output_are_refused(demo_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        build_aar(demo_store, "no-such-aar", tmp_path / "a.pdf")
    assert err.value.field == "aar"
    aid = aar.list_aars(demo_store)[0].id
    with pytest.raises(ValidationError) as err:
        build_aar(demo_store, aid, tmp_path / "missing" / "a.pdf")
    assert err.value.field == "out"
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "field"),
    [(("nope", "{out}"), "aar"), (("{aar}", "{missing}/a.pdf"), "out")],
)
def test_aar_print_refusals_exit_1_store_unchanged(
    demo_path: Path,
    demo_store: Store,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    field: str,
) -> None:
    names = {
        "out": tmp_path / "a.pdf",
        "missing": tmp_path / "no",
        "aar": aar.list_aars(demo_store)[0].id,
    }
    before = _snapshot(demo_path)
    assert run(demo_path, "aar", "print", *(a.format(**names) for a in args)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"hcc-desktop: {field}: ") and err.count("\n") == 1, err
    assert _snapshot(demo_path) == before and not list(tmp_path.iterdir())


def test_aar_print_writes_the_pdf(
    demo_path: Path, demo_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "aar.pdf"
    ref = aar.list_aars(demo_store)[0].id[-8:]
    assert run(demo_path, "aar", "print", ref, str(out), "--a4") == 0
    said = capsys.readouterr().out
    assert f"Wrote {out}: AAR/IP of" in said and said.rstrip().endswith("final")
    assert "DRAFT" not in pdf_text(out)
