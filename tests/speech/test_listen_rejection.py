"""Tests that speech choosing none of the options comes back as no choice, on synthetic and recorded speech."""

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from accessible.speech.listen import listen, listen_manifest

DRINKS = [{"label": "Tea", "synonyms": ["cup of tea"]}, "Coffee", "Hot chocolate"]
MEALS = ["Fish pie", "Omelette", "Soup"]
ACTIVITIES = ["Bingo", "Garden walk", "Music"]
TESTDATA = Path("/usr/share/pocketsphinx/test/data")


@pytest.mark.slow
@pytest.mark.parametrize("text, voice, options", [
    ("is the doctor coming today", "en-gb+m3", DRINKS),
    ("I don't want to play that", "en-us+m2", ACTIVITIES),
    ("where did I put my cardigan", "en-gb+f3", MEALS),
    ("my feet are cold", "en-us+m2", DRINKS),
    ("can you ring my daughter", "en-gb+m3", ACTIVITIES),
    ("I had my dinner already", "en-gb+f3", DRINKS),
])
def test_other_speech_is_no_choice(espeak_wav, text, voice, options):
    result = listen(espeak_wav(text, voice), options, engine="pocketsphinx")
    assert result["choice"] is None
    assert result["confidence"] == 0.0


@pytest.mark.slow
@pytest.mark.parametrize("text, voice, options, expect", [
    ("water", "en-gb+m3", ["Orange juice", "Water", "Milk"], "Water"),
    ("the garden walk please", "en-gb+m3", ACTIVITIES, "Garden walk"),
    ("I'd like the soup", "en-us+m2", MEALS, "Soup"),
    ("coffee please", "en-gb+f3", DRINKS, "Coffee"),
])
def test_a_checked_choice_still_comes_through(espeak_wav, text, voice, options, expect):
    # "water" said the British way, with no r: the American dictionary alone does not have it.
    result = listen(espeak_wav(text, voice), options, engine="pocketsphinx")
    assert result["choice"] == expect
    assert 0.5 <= result["confidence"] <= 1.0


@pytest.fixture(scope="module")
def recorded():
    if not (TESTDATA / "cards" / "001.wav").is_file():
        pytest.skip("recorded speech needs Debian's pocketsphinx-testdata: apt-get install pocketsphinx-testdata")
    return TESTDATA


@pytest.mark.slow
@pytest.mark.parametrize("wav, options, expect", [
    ("cards/001.wav", ["Ten of clubs", "Seven of hearts", "Ace of spades"], "Ten of clubs"),
    ("cards/003.wav", ["Queen of diamonds", "Seven of clubs"], "Seven of clubs"),
    ("cards/001.wav", DRINKS, None),
    ("cards/005.wav", MEALS, None),
    ("librivox/sense_and_sensibility_01_austen_64kb-0880.wav", ["Yes", "No"], None),
    ("librivox/sense_and_sensibility_01_austen_64kb-0930.wav", DRINKS, None),
])
def test_recorded_speech_chooses_or_is_refused(recorded, wav, options, expect):
    # Real adult speakers reading cards and a novel: none of them elderly, none of them synthetic.
    assert listen(recorded / wav, options, engine="pocketsphinx")["choice"] == expect


@pytest.mark.slow
def test_a_manifest_of_recorded_speech_counts_false_accepts(recorded, tmp_path):
    raw = np.frombuffer((recorded / "goforward.raw").read_bytes(), dtype="<i2")
    with wave.open(str(tmp_path / "goforward.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(raw.tobytes())
    lines = [
        {"audio": "goforward.wav", "options": ["Go backward", "Go forward ten meters"],
         "expect": "Go forward ten meters"},
        {"audio": str(recorded / "librivox" / "sense_and_sensibility_01_austen_64kb-0890.wav"),
         "options": MEALS, "expect": None},
    ]
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines))
    results = list(listen_manifest(manifest, engine="pocketsphinx"))
    assert [r["choice"] for r in results[:-1]] == ["Go forward ten meters", None]
    assert results[-1]["summary"]["false_accepts"] == 0.0
    assert results[-1]["summary"]["accuracy"] == 1.0
