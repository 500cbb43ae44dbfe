"""The status bar: who is duty officer now (roster, else the 24/7 schedule), who is
signed in (every change is recorded under that name), which
station and store this is, the EOC clock in local time with its zone, and the last
message a panel sent. On an EOC server, a red notice while the server is unreachable."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

from hcc_desktop.core.services import duty, roster
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import from_ms
from hcc_desktop.gui.context import AppContext
from hcc_desktop.gui.elide import ElidedLabel
from hcc_desktop.gui.operations import QueryOp

MESSAGE_MS = 8000
SERVER_DOWN = "Server unreachable — changes are kept and retried"


def duty_line(store: Store, incident_id: str | None) -> str:
    """The status bar's duty officer: signed in on the incident's roster (two after a
    sync of two stations' sign-ins: both shown), else on call by the 24/7 schedule."""
    now = from_ms(store.wall())
    if incident_id:
        held = roster.holders(store, incident_id=incident_id, position="duty_officer", at=now)
        if held:
            who = ", ".join(
                f"{a.row.person}" + (f" ({a.row.phone})" if a.row.phone else "") for a in held
            )
            return f"Duty officer: <b>{escape(who)}</b>"
    shifts = duty.on_call(store, at=now)
    if shifts:
        who = ", ".join(s.person or "" for s in shifts)
        return f"On call: <b>{escape(who)}</b>"
    return "<span style='color:#b71c1c'><b>Duty officer: nobody</b></span>"


class StatusBar(QStatusBar):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.ctx = ctx
        self.operator = QLabel(objectName="statusOperator")
        self.station = QLabel(objectName="statusStation")
        where = "Server" if ctx.store.is_server else "Store"
        # The folders are cut in the middle, never the file name (which tells the
        # exercise store from the live one): "Store: /home/…/eoc/live.sqlite".
        self.store = ElidedLabel(path_prefix=f"{where}: ")
        self.store.setObjectName("statusStore")
        self.clock = QLabel(objectName="statusClock")
        self.duty = QLabel(objectName="statusDuty")
        self.server = QLabel(SERVER_DOWN, objectName="statusServer")
        self.server.setStyleSheet("color: white; background: #b71c1c; font-weight: bold")
        self.server.setToolTip(
            "This seat cannot reach the EOC server. Other seats' changes do not arrive "
            "meanwhile, and a change saved now is refused with what you typed kept. The "
            "program keeps trying; the panels reload once the server is back."
        )
        self.server.hide()
        self.store.set_full_text(f"{where}: {ctx.store.label}")
        # A long store path must not widen the window past a 1280-pixel screen now that
        # the duty officer shares the bar: it asks for room for the whole path and, when
        # there is none, shows "…" in place of folders with the whole in its tooltip.
        self.store.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.station.setText(f"Station: {ctx.store.station_name}")
        for label in (
            self.server,
            self.duty,
            self.operator,
            self.station,
            self.store,
            self.clock,
        ):
            label.setContentsMargins(6, 0, 6, 0)
            self.addPermanentWidget(label)
        self.show_actor(ctx.actor)
        ctx.actor_changed.connect(self.show_actor)
        ctx.message.connect(lambda text: self.showMessage(text, MESSAGE_MS))
        ctx.incident_changed.connect(lambda _i: self.show_duty())
        ctx.changed.connect(
            lambda ch: (
                self.show_duty() if ch.entities & {"position_assignment", "duty_shift"} else None
            )
        )
        ctx.server_state.connect(self._server_changed)
        self.show_server(ctx.server_up)
        self.show_duty()
        self._tick()
        self._timer = QTimer(self, interval=15_000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def show_server(self, up: bool) -> None:
        """The red notice while an EOC server cannot be reached; gone once it is back."""
        self.server.setVisible(not up)

    def _server_changed(self, up: bool) -> None:
        self.show_server(up)
        if up:
            self.showMessage("The EOC server is reachable again", MESSAGE_MS)

    def show_actor(self, actor: Actor) -> None:
        self.operator.setText(f"Operator: <b>{actor.label}</b>")

    def show_duty(self) -> None:
        """Who is duty officer now: the incident roster's holder, else whoever the 24/7
        schedule has on call; "nobody" in red when neither (a gap)."""
        store, incident_id = self.ctx.store, self.ctx.incident_id
        (
            QueryOp(self, lambda _p: duty_line(store, incident_id), title="Duty officer")
            .supersede("duty")
            .success(self.duty.setText)
            .failure(lambda _e: None)
            .run_in_background()
        )

    def _tick(self) -> None:
        self.show_duty()
        self.clock.setText(datetime.now().astimezone().strftime("%a %d %b %H:%M %Z"))
