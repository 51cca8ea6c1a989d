"""Speech over HTTP: any screen text as a WAV (GET /speech) and a spoken choice from a WAV (POST /api/listen)."""

import hashlib

from flask import Blueprint, abort, current_app, g, jsonify, request, send_file

from accessible.models import LANGUAGES
from accessible.speech import listen as listening
from accessible.speech import say as saying
from accessible.speech.engines import EngineUnavailable
from accessible.speech.grammar import MAX_OPTIONS
from web import sessions
from web.i18n import _
from web.limits import Limiter

bp = Blueprint("speech", __name__)
#: Spoken audio for a given text, voice and rate never changes, so browsers may keep it.
CACHE_SECONDS = 24 * 3600
#: Longest text a family member or staff may have read aloud (a kiosk reads its topics' own words, up to the
#: library's 600 characters). A 600-character text takes seconds of the engine's time.
MAX_VISITOR_TEXT = 300
#: Requests one person (a member of staff, a kiosk's resident, a family card) may make a minute: a kiosk screen
#: asks for a handful of phrases; a flood of new texts is refused.
SPEECH_PER_MINUTE = {"kiosk": 120, "staff": 60, "family": 30}
LISTEN_PER_MINUTE = {"kiosk": 30, "staff": 30, "family": 12}
#: The listener's work grows with the options and their words: at most a question's options (the listener's own
#: MAX_OPTIONS), each a short label.
MAX_LABEL_CHARACTERS, MAX_LABEL_WORDS = 60, 8
#: 30 s of 48 kHz 16-bit speech is 2.9 MB: a bigger recording is refused unread.
LISTEN_MAX_BYTES = 4 * 1024 * 1024


#: What a person reads when speech is off on this machine, in the page's language (the library's own words, for
#: whoever looks after the machine, follow as "detail").
UNAVAILABLE = {"speech": "Speech is not working on this machine now. Please tell a member of staff.",
               "listening": "Listening is not working on this machine now. Please tell a member of staff."}


def _refusal(error, said):
    """Return the JSON of a refusal: *said* for the person, translated into the page's language, and the
    library's own words (English) as ``detail``."""
    return jsonify(error=_(said), detail=str(error))


def speaker(kiosk=True):
    """Return the app's Speaker for the kiosk and pre-rendered questions, or (*kiosk* False) for everyone else.

    Each has its own worker process and its own cache folder: nobody's requests evict the questions' pre-rendered
    audio or keep a resident waiting behind them.
    """
    name, folder, megabytes = ("speaker", "speech-cache", 200) if kiosk else \
        ("visitor_speaker", "speech-cache-visitors", current_app.config["VISITOR_SPEECH_MB"])
    ext = current_app.extensions
    if name not in ext:
        ext[name] = saying.Speaker(f"{current_app.instance_path}/{folder}", max_cache_bytes=int(megabytes * 2**20))
    return ext[name]


def _visitor():
    visitor = sessions.current()
    if visitor is None:
        abort(404)  # speech is for people using the product here, each session still valid
    return visitor


def _too_many(what, per_minute, visitor):
    """Count one request of *visitor*; return a 429 answer when it is over its share for the minute."""
    limiter = current_app.extensions.setdefault(f"{what}_limiter", Limiter(max(per_minute.values()), seconds=60))
    if limiter.count(visitor.key) >= per_minute[visitor.kind]:
        return jsonify(error=_("Too many requests at once. Wait a minute and try again.")), 429, {"Retry-After": "60"}
    limiter.fail(visitor.key)
    return None


def listen_upload_limit():
    """Refuse a big body unread on the listeners (here and the kiosk's own): a recording is small."""
    if request.endpoint in ("speech.listen", "kiosk.listen", "kiosk.listen_yes_no", "kiosk.idea_listen"):
        request.max_content_length = LISTEN_MAX_BYTES


@bp.get("/speech")
def speak():
    """Send *text* spoken as a WAV, in the voice, rate and language asked for."""
    visitor = _visitor()
    text = request.args.get("text", "")
    if visitor.kind != "kiosk" and len(text) > MAX_VISITOR_TEXT:
        return jsonify(error=_("That is too long to read aloud here (%(n)s characters; %(most)s at most).",
                               n=len(text), most=MAX_VISITOR_TEXT)), 400
    refused = _too_many("speech", SPEECH_PER_MINUTE, visitor)
    if refused:
        return refused
    lang = request.args.get("lang", "en")
    try:
        path = speaker(kiosk=visitor.kind == "kiosk").render(text, voice=request.args.get("voice") or None,
                                rate=request.args.get("rate", type=int), lang=lang if lang in ("en", "cy") else "en")
    except saying.BadSpeechText as e:
        return _refusal(e, "That text cannot be read aloud: it is empty, or too long for one go."), 400
    except saying.SpeechUnavailable as e:
        return _refusal(e, UNAVAILABLE["speech"]), 503
    response = send_file(path, mimetype="audio/wav", conditional=True, max_age=CACHE_SECONDS)
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    response.set_etag(hashlib.sha256(str(path).encode()).hexdigest()[:32])
    return response


@bp.post("/api/listen")
def listen():
    """Hear which of the options on screen a person said; answer with the choice as JSON."""
    visitor = _visitor()
    language = request.form.get("lang")
    if language in LANGUAGES:
        g.lang = language  # what the caller listens in is the language of its screen: refusals say it in it
    options = request.form.getlist("option")
    if not options:
        return jsonify(error=_("Send the options on screen, one 'option' field each.")), 400
    problem = _options_problem(options)
    if problem:
        return jsonify(error=problem), 400
    upload = request.files.get("audio")
    if upload is None:
        return jsonify(error=_("Send the recording as a WAV file in the field 'audio'.")), 400
    refused = _too_many("listen", LISTEN_PER_MINUTE, visitor)
    if refused:
        return refused
    try:
        # A kiosk's own listening (web/kiosk.py) goes first; this open API waits behind it.
        result = listening.listen(upload.read(), options, engine=request.form.get("engine", "auto"),
                                  language=language if language in LANGUAGES else None, urgent=False)
    except (listening.BadAudio, ValueError) as e:
        return _refusal(e, "That recording cannot be used. Record it again as a WAV file of a few seconds."), 400
    except EngineUnavailable as e:
        return _refusal(e, UNAVAILABLE["listening"]), 503
    return jsonify(result)




def _options_problem(options):
    """Return why these options cannot be listened for (too many, too long), or None."""
    if len(options) > MAX_OPTIONS:
        return _("Send at most %(most)s options (the screen shows no more); %(n)s were sent.", most=MAX_OPTIONS,
                 n=len(options))
    for option in options:
        if len(option) > MAX_LABEL_CHARACTERS or len(option.split()) > MAX_LABEL_WORDS:
            return _("Each option is a short label: at most %(characters)s characters and %(words)s words. "
                     "\u201c%(option)s\u2026\u201d is longer.", characters=MAX_LABEL_CHARACTERS,
                     words=MAX_LABEL_WORDS, option=option[:MAX_LABEL_CHARACTERS])
    return None
