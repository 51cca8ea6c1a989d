"""Answers and tallies by group, side by side: own voice, assisted or proxy, families, staff."""

import pytest

from accessible import responses, topics
from accessible.errors import Invalid
from accessible.models import Home, Person, Response


@pytest.fixture
def menu(db, home):
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Menu", "What would you like on Friday?",
                                    options=["Fish pie", "Cawl", "Curry"])
        topics.move_to(s, topic, "choosing")
        return topic.id


def _get(s, home, topic_id):
    topic = topics.get_topic(s, home["home"], topic_id)
    margaret, dafydd, eileen = (s.get(Person, i) for i in home["residents"])
    return topic, margaret, dafydd, eileen, s.get(Person, home["family"]), s.get(Person, home["staff"])


def test_tallies_show_every_group_side_by_side(db, home, menu):
    with db.write() as s:
        topic, margaret, dafydd, eileen, carys, staff = _get(s, home, menu)
        fish, cawl, curry = topic.options
        responses.record(s, topic, margaret, "touch", option=fish)
        responses.record(s, topic, dafydd, "voice", option=cawl, confidence=0.92)
        responses.record(s, topic, eileen, "staff-entry", option=fish, assisted_by=staff)
        responses.record(s, topic, carys, "family-web", option=curry)
        responses.record(s, topic, carys, "family-web", option=cawl, on_behalf_of=margaret)
        responses.record(s, topic, staff, "touch", option=curry)
        t = responses.tally(s, topic)
    by_group = {g.key: dict(g.rows) for g in t.groups}
    assert by_group == {
        "resident": {"Fish pie": 1, "Cawl": 1, "Curry": 0},
        # Eileen answered with staff help; Carys guessed what her mother would choose: neither is own voice.
        "supported": {"Fish pie": 1, "Cawl": 1, "Curry": 0},
        "family": {"Fish pie": 0, "Cawl": 0, "Curry": 1},
        "staff": {"Fish pie": 0, "Cawl": 0, "Curry": 1},
    }
    assert [g.name for g in t.groups] == ["Residents, in their own voice", "Residents, assisted or by proxy",
                                          "Families", "Staff"]
    assert t.channels == {"touch": 2, "voice": 1, "staff-entry": 1, "family-web": 2}


def test_the_latest_answer_counts_and_history_is_kept(db, home, menu):
    with db.write() as s:
        topic, margaret, *_ = _get(s, home, menu)
        fish, cawl, _ = topic.options
        responses.record(s, topic, margaret, "touch", option=fish)
        responses.record(s, topic, margaret, "voice", option=cawl)
        t = responses.tally(s, topic)
        assert dict(t.group("resident").rows) == {"Fish pie": 0, "Cawl": 1, "Curry": 0}
        assert s.query(Response).filter_by(person_id=margaret.id).count() == 2


def test_a_proxy_needs_a_family_link_to_the_resident(db, home, menu):
    with pytest.raises(Invalid, match="own family"), db.write() as s:
        topic, margaret, dafydd, eileen, carys, staff = _get(s, home, menu)
        responses.record(s, topic, carys, "family-web", option=topic.options[0], on_behalf_of=dafydd)


def test_only_staff_assist(db, home, menu):
    with pytest.raises(Invalid, match="Only staff"), db.write() as s:
        topic, margaret, dafydd, eileen, carys, staff = _get(s, home, menu)
        responses.record(s, topic, margaret, "staff-entry", option=topic.options[0], assisted_by=carys)


def test_answers_are_refused_outside_choosing_and_for_other_topics_options(db, home, menu):
    with db.write() as s:
        h = s.get(Home, home["home"])
        draft = topics.create_topic(s, h, "Later", "Something for later?", options=["A", "B"])
        topic, margaret, *_ = _get(s, home, menu)
        with pytest.raises(Invalid, match="not asking"):
            responses.record(s, draft, margaret, "touch", option=draft.options[0])
        with pytest.raises(Invalid, match="not one of this topic"):
            responses.record(s, topic, margaret, "touch", option=draft.options[0])
        with pytest.raises(Invalid, match="Choose one"):
            responses.record(s, topic, margaret, "touch")
        with pytest.raises(Invalid, match="Unknown channel"):
            responses.record(s, topic, margaret, "telegram", option=topic.options[0])


def test_people_not_asked_cannot_answer(db, home):
    with pytest.raises(Invalid, match="not asked"), db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Rota", "Which shift pattern?",
                                    options=["Early", "Late"], ask_residents=False)
        topics.move_to(s, topic, "choosing")
        responses.record(s, topic, s.get(Person, home["residents"][0]), "touch", option=topic.options[0])


def test_rate_topics_count_each_option_on_the_three_point_scale(db, home):
    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "activities")
        topics.move_to(s, topic, "choosing")
        margaret, dafydd, _ = (s.get(Person, i) for i in home["residents"])
        garden, singing, *_ = topic.options
        responses.record(s, topic, margaret, "touch", option=garden, value="like")
        responses.record(s, topic, margaret, "touch", option=singing, value="dislike")
        responses.record(s, topic, dafydd, "voice", option=garden, value="unsure")
        with pytest.raises(Invalid, match="like, not sure"):
            responses.record(s, topic, dafydd, "voice", option=garden, value="meh")
        rows = dict(responses.tally(s, topic).group("resident").rows)
    assert rows["Gardening"] == {"like": 1, "unsure": 1, "dislike": 0}
    assert rows["Singing"] == {"like": 0, "unsure": 0, "dislike": 1}


def test_one_form_rates_each_option_it_rates_and_needs_one_rated(db, home):
    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "activities")
        topics.move_to(s, topic, "choosing")
        margaret = s.get(Person, home["residents"][0])
        garden, singing, quiz, *_ = topic.options
        with pytest.raises(Invalid, match="like, not sure or don't like for at least one option"):
            responses.record_answer(s, topic, margaret, "touch", ratings={str(garden.id): "", str(singing.id): ""})
        recorded = responses.record_answer(s, topic, margaret, "touch",
                                           ratings={str(garden.id): "like", str(quiz.id): "dislike", "999": "like"})
        rows = dict(responses.tally(s, topic).group("resident").rows)
    assert len(recorded) == 2
    assert rows["Gardening"] == {"like": 1, "unsure": 0, "dislike": 0}
    assert rows[quiz.label] == {"like": 0, "unsure": 0, "dislike": 1}
    assert rows["Singing"] == {"like": 0, "unsure": 0, "dislike": 0}


def test_one_form_chooses_one_option_by_its_id(db, home, menu):
    with db.write() as s:
        topic, margaret, *_ = _get(s, home, menu)
        with pytest.raises(Invalid, match="Choose one of the options"):
            responses.record_answer(s, topic, margaret, "touch", option_id="not-an-option")
        responses.record_answer(s, topic, margaret, "touch", option_id=str(topic.options[1].id))
        rows = dict(responses.tally(s, topic).group("resident").rows)
    assert rows == {"Fish pie": 0, "Cawl": 1, "Curry": 0}


def test_yes_no_topics_and_the_review_ask_how_it_is_going(db, home):
    with db.write() as s:
        staff = s.get(Person, home["staff"])
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "pets")
        topics.move_to(s, topic, "choosing")
        margaret, dafydd, _ = (s.get(Person, i) for i in home["residents"])
        responses.record(s, topic, margaret, "touch", value="yes")
        responses.record(s, topic, dafydd, "voice", value="no")
        assert dict(responses.tally(s, topic).group("resident").rows) == {"Yes": 1, "No": 1}
        topics.decide(s, topic, "A cat called Tomos will join us in May.", actor=staff)
        topics.move_to(s, topic, "reviewed")
        responses.record(s, topic, margaret, "touch", value="like")
        review = responses.tally(s, topic)
        assert review.phase == "review"
        assert dict(review.group("resident").rows) == {"Like": 1, "Not sure": 0, "Don't like": 0}
        # The original answers stay beside the review.
        assert dict(responses.tally(s, topic, "choosing").group("resident").rows) == {"Yes": 1, "No": 1}


def test_not_yet_heard_lists_the_quieter_residents(db, home, menu):
    with db.write() as s:
        topic, margaret, dafydd, eileen, carys, staff = _get(s, home, menu)
        responses.record(s, topic, margaret, "touch", option=topic.options[0])
        # A family guess is not the resident having a say.
        responses.record(s, topic, carys, "family-web", option=topic.options[0], on_behalf_of=margaret)
        quiet = responses.not_yet_heard(s, topic, topics.asked_people(s, topic)["resident"])
        assert [r.name for r in quiet] == ["Dafydd Jones", "Eileen O'Neill"]
