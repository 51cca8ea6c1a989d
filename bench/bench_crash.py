"""Benchmark crash safety: writers killed with kill -9 at random, then check integrity and every acknowledged write."""

import argparse
import glob
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRITER = r"""
import os, sys, threading, time
from accessible import people, responses
from accessible.db import Database
from accessible.models import Home, Topic

folder, log_path, worker, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
db = Database.for_data_dir(folder)
log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
lock = threading.Lock()
failed = threading.Event()

def write(thread):
    n = 0
    while True:
        n += 1
        name = f"w{worker}-t{thread}-n{n}-{os.getpid()}"
        try:
            with db.write() as s:
                topic = s.get(Topic, 1)
                resident = people.add_resident(s, s.get(Home, 1), name)
                responses.record(s, topic, resident, "touch", option=topic.options[n % 2])
        except Exception as e:
            # Not acknowledged (on PostgreSQL: the server was killed): nobody was told it was saved.
            if not failed.is_set():
                print(f"writer {worker}: {e!r}"[:200], file=sys.stderr)
                failed.set()
            time.sleep(0.05)
            continue
        # Acknowledged only once the commit has returned: this is what must survive a crash.
        with lock:
            os.write(log, (name + "\n").encode())
            os.fsync(log)

for t in range(threads):
    threading.Thread(target=write, args=(t,), daemon=True).start()
threading.Event().wait()
"""


def setup(folder):
    from accessible import people, topics
    from accessible.db import Database

    db = Database.for_data_dir(folder)
    db.upgrade()
    with db.write() as s:
        home = people.create_home(s, "Crash test home")
        topic = topics.create_topic(s, home, "Lunch", "Fish or soup?", options=["Fish", "Soup"])
        topics.move_to(s, topic, "choosing")
    db.dispose()


class Postgres:
    """A throwaway PostgreSQL cluster that this benchmark starts, kills with kill -9, and starts again."""

    def __init__(self, work):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[-1]
        self.work = Path(work)
        self.data = self.work / "pgdata"
        self.as_postgres = []
        if os.getuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.work, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        self.start()
        self.run("createdb", "-h", self.work, "-p", "55434", "-U", "postgres", "crash")
        self.url = f"postgresql://postgres@/crash?host={self.work}&port=55434"

    def run(self, program, *args):
        result = subprocess.run([*self.as_postgres, f"{self.bin}/{program}", *map(str, args)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            log = (self.work / "log").read_text()[-2000:] if (self.work / "log").exists() else ""
            raise SystemExit(f"{program} failed: {result.stdout}{result.stderr}\n{log}")

    def start(self):
        # fsync stays on (the default): an acknowledged commit is on disk.
        self.run("pg_ctl", "-D", self.data, "-l", self.work / "log", "-w", "start",
                 "-o", f"-k {self.work} -p 55434 -c listen_addresses=''")

    def kill(self):
        """Kill the server and every one of its processes with SIGKILL, as a power cut would stop them."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(p) == postmaster]
        for pid in [postmaster, *children]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        for pid in [postmaster, *children]:
            # Wait until the process is gone, not only dead: PostgreSQL takes a zombie for a live postmaster.
            while Path(f"/proc/{pid}").exists() and (time.monotonic() < deadline or _state(pid) != "Z"):
                time.sleep(0.01)
        if Path(f"/proc/{postmaster}").exists():
            # Dead but not yet reaped by its parent: after a real power cut there would be no process at all.
            (self.data / "postmaster.pid").unlink()

    def stop(self):
        subprocess.run([*self.as_postgres, f"{self.bin}/pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _parent(pid):
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _state(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


def check(folder, logs, url=None, pg_amcheck="pg_amcheck"):
    """Return (integrity, acknowledged, acknowledged but missing, acknowledged but without its answer)."""
    acknowledged = set()
    for log in logs:
        if log.exists():
            acknowledged |= {line for line in log.read_text().splitlines() if line}
    people_sql = "SELECT name FROM person"
    answered_sql = "SELECT person.name FROM response JOIN person ON person.id = response.person_id"
    if url is None:
        connection = sqlite3.connect(Path(folder) / "accessible.sqlite")
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        stored = {row[0] for row in connection.execute(people_sql)}
        answered = {row[0] for row in connection.execute(answered_sql)}
        connection.close()
    else:
        import psycopg

        # pg_amcheck checks every table and index of the database, page by page, with the amcheck extension.
        amcheck = subprocess.run([pg_amcheck, "--install-missing",
                                  "--heapallindexed", url], capture_output=True, text=True)
        integrity = "ok" if amcheck.returncode == 0 else (amcheck.stdout + amcheck.stderr).strip()[:500]
        with psycopg.connect(url) as connection:
            stored = {row[0] for row in connection.execute(people_sql)}
            answered = {row[0] for row in connection.execute(answered_sql)}
    return integrity, acknowledged, acknowledged - stored, acknowledged - answered


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--writers", type=int, default=3, help="writer processes")
    parser.add_argument("--threads", type=int, default=3, help="writer threads in each process")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="an empty PostgreSQL database; its server is not killed, the writers are")
    where.add_argument("--postgres", action="store_true",
                       help="start a throwaway PostgreSQL cluster and kill -9 its server along with the writers")
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        server = Postgres(folder) if args.postgres else None
        url = server.url if server else args.database_url
        if url:
            os.environ["DATABASE_URL"] = url
        else:
            os.environ.pop("DATABASE_URL", None)
        try:
            setup(folder)
            logs = [Path(folder) / f"ack-{w}.log" for w in range(args.writers)]
            failures = lost = 0
            started = time.perf_counter()
            for _cycle in range(args.cycles):
                procs = [subprocess.Popen([sys.executable, "-c", WRITER, folder, str(log), str(w), str(args.threads)])
                         for w, log in enumerate(logs)]
                # Let every writer get going (importing takes a moment), then kill them at a random moment.
                sizes = [log.stat().st_size if log.exists() else 0 for log in logs]
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and any(
                        (log.stat().st_size if log.exists() else 0) <= size
                        for log, size in zip(logs, sizes, strict=True)):
                    time.sleep(0.05)
                time.sleep(rng.uniform(0.05, 0.6))
                if server:
                    server.kill()
                for p in procs:
                    os.kill(p.pid, signal.SIGKILL)
                for p in procs:
                    p.wait()
                if server:
                    server.start()  # crash recovery replays the write-ahead log
                amcheck = f"{server.bin}/pg_amcheck" if server else shutil.which("pg_amcheck") or "pg_amcheck"
                integrity, acknowledged, missing, unanswered = check(folder, logs, url, amcheck)
                if integrity != "ok":
                    failures += 1
                    print("integrity check failed:", integrity, file=sys.stderr)
                lost += len(missing | unanswered)
            elapsed = time.perf_counter() - started
        finally:
            if server:
                server.stop()
    database = "SQLite" if not url else ("PostgreSQL, server killed too" if server else "PostgreSQL")
    print(f"machine: {os.cpu_count()} cores")
    print(f"{args.cycles} kill -9 cycles of {args.writers} writer processes × {args.threads} threads "
          f"({database}) in {elapsed:.0f} s")
    print(f"acknowledged writes: {len(acknowledged)}; lost after restart: {lost}; "
          f"failed integrity checks: {failures}")


if __name__ == "__main__":
    main()
