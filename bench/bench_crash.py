"""Benchmark crash safety: writers killed with kill -9 at random, then check integrity and every acknowledged write."""

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WRITER = r"""
import os, sys, threading
from accessible import people, responses, topics
from accessible.db import Database
from accessible.models import Home, Person, Topic

folder, log_path, worker = sys.argv[1], sys.argv[2], sys.argv[3]
db = Database.for_data_dir(folder)
log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
lock = threading.Lock()

def write(thread):
    n = 0
    while True:
        n += 1
        name = f"w{worker}-t{thread}-n{n}"
        with db.write() as s:
            topic = s.get(Topic, 1)
            resident = people.add_resident(s, s.get(Home, 1), name)
            responses.record(s, topic, resident, "touch", option=topic.options[n % 2])
        # Acknowledged only once the commit has returned: this is what must survive a crash.
        with lock:
            os.write(log, (name + "\n").encode())
            os.fsync(log)

for t in range(3):
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


def check(folder, logs):
    acknowledged = set()
    for log in logs:
        if log.exists():
            acknowledged |= {line for line in log.read_text().splitlines() if line}
    connection = sqlite3.connect(Path(folder) / "accessible.sqlite")
    integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    stored = {row[0] for row in connection.execute("SELECT name FROM person")}
    answered = {row[0] for row in connection.execute(
        "SELECT person.name FROM response JOIN person ON person.id = response.person_id")}
    connection.close()
    return integrity, acknowledged, acknowledged - stored, acknowledged - answered


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--writers", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        setup(folder)
        logs = [Path(folder) / f"ack-{w}.log" for w in range(args.writers)]
        failures = lost = 0
        started = time.perf_counter()
        for _cycle in range(args.cycles):
            procs = [subprocess.Popen([sys.executable, "-c", WRITER, folder, str(logs[w]), str(w)])
                     for w in range(args.writers)]
            # Let every writer get going (importing takes a moment), then kill them at a random moment.
            sizes = [log.stat().st_size if log.exists() else 0 for log in logs]
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and any(
                    (log.stat().st_size if log.exists() else 0) <= size for log, size in zip(logs, sizes, strict=True)):
                time.sleep(0.05)
            time.sleep(rng.uniform(0.05, 0.6))
            for p in procs:
                os.kill(p.pid, signal.SIGKILL)
            for p in procs:
                p.wait()
            integrity, acknowledged, missing, unanswered = check(folder, logs)
            failures += integrity != "ok"
            lost += len(missing | unanswered)
        elapsed = time.perf_counter() - started
    print(f"machine: {os.cpu_count()} cores")
    print(f"{args.cycles} kill -9 cycles of {args.writers} writer processes × 3 threads in {elapsed:.0f} s")
    print(f"acknowledged writes: {len(acknowledged)}; lost after restart: {lost}; "
          f"failed integrity checks: {failures}")


if __name__ == "__main__":
    main()
