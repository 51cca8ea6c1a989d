"""Issue, check and revoke family links: capability tokens printed as QR codes, only hashes kept."""

import base64
import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from accessible import audit
from accessible.errors import Invalid
from accessible.i18n import Message
from accessible.models import FamilyLink, utcnow

#: 32 random bytes: 256 bits, well over the 128 the design asks for.
TOKEN_BYTES = 32
DEFAULT_LIFETIME = timedelta(days=180)
#: A card printed again reuses the family member's link while it has at least this long left to run.
REPRINT_MARGIN = timedelta(days=30)


def token_hash(token):
    """Return the hash under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session, family, resident, topic=None, lifetime=DEFAULT_LIFETIME, actor=None, token=None):
    """Create a link for *family* to speak about *resident*; return (link, raw token). The token is not kept."""
    if resident not in family.residents:
        raise Invalid({"family": Message("%(family)s is not linked to %(resident)s.", family=family.name,
                                         resident=resident.name)})
    if not resident.active:
        raise Invalid({"family": Message("%(name)s has left the home: their family's cards no longer work.",
                                         name=resident.name)})
    token = token or secrets.token_urlsafe(TOKEN_BYTES)
    link = FamilyLink(
        family_id=family.id, resident_id=resident.id, topic_id=topic.id if topic else None,
        token_hash=token_hash(token), expires_at=utcnow() + lifetime,
    )
    session.add(link)
    session.flush()
    audit.record(session, actor, "create", link, resident=resident)
    return link, token


def _card_key(data_dir):
    """Return the data folder's key for card tokens, made the first time (it never leaves the folder)."""
    path = Path(data_dir) / "card_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def _card_token(data_dir, salt):
    digest = hmac.new(_card_key(data_dir), f"family-card:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


#: Letters and digits nobody mistakes for one another (no 0/O, 1/I/L, 5/S): a code is typed from a card by hand.
CODE_LETTERS = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
CODE_LENGTH = 8  # 29^8: over 500 thousand million codes, and wrong tries are limited like wrong links


def _card_code(data_dir, salt):
    digest = hmac.new(_card_key(data_dir), f"family-code:{salt}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    letters = []
    for _ in range(CODE_LENGTH):
        number, i = divmod(number, len(CODE_LETTERS))
        letters.append(CODE_LETTERS[i])
    return "".join(letters[:4]) + "-" + "".join(letters[4:])


def code_hash(code):
    """Return the hash under which a card's short code is stored, whatever its case, spaces or dashes."""
    return token_hash("".join(ch for ch in (code or "").upper() if ch.isalnum()))


def card_code(data_dir, link):
    """Return the short code printed on the cards of *link*, or None for a link made before codes."""
    if not link.token_salt or not link.code_hash:
        return None
    code = _card_code(data_dir, link.token_salt)
    return code if code_hash(code) == link.code_hash else None


def find_code(session, code):
    """Return (link, state) for a code typed from a card, as find() does for a token."""
    cleaned = "".join(ch for ch in (code or "") if ch.isalnum())
    if len(cleaned) != CODE_LENGTH:
        return None, "unknown"
    link = session.scalar(select(FamilyLink).where(FamilyLink.code_hash == code_hash(cleaned)))
    return _state(link)


def card_link(session, family, resident, data_dir, actor=None):
    """Return (link, raw token) for *family*'s cards about *resident*: their current link, else a new one.

    Printing cards again therefore prints the same QR code, and cards already handed out keep working. The
    token is made again from the link's salt and the data folder's key; the database keeps only its hash.
    """
    now = utcnow()
    for link in links_for(session, resident.id):
        if (link.family_id == family.id and link.topic_id is None and link.token_salt and link.revoked_at is None
                and link.expires_at > now + REPRINT_MARGIN):
            token = _card_token(data_dir, link.token_salt)
            if token_hash(token) == link.token_hash:  # a data folder restored with another key: a new link
                return link, token
    salt = secrets.token_hex(16)
    link, token = issue(session, family, resident, actor=actor, token=_card_token(data_dir, salt))
    link.token_salt, link.code_hash = salt, code_hash(_card_code(data_dir, salt))
    return link, token


def find(session, token):
    """Return (link, state) for a raw token: state is "ok", "expired", "revoked" or "unknown"."""
    if not token or len(token) > 200:
        return None, "unknown"
    link = session.scalar(select(FamilyLink).where(FamilyLink.token_hash == token_hash(token)))
    return _state(link)


def _state(link):
    if link is None:
        return None, "unknown"
    if link.revoked_at is not None or not link.family.active or not link.resident.active:
        return link, "revoked"
    if link.expires_at <= utcnow():
        return link, "expired"
    return link, "ok"


def revoke(session, link, actor=None):
    """Revoke one link; others of the same family stay valid."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        audit.record(session, actor, "update", link, resident=link.resident_id, detail="revoked")


def live_links(session, family, resident):
    """Return the links of *family* for *resident* that still open (whatever topic they were printed for)."""
    return [link for link in links_for(session, resident.id)
            if link.family_id == family.id and link.revoked_at is None and link.expires_at > utcnow()]


def revoke_live(session, family, resident, actor=None):
    """Revoke every link of *family* for *resident* that still opens; return how many were revoked."""
    live = live_links(session, family, resident)
    for link in live:
        revoke(session, link, actor=actor)
    return len(live)


def links_for(session, resident_id):
    """Return every link issued for a resident, newest first."""
    query = select(FamilyLink).where(FamilyLink.resident_id == resident_id)
    return session.scalars(query.order_by(FamilyLink.created_at.desc())).all()
