"""A figure tile of the overview: a big number, what it counts, and a colour band that
says whether it needs attention (green fine, amber watch, red act)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

ACCENT = {"ok": "#2e7d32", "warn": "#ef8f00", "bad": "#c62828", "": "#1565c0"}


class Tile(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("color: #37474f; font-weight: bold")
        self.caption.setWordWrap(True)  # "Not reported this period" on a narrow window
        self.value = QLabel("–")
        self.value.setObjectName("tileValue")
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: #546e7a")
        self.detail.setWordWrap(True)
        for label in (self.caption, self.value, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 8, 4)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        self.setMinimumWidth(120)
        self.set("–", "", "")

    def set(self, value: str, detail: str, level: str) -> None:
        """Show `value` and `detail` in the colour of `level` ("ok", "warn", "bad" or
        "" for neutral), kept in `level` so a test can ask it instead of a colour."""
        self.level = level if level in ACCENT else ""
        colour = ACCENT[self.level]
        self.value.setText(value)
        self.value.setStyleSheet(f"font-size: 17pt; font-weight: bold; color: {colour}")
        self.detail.setText(detail)
        self.setStyleSheet(
            "Tile { background: white; border: 1px solid #d5dde5; "
            f"border-left: 5px solid {colour}; border-radius: 4px; }}"
        )
