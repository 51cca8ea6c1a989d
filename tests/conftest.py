"""Shared fixtures: a home in its own temporary data folder, the app, a signed-in staff client."""

import contextlib
import os
import re
import uuid

import pytest

from accessible import people
from accessible.db import Database

PASSWORD = "a good long password"
#: Set by scripts/test for its second run: a PostgreSQL server on which every test gets a database of its own.
POSTGRES = os.environ.get("ACCESSIBLE_TEST_POSTGRES")
sqlite_only = pytest.mark.skipif(bool(POSTGRES), reason="about SQLite's own files and locking, or two data "
                                 "folders that would share the one PostgreSQL database of a test")


def pytest_configure(config):
    if POSTGRES:
        # A test's database is dropped (WITH FORCE) when it ends; a connection of an engine the test let go of
        # is then closed by the garbage collector, later, and psycopg warns about that. It is not the product's.
        config.addinivalue_line("filterwarnings", "ignore:Exception ignored in. <function BaseConnection.__del__"
                                                  ":pytest.PytestUnraisableExceptionWarning")


@contextlib.contextmanager
def postgres_database():
    """Create a fresh database on the test PostgreSQL server; yield its URL; drop it afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:16]}"
    server = make_url(POSTGRES)
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _database_per_test(monkeypatch):
    """On the PostgreSQL run, give each test a fresh database of its own, found through DATABASE_URL."""
    if not POSTGRES:
        monkeypatch.delenv("DATABASE_URL", raising=False)
        yield
        return
    with postgres_database() as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield


@pytest.fixture
def data(tmp_path):
    """Return a fresh, empty data folder."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def db(data):
    """Return the migrated database of the data folder."""
    database = Database.for_data_dir(data)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def home(db):
    """Create a small home: three residents (one with a family member) and two staff; return their ids."""
    with db.write() as s:
        h = people.create_home(s, "Ty Test")
        staff = people.add_staff(s, h, "sam", PASSWORD, name="Sam Patel", role="manager")
        helper = people.add_staff(s, h, "priya", PASSWORD, name="Priya Shah")
        residents = [
            people.add_resident(s, h, "Margaret Evans", room="1", text_size=24, contrast="high"),
            people.add_resident(s, h, "Dafydd Jones", room="2", language="cy"),
            people.add_resident(s, h, "Eileen O'Neill", room="3"),
        ]
        daughter = people.add_family(s, h, "Carys Evans", relation="daughter", residents=[residents[0]])
        return {
            "home": h.id, "staff": staff.id, "helper": helper.id,
            "residents": [r.id for r in residents], "family": daughter.id,
        }


@pytest.fixture
def app(data, db):
    """Return the app on the test data folder, with CSRF checks on as in production."""
    from web import create_app

    application = create_app({"DATA_DIR": str(data), "TESTING": True})
    yield application
    application.extensions["db"].dispose()
    for speaker in ("speaker", "visitor_speaker"):
        if speaker in application.extensions:
            application.extensions[speaker].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, url):
    """Return the CSRF token a form at *url* carries, as a browser would send it back."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post(client, url, data, form_url=None):
    """Post a form the way a browser does: with the token from the page the form is on."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token})


@pytest.fixture
def staff_client(client, home):
    """Return a client signed in as the home's manager."""
    response = post(client, "/login", {"username": "sam", "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture(autouse=True)
def _no_failures_counted_yet():
    """Start each test with no link guesses counted: the limiter lives as long as the process (wrong passwords are
    counted in each test's own database)."""
    from web.family import token_limiter

    token_limiter._hits.clear()
