"""Who a request comes from (staff, a kiosk or a family member), checked the same way on every route that needs one."""

import time
from dataclasses import dataclass

from flask import current_app, session

from accessible.models import Person
from web.auth import current_staff, db


@dataclass(frozen=True)
class Visitor:
    """Whose session this is: *kind* staff, kiosk or family, of which home, and a key to count its requests by
    (the person, the kiosk's resident or the family card: opening a new session does not start a new count)."""

    kind: str
    home_id: int
    key: str


def current():
    """Return the Visitor of this request's session after every check its own pages make, or None.

    A staff session that was signed out, a family session whose link was revoked or which pressed "I have finished",
    and a kiosk left idle or whose resident has left, all give None: copying the cookie first does not help.
    """
    staff = current_staff()
    if staff is not None:
        return Visitor("staff", staff.home_id, f"staff:{staff.id}")
    if "family_link" in session:
        from web.family import _load_link

        with db().read() as s:
            link, problem = _load_link(s)
            if problem is None:
                return Visitor("family", link.resident.home_id, f"family:{link.id}")
        return None
    state = session.get("kiosk")
    if state:
        if time.time() - state.get("seen", 0) > current_app.config["KIOSK_IDLE_SECONDS"] + 60:
            return None
        with db().read() as s:
            resident = s.get(Person, state.get("resident"))
            if resident is not None and resident.active and resident.kind == "resident":
                return Visitor("kiosk", resident.home_id, f"kiosk:{resident.id}")
    return None
