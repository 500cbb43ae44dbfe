"""Qt's own warnings into the error log: a missing platform plugin, a font that did not
load or a failed print job are reported by Qt on stderr, which a windowed program on an
operator's PC does not have."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

from hcc_desktop import logs

_LEVELS = {
    QtMsgType.QtDebugMsg: 10,
    QtMsgType.QtInfoMsg: 20,
    QtMsgType.QtWarningMsg: 30,
    QtMsgType.QtCriticalMsg: 40,
    QtMsgType.QtFatalMsg: 50,
}


def _handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _LEVELS.get(kind, 30)
    if level >= 30:
        logs.logger().log(level, "Qt: %s", message)


def install_qt_message_log() -> Any:
    """Send Qt's warnings and errors to the log file (debug chatter is dropped); returns
    the previous handler, for `restore`."""
    logs.setup()
    return qInstallMessageHandler(_handler)


def restore(previous: Any) -> None:
    qInstallMessageHandler(previous)
