"""Transient server failures are tried again: a real serialisation failure (two seats
updating one row at REPEATABLE READ) and a connection the server drops mid-transaction;
anything else is raised at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from hcc_desktop.core import pg
from hcc_desktop.core.services import incidents, log
from hcc_desktop.core.store import Store
from tests.pg.helpers import ACTOR


def test_a_serialisation_failure_is_tried_again(open_seat: Callable[..., Store]) -> None:
    seat, other = open_seat(), open_seat()
    seat.set_setting("counter", "0")
    tries: list[int] = []

    def increment() -> None:
        tries.append(1)
        with seat.engine.connect() as conn, conn.begin():  # REPEATABLE READ (reads)
            value = int(
                conn.execute(text("SELECT value FROM settings WHERE key = 'counter'")).scalar_one()
            )
            if len(tries) == 1:  # another seat commits in between, the first time only
                other.set_setting("counter", str(value + 10))
            conn.execute(
                text("UPDATE settings SET value = :v WHERE key = 'counter'"), {"v": str(value + 1)}
            )

    with pytest.raises(DBAPIError) as caught:
        pg.retrying(increment, attempts=1)
    assert pg.is_transient(caught.value) and caught.value.orig.sqlstate == "40001"  # type: ignore[union-attr]
    seat.set_setting("counter", "0")
    tries.clear()
    seat.retrying(increment)
    assert len(tries) == 2
    assert seat.get_setting("counter") == "11"


def test_a_connection_dropped_mid_write_is_tried_again(open_seat: Callable[..., Store]) -> None:
    seat, admin = open_seat(), open_seat()
    inc = incidents.create_incident(seat, actor=ACTOR, name="Ice storm")
    rid = "01a1ee56-5e00-7000-8000-000000000001"
    tries: list[int] = []

    def add() -> str:
        tries.append(1)
        with seat.writing(operator=ACTOR.label, summary="probe") as w:
            w.session.execute(text("SELECT 1"))
            if len(tries) == 1:  # the server drops this seat's connection mid-write
                pid = w.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
                with admin.engine.connect() as conn:
                    conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        return log.add_entry(seat, actor=ACTOR, incident_id=inc, text="kept", record_id=rid)

    assert seat.retrying(add) == rid
    assert len(tries) == 2
    entries = log.list_entries(seat, flt=log.LogFilter(incident_id=inc))
    assert [e.text for e in entries] == ["kept"]


def test_other_errors_are_not_tried_again(open_seat: Callable[..., Store]) -> None:
    seat = open_seat()
    tries: list[int] = []

    def duplicate() -> None:
        tries.append(1)
        with seat.engine.execution_options(hcc_write=True).begin() as conn:
            conn.execute(text("INSERT INTO settings (key, value) VALUES ('k', '1')"))
            conn.execute(text("INSERT INTO settings (key, value) VALUES ('k', '2')"))

    with pytest.raises(IntegrityError):
        seat.retrying(duplicate)
    assert len(tries) == 1


def _lose_commit_answer(monkeypatch: pytest.MonkeyPatch, *, committed: bool) -> list[int]:
    """The next outermost COMMIT breaks: after the server committed (`committed`: only
    the answer is lost) or before (rolled back). Returns the list of broken commits."""
    import psycopg
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm.session import SessionTransaction

    real = SessionTransaction.commit
    broken: list[int] = []

    def commit(self: SessionTransaction, *args: object, **kw: object) -> None:
        if broken or self._parent is not None or self.nested:
            real(self, *args, **kw)  # type: ignore[arg-type]
            return
        broken.append(1)
        if committed:
            real(self, *args, **kw)  # type: ignore[arg-type]
        else:
            self.rollback()
        raise OperationalError("COMMIT", {}, psycopg.OperationalError("connection lost"))

    monkeypatch.setattr(SessionTransaction, "commit", commit)
    return broken


@pytest.mark.parametrize("committed", [True, False])
def test_a_log_entry_whose_commit_answer_was_lost_is_kept_once(
    open_seat: Callable[..., Store], monkeypatch: pytest.MonkeyPatch, committed: bool
) -> None:
    """A connection lost during COMMIT leaves the seat not knowing whether the entry
    landed. Retried blindly, a committed entry would be logged twice; so a write asks
    the server whether its first version is there: if so it stands (and the retry is
    not run), if not the retry writes it. Either way the log holds it once."""
    seat = open_seat()
    inc = incidents.create_incident(seat, actor=ACTOR, name="Ice storm")
    heard: list[object] = []
    seat.listeners.append(heard.append)
    tries: list[int] = []

    def add() -> str:
        tries.append(1)
        return log.add_entry(seat, actor=ACTOR, incident_id=inc, text="Seat 3 on duty")

    broken = _lose_commit_answer(monkeypatch, committed=committed)
    made = seat.retrying(add)
    assert broken == [1]
    assert len(tries) == (1 if committed else 2)
    entries = log.list_entries(seat, flt=log.LogFilter(incident_id=inc))
    assert [(e.id, e.text) for e in entries] == [(made, "Seat 3 on duty")]
    assert heard  # the seat's panels hear of the entry either way


# The simulated loss raises after SQLAlchemy finished the commit, which it notes.
@pytest.mark.filterwarnings("ignore:transaction already deassociated")
def test_a_new_incident_whose_commit_answer_was_lost_is_made_once(
    open_seat: Callable[..., Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several service calls in one `atomic()` scope (a new incident with its first
    period, as the New incident dialog makes it) lose the answer to their COMMIT: the
    scope asks the server whether its first version landed, and the retry does not
    make a second incident."""
    import psycopg
    from sqlalchemy.engine.base import RootTransaction
    from sqlalchemy.exc import OperationalError

    seat = open_seat()
    real = RootTransaction._do_commit
    broken: list[int] = []

    def do_commit(self: RootTransaction) -> None:
        real(self)
        if not broken:
            broken.append(1)
            raise OperationalError("COMMIT", {}, psycopg.OperationalError("connection lost"))

    tries: list[int] = []

    def create() -> str:
        tries.append(1)
        return incidents.create_incident(seat, actor=ACTOR, name="Ice storm", first_period_hours=12)

    monkeypatch.setattr(RootTransaction, "_do_commit", do_commit)
    made = seat.retrying(create)
    assert broken == [1] and len(tries) == 1
    assert [i.id for i in incidents.list_incidents(seat)] == [made]
    assert len(incidents.list_periods(seat, incident_id=made)) == 1
