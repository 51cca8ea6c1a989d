"""A newcomer's first commands: every mistake ends in a plain message and a non-zero exit, never a traceback."""

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from accessible.cli import main

REPO = Path(__file__).resolve().parents[1]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], terminal_width=400)


def said(result):
    """Return what the command printed, on one line, after checking no traceback reached the person."""
    assert "Traceback" not in result.output and not isinstance(result.exception, (OSError, UnicodeError))
    return " ".join(result.output.split())


@pytest.fixture
def demo_home(tmp_path):
    folder = tmp_path / "demo"
    assert run("demo", "--data", folder).exit_code == 0
    return folder


@pytest.mark.parametrize("command", [
    ["print", "form", "1", "-o", "{nodir}/x.pdf"],
    ["say", "Hello", "-o", "{nodir}/x.wav"],
    ["export-home", "{nodir}/h.json"],
])
def test_a_file_to_write_in_a_missing_folder_is_refused_before_any_work(demo_home, tmp_path, command):
    nodir = tmp_path / "nodir"
    args = [a.format(nodir=nodir) for a in command]
    result = run(*args, *(["--data", demo_home] if command[0] != "say" else []))
    assert result.exit_code == 2
    assert f"there is no folder {nodir} to put" in said(result)
    assert f"make it first (mkdir -p {nodir}), or choose another place." in said(result)
    assert not nodir.exists()


def test_serve_on_a_port_in_use_says_so(data):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--data", data, "--port", port)
    assert result.exit_code == 1
    assert (f"The server cannot listen at 127.0.0.1:{port}: port {port} is in use already (is accessible running?): "
            "stop that, or choose another port with --port.") in said(result)
    assert "Serving" not in result.output


def test_paper_read_fails_when_no_page_could_be_read(demo_home, tmp_path):
    photo = tmp_path / "holiday.png"
    Image.new("RGB", (1200, 1600), "skyblue").save(photo)
    result = run("paper", "read", photo, "--data", demo_home)
    assert result.exit_code == 1
    assert "holiday.png: The corner marks could not be found." in said(result)
    assert "No page could be read, so nothing was recorded" in said(result)


def test_listen_says_a_photo_is_not_a_manifest(tmp_path):
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (64, 64), "white").save(photo, "JPEG")
    result = run("listen", "--manifest", photo)
    assert result.exit_code == 1
    assert f"{photo} is not a manifest: that is a text file with one line per recording, such as " in said(result)


def test_topics_in_an_empty_data_folder_says_there_are_none(data):
    result = run("topics", "--data", data)
    assert result.exit_code == 0
    assert f"There are no topics in {data} yet: staff start one on the Topics page" in said(result)
    assert json.loads(run("topics", "--json", "--data", data).output) == []


@pytest.mark.slow
def test_a_command_that_used_vosk_ends_without_an_error_at_exit(tmp_path):
    wav = tmp_path / "said.wav"
    assert run("say", "커피", "-o", wav, "--voice", "ko").exit_code == 0
    done = subprocess.run([sys.executable, "-c", "from accessible.cli import main; main()", "listen", str(wav),
                           "--engine", "vosk", "--language", "ko", "--option", "커피", "--option", "우유"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Exception ignored" not in done.stderr and "Error" not in done.stderr


def test_postgresql_without_its_driver_says_which_extra_to_install(data, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as in an installation without the postgresql extra
    monkeypatch.setenv("DATABASE_URL", "postgresql://care@db.example/tyglas")
    result = run("topics", "--data", data)
    assert result.exit_code == 1
    assert ("DATABASE_URL names a database whose driver (psycopg) is not installed: for PostgreSQL, "
            "pip install 'accessible[postgresql]'.") in said(result)


def test_the_vosk_engine_without_the_vosk_extra_says_which_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "vosk", None)  # as in an installation without the vosk extra
    monkeypatch.setattr("accessible.speech.listen._engines", {})  # and no engine loaded earlier in this process
    wav = tmp_path / "said.wav"
    assert run("say", "Tea", "-o", wav).exit_code == 0
    result = run("listen", wav, "--engine", "vosk", "--language", "ko", "--option", "커피", "--option", "우유")
    assert result.exit_code == 1
    assert "vosk is not installed: pip install 'accessible[vosk]'" in said(result)


def test_setup_waits_for_another_apt_get_holding_the_lock(tmp_path):
    # Stand-ins for the system's commands: apt-get finds the lock held twice, then gets it; nothing is installed.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "apt-calls"
    fakes = {
        "dpkg-query": "exit 1",  # no package installed yet
        "sudo": 'exec "$@"',
        "sleep": "exit 0",
        "apt-get": f'echo "$*" >> {calls}\n'
                   f'if [ "$(wc -l < {calls})" -le 2 ]; then\n'
                   '  echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)"\n'
                   "  exit 100\nfi",
    }
    for name, body in fakes.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "PYTHON": "false", "HOME": str(tmp_path)}  # stops before the venv
    done = subprocess.run([str(REPO / "scripts" / "setup")], capture_output=True, text=True, env=env, timeout=120)
    assert "Another program is installing packages; waiting for it to finish." in done.stdout
    assert [line.split()[-1] for line in calls.read_text().splitlines()] == \
        ["-qq", "-qq", "-qq", "pocketsphinx-testdata"]  # update refused twice, then update and install
    assert "Could not get lock" not in done.stderr
    assert "accessible needs Python 3.11 or newer" in done.stderr  # it went on to the next step


def test_python_dash_m_accessible_runs_the_command_line(data):
    done = subprocess.run([sys.executable, "-m", "accessible", "topics", "--data", str(data)],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "There are no topics in" in done.stdout
