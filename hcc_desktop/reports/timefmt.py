"""Stored UTC times as printed on paper: local time with the zone's abbreviation.

A briefing is read in a room where the wall clock says 21:30 EST; a time printed in
UTC, or without its zone, gets misread at the worst moment. The zone is the station's
(or the one a caller passes, e.g. the demo's America/New_York); the abbreviation is
taken per instant, so a period that crosses the DST change prints EDT then EST.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from hcc_desktop.core.timeutil import parse_iso


class Clock:
    """Formats times for one document in one zone (None: the station's local zone)."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        self.zone = zone

    def local(self, iso: str | None) -> datetime | None:
        if not iso:
            return None
        try:
            moment = parse_iso(iso)
        except ValueError:
            return None
        return moment.astimezone(self.zone) if self.zone else moment.astimezone()

    def _fmt(self, iso: str | None, pattern: str) -> str:
        moment = self.local(iso)
        if moment is None:
            return iso or ""
        return f"{moment.strftime(pattern)} {moment.tzname() or ''}".rstrip()

    def full(self, iso: str | None) -> str:
        """'Fri 20 Nov 2026 21:30 EST': headers and the cover."""
        return self._fmt(iso, "%a %d %b %Y %H:%M")

    def datetime(self, iso: str | None) -> str:
        """'2026-11-20 21:30 EST': tables and forms."""
        return self._fmt(iso, "%Y-%m-%d %H:%M")

    def short(self, iso: str | None) -> str:
        """'20 Nov 21:30 EST': narrow table columns."""
        return self._fmt(iso, "%d %b %H:%M")

    def date(self, iso: str | None) -> str:
        moment = self.local(iso)
        return moment.strftime("%Y-%m-%d") if moment else (iso or "")

    def time(self, iso: str | None) -> str:
        """'21:30 EST' (the 24-hour clock the ICS forms ask for)."""
        return self._fmt(iso, "%H:%M")

    def span(self, start: str | None, end: str | None) -> str:
        """A period: '20 Nov 2026 07:00 – 19:00 EST' when both ends fall on one day and
        zone, else both ends in full."""
        a, b = self.local(start), self.local(end)
        if a is None or b is None:
            return f"{self.datetime(start) or '?'} – {self.datetime(end) or 'open'}"
        if a.date() == b.date() and a.tzname() == b.tzname():
            return f"{a:%a %d %b %Y %H:%M} – {b:%H:%M} {b.tzname() or ''}".rstrip()
        return f"{self.full(start)} – {self.full(end)}"
