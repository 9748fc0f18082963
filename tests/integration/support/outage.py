"""A database outage on demand: a TCP proxy in front of the test's PostgreSQL.

:class:`CuttableProxy` listens on a free port of 127.0.0.1 and forwards every
connection to the real server. :meth:`~CuttableProxy.cut` is a PostgreSQL restart or
stop as a client sees it: every open connection is reset at once, and new ones are
reset as soon as they are accepted (the proxy keeps its port, so nothing can take it
meanwhile). :meth:`~CuttableProxy.restore` lets connections through again. The hub
under test gets the proxy's URL; the test's own checks go to the server directly.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterator

from sqlalchemy.engine import make_url


def _reset(sock: socket.socket) -> None:
    """Close ``sock`` with a TCP reset (SO_LINGER 0), as a dying server's kernel does.

    ``shutdown`` first: closing a socket that a pump thread is blocked reading does not
    wake that thread on Linux, and the blocked read keeps the connection open — a client
    whose query was in flight at the cut would wait for its answer forever.
    """
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


class CuttableProxy:
    """Forwards 127.0.0.1:``port`` to ``target``; see the module docstring."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._cut = False
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url_for(self, database_url: str) -> str:
        """``database_url`` pointed at this proxy instead of the server."""
        return make_url(database_url).set(port=self.port).render_as_string(hide_password=False)

    def cut(self) -> None:
        """Reset every connection and refuse new ones until :meth:`restore`."""
        with self._lock:
            self._cut = True
            dropped, self._open = self._open, set()
        for sock in dropped:
            _reset(sock)

    def restore(self) -> None:
        """Let connections through again."""
        with self._lock:
            self._cut = False

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self.cut()
        self._listener.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                refused = self._cut or self._closed
            if refused:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with self._lock:
                self._open.discard(sock)
            _reset(sock)


@contextlib.contextmanager
def proxy_for(database_url: str) -> Iterator[CuttableProxy]:
    """A :class:`CuttableProxy` in front of ``database_url``'s server, for the block."""
    url = make_url(database_url)
    proxy = CuttableProxy((url.host or "127.0.0.1", url.port or 5432))
    try:
        yield proxy
    finally:
        proxy.close()
