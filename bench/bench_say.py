"""Benchmark speech output: time to first byte for cached and uncached sentences, and phrases/s with 8 at once."""

import os
import platform
import statistics
import tempfile
import threading
import time

from accessible.speech.say import Speaker

SENTENCE = "Would you like fish pie or roast chicken for lunch on Friday {n}?"  # ten words


def http_ttfb():
    """Time to first byte of GET /speech through the production server (cheroot) on loopback."""
    import http.client
    import re
    import urllib.parse

    from accessible import serving
    from accessible.db import Database
    from accessible.demo import DEMO_PASSWORD, DEMO_USERNAME, create_demo
    from web import create_app

    with tempfile.TemporaryDirectory() as folder:
        db = Database.for_data_dir(folder)
        db.upgrade()
        with db.write() as s:
            create_demo(s)
        server = serving.make_server(create_app({"DATA_DIR": folder}), "127.0.0.1", 0, threads=8)
        server.prepare()
        threading.Thread(target=server.serve, daemon=True).start()
        port = server.bind_addr[1]
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", "/login")
        reply = conn.getresponse()
        cookie = reply.getheader("Set-Cookie").split(";")[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', reply.read().decode()).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, "username": DEMO_USERNAME, "password": DEMO_PASSWORD})
        conn.request("POST", "/login", body, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        reply = conn.getresponse()
        reply.read()
        cookie = reply.getheader("Set-Cookie").split(";")[0]
        results = {"uncached": [], "cached": []}
        for n in range(30):
            url = "/speech?" + urllib.parse.urlencode({"text": SENTENCE.format(n=n + 100)})
            for kind in ("uncached", "cached"):
                t = time.perf_counter()
                conn.request("GET", url, headers={"Cookie": cookie})
                reply = conn.getresponse()
                reply.read(1)
                results[kind].append((time.perf_counter() - t) * 1000)
                reply.read()
        server.stop()
        db.dispose()
    return results


def main():
    with tempfile.TemporaryDirectory() as folder:
        speaker = Speaker(folder)
        speaker.render("Start the engine")  # the worker process starts once per server
        uncached, cached = [], []
        for n in range(40):
            text = SENTENCE.format(n=n)
            t = time.perf_counter()
            path = speaker.render(text)
            with open(path, "rb") as f:
                f.read(1)
            uncached.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            with open(speaker.render(text), "rb") as f:
                f.read(1)
            cached.append((time.perf_counter() - t) * 1000)
        texts = [f"Phrase number {n} for the lounge screen today" for n in range(160)]
        done, worst = [], [0.0]

        def work(chunk):
            for text in chunk:
                t = time.perf_counter()
                speaker.render(text)
                worst[0] = max(worst[0], time.perf_counter() - t)
                done.append(text)

        threads = [threading.Thread(target=work, args=(texts[i::8],)) for i in range(8)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(120)
        elapsed = time.perf_counter() - t
        stuck = sum(th.is_alive() for th in threads)
        speaker.close()
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}")
    print(f"uncached 10-word sentence, time to first byte: median {statistics.median(uncached):.1f} ms, "
          f"max {max(uncached):.1f} ms")
    print(f"cached: median {statistics.median(cached):.2f} ms, max {max(cached):.2f} ms")
    web = http_ttfb()
    print(f"over HTTP (GET /speech, cheroot): uncached median {statistics.median(web['uncached'][1:]):.1f} ms, "
          f"cached median {statistics.median(web['cached']):.1f} ms (time to first byte)")
    print(f"8 concurrent requests: {len(done) / elapsed:.1f} phrases/s, slowest request {worst[0] * 1000:.0f} ms, "
          f"stuck requests {stuck}")


if __name__ == "__main__":
    main()
