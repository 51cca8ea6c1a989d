"""Serve a WSGI app with cheroot over HTTP or HTTPS, so that no one device can take the server.

cheroot keeps idle connections in a selector and gives a request a thread only while it is read and answered.
On top of that: one client address may have only so many requests in progress at once (half the threads, at
least two) and start only so many a second (a burst for a page and its pictures, then a steady rate), and a
request must keep coming: its headers within HEADER_SECONDS, its body at MIN_BYTES_PER_SECOND on average after
that. What is refused is refused before the app sees it, so a flood costs the server little. A device that
sends a byte every few seconds on a hundred connections holds a few threads for a few seconds, and everyone
else is still served.
"""

import selectors
import socket
import ssl
import threading
import time
from collections import Counter

from cheroot import server as cheroot_server
from cheroot import wsgi

#: A request's headers must have arrived this long after its first byte.
HEADER_SECONDS = 10.0
#: After that, its body must keep up this average rate (a 60 MB scan upload over a slow Wi-Fi far exceeds it).
MIN_BYTES_PER_SECOND = 10 * 1024
#: Requests one client address may start: a burst (a kiosk screen with its pictures and speech is about 20), then
#: this many a second on average.
BURST, PER_SECOND = 60, 10.0
#: How long a quiet socket may wait for its next bytes (cheroot's own timeout, also for a TLS handshake).
SOCKET_TIMEOUT = 10
#: Connections the kernel holds for the server before it accepts them. cheroot's default of 5 overflowed under a
#: flood (thousands of dropped connection attempts a minute), and each attempt dropped waits a second or more
#: before it is tried again, whoever made it.
BACKLOG = 1024
_SAY_BUSY = b"Too many requests from this device at once. Try again in a moment.\r\n"
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\n"
         b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(_SAY_BUSY), _SAY_BUSY))


class _Paced:
    """A connection's reader that ends a request (as if the client had gone) once it falls behind its pace."""

    def __init__(self, reader, limits):
        self._reader, self._limits = reader, limits
        self._started, self._received = None, 0

    def begin(self):
        """Start timing a new request."""
        self._started, self._received = time.monotonic(), 0

    def _behind(self):
        if self._started is None:
            return False
        allowed = self._limits.header_seconds + self._received / self._limits.min_rate
        return time.monotonic() - self._started > allowed

    def read(self, *args):
        if self._behind():
            return b""
        data = self._reader.read(*args)
        self._received += len(data)
        return data

    def readline(self, *args):
        if self._behind():
            return b""
        data = self._reader.readline(*args)
        self._received += len(data)
        return data

    def __getattr__(self, name):
        return getattr(self._reader, name)


class _Closer:
    """Closes refused connections gently, on one thread: the answer sent, what the device is still sending is
    read and dropped until it stops (or LINGER_SECONDS pass), then the connection is closed.

    Closed at once on a request body still coming in, a connection ends with a reset, and the device sees a
    broken connection instead of the 503 that says "try again in a moment".
    """

    def __init__(self, most=256, seconds=2.0):
        self.most, self.seconds = most, seconds
        self._selector = selectors.DefaultSelector()
        self._until = {}  # socket: when it is closed whatever it still sends
        self._lock = threading.Lock()
        self._thread = None

    def close(self, sock):
        """Close *sock* gently, or at once when too many are closing already."""
        try:
            sock.shutdown(socket.SHUT_WR)  # the answer is all sent: tell the device so
            sock.setblocking(False)
        except OSError:
            sock.close()
            return
        with self._lock:
            if len(self._until) >= self.most:
                sock.close()
                return
            self._until[sock] = time.monotonic() + self.seconds
            self._selector.register(sock, selectors.EVENT_READ)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="closing", daemon=True)
                self._thread.start()

    def _drop(self, sock):
        self._selector.unregister(sock)
        del self._until[sock]
        sock.close()

    def _run(self):
        while True:
            ready = self._selector.select(timeout=0.25) if self._until else time.sleep(0.25) or []
            with self._lock:
                for key, _events in ready:
                    sock = key.fileobj
                    if sock not in self._until:
                        continue
                    try:
                        if sock.recv(256 * 1024):
                            continue
                    except BlockingIOError:
                        continue
                    except OSError:
                        pass
                    self._drop(sock)  # the device has stopped sending, or gone
                now = time.monotonic()
                for sock in [s for s, until in self._until.items() if until < now]:
                    self._drop(sock)


_closer = _Closer()


class Limits:
    """How much one client address may ask of the server, and how fast its requests must arrive."""

    def __init__(self, threads, header_seconds=HEADER_SECONDS, min_rate=MIN_BYTES_PER_SECOND, per_address=None,
                 burst=BURST, per_second=PER_SECOND):
        self.header_seconds, self.min_rate = header_seconds, min_rate
        # Never below two: a device's next request may arrive a moment before its last one is counted out.
        self.per_address = per_address or max(2, threads // 2)
        self.burst, self.per_second = burst, per_second
        self._busy = Counter()
        self._tokens = {}  # address: (requests it may still start, when that was counted)
        self._lock = threading.Lock()

    def enter(self, address):
        """Count one request of *address* in progress; return False (counting nothing) when it has its share."""
        with self._lock:
            if self._busy[address] >= self.per_address:
                return False
            self._busy[address] += 1
            return True

    def allow(self, address):
        """Count one request *address* starts; return False when it starts them faster than its share."""
        now = time.monotonic()
        with self._lock:
            tokens, since = self._tokens.get(address, (self.burst, now))
            tokens = min(self.burst, tokens + (now - since) * self.per_second)
            if tokens < 1:
                return False
            self._tokens[address] = (tokens - 1, now)
            if len(self._tokens) > 10_000:  # forget addresses that are back to a full burst
                self._tokens = {a: (t, s) for a, (t, s) in self._tokens.items()
                                if t + (now - s) * self.per_second < self.burst}
            return True

    def leave(self, address):
        with self._lock:
            self._busy[address] -= 1
            if self._busy[address] <= 0:
                del self._busy[address]


def _connection_class(limits):
    class Request(cheroot_server.HTTPRequest):
        """A request refused, once its first lines are read, when its device starts them faster than its share."""

        def parse_request(self):
            super().parse_request()
            if self.ready and not limits.allow(self.conn.remote_addr or "unknown"):
                # The same 503 as a refused connection: "Connection: close" tells a client that keeps its
                # connection open for the next request to open a new one, instead of finding it closed.
                try:
                    self.conn.wfile.write(_BUSY)
                except OSError:
                    pass
                self.close_connection = True
                self.ready = False  # the connection is closed; the app never sees the request
                self.conn.refused = True

    class Connection(cheroot_server.HTTPConnection):
        """A connection whose requests are paced and counted per client address."""

        RequestHandlerClass = Request
        #: Set when a request of this connection was refused: it is closed gently (see _Closer).
        refused = False

        def __init__(self, server, sock, makefile=cheroot_server.MakeFile):
            super().__init__(server, sock, makefile)
            self.rfile = _Paced(self.rfile, limits)

        def communicate(self):
            address = self.remote_addr or "unknown"
            if not limits.enter(address):
                try:
                    self.wfile.write(_BUSY)
                    self.wfile.flush()
                except OSError:
                    pass
                self.refused = True
                return False
            try:
                self.rfile.begin()
                return super().communicate()
            finally:
                limits.leave(address)

        def close(self):
            if not self.refused or isinstance(self.socket, ssl.SSLSocket):
                super().close()
                return
            try:
                self.wfile.flush()
            except OSError:
                pass
            self.rfile.close()
            _closer.close(self.socket)

    return Connection


def make_server(app, host, port, threads=16, certificate=None, key=None, limits=None):
    """Return a cheroot server for *app* on (host, port), serving HTTPS when *certificate* and *key* are given."""
    server = wsgi.Server((host, port), app, numthreads=threads, server_name="accessible", timeout=SOCKET_TIMEOUT,
                         request_queue_size=BACKLOG)
    server.ConnectionClass = _connection_class(limits or Limits(threads))
    if certificate:
        from cheroot.ssl.builtin import BuiltinSSLAdapter

        server.ssl_adapter = BuiltinSSLAdapter(str(certificate), str(key))
    return server
