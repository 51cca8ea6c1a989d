"""Staff accounts: change your own password; managers add accounts, disable a leaver's, set a new password."""

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from accessible import guessing, people
from accessible.errors import Invalid
from accessible.models import Home, Person
from web.auth import db, staff_required
from web.i18n import _
from web.records import manager_required

bp = Blueprint("accounts", __name__, url_prefix="/staff")


@bp.route("/password", methods=["GET", "POST"])
@staff_required
def own_password():
    """Change your own password; every place you are signed in is signed out, this one too."""
    errors = {}
    if request.method == "POST":
        new = request.form.get("new_password", "")
        try:
            _check_current_password()
            with db().write() as s:
                staff = s.get(Person, g.staff.id)
                weak = people.password_problem(new, staff.username, staff.name)
                if weak:
                    raise Invalid({"new_password": weak})
                if new != request.form.get("repeat", ""):
                    raise Invalid({"repeat": "The new password and its repeat are not the same."})
                people.set_password(s, staff, new, actor=staff)
        except Invalid as e:
            errors = e.problems
        else:
            session.clear()
            flash(_("Your password has been changed. Sign in with the new one."))
            return redirect(url_for("auth.login"))
    with db().read() as s:
        return render_template("staff/password.html", home=s.get(Home, g.staff.home_id),
                               errors=errors), 400 if errors else 200


def _check_current_password():
    """Raise Invalid unless the form's current password is right; guessing it is slowed as signing in is."""
    address = request.remote_addr or "unknown"
    with db().write() as s:  # a wrong guess is counted even though the change is refused
        username = s.get(Person, g.staff.id).username
        wait = guessing.wait_seconds(s, username, address)
        if wait:
            problem = (_("Too many wrong passwords. Wait %(n)s seconds and try again.", n=wait) if wait > 1 else
                       _("Too many wrong passwords. Wait 1 second and try again."))
        elif people.authenticate(s, username, request.form.get("password", "")) is None:
            guessing.failed(s, username, address)
            problem = _("That is not your current password.")
        else:
            return
    raise Invalid({"password": problem})


def _accounts_page(errors=None, status=200):
    with db().read() as s:
        home = s.get(Home, g.staff.home_id)
        staff = s.query(Person).filter_by(home_id=home.id, kind="staff").order_by(Person.active.desc(),
                                                                                   Person.name).all()
        return render_template("staff/accounts.html", home=home, accounts=staff, errors=errors or {},
                               form=request.form if errors else {}), status


def _account(s, account_id):
    staff = s.get(Person, account_id)
    if staff is None or staff.kind != "staff" or staff.home_id != g.staff.home_id:
        raise Invalid({"account": "That is not a staff account of this home."})
    return staff


@bp.route("/accounts", methods=["GET", "POST"])
@manager_required
def accounts():
    """List the home's staff accounts; add one."""
    if request.method == "POST":
        try:
            with db().write() as s:
                staff = people.add_staff(s, s.get(Home, g.staff.home_id), request.form.get("username"),
                                         request.form.get("password"), name=request.form.get("name"),
                                         role=request.form.get("role", "staff"), actor=s.merge(g.staff))
                flash(_("%(name)s can now sign in as %(username)s.", name=staff.name, username=staff.username))
        except Invalid as e:
            return _accounts_page(e.problems, 400)
        return redirect(url_for("accounts.accounts"))
    return _accounts_page()


@bp.post("/accounts/<int:account_id>/active")
@manager_required
def set_active(account_id):
    """Disable the account of someone who has left (they are signed out at once), or enable it again."""
    active = request.form.get("active") == "1"
    try:
        with db().write() as s:
            staff = _account(s, account_id)
            people.set_active(s, staff, active, actor=s.merge(g.staff))
            flash(_("%(name)s can sign in again.", name=staff.name) if active else
                  _("%(name)s's account is disabled: they are signed out and cannot sign in.", name=staff.name))
    except Invalid as e:
        return _accounts_page(e.problems, 400)
    return redirect(url_for("accounts.accounts"))


@bp.post("/accounts/<int:account_id>/password")
@manager_required
def set_password(account_id):
    """Give a member of staff a new password (they forgot theirs); they are signed out everywhere."""
    try:
        with db().write() as s:
            staff = _account(s, account_id)
            people.set_password(s, staff, request.form.get("new_password", ""), actor=s.merge(g.staff))
            flash(_("%(name)s has a new password. Tell them in person; they are signed out everywhere.",
                    name=staff.name))
            own = staff.id == g.staff.id
    except Invalid as e:
        return _accounts_page(e.problems, 400)
    if own:
        session.clear()
        return redirect(url_for("auth.login"))
    return redirect(url_for("accounts.accounts"))
