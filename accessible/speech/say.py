"""Turn text into speech (WAV) with pyttsx3 on espeak-ng, in English and Welsh, safely from many threads."""

import ctypes.util
import importlib.util
import multiprocessing
import os
import shutil
import threading
import time
from pathlib import Path

from accessible.speech import worker
from accessible.speech.cache import SpeechCache
from accessible.speech.text import BadSpeechText, normalise

__all__ = ["BadSpeechText", "Speaker", "SpeechUnavailable", "say", "speech_settings", "speech_status"]

DEFAULT_RATE = 150
RATE_RANGE = (80, 300)
#: The voice each language speaks with unless a resident's needs name another.
DEFAULT_VOICES = {"en": "en-gb", "cy": "cy"}
INSTALL_HINT = "Install espeak-ng with: sudo apt-get install espeak-ng"


class SpeechUnavailable(RuntimeError):
    """Speech cannot be made just now; the message says why and how to fix it."""


def speech_status():
    """Return (True, what speaks) or (False, why speech is off and how to turn it on)."""
    # find_library runs ldconfig, a few milliseconds, and the staff overview asks on every view: a good answer
    # is kept for a minute. A bad one is not kept, so the overview says so the moment espeak-ng is installed.
    now = time.monotonic()
    if _status_memo and now - _status_memo[0] < 60:
        return _status_memo[1]
    status = _speech_status()
    _status_memo[:] = [now, status] if status[0] else []
    return status


_status_memo = []


def _speech_status():
    if importlib.util.find_spec("pyttsx3") is None:
        return False, "Speech is off: the pyttsx3 package is missing. Reinstall accessible (scripts/setup)."
    if not (ctypes.util.find_library("espeak-ng") or ctypes.util.find_library("espeak")):
        return False, f"Speech is off: espeak-ng is not installed. {INSTALL_HINT}"
    return True, "Speech by espeak-ng through pyttsx3"


def speech_settings(needs, home_language="en"):
    """Return the voice, rate and language for a resident's communication needs (or the home's defaults)."""
    lang = (getattr(needs, "language", None) or home_language or "en") if needs is not None else home_language
    return {
        "voice": getattr(needs, "voice", None) or DEFAULT_VOICES.get(lang, "en-gb"),
        "rate": getattr(needs, "speech_rate", None) or DEFAULT_RATE,
        "lang": lang if lang in DEFAULT_VOICES else "en",
    }


class Speaker:
    """Render speech through one worker process, with a time limit per phrase, and cache what it renders."""

    def __init__(self, cache_dir, max_cache_bytes=200 * 1024 * 1024, timeout=10.0):
        self.cache = SpeechCache(cache_dir, max_cache_bytes)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._process = None
        self._conn = None
        self._voices = []
        self.restarts = 0

    def _start(self):
        ok, why = speech_status()
        if not ok:
            raise SpeechUnavailable(why)
        # spawn, not fork: forking a threaded web server can copy a held lock into the child.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=worker.serve, args=(child,), daemon=True, name="accessible-speech")
        process.start()
        child.close()
        if not parent.poll(30):
            process.kill()
            raise SpeechUnavailable("The speech engine did not start. " + INSTALL_HINT)
        status, detail = parent.recv()
        if status != "ready":
            process.join(5)
            raise SpeechUnavailable(f"Speech is off: the speech engine could not start ({detail}). {INSTALL_HINT}")
        self._process, self._conn, self._voices = process, parent, detail

    def _stop(self):
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
            self._conn.close()
        self._process = self._conn = None

    def _voice_id(self, lang, voice):
        """Return the engine's id for *voice* (a language tag such as en-gb or cy), else the language's default."""
        for wanted in (voice, DEFAULT_VOICES.get(lang, "en-gb")):
            if not wanted:
                continue
            wanted = wanted.lower()
            for ident, languages, _name in self._voices:
                if wanted in languages or ident.lower() == wanted or ident.lower().endswith("/" + wanted):
                    return ident
        raise SpeechUnavailable(f"No voice for {lang} is installed. {INSTALL_HINT}")

    def voice_for(self, lang="en", voice=None):
        """Return the engine's voice id that *lang* (or *voice*) speaks with."""
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._start()
            return self._voice_id(lang, voice)

    def render(self, text, voice=None, rate=None, lang="en"):
        """Return the path of a WAV of *text* spoken; from the cache when it was said before.

        :raises BadSpeechText: for empty, over-long, control-character or markup text.
        :raises SpeechUnavailable: when espeak-ng is missing or the engine fails twice.
        """
        lang = lang if lang in DEFAULT_VOICES else "en"
        rate = min(max(int(rate or DEFAULT_RATE), RATE_RANGE[0]), RATE_RANGE[1])
        spoken = normalise(text, lang)
        path = self.cache.path_for(spoken, (voice or "").lower(), rate, lang)
        if self.cache.get(path):
            return path
        with self._lock:
            if self.cache.get(path):  # another thread rendered it while this one waited
                return path
            for attempt in (1, 2):
                try:
                    self._render_locked(spoken, voice, rate, lang, path)
                    return path
                except _WorkerFailed as e:
                    # Kill and restart the worker: a stuck or crashed engine never blocks the server.
                    self._stop()
                    self.restarts += 1
                    if attempt == 2:
                        raise SpeechUnavailable(f"Speech failed: {e}") from None
        return path

    def _render_locked(self, spoken, voice, rate, lang, path):
        if self._process is None or not self._process.is_alive():
            self._start()
        voice_id = self._voice_id(lang, voice)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.part.wav")
        try:
            self._conn.send((spoken, voice_id, rate, str(partial)))
            if not self._conn.poll(self.timeout):
                raise _WorkerFailed(f"the engine took longer than {self.timeout:g} seconds")
            status, detail = self._conn.recv()
        except (EOFError, OSError, BrokenPipeError) as e:
            raise _WorkerFailed(f"the engine stopped ({type(e).__name__})") from None
        if status != "ok":
            partial.unlink(missing_ok=True)
            raise _WorkerFailed(detail)
        os.replace(partial, path)  # a reader never sees half a file
        self.cache.added(path)

    def prerender(self, texts, voice=None, rate=None, lang="en"):
        """Render *texts* ahead of time (e.g. a topic's question and options when it opens); best effort."""
        for text in texts:
            try:
                self.render(text, voice=voice, rate=rate, lang=lang)
            except BadSpeechText:
                continue
            except (SpeechUnavailable, OSError):
                return  # speech is off or the folder went away: the kiosk renders on demand instead

    def close(self):
        """Stop the worker process."""
        with self._lock:
            self._stop()


class _WorkerFailed(Exception):
    pass


def say(text, out, voice=None, rate=None, lang="en", cache_dir=None):
    """Speak *text* into the WAV file *out* and return its path."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        speaker = Speaker(cache_dir or scratch)
        try:
            rendered = speaker.render(text, voice=voice, rate=rate, lang=lang)
            out = Path(out)
            shutil.copyfile(rendered, out)
        finally:
            speaker.close()
    return out
