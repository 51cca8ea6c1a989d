"""Paper on the staff side: print downloads, and what a printed page's QR code leads to."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, send_file, url_for

from accessible import people, printouts, topics
from accessible.errors import Invalid
from accessible.models import Home, PaperReview
from accessible.paper import answers, read
from web.auth import db, staff_required

bp = Blueprint("paper", __name__)


@bp.get("/staff/topics/<int:topic_id>/print/<what>.pdf")
@staff_required
def download(topic_id, what):
    """Download a printout of a topic as PDF (cards, menu, form or poster)."""
    try:
        with db().write() as s:
            topic = topics.get_topic(s, g.staff.home_id, topic_id)
            resident_id = request.args.get("resident", type=int)
            resident = printouts.resident_of(s, resident_id, topic.home_id) if resident_id else None
            result = printouts.render(
                s, topic, what, current_app.instance_path, request.host_url, resident=resident,
                lang=request.args.get("lang") if request.args.get("lang") in ("en", "cy") else None,
                sheet="a5" if request.args.get("sheet") == "a5" else "a4-4up",
                size="a3" if request.args.get("size") == "a3" else "a4",
                each_resident=request.args.get("each") == "1", actor=s.merge(g.staff))
    except Invalid as e:
        flash(str(e))
        return redirect(url_for("staff.topic", topic_id=topic_id))
    response = current_app.response_class(result.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="topic-{topic_id}-{what}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/p/<code>")
@staff_required
def page(code):
    """Show staff which topic (and resident) a printed answer page belongs to."""
    with db().read() as s:
        found = printouts.paper_page(s, code)
        if found is None or found.topic.home_id != g.staff.home_id:
            flash("That printed page is not known here: it may be from another home, or a copy of an old form.")
            return redirect(url_for("staff.dashboard"))
        who = f" for {found.resident.name}" if found.resident_id else " (blank form)"
        flash(f"Printed answer page {code}{who}, printed {found.printed_at:%d %B %Y}.")
        return redirect(url_for("staff.topic", topic_id=found.topic_id))


@bp.route("/staff/paper", methods=["GET", "POST"])
@staff_required
def scans():
    """Upload filled forms (photos, scans, PDF or TIFF), read them, and show what waits for review."""
    results = []
    if request.method == "POST":
        files = [f for f in request.files.getlist("scans") if f.filename]
        if not files:
            flash("Choose the photos or scans of the filled forms first.")
            return redirect(url_for("paper.scans"))
        for upload in files:
            try:
                pages = list(read.page_images(upload.read(), upload.filename))
            except read.BadScan as e:
                results.append({"source": upload.filename, "error": str(e)})
                continue
            for label, image in pages:
                try:
                    with db().write() as s:
                        reading = read.read_page(image, _own_pages(s), source=label)
                        outcome = answers.record(s, reading, current_app.instance_path)
                    results.append({"source": label, "page": reading.page, "recorded": len(outcome.recorded),
                                    "review": len(outcome.review)})
                except read.PageNotRecognised as e:
                    results.append({"source": label, "error": str(e)})
    with db().read() as s:
        home = s.get(Home, g.staff.home_id)
        return render_template("staff/paper.html", home=home, results=results,
                               items=answers.pending(s, home.id),
                               residents=people.people(s, home.id, "resident"), json_marks=_marks)


def _marks(item):
    import json

    return json.loads(item.marks)


def _own_pages(s):
    """Look pages up only among this home's printed pages: another home's forms are not read here."""
    lookup = answers.boxes_for(s)

    def boxes(code):
        page = printouts.paper_page(s, code)
        return lookup(code) if page is not None and page.topic.home_id == g.staff.home_id else None

    return boxes


@bp.get("/staff/paper/crops/<name>")
@staff_required
def crop(name):
    """Send the crop of a question or write-in area from a read page."""
    try:
        path = answers.crop_path(current_app.instance_path, name)
    except KeyError:
        abort(404)
    with db().read() as s:
        item = s.query(PaperReview).filter_by(crop=name).one_or_none()
        if item is None or item.paper_page.topic.home_id != g.staff.home_id or not path.exists():
            abort(404)
    return send_file(path, mimetype="image/png", max_age=0)


@bp.post("/staff/paper/review/<int:item_id>")
@staff_required
def settle(item_id):
    """Settle one paper question: the answer staff can see, no answer, or the words typed in."""
    try:
        with db().write() as s:
            item = s.get(PaperReview, item_id)
            if item is None or item.paper_page.topic.home_id != g.staff.home_id or item.state != "pending":
                flash("That paper question has been settled already.")
                return redirect(url_for("paper.scans"))
            person_id = request.form.get("person", type=int)
            person = people.get_person(s, g.staff.home_id, person_id) if person_id else None
            answers.resolve(s, item, s.merge(g.staff), choice=request.form.get("choice"), person=person,
                            text=request.form.get("text"))
        flash("Thank you: that paper question is settled.")
    except Invalid as e:
        flash(str(e))
    return redirect(url_for("paper.scans"))
