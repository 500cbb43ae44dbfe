"""Starting the GUI on a store in any state: the first start (welcome dialog), the bad
store cases (locked, read-only, damaged, newer), backups and their restore, and the
dialog for unexpected errors. The menu actions bind to `restore_backup(parent, ctx)` and
`backup_now(parent, ctx)`."""

from __future__ import annotations

from hcc_desktop.gui.startup.session import (
    RESTART_EXIT,
    Session,
    backup_now,
    open_store,
    restore_backup,
)

__all__ = ["RESTART_EXIT", "Session", "backup_now", "open_store", "restore_backup"]
