"""Standards in and out: CAP alerts, EDXL-HAVE hospital status, CSV/XLSX. Qt-free; the
CLI and the GUI both call these modules."""
