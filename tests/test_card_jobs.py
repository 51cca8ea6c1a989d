"""Family cards made in the background: progress as it happens, one job per home, the PDF kept for staff an hour."""

import json
import threading
import time

import pytest

from accessible import card_jobs
from accessible.errors import Invalid


def _wait_until_over(data_dir, home, job):
    for _ in range(600):  # a bound on waiting for another thread, not a timing
        state = card_jobs.status(data_dir, home, job)
        if state["state"] not in ("waiting", "running"):
            return state
        time.sleep(0.05)
    raise AssertionError("the job never ended")


def test_a_job_shows_its_progress_refuses_a_second_for_the_home_and_keeps_its_pdf_for_staff(tmp_path):
    halfway, finish = threading.Event(), threading.Event()

    def make(progress):
        progress(12, 60)
        halfway.set()
        finish.wait(30)
        progress(60, 60)
        return b"%PDF-1.7 cards"

    job = card_jobs.start(tmp_path, 1, make, 30, topic_id=7)
    assert halfway.wait(30)
    state = card_jobs.status(tmp_path, 1, job)
    assert (state["state"], state["done"], state["total"], state["cards"], state["topic"]) == ("running", 12, 60, 30, 7)
    with pytest.raises(Invalid, match="already being made for this home"):
        card_jobs.start(tmp_path, 1, make, 30)
    assert card_jobs.pdf_path(tmp_path, 1, job) is None  # not ready yet
    assert card_jobs.status(tmp_path, 2, job) is None  # another home's staff see nothing of it
    finish.set()
    assert _wait_until_over(tmp_path, 1, job)["state"] == "done"
    path = card_jobs.pdf_path(tmp_path, 1, job)
    assert path.read_bytes() == b"%PDF-1.7 cards" and path.stat().st_mode & 0o077 == 0
    assert card_jobs.pdf_path(tmp_path, 2, job) is None
    # The home may make cards again, and only its newest job is kept.
    second = card_jobs.start(tmp_path, 1, lambda progress: b"%PDF-1.7 again", 4)
    assert _wait_until_over(tmp_path, 1, second)["state"] == "done"
    assert card_jobs.status(tmp_path, 1, job) is None and not path.exists()


def test_a_job_that_fails_says_so_and_frees_the_home(tmp_path):
    def make(progress):
        raise RuntimeError("no fonts")

    job = card_jobs.start(tmp_path, 1, make, 4)
    assert _wait_until_over(tmp_path, 1, job)["state"] == "failed"
    assert card_jobs.pdf_path(tmp_path, 1, job) is None
    card_jobs.check_free(tmp_path, 1)  # nothing raised: the next cards can be made


def test_a_job_cut_short_by_a_restart_says_so_and_a_pdf_is_removed_after_an_hour(tmp_path):
    job = card_jobs.start(tmp_path, 1, lambda progress: b"%PDF-1.7", 4)
    assert _wait_until_over(tmp_path, 1, job)["state"] == "done"
    state_file = tmp_path / "card-jobs" / "1" / f"{job}.json"
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps(state | {"state": "running"}))  # as left by a server that stopped mid-way
    assert card_jobs.status(tmp_path, 1, job)["state"] == "stopped"
    state_file.write_text(json.dumps(state | {"finished": time.time() - card_jobs.KEEP_SECONDS - 1}))
    assert card_jobs.status(tmp_path, 1, job)["state"] == "expired"
    assert card_jobs.pdf_path(tmp_path, 1, job) is None
    assert not (tmp_path / "card-jobs" / "1" / f"{job}.pdf").exists()


@pytest.mark.parametrize("job", ["../1/x", "", "a b", None])
def test_a_made_up_job_is_not_found(tmp_path, job):
    assert card_jobs.status(tmp_path, 1, job) is None
