"""Benchmark the production server under load: concurrent staff clients reading pages and recording answers.

With --attack, four devices attack while the clients work (issue 20's findings): a staff account reading a
giant-page PDF three at a time, a family card flooding the listener and the speech route, and 101 half-sent
requests topped up every 4 s. The working clients' latency and the server's peak memory are reported.
"""

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parent.parent
ACCESSIBLE = [sys.executable, "-c", "from accessible.cli import main; main()"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FromAddress(HTTPAdapter):
    """Send a session's requests from one loopback address, as one device on the home's network would."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def device(address):
    """Return a requests session that comes from *address* (127.x.y.z: any of them reaches the loopback server)."""
    http = requests.Session()
    http.mount("http://", FromAddress(address))
    return http


def make_home(folder, env):
    """Fill *folder* with the demo home; return the menu topic, its options and the residents it asks."""
    subprocess.run([*ACCESSIBLE, "demo", "--data", str(folder)], env=env, check=True, capture_output=True)
    from sqlalchemy import select

    from accessible import topics
    from accessible.db import Database
    from accessible.models import Topic

    db = Database.for_data_dir(folder, env.get("DATABASE_URL"))
    try:
        with db.read() as s:
            menu = s.scalars(select(Topic).where(Topic.stage == "choosing", Topic.kind == "choose",
                                                 Topic.resident_id.is_(None))).first()
            menu_id, options = menu.id, [o.id for o in menu.accepted_options]
            residents = [p.id for p in topics.asked_people(s, menu)["resident"]]
            pages = ["/staff/", "/staff/topics", "/staff/residents", f"/staff/topics/{menu.id}",
                     f"/staff/topics/{menu.id}/results"] + [f"/staff/residents/{r}" for r in residents[:4]]
        with db.write() as s:
            from accessible import family_links
            from accessible.models import Person

            family = s.scalars(select(Person).where(Person.kind == "family", Person.active.is_(True))).first()
            card = family_links.issue(s, family, family.residents[0])[1]
        return menu_id, options, residents, pages, card
    finally:
        db.dispose()


def start_server(folder, port, threads, env, log):
    server = subprocess.Popen([*ACCESSIBLE, "serve", "--port", str(port), "--threads", str(threads),
                               "--data", str(folder)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/login", timeout=2).status_code == 200:
                return server, base
        except requests.ConnectionError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"The server did not start; see {log.name}")


class Client:
    """One member of staff on one device: signs in once, then reads pages and records answers."""

    def __init__(self, base, seed):
        self.base = base
        self.http = device(f"127.0.1.{seed + 1}")
        self.rng = random.Random(seed)
        page = self.http.get(f"{base}/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.http.post(f"{base}/login", data={"username": "manager", "password": "tea-and-biscuits",
                                                         "csrf_token": token}, allow_redirects=False, timeout=60)
        assert response.status_code == 302, f"sign-in failed: {response.status_code}"
        page = self.http.get(f"{base}/staff/", timeout=30).text
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def one(self, write, menu, options, residents, pages):
        """Make one request; return (kind, seconds, ok)."""
        started = time.perf_counter()
        if write:
            response = self.http.post(
                f"{self.base}/staff/topics/{menu}/responses", allow_redirects=False, timeout=60,
                data={"resident": self.rng.choice(residents), "option": self.rng.choice(options),
                      "csrf_token": self.token})
            where = response.headers.get("Location", "")
            ok = response.status_code == 302 and where.startswith(f"/staff/topics/{menu}")
        else:
            response = self.http.get(self.base + self.rng.choice(pages), timeout=60)
            ok = response.status_code == 200 and "Sign out" in response.text
        return ("write" if write else "read"), time.perf_counter() - started, ok


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writes", type=float, default=0.2, help="share of requests that record an answer")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause between one client's requests, in seconds (0: as fast as possible)")
    parser.add_argument("--threads", type=int, default=16, help="the server's threads (accessible serve --threads)")
    parser.add_argument("--attack", action="store_true", help="four devices attack while the clients work")
    parser.add_argument("--database-url", help="a PostgreSQL URL whose database is empty (default: SQLite)")
    args = parser.parse_args()

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "home"
        folder.mkdir()
        menu, options, residents, pages, card = make_home(folder, env)
        with open(Path(tmp) / "server.log", "w+") as log:
            server, base = start_server(folder, free_port(), args.threads, env, log)
            attack = Attack(base, card, server.pid) if args.attack else None
            try:
                results, failures = run_clients(args, base, menu, options, residents, pages, attack)
            finally:
                if attack:
                    attack.stop()
                server.terminate()
                server.wait(timeout=30)
            log.seek(0)
            server_log = log.read()
    report(args, results, failures, server_log)
    if attack:
        attack.report()


def run_clients(args, base, menu, options, residents, pages, attack=None):
    """Sign every client in, then let them all work for the time given; return the timings and failures."""
    clients = [None] * args.clients
    failures = []

    def sign_in(n):
        try:
            clients[n] = Client(base, n)
        except Exception as e:  # noqa: BLE001 - counted and reported
            failures.append(f"sign-in: {e!r}")

    # Signing in checks an argon2id hash (deliberately slow): done before the clock starts, a few at a time.
    for batch in range(0, args.clients, 4):
        threads = [threading.Thread(target=sign_in, args=(n,)) for n in range(batch, min(args.clients, batch + 4))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    # A server in a home runs for days: templates compiled and the symbol index built before anyone is timed.
    warm = next(c for c in clients if c)
    for page in pages:
        warm.http.get(base + page, timeout=60)
    results = []
    start_line = threading.Barrier(len([c for c in clients if c]) + 1)
    stop_at = [0.0]

    def work(client):
        start_line.wait()
        # People do not all click in the same millisecond: each client starts somewhere in its first pause.
        if args.think:
            time.sleep(client.rng.uniform(0, 2 * args.think))
        mine = []
        while time.perf_counter() < stop_at[0]:
            try:
                mine.append(client.one(client.rng.random() < args.writes, menu, options, residents, pages))
            except requests.RequestException as e:
                failures.append(repr(e))
            if args.think:
                time.sleep(client.rng.uniform(0, 2 * args.think))
        results.extend(mine)

    workers = [threading.Thread(target=work, args=(c,)) for c in clients if c]
    if attack:
        attack.start()
    for w in workers:
        w.start()
    stop_at[0] = time.perf_counter() + args.seconds
    started = time.perf_counter()
    start_line.wait()
    for w in workers:
        w.join()
    args.elapsed = time.perf_counter() - started
    return results, failures


def report(args, results, failures, server_log):
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    print(f"machine: {os.cpu_count()} cores, {cpu}")
    print(f"{args.clients} clients for {args.elapsed:.0f} s, {args.writes:.0%} writes, think time "
          f"{args.think:g} s on average, server threads {args.threads}, "
          f"{'PostgreSQL' if args.database_url else 'SQLite'}")
    errors = sum(1 for _kind, _s, ok in results if not ok) + len(failures)
    print(f"requests: {len(results)} ({len(results) / args.elapsed:.1f}/s); errors: {errors}")
    for kind in ("all", "read", "write"):
        ms = [s * 1000 for k, s, _ok in results if kind in ("all", k)]
        print(f"  {kind:5} n={len(ms):6}  p50 {percentile(ms, 50):6.1f} ms  p95 {percentile(ms, 95):6.1f} ms  "
              f"p99 {percentile(ms, 99):6.1f} ms  max {max(ms, default=float('nan')):6.1f} ms")
    print(f'"database is locked" in the server log: {server_log.count("database is locked")}; '
          f'tracebacks: {server_log.count("Traceback")}')
    for failure in failures[:5]:
        print("  failure:", failure)


def noise_wav(seconds=2.0, rate=16000):
    """Return a WAV of quiet noise: something for the listener to work on."""
    import io
    import wave

    rng = random.Random(7)
    frames = bytes(rng.randrange(256) for _ in range(int(seconds * rate) * 2))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buffer.getvalue()


def _token(http, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', http.get(url, timeout=60).text).group(1)


class Attack:
    """Four attacking devices, each on its own address, running until stopped; counts what they got back."""

    def __init__(self, base, card, server_pid):
        self.base, self.card, self.pid = base, card, server_pid
        self.running = threading.Event()
        self.threads, self.answers, self.peak = [], {}, {"server": 0, "with workers": 0}
        self._lock = threading.Lock()

    def _count(self, what, status):
        with self._lock:
            self.answers.setdefault(what, {}).setdefault(status, 0)
            self.answers[what][status] += 1

    def _loop(self, what, action):
        while self.running.is_set():
            try:
                self._count(what, action())
            except requests.RequestException as e:
                self._count(what, type(e).__name__)

    def start(self):
        """Sign the attackers in and set them going (4 threads reading PDFs, 4 listening, 16 speaking, 101 slow)."""
        self.running.set()
        staff = device("127.0.2.1")
        token = _token(staff, f"{self.base}/login")
        staff.post(f"{self.base}/login", data={"username": "manager", "password": "tea-and-biscuits",
                                              "csrf_token": token}, timeout=60)
        token = _token(staff, f"{self.base}/staff/paper")
        sys.path.insert(0, str(ROOT))
        from tests.paper.test_hostile_files import giant_page_pdf  # the 332-byte PDF of a page 2.5 m square

        kept = staff.post(f"{self.base}/staff/paper/uploads", timeout=60, data={"csrf_token": token},
                          files={"scan": ("giant.pdf", giant_page_pdf(), "application/pdf")}).json()
        page = f"{self.base}/staff/paper/uploads/{kept['upload']}/pages/1"
        family = device("127.0.2.2")
        family.get(f"{self.base}/f/{self.card}", timeout=60)
        family_token = _token(family, f"{self.base}/family/")
        wav = noise_wav()
        made_up = [" ".join(f"zorbel{n}{k}" for k in range(100)) for n in range(6)]
        counter = iter(range(10**9))

        def read_pdf():
            return staff.post(page, data={"csrf_token": token}, timeout=120).status_code

        def view_pdf():
            return staff.get(page + ".png", timeout=120).status_code

        def listen():
            options = made_up if next(counter) % 2 else ["Fish pie", "Cawl", "Curry", "Salad", "Soup", "Pasta"]
            return family.post(f"{self.base}/api/listen", data={"option": options, "csrf_token": family_token},
                               files={"audio": ("said.wav", wav, "audio/wav")}, timeout=120).status_code

        def speak():
            n = next(counter)
            text = (f"Number {n}. " + "All work and no play makes a dull day in the lounge. " * 12)[:290 + n % 300]
            return family.get(f"{self.base}/speech", params={"text": text}, timeout=120).status_code

        for what, action, copies in (("PDF read", read_pdf, 3), ("PDF page image", view_pdf, 1),
                                     ("listen", listen, 4), ("speech", speak, 16)):
            for _ in range(copies):
                self.threads.append(threading.Thread(target=self._loop, args=(what, action), daemon=True))
        self.threads.append(threading.Thread(target=self._slow, daemon=True))
        self.threads.append(threading.Thread(target=self._watch_memory, daemon=True))
        for t in self.threads:
            t.start()

    def _slow(self, connections=101):
        """Keep 101 half-sent requests open from one device, topping each up every 4 s, opening new ones as needed."""
        host, port = self.base.removeprefix("http://").split(":")
        open_ = []
        while self.running.is_set():
            while len(open_) < connections:
                try:
                    sock = socket.create_connection((host, int(port)), timeout=5, source_address=("127.0.2.3", 0))
                    sock.sendall(b"POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n")
                    open_.append(sock)
                except OSError as e:
                    self._count("half-sent requests", type(e).__name__)
                    break
            time.sleep(4)
            for sock in list(open_):
                try:
                    sock.sendall(b"X-a: b\r\n")
                except OSError:
                    self._count("half-sent requests", "ended by the server")
                    open_.remove(sock)
                    sock.close()
        for sock in open_:
            sock.close()

    def _watch_memory(self):
        """Note the server's resident memory (and its speech workers') every half second."""
        while self.running.is_set():
            own = _memory_kb(self.pid, "VmHWM")  # the process's own peak, between samples too
            children = sum(_memory_kb(p) for p in _children(self.pid))
            self.peak["server"] = max(self.peak["server"], own)
            self.peak["with workers"] = max(self.peak["with workers"], own + children)
            time.sleep(0.5)

    def stop(self):
        self.running.clear()
        for t in self.threads:
            t.join(130)

    def report(self):
        print("attack (four devices, each its own address):")
        for what, statuses in sorted(self.answers.items()):
            print(f"  {what:18} " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str)))
        print(f"server's peak resident memory: {self.peak['server'] / 1024:.0f} MB "
              f"({self.peak['with workers'] / 1024:.0f} MB with its speech workers)")


def _memory_kb(pid, field="VmRSS"):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(pid):
            found.append(int(stat.parent.name))
    return found


if __name__ == "__main__":
    main()
