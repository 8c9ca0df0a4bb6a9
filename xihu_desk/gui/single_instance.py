"""One window per data folder and account: a second start brings the running window to the front.

The first start listens on a local socket (a named pipe on Windows) named after the account and
the data folder; a later start connects to it, asks for the window and exits. A socket left by a
crashed start is removed and taken over.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

REQUEST = b"show\n"
CONNECT_MS = 500


def server_name(data_root: Path) -> str:
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container): the folder alone decides
        account = ""
    key = f"{account}\n{Path(data_root).resolve()}".lower().encode("utf-8")
    return "xihu-desk-" + hashlib.sha256(key).hexdigest()[:24]


def ask_running(name: str) -> bool:
    """True when a running program answered and was asked to show its window."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(REQUEST)
    socket.flush()
    socket.waitForBytesWritten(CONNECT_MS)
    socket.disconnectFromServer()
    return True


def bring_to_front() -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QWidget) and widget.isWindow() and widget.isVisible():
            if widget.windowState() & Qt.WindowState.WindowMinimized:
                widget.setWindowState(widget.windowState() & ~Qt.WindowState.WindowMinimized)
            widget.raise_()
            widget.activateWindow()


class Guard(QObject):
    """Listens for later starts while the program runs (kept alive as a child of the application)."""

    def __init__(self, name: str, parent: QObject):
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # left behind by a start that crashed
            self.server.listen(name)
        self.server.newConnection.connect(self._on_connection)
        self.shown_requests = 0

    @property
    def listening(self) -> bool:
        return self.server.isListening()

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_request(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._on_request(socket)

    def _on_request(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(REQUEST.strip()):
            self.shown_requests += 1
            bring_to_front()


def claim(app: QApplication, data_root: Path) -> Guard | None:
    """The guard when this is the only program on this data folder; None after asking the running
    one to show itself."""
    name = server_name(data_root)
    if ask_running(name):
        return None
    return Guard(name, app)
