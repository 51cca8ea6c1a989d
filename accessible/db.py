"""Open a home's database (SQLite by default, PostgreSQL by URL) and migrate its schema."""

import os
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

from accessible.errors import Invalid

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DB_FILENAME = "accessible.sqlite"
#: How long a writer waits for another writer before SQLite gives up.
BUSY_TIMEOUT_MS = 15_000


def database_url(data_dir, url=None):
    """Return the database URL: *url*, else ``DATABASE_URL``, else SQLite in *data_dir*."""
    url = url or os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(data_dir) / DB_FILENAME}"
    # A plain postgresql:// URL means psycopg 3, the driver we install.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _make_engine(url):
    if not url.startswith("sqlite"):
        try:
            return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        except ModuleNotFoundError as e:
            # psycopg is an extra: a home on SQLite does not need it.
            raise Invalid(f"DATABASE_URL names a database whose driver ({e.name}) is not installed: for "
                          "PostgreSQL, pip install 'accessible[postgresql]'.") from None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transactions out of pysqlite's hands so that we choose BEGIN or BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: an acknowledged answer survives a power cut, not only a crash.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A writer takes the write lock up front, so two writers queue instead of deadlocking.
        immediate = connection.get_execution_options().get("immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """One home's database: short read and write transactions, and its migrations."""

    def __init__(self, url):
        self.url = url
        self.engine = _make_engine(url)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.engine.execution_options(immediate=True), expire_on_commit=False)

    @classmethod
    def for_data_dir(cls, data_dir, url=None):
        """Open the database that belongs to *data_dir* (or *url* / ``DATABASE_URL``)."""
        return cls(database_url(data_dir, url))

    @property
    def is_sqlite(self):
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self):
        """Yield a session for reading; nothing it does is committed."""
        with self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self):
        """Yield a session whose changes are committed together, or not at all."""
        with self._write() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def _alembic_config(self):
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["engine"] = self.engine
        return config

    def upgrade(self):
        """Bring the schema up to the newest migration (from empty, or from any older one)."""
        command.upgrade(self._alembic_config(), "head")

    def current_revision(self):
        """Return the schema revision the database is at, or None when it is empty."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self):
        """Return the newest migration this code knows."""
        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def dispose(self):
        self.engine.dispose()
