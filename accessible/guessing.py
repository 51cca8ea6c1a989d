"""Slow password guessing down: wrong passwords counted in the database, by account and address, never a lockout."""

import hashlib
import math
from datetime import timedelta

from sqlalchemy import delete, select

from accessible.models import SignInFailure, utcnow

#: Wrong passwords are remembered this long.
WINDOW = timedelta(minutes=15)
#: Free tries for one account from one address, and for all accounts from one address, before each try waits.
FREE_PER_ACCOUNT, FREE_PER_ADDRESS = 5, 20
#: The wait doubles with every further wrong password (2, 4, 8 … seconds) up to this: slow, never locked out.
LONGEST_WAIT = 60


def _key(*parts):
    # Hashed: the table holds no usernames or addresses, only what is needed to count.
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _keys(username, address):
    return ((_key("account", username, address), FREE_PER_ACCOUNT), (_key("address", address), FREE_PER_ADDRESS))


def wait_seconds(session, username, address):
    """Return how many seconds this address must wait before trying *username* again (0: it may try now).

    Only the address that guessed waits: the account still signs in from every other device.
    """
    now, wait = utcnow(), 0.0
    for key, free in _keys(username, address):
        times = session.scalars(select(SignInFailure.at).where(SignInFailure.key == key,
                                                               SignInFailure.at > now - WINDOW)).all()
        if len(times) >= free:
            delay = min(LONGEST_WAIT, 2 ** (len(times) - free + 1))
            wait = max(wait, delay - (now - max(times)).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def failed(session, username, address):
    """Count one wrong password for *username* from *address*, and forget those older than the window."""
    now = utcnow()
    session.execute(delete(SignInFailure).where(SignInFailure.at <= now - WINDOW))
    session.add_all(SignInFailure(key=key, at=now) for key, _free in _keys(username, address))


def succeeded(session, username, address):
    """Forget the wrong passwords for *username* from *address*: its owner is back."""
    session.execute(delete(SignInFailure).where(SignInFailure.key == _keys(username, address)[0][0]))
