"""The GUI of sync: package export/import with progress, the Sync dock, the Stations
dialog and the shared-folder timer. All work is done by hcc_desktop.sync."""
