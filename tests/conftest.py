"""Shared fixtures: a home in its own temporary data folder, the app, a signed-in staff client."""

import pytest

from accessible import people
from accessible.db import Database
from tests.helpers import PASSWORD, POSTGRES, post, postgres_database


def pytest_configure(config):
    if POSTGRES:
        # A test's database is dropped (WITH FORCE) when it ends; a connection of an engine the test let go of
        # is then closed by the garbage collector, later, and psycopg warns about that. It is not the product's.
        config.addinivalue_line("filterwarnings", "ignore:Exception ignored in. <function BaseConnection.__del__"
                                                  ":pytest.PytestUnraisableExceptionWarning")


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
def menu(db, home):
    """Open the home's menu (from its template, in English only) for choosing; return its id."""
    from accessible import topics
    from accessible.models import Home

    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "menu")
        topics.move_to(s, topic, "choosing")
        return topic.id


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
