"""The fixed lifecycle of a resource request (ICS 213RR), as data.

draft → submitted → approved → sourcing → committed → in transit → delivered →
returned, with denied and cancelled as exits. Only the steps listed here are offered
to an operator; undo may step back, and sync may bring concurrent steps, which then
show as a conflict.
"""

from __future__ import annotations

STATUSES: tuple[str, ...] = (
    "draft",
    "submitted",
    "approved",
    "sourcing",
    "committed",
    "in_transit",
    "delivered",
    "returned",
    "denied",
    "cancelled",
)

LABELS: dict[str, str] = {
    "draft": "Draft",
    "submitted": "Submitted",
    "approved": "Approved",
    "sourcing": "Sourcing",
    "committed": "Committed",
    "in_transit": "In transit",
    "delivered": "Delivered",
    "returned": "Returned",
    "denied": "Denied",
    "cancelled": "Cancelled",
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted", "cancelled"),
    "submitted": ("approved", "denied", "cancelled"),
    "approved": ("sourcing", "committed", "cancelled"),
    "sourcing": ("committed", "denied", "cancelled"),
    "committed": ("in_transit", "delivered", "cancelled"),
    "in_transit": ("delivered",),
    "delivered": ("returned",),
    "returned": (),
    "denied": (),
    "cancelled": (),
}

INITIAL: tuple[str, ...] = ("draft", "submitted")
TERMINAL: frozenset[str] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
#: Still needing someone's attention (counted as "open" in the overview and briefing).
OPEN: frozenset[str] = frozenset(STATUSES) - TERMINAL - {"delivered"}


def is_open(status: str | None) -> bool:
    """Whether a request still needs someone's attention: not closed and not delivered.
    A status this station does not know (a newer station's word, arriving by sync) is
    open: a request no one can see in the tracker or the overview is worse than one
    shown with a word nobody here chose."""
    return status not in TERMINAL and status != "delivered"


def allowed_next(status: str | None) -> tuple[str, ...]:
    return TRANSITIONS.get(status or "", ())


def can_move(current: str | None, new: str) -> bool:
    return new in allowed_next(current)
