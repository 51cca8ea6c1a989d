"""The accessible command speaks Welsh to a manager who asks for it: --language cy, $ACCESSIBLE_LANGUAGE or $LANG."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from accessible.cli import main
from accessible.demo import DEMO_PASSWORD, DEMO_USERNAME

ENGLISH = {"ACCESSIBLE_LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "en_GB.UTF-8"}


def run(*args, env=None, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], env={**ENGLISH, **(env or {})}, catch_exceptions=False,
                              **kwargs)


def test_the_everyday_commands_answer_in_welsh_when_asked(tmp_path):
    demo = run("--language", "cy", "demo", "--data", tmp_path)
    assert demo.exit_code == 0
    assert f"Mae'r cartref demo “Tŷ Glas Care Home” wedi'i greu yn {tmp_path}." in demo.output
    assert f"Mewngofnodi staff: enw defnyddiwr {DEMO_USERNAME}, cyfrinair {DEMO_PASSWORD}" in demo.output
    again = run("demo", "--data", tmp_path, env={"ACCESSIBLE_LANGUAGE": "cy"})
    assert "Mae cartref yn" in again.output and "chafodd y demo mo'i ychwanegu eto" in again.output
    # The locale of the machine, as any other program reads it.
    added = run("create-staff", "eleri", "--name", "Eleri Hughes", "--password", "bara-brith-a-the",
                "--data", tmp_path, env={"LANG": "cy_GB.UTF-8"})
    assert "Mae'r cyfrif staff eleri wedi'i greu ar gyfer Tŷ Glas Care Home." in added.output
    changed = run("set-password", "eleri", "--password", "cawl-a-chaws-1", "--data", tmp_path,
                  env={"LANG": "cy_GB.UTF-8"})
    assert "Mae cyfrinair eleri wedi'i newid; mae wedi'i allgofnodi ym mhobman." in changed.output
    short = run("set-password", "eleri", "--password", "byr", "--data", tmp_path, env={"LANG": "cy_GB.UTF-8"})
    assert short.exit_code != 0 and "Mae angen o leiaf 10 nod mewn cyfrinair." in short.output
    missing = run("--language", "cy", "set-password", "nobody", "--password", "cawl-a-chaws-1", "--data", tmp_path)
    assert "Does dim cyfrif staff nobody." in missing.output


def test_print_and_paper_read_answer_in_welsh(tmp_path):
    run("demo", "--data", tmp_path)
    topics = json.loads(run("topics", "--json", "--data", tmp_path).output)
    menu = next(t for t in topics if t["title"] == "Next week's menu")
    out = tmp_path / "form.pdf"
    printed = run("--language", "cy", "print", "form", menu["id"], "-o", out, "--data", tmp_path)
    assert printed.exit_code == 0
    assert f"Wedi ysgrifennu {out}" in printed.output and out.read_bytes().startswith(b"%PDF")
    nonsense = tmp_path / "not-a-form.png"
    nonsense.write_bytes(b"this is not a picture")
    read = run("--language", "cy", "paper", "read", nonsense, "--data", tmp_path)
    assert read.exit_code != 0
    assert "Doedd dim modd darllen unrhyw dudalen, felly chafodd dim byd ei gofnodi" in read.output


def test_english_stays_the_default_and_an_unknown_locale_is_english(tmp_path):
    demo = run("demo", "--data", tmp_path, env={"LANG": "fr_FR.UTF-8"})
    assert "Demo home “Tŷ Glas Care Home” created in" in demo.output
    listed = run("topics", "--data", tmp_path, env={"LC_ALL": "en_GB.UTF-8", "LANG": "cy_GB.UTF-8"})
    assert "Next week's menu" in listed.output and "dim dewisiadau" not in listed.output
    assert run("--language", "de", "topics", "--data", tmp_path).exit_code != 0


def test_serve_says_where_it_serves_in_welsh(tmp_path):
    run("demo", "--data", tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ACCESSIBLE_LANGUAGE": "cy", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-c", "from accessible.cli import main; main()",
               "serve", "--data", str(tmp_path), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        line = ""
        while server.poll() is None and "gweini" not in line:
            line = server.stdout.readline()
        assert line.strip() == f"Yn gweini {tmp_path} yn http://localhost:{port}/"
    finally:
        server.terminate()
        server.communicate(timeout=30)  # and close its pipe (left open, it warned later, in another test)
