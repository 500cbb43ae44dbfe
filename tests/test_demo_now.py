"""The demo seeded for a moment lives in the past of that moment (issue 17, part 1):
what the story says happened later has not happened yet, the period running then is
the current one, and a date still gives the whole, reproducible story."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.dump import dump_text
from hcc_desktop.core.opening import open_store
from hcc_desktop.core.services import incidents
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import to_iso
from hcc_desktop.demo.seed import seed_demo
from tests.conftest import copy_store

EASTERN = dt.timezone(dt.timedelta(hours=-5))  # the demo's zone on these dates (EST)


@pytest.fixture
def store(template_store: Path, tmp_path: Path):
    s = open_store(copy_store(template_store, tmp_path / "s.sqlite"))
    yield s
    s.close()


def _times_written(store: Store) -> list[str]:
    """Every moment the demo says something happened (not what is due or expected)."""
    with store.read() as s:
        found = [t for t in s.scalars(select(m.LogEntry.occurred_at)) if t]
        found += [t for t in s.scalars(select(m.LogEntry.significant_at)) if t]
        found += [t for t in s.scalars(select(m.EEIReport.reported_at)) if t]
        found += [t for t in s.scalars(select(m.EEIReport.validated_at)) if t]
        found += [t for t in s.scalars(select(m.ResourceRequest.created_at)) if t]
        found += [t for t in s.scalars(select(m.ResourceRequest.status_at)) if t]
        found += [t for t in s.scalars(select(m.OperationalPeriod.starts_at)) if t]
    return found


@pytest.mark.parametrize("local", ["05:10", "13:40", "20:15"])
def test_seeded_for_a_moment_nothing_lies_in_its_future(store: Store, local: str) -> None:
    moment = dt.datetime.fromisoformat(f"2026-11-18T{local}").replace(tzinfo=EASTERN)
    summary = seed_demo(store, as_of=moment)
    now = to_iso(moment)
    written = _times_written(store)
    assert written and max(written) <= now
    inc = incidents.current_incident(store)
    assert inc is not None
    current = incidents.period_at(store, incident_id=inc.id, moment=now)
    assert current is not None, "the period running at that moment exists"
    assert current.number == summary.periods, "and it is the last one begun"


def test_the_day_shows_its_progress(store: Store, tmp_path: Path, template_store: Path) -> None:
    """Earlier in the day, less has happened; a date gives the whole story."""
    morning = seed_demo(store, as_of=dt.datetime(2026, 11, 18, 6, 0, tzinfo=EASTERN))
    whole_store = open_store(copy_store(template_store, tmp_path / "whole.sqlite"))
    whole = seed_demo(whole_store, as_of=dt.date(2026, 11, 18))
    whole_store.close()
    assert morning.periods < whole.periods
    assert morning.log_entries < whole.log_entries
    assert morning.eei_reports < whole.eei_reports


def test_a_date_is_reproducible_and_the_evening_is_the_whole_story(
    template_store: Path, tmp_path: Path
) -> None:
    dumps = []
    for name, as_of in (
        ("a", dt.date(2026, 11, 18)),
        ("b", dt.date(2026, 11, 18)),
        ("c", dt.datetime(2026, 11, 18, 23, 59, tzinfo=EASTERN)),
    ):
        with open_store(copy_store(template_store, tmp_path / f"{name}.sqlite")) as s:
            seed_demo(s, as_of=as_of)
            dumps.append(dump_text(s))
    assert dumps[0] == dumps[1] == dumps[2]


def test_cli_as_of_takes_a_time_and_refuses_nonsense(tmp_path: Path, capsys) -> None:
    from hcc_desktop import cli

    path = tmp_path / "cli.sqlite"
    assert cli.main(["--store", str(path), "seed-demo", "--as-of", "2026-11-18T13:40"]) == 0
    assert "2026-11-18 13:40" in capsys.readouterr().out
    other = tmp_path / "bad.sqlite"
    assert cli.main(["--store", str(other), "seed-demo", "--as-of", "yesterday"]) == 1
    err = capsys.readouterr().err
    assert "as_of" in err and "yesterday" in err
