"""Tests for a Welsh screen: Welsh option labels through the English model, with Welsh pronunciations."""

import pytest

from accessible.speech.engines import PocketSphinxEngine, pronounce
from accessible.speech.grammar import build_grammar, language_of
from accessible.speech.listen import listen

DIODYDD = ["Te", "Coffi", "Siocled poeth"]  # tea, coffee, hot chocolate


def chosen(options, text):
    grammar = build_grammar(options)
    index = grammar.match(text)
    return None if index is None else grammar.labels[index]


def test_a_screen_of_welsh_labels_is_welsh_and_bara_brith_alone_is_not():
    assert language_of(DIODYDD) == "cy"
    assert language_of(["Ie", "Na"]) == "cy"
    assert language_of(["Dŵr", "Llaeth"]) == "cy"
    assert language_of(["Bingo", "Garden walk", "Music", "Bara brith"]) == "en"
    assert language_of(["Tea", "Coffee"]) == "en"


@pytest.mark.parametrize("options, text, expect", [
    (DIODYDD, "coffi plis", "Coffi"),
    (DIODYDD, "ga i de", None),  # a mutated "te" is not in the grammar: asked again, not guessed
    (DIODYDD, "rhif dau", "Coffi"),
    (DIODYDD, "the second one", "Coffi"),  # many residents answer in English on a Welsh screen
    (["Ie", "Na"], "ie diolch", "Ie"),
    (["Ie", "Na"], "nac ydw", "Na"),
    (["Ie", "Na"], "yes please", "Ie"),
    (["Ie", "Na"], "i do", None),  # sounds like "ydw" and like "nac ydw": not a yes
    (["Ie", "Na"], "naddo", None),  # the past tense's no: no screen asks in it
    (["Ie", "Na"], "y ydw", None),  # no article before a yes or a no ("nac ydw" half-heard is not a yes)
    (["Ie", "Na"], "rhif dau", None),  # nor a number
    (DIODYDD, "ga i coffi", None),  # "ga i" mutates what follows ("ga i goffi"): not a way in
])
def test_welsh_polite_words_numbers_and_yes_no(options, text, expect):
    assert chosen(options, text) == expect


def test_a_welsh_speakers_screen_hears_english_labels_with_welsh_politeness():
    assert chosen(["Yes", "No"], "i do") is None  # other speech fell onto it: "where are my glasses"
    grammar = build_grammar(["Tea", "Coffee"], language="cy")  # a Welsh speaker's screen, labelled in English
    assert grammar.labels[grammar.match("coffee plis")] == "Coffee"
    assert build_grammar(["Tea", "Coffee"], language="en").match("coffee plis") is None


def test_welsh_words_get_welsh_pronunciations_from_espeak():
    assert pronounce("coffi", "cy")[:3] == ["K", "OW", "F"]
    assert pronounce("ie", "cy")[0] == "Y"
    assert pronounce("dŵr", "cy") == ["D", "UW", "R"]
    assert pronounce("dau", "cy") == ["D", "AY"]  # not "tri" with its ending lost


def test_welsh_diphthongs_are_one_vowel_and_u_has_a_second_pronunciation_as_ee():
    assert pronounce("llaeth", "cy") == ["HH", "L", "AY", "TH"]  # "ae" was split into "AA IH"
    assert pronounce("eisiau", "cy") == ["AY", "SH", "AY"]  # "ei" was "AH IH"
    assert pronounce("ydy", "cy") == ["AH", "D", "IH"]  # its last "y" was "ER"
    assert pronounce("sudd", "cy") == ["S", "IH", "DH"]
    assert pronounce("sudd", "cy", "south") == ["S", "IY", "DH"]


@pytest.mark.slow
@pytest.mark.parametrize("text, expect", [
    ("coffi", "Coffi"),
    ("siocled poeth", "Siocled poeth"),
    ("mae hi'n bwrw glaw heddiw", None),  # "it's raining today": no choice
])
def test_espeak_welsh_voice_choosing_slowly_on_a_welsh_screen(espeak_wav, text, expect):
    # Said slowly (120 words a minute). At 140 the same words mostly come back as no choice: see below.
    assert listen(espeak_wav(text, "cy", speed=120), DIODYDD, engine="pocketsphinx")["choice"] == expect


@pytest.mark.slow
@pytest.mark.parametrize("text, expect", [("coffi", "Coffi"), ("te", "Te"), ("ie", "Ie"), ("na", "Na")])
def test_short_welsh_words_are_chosen_or_asked_again_never_mistaken(espeak_wav, text, expect):
    # Through an English model these are at the edge: at 140 words a minute "coffi" is refused, and
    # one-syllable "te", "ie" and "na" come back as no choice. Never as the other option.
    options = ["Ie", "Na"] if expect in ("Ie", "Na") else DIODYDD
    assert listen(espeak_wav(text, "cy"), options, engine="pocketsphinx")["choice"] in (expect, None)


@pytest.mark.slow
def test_the_same_welsh_recording_gets_the_same_answer_whatever_was_heard_before(espeak_wav):
    # PocketSphinx's feature extraction used to carry its noise estimate and cepstral mean from one
    # recording to the next: this "coffi" scored 0.998 first and 0.986-0.994 after other recordings.
    coffi = espeak_wav("coffi", "cy", speed=150)
    first = listen(coffi, DIODYDD, engine="pocketsphinx")
    listen(espeak_wav("where are my glasses"), ["Yes", "No"], engine="pocketsphinx")
    listen(espeak_wav("tea please"), ["Tea", "Coffee"], engine="pocketsphinx")
    again = listen(coffi, DIODYDD, engine="pocketsphinx")
    assert first["choice"] == "Coffi"
    assert (again["choice"], again["confidence"]) == (first["choice"], first["confidence"])


@pytest.mark.slow
@pytest.mark.parametrize("options, text, expect", [
    (DIODYDD, "siocled poeth plis", "Siocled poeth"),
    (DIODYDD, "coffi diolch", "Coffi"),
    (["Ie", "Na"], "ie diolch", "Ie"),
    (["Cawl", "Pysgod", "Cyw iâr"], "pysgod plis", "Pysgod"),
    # Other speech the grammar search fits to an option ("Coffi", "Ie"), refused by the check against
    # a free phone decode, so the resident is asked again rather than given a drink.
    (DIODYDD, "mae fy nghefn yn brifo", None),  # "my back hurts"
    (["Ie", "Na"], "mae'n ddrwg gen i", None),  # "I'm sorry"
    (["Ie", "Na"], "pa ddiwrnod yw hi", None),  # "what day is it"
    # Other speech the search leaves part-way: no choice either.
    (DIODYDD, "rho'r teledu ymlaen", None),  # "put the telly on"
    (DIODYDD, "dw i eisiau mynd adref", None),  # "I want to go home": starts like "dw i eisiau coffi"
])
def test_a_welsh_answer_is_heard_and_other_welsh_speech_is_not_taken_as_one(espeak_wav, options, text, expect):
    # A Welsh voice variant neither bench corpus uses, at an everyday rate: the Welsh threshold (chosen on
    # bench_listen's Welsh tuning corpus) still takes the answer and still asks again after other speech.
    assert listen(espeak_wav(text, "cy+m3"), options, engine="pocketsphinx")["choice"] == expect


@pytest.mark.slow
@pytest.mark.parametrize("voice, options, text, expect", [
    # Each of these came back as no choice before the Welsh phone table and the second pronunciation
    # ("sudd oren" as "dw i" or nothing; "llaeth" as "i'd like sudd"; "hufen iâ" as "rhif un diolch").
    ("cy+m3", ["Dŵr", "Llaeth", "Sudd oren"], "sudd oren", "Sudd oren"),
    ("cy+f2", ["Dŵr", "Llaeth", "Sudd oren"], "sudd oren", "Sudd oren"),
    ("cy+f2", ["Dŵr", "Llaeth", "Sudd oren"], "llaeth", "Llaeth"),
    ("cy+f2", ["Bara brith", "Cacen", "Hufen iâ"], "hufen iâ", "Hufen iâ"),
    # and other speech is still asked again
    ("cy+f2", ["Dŵr", "Llaeth", "Sudd oren"], "ble mae'r teledu", None),  # "where is the telly"
])
def test_welsh_answers_with_welsh_vowels_are_heard(espeak_wav, voice, options, text, expect):
    assert listen(espeak_wav(text, voice), options, engine="pocketsphinx")["choice"] == expect


def test_welsh_a_is_an_open_a_not_the_a_of_cat():
    # Welsh "a" ("na", "nac", "pedwar") is an open [a]; the English model's "AE" is the raised vowel of
    # "cat", and "nac" said by a Welsh voice fitted "not" or nothing better than it.
    assert pronounce("nac", "cy") == ["N", "AA", "K"]
    assert pronounce("na", "cy") == ["N", "AA"]
    assert pronounce("dau", "cy") == ["D", "AY"]  # the diphthong is still one vowel


def test_welsh_long_e_is_the_e_of_they_not_of_bed():
    # Welsh long e ("ie", "te", "pedwar") is a pure [eː]; "EY" is nearer to it than the short "EH" of "bed".
    assert pronounce("ie", "cy") == ["Y", "EY"]
    assert pronounce("te", "cy") == ["T", "EY"]
    assert pronounce("pedwar", "cy")[:2] == ["P", "EY"]


@pytest.mark.slow
@pytest.mark.parametrize("voice, speed, text", [
    # Each of these was no choice before Welsh "a" was an open a: "nac" was lost ("not that", "na diolch
    # diolch", "na plis" turned away), so a resident's "no" was asked again or, said faster, heard as "ydy".
    ("cy+m3", 120, "nac ydy"),
    ("cy+m5", 120, "nac ydy"),
    ("cy+f5", 140, "nac ydy"),
    ("cy+f5", 140, "nac oes"),
])
def test_nac_is_heard_so_a_welsh_no_chooses_no(espeak_wav, voice, speed, text):
    heard = listen(espeak_wav(text, voice, speed=speed), ["Oes", "Nac oes"], engine="pocketsphinx")
    assert heard["choice"] == "Nac oes"
    assert heard["heard"].startswith("nac ")


def test_a_word_with_a_welsh_circumflex_is_not_spelt_out_by_the_english_voices():
    # English letter-to-sound rules said "dŵr" as "d double-u circumflex r": twenty phones, no pronunciation.
    engine = PocketSphinxEngine()
    dwr = engine._pronunciations(engine._token("dŵr", "cy"))
    assert dwr == [["D", "UW", "R"]]
    assert engine._pronunciations(engine._token("iâr", "cy")) == [["Y", "AA", "R"]]


@pytest.mark.slow
@pytest.mark.parametrize("voice, speed", [("cy+f2", 120), ("cy+f5", 120), ("cy+f5", 140)])
def test_a_welsh_yes_is_heard_as_ie(espeak_wav, voice, speed):
    # Each was no choice with "ie" as "Y EH": the search ran on into "os gwelwch yn dda" ("ie os").
    assert listen(espeak_wav("ie", voice, speed=speed), ["Ie", "Na"], engine="pocketsphinx")["choice"] == "Ie"
