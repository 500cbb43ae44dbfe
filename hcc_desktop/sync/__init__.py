"""Sync through signed package files (SYNC.md): export, import, merge, trust.
Qt-free; the GUI and the CLI call these modules."""
