"""Drive pyttsx3 in a process of its own: one engine, one phrase at a time, fed through a pipe."""

import contextlib
import os
import sys


def serve(conn):
    """Answer render requests from *conn* until it closes; runs in the worker process."""
    # pyttsx3's espeak driver prints a line for every file it saves: keep the server's output clean.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    try:
        import pyttsx3

        engine = pyttsx3.init()
        voices = [(v.id, [str(lang).lower() for lang in (v.languages or [])], v.name) for v in
                  engine.getProperty("voices")]
    except Exception as e:  # the driver or the speech library is missing: say so instead of dying
        conn.send(("unavailable", f"{type(e).__name__}: {e}"))
        return
    conn.send(("ready", voices))
    while True:
        try:
            text, voice, rate, out = conn.recv()
        except (EOFError, OSError):
            return
        try:
            engine.setProperty("voice", voice)
            engine.setProperty("rate", rate)
            engine.save_to_file(text, out)
            engine.runAndWait()
            ok = os.path.exists(out) and os.path.getsize(out) > 44
            conn.send(("ok", out) if ok else ("error", "The speech engine wrote no audio."))
        except Exception as e:
            with contextlib.suppress(OSError):
                conn.send(("error", f"{type(e).__name__}: {e}"))
