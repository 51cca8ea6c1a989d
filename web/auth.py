"""Sign staff in and out, and keep staff pages for signed-in staff only."""

import functools
import time
from urllib.parse import urlsplit

import flask
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from accessible import guessing, people
from accessible.models import Person
from web.i18n import _, current_language

bp = Blueprint("auth", __name__)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the cookie marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        # SESSION_COOKIE_SECURE forces it (e.g. behind a TLS proxy); otherwise HTTPS requests get it by themselves,
        # while plain HTTP on the home's own network still works.
        return bool(app.config["SESSION_COOKIE_SECURE"] or (flask.has_request_context() and request.is_secure))


@bp.record_once
def _use_session_interface(state):
    state.app.session_interface = SessionInterface()


def db():
    """Return the application's database."""
    return current_app.extensions["db"]


def index():
    """Send staff to their pages, everyone else to sign in."""
    return redirect(url_for("staff.dashboard"))


def safe_path(target, under="/"):
    """Return *target* when it is a path on this server under *under*, else None.

    Never an address elsewhere ("//evil", "https://…", "/\\evil"), and nothing a browser would read differently
    from this check: a tab or line break ("/%09/evil" is "//evil" to a browser; a CR/LF would break the header).
    """
    if not target or not target.startswith(under) or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 33 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign a member of staff in."""
    error = None
    if request.method == "POST":
        username = request.form.get("username", "").strip().lower()
        address = request.remote_addr or "unknown"
        with db().write() as s:
            wait = guessing.wait_seconds(s, username, address)
            if wait:
                # The guesser waits, not the account: its owner still signs in from any other device.
                error = (_("Too many wrong passwords from this device. Wait %(n)s seconds and try again, or ask "
                           "a manager to set a new password.", n=wait) if wait > 1 else
                         _("Too many wrong passwords from this device. Wait 1 second and try again, or ask a "
                           "manager to set a new password."))
                return render_template("auth/login.html", error=error), 429, {"Retry-After": str(wait)}
            staff = people.authenticate(s, username, request.form.get("password", ""))
            if staff is not None:
                # The account's language, else one chosen on the sign-in page (kept on the account from now on).
                chosen = session.get("lang")
                if staff.language is None and chosen:
                    staff.language = chosen
                session.clear()  # a new session at sign-in: nothing from before carries over
                session.permanent = True
                session.update(staff_id=staff.id, version=staff.session_version, since=int(time.time()))
                if staff.language:
                    session["lang"] = staff.language
                guessing.succeeded(s, username, address)
                flash(_("Signed in as %(name)s.", name=staff.name))
                return redirect(safe_path(request.args.get("next")) or url_for("staff.dashboard"))
            guessing.failed(s, username, address)
        error = _("That username and password do not match. Check them and try again.")
    return render_template("auth/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    """Sign out, ending every session of the account at once (a copied cookie stops working too)."""
    staff = current_staff()
    if staff is not None:
        with db().write() as s:
            s.get(Person, staff.id).session_version += 1
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang  # the sign-in page stays in the language the person chose
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))


def current_staff():
    """Return the member of staff signed in on this request, or None: the one sign-in check of every route.

    A session past its absolute lifetime, an account disabled, or one whose sessions were ended since (sign out,
    a new password) gives None. Checked once a request and kept in ``g.staff`` (which templates read).
    """
    if "staff" not in g:
        g.staff = _signed_in_staff()
    return g.staff


def _signed_in_staff():
    staff_id = session.get("staff_id")
    if staff_id is None:
        return None
    limit = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    if time.time() - session.get("since", 0) > limit:
        return None
    with db().read() as s:
        staff = s.get(Person, staff_id)
        if staff is None or staff.kind != "staff" or not staff.active:
            return None
        if staff.session_version != session.get("version"):
            return None  # the password changed or the account was disabled since
        s.expunge(staff)
        return staff


def staff_required(view):
    """Let only signed-in staff reach *view*; others are sent to sign in."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        staff = current_staff()
        if staff is not None:
            # Chosen on another device too: the account's choice wins. Settled once for the whole page.
            g.lang = staff.language or current_language()
        if staff is None:
            session.clear()
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)

    return wrapped
