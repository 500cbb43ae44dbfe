"""Starting the GUI on a store in any state: the first start (welcome dialog), the bad
store cases (locked, read-only, damaged, newer), backups and their restore, and the
dialog for unexpected errors. The menu actions bind to `restore_backup(parent, ctx)` and
`backup_now(parent, ctx)`.

The names below come from `session`, which loads the store's libraries; they are
resolved on first use (PEP 562), so that `gui.startup.early` can decide about the
window's frame before those libraries are loaded.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["RESTART_EXIT", "Session", "backup_now", "open_store", "restore_backup"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("hcc_desktop.gui.startup.session"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
