"""The server's public address: the one families' phones and printed cards use, first seen, then confirmed by staff."""

from urllib.parse import urlsplit

from accessible import audit
from accessible.errors import Invalid
from accessible.models import ServerSetting

#: Names of this machine itself: always served, and links made from them are for this machine only.
LOOPBACK = ("localhost", "127.0.0.1", "[::1]", "::1")
_ADDRESS, _CONFIRMED = "public_address", "public_address_confirmed"


def normalise(url):
    """Return *url* as scheme://host[:port] in lower case, or raise Invalid saying what a good one looks like."""
    parts = urlsplit((url or "").strip())
    try:
        port = parts.port
    except ValueError:
        port = None
        parts = parts._replace(netloc="")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username or parts.password or any(c in url for c in " \t\r\n"):
        raise Invalid({"address": "Write the address as the home's tablets open it, for example "
                                  "http://192.168.1.20:5000 or https://tyglas.lan:5000."})
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def host_of(address):
    """Return the Host header a request to *address* carries (host, and port when one is written)."""
    return urlsplit(address).netloc


def is_loopback(host):
    """Return True when a Host header names this machine itself (any port), which no phone can reach."""
    host = host.lower()
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    return name in LOOPBACK or name.startswith("127.")


def public_address(session):
    """Return (the address, whether staff have confirmed it), or (None, False) before any was seen."""
    found = {row.name: row.value for row in session.query(ServerSetting).filter(
        ServerSetting.name.in_((_ADDRESS, _CONFIRMED)))}
    return found.get(_ADDRESS), found.get(_CONFIRMED) == "1"


def seen(session, url):
    """Keep *url* as the proposed address if there is none yet (the first address the server was opened at)."""
    if session.get(ServerSetting, _ADDRESS) is None:
        session.add(ServerSetting(name=_ADDRESS, value=normalise(url)))


def confirm(session, url, actor=None):
    """Make *url* the server's address: links and cards use it, and requests for any other host are refused."""
    address = normalise(url)
    for name, value in ((_CONFIRMED, "1"), (_ADDRESS, address)):
        row = session.get(ServerSetting, name)
        if row is None:
            row = ServerSetting(name=name, value=value)
            session.add(row)
        row.value = value
    audit.record(session, actor, "update", row, detail=f"server address set to {address}")
    return address
