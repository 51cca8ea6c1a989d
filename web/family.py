"""Family pages: open a card's link, give your own view and your guess for your relative, comment."""

import time
from datetime import timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from accessible import comments, family_links, responses, topics
from accessible.errors import Invalid
from accessible.models import RATINGS, FamilyLink, Home
from web.auth import db, safe_path
from web.i18n import _
from web.limits import Limiter

bp = Blueprint("family", __name__)

#: A family session lasts this long after the card was scanned; then the card is scanned again.
FAMILY_SESSION = timedelta(hours=3)
#: Wrong or stale links one address may try before it must wait.
token_limiter = Limiter(limit=10, seconds=600)
OPEN_STAGES = ("ideas", "choosing", "decided", "reviewed")


def _client_key():
    return request.remote_addr or "unknown"


@bp.get("/f/<token>")
def open_link(token):
    """Check a card's link, start a short family session, and go at once to an address without the token."""
    key = _client_key()
    if token_limiter.blocked(key):
        return render_template("family/link_problem.html", problem="too-many"), 429
    with db().write() as s:
        link, state = family_links.find(s, token)
        if state != "ok":
            token_limiter.fail(key)
            home = s.get(Home, link.resident.home_id) if state == "expired" else None
            # A revoked link and a made-up one look the same: nothing about the family is revealed.
            return render_template("family/link_problem.html", problem=state if state == "expired" else "unknown",
                                   home=home), 410 if state == "expired" else 404
        link.last_used_at = family_links.utcnow()
        # A language chosen on this phone before (say Welsh in an English home) outlives the old session.
        lang = session.get("lang") or s.get(Home, link.resident.home_id).language
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
    if request.endpoint == "family.open_link":
        return None
    g.lang = session.get("lang", "en")
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
    found = [t for t in topics.topics(s, family.home_id, viewer=family) if t.stage in OPEN_STAGES]
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
    """Switch the family pages between English and Welsh."""
    session["lang"] = "cy" if request.form.get("lang") == "cy" else "en"
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
    return render_template(
        "family/topic.html", family=family, resident=resident, topic=topic, errors=errors or {},
        phase=responses.phase_of(topic), ratings=RATINGS, home=s.get(Home, family.home_id),
        can_proxy=topic.ask_residents and topics.can_see(resident, topic) and responses.phase_of(topic) == "choosing",
        own_allowed=topic.ask_families, now=_answers_now(s, topic, family, resident),
        my_comments=[c for c in shown if c.person_id == family.id],
        others_comments=[c for c in shown if c.person_id != family.id],
        my_ideas=[o for o in topic.options if o.status == "pending" and o.proposed_by_id == family.id],
        form=request.form,
    ), status


@bp.get("/family/topics/<int:topic_id>")
def topic(topic_id):
    """Show one topic with its pictures and the family member's forms."""
    with db().read() as s:
        link, family, resident = _context(s)
        return _page(s, link, family, resident, _topic(s, link, family, topic_id))


def _answer_from_form(topic, prefix):
    """Return the keyword arguments of responses.record for the answer in the form, one per rated option."""
    if topic.stage == "reviewed":
        return [dict(value=request.form.get(f"{prefix}value"))]
    if topic.kind == "choose":
        option = next((o for o in topic.accepted_options if str(o.id) == request.form.get(f"{prefix}option")), None)
        return [dict(option=option)]
    if topic.kind == "yesno":
        return [dict(value=request.form.get(f"{prefix}value"))]
    rated = [dict(option=o, value=request.form.get(f"{prefix}rating-{o.id}")) for o in topic.accepted_options]
    rated = [r for r in rated if r["value"]]
    if not rated:
        raise Invalid({f"{prefix}value": "Choose like, not sure or don't like for at least one option."})
    return rated


def _in_family_words(message):
    """Return a library message as a family member should read it, in their language."""
    if message == "Write the option's words.":
        return _("Write your idea first.")
    if message.endswith(" is an option already."):
        return _("%(label)s is an option already.", label=message.removesuffix(" is an option already."))
    return _(message)


def _family_action(topic_id, action, form=""):
    """Run *action*; on a problem show the page again, each problem under the *form* that was sent."""
    try:
        with db().write() as s:
            link, family, resident = _context(s)
            topic = _topic(s, link, family, topic_id)
            message = action(s, topic, family, resident)
        flash(message)
        return redirect(url_for("family.topic", topic_id=topic_id))
    except Invalid as e:
        errors = {key if key.startswith(form) else form + key: _in_family_words(message)
                  for key, message in e.problems.items()}
        with db().read() as s:
            link, family, resident = _context(s)
            return _page(s, link, family, resident, _topic(s, link, family, topic_id), errors=errors, status=400)


@bp.post("/family/topics/<int:topic_id>/view")
def own_view(topic_id):
    """Record the family member's own view (counted with families)."""

    def action(s, topic, family, resident):
        for answer in _answer_from_form(topic, "own-"):
            responses.record(s, topic, family, "family-web", **answer)
        return _("Thank you. Your view has been recorded.")

    return _family_action(topic_id, action, form="own-")


@bp.post("/family/topics/<int:topic_id>/guess")
def proxy(topic_id):
    """Record what the family member thinks their relative would choose (a proxy, never their own voice)."""

    def action(s, topic, family, resident):
        if responses.phase_of(topic) != "choosing":
            raise Invalid({"proxy-value": "This topic is not asking for choices now."})
        for answer in _answer_from_form(topic, "proxy-"):
            responses.record(s, topic, family, "family-web", on_behalf_of=resident, **answer)
        return _("Thank you. Your guess has been recorded, apart from "
                                                   "%(name)s's own answers.", name=resident.called)

    return _family_action(topic_id, action, form="proxy-")


@bp.post("/family/topics/<int:topic_id>/comment")
def comment(topic_id):
    """Add a comment; it waits for staff review before it joins the record."""

    def action(s, topic, family, resident):
        comments.add(s, topic, family, request.form.get("text"))
        return _("Thank you. Staff will read your comment before it is shared.")

    return _family_action(topic_id, action)


@bp.post("/family/topics/<int:topic_id>/idea")
def idea(topic_id):
    """Propose an option while the topic collects ideas; it waits for staff review."""

    def action(s, topic, family, resident):
        topics.propose_idea(s, topic, request.form.get("label"), family)
        return _("Thank you. Staff will look at your idea soon.")

    return _family_action(topic_id, action)


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
