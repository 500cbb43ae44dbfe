"""Where the program finds its data: one helper for running from source and from the
PyInstaller bundle, so no other module guesses paths."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "hcc-desktop"
STORE_ENV = "HCC_STORE"


def app_root() -> Path:
    """The folder holding `resources/` and `db/`: the bundle, or the source tree."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    override = os.environ.get("HCC_APP_ROOT")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return app_root() / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def migrations_dir() -> Path:
    return app_root() / "db"


def user_data_dir() -> Path:
    from platformdirs import user_data_dir as _udd

    return Path(_udd(APP_NAME, appauthor=False))


def default_store_path() -> Path:
    """`HCC_STORE` if set, else the platform's user data folder."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env)
    return user_data_dir() / "store.sqlite"
