"""What the member map's hover tooltip says: for a member its name, place and type,
status with its reasons and the time of its last report; for a CAP alert area its
headline first (what the operator scans for), then event, severity, sender, expiry."""

from __future__ import annotations

import html
from collections.abc import Mapping

from hcc_desktop.core.services.status import FacilityStatus
from hcc_desktop.core.timeutil import parse_iso
from hcc_desktop.gui.map import style
from hcc_desktop.gui.map.alerts import GROUPS
from hcc_desktop.gui.map.data import MapMember
from hcc_desktop.interop.areas import AlertShape


def local_time(iso: str | None) -> str:
    """A stored UTC time as the operator's local time with its zone."""
    if not iso:
        return ""
    try:
        return parse_iso(str(iso)).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    except ValueError:
        return str(iso)


def member_tooltip(
    member: MapMember,
    key: str,
    statuses: Mapping[str, FacilityStatus],
    *,
    has_incident: bool,
) -> str:
    """The tooltip of `member`, whose marker shows status `key`."""
    place = ", ".join(p for p in (member.town, member.state) if p)
    lines = [f"<b>{html.escape(member.name)}</b>"]
    lines.append(
        html.escape(" · ".join(p for p in (place, style.type_label(member.member_type)) if p))
    )
    colour = style.STATUS_COLOURS[key]
    swatch = f'<span style="color:{colour}">&#9632;</span>'
    if key == style.NON_REPORTING:
        lines.append(f"{swatch} Does not report EEIs")
    elif key == style.NOT_EXPECTED:
        lines.append(f"{swatch} Not asked to report: outside the incident's regions")
    elif not has_incident:
        lines.append(f"{swatch} No incident in view")
    else:
        found = statuses.get(member.id)
        status = style.STATUS_LABELS[key]
        if found and found.reasons:
            status += f" ({', '.join(found.reasons)})"
        lines.append(f"{swatch} Status: {html.escape(status)}")
        if found and found.diversion_until:
            lines.append(f"Diversion until {html.escape(local_time(found.diversion_until))}")
        if found and found.reported_at:
            when = local_time(found.reported_at)
            if found.period:
                when += f", period {found.period}"
            lines.append(f"Last report: {html.escape(when)}")
        else:
            lines.append("No EEI report for this incident")
    return "<p style='white-space:nowrap'>" + "<br>".join(lines) + "</p>"


def alert_tooltip(shape: AlertShape) -> str:
    """An alert's headline first, then its event, severity, sender, expiry and areas."""
    colour = GROUPS["severe" if shape.severity in ("Extreme", "Severe") else "other"][0]
    swatch = f'<span style="color:{colour}">&#9632;</span>'
    lines = [f"{swatch} <b>{html.escape(shape.headline)}</b>"]
    facts = " · ".join(p for p in (shape.event, shape.severity, shape.sender) if p)
    if facts:
        lines.append(html.escape(facts))
    if shape.expires:
        lines.append(f"Expires {html.escape(local_time(shape.expires))}")
    if shape.area_names:
        lines.append(html.escape(shape.area_names[:200]))
    return "<p style='white-space:nowrap'>" + "<br>".join(lines) + "</p>"


def hover_text(members: list[str], n_members: int, alerts: list[str], n_alerts: int) -> str:
    """The tooltips of what is under the pointer: those of the first members and
    alerts given, then how many more of each there are (`n_*`: all under it)."""
    tips = list(members)
    if n_members > len(members):
        tips.append(f"<p>and {n_members - len(members)} more here</p>")
    tips.extend(alerts)
    if n_alerts > len(alerts):
        tips.append(f"<p>and {n_alerts - len(alerts)} more alerts here</p>")
    return "".join(tips)
