"""The duty and handover dock: three tabs.

- Positions: the roster of the incident in view (who holds duty officer, EEI desk,
  logistics..., since when, signed out when), with Sign in… and Sign out.
- Duty schedule: the coalition's 24/7 duty officer shifts for the next week with the
  gaps where nobody is on call in red, with Add shift… and Remove.
- Handover: the handover report as of now (`handover.build_report`, the same data the
  PDF and `handover show` print), the handovers of the incident and whether each was
  acknowledged, with Prepare…, Acknowledge and Print PDF….

Everything is read off the GUI thread and written through the services the CLI uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from html import escape
from typing import Any, ClassVar

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core import models as m
from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.services import duty, handover, roster
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms, parse_iso, to_iso
from hcc_desktop.gui import fmt
from hcc_desktop.gui.actions import ActionId
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.dialogs.coordination_dialogs import (
    PrepareHandoverDialog,
    ShiftDialog,
    SignInDialog,
)
from hcc_desktop.gui.file_dialogs import save_file
from hcc_desktop.gui.operations import CollectionOp, busy
from hcc_desktop.gui.panels.base import Panel
from hcc_desktop.gui.panels.prep_common import Cell, current_key, fill, make_table

GAP_BG = QColor("#fde0dc")
GAP_FG = QColor("#b71c1c")
ON_DUTY_BG = QColor("#e3f2e1")
SCHEDULE_DAYS = 7


@dataclass
class _Read:
    incident_id: str | None
    rows: list[roster.Assignment] = field(default_factory=list)
    slots: list[duty.Slot] = field(default_factory=list)
    report: dict[str, Any] | None = None
    handovers: list[m.Handover] = field(default_factory=list)


def load(store: Store, incident_id: str | None) -> _Read:
    now = from_ms(store.wall())
    end = to_iso(parse_iso(now) + timedelta(days=SCHEDULE_DAYS))
    out = _Read(incident_id, slots=duty.schedule(store, start=now, end=end))
    if incident_id:
        out.rows = roster.roster(store, incident_id=incident_id)
        out.report = handover.build_report(store, incident_id=incident_id)
        out.handovers = handover.list_handovers(store, incident_id=incident_id)
    return out


def report_html(report: dict[str, Any], record: m.Handover | None = None) -> str:
    """The report as the dock shows it: each section with its count, "none" when
    empty, overdue requests flagged in words."""
    n = handover.counts(report)
    parts = [
        f"<h3>Handover, {escape(report['incident'] or '')}</h3>",
        f"<p>As of {escape(fmt.local(report['now']))}; changes since "
        f"{escape(fmt.local(report['since']) or 'the start')}.</p>",
    ]

    def section(key: str, lines: list[str]) -> None:
        title = handover.SECTIONS[key]
        parts.append(f"<p><b>{title}</b> ({len(lines) or 'none'})</p>")
        if lines:
            parts.append("<ul>" + "".join(f"<li>{x}</li>" for x in lines) + "</ul>")

    e = escape
    section("positions", [f"{e(p['position'])}: {e(p['person'] or '')}"
                          + (f", {e(p['phone'])}" if p["phone"] else "")
                          for p in report["positions"]])  # fmt: skip
    section("requests_open", [
        f"{e(r['number'] or '')} {e(r['resource'] or '')} — {e(r['status'] or '')}, "
        f"{e(r['priority'] or '')}"
        + (f", needed by {e(fmt.local(r['needed_by']))}" if r["needed_by"] else "")
        + (" <b style='color:#b71c1c'>OVERDUE</b>" if r["overdue"] else "")
        + (f"; {fmt.number(r['elevated'])} elevated to {e(r['elevated_to'] or '')} "
           f"({e(r['elevated_ref'] or '')})" if r["elevated"] else "")
        for r in report["requests_open"]
    ])  # fmt: skip
    section("requests_changed", [f"{e(r['number'] or '')}: {e('; '.join(r['changes']))}"
                                 for r in report["requests_changed"]])  # fmt: skip
    section("eei_overdue", [
        f"Period {p['period']} (due {e(fmt.local(p['due_at']))}): {len(p['missing'])} of "
        f"{p['expected']} not reported — {e(', '.join(p['missing'][:8]))}"
        + (" …" if len(p["missing"]) > 8 else "")
        for p in report["eei_overdue"]
    ])  # fmt: skip
    section("events", [f"{e(fmt.local(x['at']))} {e(x['text'] or '')} ({e(x['state'])})"
                       for x in report["events"]])  # fmt: skip
    section("conflicts", [f"{e(c['entity'])} {e(c['record'])}: {e(c['field'])}"
                          for c in report["conflicts"]])  # fmt: skip
    section("stations", [f"{e(s['station'])}: {s['not_sent']} changes not yet sent; last "
                         f"package received {e(fmt.local(s['last_received']) or 'never')}"
                         for s in report["stations"]])  # fmt: skip
    section("alerts", [f"{e(a['headline'])} ({e(str(a['severity'] or ''))})"
                       for a in report["alerts"]])  # fmt: skip
    section("duty_gaps", [f"<b style='color:#b71c1c'>Nobody on call</b> "
                          f"{e(fmt.local(g['starts_at']))} – {e(fmt.local(g['ends_at']))}"
                          for g in report["duty_gaps"]])  # fmt: skip
    if record is not None:
        ack = (f"acknowledged by {e(record.acknowledged_by or '')} at "
               f"{e(fmt.local(record.acknowledged_at))}" if record.acknowledged_at
               else "<b style='color:#b71c1c'>not yet acknowledged</b>")  # fmt: skip
        parts.insert(1, f"<p>Prepared by {e(record.prepared_by or '')} for "
                        f"{e(record.incoming or 'the incoming officer')}; {ack}.</p>")  # fmt: skip
    parts.insert(2, f"<p>{n['requests_open']} open requests ({n['requests_overdue']} overdue), "
                    f"{n['eei_overdue']} periods with EEIs overdue, {n['conflicts']} "
                    f"conflicts, {n['not_sent']} changes not yet sent, {n['alerts']} open "
                    "alerts.</p>")  # fmt: skip
    return "".join(parts)


class RosterPanel(Panel):
    TITLE = "Duty and handover"
    DOCK_NAME = "rosterDock"
    WATCHES = frozenset({"position_assignment", "duty_shift", "handover", "request",
                         "log_entry", "eei_report", "alert", "incident", "period"})  # fmt: skip
    LOADS_ITSELF = True
    VIEW_ACTION = ActionId.SHOW_ROSTER
    ACTIONS: ClassVar[dict[ActionId, str]] = {ActionId.SIGN_IN: "sign_in"}

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._loaded = False
        self.data = _Read(None)
        self._build()
        ctx.incident_changed.connect(lambda _i: self.schedule_reload())

    def _button(self, bar: QHBoxLayout, text: str, tip: str, slot: Any) -> None:
        b = QToolButton(text=text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        bar.addWidget(b)

    def _build(self) -> None:
        self.tabs = QTabWidget(objectName="rosterTabs")
        # Positions
        page = QWidget()
        bar = QHBoxLayout()
        self.roster_count = QLabel()
        bar.addWidget(self.roster_count, 1)
        self._button(bar, "Sign in…", "Sign a person in to a position (Shift+F9)",
                     self.sign_in)  # fmt: skip
        self._button(bar, "Sign out", "Sign the selected row out now", self.sign_out)
        self.roster_table = make_table(
            "rosterTable", ("Position", "Person", "Phone", "Period", "Signed in", "Signed out")
        )
        box = QVBoxLayout(page)
        box.addLayout(bar)
        box.addWidget(self.roster_table, 1)
        self.tabs.addTab(page, "Positions")
        # Duty schedule
        page = QWidget()
        bar = QHBoxLayout()
        self.duty_count = QLabel()
        bar.addWidget(self.duty_count, 1)
        self._button(bar, "Add shift…", "Plan a duty officer shift", self.add_shift)
        self._button(bar, "Remove", "Remove the selected shift", self.remove_shift)
        self.duty_table = make_table("dutyTable", ("From", "To", "On call", "Phone", "Role"))
        box = QVBoxLayout(page)
        box.addLayout(bar)
        box.addWidget(self.duty_table, 1)
        self.tabs.addTab(page, "Duty schedule")
        # Handover
        page = QWidget()
        bar = QHBoxLayout()
        self.handover_state = QLabel(objectName="handoverState")
        bar.addWidget(self.handover_state, 1)
        self._button(bar, "Prepare…", "Store the report as handed over", self.prepare)
        self._button(bar, "Acknowledge", "The incoming officer takes over (logged)",
                     self.acknowledge)  # fmt: skip
        self._button(bar, "Print PDF…", "The report as a PDF", self.print_pdf)
        self.report_view = QTextBrowser(objectName="handoverReport")
        box = QVBoxLayout(page)
        box.addLayout(bar)
        box.addWidget(self.report_view, 1)
        self.tabs.addTab(page, "Handover")
        self.note = QLabel(objectName="rosterNote")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note)

    def is_loaded(self) -> bool:
        return self._loaded and not busy(self, "reload")

    def reload(self) -> None:
        store, incident_id = self.ctx.store, self.ctx.incident_id
        self.read_in_background(lambda _p: load(store, incident_id), self._fill,
                                failed="Duty and handover not loaded")  # fmt: skip

    def _fill(self, d: _Read) -> None:
        self.data = d
        fill(self.roster_table, (
            (a.row.id, [roster.position_label(a.row.position), a.row.person, a.row.phone,
                        a.period or "",
                        Cell(fmt.local(a.row.signed_in_at), bg=ON_DUTY_BG if a.on_duty else None),
                        fmt.local(a.row.signed_out_at) or "on duty"])
            for a in d.rows
        ))  # fmt: skip
        on = [a for a in d.rows if a.on_duty]
        officers = [a.row.person or "" for a in on if a.row.position == "duty_officer"]
        self.roster_count.setText(
            f"{len(on)} on duty of {len(d.rows)} rows; duty officer: "
            + (", ".join(officers) or "<b style='color:#b71c1c'>nobody signed in</b>")
            if d.incident_id else "No incident in view"
        )  # fmt: skip
        fill(self.duty_table, (
            (s.shift.id if s.shift else f"gap{i}",
             [fmt.local(s.starts_at), fmt.local(s.ends_at),
              Cell("GAP — nobody on call", bg=GAP_BG, fg=GAP_FG, bold=True) if s.gap
              else (s.shift.person if s.shift else ""),
              s.shift.phone if s.shift else "",
              duty.role_label(s.shift.role) if s.shift else ""])
            for i, s in enumerate(d.slots)
        ))  # fmt: skip
        gaps = sum(s.gap for s in d.slots)
        self.duty_count.setText(
            f"Next {SCHEDULE_DAYS} days: {len(d.slots) - gaps} shifts, "
            + (f"<b style='color:#b71c1c'>{gaps} gaps</b>" if gaps else "no gaps")
        )
        latest = d.handovers[0] if d.handovers else None
        if d.report is None:
            self.report_view.setHtml("<i>No incident in view.</i>")
            self.handover_state.setText("")
        else:
            self.report_view.setHtml(report_html(d.report))
            self.handover_state.setText(
                "No handover yet" if latest is None else
                f"Last handover {fmt.local(latest.prepared_at)} by {latest.prepared_by}: "
                + (f"acknowledged by {latest.acknowledged_by}" if latest.acknowledged_at
                   else "<b style='color:#b71c1c'>not acknowledged</b>")
            )  # fmt: skip
        self._loaded = True

    # ------------------------------------------------------------ actions
    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.ctx.message.emit(text)

    def _write(self, work: Any, done: str, title: str) -> None:
        (
            CollectionOp(self, lambda _p: work(), title=title)
            .success(lambda _r: self._say(done))
            .failure(lambda e: self._say(f"{title}: {e.message}"), only=ValidationError)
            .run_now()
        )

    def sign_in(self) -> None:
        if not self.ctx.incident_id:
            self._say("Open an incident first: the roster belongs to an incident")
            return
        SignInDialog(self.ctx.store, self.ctx.actor, self.ctx.incident_id, self).exec()

    def sign_out(self) -> None:
        key = current_key(self.roster_table)
        if not key:
            self._say("Select the roster row to sign out first")
            return
        store, actor = self.ctx.store, self.ctx.actor
        self._write(lambda: roster.sign_out(store, actor=actor, assignment_id=key),
                    "Signed out", "Not signed out")  # fmt: skip

    def add_shift(self) -> None:
        ShiftDialog(self.ctx.store, self.ctx.actor, self).exec()

    def remove_shift(self) -> None:
        key = current_key(self.duty_table)
        if not key or key.startswith("gap"):
            self._say("Select the shift to remove first")
            return
        store, actor = self.ctx.store, self.ctx.actor
        self._write(lambda: duty.remove_shift(store, actor=actor, shift_id=key),
                    "Shift removed (undo brings it back)", "Shift not removed")  # fmt: skip

    def prepare(self) -> None:
        if not self.ctx.incident_id:
            self._say("Open an incident first")
            return
        PrepareHandoverDialog(self.ctx.store, self.ctx.actor, self.ctx.incident_id, self).exec()

    def acknowledge(self) -> None:
        pending = [h for h in self.data.handovers if not h.acknowledged_at]
        if not pending:
            self._say("No handover waiting for acknowledgement")
            return
        store, actor, hid = self.ctx.store, self.ctx.actor, pending[0].id
        self._write(lambda: handover.acknowledge(store, actor=actor, handover_id=hid),
                    f"Handover acknowledged by {actor.name}; written to the log",
                    "Not acknowledged")  # fmt: skip

    def print_pdf(self) -> None:
        if self.data.report is None:
            self._say("Open an incident first")
            return
        out = save_file(self, "Print handover report", "reports", "handover.pdf", "PDF (*.pdf)")
        if out is None:
            return
        from hcc_desktop.reports.handover_report import build_handover_report

        store, actor = self.ctx.store, self.ctx.actor
        # A handover waiting for its acknowledgement prints as stored (with the
        # sign-off block); otherwise the report as of now prints as a preview.
        latest = self.data.handovers[0] if self.data.handovers else None
        report: dict[str, Any] = self.data.report
        record: dict[str, Any] | None = None
        if latest is not None and latest.acknowledged_at is None:
            report, record = latest.content or {}, handover.handover_dict(latest)
        (
            CollectionOp(
                self,
                lambda p: build_handover_report(
                    store, out, report=report, record=record, prepared_by=actor, progress=p.step
                ),
                title="Handover report not written",
            )
            .success(lambda r: self._say(f"Wrote {r.path} ({r.pages} pages)"))
            .failure(lambda e: self._say(f"Not written: {e.message}"), only=ValidationError)
            .run_in_background()
        )
