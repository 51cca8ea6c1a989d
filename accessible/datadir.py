"""Find the one data folder that holds all of a home's data."""

import os
from pathlib import Path

#: Flask's instance folder for the ``web`` package when run from a checkout.
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "instance"


def data_dir(explicit=None):
    """Return the data folder: *explicit*, else ``ACCESSIBLE_DATA``, else the instance folder.

    The folder is created if it does not exist yet.
    """
    chosen = explicit or os.environ.get("ACCESSIBLE_DATA") or DEFAULT_DATA_DIR
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
