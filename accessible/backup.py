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


def _copy_sqlite(source_path, target_path):
    """Copy one SQLite database into another with the online backup API (readers and writers may go on)."""
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(target_path)
    try:
        with copy:
            source.backup(copy)  # pages copied under SQLite's own locking: a snapshot of committed data
    finally:
        copy.close()
        source.close()


def _postgres(db, program, *args):
    """Run a PostgreSQL client program on the database; the password goes by environment, never on a command line."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed: sudo apt-get install postgresql-client")
    url = make_url(db.url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    target = url.set(password=None).render_as_string(hide_password=False)
    return subprocess.run([program, *args, "--dbname", target], capture_output=True, text=True, env=env)


def backup(db, target):
    """Write a consistent copy of the database to *target*, even while the server is writing."""
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(f"There is no folder {target.parent} to put the backup in.")
    # Written beside the target and moved into place at the end: a half-written backup never has its name.
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    if db.is_sqlite:
        _copy_sqlite(_sqlite_path(db), partial)
    else:
        result = _postgres(db, "pg_dump", "--format=custom", "--file", str(partial))
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    with open(partial, "rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, target)
    return target


def _refuse(path):
    raise BackupError(f"{path} is not a good backup of an accessible database; nothing was changed.")


def _check_sqlite(path):
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as check:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if ok and "alembic_version" in tables:
                ok = check.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1
            else:
                ok = False
    except sqlite3.DatabaseError:
        ok = False
    if not ok:
        _refuse(path)


def _check_dump(path):
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed: sudo apt-get install postgresql-client")
    # Read the table of contents, then every block of the archive, without touching any database.
    listing = subprocess.run(["pg_restore", "--list", str(path)], capture_output=True, text=True)
    if listing.returncode != 0 or " TABLE DATA public alembic_version " not in listing.stdout:
        _refuse(path)
    whole = subprocess.run(["pg_restore", "--file", os.devnull, str(path)], capture_output=True, text=True)
    if whole.returncode != 0:
        _refuse(path)


def restore(db, source, aside=None):
    """Replace the database with a backup, after checking the backup is whole; the old one is kept at *aside*.

    *aside* defaults to the SQLite file's name plus ``.before-restore``; on PostgreSQL nothing is kept unless it
    is given. Stop the server first: a restore replaces what it would be reading.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file {source}.")
    if db.is_sqlite:
        _check_sqlite(source)
        db.dispose()
        live = _sqlite_path(db)
        if live.exists():
            backup(db, aside or live.with_name(live.name + ".before-restore"))
        _copy_sqlite(source, live)
        return live
    _check_dump(source)
    if aside:
        backup(db, aside)
    db.dispose()
    # One transaction: if anything fails, the database is left as it was.
    result = _postgres(db, "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                       str(source))
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed; the database was left as it was: {result.stderr.strip()}")
    return source
