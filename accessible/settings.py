"""The server's settings: one table of name, default, environment variable and help, read once at start.

The table feeds ``accessible serve``'s options, the web application's configuration and the README's
settings table. Values come from the defaults, then a settings file (TOML), then environment variables,
then the command line, each overriding the one before; a wrong value is refused at start, by name.
"""

import os
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

MB = 1024 * 1024


class BadSetting(ValueError):
    """A setting's name or value that cannot be used; the message names it and says what would do."""


def _integer(low, high):
    def parse(value):
        if isinstance(value, bool):
            raise ValueError
        number = int(value.strip()) if isinstance(value, str) else int(value)
        if number != value and not isinstance(value, str):
            raise ValueError
        if not low <= number <= high:
            raise ValueError
        return number

    parse.expects, parse.metavar = f"a whole number from {low} to {high}", "N"
    return parse


def _boolean(value):
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ValueError


_boolean.expects, _boolean.metavar = "true or false", "true|false"


def _text(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError
    return value.strip()


_text.expects, _text.metavar = "some text", "TEXT"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, how a value is read, what it is for, and where it goes."""

    name: str
    default: object
    parse: object
    help: str
    #: The web application's configuration key it sets, if the application uses it.
    config: str | None = None
    #: How the configuration wants it, from the setting's value (hours to a timedelta, say).
    to_config: object = None

    @property
    def env(self):
        """Return the environment variable that sets it."""
        return "ACCESSIBLE_" + self.name.upper()

    @property
    def option(self):
        """Return the command-line option of ``accessible serve`` that sets it."""
        return "--" + self.name.replace("_", "-")

    @property
    def shown_default(self):
        """Return the default as a person would write it in a settings file."""
        return str(self.default).lower() if isinstance(self.default, bool) else str(self.default)

    def read(self, value, where):
        """Return *value* as this setting holds it; :raises BadSetting: naming the setting and *where* it came from."""
        try:
            return self.parse(value)
        except (TypeError, ValueError):
            raise BadSetting(f"{self.name} ({where}) must be {self.parse.expects}, not {value!r}.") from None


def _hours(value):
    return timedelta(hours=value)


SETTINGS = (
    Setting("host", "127.0.0.1", _text,
            "Address the server listens on; 0.0.0.0 lets tablets on the home's network reach it."),
    Setting("port", 5000, _integer(1, 65535), "Port the server listens on."),
    Setting("threads", 16, _integer(1, 64), "Requests the server answers at the same time; one client address "
                                             "may use half of them."),
    Setting("kiosk_idle_seconds", 300, _integer(30, 86400),
            "A kiosk left alone this long asks \"Are you still there?\", then rests on its resident's own screen.",
            config="KIOSK_IDLE_SECONDS"),
    Setting("session_idle_hours", 2, _integer(1, 24), "A staff session left idle this long ends.",
            config="PERMANENT_SESSION_LIFETIME", to_config=_hours),
    Setting("session_max_hours", 12, _integer(1, 168), "A staff session ends after this long, however busy.",
            config="SESSION_ABSOLUTE_LIFETIME", to_config=_hours),
    Setting("secure_cookies", False, _boolean,
            "Mark the session cookie Secure on every request (behind a proxy that serves HTTPS); HTTPS requests "
            "get it anyway.", config="SESSION_COOKIE_SECURE"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def defaults():
    """Return every setting's default value, by name."""
    return {s.name: s.default for s in SETTINGS}


def read_file(path):
    """Return the settings a TOML file sets, by name, checked; :raises BadSetting: for a file that cannot be used."""
    try:
        with open(path, "rb") as f:
            found = tomllib.load(f)
    except OSError as e:
        raise BadSetting(f"Cannot read the settings file {path}: {e.strerror}.") from None
    except tomllib.TOMLDecodeError as e:
        raise BadSetting(f"The settings file {path} is not TOML ({e}).") from None
    except UnicodeDecodeError:
        raise BadSetting(f"The settings file {path} is not TOML (it is not even text).") from None
    return _checked(found, f"in {Path(path).name}")


def read_environment(environ=None):
    """Return the settings the environment sets (``ACCESSIBLE_PORT`` and so on), by name, checked."""
    environ = os.environ if environ is None else environ
    return {s.name: s.read(environ[s.env], f"${s.env}") for s in SETTINGS if environ.get(s.env, "") != ""}


def _checked(values, where):
    unknown = sorted(set(values) - set(BY_NAME))
    if unknown:
        raise BadSetting(f"There is no setting {', '.join(unknown)} ({where}); the settings are "
                         f"{', '.join(BY_NAME)}.")
    return {name: BY_NAME[name].read(value, where) for name, value in values.items()}


def load(path=None, environ=None, overrides=None):
    """Return every setting's value: the defaults, then the file at *path*, the environment, then *overrides*.

    *overrides* are values given on the command line (``None`` means not given).
    :raises BadSetting: for an unknown name or a value that cannot be used, before anything starts.
    """
    values = defaults()
    if path is not None:
        values.update(read_file(path))
    values.update(read_environment(environ))
    values.update(_checked({k: v for k, v in (overrides or {}).items() if v is not None}, "on the command line"))
    return values


def app_config(values):
    """Return the web application's configuration for *values* (by name)."""
    return {s.config: (s.to_config or (lambda v: v))(values[s.name]) for s in SETTINGS if s.config}


def markdown_table():
    """Return the settings as the README's Markdown table."""
    rows = ["| setting | default | environment variable | what it does |", "|---|---|---|---|"]
    for s in SETTINGS:
        rows.append(f"| `{s.name}` (`{s.option}`) | `{s.shown_default}` | `{s.env}` | {s.help} |")
    return "\n".join(rows)


def upload_limits():
    """Return the largest file of each kind a person may send, in bytes, as the part that reads it holds it."""
    from accessible import pictures
    from accessible.paper import read
    from accessible.speech import listen

    return {"photo": pictures.MAX_UPLOAD_BYTES, "scan": read.MAX_FILE_BYTES, "recording": listen.MAX_BYTES}


def request_limit():
    """Return the largest request the server reads: the largest upload, and room for the form's other fields."""
    return max(upload_limits().values()) + MB
