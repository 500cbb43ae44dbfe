"""hcc-desktop: an offline-first operations console for health care coalition EOCs."""

from __future__ import annotations

__version__ = "0.1.0"
