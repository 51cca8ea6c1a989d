"""The resident's kiosk: one question at a time, read aloud, answered by touch, voice or a single switch."""

import time
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from accessible import asking, outcomes, people, responses, topics
from accessible.errors import Invalid
from accessible.models import CONTRASTS, LANGUAGES, Home, Option, Topic
from accessible.scales import RATING_SYMBOLS, RATING_WORDS, RATINGS, SPOKEN_SYNONYMS, YESNO_SYMBOLS, YESNO_WORDS
from web import i18n
from web.auth import db, staff_required
from web.i18n import _, with_words, words
from web.speech import saying, speaker

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

KIOSK_CHANNELS = ("touch", "voice", "switch")


def start_kiosk(resident_id, staff_id):
    """Turn this browser into a kiosk for one resident: staff pages are closed in it until staff sign in again."""
    session.clear()
    session["kiosk"] = {"resident": resident_id, "by": staff_id, "seen": int(time.time())}


@bp.post("/start/<int:resident_id>")
@staff_required
def start(resident_id):
    """Start a kiosk session for one resident on this device (a member of staff does this)."""
    topic_id = request.form.get("topic", type=int)  # started from a topic's "has not had a say" list
    with db().read() as s:
        resident = people.get_person(s, g.staff.home_id, resident_id, "resident")
        start_kiosk(resident.id, g.staff.id)
        topic = s.get(Topic, topic_id) if topic_id else None
        if topic is not None and topic.home_id == resident.home_id and topics.is_asked(resident, topic):
            return redirect(url_for("kiosk.question", topic_id=topic.id))
    return redirect(url_for("kiosk.home"))


def _back_to(url):
    """Return *url* when it is one of the kiosk's own screens, else the kiosk's start (never another site)."""
    url = url or ""
    return url if url.startswith("/kiosk/") and not url.startswith("//") else url_for("kiosk.home")


@bp.get("/finish")
def finish():
    """Ask once whether the resident wants to stop for now; no goes back to the screen they were on."""
    with db().read() as s:
        resident, home_, settings = _context(s)
        return render_template("kiosk/finish.html", resident=resident, settings=settings, speech_url=speech_url,
                               back=_back_to(request.args.get("back")))


@bp.get("/rest")
def rest():
    """The resident's own resting screen, in their size and colours: touch to carry on; only staff end the kiosk."""
    with db().read() as s:
        resident, home_, settings = _context(s)
        # An answer that came after the idle time was not saved: the resting screen says so, once.
        return render_template("kiosk/rest.html", resident=resident, settings=dict(settings, idle_seconds=0),
                               speech_url=speech_url, not_saved=session.pop("not_saved", False))


def _kiosk_resident(s):
    state = session.get("kiosk")
    if not state:
        return None
    resident = s.get(people.Person, state["resident"])
    if resident is None or not resident.active or resident.kind != "resident":
        session.clear()
        return None
    return resident


def _left_alone():
    """Return True when the kiosk has not been used for longer than the idle time (and note this use)."""
    state = session["kiosk"]
    idle = time.time() - state.get("seen", 0) > current_app.config["KIOSK_IDLE_SECONDS"] + 60
    state["seen"] = int(time.time())
    session["kiosk"] = state
    return idle


#: Screens anyone may see without a kiosk session: the neutral start, and "your last answer was not saved".
NO_SESSION_SCREENS = ("kiosk.home", "kiosk.not_saved", "kiosk.not_saved_speech")


@bp.before_request
def _load():
    if request.endpoint == "kiosk.start":
        return None
    with db().read() as s:
        resident = _kiosk_resident(s)
        g.kiosk_resident_id = resident.id if resident else None
        if resident is None:
            # The neutral start screen shows nobody's data; anything else waits for a kiosk session.
            first_home = s.scalar(select(Home).order_by(Home.id))
            g.lang = first_home.language if first_home else "en"
            if request.method == "POST":
                return _ended()  # an answer to a kiosk that had already ended: say it was not saved
            return None if request.endpoint in NO_SESSION_SCREENS else redirect(url_for("kiosk.home"))
        home = s.get(Home, resident.home_id)
        g.lang = (resident.needs.language if resident.needs else None) or home.language
    # The browser goes to the resting screen by itself; this catches a kiosk left alone with scripts off.
    # Looking (a GET) keeps the kiosk this resident's until staff sign in on it: nobody else's screen.
    left_alone = _left_alone()
    if left_alone and request.method == "POST":
        # Its scripts were paused (a tablet asleep) or off past the idle time, so whoever tapped may not be this
        # resident: nothing is recorded. The kiosk rests on this resident's screen, as it would have, and says the
        # answer was not saved; one touch carries on and the answer can be given again. Only staff end the kiosk.
        session["not_saved"] = True
        if request.endpoint in LISTENING:
            return jsonify(error=_("Your last answer was not saved."), next_url=url_for("kiosk.rest")), 409
        return redirect(url_for("kiosk.rest"))
    if left_alone and request.method == "GET" and request.endpoint != "kiosk.rest":
        return redirect(url_for("kiosk.rest"))
    return None


#: The kiosk's listening addresses, which its scripts call and which answer in JSON.
LISTENING = ("kiosk.listen", "kiosk.listen_yes_no", "kiosk.idea_listen")


def _ended(refused=False):
    """Answer a POST that came with no kiosk session (the browser lost it, or the resident has left): record
    nothing and say so, in the home's language (JSON for the kiosk's listening scripts). *refused*: the form
    itself was refused (its token went with the session), so the answer is a 400 with the words, not a move on."""
    target = url_for("kiosk.not_saved", lang=g.lang)
    if request.endpoint in LISTENING:
        return jsonify(error=_not_saved_words()[0], next_url=target), 400 if refused else 409
    return (not_saved(), 400) if refused else redirect(target)


def _not_saved_words():
    return (_("Your last answer was not saved."),
            _("The kiosk had stopped before you answered. Please ask a member of staff to start it again."))


@bp.get("/not-saved")
def not_saved():
    """Tell the person, in plain words and aloud, that their last answer was not saved and staff must start the
    kiosk again. Shows nobody's data, so anyone may see it; it changes nothing."""
    _screen_language()
    contrast = request.args.get("contrast")
    settings = dict(_settings(None, None), text_size=32, idle_seconds=0,
                    contrast=contrast if contrast in CONTRASTS else "standard")
    heading, advice = _not_saved_words()
    return render_template("kiosk/calm.html", resident=None, settings=settings, heading=heading, advice=advice,
                           speech_url=lambda text, settings, lang=None: url_for("kiosk.not_saved_speech",
                                                                                lang=settings["lang"]))


@bp.get("/not-saved/speech")
def not_saved_speech():
    """The not-saved screen's own words spoken (only these words: no kiosk session is needed to hear them)."""
    _screen_language()
    heading, advice = _not_saved_words()
    try:
        path = speaker().render(f"{heading} {advice}", lang=g.lang)
    except saying.SpeechUnavailable:
        return "", 503  # the words stay on the screen
    return send_file(path, mimetype="audio/wav", conditional=True)


def _screen_language():
    """The not-saved screen is in the language the ended kiosk was in (its address says which)."""
    if request.args.get("lang") in LANGUAGES:
        g.lang = request.args["lang"]


def _settings(resident, home):
    """Return how screens and speech adapt to the resident's communication needs."""
    needs = resident.needs if resident is not None else None
    return asking.screen_settings(needs, g.get("lang", "en"), current_app.config["KIOSK_IDLE_SECONDS"])


def speech_url(text, settings, lang=None):
    """Return the address of *text* spoken in the resident's voice and rate, in *lang* or the screen's language.

    A topic's own words (its question, options and decision) are spoken in the language staff wrote them in,
    so an English question on a Welsh speaker's screen is not read with Welsh sounds.
    """
    params = {"text": text, "lang": lang or settings["lang"], "rate": settings["rate"]}
    # The resident's own voice (a language tag: en-gb, cy) reads its own language; words in the other
    # language are read with that language's voice, so Welsh never comes out with English sounds.
    if settings["voice"] and settings["voice"].split("-")[0] == params["lang"]:
        params["voice"] = settings["voice"]
    return url_for("speech.speak") + "?" + urlencode(params)


def _context(s):
    resident = s.get(people.Person, g.kiosk_resident_id)
    home = s.get(Home, resident.home_id)
    return resident, home, _settings(resident, home)


def channel_of(values):
    """Return the kiosk channel named in *values* (a form or the query), touch when it names none."""
    return values.get("channel") if values.get("channel") in KIOSK_CHANNELS else "touch"


def topic_screen(find, template, topic_id, cards=None, **values):
    """Render a kiosk screen about the topic *find(session, resident, topic_id)* returns (it stops with 404).

    A value given as a function is called with the session and the topic; so is *cards*, whose list is shared
    out over screens as the resident's needs say (see paged()).
    """
    with db().read() as s:
        resident, _home, settings = _context(s)
        topic = find(s, resident, topic_id)
        values = {k: v(s, topic) if callable(v) else v for k, v in values.items()}
        if cards is not None:
            values.update(paged(cards(s, topic), settings))
        return render_template(template, resident=resident, settings=settings, topic=topic, rated_option=None,
                               speech_url=speech_url, **values)


def _next_url(s, resident):
    """Return the address of what waits for the resident next, or None."""
    step = asking.next_step(s, resident, skipped=session.get("ideas_later", []))
    if step is None:
        return None
    if step[0] == "outcome":
        return url_for("kiosk.outcome", outcome_id=step[1].id)
    if step[0] == "agree":
        return url_for("kiosk.committee_results", topic_id=step[1].id)
    if step[0] == "ideas":
        return url_for("kiosk.ideas_start", topic_id=step[1].id)
    if step[0] == "rate":
        return url_for("kiosk.rate", topic_id=step[1].id, option_id=step[2].id)
    return url_for("kiosk.question", topic_id=step[1].id)


@bp.get("/")
def home():
    """Greet the resident and go on to the next question waiting for them."""
    if g.kiosk_resident_id is None:
        return render_template("kiosk/idle.html", settings=_settings(None, None))
    with db().read() as s:
        resident, home_, settings = _context(s)
        next_url = _next_url(s, resident)
        return render_template("kiosk/home.html", resident=resident, settings=settings, next_url=next_url,
                               topics=asking.open_topics(s, resident), idea_topics=asking.idea_topics(s, resident),
                               speech_url=speech_url)


def _topic_for(s, resident, topic_id):
    topic = next((t for t in asking.open_topics(s, resident) if t.id == topic_id), None)
    if topic is None:
        abort(404)
    return topic


def _choices(topic):
    """Return the answers on offer: (key, label, spoken words, symbol or option) for each."""
    if topic.stage == "reviewed":
        return [(r, RATING_WORDS[r], RATING_WORDS[r], RATING_SYMBOLS[r]) for r in RATINGS]
    if topic.kind == "yesno":
        return [(v, YESNO_WORDS[v], YESNO_WORDS[v], YESNO_SYMBOLS[v]) for v in YESNO_WORDS]
    # Each option in the resident's language where staff wrote it in it (web.i18n.words), else the topic's own.
    return [(o.id, w.label, w.spoken_text or w.label, o) for o, w in
            ((o, words(o)) for o in topic.accepted_options)]


def _spoken(topic, choices, rated_option=None, touch=False):
    """Return what a question's screen says, as (words, language) parts: the question, then each answer shown.

    The topic's own words are spoken in the language they are written in for this resident (their own where
    staff wrote it, else the topic's): Welsh with the Welsh voice, English with the English one, on one screen.
    The kiosk's words are spoken in the resident's language. Every answer on the screen is read out, so a
    resident who cannot see the pictures hears each choice.
    """
    asked = words(topic)
    if rated_option is not None:
        rated = words(rated_option)
        said = rated.spoken_text or rated.label
        parts = ([(f"{asked.question} {said}?", asked.lang)] if rated.lang == asked.lang
                 else [(asked.question, asked.lang), (f"{said}?", rated.lang)])
    elif topic.stage == "reviewed":
        # What was decided comes first, so nobody thinks they are choosing all over again.
        parts = [(_("How is it going?"), None)]
        if topic.outcome is not None:
            decided = words(topic.outcome)
            parts[:0] = [(_("We decided:"), None), (decided.decision, decided.lang)]
    else:
        parts = [(asked.question, asked.lang)]
    if touch:
        parts.insert(0, (_("Please touch the one you want."), None))
    for _key, _label, spoken, picture in choices:
        parts.append((f"{spoken}.", words(picture).lang) if isinstance(picture, Option) else (f"{_(spoken)}.", None))
    return parts


@bp.get("/topics/<int:topic_id>")
def question(topic_id):
    """Ask one question: the options as big pictures, as many on a screen as the resident's needs say."""
    with db().read() as s:
        resident, home_, settings = _context(s)
        topic = _topic_for(s, resident, topic_id)
        if asking.rates_each(topic):
            first = asking.first_to_rate(s, topic, resident)
            return redirect(url_for("kiosk.rate", topic_id=topic.id, option_id=first.id))
        choices = _choices(topic)
        per = _per_screen(settings)
        shown, page, pages = asking.screen(choices, per, request.args.get("page", 1, type=int))
        touch = request.args.get("touch") == "1"
        return render_template("kiosk/question.html", resident=resident, topic=topic, settings=settings,
                               choices=shown, page=page, pages=pages, speech_url=speech_url,
                               all_choices=choices, rated_option=None, touch=touch, per=per,
                               per_arg=per if per < settings["per_screen"] else None, first=(page - 1) * per,
                               parts=_spoken(topic, shown, touch=touch))


def _per_screen(settings):
    """Return how many answers go on a screen: the resident's needs, or fewer when this screen cannot hold them.

    The kiosk's page asks for fewer (``per``) when even the smallest pictures leave something off the screen.
    """
    asked = request.args.get("per", type=int)
    return min(settings["per_screen"], asked) if asked and asked > 0 else settings["per_screen"]


def paged(cards, settings):
    """Return the screen's share of *cards*, as many as the resident's needs say (fewer when the screen asks):
    ``{"shown", "page", "pages", "per_arg", "first"}`` for the cards' template and _paging.html."""
    per = _per_screen(settings)
    shown, page, pages = asking.screen(cards, per, request.args.get("page", 1, type=int))
    return {"shown": shown, "page": page, "pages": pages, "per_arg": per if per < settings["per_screen"] else None,
            "first": (page - 1) * per}


@bp.get("/topics/<int:topic_id>/rate/<int:option_id>")
def rate(topic_id, option_id):
    """Ask about one option at a time on the three-point scale."""
    with db().read() as s:
        resident, home_, settings = _context(s)
        topic = _topic_for(s, resident, topic_id)
        option = next((o for o in topic.accepted_options if o.id == option_id), None)
        if option is None or topic.kind != "rate":
            abort(404)
        choices = [(r, RATING_WORDS[r], RATING_WORDS[r], RATING_SYMBOLS[r]) for r in RATINGS]
        accepted = topic.accepted_options
        at = accepted.index(option)
        return render_template("kiosk/question.html", resident=resident, topic=topic, settings=settings,
                               choices=choices, page=1, pages=1, speech_url=speech_url, all_choices=choices,
                               rated_option=option, touch=request.args.get("touch") == "1",
                               per=settings["per_screen"], per_arg=None, first=0,
                               parts=_spoken(topic, choices, option, request.args.get("touch") == "1"),
                               before=accepted[at - 1] if at > 0 else None,
                               after=accepted[at + 1] if at + 1 < len(accepted) else None)


def _chosen(topic, form):
    """Return (option, value, words) for the answer named in *form*, or raise Invalid."""
    rated = form.get("rated", type=int)
    choice = form.get("choice", "")
    if rated is not None:
        option = next((o for o in topic.accepted_options if o.id == rated), None)
        if option is None or choice not in RATINGS:
            raise Invalid({"choice": "Choose one of the options."})
        return option, choice, f"{words(option).label}: {_(RATING_WORDS[choice])}"
    for key, label, _spoken, picture in _choices(topic):
        if str(key) == choice:
            option = picture if isinstance(picture, Option) else None
            return option, None if option else key, label
    raise Invalid({"choice": "Choose one of the options."})


@bp.get("/topics/<int:topic_id>/confirm")
def confirm(topic_id):
    """Ask "Is that right?" before anything is recorded."""
    with db().read() as s:
        resident, home_, settings = _context(s)
        topic = _topic_for(s, resident, topic_id)
        try:
            option, value, words = _chosen(topic, request.args)
        except Invalid:
            return redirect(url_for("kiosk.question", topic_id=topic.id))
        channel = channel_of(request.args)
        rated = request.args.get("rated", type=int)
        per = _per_screen(settings)
        page = _page_of(topic, rated, request.args.get("choice"), per)
        per_arg = per if per < settings["per_screen"] else None
        back = (url_for("kiosk.not_right", topic_id=topic.id, rated=rated, page=page, per=per_arg)
                if channel == "voice" else _screen_url(topic.id, rated, page=page, per=per_arg))
        named = i18n.words(option) if option is not None else None  # the option's words, in their language
        chosen = (with_words("You chose %(choice)s.", "choice", named.label, named.lang, words[len(named.label):])
                  if named else with_words("You chose %(choice)s.", "choice", _(words), None))
        return render_template("kiosk/confirm.html", resident=resident, topic=topic, settings=settings,
                               chosen=chosen, words=words, option=option, value=value, channel=channel, back=back,
                               rated=request.args.get("rated", ""), choice=request.args.get("choice"),
                               confidence=request.args.get("confidence", ""), speech_url=speech_url)


@bp.post("/topics/<int:topic_id>/answer")
def answer(topic_id):
    """Record the confirmed answer with the channel it came by, then say thank you."""
    try:
        with db().write() as s:
            resident, home_, settings = _context(s)
            topic = _topic_for(s, resident, topic_id)
            option, value, words = _chosen(topic, request.form)
            channel = channel_of(request.form)
            confidence = request.form.get("confidence", type=float) if channel == "voice" else None
            responses.record(s, topic, resident, channel, option=option, value=value, confidence=confidence)
    except Invalid:
        return redirect(url_for("kiosk.question", topic_id=topic_id))
    _misses(topic_id, request.form.get("rated", type=int), clear=True)
    session["said"] = said_for_thanks(option, words)
    return redirect(url_for("kiosk.thanks"))


def said_for_thanks(option, said):
    """Return what the thank-you screen repeats of the answer: [the option's words, their language, the rest
    (": Like")], or [words of the screen's language, None, ""]."""
    if option is None:
        return [said, None, ""]
    named = i18n.words(option)
    return [named.label, named.lang, said[len(named.label):] if said.startswith(named.label) else ""]


@bp.get("/thanks")
def thanks():
    """Thank the resident calmly and offer the next question."""
    said = session.pop("said", None)
    if isinstance(said, str):
        said = [said, None, ""]
    if said:
        words_said, lang, rest = said
        said = with_words("You chose %(choice)s.", "choice", words_said if lang else _(words_said), lang, rest)
    with db().read() as s:
        resident, home_, settings = _context(s)
        return render_template("kiosk/thanks.html", resident=resident, settings=settings,
                               said=said, sent=session.pop("sent", ""),
                               next_url=_next_url(s, resident), speech_url=speech_url)


#: Voice misses on one screen (nothing caught, or "no, that's not right") before asking one option at a time.
MISSES_BEFORE_ONE_BY_ONE = 2


def _screen_choices(topic, rated):
    """Return the answers on the screen asking *topic* (about the option *rated*, for a rating)."""
    if rated is not None:
        if not any(o.id == rated for o in topic.accepted_options):
            abort(404)
        return [(r, RATING_WORDS[r], RATING_WORDS[r], RATING_SYMBOLS[r]) for r in RATINGS]
    return _choices(topic)


def _screen(s, topic_id):
    """Return (resident, settings, topic, rated option id, choices) for the screen a voice request is about."""
    resident, _home, settings = _context(s)
    topic = _topic_for(s, resident, topic_id)
    rated = request.args.get("rated", type=int)
    return resident, settings, topic, rated, _screen_choices(topic, rated)


def _screen_url(topic_id, rated, page=None, **params):
    """Return the screen asking *topic_id* (about the option *rated*), at the *page* of options given."""
    if rated is not None:
        return url_for("kiosk.rate", topic_id=topic_id, option_id=rated, **params)
    return url_for("kiosk.question", topic_id=topic_id, page=page if page and page > 1 else None, **params)


def _page_of(topic, rated, key, per_screen):
    """Return the page of the question's screen that shows the answer *key* (1 for a rating)."""
    if rated is not None:
        return 1
    keys = [str(k) for k, *_rest in _choices(topic)]
    return asking.page_of(keys.index(str(key)), per_screen) if str(key) in keys else 1


def _misses(topic_id, rated, add=0, clear=False):
    """Count voice misses on one screen, in the kiosk session; return the count."""
    key = f"{topic_id}:{rated or ''}"
    misses = dict(session.get("voice_misses", {}))
    misses[key] = 0 if clear else misses.get(key, 0) + add
    session["voice_misses"] = {k: v for k, v in misses.items() if v}
    return misses[key]


def _spoken_options(settings, choices):
    """Return the listener's options for *choices*: each label with what else a resident may say for it.

    An option is heard by its words in the resident's language (their label, spoken words and other words,
    else the topic's own where it is not translated), and by its label in the topic's own language too.
    """
    # Many Welsh speakers answer in English too: a Welsh screen hears both.
    synonyms = {k: [*SPOKEN_SYNONYMS.get(settings["lang"], {}).get(k, []),
                    *(SPOKEN_SYNONYMS["en"][k] if settings["lang"] != "en" else [])]
                for k in SPOKEN_SYNONYMS["en"]}
    options = []
    for key, label, spoken, picture in choices:
        if isinstance(picture, Option):
            extra = [*words(picture).synonym_list, picture.label]
        else:
            extra, label = synonyms.get(key, []), _(label)
            spoken = label
        heard = [spoken, *extra] if spoken != label else extra
        options.append({"label": label, "synonyms": list(dict.fromkeys(w for w in heard if w != label))})
    return options


def _hear(upload, options, language, yesno):
    """Run the listener on the uploaded recording; return (result, None) or (None, an error response).

    The listener hears in the resident's language (Welsh words said the Welsh way on a Welsh screen),
    and a yes/no question hears all the ways of saying yes or no.
    """
    from accessible.speech import listen as listening

    if upload is None:
        return None, (jsonify(error=_("No recording arrived. Please try again.")), 400)
    try:
        heard = listening.listen(upload.read(), options, language=language, yesno=yesno or None)
    except (listening.BadAudio, ValueError) as e:
        # The resident reads what to do, in their language; the listener's own words are for staff.
        return None, (jsonify(error=_("Sorry, that did not work. Please try again, or touch your choice."),
                              detail=str(e)), 400)
    return heard, None


@bp.post("/topics/<int:topic_id>/listen")
def listen(topic_id):
    """Hear which answer on screen the resident said; answer with where to confirm it, as JSON.

    With ``yesno=1`` it hears only yes or no (the "Is that right?" and one-at-a-time screens).
    """
    with db().read() as s:
        _resident, settings, topic, rated, choices = _screen(s, topic_id)
        yesno = request.args.get("yesno") == "1"
        if yesno:
            choices = [(v, YESNO_WORDS[v], YESNO_WORDS[v], None) for v in YESNO_WORDS]
        options = _spoken_options(settings, choices)
    heard, error = _hear(request.files.get("audio"), options, settings["lang"], yesno)
    if error:
        return error
    result = {k: heard.get(k) for k in ("choice", "confidence", "heard", "engine", "ms")}
    if heard.get("choice") is None:
        if request.args.get("yesno") != "1" and _misses(topic_id, rated, add=1) >= MISSES_BEFORE_ONE_BY_ONE:
            result["next_url"] = url_for("kiosk.one_by_one", topic_id=topic_id, rated=rated, i=0)
        return jsonify(result)
    index = [o["label"] for o in options].index(heard["choice"])
    result["key"] = choices[index][0]
    if request.args.get("yesno") != "1":
        params = {"choice": choices[index][0], "channel": "voice", "confidence": f"{heard['confidence']:.2f}",
                  "per": request.args.get("per", type=int)}
        result["confirm_url"] = url_for("kiosk.confirm", topic_id=topic_id, rated=rated, **params)
    return jsonify(result)


@bp.post("/yes-no/listen")
def listen_yes_no():
    """Hear yes or no on a screen that asks "Is that right?" about something other than a question's answer."""
    with db().read() as s:
        settings = _context(s)[2]
    choices = [(v, YESNO_WORDS[v], YESNO_WORDS[v], None) for v in YESNO_WORDS]
    options = _spoken_options(settings, choices)
    heard, error = _hear(request.files.get("audio"), options, settings["lang"], True)
    if error:
        return error
    result = {k: heard.get(k) for k in ("choice", "confidence", "heard", "engine", "ms")}
    if heard.get("choice") is not None:
        result["key"] = choices[[o["label"] for o in options].index(heard["choice"])][0]
    return jsonify(result)


@bp.get("/topics/<int:topic_id>/not-right")
def not_right(topic_id):
    """The resident said the answer heard was not right: ask again, or after two misses one option at a time."""
    with db().read() as s:
        rated = _screen(s, topic_id)[3]  # the topic is still open to this resident
    if _misses(topic_id, rated, add=1) >= MISSES_BEFORE_ONE_BY_ONE:
        return redirect(url_for("kiosk.one_by_one", topic_id=topic_id, rated=rated, i=0))
    return redirect(_screen_url(topic_id, rated, page=request.args.get("page", type=int),
                                per=request.args.get("per", type=int)))


@bp.get("/topics/<int:topic_id>/one-by-one")
def one_by_one(topic_id):
    """After two misses, ask about each answer in turn as a yes/no question; after the last, offer touch."""
    with db().read() as s:
        resident, settings, topic, rated, choices = _screen(s, topic_id)
        i = max(request.args.get("i", 0, type=int), 0)
        if i >= len(choices):
            _misses(topic_id, rated, clear=True)
            return redirect(_screen_url(topic.id, rated, touch=1))
        key, label, spoken, picture = choices[i]
        rated_option = next((o for o in topic.accepted_options if o.id == rated), None)
        # An option's words in their own language (marked, and spoken in its voice); yes and no in the screen's.
        lang = i18n.words(picture).lang if isinstance(picture, Option) else None
        words_of = (lambda said: said) if lang else _

        def asking(said):
            return with_words("Did you mean %(choice)s?", "choice", words_of(said), lang)

        return render_template("kiosk/one_by_one.html", resident=resident, topic=topic, settings=settings,
                               question=asking(label), said=asking(spoken), picture=picture, rated=rated, key=key,
                               rated_option=rated_option, speech_url=speech_url,
                               no_url=url_for("kiosk.one_by_one", topic_id=topic_id, rated=rated, i=i + 1))


def _untold(s, resident, outcome_id):
    found = next((o for o in outcomes.untold(s, resident) if o.id == outcome_id), None)
    if found is None:
        abort(404)
    return found


@bp.get("/outcomes/<int:outcome_id>")
def outcome(outcome_id):
    """Tell the resident what came of their say ("You said fish pie. We will serve it on Fridays.")."""
    with db().read() as s:
        resident, home_, settings = _context(s)
        found = _untold(s, resident, outcome_id)
        said = outcomes.you_said_in(s, found.topic, resident, lang=settings["lang"])
        if said:
            words_said, lang = said
            said = with_words("You said %(choice)s.", "choice",
                              words_said if lang else _(YESNO_WORDS.get(words_said, words_said)), lang)
        return render_template("kiosk/outcome.html", resident=resident, settings=settings, outcome=found,
                               said=said, speech_url=speech_url)


@bp.post("/outcomes/<int:outcome_id>/heard")
def outcome_heard(outcome_id):
    """Remember the resident has heard the outcome, and go on."""
    with db().write() as s:
        resident, home_, settings = _context(s)
        found = next((o for o in outcomes.untold(s, resident) if o.id == outcome_id), None)
        if found is not None:  # a second tap, or the back button, finds it told already: nothing is lost
            outcomes.mark_told(s, found, resident)
    return redirect(url_for("kiosk.home"))


def _calm_page(heading, advice, code):
    """Render a kiosk page that says what happened in plain words, in the resident's own look and language."""
    try:
        with db().read() as s:
            resident = s.get(people.Person, g.kiosk_resident_id) if g.get("kiosk_resident_id") else None
            settings = _settings(resident, None)
            return render_template("kiosk/calm.html", resident=resident, settings=settings, heading=heading,
                                   advice=advice, speech_url=speech_url), code
    except Exception:  # noqa: BLE001 - the database itself may be what failed: the plain look still says it
        return render_template("kiosk/calm.html", resident=None, settings=_settings(None, None), heading=heading,
                               advice=advice, speech_url=speech_url), code


@bp.errorhandler(CSRFError)
def _unsent(error):
    """A form sent after the browser lost its session (and its form token) with it: with no kiosk session left,
    the person hears that their answer was not saved, not a staff page's words."""
    if session.get("kiosk") or request.endpoint == "kiosk.start":  # a kiosk in use, or staff starting one:
        return current_app.error_handler_spec[None][400][CSRFError](error)  # the app's own answer (web/__init__.py)
    with db().read() as s:
        first_home = s.scalar(select(Home).order_by(Home.id))
        g.lang = first_home.language if first_home else "en"
    return _ended(refused=True)


@bp.errorhandler(404)
def _closed(error):
    """A question that closed while the resident was on it (decided, or stopped by staff): say so calmly."""
    if request.method == "POST":
        return _calm_page(_("This question has closed."),
                          _("Your answer could not be saved, because the question closed. Thank you for your "
                            "time."), 404)
    return _calm_page(_("This question is not open now."), _("There may be other questions for you."), 404)


@bp.errorhandler(500)
def _broken(error):
    """Something failed on the server: the resident hears that the answer may not be saved, never a traceback."""
    return _calm_page(_("Sorry, something went wrong."),
                      _("Your last answer may not be saved. Please try again, or ask a member of staff."), 500)


# The screens for ideas and for the committee add their routes to this blueprint (and its checks above).
from web import kiosk_committee, kiosk_ideas  # noqa: E402, F401
