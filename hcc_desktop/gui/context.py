"""What every panel shares: the store, the operator, the incident in view, and a bus
that carries selection and change-sets between panels.

The store's listeners are called on the thread that wrote; `AppContext` re-emits them
as a Qt signal, so panels always refresh on the GUI thread: at once for a write made
on the GUI thread, through an explicitly queued connection for one made by a worker
(a package import), whatever kind of slot a panel connected.

On an EOC server the other seats' changes arrive the same way: the store's listener
thread hears them (LISTEN/NOTIFY) and calls the same listeners, so a colleague's log
entry reaches the panels exactly as this seat's own does. The listener also says when
the server is lost and back (`server_state`), and the GUI's writes (gui.operations)
are retried through `store.retrying` while it comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal

from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.versions import Changes
from hcc_desktop.gui import operations

T = TypeVar("T")


class AppContext(QObject):
    #: A change-set committed by any writer (local edit, import, undo).
    changed = Signal(object)
    #: The member/facility selected anywhere (map, directory, grid); "" clears.
    member_selected = Signal(str)
    #: The incident in view changed (id).
    incident_changed = Signal(str)
    #: The operational period in view changed (number).
    period_changed = Signal(int)
    #: The operator signed in changed.
    actor_changed = Signal(object)
    #: A one-line message for the status bar.
    message = Signal(str)
    #: A package import finished (emitted on the GUI thread, after the store's own
    #: change broadcast), so views of sync history refresh even with nothing new.
    imported = Signal()
    #: An EOC server's listener lost (False) or regained (True) the server.
    server_state = Signal(bool)
    #: A change-set written on another thread, queued to this object's thread.
    _changed_elsewhere = Signal(object)
    #: The listener thread's state report, queued to this object's thread.
    _state_elsewhere = Signal(bool)

    def __init__(self, store: Store, actor: Actor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.incident_id: str | None = None
        self.period: int | None = None
        self.selected_member: str = ""
        #: False while an EOC server's listener cannot reach it (always True for a file).
        self.server_up = True
        self._changed_elsewhere.connect(self.changed.emit, Qt.ConnectionType.QueuedConnection)
        self._state_elsewhere.connect(self._set_server_state, Qt.ConnectionType.QueuedConnection)
        store.listeners.append(self._relay)
        operations.use_writer(self._write)
        if store.is_server:
            store.listen(self._state_elsewhere.emit)
            # A listener that could not connect at all reports nothing until it does:
            # the window starts with the notice then (and loses it once it connects).
            self.server_up = store.hearing

    def _write(self, work: Callable[[], T]) -> T:
        """How the GUI's writes run (gui.operations): on a server, again after a lost
        connection or a serialisation failure; once only while the server is known to
        be down, so a write fails at once instead of holding the window."""
        return self.store.retrying(work, attempts=4 if self.server_up else 1)

    def _set_server_state(self, up: bool) -> None:
        if up != self.server_up:
            self.server_up = up
            self.server_state.emit(up)

    def _relay(self, changes: Changes) -> None:
        if QThread.currentThread() == self.thread():
            self.changed.emit(changes)
        else:
            self._changed_elsewhere.emit(changes)

    def select_member(self, org_id: str) -> None:
        if org_id != self.selected_member:
            self.selected_member = org_id
            self.member_selected.emit(org_id)

    def set_incident(self, incident_id: str | None) -> None:
        if incident_id != self.incident_id:
            self.incident_id = incident_id
            self.incident_changed.emit(incident_id or "")

    def set_period(self, number: int | None) -> None:
        if number != self.period:
            self.period = number
            self.period_changed.emit(number or 0)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.actor_changed.emit(actor)

    def detach(self) -> None:
        if self._relay in self.store.listeners:
            self.store.listeners.remove(self._relay)
        operations.forget_writer(self._write)
