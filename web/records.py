"""Staff records pages: exports, people's data rights (copy and erasure) and the audit trail."""

import functools
import json
from datetime import date

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from accessible import archive, audit, ideas, people, rights, topics
from accessible.errors import Invalid
from accessible.models import Home
from web.auth import db, staff_required
from web.i18n import _

bp = Blueprint("records", __name__, url_prefix="/staff/records")


def manager_required(view):
    """Let only managers reach *view*: exports, erasure and the audit trail hold everyone's data."""

    @functools.wraps(view)
    @staff_required
    def wrapped(**kwargs):
        if g.staff.role != "manager":
            abort(403)
        return view(**kwargs)

    return wrapped


def _download(data, mimetype, filename):
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/topics/<int:topic_id>/results.<fmt>")
@staff_required
def topic_results(topic_id, fmt):
    """Download a topic's answers as CSV or JSON, each marked whether it counts."""
    if fmt not in ("csv", "json"):
        abort(404)
    with db().write() as s:
        topic = topics.get_topic(s, g.staff.home_id, topic_id)
        rows = archive.topic_results(s, topic)
        audit.record(s, s.merge(g.staff), "export", topic, detail=f"results {fmt}")
    if fmt == "csv":
        return _download(archive.results_csv(rows), "text/csv", f"topic-{topic_id}-results.csv")
    return _download(json.dumps(rows, indent=2, ensure_ascii=False), "application/json",
                     f"topic-{topic_id}-results.json")


@bp.get("/")
@manager_required
def index():
    """Show the records tools: the home archive, people's data, and the audit trail."""
    resident_id = request.args.get("resident", type=int)
    with db().read() as s:
        home = s.get(Home, g.staff.home_id)
        # Residents who left and disabled staff too: their data is still held, and may still be asked for.
        everyone = [p for kind in ("resident", "family", "staff") for p in people.people(s, home.id, kind,
                                                                                         with_inactive=True)]
        return render_template("staff/records.html", home=home, everyone=everyone,
                               events=audit.events(s, home.id, resident_id=resident_id),
                               resident_id=resident_id)


@bp.get("/home.json")
@manager_required
def export_home():
    """Download the whole home as a JSON archive; ``?for=moving`` adds what a new machine needs to sign staff in
    and keep the cards working (password and card-link hashes)."""
    moving = request.args.get("for") == "moving"
    with db().write() as s:
        # The rows are read now; the kept scans and photos a few MB at a time as the download goes.
        text = archive.export_home_text(s, g.staff.home_id, current_app.instance_path, for_moving=moving)
        audit.record(s, s.merge(g.staff), "export", s.get(Home, g.staff.home_id),
                     detail="home archive for moving" if moving else "home archive")
    return _download(text, "application/json", f"home-archive-{date.today().isoformat()}.json")


@bp.get("/people/<int:person_id>.<fmt>")
@manager_required
def person_data(person_id, fmt):
    """Download everything held about one person (a subject access request), as JSON or a readable PDF."""
    if fmt not in ("json", "pdf"):
        abort(404)
    with db().write() as s:
        person = people.get_person(s, g.staff.home_id, person_id)
        data = rights.person_data(s, person)
        lang = (person.needs.language if person.needs else None) or s.get(Home, person.home_id).language
        audit.record(s, s.merge(g.staff), "export", person,
                     resident=person if person.kind == "resident" else None, detail=f"person data {fmt}")
    if fmt == "pdf":
        from accessible import printing

        return _download(printing.render_person(data, lang).pdf, "application/pdf", f"person-{person_id}-data.pdf")
    return _download(json.dumps(data, indent=2, ensure_ascii=False), "application/json",
                     f"person-{person_id}-data.json")


@bp.post("/people/<int:person_id>/erase")
@manager_required
def erase(person_id):
    """Erase a family member's contributions, once the manager has typed their name to confirm."""
    with db().write() as s:
        person = people.get_person(s, g.staff.home_id, person_id, "family")
        if request.form.get("confirm_name", "").strip() != person.name:
            flash(_("Nothing was erased: type %(name)s's name exactly to confirm.", name=person.name))
            return redirect(url_for("records.index"))
        name = person.name
        try:
            erased = rights.erase_family_member(s, person, s.merge(g.staff))
        except Invalid as e:  # pragma: no cover - people.get_person already checked the kind
            flash(_(e.message))
            return redirect(url_for("records.index"))
    # Saved: the recordings of their erased ideas go from the disk now, not at the next sweep.
    ideas.forget_recordings(current_app.instance_path, erased.recordings)
    flash(_erased_message(name, erased))
    return redirect(url_for("records.index"))


def _erased_message(name, erased):
    """Say what was erased of a family member, and what became of their ideas."""
    said = _("%(name)s's answers, comments and links have been erased for good.", name=name)
    n = erased.ideas_deleted
    if n:
        said += " " + (_("Their idea not accepted into a topic was erased too.") if n == 1 else
                       _("Their %(n)s ideas not accepted into a topic were erased too.", n=n))
    n = erased.options_kept
    if n:
        said += " " + (_("The option they proposed stays in its topic, as people may have chosen it or have it on "
                         "paper, but no longer says who proposed it.") if n == 1 else
                       _("The %(n)s options they proposed stay in their topics, as people may have chosen them or "
                         "have them on paper, but no longer say who proposed them.", n=n))
    return said
