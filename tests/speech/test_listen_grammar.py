"""Tests for the grammar a resident may say: labels, synonyms, ordinals, yes/no and polite fillers."""

import pytest

from accessible.speech.grammar import build_grammar, normalise


def chosen(options, text, **kw):
    grammar = build_grammar(options, **kw)
    index = grammar.match(text)
    return None if index is None else grammar.labels[index]


@pytest.mark.parametrize("text, expect", [
    ("tea", "Tea"),
    ("Tea please", "Tea"),
    ("I'd like a hot chocolate", "Hot chocolate"),
    ("can i have the coffee please", "Coffee"),
    ("the first one", "Tea"),
    ("number two", "Coffee"),
    ("the last one", "Hot chocolate"),
    ("cup of tea", "Tea"),
    ("where's my handbag", None),
    ("i'd like the", None),
    ("tea coffee", None),
])
def test_phrases_map_back_to_options(text, expect):
    options = [{"label": "Tea", "synonyms": ["cup of tea"]}, "Coffee", "Hot chocolate"]
    assert chosen(options, text) == expect


def test_yes_no_phrases_only_for_a_yes_no_pair():
    assert chosen(["Yes", "No"], "yes please") == "Yes"
    assert chosen(["Yes", "No"], "no thank you") == "No"
    assert chosen(["No", "Yes"], "yeah") == "Yes"
    assert chosen(["Tea", "Coffee"], "yes please") is None
    # No article before a yes or a no, and no "number two".
    assert chosen(["Yes", "No"], "the yes") is None
    assert chosen(["Yes", "No"], "number two") is None
    assert chosen(["Tea", "Coffee"], "i'd like the coffee") == "Coffee"


def test_a_phrase_two_options_share_chooses_neither():
    assert chosen([{"label": "Tea", "synonyms": ["a drink"]}, {"label": "Juice", "synonyms": ["a drink"]}],
                  "a drink") is None


def test_a_label_beats_an_ordinal_that_sounds_the_same():
    assert chosen(["Garden", "Number two"], "number two") == "Number two"


def test_normalise_spells_digits_and_drops_punctuation():
    assert normalise("Room 7 — Tea & Toast!") == "room seven tea and toast"


@pytest.mark.parametrize("options", [[], ["a"] * 13, [{"synonyms": ["x"]}], ["!!!"]])
def test_bad_options_are_refused(options):
    with pytest.raises(ValueError):
        build_grammar(options)


@pytest.mark.parametrize("text", ["third", "last", "option two", "the fourth"])
def test_short_ordinals_that_fit_other_speech_are_not_in_the_grammar(text):
    options = ["Bingo", "Garden walk", "Music", "Bara brith"]
    assert chosen(options, text) is None
    assert chosen(options, "the third one") == "Music"
    assert chosen(options, "number four") == "Bara brith"
