"""Speech over HTTP: any screen text as a WAV (GET /speech) and a spoken choice from a WAV (POST /api/listen)."""

import hashlib

from flask import Blueprint, abort, current_app, jsonify, request, send_file

from accessible.speech import listen as listening
from accessible.speech import say as saying
from accessible.speech.engines import EngineUnavailable
from web import sessions

bp = Blueprint("speech", __name__)
#: Spoken audio for a given text, voice and rate never changes, so browsers may keep it.
CACHE_SECONDS = 24 * 3600


def speaker():
    """Return the app's one Speaker (its worker process and its cache in the data folder), made on first use."""
    ext = current_app.extensions
    if "speaker" not in ext:
        ext["speaker"] = saying.Speaker(current_app.instance_path + "/speech-cache")
    return ext["speaker"]


def _allowed():
    # Speech is for people using the product here: staff, a kiosk, a family member's session, each still valid.
    return sessions.current() is not None


@bp.get("/speech")
def speak():
    """Send *text* spoken as a WAV, in the voice, rate and language asked for."""
    if not _allowed():
        abort(404)
    text = request.args.get("text", "")
    lang = request.args.get("lang", "en")
    try:
        path = speaker().render(text, voice=request.args.get("voice") or None,
                                rate=request.args.get("rate", type=int), lang=lang if lang in ("en", "cy") else "en")
    except saying.BadSpeechText as e:
        return jsonify(error=str(e)), 400
    except saying.SpeechUnavailable as e:
        return jsonify(error=str(e)), 503
    response = send_file(path, mimetype="audio/wav", conditional=True, max_age=CACHE_SECONDS)
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    response.set_etag(hashlib.sha256(str(path).encode()).hexdigest()[:32])
    return response


@bp.post("/api/listen")
def listen():
    """Hear which of the options on screen a person said; answer with the choice as JSON."""
    if not _allowed():
        abort(404)
    upload = request.files.get("audio")
    if upload is None:
        return jsonify(error="Send the recording as a WAV file in the field 'audio'."), 400
    options = request.form.getlist("option")
    if not options:
        return jsonify(error="Send the options on screen, one 'option' field each."), 400
    try:
        language = request.form.get("lang")
        result = listening.listen(upload.read(), options, engine=request.form.get("engine", "auto"),
                                  language=language if language in ("en", "cy") else None)
    except (listening.BadAudio, ValueError) as e:
        return jsonify(error=str(e)), 400
    except EngineUnavailable as e:
        return jsonify(error=str(e)), 503
    return jsonify(result)


