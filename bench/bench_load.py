"""Benchmark the production server under load: concurrent staff clients reading pages and recording answers."""

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

ROOT = Path(__file__).resolve().parent.parent
ACCESSIBLE = [sys.executable, "-c", "from accessible.cli import main; main()"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
            options = [o.id for o in menu.accepted_options]
            residents = [p.id for p in topics.asked_people(s, menu)["resident"]]
            pages = ["/staff/", "/staff/topics", "/staff/residents", f"/staff/topics/{menu.id}",
                     f"/staff/topics/{menu.id}/results"] + [f"/staff/residents/{r}" for r in residents[:4]]
            return menu.id, options, residents, pages
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
        self.http = requests.Session()
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
    parser.add_argument("--threads", type=int, default=8, help="the server's threads (accessible serve --threads)")
    parser.add_argument("--database-url", help="a PostgreSQL URL whose database is empty (default: SQLite)")
    args = parser.parse_args()

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "home"
        folder.mkdir()
        menu, options, residents, pages = make_home(folder, env)
        with open(Path(tmp) / "server.log", "w+") as log:
            server, base = start_server(folder, free_port(), args.threads, env, log)
            try:
                results, failures = run_clients(args, base, menu, options, residents, pages)
            finally:
                server.terminate()
                server.wait(timeout=30)
            log.seek(0)
            server_log = log.read()
    report(args, results, failures, server_log)


def run_clients(args, base, menu, options, residents, pages):
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
          f'tracebacks: {server_log.count("Traceback")}; '
          f'waitress queue warnings: {server_log.count("Task queue depth")}')
    for failure in failures[:5]:
        print("  failure:", failure)


if __name__ == "__main__":
    main()
