"""Find the one data folder that holds all of a home's data."""

import os
import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent
#: Flask's instance folder for the ``web`` package: ``instance/`` in a checkout, and where Flask puts it for an
#: installed package (``<environment>/var/web-instance``) once installed from the wheel.
DEFAULT_DATA_DIR = (_CHECKOUT / "instance" if (_CHECKOUT / "pyproject.toml").exists()
                    else Path(sys.prefix) / "var" / "web-instance")


def data_dir(explicit=None):
    """Return the data folder: *explicit*, else ``ACCESSIBLE_DATA``, else the instance folder.

    The folder is created if it does not exist yet.
    """
    chosen = explicit or os.environ.get("ACCESSIBLE_DATA") or DEFAULT_DATA_DIR
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
