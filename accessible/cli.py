"""The ``accessible`` command: each command parses its options, makes one library call and prints."""

import contextlib
import contextvars
import errno
import gettext as gettext_module
import inspect
import json
import os
import socket
import sys
from functools import wraps

import click
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accessible import people, settings, topics
from accessible.datadir import data_dir
from accessible.db import Database
from accessible.errors import Invalid
from accessible.i18n import gettext
from accessible.models import LANGUAGES, Home, Topic

#: The language of this run of ``accessible``, known before Click parses (for --help and Click's own errors).
_RUN_LANGUAGE = contextvars.ContextVar("accessible_cli_language", default=None)


def _language():
    """Return the language of the command's messages: --language, else $ACCESSIBLE_LANGUAGE, else $LC_ALL,
    $LC_MESSAGES or $LANG ("cy_GB.UTF-8" is Welsh), else English."""
    ctx = click.get_current_context(silent=True)
    chosen = (ctx.find_root().params.get("language") if ctx else None) or _RUN_LANGUAGE.get()
    return chosen or _environment_language()


def _environment_language():
    """Return the language the environment asks for ($ACCESSIBLE_LANGUAGE, else the locale), else English."""
    for name in ("ACCESSIBLE_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        code = value.split(".")[0].split("_")[0].split("-")[0].lower()
        if code in LANGUAGES:
            return code
        if value and name != "ACCESSIBLE_LANGUAGE":
            break  # the first locale setting that is set decides, as for every other program
    return "en"


def _given_language(args):
    """Return the --language given to ``accessible`` itself in *args* (before the command's name), if any."""
    for i, arg in enumerate(args):
        if arg == "--language":
            value = args[i + 1] if i + 1 < len(args) else None
        elif arg.startswith("--language="):
            value = arg.partition("=")[2]
        elif arg == "--" or not arg.startswith("-"):
            return None  # the command's name: what follows is the command's own (listen has its own --language)
        else:
            continue
        return value if value in LANGUAGES else None
    return None


def _(message, **values):
    """Return *message* in the language of the command's messages (the screens' catalogue), *values* filled in."""
    text = gettext(_language(), "web", message)
    return text % values if values else text


def _click_words(message):
    """Return one of Click's own messages ("Usage:", "Missing argument") in this run's language."""
    language = _RUN_LANGUAGE.get()
    return gettext(language, "web", message) if language not in (None, "en") else gettext_module.gettext(message)


def _click_words_counted(singular, plural, n):
    """Return one of Click's messages that has a plural, chosen by *n* as in English, in this run's language."""
    return _click_words(singular if n == 1 else plural)


def _give_click_our_words():
    """Have Click's modules, which ask ``gettext`` for every word they print, ask the catalogue instead: Welsh
    only while ``accessible`` runs in Welsh; in English, and for any other Click program, as they were."""
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types"):
        module = sys.modules.get(f"click.{name}")
        if module is not None:
            module._ = _click_words
            if hasattr(module, "ngettext"):
                module.ngettext = _click_words_counted


_give_click_our_words()


@contextlib.contextmanager
def _help_translated(*things):
    """Show the help of *things* (commands, options) in the reader's language while in the block; English stays."""
    english = [(thing, thing.help) for thing in things if getattr(thing, "help", None)]
    for thing, text in english:
        thing.help = _(inspect.cleandoc(text))  # a command's help is its docstring, indented as in the code
    try:
        yield
    finally:
        for thing, text in english:
            thing.help = text


class Command(click.Command):
    """A command whose help is shown in the language of the command's messages (written in English)."""

    def format_help(self, ctx, formatter):
        with _help_translated(self, *self.get_params(ctx)):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit=45):
        with _help_translated(self):
            return super().get_short_help_str(limit)

    def get_help_option(self, ctx):
        token = _RUN_LANGUAGE.set(None)  # made once and kept: its English help is translated when shown
        try:
            return super().get_help_option(ctx)
        finally:
            _RUN_LANGUAGE.reset(token)


class Group(Command, click.Group):
    """A group of commands, each of which (and each group in it) shows its help in the reader's language."""

    command_class = Command
    group_class = type  # its groups are of this class too

    def main(self, args=None, **kwargs):
        given = _given_language(sys.argv[1:] if args is None else list(args))
        token = _RUN_LANGUAGE.set(given or _environment_language())
        try:
            return super().main(args, **kwargs)
        finally:
            _RUN_LANGUAGE.reset(token)


class PromptOption(click.Option):
    """An option whose prompt (and its confirmation) is asked in the language of the command's messages."""

    def prompt_for_value(self, ctx):
        english, confirm = self.prompt, self.confirmation_prompt
        self.prompt = _(english)
        self.confirmation_prompt = _("Repeat for confirmation") if confirm is True else confirm
        try:
            return super().prompt_for_value(ctx)
        finally:
            self.prompt, self.confirmation_prompt = english, confirm


def with_data(command):
    """Give *command* a ``--data DIR`` option and pass it the data folder and its database."""

    @click.option("--data", "data", type=click.Path(file_okay=False), envvar="ACCESSIBLE_DATA",
                  help="The home's data folder (default: $ACCESSIBLE_DATA, else the instance folder).")
    @wraps(command)
    def wrapped(*args, data=None, **kwargs):
        folder = data_dir(data)
        try:
            db = Database.for_data_dir(folder)
        except Invalid as e:
            raise click.ClickException(_(str(e))) from None
        try:
            return command(*args, folder=folder, db=db, **kwargs)
        except Invalid as e:
            raise click.ClickException(_(e.message)) from None
        finally:
            db.dispose()

    return wrapped


def output_file(ctx, param, value):
    """Refuse, before any work, a file to write in a folder that does not exist."""
    from pathlib import Path

    folder = Path(value).parent
    if not folder.is_dir():
        raise click.BadParameter(_("there is no folder %(folder)s to put %(name)s in: make it first (mkdir -p "
                                   "%(folder)s), or choose another place.", folder=folder, name=Path(value).name))
    return value


@click.group(cls=Group)
@click.version_option(package_name="accessible")
@click.option("--language", type=click.Choice(LANGUAGES), help="The language of the messages (default: "
              "$ACCESSIBLE_LANGUAGE, else the locale, as in LANG=cy_GB.UTF-8, else English).")
def main(language):
    """Co-production in care homes: residents, families and staff decide together, offline."""


@main.command("init-db")
@with_data
def init_db(folder, db):
    """Create the database or bring it up to date (runs every migration).

    Example: accessible init-db --data /srv/tyglas
    """
    before = db.current_revision()
    db.upgrade()
    click.echo(_("Database in %(folder)s is at revision %(revision)s (was %(before)s).", folder=folder,
                 revision=db.current_revision(), before=before or _("empty")))


@main.command()
@with_data
def demo(folder, db):
    """Fill the data folder with a demo home and print the demo staff sign-in.

    Example: accessible demo --data /tmp/demo-home
    """
    from accessible import demo as demo_home

    db.upgrade()
    with db.write() as s:
        if demo_home.has_data(s):
            click.echo(_("%(folder)s already holds a home; the demo was not added again.", folder=folder))
        else:
            home = demo_home.create_demo(s)
            click.echo(_("Demo home \u201c%(home)s\u201d created in %(folder)s.", home=home.name, folder=folder))
    click.echo(_("Staff sign-in: username %(username)s, password %(password)s", username=demo_home.DEMO_USERNAME,
                 password=demo_home.DEMO_PASSWORD))


@main.command("create-staff")
@click.argument("username")
@click.option("--password", cls=PromptOption, prompt="Password", hide_input=True, confirmation_prompt=True,
              help="At least 10 characters.")
@click.option("--name", help="Full name (defaults to the username).")
@click.option("--role", type=click.Choice(["staff", "manager"]), default="staff", show_default=True)
@click.option("--home-name", default="Our care home", show_default=True,
              help="Name of the home to create when the database has none yet.")
@with_data
def create_staff(username, password, name, role, home_name, folder, db):
    """Create a staff account (and the home itself, the first time).

    Example: accessible create-staff priya --name "Priya Shah" --password 'a long password'
    """
    db.upgrade()
    with db.write() as s:
        home = s.scalar(select(Home).order_by(Home.id))
        if home is None:
            home = people.create_home(s, home_name)
        staff = people.add_staff(s, home, username, password, name=name, role=role)
        click.echo(_("Staff account %(username)s created for %(home)s.", username=staff.username, home=home.name))


def _staff_account(s, username):
    staff = people.by_username(s, username)
    if staff is None:
        raise click.ClickException(_("There is no staff account %(username)s.", username=username))
    return staff


@main.command("set-password")
@click.argument("username")
@click.option("--password", cls=PromptOption, prompt="New password", hide_input=True, confirmation_prompt=True,
              help="At least 10 characters.")
@with_data
def set_password(username, password, folder, db):
    """Give a staff account a new password; every place it is signed in is signed out.

    Example: accessible set-password priya
    """
    db.upgrade()
    with db.write() as s:
        people.set_password(s, _staff_account(s, username), password)
    click.echo(_("The password of %(username)s has been changed; it is signed out everywhere.", username=username))


@main.command("disable-staff")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Let a disabled account sign in again.")
@with_data
def disable_staff(username, enable, folder, db):
    """Stop a staff account signing in (someone who has left), signing it out everywhere; --enable undoes it.

    Example: accessible disable-staff priya
    """
    db.upgrade()
    with db.write() as s:
        people.set_active(s, _staff_account(s, username), enable)
    click.echo(_("%(username)s can sign in again.", username=username) if enable else
               _("%(username)s is disabled and signed out everywhere.", username=username))


@main.command("topics")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@with_data
def list_topics(as_json, folder, db):
    """List every topic with its id, title, kind, stage and options.

    Example: accessible topics --json
    """
    db.upgrade()
    with db.read() as s:
        rows = [
            {
                "id": t.id, "home": t.home_id, "title": t.title, "question": t.question, "kind": t.kind,
                "stage": t.stage, "resident": t.resident_id,
                "options": [{"id": o.id, "label": o.label} for o in t.accepted_options],
            }
            for home_id in s.scalars(select(Home.id))
            for t in topics.topics(s, home_id)
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(_("There are no topics in %(folder)s yet: staff start one on the Topics page "
                     "(or try accessible demo in an empty folder).", folder=folder))
    for row in rows:
        options = ", ".join(o["label"] for o in row["options"]) or _("no options")
        click.echo(f"{row['id']:>4}  {row['stage']:<9} {row['kind']:<7} {row['title']} ({options})")


@main.command("export-home")
@click.argument("archive_file", type=click.Path(dir_okay=False, writable=True), callback=output_file)
@click.option("--home", "home_id", type=int, help="Which home, where the database holds more than one.")
@with_data
def export_home(archive_file, home_id, folder, db):
    """Write a whole home's data to one JSON archive, to move it to a new machine.

    Example: accessible export-home tyglas.json
    """
    from accessible import archive

    db.upgrade()
    with db.read() as s:
        home_id = home_id or s.scalar(select(Home.id).order_by(Home.id))
        if home_id is None or s.get(Home, home_id) is None:
            raise click.ClickException(_("There is no such home in this data folder."))
        text = archive.export_home_text(s, home_id, folder, for_moving=True)
    # Private from the first byte: it holds password and card-link hashes.
    with os.fdopen(os.open(archive_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as f:
        os.fchmod(f.fileno(), 0o600)
        f.writelines(text)
    click.echo(_("Home %(id)s written to %(file)s. It holds the staff password hashes and card-link hashes the new "
                 "machine needs: keep it as safe as this machine, and delete it once the home has moved.",
                 id=home_id, file=archive_file))


@main.command("import-home")
@click.argument("archive_file", type=click.Path(dir_okay=False, exists=True))
@with_data
def import_home(archive_file, folder, db):
    """Read a home archive made by export-home into this data folder (as a new home).

    Example: accessible import-home tyglas.json --data /srv/new-machine
    """
    from accessible import archive

    try:
        with open(archive_file, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise click.ClickException(_("%(file)s is not a readable home archive (%(problem)s).", file=archive_file,
                                     problem=e)) from None
    db.upgrade()
    try:
        with db.write() as s:
            home = archive.import_home(s, data, folder)
            click.echo(_("Imported \u201c%(home)s\u201d as home %(id)s.", home=home.name, id=home.id))
    except (ValueError, KeyError) as e:
        raise click.ClickException(_("Nothing was imported: %(problem)s", problem=_(str(e)))) from None
    except IntegrityError:
        raise click.ClickException(_("Nothing was imported: this database already holds records from that archive "
                                     "(printed pages or family links). Import it on the new machine.")) from None


def with_settings(command):
    """Give *command* an option for every server setting and ``--settings FILE``; pass it the settings' values."""

    @click.option("--settings", "settings_file", type=click.Path(dir_okay=False, exists=True),
                  help="A TOML file of settings (names as below, e.g. port = 8080); environment variables "
                       "and options override it.")
    @wraps(command)
    def wrapped(*args, settings_file=None, **kwargs):
        given = {s.name: kwargs.pop(s.name) for s in settings.SETTINGS}
        try:
            values = settings.load(settings_file, overrides=given)
        except settings.BadSetting as e:
            raise click.UsageError(_(str(e))) from None
        return command(*args, values=values, **kwargs)

    for s in reversed(settings.SETTINGS):
        wrapped = click.option(s.option, s.name, cls=SettingOption, setting=s, metavar=s.parse.metavar)(wrapped)
    return wrapped


class SettingOption(click.Option):
    """The option of one server setting: its help (the settings table's) ends with its default and variable."""

    def __init__(self, *args, setting, **kwargs):
        super().__init__(*args, help=setting.help, **kwargs)
        self.setting = setting

    def get_help_record(self, ctx):
        names, text = super().get_help_record(ctx)
        shown = _click_words("default: {default}").format(default=self.setting.shown_default)
        return names, f"{text} [{shown}; ${self.setting.env}]"


def _refuse_busy_port(host, port):
    """Stop with a plain message when the server could not listen at *host*:*port*, before it starts."""
    try:
        family, kind, _proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind) as probe:
            # As the server does: a port left in TIME_WAIT by a server just stopped is free to use again.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except socket.gaierror:
        raise click.ClickException(_("There is no address %(host)s to listen on; check --host.", host=host)) from None
    except OSError as e:
        reason = {errno.EADDRINUSE: "port %(port)s is in use already (is accessible running?): stop that, or "
                                    "choose another port with --port",
                  errno.EACCES: "only the system may use port %(port)s: choose one above 1023 with --port",
                  errno.EADDRNOTAVAIL: "this machine has no address %(host)s: check --host"}.get(e.errno)
        reason = _(reason, host=host, port=port) if reason else e.strerror
        raise click.ClickException(_("The server cannot listen at %(host)s:%(port)s: %(reason)s.", host=host,
                                     port=port, reason=reason)) from None


@main.command()
@with_settings
@click.option("--https", "use_https", is_flag=True,
              help="Serve HTTPS with the home's own certificate (made in the data folder's tls/ the first time), "
                   "so tablets on the home's network may use the microphone.")
@click.option("--certificate", type=click.Path(exists=True, dir_okay=False),
              help="With --https: a certificate chain (PEM) of the home's own instead, with --key.")
@click.option("--key", type=click.Path(exists=True, dir_okay=False), help="With --certificate: its private key (PEM).")
@with_data
def serve(values, use_https, certificate, key, folder, db):
    """Run the server (cheroot, a production WSGI server), over HTTP or, with --https, HTTPS.

    One device cannot take it: a client address has at most half the threads at once and starts at most 60
    requests at once, then 10 a second, and a request that trickles in (headers not in within 10 s, a body slower
    than 10 KB/s) is ended.

    Every setting comes from its option, else its environment variable, else --settings FILE, else its default.

    Example: accessible serve --host 0.0.0.0 --port 5000 --https
    """
    from accessible import serving
    from web import create_app  # the only place the command line reaches the web layer

    if bool(certificate) != bool(key):
        raise click.UsageError(_("--certificate and --key go together."))
    host, port, threads = values["host"], values["port"], values["threads"]
    _refuse_busy_port(host, port)
    app = create_app({"DATA_DIR": str(folder), **settings.app_config(values)})
    _warm_up_speech()
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    cert_path = key_path = None
    if use_https or certificate:
        from accessible import tls

        if certificate:
            cert_path, key_path = certificate, key
        else:
            cert_path, key_path, authority = tls.ensure_certificate(folder, hosts=[host])
            names, addresses = tls.machine_names([host])
            click.echo(_("The home's certificate covers %(names)s.", names=", ".join(names + addresses)))
            click.echo(_("Tablets trust it once: open https://<this machine>:%(port)s/certificate and install it "
                         "(the file is also at %(file)s).", port=port, file=authority))
    server = serving.make_server(app, host, port, threads=threads, certificate=cert_path, key=key_path)
    click.echo(_("Serving %(folder)s at %(address)s", folder=folder,
                 address=f"{'https' if cert_path else 'http'}://{shown}:{port}/"))
    sys.stdout.flush()
    try:
        server.safe_start()
    finally:
        server.stop()


@main.command()
@click.argument("text")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              callback=output_file, help="The WAV file to write.")
@click.option("--voice", help="A voice by language tag, e.g. en-gb or cy (default: the language's voice).")
@click.option("--rate", type=click.IntRange(80, 300), help="Words per minute (default 150).")
@click.option("--lang", type=click.Choice(["en", "cy"]), default=None,
              help="Language of the text (default: cy when --voice is cy, else en).")
def say(text, out, voice, rate, lang):
    """Speak TEXT into a WAV file, the way the kiosk reads it aloud.

    Example: accessible say "Would you like fish pie on Friday?" -o question.wav --rate 120
    """
    from accessible.speech import say as saying

    lang = lang or ("cy" if (voice or "").lower().startswith("cy") else "en")
    try:
        path = saying.say(text, out, voice=voice, rate=rate, lang=lang)
    except (saying.BadSpeechText, saying.SpeechUnavailable) as e:
        raise click.ClickException(_(str(e))) from None
    click.echo(_("Wrote %(file)s.", file=path))


@main.command()
@click.argument("wav", required=False, type=click.Path(dir_okay=False))
@click.option("--option", "options", multiple=True, help="An option on screen; give it once per option.")
@click.option("--manifest", type=click.Path(dir_okay=False, exists=True),
              help="A manifest.jsonl of recordings, their options and the expected choice.")
@click.option("--engine", type=click.Choice(["auto", "whisper", "vosk", "pocketsphinx"]), default="auto",
              show_default=True, help="auto: the best Whisper model installed for the language, else vosk, else "
                                      "PocketSphinx.")
@click.option("--language", type=click.Choice(["en", "cy", "ko"]),
              help="The screen's language (default: guessed from the options).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of words.")
def listen(wav, options, manifest, engine, language, as_json):
    """Hear which option a recording chooses (or, with --manifest, a whole batch and its accuracy).

    Example: accessible listen said.wav --option Tea --option Coffee --json
    """
    from accessible.speech import listen as listening
    from accessible.speech.engines import EngineUnavailable

    if (wav is None) == (manifest is None):
        raise click.UsageError(_("Give one WAV file with --option choices, or --manifest FILE."))
    try:
        if manifest:
            results = listening.listen_manifest(manifest, engine=engine, language=language)
        else:
            if len(options) < 1:
                raise click.UsageError(_("Give the options on screen with --option, once each."))
            results = [listening.listen(wav, list(options), engine=engine, language=language)]
        for result in results:
            if as_json:
                click.echo(json.dumps(result, ensure_ascii=False))
            elif "summary" in result:
                s = result["summary"]
                click.echo(_("%(n)s recordings: %(right)s right, %(accepted)s of speech choosing nothing accepted, "
                             "median %(ms)s ms", n=s["n"], right=f"{s['accuracy']:.1%}",
                             accepted=f"{s['false_accepts']:.1%}", ms=s["median_ms"]))
            else:
                click.echo(_("%(audio)s: %(choice)s (heard \u201c%(heard)s\u201d, confidence %(confidence)s, "
                             "%(engine)s, %(ms)s ms)", audio=result.get("audio", wav),
                             choice=result["choice"] or _("no choice"), heard=result["heard"],
                             confidence=f"{result['confidence']:.2f}", engine=result["engine"], ms=result["ms"]))
    except UnicodeDecodeError:
        raise click.ClickException(_('%(file)s is not a manifest: that is a text file with one line per recording, '
                                     'such as {"audio": "u0001.wav", "options": ["Tea", "Coffee"], "expect": "Tea"}.',
                                     file=manifest)) from None
    except (listening.BadAudio, ValueError, EngineUnavailable) as e:
        raise click.ClickException(_(str(e))) from None


def _warm_up_speech():
    """Load the speech model before the first resident speaks (once per server process), saying which."""
    from accessible.speech import listen as listening
    from accessible.speech.engines import EngineUnavailable

    try:
        click.echo(_("Voice answers: %(model)s is loaded.", model=listening.warm_up()))
    except EngineUnavailable as e:
        click.echo(_("Voice answers will not work: %(problem)s", problem=_(str(e))), err=True)


@main.group()
def models():
    """List and install speech-recognition models.

    Example: accessible models list
    """


@models.command("list")
@click.option("--json", "as_json", is_flag=True)
def models_list(as_json):
    """Show which speech models are installed and which can be.

    Example: accessible models list
    """
    from accessible.speech import models as speech_models

    found = speech_models.list_models()
    if as_json:
        click.echo(json.dumps(found, indent=2, default=str))
        return
    for m in found:
        state = (_("installed at %(path)s", path=m["path"]) if m["installed"] else
                 _("not installed (%(source)s)", source=m["source"]))
        click.echo(f"{m['name']:<22} {m['engine']:<12} {m['language']:<4} {state}")


@models.command("install")
@click.argument("name")
def models_install(name):
    """Download a speech model where there is internet, check its SHA-256 and unpack it into models/.

    Example: accessible models install vosk-small-en
    """
    from accessible.speech import models as speech_models

    try:
        folder = speech_models.install_model(name)
    except speech_models.ModelError as e:
        raise click.ClickException(_(str(e))) from None
    click.echo(_("%(name)s is installed in %(folder)s.", name=name, folder=folder))


@main.group("pictures")
def pictures_group():
    """Find pictures for options.

    Example: accessible pictures search fish pie
    """


@pictures_group.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--lang", type=click.Choice(["en", "cy"]), default="en", show_default=True)
@click.option("--limit", type=click.IntRange(1, 50), default=8, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def pictures_search(words, lang, limit, as_json):
    """Show the symbols that best match WORDS, best first.

    Example: accessible pictures search cup of tea
    """
    from accessible import pictures

    found = pictures.search(" ".join(words), limit=limit, lang=lang)
    if as_json:
        click.echo(json.dumps([{"id": s.id, "name": s.name, "svg": str(s.svg_path)} for s in found]))
        return
    if not found:
        click.echo(_("No symbols match; try other words, or upload a photo."))
    for s in found:
        click.echo(f"{s.id:<24} {s.name}")
    click.echo(_(pictures.OPENMOJI_CREDIT))


def _base_url(session, given, what):
    """Return the address printed codes lead to: --base-url, else the one staff confirmed; cards need one."""
    from accessible import addresses

    if given:
        try:
            return addresses.normalise(given)
        except Invalid as e:
            raise click.BadParameter(_(e.problems["address"]), param_hint="--base-url") from None
    address, confirmed = addresses.public_address(session)
    if confirmed:
        return address
    if what == "cards":
        raise click.UsageError(_("Cards carry a link for phones to open, so they need this server's address: confirm "
                                 "it on the staff pages (This server's address) or give it, e.g. "
                                 "--base-url http://192.168.1.20:5000"))
    return ""


@main.command("print")
@click.argument("what", type=click.Choice(["cards", "menu", "form", "poster"]))
@click.argument("topic_id", type=int)
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              callback=output_file)
@click.option("--resident", "resident_id", type=int, help="Only this resident's cards, or their personalised form.")
@click.option("--each-resident", is_flag=True, help="Forms: one personalised form for every resident asked.")
@click.option("--for", "audience", type=click.Choice(["residents", "families"]),
              help="Blank forms: whom they are for, said on the sheet (default: whom the topic asks, residents first).")
@click.option("--copies", type=int, default=1, show_default=True,
              help="Blank forms: how many, each sheet counting for one person.")
@click.option("--lang", type=click.Choice(["en", "cy", "both"]),
              help="Language of the printed words (default: each resident's own on forms and cards; a menu or poster "
                   "in both, Welsh first, where the topic is written in both, else the topic's).")
@click.option("--sheet", type=click.Choice(["a4-4up", "a5"]), default="a4-4up", show_default=True,
              help="Cards: four A6 cards to an A4 sheet, or one A5 card a page.")
@click.option("--size", type=click.Choice(["a4", "a3"]), default="a4", show_default=True, help="Poster size.")
@click.option("--base-url", envvar="ACCESSIBLE_BASE_URL",
              help="The server's address as phones in the home reach it, for QR codes (default: the address staff "
                   "confirmed on the staff pages).")
@with_data
def print_command(what, topic_id, out, resident_id, each_resident, audience, copies, lang, sheet, size, base_url,
                  folder, db):
    """Print picture cards, a picture menu, large-print forms or a "You said, we did" poster as PDF.

    Example: accessible print form 1 --each-resident -o forms.pdf

    Example: accessible print form 1 --for families --copies 20 -o family-forms.pdf
    """
    from accessible import printouts

    if (audience or copies != 1) and (what != "form" or resident_id or each_resident):
        raise click.UsageError(_("--for and --copies are for blank forms: print form without --resident or "
                                 "--each-resident."))
    db.upgrade()
    with db.write() as s:
        topic = s.get(Topic, topic_id)
        if topic is None:
            raise click.ClickException(_("There is no topic %(id)s; see accessible topics.", id=topic_id))
        resident = printouts.resident_of(s, resident_id, topic.home_id) if resident_id else None
        base_url = _base_url(s, base_url, what)
        with click.progressbar(length=1, label=_("Printing %(what)s", what=what), file=sys.stderr) as bar:
            def progress(done, total):
                bar.length = total
                bar.update(done - bar.pos)

            result = printouts.render(s, topic, what, folder, base_url, resident=resident, lang=lang, sheet=sheet,
                                      size=size, each_resident=each_resident, progress=progress, copies=copies,
                                      audience={"residents": "resident", "families": "family"}.get(audience))
    with open(out, "wb") as f:
        f.write(result.pdf)
    click.echo(_("Wrote %(file)s (%(n)s answer pages).", file=out, n=len(result.pages)) if result.pages else
               _("Wrote %(file)s.", file=out))


@main.group()
def paper():
    """Printed answer pages: where their boxes are, and reading them back.

    Example: accessible paper layout forms.pdf --json
    """


@paper.command("layout")
@click.argument("pdf", type=click.Path(dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True)
def paper_layout(pdf, as_json):
    """Show every answer box of every page of a printed form, in mm from the page's top-left corner.

    Example: accessible paper layout forms.pdf --json
    """
    from accessible import printing

    try:
        pages = printing.paper_layout(pdf)
    except ValueError as e:
        raise click.ClickException(_(str(e))) from None
    if not pages:
        raise click.ClickException(_("%(file)s is not a form printed by accessible (it has no answer boxes).",
                                     file=pdf))
    if as_json:
        click.echo(json.dumps(pages, indent=2))
        return
    for page in pages:
        click.echo(_("page %(page)s: %(n)s boxes", page=page["page"], n=len(page["boxes"])))


@paper.command("read")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="One JSON line per page.")
@click.option("--home", "home_id", type=int, help="Which home the forms are from, where the database holds more "
                                                  "than one.")
@with_data
def paper_read(files, as_json, home_id, folder, db):
    """Read filled forms (photos, scans, multi-page PDF or TIFF), keep each file, and record the clear answers.

    Each file is kept unchanged in the data folder, as an upload on the Filled forms page is.

    Example: accessible paper read scan1.jpg scan2.pdf --json
    """
    from pathlib import Path

    from accessible.paper import scans

    db.upgrade()
    with db.read() as s:
        homes = s.scalars(select(Home.id).order_by(Home.id)).all()
    if home_id is None and len(homes) > 1:
        raise click.ClickException(_("This data folder holds more than one home: say which with --home."))
    home_id = home_id or (homes[0] if homes else None)
    if home_id not in homes:
        raise click.ClickException(_("There is no such home in this data folder."))
    # Every file is kept first, then read page by page, as the Filled forms page does.
    pages = []
    for path in files:
        kept = scans.keep_file(db, home_id, folder, Path(path).name, Path(path).read_bytes())
        pages += [kept] if "error" in kept else [(kept["upload"], n) for n in range(1, kept["pages"] + 1)]
    failed = 0
    with click.progressbar(pages, label=_("Reading pages"), file=sys.stderr) as bar:
        for page in bar:
            line = page if isinstance(page, dict) else scans.read_kept(db, home_id, folder, *page)
            failed += "error" in line
            if as_json:
                click.echo(json.dumps(line, ensure_ascii=False))
            elif "error" in line:
                click.echo(f"{line['source']}: {_(line['error'])}")
            else:
                again = _(", replacing an earlier reading of the page") if line["replaced"] else ""
                click.echo(f"{line['source']}: " + _("page %(page)s, %(recorded)s answers recorded, %(to_check)s to "
                                                     "check", page=line["page"], recorded=line["recorded"],
                                                     to_check=line["to_check"]) + again)
    if failed == len(pages):
        raise click.ClickException(_("No page could be read, so nothing was recorded (the files are kept)."))


@main.command("backup")
@click.argument("backup_file", type=click.Path(dir_okay=False, writable=True))
@with_data
def backup_command(backup_file, folder, db):
    """Copy the home's database to a file, safely while the server is running.

    Example: accessible backup /media/usb/tyglas-2026-11-23.sqlite
    """
    from accessible import backup

    try:
        path = backup.backup(db, backup_file)
    except backup.BackupError as e:
        raise click.ClickException(_(str(e))) from None
    click.echo(_("Backed up to %(file)s.", file=path))


@main.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, exists=True))
@with_data
def restore_command(backup_file, folder, db):
    """Replace the home's database with a backup (stop the server first; the old one is kept aside).

    Example: accessible restore /media/usb/tyglas-2026-11-23.sqlite
    """
    from pathlib import Path

    from accessible import backup

    # SQLite keeps the old file beside the live one by itself; PostgreSQL's is dumped into the data folder.
    aside = None if db.is_sqlite else Path(folder) / "accessible.before-restore.dump"
    try:
        backup.restore(db, backup_file, aside=aside)
    except backup.BackupError as e:
        raise click.ClickException(_(str(e))) from None
    db.upgrade()
    click.echo(_("Restored from %(file)s.", file=backup_file))
