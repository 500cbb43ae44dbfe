"""The GUI-free domain: store, clock, versions, services. Never imports Qt."""
