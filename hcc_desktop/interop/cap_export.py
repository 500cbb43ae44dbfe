"""CAP 1.2 out: a coalition advisory ("Hospital X on diversion until 18:00", an
exercise message) as an alert file, valid against the OASIS schema, to hand to
partners' systems. During an exercise the status is Exercise, whatever was asked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.core.files import staged
from hcc_desktop.core.ids import uuid7
from hcc_desktop.core.services import alerts as alert_service
from hcc_desktop.core.services import incidents, messages
from hcc_desktop.core.services.common import Actor
from hcc_desktop.core.store import Store
from hcc_desktop.core.timeutil import parse_iso
from hcc_desktop.interop.cap import STATUSES

CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
              "Transport", "Infra", "CBRNE", "Other")  # fmt: skip
SCOPES = ("Public", "Restricted", "Private")


@dataclass
class Advisory:
    headline: str
    description: str
    event: str = "Health care coalition advisory"
    instruction: str = ""
    area: str = "Coalition area"
    urgency: str = "Expected"
    severity: str = "Moderate"
    certainty: str = "Observed"
    category: str = "Health"
    status: str = "Actual"
    msg_type: str = "Alert"
    scope: str = "Public"
    restriction: str = ""
    expires: str | None = None
    references: list[str] = field(default_factory=list)
    circles: list[tuple[float, float, float]] = field(default_factory=list)
    contact: str = ""
    #: (valueName, value) pairs such as ("SAME", "009003") for Hartford County, CT.
    geocodes: list[tuple[str, str]] = field(default_factory=list)


def _pick(field_name: str, value: str, allowed: tuple[str, ...]) -> str:
    for option in allowed:
        if option.lower() == value.strip().lower():
            return option
    raise ValidationError(field_name, f"expected one of {', '.join(allowed)}; got {value!r}")


def cap_time(iso: str) -> str:
    """CAP wants local time with an explicit offset and no fractions ("-05:00", never Z)."""
    moment = parse_iso(iso).astimezone()
    text = moment.strftime("%Y-%m-%dT%H:%M:%S%z")
    return text[:-2] + ":" + text[-2:]


def sender_id(store: Store) -> str:
    """CAP senders carry no spaces, commas or ampersands."""
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", store.station_name).strip("-").lower() or "station"
    return f"{slug}@{store.site_id}.hcc-desktop"


def _text(parent: Element, name: str, value: str | None) -> None:
    if value:
        SubElement(parent, f"{{{CAP12}}}{name}").text = value


def build_alert(
    store: Store, adv: Advisory, *, exercise: bool, now_iso: str
) -> tuple[str, str, str, bytes]:
    """(identifier, sender, sent, xml bytes)."""
    if not adv.headline.strip():
        raise ValidationError("headline", "must not be empty")
    if not adv.description.strip():
        raise ValidationError("description", "must not be empty")
    status = "Exercise" if exercise else _pick("status", adv.status, STATUSES)
    msg_type = _pick("msg_type", adv.msg_type, ("Alert", "Update", "Cancel"))
    if msg_type != "Alert" and not adv.references:
        raise ValidationError("references", f"a {msg_type} must reference the alert it changes")
    scope = _pick("scope", adv.scope, SCOPES)
    if scope == "Restricted" and not adv.restriction.strip():
        raise ValidationError("restriction", "a Restricted alert must say who may see it")
    identifier = f"HCC-{uuid7(store.wall())}"
    sender = sender_id(store)
    sent = cap_time(now_iso)
    root = Element(f"{{{CAP12}}}alert")
    for name, value in (
        ("identifier", identifier),
        ("sender", sender),
        ("sent", sent),
        ("status", status),
        ("msgType", msg_type),
        ("source", store.station_name),
        ("scope", scope),
        ("restriction", adv.restriction if scope == "Restricted" else None),
        ("note", "Exercise message — not a real event" if exercise else None),
        ("references", " ".join(adv.references) if adv.references else None),
    ):
        _text(root, name, value)
    info = SubElement(root, f"{{{CAP12}}}info")
    _text(info, "language", "en-US")
    _text(info, "category", _pick("category", adv.category, CATEGORIES))
    _text(info, "event", adv.event.strip() or "Advisory")
    _text(info, "urgency", _pick("urgency", adv.urgency, URGENCIES))
    _text(info, "severity", _pick("severity", adv.severity, SEVERITIES))
    _text(info, "certainty", _pick("certainty", adv.certainty, CERTAINTIES))
    if adv.expires:
        _text(info, "expires", cap_time(adv.expires))
    _text(info, "senderName", store.station_name)
    _text(info, "headline", adv.headline.strip()[:160])
    _text(info, "description", adv.description.strip())
    _text(info, "instruction", adv.instruction.strip() or None)
    _text(info, "contact", adv.contact.strip() or None)
    area = SubElement(info, f"{{{CAP12}}}area")
    _text(area, "areaDesc", adv.area.strip() or "Coalition area")
    for lat, lon, km in adv.circles:
        _text(area, "circle", f"{lat:.4f},{lon:.4f} {km:g}")
    for name, value in adv.geocodes:  # after the circles, as the schema orders them
        if not name.strip() or not value.strip():
            raise ValidationError("geocode", "a geocode needs a value name and a value")
        code = SubElement(area, f"{{{CAP12}}}geocode")
        _text(code, "valueName", name.strip())
        _text(code, "value", value.strip())
    indent(root, space=" ")
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + tostring(root, encoding="utf-8", default_namespace=CAP12).split(b"?>", 1)[-1].lstrip()
    )
    return identifier, sender, sent, body


def export_cap(
    store: Store, out: Path, adv: Advisory, *, actor: Actor, incident_id: str | None = None
) -> str:
    """Write the alert and keep a record of it (and a log entry) in the incident."""
    inc = incidents.resolve_incident(store, incident_id)
    now = datetime.now().astimezone().isoformat()
    identifier, sender, sent, body = build_alert(
        store, adv, exercise=bool(inc.exercise), now_iso=now
    )
    status = "Exercise" if inc.exercise else adv.status
    out = Path(out)
    # The file appears only if the record of it commits, and the record only if the
    # file could be written: an advisory sent but not logged cannot happen.
    with staged(out) as tmp, store.atomic():
        tmp.write_bytes(body)
        outcome = alert_service.record_alert(
            store,
            actor=actor,
            incident_id=inc.id,
            alert=alert_service.AlertInput(
                identifier=identifier,
                sender=sender,
                sent=sent,
                status=status,
                msg_type=adv.msg_type,
                scope=adv.scope,
                note=None,
                references=adv.references,
                infos=[
                    {
                        "event": adv.event,
                        "urgency": adv.urgency,
                        "severity": adv.severity,
                        "certainty": adv.certainty,
                        "headline": adv.headline,
                        "description": adv.description,
                        "instruction": adv.instruction or None,
                        "expires": cap_time(adv.expires) if adv.expires else None,
                        "areas": [
                            {
                                "description": adv.area,
                                "polygons": [],
                                "circles": [list(c) for c in adv.circles],
                                "geocodes": [list(g) for g in adv.geocodes],
                            }
                        ],
                    }
                ],
                source=out.name,
                log_text=f"Issued CAP {adv.msg_type.lower()} ({status}): {adv.headline} — "
                f"written to {out.name}",
                priority="important",
                direction="out",
            ),
        )
        # The communications log (issue 16) lists it with the other outbound messages.
        messages.record_message(
            store, actor=actor, direction="out", kind="cap", subject=adv.headline[:300],
            body=adv.description, channel="file", recipients=[adv.area.strip() or "Public"],
            sender=sender, ref_kind="alert", ref_id=outcome.alert_id,
            external_id=identifier, incident_id=inc.id,
        )  # fmt: skip
    return identifier
