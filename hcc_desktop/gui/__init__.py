"""Everything that imports Qt. A thin shell over hcc_desktop.core services."""
