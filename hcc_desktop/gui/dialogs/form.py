"""What every edit form shares: a refusal from a service is shown next to the widget of
the field it names (ValidationError.field), the widget is outlined and focused, and
the dialog stays open with everything the operator typed.

`FormDialog` is that form as a dialog (banner, rows, OK/Cancel, save through the
service); `FormErrors` is the part a form inside another widget can use alone.

Services name fields by their keyword ("phone_24_7", "value of BEDS_…", "entry 3:
text"), so `show` matches the field's last word-ish part against the registered names
before giving up and showing the message at the top of the form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hcc_desktop.core.errors import ValidationError
from hcc_desktop.gui.operations import CollectionOp

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


class FormDialog(QDialog):
    """A dialog that edits one thing through a service, the same way everywhere.

    Layout: the banner (refusals that name no field), an optional intro, the form,
    the button box. A subclass adds its rows with `field` (rows a refusal can point
    at) or `self.form.addRow` (check boxes and the like), then implements `submit`
    (call the service with the form's values, return what it made) and `saved`
    (keep that for the caller, e.g. the new id).

    OK runs `save`: `submit` as a `CollectionOp` on the GUI thread (one form is one
    small transaction, and the dialog must know at once whether to close). A
    ValidationError is shown beside its field and the dialog stays open with what
    was typed; any other failure ends in the operation's error dialog. On success
    `saved(result)` runs and the dialog closes with Accepted.
    """

    #: Title of the error dialog for failures that are not a refused field.
    FAILED_TITLE = "Not saved"

    def __init__(
        self,
        parent: QWidget | None,
        *,
        name: str,
        title: str,
        ok_text: str = "",
        intro: str = "",
        scroll: bool = False,
    ) -> None:
        """`ok_text` renames OK ("Open incident"); without it the button is Save.
        `scroll` puts the form in a scroll area, for forms taller than a laptop."""
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.banner = banner_label()
        self.form = QFormLayout()
        self.errors = FormErrors(self.form, self.banner)
        ok = QDialogButtonBox.StandardButton.Ok if ok_text else QDialogButtonBox.StandardButton.Save
        self.buttons = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel)
        if ok_text:
            self.buttons.button(ok).setText(ok_text)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        if intro:
            label = QLabel(intro, objectName="formIntro")
            label.setWordWrap(True)
            layout.addWidget(label)
        if scroll:
            inner = QWidget()
            inner.setLayout(self.form)
            area = QScrollArea()
            area.setWidgetResizable(True)
            area.setWidget(inner)
            layout.addWidget(area, 1)
        else:
            layout.addLayout(self.form)
            # Extra height goes below the form, not between its rows: a fixed-height
            # text box would otherwise float in the middle of a tall row.
            layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._first: QWidget | None = None

    def field(self, name: str, label: str, widget: QWidget, *aliases: str) -> QWidget:
        """A row for the service's field `name` (and other names it may use for it)."""
        if self._first is None:
            self._first = widget
        return self.errors.add(name, label, widget, *aliases)

    def showEvent(self, event: QShowEvent) -> None:
        """Open with the cursor in the first field, not on the buttons: they exist
        before the subclass's fields, so Qt's first-in-chain choice would be OK."""
        super().showEvent(event)
        focus = self.focusWidget()
        if self._first is not None and (focus is None or self.buttons.isAncestorOf(focus)):
            self._first.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> Any:
        """Call the service with the form's values; raise ValidationError to refuse."""
        raise NotImplementedError

    def saved(self, result: Any) -> None:
        """Keep what `submit` returned for the caller (called before the dialog closes)."""

    def save(self) -> None:
        """Write through the service; a refusal stays in the form, beside its field."""
        (
            CollectionOp(self, lambda _p: self.submit(), title=self.FAILED_TITLE)
            .success(self._close_saved)
            .failure(self.errors.show, only=ValidationError)
            .run_now()
        )

    def _close_saved(self, result: Any) -> None:
        self.saved(result)
        self.accept()
