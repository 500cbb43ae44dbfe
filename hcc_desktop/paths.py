"""Where the program finds its data: one helper for running from source and from the
PyInstaller bundle, so no other module guesses paths."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "hcc-desktop"
STORE_ENV = "HCC_STORE"


def is_bundled() -> bool:
    """True in the PyInstaller bundle (it sets `sys.frozen`), False from source."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def app_root() -> Path:
    """The folder holding `resources/`, `db/` and `docs/`: the bundle's data folder
    (`_internal/` beside the executable), `HCC_APP_ROOT` when set, or the source tree."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    override = os.environ.get("HCC_APP_ROOT")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return app_root() / "resources"


def docs_dir() -> Path:
    return app_root() / "docs"


def user_guide() -> Path:
    """docs/USER_GUIDE.md (its images are in docs/images/ beside it)."""
    return docs_dir() / "USER_GUIDE.md"


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
