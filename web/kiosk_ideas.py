"""The kiosk's ideas screens: a resident says an idea, picks one of staff's pictures, or asks to talk about it."""

from flask import abort, current_app, jsonify, redirect, request, session, url_for

from accessible import asking, ideas
from accessible.errors import Invalid
from web.auth import db
from web.i18n import _, with_words, words
from web.kiosk import _context, bp, channel_of, said_for_thanks, topic_screen


def _idea_topic(s, resident, topic_id):
    topic = next((t for t in asking.idea_topics(s, resident) if t.id == topic_id), None)
    if topic is None:
        abort(404)
    return topic


def _page(template, topic_id, **values):
    return topic_screen(_idea_topic, template, topic_id, **values)


def _sure(topic_id, heading, question, action, fields, no_url):
    """Render "Is that right?" for something the resident chose on the ideas screens."""
    return _page("kiosk/sure.html", topic_id, heading=heading, question=question, yes_action=action,
                 fields=fields, no_url=no_url, yes_label=_("Yes, that's right"), no_label=_("No, go back"))


def _ways(s, topic):
    """Return the ways to give an idea, as cards: (address, or None for "Not now", words, symbol)."""
    ways = [(url_for("kiosk.idea_say", topic_id=topic.id), _("Say my idea"), "1F3A4")]
    if ideas.suggestions(topic):
        ways.append((url_for("kiosk.idea_pictures", topic_id=topic.id), _("Choose a picture"), "1F5BC"))
    ways.append((url_for("kiosk.idea_talk", topic_id=topic.id), _("I'd like to talk to someone about this"), "1F5E3"))
    return [*ways, (None, _("Not now"), "23F8")]


@bp.get("/ideas/<int:topic_id>")
def ideas_start(topic_id):
    """Ask for the resident's ideas: say one, pick a picture, ask to talk about it, or not now."""
    return topic_screen(_idea_topic, "kiosk/ideas.html", topic_id, cards=_ways)


@bp.get("/ideas/<int:topic_id>/say")
def idea_say(topic_id):
    """Let the resident say their idea in their own words; it is recorded for staff."""
    return _page("kiosk/idea_say.html", topic_id)


@bp.post("/ideas/<int:topic_id>/listen")
def idea_listen(topic_id):
    """Keep the recording of an idea until the resident confirms it; answer with where to confirm it, as JSON."""
    from accessible.speech import listen as listening

    with db().read() as s:
        resident, _home, settings = _context(s)
        _idea_topic(s, resident, topic_id)
    upload = request.files.get("audio")
    if upload is None:
        return jsonify(error=_("No recording arrived. Please try again.")), 400
    audio = upload.read()
    try:
        heard = listening.transcribe(audio, settings["lang"])
        if not heard["said"]:
            return jsonify(heard=None, engine=heard["engine"])  # nothing was said: the kiosk asks again
        token = ideas.keep_draft(current_app.instance_path, audio)
    except listening.BadAudio as e:
        # The resident reads what to do, in their language; the listener's own words are for staff.
        return jsonify(error=_("Sorry, that did not work. Please try again, or touch your choice."),
                       detail=str(e)), 400
    earlier = session.get("idea_draft")
    if earlier:
        ideas.discard_draft(current_app.instance_path, earlier["token"])  # said again: only the newest is kept
    session["idea_draft"] = {"topic": topic_id, "token": token, "heard": heard["heard"]}
    return jsonify(heard=heard["heard"], engine=heard["engine"],
                   confirm_url=url_for("kiosk.idea_said", topic_id=topic_id))


def _draft(topic_id):
    draft = session.get("idea_draft")
    return draft if draft and draft.get("topic") == topic_id else None


@bp.get("/ideas/<int:topic_id>/said")
def idea_said(topic_id):
    """Ask "Is that right?" about the idea just said, with the words the kiosk heard (if it could)."""
    draft = _draft(topic_id)
    if draft is None:
        return redirect(url_for("kiosk.idea_say", topic_id=topic_id))
    if draft["heard"]:
        heading = _("You said: “%(idea)s”.", idea=draft["heard"])
    else:
        heading = _("Your idea has been recorded.")
    return _sure(topic_id, heading, _("Is that right? Shall we send it to the staff?"),
                 url_for("kiosk.idea_spoken", topic_id=topic_id), {}, url_for("kiosk.idea_say", topic_id=topic_id))


@bp.post("/ideas/<int:topic_id>/spoken")
def idea_spoken(topic_id):
    """Send the confirmed spoken idea to staff, as the resident's own."""
    draft = _draft(topic_id)
    if draft is None:
        return redirect(url_for("kiosk.idea_say", topic_id=topic_id))
    with db().write() as s:
        resident, _home, _settings = _context(s)
        topic = _idea_topic(s, resident, topic_id)
        try:
            ideas.propose_spoken(s, topic, resident, current_app.instance_path, draft["token"], draft["heard"])
        except Invalid:
            session.pop("idea_draft", None)
            return redirect(url_for("kiosk.idea_say", topic_id=topic_id))
        ideas.sweep(s, current_app.instance_path)
    session.pop("idea_draft", None)
    session["sent"] = _("Staff will listen to your idea soon.")
    return redirect(url_for("kiosk.thanks"))


@bp.get("/ideas/<int:topic_id>/pictures")
def idea_pictures(topic_id):
    """Show the ideas staff suggested, as big pictures, as many on a screen as the resident's needs say."""
    with db().read() as s:
        if not ideas.suggestions(_idea_topic(s, _context(s)[0], topic_id)):
            return redirect(url_for("kiosk.ideas_start", topic_id=topic_id))
    return topic_screen(_idea_topic, "kiosk/idea_pictures.html", topic_id,
                        cards=lambda s, topic: ideas.suggestions(topic))


def _suggested(s, topic_id, option_id):
    """Return (resident, topic, suggestion) for a picture still on offer, or stop with 404."""
    resident = _context(s)[0]
    topic = _idea_topic(s, resident, topic_id)
    option = next((o for o in ideas.suggestions(topic) if o.id == option_id), None)
    if option is None:
        abort(404)  # picked by someone else a moment ago: said calmly
    return resident, topic, option


@bp.get("/ideas/<int:topic_id>/pictures/<int:option_id>")
def idea_picked(topic_id, option_id):
    """Ask "Is that right?" about the picture picked."""
    with db().read() as s:
        said = words(_suggested(s, topic_id, option_id)[2])  # in the resident's language, where written in it
    return _sure(topic_id, with_words("You chose %(choice)s.", "choice", said.label, said.lang), _("Is that right?"),
                 url_for("kiosk.idea_pick", topic_id=topic_id, option_id=option_id), {},
                 url_for("kiosk.idea_pictures", topic_id=topic_id))


@bp.post("/ideas/<int:topic_id>/pictures/<int:option_id>")
def idea_pick(topic_id, option_id):
    """Send the picked picture to staff as the resident's own idea."""
    with db().write() as s:
        resident, topic, option = _suggested(s, topic_id, option_id)
        ideas.pick(s, topic, resident, option)
        session["said"] = said_for_thanks(option, words(option).label)
    session["sent"] = _("Staff will look at your idea soon.")
    return redirect(url_for("kiosk.thanks"))


@bp.get("/ideas/<int:topic_id>/talk")
def idea_talk(topic_id):
    """Ask "Is that right?" about wanting to talk to someone about the topic."""
    return _sure(topic_id, _("You would like to talk to someone about this."), _("Is that right?"),
                 url_for("kiosk.idea_talk_asked", topic_id=topic_id), {"channel": "touch"},
                 url_for("kiosk.ideas_start", topic_id=topic_id))


@bp.post("/ideas/<int:topic_id>/talk")
def idea_talk_asked(topic_id):
    """Let staff know the resident would like to talk about the topic."""
    with db().write() as s:
        resident, _home, _settings = _context(s)
        topic = _idea_topic(s, resident, topic_id)
        ideas.ask_to_talk(s, topic, resident, about="idea", channel=channel_of(request.form))
    session["sent"] = _("A member of staff will come and talk with you.")
    return redirect(url_for("kiosk.thanks"))


@bp.post("/ideas/<int:topic_id>/later")
def idea_later(topic_id):
    """Put the topic's ideas off: not asked again in this kiosk session; it stays in the list of questions."""
    later = [i for i in session.get("ideas_later", []) if i != topic_id][-50:]
    session["ideas_later"] = [*later, topic_id]
    return redirect(url_for("kiosk.home"))
