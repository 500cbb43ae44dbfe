"""What every edit form shares: a refusal from a service is shown next to the widget of
the field it names (ValidationError.field), the widget is outlined and focused, and
the dialog stays open with everything the operator typed.

Services name fields by their keyword ("phone_24_7", "value of BEDS_…", "entry 3:
text"), so `show` matches the field's last word-ish part against the registered names
before giving up and showing the message at the top of the form.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from hcc_desktop.core.errors import ValidationError

ERROR_STYLE = "color: #b71c1c"
OUTLINE = "border: 2px solid #c62828; border-radius: 3px"


class FormErrors:
    def __init__(self, form: QFormLayout, banner: QLabel | None = None) -> None:
        self.form = form
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.banner = banner
        self._styles: dict[str, str] = {}

    def add(self, field: str, label: str, widget: QWidget, *aliases: str) -> QWidget:
        """Add a row for `field` (and names the service may use for it)."""
        error = QLabel()
        error.setObjectName(f"error_{field}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(widget)
        box.addWidget(error)
        self.form.addRow(label, holder)
        widget.setObjectName(widget.objectName() or f"field_{field}")
        for name in (field, *aliases):
            self.fields[name] = widget
            self.labels[name] = error
        self._styles[field] = widget.styleSheet()
        return widget

    def clear(self) -> None:
        for name, label in self.labels.items():
            label.hide()
            widget = self.fields[name]
            widget.setStyleSheet(self._styles.get(name, ""))
        if self.banner is not None:
            self.banner.hide()

    def _match(self, field: str) -> str | None:
        key = field.split(":")[-1].strip()
        if key in self.fields:
            return key
        for name in self.fields:
            if key.endswith(name) or name.endswith(key):
                return name
        return None

    def show(self, exc: ValidationError) -> str | None:
        """Show the refusal beside its field; returns the field matched (None: banner)."""
        self.clear()
        name = self._match(exc.field)
        if name is None:
            if self.banner is not None:
                self.banner.setText(f"{exc.field.replace('_', ' ')}: {exc.message}")
                self.banner.show()
            return None
        label, widget = self.labels[name], self.fields[name]
        label.setText(exc.message[:1].upper() + exc.message[1:])
        label.show()
        widget.setStyleSheet(OUTLINE)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return name


def banner_label() -> QLabel:
    label = QLabel(objectName="formBanner")
    label.setStyleSheet(ERROR_STYLE + "; font-weight: bold")
    label.setWordWrap(True)
    label.hide()
    return label
