"""`accessible serve` against a greedy client: half-sent requests and floods from one address leave others served."""

import contextlib
import http.client
import select
import socket
import threading
import time

import pytest

from accessible import serving


@contextlib.contextmanager
def serving_app(app, threads=4, **kwargs):
    """Serve *app* with the production server on a free loopback port; yield the port."""
    running = serving.make_server(app, "127.0.0.1", 0, threads=threads, **kwargs)
    running.prepare()
    thread = threading.Thread(target=running.serve, daemon=True)
    thread.start()
    try:
        yield running.bind_addr[1]
    finally:
        running.stop()
        thread.join(10)


@pytest.fixture
def server(app, home):
    """Serve the app with short limits, so the test is quick; yield its port."""
    with serving_app(app, limits=serving.Limits(threads=4, header_seconds=1.0, min_rate=1000)) as port:
        yield port


def _get(port, path="/login", source="127.0.0.1"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _trickle(port, ended):
    """Send a request's headers a few bytes at a time, forever; note how the server ended it."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for n in range(200):
            sock.sendall(f"X-Slow-{n}: y\r\n".encode())
            sock.settimeout(0.3)
            try:
                answer = sock.recv(4096)
            except TimeoutError:
                continue
            ended.append(answer.split(b"\r\n", 1)[0].decode() or "closed")
            return
        ended.append("still open")
    except OSError:
        ended.append("closed")
    finally:
        sock.close()


def test_a_burst_of_connections_waits_for_the_server_instead_of_being_dropped(app, home):
    # While the server is busy (here: not yet accepting at all), the kernel holds new connections for it. With
    # cheroot's default backlog of 5 the rest were dropped, and each dropped device waited a second or more
    # before trying again: a flood from one device slowed everyone's pages.
    running = serving.make_server(app, "127.0.0.1", 0, threads=4)
    running.prepare()
    held, dropped = [], 0
    try:
        for _ in range(200):
            sock = socket.socket()
            sock.bind(("127.0.0.3", 0))  # one device
            sock.setblocking(False)
            sock.connect_ex(running.bind_addr)
            held.append(sock)
        time.sleep(0.5)
        for sock in held:
            # A connection the kernel has taken is writable; a dropped one is still waiting for its handshake.
            if not select.select([], [sock], [], 0)[1] or sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                dropped += 1
        thread = threading.Thread(target=running.serve, daemon=True)
        thread.start()
        assert dropped == 0
        assert _get(running.bind_addr[1], source="127.0.0.2")[0] == 200  # and another device is served
    finally:
        for sock in held:
            sock.close()
        running.stop()


def test_half_sent_requests_from_one_device_are_ended_and_other_devices_are_served(server):
    ended = []
    slow = [threading.Thread(target=_trickle, args=(server, ended)) for _ in range(6)]
    for t in slow:
        t.start()
    time.sleep(0.3)  # let them start: this waits for the attack to be under way, it measures nothing
    # Another device is served while they trickle in; the trickling device itself has used its share.
    assert _get(server, source="127.0.0.2")[0] == 200
    status, body = _get(server)
    assert status == 503 and "Too many requests from this device at once" in body
    for t in slow:
        t.join(60)
    assert len(ended) == 6 and "still open" not in ended, ended
    # Once they are gone, the device is served again.
    assert _get(server)[0] == 200


def test_https_is_served_by_the_same_server_with_the_same_limits(app, home, tmp_path):
    import ssl

    from accessible import tls

    cert, key, authority = tls.ensure_certificate(tmp_path, hosts=["127.0.0.1"])
    with serving_app(app, threads=2, certificate=cert, key=key) as port:
        context = ssl.create_default_context(cafile=str(authority))
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
        connection.request("GET", "/login")
        response = connection.getresponse()
        assert response.status == 200 and "Strict-Transport-Security" in response.headers
        connection.close()


def test_a_device_starting_requests_faster_than_its_share_is_refused_before_the_app_and_others_are_not(app, home):
    with serving_app(app, limits=serving.Limits(threads=4, burst=5, per_second=1.0)) as port:
        statuses = [_get(port, source="127.0.0.5")[0] for _ in range(12)]
        assert statuses[:5] == [200] * 5 and 503 in statuses[5:]
        assert _get(port, source="127.0.0.6")[0] == 200


def test_a_request_refused_on_a_kept_open_connection_says_the_connection_closes(app, home):
    # A client keeps its connection open for its next request; the refusal closes it, and says so, so the client
    # opens a new one instead of finding its next request cut off.
    with serving_app(app, limits=serving.Limits(threads=4, burst=2, per_second=0.1)) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=("127.0.0.8", 0))
        try:
            answers = []
            for _ in range(3):
                connection.request("GET", "/login")
                response = connection.getresponse()
                answers.append((response.status, response.getheader("Connection"), response.getheader("Retry-After"),
                                response.getheader("Content-Type"), response.read().decode()))
            assert [a[0] for a in answers] == [200, 200, 503]
            assert answers[2][1:4] == ("close", "1", "text/plain; charset=utf-8")
            assert "Too many requests from this device at once" in answers[2][4]
            assert response.will_close  # the client knows to open a new connection
        finally:
            connection.close()


def _post_recording(port, source, size):
    """POST *size* bytes as a kiosk sends a recording; return the status and words the server answered with."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request("POST", "/api/listen", body=b"\0" * size, headers={"Content-Type": "audio/wav"})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def test_a_device_refused_while_it_sends_a_recording_is_told_to_try_again_not_cut_off(app, home):
    # Refused before its body is read, the connection used to be closed on the body still coming in: the kernel
    # answered with a reset, and the device saw a broken connection instead of "try again in a moment".
    with serving_app(app, limits=serving.Limits(threads=4, burst=1, per_second=0.1)) as port:
        _get(port, source="127.0.0.7")
        for _ in range(3):
            status, body = _post_recording(port, "127.0.0.7", 4 * 2**20)
            assert status == 503 and "Try again in a moment" in body
