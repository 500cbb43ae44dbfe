"""Rules of the sync property test (`test_property.SyncMachine`) for the position
roster, the 24/7 duty schedule, shift handovers and the escalation of resource
requests: driven through the services at the three stations, with tiny key spaces so
concurrent edits meet on the same records.

- Roster: two people, two positions (one single-holder); sign-ins at different
  stations are different rows (two duty officers after a sync are allowed, and shown);
  two stations signing out the same row at different times conflict on its `shift`.
- Duty schedule: one shift with a natural-key id, so every station edits the same
  record; its start and end are one unit (`times`), its person a field.
- Handover: prepared at one station, acknowledged at any; two acknowledgements by
  different officers conflict on `ack`.
- Escalation: fills and elevations of the first request at any station; concurrent
  ones conflict on the `escalation` unit, never mixing one station's fill with
  another's elevation.

Every refusal must be one of the expected ones (clock moved before the incident,
already signed out, nothing left to elevate...) and leave no version behind (the
machine's `local` wrapper checks what was written).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from sqlalchemy import select

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.ids import natural_id
from hcc_desktop.core.services import duty, escalation, handover, roster
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store

N = 3
PEOPLE = ("Sam Ortiz", "Kim Lee")
POSITIONS = ("duty_officer", "eei_desk")
#: The one duty shift every station edits.
SHIFT = natural_id("test-duty-shift", "night")
SHIFT_TIMES = (("2026-11-18T00:00:00Z", "2026-11-18T12:00:00Z"),
               ("2026-11-18T06:00:00Z", "2026-11-18T18:00:00Z"),
               ("2026-11-18T12:00:00Z", "2026-11-19T00:00:00Z"))  # fmt: skip
MAX_ROWS = 4
MAX_HANDOVERS = 2

#: What the rules reached across this process's runs (for a look by hand: a rule that
#: is always refused proves nothing).
REACHED: Counter[str] = Counter()

stations = st.integers(0, N - 1)
pairs = st.permutations(range(N)).map(lambda p: (p[0], p[1]))


class CoordinationRosterRules:
    """Mixed into `SyncMachine` (listed before `RuleBasedStateMachine`)."""

    if TYPE_CHECKING:
        actors: list[Actor]
        incident_id: str
        request_ids: list[str]

        def store(self, i: int) -> Store: ...
        def local(self, i: int) -> AbstractContextManager[None]: ...
        def _sync_pair(self, a: int, b: int, *, delta: bool = False) -> None: ...
        def _resolve(self, i: int, data: st.DataObject) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.roster_rows: list[str] = []
        self.handover_ids: list[str] = []

    # ------------------------------------------------------------ helpers
    def _refusal(self, i: int, fields: tuple[str, ...], call: Callable[[], Any]) -> bool:
        """Run a service call at station i; a refusal must name one of `fields`."""
        with self.local(i):
            try:
                call()
            except (ValidationError, NotFoundError) as exc:
                assert exc.field in fields, exc
                self._reached(f"refused: {exc.field}")
                return False
        return True

    def _reached(self, what: str) -> None:
        event(what)
        REACHED[what] += 1

    def _count_conflicts(self, i: int, entity: str) -> None:
        with self.store(i).read() as s:
            for c in s.scalars(select(m.Conflict).where(m.Conflict.entity == entity)):
                self._reached(f"conflict: {entity}.{c.unit}")

    def _row(self, i: int, model: type[Any], rid: str) -> Any:
        with self.store(i).read() as s:
            return s.get(model, rid)

    def _known(self, i: int, model: type[Any], ids: list[str]) -> Iterator[str]:
        for rid in ids:
            row = self._row(i, model, rid)
            if row is not None and not row.deleted:
                yield rid

    # ------------------------------------------------------------ roster
    @precondition(lambda self: len(self.roster_rows) < MAX_ROWS)
    @rule(
        i=stations,
        person=st.sampled_from(PEOPLE),
        position=st.sampled_from(POSITIONS),
        relieve=st.booleans(),
    )
    def roster_sign_in(self, i: int, person: str, position: str, relieve: bool) -> None:
        made: list[str] = []

        def call() -> None:
            made.append(
                roster.sign_in(
                    self.store(i), actor=self.actors[i], incident_id=self.incident_id,
                    position=position, person=person, relieve=relieve,
                )
            )  # fmt: skip

        if self._refusal(i, ("position", "person", "signed_in_at"), call):
            self.roster_rows.append(made[0])
            held = roster.holders(self.store(i), incident_id=self.incident_id, position=position)
            assert person in {a.row.person for a in held}
            if position in roster.SINGLE_HOLDER:
                # Refused or relieved here: one holder as far as this station knows.
                assert [a.row.person for a in held] == [person]

    @precondition(lambda self: bool(self.roster_rows))
    @rule(i=stations, data=st.data())
    def roster_sign_out(self, i: int, data: st.DataObject) -> None:
        self.roster_sign_out_row(i, data.draw(st.sampled_from(self.roster_rows)))

    def roster_sign_out_row(self, i: int, rid: str) -> None:
        ok = self._refusal(
            i, ("assignment", "signed_out_at"),
            lambda: roster.sign_out(self.store(i), actor=self.actors[i], assignment_id=rid),
        )  # fmt: skip
        if ok:
            row = self._row(i, m.PositionAssignment, rid)
            assert row.signed_out_at is not None and row.signed_out_at >= row.signed_in_at

    @precondition(lambda self: bool(self.roster_rows))
    @rule(ab=pairs, data=st.data())
    def concurrent_sign_out(self, ab: tuple[int, int], data: st.DataObject) -> None:
        """Both stations sign the same row out, each at its own time (after a sync
        when drawn, so that both know the row)."""
        rid = data.draw(st.sampled_from(self.roster_rows))
        if data.draw(st.booleans()):
            self._sync_pair(*ab)
        for i in ab:
            self.roster_sign_out_row(i, rid)
        if data.draw(st.booleans()):
            self._sync_pair(*ab)
            self._count_conflicts(ab[0], "position_assignment")
            held = roster.holders(self.store(ab[0]), incident_id=self.incident_id,
                                  position="duty_officer")  # fmt: skip
            if len(held) > 1:
                self._reached("two duty officers after a sync")

    @precondition(lambda self: len(self.roster_rows) < MAX_ROWS)
    @rule(ab=pairs, relieve=st.booleans())
    def concurrent_duty_officers(self, ab: tuple[int, int], relieve: bool) -> None:
        """Two stations apart each sign in their own duty officer: after the sync both
        rows stand (different records), and both show as holders."""
        for i, person in zip(ab, PEOPLE, strict=True):
            self.roster_sign_in(i, person, "duty_officer", relieve)
        self._sync_pair(*ab)
        held = roster.holders(self.store(ab[0]), incident_id=self.incident_id,
                              position="duty_officer")  # fmt: skip
        if len(held) > 1:
            self._reached("two duty officers after a sync")

    # ------------------------------------------------------------ duty schedule
    @rule(i=stations, times=st.sampled_from(SHIFT_TIMES), person=st.sampled_from(PEOPLE))
    def duty_shift(self, i: int, times: tuple[str, str], person: str) -> None:
        """Plan the shared shift here, or move it (a new person, new times)."""
        row = self._row(i, m.DutyShift, SHIFT)
        if row is None or row.deleted:
            ok = self._refusal(i, (), lambda: duty.add_shift(
                self.store(i), actor=self.actors[i], person=person, starts_at=times[0],
                ends_at=times[1], record_id=SHIFT))  # fmt: skip
        else:
            ok = self._refusal(i, (), lambda: duty.update_shift(
                self.store(i), actor=self.actors[i], shift_id=SHIFT, person=person,
                starts_at=times[0], ends_at=times[1]))  # fmt: skip
        assert ok
        slots = duty.schedule(self.store(i), start=SHIFT_TIMES[0][0], end=SHIFT_TIMES[-1][1])
        shifts = [s for s in slots if not s.gap]
        assert [(s.starts_at, s.ends_at) for s in shifts] == [times]
        gaps = int(times[0] > SHIFT_TIMES[0][0]) + int(times[1] < SHIFT_TIMES[-1][1])
        assert sum(s.gap for s in slots) == gaps

    @rule(ab=pairs, times=st.tuples(st.sampled_from(SHIFT_TIMES), st.sampled_from(SHIFT_TIMES)))
    def concurrent_duty_times(
        self, ab: tuple[int, int], times: tuple[tuple[str, str], tuple[str, str]]
    ) -> None:
        self.duty_shift(ab[0], times[0], PEOPLE[0])
        self.duty_shift(ab[1], times[1], PEOPLE[0])
        self._sync_pair(*ab)
        self._count_conflicts(ab[0], "duty_shift")

    @rule(i=stations)
    def duty_remove(self, i: int) -> None:
        self._refusal(i, ("shift",), lambda: duty.remove_shift(
            self.store(i), actor=self.actors[i], shift_id=SHIFT))  # fmt: skip

    # ------------------------------------------------------------ handover
    @precondition(lambda self: len(self.handover_ids) < MAX_HANDOVERS)
    @rule(i=stations)
    def handover_prepare(self, i: int) -> None:
        made: list[str] = []
        self._refusal(i, (), lambda: made.append(handover.prepare(
            self.store(i), actor=self.actors[i], incident_id=self.incident_id)))  # fmt: skip
        self.handover_ids += made
        h = handover.get_handover(self.store(i), made[0])
        assert h.content["incident_id"] == self.incident_id and h.prepared_at == h.content["now"]

    def _ack(self, i: int, hid: str) -> None:
        ok = self._refusal(
            i, ("handover", "acknowledged_at", "occurred_at"),
            lambda: handover.acknowledge(self.store(i), actor=self.actors[i], handover_id=hid),
        )  # fmt: skip
        if ok:
            h = self._row(i, m.Handover, hid)
            assert h.acknowledged_by == self.actors[i].name

    @precondition(lambda self: bool(self.handover_ids))
    @rule(i=stations, data=st.data())
    def handover_ack(self, i: int, data: st.DataObject) -> None:
        self._ack(i, data.draw(st.sampled_from(self.handover_ids)))

    @precondition(lambda self: bool(self.handover_ids))
    @rule(ab=pairs, data=st.data())
    def concurrent_ack(self, ab: tuple[int, int], data: st.DataObject) -> None:
        """Two officers acknowledge the same handover at two stations."""
        hid = data.draw(st.sampled_from(self.handover_ids))
        for i in ab:
            self._ack(i, hid)
        self._sync_pair(*ab)
        self._count_conflicts(ab[0], "handover")
        if data.draw(st.booleans()):
            self._resolve(ab[0], data)

    # ------------------------------------------------------------ escalation
    @rule(i=stations, filled=st.sampled_from([0, 1, 2]))
    def request_fill(self, i: int, filled: int) -> None:
        rid = self.request_ids[0]
        ok = self._refusal(i, ("request", "filled_quantity", "occurred_at"), lambda: escalation.record_fill(
            self.store(i), actor=self.actors[i], request_id=rid, filled=filled))  # fmt: skip
        req = self._row(i, m.ResourceRequest, rid)
        if ok:
            assert req.filled_quantity == filled
        assert (req.filled_quantity or 0) + (req.elevated_quantity or 0) <= (req.quantity or 0)

    @rule(i=stations, ref=st.sampled_from(["DPH-1", "DPH-2"]))
    def request_elevate(self, i: int, ref: str) -> None:
        rid = self.request_ids[0]
        ok = self._refusal(
            i, ("request", "elevated_quantity", "elevated_at", "occurred_at"),
            lambda: escalation.elevate(self.store(i), actor=self.actors[i], request_id=rid,
                                       ref=ref, quantity=1),
        )  # fmt: skip
        req = self._row(i, m.ResourceRequest, rid)
        if ok:
            assert req.elevated_ref == ref and escalation.unfilled(req) >= 0
        steps = escalation.history(self.store(i), request_id=rid)
        assert sum(s.kind == "elevated" for s in steps) <= len(steps)

    @rule(ab=pairs, filled=st.tuples(st.sampled_from([0, 1]), st.sampled_from([1, 2])),
          data=st.data())  # fmt: skip
    def concurrent_escalation(
        self, ab: tuple[int, int], filled: tuple[int, int], data: st.DataObject
    ) -> None:
        self.request_fill(ab[0], filled[0])
        if data.draw(st.booleans()):
            self.request_elevate(ab[1], "DPH-1")
        else:
            self.request_fill(ab[1], filled[1])
        self._sync_pair(*ab)
        self._count_conflicts(ab[1], "request")
        if data.draw(st.booleans()):
            self._resolve(ab[1], data)
