"""Speech output: real espeak-ng audio through pyttsx3 in a worker process, cached, in English and Welsh."""

import threading
import wave

import numpy as np
import pytest

from accessible.speech import say as saying
from accessible.speech.say import BadSpeechText, Speaker, SpeechUnavailable
from accessible.speech.text import normalise


@pytest.fixture(scope="module")
def speaker(tmp_path_factory):
    s = Speaker(tmp_path_factory.mktemp("speech-cache"))
    yield s
    s.close()


def read(path):
    """Return (sample rate, samples as floats, seconds) of a WAV file."""
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getcomptype()) == (1, 2, "NONE")
        rate = w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(float) / 32768
    return rate, samples, len(samples) / rate


def test_renders_a_real_non_silent_wav(speaker):
    path = speaker.render("What would you like for lunch on Friday?")
    assert path.read_bytes()[:4] == b"RIFF" and path.read_bytes()[8:12] == b"WAVE"
    rate, samples, seconds = read(path)
    assert rate >= 16000
    assert 1.0 < seconds < 6.0
    assert np.sqrt(np.mean(samples ** 2)) > 0.01  # not silence


def test_slower_speech_lasts_longer(speaker):
    text = "Shall we paint the lounge a soft green or a warm yellow?"
    slow = read(speaker.render(text, rate=100))[2]
    usual = read(speaker.render(text, rate=150))[2]
    fast = read(speaker.render(text, rate=250))[2]
    assert slow > usual > fast


def test_welsh_is_spoken_with_the_welsh_voice(speaker):
    assert speaker.voice_for("cy") != speaker.voice_for("en")
    assert "cy" in speaker.voice_for("cy").lower()
    welsh = read(speaker.render("Bore da, sut ydych chi heddiw?", lang="cy"))[1]
    english_voice = read(speaker.render("Bore da, sut ydych chi heddiw?", lang="en"))[1]
    assert len(welsh) != len(english_voice) or not np.array_equal(welsh, english_voice)


def test_a_phrase_heard_before_comes_from_the_cache(speaker):
    first = speaker.render("Tea or coffee?")
    speaker.close()  # no engine running now: a cached phrase must not need one
    again = speaker.render("Tea or coffee?")
    assert again == first
    assert speaker._process is None


def test_the_cache_stays_within_its_size(tmp_path):
    small = Speaker(tmp_path, max_cache_bytes=300_000)
    try:
        for n in range(12):
            small.render(f"Option number {n} is a lovely walk in the garden")
        on_disk = sum(p.stat().st_size for p in tmp_path.glob("*/*.wav"))
        assert on_disk <= 300_000
        assert small.render("Option number 11 is a lovely walk in the garden").exists()  # newest kept
    finally:
        small.close()


def test_many_threads_at_once_each_get_their_own_phrase(speaker):
    texts = [f"Resident {n} would like {'fish pie' if n % 2 else 'a cup of tea'} at {n} o'clock" for n in range(24)]
    results, errors = {}, []

    def work(chunk):
        try:
            for text in chunk:
                results[text] = speaker.render(text)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(texts[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert errors == []
    assert len({p for p in results.values()}) == len(texts)  # every phrase its own file
    for path in results.values():
        assert np.sqrt(np.mean(read(path)[1] ** 2)) > 0.01


def test_a_killed_worker_is_restarted(speaker):
    speaker.render("Warm up the engine")
    speaker._process.kill()
    speaker._process.join()
    path = speaker.render("The engine died and came back")
    assert read(path)[2] > 0.5


def test_a_stuck_engine_gives_a_clear_error_not_a_hang(tmp_path):
    impatient = Speaker(tmp_path, timeout=0.0)
    try:
        with pytest.raises(SpeechUnavailable, match="longer than"):
            impatient.render("This will take longer than no time at all")
        assert impatient.restarts == 2
    finally:
        impatient.close()


@pytest.mark.parametrize(("text", "message"), [
    ("", "nothing to say"),
    ("   ", "nothing to say"),
    ("word " * 200, "too long"),
    ("Tea\x00or coffee", "control characters"),
    ("<script>alert(1)</script>", "not markup"),
    ("Fish &amp; chips", "not markup"),
])
def test_bad_text_gets_a_clear_error(speaker, text, message):
    with pytest.raises(BadSpeechText, match=message):
        speaker.render(text)


@pytest.mark.parametrize(("text", "lang", "spoken"), [
    ("Shepherd's pie", "en", "Shepherd's pie"),
    ("Lunch is at 2pm", "en", "Lunch is at 2 p m"),
    ("The trip costs £3.50", "en", "The trip costs 3 pounds 50"),
    ("Tickets are £1 each", "en", "Tickets are 1 pound each"),
    ("Mrs O'Neill and Mr Price", "en", "Missus O'Neill and Mister Price"),
    ("Bingo at 10:30am", "en", "Bingo at 10 30 a m"),
    ("Dydd Llun", "cy", "Dydd Llun"),
    ("Cinio am 2pm", "cy", "Cinio am 2 y prynhawn"),
    ("Mae'n costio £3.50", "cy", "Mae'n costio 3 punt 50"),
])
def test_text_is_written_out_as_a_person_reads_it(text, lang, spoken):
    assert normalise(text, lang) == spoken


def test_say_writes_the_file_asked_for(tmp_path):
    out = saying.say("You said fish pie. We will serve it on Fridays.", tmp_path / "out.wav", rate=120)
    assert out.exists() and read(out)[2] > 1.5


def test_without_espeak_speech_is_off_with_a_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(saying.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(saying, "_status_memo", [])  # as on a machine that never had it
    ok, message = saying.speech_status()
    assert not ok and "sudo apt-get install espeak-ng" in message
    with pytest.raises(SpeechUnavailable, match="apt-get install espeak-ng"):
        Speaker(tmp_path).render("Hello")


def test_a_residents_needs_set_voice_rate_and_language():
    class Needs:
        language, speech_rate, voice = "cy", 120, None

    assert saying.speech_settings(Needs(), "en") == {"voice": "cy", "rate": 120, "lang": "cy"}
    assert saying.speech_settings(None, "en") == {"voice": "en-gb", "rate": 150, "lang": "en"}


def test_the_say_command(tmp_path):
    from click.testing import CliRunner

    from accessible.cli import main

    result = CliRunner().invoke(main, ["say", "Bore da", "-o", str(tmp_path / "cy.wav"), "--voice", "cy"])
    assert result.exit_code == 0 and (tmp_path / "cy.wav").exists()
    result = CliRunner().invoke(main, ["say", "<b>bold</b>", "-o", str(tmp_path / "x.wav")])
    assert result.exit_code == 1 and "not markup" in result.output


def test_each_phrase_is_spoken_at_its_own_rate_whatever_came_before(tmp_path):
    # pyttsx3's espeak driver can carry a rate over to the next phrase; the worker must not let it.
    forgetful = Speaker(tmp_path, max_cache_bytes=1)  # keeps only the newest file: every phrase is rendered
    text = "Would you like to go out to the garden after lunch today?"
    seen = {}
    try:
        for rate in [100, 250, 100, 150, 250, 150, 100, 250]:
            seen.setdefault(rate, set()).add(round(read(forgetful.render(text, rate=rate))[2], 1))
    finally:
        forgetful.close()
    assert all(len(durations) == 1 for durations in seen.values()), seen
    assert min(seen[100]) > min(seen[150]) > min(seen[250])
