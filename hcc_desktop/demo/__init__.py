"""The demo coalition: a real coalition's members and hospitals in a hurricane exercise,
so the program shows something true to life on first start and in every test."""

from __future__ import annotations

from hcc_desktop.demo.seed import DemoSummary, seed_demo

__all__ = ["DemoSummary", "seed_demo"]
