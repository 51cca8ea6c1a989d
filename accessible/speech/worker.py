"""Drive pyttsx3 in a process of its own: one phrase at a time, fed through a pipe, checked before it is kept."""

import contextlib
import os
import sys
import wave


def _frames(path):
    try:
        with wave.open(path) as f:
            return f.getnframes()
    except (OSError, EOFError, wave.Error):
        return 0


def serve(conn):
    """Answer render requests from *conn* until it closes; runs in the worker process."""
    # pyttsx3's espeak driver prints a line for every file it saves: keep the server's output clean.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    try:
        import pyttsx3
        from pyttsx3.engine import Engine

        engine = pyttsx3.init()
        voices = [(v.id, [str(lang).lower() for lang in (v.languages or [])], v.name) for v in
                  engine.getProperty("voices")]
        driver = engine.proxy._driver
        espeak = getattr(sys.modules.get(type(driver).__module__), "_espeak", None)
        del engine
    except Exception as e:  # the driver or the speech library is missing: say so instead of dying
        conn.send(("unavailable", f"{type(e).__name__}: {e}"))
        return
    conn.send(("ready", voices))

    def render(text, voice, rate, out):
        # A fresh engine per phrase: pyttsx3 2.99's espeak driver keeps the last text and can apply a new rate
        # to the phrase after; espeak_Synchronize waits for espeak's own thread to finish before we go on.
        engine = Engine()
        engine.setProperty("voice", voice)
        engine.setProperty("rate", rate)
        engine.save_to_file(text, out)
        engine.runAndWait()
        if espeak is not None:
            espeak.Synchronize()
        del engine
        return _frames(out)

    while True:
        try:
            text, voice, rate, out = conn.recv()
        except (EOFError, OSError):
            return
        try:
            # Keep a rendering only when two in a row agree: the driver now and then cuts one short or
            # speaks it at the previous rate, and a resident must hear the phrase whole, at their pace.
            previous, frames = -1, 0
            for attempt in range(5):
                candidate = f"{out}.{attempt}"
                frames = render(text, voice, rate, candidate)
                if frames > 0 and abs(frames - previous) <= max(2, frames // 200):
                    os.replace(candidate, out)
                    break
                if previous >= 0:
                    with contextlib.suppress(OSError):
                        os.remove(f"{out}.{attempt - 1}")
                previous = frames
            else:
                frames = 0
            for attempt in range(5):
                with contextlib.suppress(OSError):
                    os.remove(f"{out}.{attempt}")
            ok = frames > 0 and os.path.exists(out)
            conn.send(("ok", out) if ok else ("error", "The speech engine gave different audio each time."))
        except Exception as e:
            with contextlib.suppress(OSError):
                conn.send(("error", f"{type(e).__name__}: {e}"))
