"""The database: migrations from empty, SQLite set up for a multi-threaded server, all-or-nothing writes."""

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from accessible import people
from accessible.db import Database, database_url
from accessible.errors import Invalid
from accessible.models import Base, Person
from tests.helpers import sqlite_only


def test_upgrade_from_empty_creates_every_table_and_matches_the_models(data):
    db = Database.for_data_dir(data)
    assert db.current_revision() is None
    db.upgrade()
    assert db.current_revision() == db.head_revision()
    tables = set(inspect(db.engine).get_table_names())
    assert {"home", "person", "communication_needs", "topic", "option", "response", "comment", "outcome",
            "family_link", "audit_event", "topic_owner", "family_of"} <= tables
    with db.engine.connect() as connection:
        # The migrations describe exactly the models: nothing the code expects is missing from the schema.
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    db.upgrade()  # running it again is harmless
    assert db.current_revision() == db.head_revision()


@sqlite_only
def test_sqlite_is_set_up_for_many_writers(db):
    assert db.is_sqlite
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@sqlite_only
def test_a_write_takes_the_write_lock_at_once(db, home):
    # Inside db.write() another connection cannot start a write: BEGIN IMMEDIATE holds the lock.
    import sqlite3

    path = db.engine.url.database
    with db.write() as s:
        s.get(Person, home["staff"])  # start the transaction
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_a_failed_write_leaves_the_database_as_it_was(db, home):
    with pytest.raises(Invalid):
        with db.write() as s:
            h = s.get(people.Home, home["home"])
            people.add_resident(s, h, "Someone New")
            people.add_resident(s, h, "   ")  # invalid: the whole write is undone
    with db.read() as s:
        names = s.scalars(select(Person.name)).all()
    assert "Someone New" not in names


def test_writes_from_many_threads_all_land(db, home):
    errors = []

    def add(n):
        try:
            for i in range(5):
                with db.write() as s:
                    people.add_resident(s, s.get(people.Home, home["home"]), f"Resident {n}-{i}")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.read() as s:
        count = s.scalar(select(func.count()).select_from(Person).where(Person.name.like("Resident %")))
    assert count == 40


def test_database_url_prefers_the_setting_and_uses_psycopg(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(tmp_path) == f"sqlite:///{tmp_path / 'accessible.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql://care@localhost/homes")
    assert database_url(tmp_path) == "postgresql+psycopg://care@localhost/homes"


@sqlite_only
def test_two_data_folders_are_two_homes(tmp_path):
    first, second = Database.for_data_dir(tmp_path / "a"), Database.for_data_dir(tmp_path / "b")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for db in (first, second):
        db.upgrade()
    with first.write() as s:
        people.create_home(s, "First home")
    with second.read() as s:
        assert s.scalar(select(func.count()).select_from(people.Home)) == 0


def test_a_homes_data_survives_every_upgrade(data):
    from alembic import command
    from sqlalchemy import text

    db = Database.for_data_dir(data)
    command.upgrade(db._alembic_config(), "0001")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO home (name, language, created_at) VALUES ('Old home', 'cy', :t)"),
                           {"t": "2026-01-01 10:00:00+00:00"})
    db.upgrade()
    assert db.current_revision() == db.head_revision() != "0001"
    with db.read() as s:
        home = s.scalars(select(people.Home)).one()
        assert (home.name, home.language) == ("Old home", "cy")
    assert "outcome_notice" in inspect(db.engine).get_table_names()
