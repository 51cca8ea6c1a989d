"""Make family cards in the background: one job at a time per home, its progress kept on disk, then its PDF.

Cards take 10 to 40 seconds to make, so a member of staff starts a job and watches it ("Making cards: 12 of 30")
instead of waiting on a request. Each job's state is a small JSON file in the data folder and its result a PDF
beside it; a home keeps only its newest job, and a finished PDF, which carries family members' links, is removed
an hour after it was made. Jobs make their cards one after another across the whole server (the machine has two
cores, and WeasyPrint's memory grows with the sheets in hand), so a second home's job waits its turn.
"""

import json
import logging
import os
import secrets
import threading
import time
from pathlib import Path

from accessible.errors import Invalid

#: A finished PDF is kept this long, for staff to open it again; then it is removed.
KEEP_SECONDS = 3600
#: Jobs making cards at once on this server; others wait.
AT_ONCE = 1
ALREADY = "Cards are already being made for this home: open them when they are ready, then make the next ones."

log = logging.getLogger(__name__)
_lock = threading.Lock()
_turns = threading.BoundedSemaphore(AT_ONCE)
_active = {}  # (data folder, home id) -> the id of its job waiting or running in this process


def _folder(data_dir, home_id):
    return Path(data_dir) / "card-jobs" / str(int(home_id))


def _write(folder, job_id, state):
    path = folder / f"{job_id}.json"
    temporary = path.with_suffix(".part")
    temporary.write_text(json.dumps(state))
    os.replace(temporary, path)  # whoever reads the state sees the old one or the new one, never half


def _key(data_dir, home_id):
    return str(Path(data_dir).resolve()), int(home_id)


def check_free(data_dir, home_id):
    """Raise Invalid if this home already has a job waiting or running."""
    with _lock:
        if _key(data_dir, home_id) in _active:
            raise Invalid({"cards": ALREADY})


def start(data_dir, home_id, make, cards, topic_id=None):
    """Start making *cards* cards with ``make(progress)`` (which returns the PDF); return the job's id.

    :raises Invalid: when this home already has a job waiting or running.
    """
    key = _key(data_dir, home_id)
    with _lock:
        if key in _active:
            raise Invalid({"cards": ALREADY})
        job_id = secrets.token_urlsafe(12)
        _active[key] = job_id
    try:
        folder = _folder(data_dir, home_id)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():  # the home's earlier job and its PDF: only the newest is kept
            old.unlink(missing_ok=True)
        state = {"state": "waiting", "done": 0, "total": 2 * cards, "cards": cards, "topic": topic_id,
                 "started": time.time()}
        _write(folder, job_id, state)
        threading.Thread(target=_run, args=(key, folder, job_id, state, make), name=f"cards-{home_id}",
                         daemon=True).start()
    except BaseException:
        with _lock:
            _active.pop(key, None)
        raise
    return job_id


def _run(key, folder, job_id, state, make):
    final = None
    try:
        with _turns:
            _write(folder, job_id, state | {"state": "running"})

            def progress(done, total):
                state.update(state="running", done=done, total=total)
                _write(folder, job_id, state)

            pdf = make(progress)
            path = folder / f"{job_id}.pdf"
            temporary = path.with_suffix(".pdfpart")
            with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
                out.write(pdf)  # family members' links: for the home's staff only
            os.replace(temporary, path)
            final = state | {"state": "done", "done": state["total"], "finished": time.time()}
    except Exception:
        log.exception("Making cards failed (job %s)", job_id)
        final = state | {"state": "failed", "finished": time.time()}
    finally:
        # Said and freed together: once a job says it is over, the home's next cards can be made.
        with _lock:
            try:
                _write(folder, job_id, final or state | {"state": "failed", "finished": time.time()})
            finally:
                _active.pop(key, None)


def status(data_dir, home_id, job_id):
    """Return a job's state as a dict ("waiting", "running", "done", "failed", "stopped", "expired"), or None.

    "stopped": the server stopped while the job was under way; "expired": its PDF was removed after an hour.
    """
    if not isinstance(job_id, str) or not job_id.replace("-", "").replace("_", "").isalnum():
        return None
    folder = _folder(data_dir, home_id)
    try:
        state = json.loads((folder / f"{job_id}.json").read_text())
    except (OSError, ValueError):
        return None
    if state["state"] in ("waiting", "running"):
        with _lock:
            under_way = job_id in _active.values()
        if not under_way and (folder / f"{job_id}.json").exists():
            state = json.loads((folder / f"{job_id}.json").read_text())  # it may have finished just now
            if state["state"] in ("waiting", "running"):
                state["state"] = "stopped"
    if state["state"] == "done" and time.time() - state["finished"] > KEEP_SECONDS:
        (folder / f"{job_id}.pdf").unlink(missing_ok=True)
        state["state"] = "expired"
    return state


def pdf_path(data_dir, home_id, job_id):
    """Return the finished PDF of a job of this home, or None (unknown, not ready, or removed after an hour)."""
    found = status(data_dir, home_id, job_id)
    path = _folder(data_dir, home_id) / f"{job_id}.pdf"
    return path if found is not None and found["state"] == "done" and path.exists() else None
