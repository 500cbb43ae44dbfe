"""Rules of the sync property test (`test_property.SyncMachine`) for EEI requests and
the communications log: driven through the services at the three stations, with tiny
key spaces so concurrent edits meet on the same records.

- EEI request: at most two, issued anywhere (each with its outbound message); title,
  schedule and status edited at any station, so concurrent edits of the first request
  meet on its `title` field, its `schedule` group and its `status` group (a conflict
  when two stations close and cancel it).
- Message: at most three, logged anywhere, recorded whole and never edited; retracting
  one is the `deleted` field.
- Acknowledgement: one record per message and recipient (a derived id), so two
  stations logging the same partner's acknowledgement at different times meet on the
  same `ack` unit, and different partners' acknowledgements never do.
- The derived view: two stations that hold the same versions show every partner of
  every request in the same state (the lines are computed, never stored).

Every refusal must be one of the expected ones (the request closed here, the member
deleted, the message retracted) and leave no version behind (the machine's `local`
wrapper checks what was written).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from typing import TYPE_CHECKING, Any

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import NotFoundError, ValidationError
from hcc_desktop.core.services import eei_requests, messages
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, parse_iso

N = 3
MAX_REQUESTS = 2
MAX_MESSAGES = 3
TITLES = ("Bed status by 09:00", "Bed status by 10:00")
RECIPIENTS = ("State ESF-8 desk", "Regional EMS")
DUE_HOURS = (2, 5)
NOW = "2026-11-30T00:00:00Z"  # after every stamp the rules make: the whole story shows

#: What the rules reached across this process's runs (a rule always refused proves
#: nothing).
REACHED: Counter[str] = Counter()

stations = st.integers(0, N - 1)
pairs = st.permutations(range(N)).map(lambda p: (p[0], p[1]))


class CoordinationRequestRules:
    """Mixed into `SyncMachine` (listed before `RuleBasedStateMachine`)."""

    if TYPE_CHECKING:
        actors: list[Actor]
        incident_id: str
        org_ids: list[str]

        def store(self, i: int) -> Store: ...
        def local(self, i: int) -> AbstractContextManager[None]: ...
        def _sync_pair(self, a: int, b: int, *, delta: bool = False) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.eei_request_ids: list[str] = []
        self.message_ids: list[str] = []

    # ------------------------------------------------------------ helpers
    def _try(self, i: int, fields: tuple[str, ...], call: Callable[[], Any]) -> Any:
        """Run a service call at station i; a refusal must name one of `fields`."""
        with self.local(i):
            try:
                return call()
            except (ValidationError, NotFoundError) as exc:
                assert exc.field in fields, exc
                self._hit(f"refused: {exc.field}")
                return None

    def _hit(self, what: str) -> None:
        event(what)
        REACHED[what] += 1

    def _wall(self, i: int) -> str:
        return from_ms(self.store(i).wall())

    # ------------------------------------------------------------ EEI requests
    @precondition(lambda self: len(self.eei_request_ids) < MAX_REQUESTS)
    @rule(i=stations, title=st.sampled_from(TITLES), hours=st.sampled_from(DUE_HOURS))
    def eei_request_issue(self, i: int, title: str, hours: int) -> None:
        wall = self.store(i).wall()
        rid = self._try(i, ("members",), lambda: eei_requests.issue_request(
            self.store(i), actor=self.actors[i], incident_id=self.incident_id, title=title,
            elements=["BEDS_TOTAL_AVAILABLE"], targets={"members": self.org_ids[:2]},
            due_at=from_ms(wall + hours * 3_600_000), channel="email",
        ))  # fmt: skip
        if rid:
            self.eei_request_ids.append(rid)
            self._hit("eei request issued")

    def _edit(self, i: int, **fields: Any) -> None:
        if not self.eei_request_ids:
            self.eei_request_issue(i, TITLES[0], DUE_HOURS[0])
            if not self.eei_request_ids:
                return
        rid = self.eei_request_ids[0]
        done = self._try(i, ("request", "status", "due_at"), lambda: eei_requests.update_request(
            self.store(i), actor=self.actors[i], request_id=rid, **fields))  # fmt: skip
        if done:
            self._hit(f"eei request edited: {','.join(done)}")

    @rule(i=stations, title=st.sampled_from(TITLES))
    def eei_request_retitle(self, i: int, title: str) -> None:
        self._edit(i, title=title)

    @precondition(lambda self: bool(self.eei_request_ids))
    @rule(i=stations, hours=st.sampled_from(DUE_HOURS), repeat=st.sampled_from(["once", "hours"]))
    def eei_request_reschedule(self, i: int, hours: int, repeat: str) -> None:
        with self.store(i).read() as s:
            row = s.get(m.EEIRequest, self.eei_request_ids[0])
            issued = row.issued_at if row is not None else None
        if issued is None:
            self._edit(i, title=TITLES[0])  # not here yet: the refusal names the request
            return
        # After the issue time whatever this station's clock says (clocks jump by days).
        base = max(self.store(i).wall(), int(parse_iso(issued).timestamp() * 1000))
        self._edit(i, due_at=from_ms(base + hours * 3_600_000), repeat=repeat,
                   repeat_hours=4 if repeat == "hours" else None)  # fmt: skip

    @precondition(lambda self: bool(self.eei_request_ids))
    @rule(ab=pairs, states=st.tuples(st.sampled_from(eei_requests.STATUSES),
                                     st.sampled_from(eei_requests.STATUSES)), sync=st.booleans())  # fmt: skip
    def eei_request_status(self, ab: tuple[int, int], states: tuple[str, str], sync: bool) -> None:
        """Two stations move the same request, perhaps differently: one status unit."""
        rid = self.eei_request_ids[0]
        for i, state in zip(ab, states, strict=True):
            self._try(i, ("request",), partial(eei_requests.set_status, self.store(i),
                      actor=self.actors[i], request_id=rid, status=state))  # fmt: skip
        if sync:
            self._sync_pair(*ab)
            self._hit("eei request status synced")

    # ------------------------------------------------------------ messages
    @precondition(lambda self: len(self.message_ids) < MAX_MESSAGES)
    @rule(i=stations, kind=st.sampled_from(["advisory", "briefing"]), to_org=st.booleans())
    def message_record(self, i: int, kind: str, to_org: bool) -> None:
        recipients = [self.org_ids[0], RECIPIENTS[0]] if to_org else list(RECIPIENTS)
        mid = self._try(i, (), lambda: messages.record_message(
            self.store(i), actor=self.actors[i], direction="out", kind=kind,
            subject=f"{kind} from station {i}", channel="email", recipients=recipients,
            incident_id=self.incident_id,
        ))  # fmt: skip
        assert mid is not None
        self.message_ids.append(mid)
        self._hit("message recorded")

    @precondition(lambda self: bool(self.message_ids))
    @rule(i=stations, data=st.data())
    def message_retract(self, i: int, data: st.DataObject) -> None:
        mid = data.draw(st.sampled_from(self.message_ids))
        self._try(i, ("message",), lambda: messages.retract_message(
            self.store(i), actor=self.actors[i], message_id=mid))  # fmt: skip

    @rule(
        ab=pairs,
        who=st.sampled_from(["org", *RECIPIENTS]),
        minutes=st.tuples(st.sampled_from([5, 10]), st.sampled_from([5, 10])),
        both=st.booleans(),
        sync=st.booleans(),
    )
    def message_ack(
        self, ab: tuple[int, int], who: str, minutes: tuple[int, int], both: bool, sync: bool
    ) -> None:
        """The same recipient's acknowledgement logged at one or two stations: one
        record; its `ack` conflicts when the two times differ."""
        if not self.message_ids:
            self.message_record(ab[0], "advisory", who == "org")
        mid = self.message_ids[0]
        for i, mins in list(zip(ab, minutes, strict=True))[: 2 if both else 1]:
            at = from_ms(self.store(i).wall() + mins * 60_000)
            org = self.org_ids[0] if who == "org" else None
            rec = None if who == "org" else who
            done = self._try(i, ("message", "organization"), partial(
                messages.acknowledge, self.store(i), actor=self.actors[i], message_id=mid,
                organization_id=org, recipient=rec, acknowledged_at=at, channel="phone"))  # fmt: skip
            if done:
                assert done == messages.ack_id(mid, org, rec)
                self._hit("ack recorded")
        if sync:
            self._sync_pair(*ab)

    # ------------------------------------------------------------ the derived view
    @rule(ab=pairs)
    def eei_request_lines_agree(self, ab: tuple[int, int]) -> None:
        """After a two-way exchange the two stations hold the same versions, so every
        derived partner line and the 6.1 figures must be the same at both."""
        self._sync_pair(*ab)
        a, b = ab
        views = []
        for i in (a, b):
            st_ = eei_requests.statuses(self.store(i), incident_id=self.incident_id, now=NOW)
            rep = eei_requests.hpp_report(self.store(i), incident_id=self.incident_id, now=NOW)
            rows = messages.list_messages(self.store(i), incident_id=self.incident_id)
            views.append((
                sorted(((s.request.id, [ln.as_dict() for ln in s.history]) for s in st_),
                       key=lambda pair: pair[0]),
                rep.as_dict()["total"],
                sorted(r.message.id for r in rows),
                sorted((r.message.id, [x.acknowledged_at for x in r.recipients]) for r in rows),
            ))  # fmt: skip
        assert views[0] == views[1], "two stations with the same versions show different lines"
        if views[0][0]:
            self._hit("eei request lines compared")
