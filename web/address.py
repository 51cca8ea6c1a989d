"""The server's public address on the web: refuse requests for other hosts, and build family links from it."""

import time

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from accessible import addresses
from accessible.errors import Invalid
from web.auth import db
from web.i18n import _
from web.records import manager_required

bp = Blueprint("address", __name__)
#: The address is read again from the database this often (a change made with another process shows by then).
KEEP_SECONDS = 10


def _known(refresh=False):
    """Return (address, confirmed), kept for a few seconds so every request does not read it."""
    kept = current_app.extensions.get("public_address")
    if refresh or kept is None or time.monotonic() - kept[2] > KEEP_SECONDS:
        with db().read() as s:
            kept = (*addresses.public_address(s), time.monotonic())
        current_app.extensions["public_address"] = kept
    return kept[0], kept[1]


def _check_host():
    """Refuse a request for a host that is not the server's confirmed address; note the first address seen."""
    host = request.host.lower()
    if addresses.is_loopback(host):
        return None
    address, confirmed = _known()
    if confirmed and host != addresses.host_of(address):
        return render_template("errors/wrong_host.html", address=address), 421
    if address is None:
        try:
            with db().write() as s:
                addresses.seen(s, request.host_url)
        except Invalid:
            return None  # a Host header that is no address at all is not kept
        _known(refresh=True)
    return None


def link_base():
    """Return the address family links and printed codes are made with, or None until staff have confirmed one.

    On this machine itself (localhost) the request's own address is used, as before: such links are for it alone.
    """
    address, confirmed = _known()
    if confirmed:
        return address
    if addresses.is_loopback(request.host):
        return request.host_url.rstrip("/")
    return None


def needs_confirming():
    """Say on staff pages that family links wait for the server's address to be confirmed."""
    if not getattr(g, "staff", None) or addresses.is_loopback(request.host):
        return {}
    address, confirmed = _known()
    return {} if confirmed else {"address_to_confirm": address or request.host_url.rstrip("/")}


@bp.route("/staff/address", methods=["GET", "POST"])
@manager_required
def confirm():
    """Show and confirm the address the home's phones and tablets open this server at."""
    errors = {}
    address, confirmed = _known(refresh=True)
    if request.method == "POST":
        try:
            with db().write() as s:
                address = addresses.confirm(s, request.form.get("address"), actor=s.merge(g.staff))
            _known(refresh=True)
            flash(_("Family links and printed cards now use %(address)s. Requests for any other address are refused.",
                    address=address))
            return redirect(url_for("staff.dashboard"))
        except Invalid as e:
            errors = e.problems
    return render_template("staff/address.html", address=address or request.host_url.rstrip("/"),
                           confirmed=confirmed, errors=errors, form=request.form), 400 if errors else 200


def init_app(app):
    """Check every request's host, and tell staff pages whether the address waits for confirming."""
    app.before_request(_check_host)
    app.context_processor(needs_confirming)
    app.register_blueprint(bp)
