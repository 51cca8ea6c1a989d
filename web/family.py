"""Family pages: open a card's link, give your own view and your guess for your relative, comment."""

import time
from datetime import timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from accessible import comments, family_links, responses, topics
from accessible.errors import Invalid
from accessible.models import FamilyLink, Home
from accessible.scales import RATINGS, VALUE_NAMES
from web import forms
from web.auth import db, safe_path
from web.i18n import _, home_language, language_for
from web.limits import Limiter

bp = Blueprint("family", __name__)

#: A family session lasts this long after the card was scanned; then the card is scanned again.
FAMILY_SESSION = timedelta(hours=3)
#: Wrong or stale links one address may try before it must wait.
token_limiter = Limiter(limit=10, seconds=600)


def _client_key():
    return request.remote_addr or "unknown"


@bp.get("/f/<token>")
def open_link(token):
    """Check a card's link, start a short family session, and go at once to an address without the token."""
    return _open(lambda s: family_links.find(s, token))


@bp.route("/c", methods=["GET", "POST"])
def by_code():
    """Open the family pages with the short code printed on a card, for a phone that cannot scan it."""
    if request.method == "GET":
        return render_template("family/code.html")
    return _open(lambda s: family_links.find_code(s, request.form.get("code", "")), typed=True)


def _open(find, typed=False):
    """Open the link *find* finds: start a family session and go to the family pages, or say what is wrong."""
    key = _client_key()
    if token_limiter.blocked(key):
        return render_template("family/link_problem.html", problem="too-many"), 429
    with db().write() as s:
        link, state = find(s)
        if state != "ok":
            token_limiter.fail(key)
            home = s.get(Home, link.resident.home_id) if state == "expired" else None
            if typed and state != "expired":
                return render_template("family/code.html", wrong=True), 404
            # A revoked link and a made-up one look the same: nothing about the family is revealed.
            return render_template("family/link_problem.html", problem=state if state == "expired" else "unknown",
                                   home=home), 410 if state == "expired" else 404
        link.last_used_at = family_links.utcnow()
        # The relative's own choice (made on any phone), else one made on this phone before, else the phone's
        # language, else the home's: the first visit asks nothing it can tell by itself.
        lang = language_for(link.family.language or session.get("lang"),
                            lambda: s.get(Home, link.resident.home_id).language, browser_first=True)
        session.clear()
        session.update(family_link=link.id, family_since=int(time.time()), family_version=link.session_version,
                       lang=lang)
    response = redirect(url_for("family.start"), code=303)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _load_link(s):
    """Return the family link of this session and what stops it working (None when nothing does).

    "signed-out": no session, or it is over, and scanning the card again helps; "revoked": the card's link
    was revoked or has expired, or the family member is no longer linked, and only a new card helps.
    """
    link_id = session.get("family_link")
    if link_id is None or time.time() - session.get("family_since", 0) > FAMILY_SESSION.total_seconds():
        return None, "signed-out"
    link = s.get(FamilyLink, link_id)
    if link is None or link.session_version != session.get("family_version", 0):
        return None, "signed-out"  # "I have finished" was pressed since: a copy of this cookie ends too
    if link.revoked_at is not None or link.expires_at <= family_links.utcnow():
        return link, "revoked"
    if not link.family.active or not link.resident.active or link.resident not in link.family.residents:
        return link, "revoked"
    return link, None


@bp.before_request
def _family_session():
    # A relative's phone: their choice on this phone, else the phone's language, else the home's.
    g.lang = session.get("lang") or language_for(None, home_language, browser_first=True)
    if request.endpoint in ("family.open_link", "family.by_code"):
        return None
    with db().read() as s:
        link, problem = _load_link(s)
        if problem is not None:
            home = None
            if problem == "revoked":
                # This phone held the link, so naming the home reveals nothing new. The session keeps the
                # dead link, so every page says the same until a new card is scanned.
                home = s.get(Home, link.resident.home_id)
            else:
                session.pop("family_link", None)
            return render_template("family/link_problem.html", problem=problem, home=home,
                                   not_saved=request.method == "POST"), 401
        g.family_link_id = link.id
    return None


def _context(s):
    link = s.get(FamilyLink, g.family_link_id)
    return link, link.family, link.resident


def _open_topics(s, link, family):
    found = [t for t in topics.topics(s, family.home_id, viewer=family) if t.stage in topics.FAMILY_STAGES]
    if link.topic_id is not None:
        found = [t for t in found if t.id == link.topic_id]
    # A topic is for this family when families are asked, or when they may guess for their relative.
    return [t for t in found if t.ask_families or (t.ask_residents and topics.can_see(link.resident, t))]


def _topic(s, link, family, topic_id):
    topic = next((t for t in _open_topics(s, link, family) if t.id == topic_id), None)
    if topic is None:
        abort(404)
    return topic


@bp.get("/family/")
def start():
    """List the topics this family member can give a view on."""
    with db().read() as s:
        link, family, resident = _context(s)
        return render_template("family/start.html", family=family, resident=resident,
                               topics=_open_topics(s, link, family), home=s.get(Home, family.home_id))


@bp.post("/family/language")
def language():
    """Switch the family pages between English and Welsh; the relative's choice follows them to any phone."""
    session["lang"] = "cy" if request.form.get("lang") == "cy" else "en"
    with db().write() as s:
        s.get(FamilyLink, g.family_link_id).family.language = session["lang"]
    return redirect(safe_path(request.form.get("back"), under="/family/") or url_for("family.start"))


def _answers_now(s, topic, family, resident):
    """Return the family member's answers that count now, as the fields of their forms: own-… and proxy-…."""
    phase = responses.phase_of(topic) or "choosing"
    fields = {}
    for r in responses.latest(s, topic, phase):
        if r.person_id != family.id or r.on_behalf_of_id not in (None, resident.id):
            continue
        prefix = "own-" if r.on_behalf_of_id is None else "proxy-"
        if r.option is not None and r.option.status != "accepted":
            continue  # an option since hidden is no answer to show
        if phase == "review" or topic.kind == "yesno":
            fields[f"{prefix}value"] = r.value
        elif topic.kind == "choose":
            fields[f"{prefix}option"] = str(r.option_id)
        else:
            fields[f"{prefix}rating-{r.option_id}"] = r.value
    return fields


def _page(s, link, family, resident, topic, errors=None, status=200):
    shown = comments.for_topic(s, topic, include_pending_of=family)
    now = _answers_now(s, topic, family, resident)
    return render_template(
        "family/topic.html", family=family, resident=resident, topic=topic, errors=errors or {},
        phase=responses.phase_of(topic), ratings=RATINGS, value_names=VALUE_NAMES, home=s.get(Home, family.home_id),
        can_proxy=_can_proxy(topic, resident), own_allowed=topic.ask_families, now=now,
        # After a problem, the choices ticked are the ones just sent, so nothing chosen is lost.
        picked=request.form if errors else now,
        my_comments=[c for c in shown if c.person_id == family.id],
        others_comments=[c for c in shown if c.person_id != family.id],
        my_ideas=[o for o in topic.options if o.status == "pending" and o.proposed_by_id == family.id],
        form=request.form,
    ), status


def _can_proxy(topic, resident):
    return topic.ask_residents and topics.can_see(resident, topic) and responses.phase_of(topic) == "choosing"


@bp.get("/family/topics/<int:topic_id>")
def topic(topic_id):
    """Show one topic with its pictures and the family member's form."""
    with db().read() as s:
        link, family, resident = _context(s)
        return _page(s, link, family, resident, _topic(s, link, family, topic_id))


def _answer_from_form(prefix):
    """Return the keyword arguments of responses.record_answer for the answer in the form's *prefix* part."""
    return dict(option_id=request.form.get(f"{prefix}option"), value=request.form.get(f"{prefix}value") or None,
                ratings=forms.ratings(request.form, prefix))


def _in_family_words(message):
    """Return a library message as a family member should read it, in their language."""
    if message == "Write the option's words.":
        return _("Write your idea first.")
    return _(message)


def _filled(prefix):
    """Return True when the form holds an answer under *prefix* (a choice ticked or a rating given)."""
    return any(key.startswith(prefix) and value for key, value in request.form.items())


def _send_parts(s, topic, family, resident):
    """Record every part of the family form that was filled in; return what was recorded, in words.

    Every part is checked before anything counts: when one part has a problem nothing is recorded, and the
    page comes back with each problem under its part and everything typed or ticked still there.
    """
    problems, sent = {}, []

    def part(prefix, thanks, record):
        try:
            record()
            sent.append(thanks)
        except Invalid as e:
            problems.update({key if key.startswith(prefix) else prefix + key: message
                             for key, message in e.problems.items()})

    if _filled("own-"):
        def own():
            if not topic.ask_families:
                raise Invalid({"value": "This topic is not asking families at the moment."})
            responses.record_answer(s, topic, family, "family-web", **_answer_from_form("own-"))
        part("own-", _("Your view has been recorded."), own)
    if _filled("proxy-"):
        def guess():
            if not _can_proxy(topic, resident):
                raise Invalid({"value": "This topic is not asking for choices now."})
            responses.record_answer(s, topic, family, "family-web", on_behalf_of=resident,
                                    **_answer_from_form("proxy-"))
        part("proxy-", _("Your guess has been recorded, apart from %(name)s's own answers.",
                         name=resident.called), guess)
    if (request.form.get("label") or "").strip():
        part("", _("Staff will look at your idea soon."),
             lambda: topics.propose_idea(s, topic, request.form.get("label"), family))
    if (request.form.get("text") or "").strip():
        part("", _("Staff will read your comment before it is shared."),
             lambda: comments.add(s, topic, family, request.form.get("text")))
    if problems:
        raise Invalid(problems)
    if not sent:
        raise Invalid({"nothing": "Nothing was sent: choose an answer or write something first."})
    return " ".join([_("Thank you."), *sent])


@bp.post("/family/topics/<int:topic_id>")
def send(topic_id):
    """Record everything the family member filled in on the topic's page, all at once: view, guess, idea, comment."""
    try:
        with db().write() as s:
            link, family, resident = _context(s)
            message = _send_parts(s, _topic(s, link, family, topic_id), family, resident)
        flash(message)
        return redirect(url_for("family.topic", topic_id=topic_id))
    except Invalid as e:
        errors = {key: _in_family_words(message) for key, message in e.problems.items()}
        with db().read() as s:
            link, family, resident = _context(s)
            return _page(s, link, family, resident, _topic(s, link, family, topic_id), errors=errors, status=400)


@bp.post("/family/done")
def done():
    """End the family session on this phone, keeping the language chosen on it."""
    lang = session.get("lang")
    with db().write() as s:
        link = s.get(FamilyLink, g.family_link_id)
        link.session_version += 1  # every copy of this session ends, not only this phone's cookie
    session.clear()
    if lang:
        session["lang"] = lang
    return render_template("family/link_problem.html", problem="done"), 200
