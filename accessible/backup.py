"""Back a home's database up while the server runs, and restore it: SQLite's online backup, or pg_dump."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


def _sqlite_path(db):
    return Path(make_url(db.url).database)


def backup(db, target):
    """Write a consistent copy of the database to *target*, even while the server is writing."""
    target = Path(target)
    if db.is_sqlite:
        partial = target.with_name(target.name + ".part")
        source = sqlite3.connect(_sqlite_path(db))
        copy = sqlite3.connect(partial)
        try:
            with copy:
                source.backup(copy)  # the online backup API: pages copied under SQLite's own locking
        finally:
            copy.close()
            source.close()
        os.replace(partial, target)
        return target
    url = make_url(db.url)
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed: sudo apt-get install postgresql-client")
    result = subprocess.run(["pg_dump", "--format=custom", "--file", str(target),
                             url.set(drivername="postgresql").render_as_string(hide_password=False)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target


def _check_sqlite(path):
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as check:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError:
        ok, tables = False, set()
    if not ok or "alembic_version" not in tables:
        raise BackupError(f"{path} is not a good backup of an accessible database; nothing was changed.")


def restore(db, source):
    """Replace the database with a backup, after checking the backup is whole; the old one is kept aside."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file {source}.")
    if db.is_sqlite:
        _check_sqlite(source)
        db.dispose()
        live = _sqlite_path(db)
        if live.exists():
            shutil.copyfile(live, live.with_name(live.name + ".before-restore"))
        target = sqlite3.connect(live)
        backup_db = sqlite3.connect(source)
        try:
            with target:
                backup_db.backup(target)
        finally:
            backup_db.close()
            target.close()
        return live
    url = make_url(db.url)
    db.dispose()
    result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname",
                             url.set(drivername="postgresql").render_as_string(hide_password=False), str(source)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed; the database may be part-restored: {result.stderr.strip()}")
    return source
