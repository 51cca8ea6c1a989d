"""One topic written in English and Welsh: each person gets it in their own language, staff see what is missing."""

import pytest

from accessible import archive, people, topics, wording
from accessible.errors import Invalid
from accessible.models import Topic


@pytest.fixture
def lunch(db):
    """An English topic with three options, the question and two options also in Welsh."""
    with db.write() as s:
        home = people.create_home(s, "Ty Test")
        topic = topics.create_topic(s, home, "Friday lunch", "What would you like on Fridays?",
                                    options=["Fish pie", "Cawl", "Curry"])
        wording.translate(topic, "cy", title="Cinio dydd Gwener", question="Beth hoffech chi ar ddydd Gwener?")
        wording.translate(topic.options[0], "cy", label="Pastai bysgod", spoken_text="pastai bysgod",
                          synonyms="pysgod\n  pastai  \n")
        wording.translate(topic.options[1], "cy", label="Cawl")
        return home.id, topic.id


def test_each_person_gets_the_words_in_their_language_and_the_rest_in_the_topics_own(db, lunch):
    with db.read() as s:
        topic = s.get(Topic, lunch[1])
        welsh = wording.words(topic, "cy")
        assert (welsh.lang, welsh.question, welsh.title) == ("cy", "Beth hoffech chi ar ddydd Gwener?",
                                                             "Cinio dydd Gwener")
        assert wording.words(topic, "en").question == "What would you like on Fridays?"
        fish, cawl, curry = (wording.words(o, "cy") for o in topic.options)
        assert (fish.label, fish.spoken_text, fish.synonyms) == ("Pastai bysgod", "pastai bysgod", "pysgod\npastai")
        assert (cawl.lang, cawl.label, cawl.spoken_text) == ("cy", "Cawl", None)
        # Not yet in Welsh: the English, marked as English, so the page says lang="en" and English speech reads it.
        assert (curry.lang, curry.label) == ("en", "Curry")


def test_staff_see_what_is_still_to_translate_and_the_topic_is_wholly_welsh_once_it_is(db, lunch):
    with db.write() as s:
        topic = s.get(Topic, lunch[1])
        assert wording.missing(topic) == ["the option “Curry”"]
        assert wording.languages(topic) == ["en"]
        wording.translate(topic.options[2], "cy", label="Cyri")
        assert wording.missing(topic) == [] and wording.languages(topic) == ["en", "cy"]
        topics.move_to(s, topic, "choosing")
        topics.decide(s, topic, "We chose fish pie on Fridays.", option=topic.options[0])
        s.flush()
        assert wording.missing(topic) == ["the decision"] and wording.languages(topic) == ["en"]
        wording.translate(topic.outcome, "cy", decision="Dewison ni bastai bysgod ar ddydd Gwener.")
        assert wording.words(topic.outcome, "cy").decision == "Dewison ni bastai bysgod ar ddydd Gwener."
        assert wording.languages(topic) == ["en", "cy"]
        # Blanking the Welsh question takes the topic out of Welsh, and nothing else.
        wording.translate(topic, "cy", question="  ")
        assert wording.missing(topic) == ["the question"]
        assert wording.words(topic.options[0], "cy").label == "Pastai bysgod"


def test_the_translation_is_kept_and_moves_with_the_home(db, lunch, tmp_path):
    with db.read() as s:
        saved = archive.export_home(s, lunch[0])
    with db.write() as s:
        imported = archive.import_home(s, saved)
    with db.read() as s:
        copy = s.get(Topic, s.scalars(Topic.__table__.select().where(Topic.home_id == imported.id)).first())
        assert wording.words(copy, "cy").question == "Beth hoffech chi ar ddydd Gwener?"
        assert wording.words(copy.options[0], "cy").label == "Pastai bysgod"


def test_a_translation_into_the_topics_own_or_an_unknown_language_or_too_long_is_refused(db, lunch):
    with db.write() as s:
        topic = s.get(Topic, lunch[1])
        with pytest.raises(Invalid, match="already written in English"):
            wording.translate(topic, "en", question="What?")
        with pytest.raises(Invalid, match="into English or Welsh"):
            wording.translate(topic, "fr", question="Quoi ?")
        with pytest.raises(Invalid, match="The Welsh label is too long"):
            wording.translate(topic.options[2], "cy", label="C" * 201)
        assert wording.words(topic.options[2], "cy").label == "Curry"


def test_a_welsh_topic_is_translated_into_english(db):
    with db.write() as s:
        home = people.create_home(s, "Cartref")
        topic = topics.create_topic(s, home, "Te", "Beth hoffech chi i de?", options=["Bara brith"], language="cy")
        assert wording.other_language(topic) == "en"
        wording.translate(topic, "en", question="What would you like for tea?")
        assert wording.words(topic, "en").question == "What would you like for tea?"
        assert wording.words(topic.options[0], "en").label == "Bara brith"
        assert wording.missing(topic) == ["the option “Bara brith”"]


def test_a_pictures_description_is_written_in_welsh_and_follows_the_picture(db, lunch):
    with db.write() as s:
        topic = s.get(Topic, lunch[1])
        fish, cawl, curry = topic.options
        # A symbol described by its own name needs nothing more: the Welsh words describe it.
        assert wording.described(fish, fish.picture, "cy") == wording.Words("cy", {"alt": "Pastai bysgod"})
        photo = "photo:" + "0" * 32  # staff's photo of the real pie, described in their own words
        topics.set_picture(s, fish, photo, "Our cook's fish pie with peas")
        assert wording.missing(topic) == ["what the picture of “Fish pie” shows", "the option “Curry”"]
        wording.translate(fish, "cy", label="Pastai bysgod", picture_alt="Pastai bysgod y cogydd gyda phys")
        assert wording.missing(topic) == ["the option “Curry”"]
        assert wording.described(fish, photo, "cy").alt == "Pastai bysgod y cogydd gyda phys"
        assert wording.described(fish, photo, "en").alt == "Our cook's fish pie with peas"
        # Not yet in Welsh at all: the picture's own English description, marked English.
        assert wording.described(curry, curry.picture, "cy").lang == "en"
        # A symbol beside the photo: the photo, now the second picture, keeps its Welsh description...
        topics.set_picture(s, fish, "openmoji:1F41F", "A fish on a plate")
        assert (fish.second_picture, fish.second_picture_alt) == (photo, "Our cook's fish pie with peas")
        assert wording.described(fish, photo, "cy").alt == "Pastai bysgod y cogydd gyda phys"
        # ...and the new symbol, not yet described in Welsh, is listed and described by the Welsh words meanwhile.
        assert wording.described(fish, "openmoji:1F41F", "cy").alt == "Pastai bysgod"
        assert "what the picture of “Fish pie” shows" in wording.missing(topic)
        # A new photo in place of the old: the old photo's Welsh description is not given to it.
        topics.set_picture(s, fish, "photo:" + "1" * 32, "Fish pie in a dish")
        assert wording.described(fish, "photo:" + "1" * 32, "cy").alt == "Pastai bysgod"
        with pytest.raises(Invalid, match="The Welsh picture's description is too long"):
            wording.translate(fish, "cy", label="Pastai bysgod", picture_alt="P" * 301)
