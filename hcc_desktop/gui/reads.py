"""Panel reloads held until the main window has painted its first frame.

A worker thread started while the window is still being made competes with it for the
interpreter, so the operator would see the window later and its data no sooner. The
main window holds reads while it makes itself and releases them after its first frame
(gui.main_window); gui.operations.QueryOp asks here whether to start a panel's reload
now or queue it. This module imports nothing of the store, so the window's frame can be
made before the store's libraries are loaded.
"""

from __future__ import annotations

from typing import Protocol


class Held(Protocol):
    """A query that can be started later (gui.operations.QueryOp)."""

    def release(self) -> None: ...


#: Queries waiting for the window's first paint; None when queries start at once.
_held: list[Held] | None = None


def hold_reads() -> None:
    """Queue every panel reload started from now on until `release_reads`."""
    global _held
    if _held is None:
        _held = []


def release_reads() -> None:
    """Start the queries held since `hold_reads`, oldest first."""
    global _held
    held, _held = _held, None
    for op in held or ():
        op.release()


def reads_held() -> bool:
    return _held is not None


def queue(op: Held) -> bool:
    """True when `op` was queued (reads are held); False: start it now."""
    if _held is None:
        return False
    _held.append(op)
    return True
