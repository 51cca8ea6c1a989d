"""Sign staff in and out, and keep staff pages for signed-in staff only."""

import functools
import time

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for

from accessible import people
from accessible.models import Person

bp = Blueprint("auth", __name__)


def db():
    """Return the application's database."""
    return current_app.extensions["db"]


def index():
    """Send staff to their pages, everyone else to sign in."""
    return redirect(url_for("staff.dashboard"))


def _safe_next(target):
    # Only a path on this server: never an address elsewhere ("//evil", "https://…").
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign a member of staff in."""
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")
        with db().write() as s:
            staff = people.authenticate(s, username, request.form.get("password", ""))
            if staff is not None:
                session.clear()  # a new session at sign-in: nothing from before carries over
                session.permanent = True
                session.update(staff_id=staff.id, version=staff.session_version, since=int(time.time()))
                flash(f"Signed in as {staff.name}.")
                return redirect(_safe_next(request.args.get("next")) or url_for("staff.dashboard"))
        error = "That username and password do not match. Check them and try again."
    return render_template("auth/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    """Sign out."""
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


def load_staff(session_store):
    """Return the signed-in staff member for this request, or None."""
    staff_id = session_store.get("staff_id")
    if staff_id is None:
        return None
    limit = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    if time.time() - session_store.get("since", 0) > limit:
        return None
    with db().read() as s:
        staff = s.get(Person, staff_id)
        if staff is None or staff.kind != "staff" or not staff.active:
            return None
        if staff.session_version != session_store.get("version"):
            return None  # the password changed or the account was disabled since
        s.expunge(staff)
        return staff


def staff_required(view):
    """Let only signed-in staff reach *view*; others are sent to sign in."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        g.staff = load_staff(session)
        if g.staff is None:
            session.clear()
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)

    return wrapped
