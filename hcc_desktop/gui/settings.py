"""Where the GUI keeps its per-user preferences (QSettings), and the few it keeps.

Tests and screenshot runs set HCC_SETTINGS_DIR so that they never read or overwrite
the real operator's window layout or remembered names: settings then live in an INI
file in that folder instead of the platform's registry or plist.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings

from hcc_desktop.core.actor import Actor

ORGANIZATION = "hcc-desktop"
APPLICATION = "hcc-desktop"
SETTINGS_ENV = "HCC_SETTINGS_DIR"
MAX_OPERATORS = 12


def set_application_names() -> None:
    """QSettings() without arguments is keyed on these, so set them before any use."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)


def app_settings() -> QSettings:
    folder = os.environ.get(SETTINGS_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / f"{APPLICATION}.ini"), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def _operators_key(site_id: str) -> str:
    return f"operators/{site_id}"


def remembered_operators(settings: QSettings, site_id: str) -> list[Actor]:
    """Operators who signed in at this station before, most recent first. Per station
    because one laptop may hold two stores (a region's and an exercise's)."""
    raw = settings.value(_operators_key(site_id), "[]")
    try:
        items = json.loads(str(raw))
    except ValueError:
        return []
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get("name"):
            out.append(Actor(str(item["name"]), str(item.get("position") or "")))
    return out


def remember_operator(settings: QSettings, site_id: str, actor: Actor) -> None:
    known = [a for a in remembered_operators(settings, site_id) if a != actor]
    items = [{"name": a.name, "position": a.position} for a in [actor, *known]]
    settings.setValue(_operators_key(site_id), json.dumps(items[:MAX_OPERATORS]))
    settings.sync()
