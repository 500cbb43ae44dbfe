"""The status bar: who is signed in (every change is recorded under that name), which
station and store this is, the EOC clock in local time with its zone, and the last
message a panel sent."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from hcc_desktop.core.services.common import Actor
from hcc_desktop.gui.context import AppContext

MESSAGE_MS = 8000


class StatusBar(QStatusBar):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.ctx = ctx
        self.operator = QLabel(objectName="statusOperator")
        self.station = QLabel(objectName="statusStation")
        self.store = QLabel(objectName="statusStore")
        self.clock = QLabel(objectName="statusClock")
        self.store.setText(f"Store: {ctx.store.path}")
        self.store.setToolTip(str(ctx.store.path))
        self.station.setText(f"Station: {ctx.store.station_name}")
        for label in (self.operator, self.station, self.store, self.clock):
            label.setContentsMargins(6, 0, 6, 0)
            self.addPermanentWidget(label)
        self.show_actor(ctx.actor)
        ctx.actor_changed.connect(self.show_actor)
        ctx.message.connect(lambda text: self.showMessage(text, MESSAGE_MS))
        self._tick()
        self._timer = QTimer(self, interval=15_000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def show_actor(self, actor: Actor) -> None:
        self.operator.setText(f"Operator: <b>{actor.label}</b>")

    def _tick(self) -> None:
        self.clock.setText(datetime.now().astimezone().strftime("%a %d %b %H:%M %Z"))
