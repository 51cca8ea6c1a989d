"""Find the one data folder that holds all of a home's data, and keep it its owner's alone."""

import os
import stat
import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
#: Flask's instance folder for the ``web`` package: ``instance/`` in a checkout, and where Flask puts it for an
#: installed package (``<environment>/var/web-instance``) once installed from the wheel.
DEFAULT_DATA_DIR = (_CHECKOUT / "instance" if (_CHECKOUT / "pyproject.toml").exists()
                    else Path(sys.prefix) / "var" / "web-instance")


def data_dir(explicit=None):
    """Return the data folder: *explicit*, else ``ACCESSIBLE_DATA``, else the instance folder.

    The folder is created if it does not exist yet, and made private (see make_private).
    """
    chosen = explicit or os.environ.get("ACCESSIBLE_DATA") or DEFAULT_DATA_DIR
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    make_private(path)
    return path


def make_private(path):
    """Make *path* readable by its owner alone: folders 0700, files 0600, and what this process makes from now on.

    The database, uploads and kept scans hold residents' personal data; on a shared machine no other account
    reads them. Sets the process's umask to 077.
    """
    os.umask(0o077)
    for folder, _dirs, files in os.walk(path):
        for name, mode in [(folder, 0o700)] + [(os.path.join(folder, f), 0o600) for f in files]:
            try:
                info = os.lstat(name)
                if not stat.S_ISLNK(info.st_mode) and stat.S_IMODE(info.st_mode) & 0o077:
                    os.chmod(name, stat.S_IMODE(info.st_mode) & mode)
            except OSError:
                continue  # not ours, or gone: nothing to tighten
