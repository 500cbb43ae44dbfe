"""Who is acting: the operator as ICS attributes a change, a person in a position.

A module of its own, with nothing else in it, because the GUI names the operator before
its first frame (settings, the sign-in from HCC_OPERATOR) and that must not load the
store's libraries; the services import it from here through core.services.common.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The operator making a change, as ICS attributes it: a person in a position."""

    name: str
    position: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.position})" if self.position else self.name


SYSTEM = Actor("hcc-desktop", "system")
