"""The server's settings: one table behind the README, `accessible serve` and the web application."""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from accessible import settings
from accessible.cli import main
from tests.helpers import PASSWORD, post

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_lists_every_setting_as_the_table_has_it():
    assert settings.markdown_table() in README.read_text()


def test_every_setting_is_an_option_of_serve_with_its_default_and_variable():
    help_text = " ".join(CliRunner().invoke(main, ["serve", "--help"], terminal_width=400).output.split())
    for s in settings.SETTINGS:
        assert f"{s.option} " in help_text and f"[default: {s.shown_default}; ${s.env}]" in help_text


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--port", "99999"], {}, "port (on the command line) must be a whole number from 1 to 65535, not '99999'."),
    (["--port", "five"], {}, "port (on the command line) must be a whole number from 1 to 65535, not 'five'."),
    ([], {"ACCESSIBLE_KIOSK_IDLE_SECONDS": "soon"},
     "kiosk_idle_seconds ($ACCESSIBLE_KIOSK_IDLE_SECONDS) must be a whole number from 30 to 86400, not 'soon'."),
    ([], {"ACCESSIBLE_SECURE_COOKIES": "maybe"},
     "secure_cookies ($ACCESSIBLE_SECURE_COOKIES) must be true or false, not 'maybe'."),
])
def test_serve_refuses_a_wrong_value_by_name_before_it_starts(data, args, env, message):
    result = CliRunner().invoke(main, ["serve", "--data", str(data), *args], env=env, terminal_width=400)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Serving" not in result.output and "Traceback" not in result.output


def test_a_settings_file_with_a_wrong_name_or_value_is_refused_saying_which(data, tmp_path):
    wrong_name = tmp_path / "wrong-name.toml"
    wrong_name.write_text("prot = 8080\n")
    result = CliRunner().invoke(main, ["serve", "--data", str(data), "--settings", str(wrong_name)])
    assert result.exit_code == 2
    assert "There is no setting prot (in wrong-name.toml); the settings are host, port," in result.output
    not_toml = tmp_path / "photo.jpg"
    not_toml.write_bytes(b"\xff\xd8\xff\xe0 not a settings file")
    result = CliRunner().invoke(main, ["serve", "--data", str(data), "--settings", str(not_toml)])
    assert result.exit_code == 2 and "The settings file" in result.output and "is not TOML" in result.output


def test_options_beat_the_environment_which_beats_the_file_which_beats_the_default(tmp_path):
    path = tmp_path / "home.toml"
    path.write_text('port = 8080\nthreads = 4\nhost = "0.0.0.0"\nsecure_cookies = true\n')
    values = settings.load(path, environ={"ACCESSIBLE_THREADS": "2", "ACCESSIBLE_HOST": ""},
                           overrides={"threads": "3", "port": None})
    assert values == {**settings.defaults(), "port": 8080, "threads": 3, "host": "0.0.0.0", "secure_cookies": True}


def test_a_setting_from_the_environment_reaches_the_staff_session(data, home, monkeypatch):
    from web import create_app

    monkeypatch.setenv("ACCESSIBLE_SESSION_IDLE_HOURS", "1")
    app = create_app({"DATA_DIR": str(data), "TESTING": True})
    try:
        response = post(app.test_client(), "/login", {"username": "sam", "password": PASSWORD})
        cookie = response.headers["Set-Cookie"]
        expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
        assert 50 * 60 < (expires - datetime.now(UTC)).total_seconds() <= 60 * 60
    finally:
        app.extensions["db"].dispose()


def test_the_readme_gives_the_upload_limits_the_server_keeps(app):
    from accessible.speech.listen import MAX_SECONDS

    limits = settings.upload_limits()
    readme = " ".join(README.read_text().split())
    assert (f"a photo {limits['photo'] // settings.MB} MB, a scan {limits['scan'] // settings.MB} MB, "
            f"a spoken answer {MAX_SECONDS} seconds") in readme
    # A file at any kind's own limit still reaches the part that reads it, which says plainly what is too big.
    assert all(limit < app.config["MAX_CONTENT_LENGTH"] for limit in limits.values())
