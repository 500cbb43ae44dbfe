"""The toolbar's incident and period switchers, kept in step with the context.

Choosing an incident also picks its period: the one running now, else the latest, so
that an operator who switches incidents lands on the current picture, not period 1.
The chosen incident is remembered in the store (the CLI uses the same setting).
Both boxes size to their longest entry and, squeezed, elide with the whole text in
the tooltip: "Active [exe" did not say which incident was in view.

The boxes are made with the window's frame, before the store is open (gui.app), and
bound to the store with `attach`; the services are imported then, not with this module.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QToolBar

from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.gui import fmt
from hcc_desktop.gui.elide import ElidingCombo

if TYPE_CHECKING:
    from hcc_desktop.gui.context import AppContext

#: The widest the boxes grow (px): the toolbar's actions need the rest of the row.
INCIDENT_MAX_WIDTH = 520
PERIOD_MAX_WIDTH = 260


def _incidents() -> ModuleType:
    from hcc_desktop.core.services import incidents

    return incidents


class Switchers(QObject):
    def __init__(self, ctx: AppContext | None, toolbar: QToolBar) -> None:
        super().__init__(toolbar)
        self._ctx: AppContext | None = None
        self._read: list[Any] | None = None  # periods read by select_incident, while it runs
        self.incident = ElidingCombo(
            tip="Incident in view (Ctrl+I)", max_width=INCIDENT_MAX_WIDTH, shrink=False
        )
        self.incident.setObjectName("incidentSwitcher")
        self.period = ElidingCombo(
            tip="Operational period in view (Ctrl+PgUp / Ctrl+PgDown)",
            max_width=PERIOD_MAX_WIDTH,
            shrink=False,
        )
        self.period.setObjectName("periodSwitcher")
        toolbar.addWidget(QLabel(" Incident "))
        toolbar.addWidget(self.incident)
        toolbar.addWidget(QLabel("  Period "))
        toolbar.addWidget(self.period)
        toolbar.addSeparator()
        if ctx is not None:
            self.attach(ctx)

    @property
    def ctx(self) -> AppContext:
        assert self._ctx is not None, "the switchers are not attached to a store yet"
        return self._ctx

    def attach(self, ctx: AppContext) -> None:
        """Bind the boxes to the window's store and context."""
        self._ctx = ctx
        self.incident.activated.connect(self._incident_chosen)
        self.period.activated.connect(self._period_chosen)
        ctx.incident_changed.connect(lambda _id: self.refresh_periods(pick=True, rows=self._read))
        # An incident put in view elsewhere (an exercise started) shows here too.
        ctx.incident_changed.connect(lambda _id: self._show_incident())
        ctx.period_changed.connect(lambda _n: self._show_period())

    # ------------------------------------------------------------ incidents
    def refresh_incidents(self) -> None:
        rows = _incidents().list_incidents(self.ctx.store)
        self.incident.blockSignals(True)
        self.incident.clear()
        for inc in rows:
            tag = " [exercise]" if inc.exercise else ""
            self.incident.addItem(f"{inc.name} — {fmt.label(inc.status)}{tag}", inc.id)
        if not rows:
            self.incident.addItem("No incident yet — Ctrl+Shift+N", "")
        self.incident.blockSignals(False)
        self._show_incident()

    def choose_initial(self) -> None:
        """The station's current incident (the CLI's too), else the latest open one."""
        self.refresh_incidents()
        current = _incidents().current_incident(self.ctx.store)
        self.select_incident(current.id if current else None)

    def select_incident(self, incident_id: str | None) -> None:
        """Show the incident and make it the station's current one (the CLI's default).
        Its periods are read first: on an EOC server that cannot be reached nothing
        switches, the toolbar goes back to the incident shown and the status bar says
        why (a choice of view gets no dialog)."""
        try:
            rows = self._periods_of(incident_id)
            if incident_id:
                _incidents().set_current_incident(self.ctx.store, incident_id)
        except Exception as exc:
            from hcc_desktop.gui.operations import server_lost

            if not server_lost(exc):
                raise
            self._show_incident()
            self.ctx.message.emit(
                "Not switched: the EOC server cannot be reached, so the incident cannot "
                "be read; still showing the one before"
            )
            return
        # The periods just read serve the incident_changed handlers too: a second read
        # could meet a server lost in between, out of a Qt slot.
        self._read = rows
        try:
            self.ctx.set_incident(incident_id)
            self._show_incident()
            if incident_id is None or self.ctx.period is None:
                self.refresh_periods(pick=True, rows=rows)
        finally:
            self._read = None

    def _show_incident(self) -> None:
        found = self.incident.findData(self.ctx.incident_id or "")
        self.incident.setCurrentIndex(max(found, 0))
        self.incident.refresh_tip()  # the items may have changed with signals blocked

    def _incident_chosen(self, index: int) -> None:
        chosen = self.incident.itemData(index) or None
        if chosen != self.ctx.incident_id:
            self.select_incident(chosen)

    def open_incident_list(self) -> None:
        self.incident.setFocus()
        self.incident.showPopup()

    # ------------------------------------------------------------ periods
    def _periods_of(self, incident_id: str | None) -> list[Any]:
        if not incident_id:
            return []
        return _incidents().list_periods(self.ctx.store, incident_id=incident_id)

    def refresh_periods(self, *, pick: bool = False, rows: list[Any] | None = None) -> None:
        if rows is None:
            rows = self._periods_of(self.ctx.incident_id)
        now = from_ms(self.ctx.store.wall())
        running = None
        self.period.blockSignals(True)
        self.period.clear()
        for p in rows:
            is_now = bool(p.starts_at and p.ends_at and p.starts_at <= now < p.ends_at)
            running = p.number if is_now else running
            when = fmt.local(p.starts_at, short=True)
            self.period.addItem(f"{p.number} · {when}{' (now)' if is_now else ''}", p.number)
        if not rows:
            self.period.addItem("No period yet — Ctrl+Shift+P", 0)
        self.period.blockSignals(False)
        numbers = [p.number for p in rows]
        if pick or self.ctx.period not in numbers:
            choice = running or (numbers[-1] if numbers else None)
            self.ctx.set_period(choice)
        self._show_period()

    def _show_period(self) -> None:
        found = self.period.findData(self.ctx.period or 0)
        self.period.setCurrentIndex(max(found, 0))
        self.period.refresh_tip()

    def _period_chosen(self, index: int) -> None:
        number = self.period.itemData(index) or None
        self.ctx.set_period(number)

    def step_period(self, step: int) -> None:
        i = self.period.currentIndex() + step
        if 0 <= i < self.period.count() and self.period.itemData(i):
            self.period.setCurrentIndex(i)
            self._period_chosen(i)
