"""Paper on the staff side: print downloads, and what a printed page's QR code leads to."""

import json

import cv2
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.datastructures import MultiDict

from accessible import audit, card_jobs, decoding, people, printing, printouts, topics
from accessible.errors import Invalid
from accessible.models import Home, PaperCheck
from accessible.paper import answers, read
from accessible.paper import scans as scan_files
from accessible.scales import VALUE_NAMES
from web.address import link_base
from web.auth import db, staff_required
from web.i18n import _

bp = Blueprint("paper", __name__)


#: What a form's printing is asked: whose, in which language, how many blank copies and for whom.
FORM_FIELDS = ("resident", "each", "lang", "copies", "for")


@bp.route("/staff/topics/<int:topic_id>/print/<what>.pdf", methods=["GET", "POST"])
@staff_required
def download(topic_id, what):
    """Download a printout of a topic as PDF (cards, menu, form or poster).

    Cards and forms make records (family links; each printed page's code, so it can be read back): a POST makes
    them. A GET of cards shows where to start them (see make_cards); a GET of a form shows the button that prints
    it, and makes nothing. Menus and posters are only read, so a link opens them.
    """
    if what == "cards":
        if request.method == "POST":
            return make_cards(topic_id)
        flash(_("Press “Make the picture cards”: this page then shows how far they have got."))
        return redirect(url_for("staff.topic", topic_id=topic_id) + "#print-h")
    if what == "form":
        return print_form(topic_id, request.form) if request.method == "POST" else _form_button(topic_id)
    try:
        with db().read() as s:
            topic = topics.get_topic(s, g.staff.home_id, topic_id)
            result = printouts.render(
                s, topic, what, current_app.instance_path, link_base() or "", lang=_lang(request.args),
                size="a3" if request.args.get("size") == "a3" else "a4")
    except Invalid as e:
        flash(_(e.message))
        return redirect(url_for("staff.topic", topic_id=topic_id))
    return _pdf_response(result.pdf, f"topic-{topic_id}-{what}.pdf")


def _lang(values):
    return values.get("lang") if values.get("lang") in ("en", "cy", "both") else None


def _resident(s, topic, values):
    """Return the resident whose form *values* ask for (their ``resident``), or None for a blank form."""
    resident_id = values.get("resident", type=int)
    return printouts.resident_of(s, resident_id, topic.home_id) if resident_id else None


def _pdf_response(pdf, name):
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_button(topic_id):
    """Show what a form's link asks to print and the button that prints it: a GET makes no page codes."""
    asked = {k: request.args[k] for k in FORM_FIELDS if request.args.get(k)}
    with db().read() as s:
        topic = topics.get_topic(s, g.staff.home_id, topic_id)
        return render_template("staff/print_form.html", topic=topic, asked=asked,
                               resident=_resident(s, topic, request.args),
                               each=request.args.get("each") == "1", copies=request.args.get("copies", type=int),
                               audience=request.args.get("for"))


def print_form(topic_id, values):
    """Print a topic's large-print form as *values* (a POST's form) ask, recording each page's code; return the PDF."""
    try:
        with db().write() as s:
            topic = topics.get_topic(s, g.staff.home_id, topic_id)
            result = printouts.render(
                s, topic, "form", current_app.instance_path, link_base() or "", resident=_resident(s, topic, values),
                lang=_lang(values),
                each_resident=values.get("each") == "1", actor=s.merge(g.staff),
                copies=values.get("copies", default=1, type=int), audience=values.get("for") or None)
    except Invalid as e:
        flash(_(str(e)))
        return redirect(url_for("staff.topic", topic_id=topic_id))
    return _pdf_response(result.pdf, f"topic-{topic_id}-form.pdf")


@bp.post("/staff/topics/<int:topic_id>/cards")
@staff_required
def make_cards(topic_id):
    """Start making a topic's family cards in the background; show how far they have got.

    Each family member's current link is printed (made now if they have none); with ``replace=1``, sent from the
    page that asks first, new links replace the old and the old cards stop working. One job at a time per home.
    """
    base = link_base()
    if base is None:
        flash(_("Confirm this server's address first (a manager does this once): the cards' codes must lead to it."))
        return redirect(url_for("address.confirm"))
    data_dir = current_app.instance_path
    lang = request.form.get("lang") if request.form.get("lang") in ("en", "cy") else None
    sheet = "a5" if request.form.get("sheet") == "a5" else "a4-4up"
    try:
        card_jobs.check_free(data_dir, g.staff.home_id)  # before any link is made or replaced
        with db().write() as s:
            topic = topics.get_topic(s, g.staff.home_id, topic_id)
            resident_id = request.form.get("resident", type=int)
            resident = printouts.resident_of(s, resident_id, topic.home_id) if resident_id else None
            # The links are made (or replaced) now, quickly; drawing the cards is left to the job.
            printable, sets = printouts.cards_to_print(s, topic, data_dir, base, resident=resident, lang=lang,
                                                       actor=s.merge(g.staff),
                                                       replace_cards=request.form.get("replace") == "1")
        count = len(printing.cards_of(printable, sets))
        job = card_jobs.start(data_dir, g.staff.home_id, lambda progress: printing.render_cards(
            printable, sets, base, sheet=sheet, progress=progress).pdf, count, topic_id=topic_id)
    except Invalid as e:
        flash(_(e.message))
        return redirect(url_for("staff.topic", topic_id=topic_id) + "#print-h")
    return redirect(url_for("paper.cards_job", topic_id=topic_id, job=job), code=303)


def _job_view(topic_id, job):
    """Return what staff are told of a cards job (the state, words, progress and the PDF's address), or 404."""
    state = card_jobs.status(current_app.instance_path, g.staff.home_id, job)
    if state is None or state.get("topic") != topic_id:
        abort(404)
    cards, done = state["cards"], state["done"]
    words = {
        "waiting": _("Waiting: other cards are being made first."),
        "running": _("Making cards: setting out %(done)s of %(cards)s", done=min(done, cards), cards=cards)
        if done < cards else _("Making cards: %(done)s of %(cards)s ready", done=done - cards, cards=cards),
        "done": _("The cards are ready: %(cards)s cards.", cards=cards),
        "failed": _("The cards could not be made because of a problem on the server. Make them again; if it "
                    "happens again, tell whoever looks after this computer."),
        "stopped": _("The server stopped while making these cards. Make them again: the same codes are printed."),
        "expired": _("These cards were made over an hour ago and have been removed, since they carry family "
                     "members' links. Make them again: the same codes are printed."),
    }[state["state"]]
    return {"state": state["state"], "done": done, "total": state["total"], "cards": cards, "message": words,
            "pdf": url_for("paper.cards_pdf", topic_id=topic_id, job=job) if state["state"] == "done" else None}


@bp.get("/staff/topics/<int:topic_id>/cards/<job>")
@staff_required
def cards_job(topic_id, job):
    """Show how far a topic's cards have got, then the PDF to open (the page asks again by itself, see cards.js)."""
    view = _job_view(topic_id, job)
    with db().read() as s:
        topic = topics.get_topic(s, g.staff.home_id, topic_id)
        return render_template("staff/cards_job.html", topic=topic, job=view,
                               status_url=url_for("paper.cards_status", topic_id=topic_id, job=job))


@bp.get("/staff/topics/<int:topic_id>/cards/<job>/status")
@staff_required
def cards_status(topic_id, job):
    """Return how far a topic's cards have got, as JSON, for the page that shows it."""
    response = jsonify(_job_view(topic_id, job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/staff/topics/<int:topic_id>/cards/<job>/cards.pdf")
@staff_required
def cards_pdf(topic_id, job):
    """Open the finished cards (staff of this home only; removed an hour after they were made)."""
    _job_view(topic_id, job)  # 404 unless the job is this home's, for this topic
    path = card_jobs.pdf_path(current_app.instance_path, g.staff.home_id, job)
    if path is None:
        abort(404)
    response = current_app.response_class(path.read_bytes(), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="topic-{topic_id}-cards.pdf"'
    return _private(response)


@bp.get("/p/<code>")
@staff_required
def page(code):
    """Show staff which topic (and resident) a printed answer page belongs to."""
    with db().read() as s:
        found = printouts.paper_page(s, code)
        if found is None or found.topic.home_id != g.staff.home_id:
            flash(_("That printed page is not known here: it may be from another home, or a copy of an old form."))
            return redirect(url_for("staff.dashboard"))
        printed = f"{found.printed_at:%d} {_(found.printed_at.strftime('%B'))} {found.printed_at:%Y}"
        flash(_("Printed answer page %(code)s for %(name)s, printed %(date)s.", code=code, name=found.resident.name,
                date=printed) if found.resident_id else
              _("Printed answer page %(code)s (blank form), printed %(date)s.", code=code, date=printed))
        return redirect(url_for("staff.topic", topic_id=found.topic_id))


@bp.route("/staff/paper", methods=["GET", "POST"])
@staff_required
def scans():
    """Upload filled forms (photos, scans, PDF or TIFF), read them, and show what waits for staff to check."""
    results = []
    if request.method == "POST":
        files = [f for f in request.files.getlist("scans") if f.filename]
        if not files:
            flash(_("Choose the photos or scans of the filled forms first."))
            return redirect(url_for("paper.scans"))
        for upload in files:
            kept = _keep(upload)
            if "error" in kept:
                results.append(kept)
                continue
            results.extend(_read(kept["upload"], number) for number in range(1, kept["pages"] + 1))
    with db().read() as s:
        home = s.get(Home, g.staff.home_id)
        items = answers.pending(s, home.id)
        return render_template("staff/paper.html", home=home, results=results, items=items,
                               checks={item.id: _check_view(s, item) for item in items},
                               residents=people.people(s, home.id, "resident"),
                               family=people.people(s, home.id, "family"), describe=describe,
                               open_topics=[t for t in topics.topics(s, home.id) if t.stage in topics.PRINTABLE_STAGES])


@bp.route("/staff/paper/blank", methods=["GET", "POST"])
@staff_required
def blank():
    """Print blank forms of a topic, for residents or family members, each sheet with its own code (a POST)."""
    values = request.form if request.method == "POST" else request.args
    topic_id = values.get("topic", type=int)
    if topic_id is None:
        flash(_("Choose the topic to print blank forms of."))
        return redirect(url_for("paper.scans"))
    asked = {"copies": values.get("copies", default=1, type=int),
             "for": "family" if values.get("for") == "family" else "resident"}
    if request.method == "POST":
        return print_form(topic_id, MultiDict(asked))
    return redirect(url_for("paper.download", topic_id=topic_id, what="form", **asked))


def describe(result):
    """Return what staff are told about one page read (or a file refused), in plain words."""
    if "error" in result:
        return f"{result['source']}: {_(result['error'])}"
    n = result["recorded"]
    text = f"{result['source']}: " + (_("1 answer recorded") if n == 1 else _("%(n)s answers recorded", n=n))
    if result["to_check"]:
        text += _(", %(n)s for you to look at", n=result["to_check"])
    if result.get("replaced"):
        text += _(". This page was read before: this reading replaces the earlier one, which no longer counts")
    return text + "."


def _keep(file):
    """Keep one uploaded file; return {"upload": id, "name", "pages"} or {"source", "error"}."""
    return scan_files.keep_file(db(), g.staff.home_id, current_app.instance_path, file.filename, file.read(),
                                actor=g.staff)


def _upload_of(s, upload_id):
    try:
        return scan_files.upload_of(s, g.staff.home_id, upload_id)
    except LookupError:
        abort(404)


def _read(upload_id, number):
    """Read one page of a kept upload; return the result with its message for staff."""
    try:
        result = scan_files.read_kept(db(), g.staff.home_id, current_app.instance_path, upload_id, number,
                                      actor=g.staff)
    except LookupError:
        abort(404)
    return {**result, "message": describe(result)}


@bp.post("/staff/paper/uploads")
@staff_required
def upload_one():
    """Keep one uploaded file and say how many pages it has (the upload page's script reads them one by one)."""
    file = request.files.get("scan")
    if file is None or not file.filename:
        return jsonify({"error": _("Choose the photos or scans of the filled forms first.")}), 400
    kept = _keep(file)
    if "error" in kept:
        return jsonify({**kept, "message": describe(kept)}), 400
    return jsonify(kept)


@bp.post("/staff/paper/uploads/<int:upload_id>/pages/<int:number>")
@staff_required
def read_one(upload_id, number):
    """Read one page of a kept upload and record it; say what happened."""
    return jsonify(_read(upload_id, number))


@bp.get("/staff/paper/uploads/<int:upload_id>/pages/<int:number>.png")
@staff_required
def original_page(upload_id, number):
    """Show one page of an upload as it was scanned or photographed (staff of this home only)."""
    folder = current_app.instance_path
    with db().read() as s:
        upload = _upload_of(s, upload_id)
        try:
            png = decoding.run(lambda: cv2.imencode(".png", scan_files.page_image(folder, upload, number)[1])[1])
        except (read.BadScan, FileNotFoundError):
            abort(404)
    with db().write() as s:
        audit.record(s, s.merge(g.staff), "view", _upload_of(s, upload_id), detail=f"page {number} of an uploaded scan")
    return _private(current_app.response_class(png.tobytes(), mimetype="image/png"))


@bp.get("/staff/paper/uploads/<int:upload_id>/original")
@staff_required
def original_file(upload_id):
    """Download an uploaded file exactly as it was uploaded (staff of this home only)."""
    with db().write() as s:
        upload = _upload_of(s, upload_id)
        path, name, kind = scan_files.original_path(current_app.instance_path, upload), upload.name, upload.media_type
        audit.record(s, s.merge(g.staff), "view", upload, detail="uploaded scan downloaded")
    if not path.exists():
        abort(404)
    return _private(send_file(path, mimetype=kind, as_attachment=True, download_name=name, max_age=0))


def _private(response):
    """Keep a scan of people's answers out of every cache."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


STATE_NAMES = {"ticked": "ticked", "empty": "empty", "uncertain": "unclear"}


def _check_view(s, item):
    """Return what the Filled forms page shows of one check: the choices as buttons, the reading in words, the scan."""
    topic = item.paper_page.topic
    options = {o.id: o.label for o in topic.options}
    accepted = {o.id for o in topic.accepted_options}
    marks = json.loads(item.marks)
    choices = []
    for m in marks:
        if m["value"] == "tick":
            label, value = options.get(m["option"], "an option since removed"), str(m["option"])
        else:
            label, value = VALUE_NAMES.get(m["value"], m["value"]), m["value"]
        choices.append({"value": value, "label": label, "read": STATE_NAMES.get(m["state"], m["state"]),
                        "gone": m["value"] == "tick" and m["option"] not in accepted})
    about = options.get(item.option_id) if item.option_id else None
    scan = answers.scan_of(s, item)
    audience = answers.audience_of(item.paper_page, topic)
    # Asked again now, as printed: a form that came back late cannot count, whichever box staff click.
    question = [read.Mark(**m) for m in marks]
    verdict, ticked = answers.judge(question) if question else (None, None)
    late = answers.why_not_counted(topic, question, ticked if verdict == "answer" else None) if question else None
    return {"choices": choices, "about": about, "scan": scan, "upload": scan.upload if scan else None,
            "as_read": "; ".join(f"{c['label']}: {c['read']}" for c in choices), "late": late,
            "anonymous": answers.ANONYMOUS.get(audience) if audience else None}


@bp.get("/staff/paper/crops/<name>")
@staff_required
def crop(name):
    """Send the crop of a question or write-in area from a read page."""
    try:
        path = answers.crop_path(current_app.instance_path, name)
    except KeyError:
        abort(404)
    with db().read() as s:
        item = s.query(PaperCheck).filter_by(crop=name).one_or_none()
        if item is None or item.paper_page.topic.home_id != g.staff.home_id or not path.exists():
            abort(404)
    return send_file(path, mimetype="image/png", max_age=0)


@bp.post("/staff/paper/checks/<int:item_id>")
@staff_required
def settle(item_id):
    """Settle one paper question: the answer staff can see, no answer, or the words typed in."""
    try:
        with db().write() as s:
            item = s.get(PaperCheck, item_id)
            if item is None or item.paper_page.topic.home_id != g.staff.home_id or item.state != "pending":
                flash(_("That paper question has been settled already."))
                return redirect(url_for("paper.scans"))
            person_id = request.form.get("person", type=int)
            person = people.get_person(s, g.staff.home_id, person_id) if person_id else None
            answers.resolve(s, item, s.merge(g.staff), choice=request.form.get("choice"), person=person,
                            text=request.form.get("text"))
        flash(_("Thank you: that paper question is settled."))
    except Invalid as e:
        flash(_(e.message))
    return redirect(url_for("paper.scans"))
