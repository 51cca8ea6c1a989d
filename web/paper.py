"""Paper on the staff side: print downloads, and what a printed page's QR code leads to."""

from flask import Blueprint, current_app, flash, g, redirect, request, url_for

from accessible import printouts, topics
from accessible.errors import Invalid
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
