"""What the kiosk asks next, and which answers share a screen."""

from accessible import asking, responses, topics
from accessible.models import Home, Person


def test_answers_go_on_screens_of_the_size_asked_and_a_page_out_of_range_is_the_nearest():
    answers = ["Fish pie", "Shepherd's pie", "Roast chicken", "Vegetable curry"]
    assert asking.screen(answers, 3, 1) == (answers[:3], 1, 2)
    assert asking.screen(answers, 3, 2) == (answers[3:], 2, 2)
    assert asking.screen(answers, 3, 9) == (answers[3:], 2, 2)
    assert asking.screen(answers, 4, 0) == (answers, 1, 1)
    # The screen that shows the third answer, whatever the number on a screen.
    assert [asking.page_of(2, per) for per in (1, 2, 3, 4)] == [3, 2, 1, 1]


def test_the_next_step_is_the_first_thing_not_rated_then_the_first_question_not_answered(db, home):
    with db.write() as s:
        h, resident = s.get(Home, home["home"]), s.get(Person, home["residents"][2])
        activities = topics.create_from_template(s, h, "activities")
        topics.move_to(s, activities, "choosing")
        pets = topics.create_from_template(s, h, "pets")
        topics.move_to(s, pets, "choosing")
        first, second, *_rest = activities.accepted_options
        assert asking.next_step(s, resident) == ("rate", activities, first)
        responses.record(s, activities, resident, "touch", option=first, value="like")
        assert asking.next_step(s, resident) == ("rate", activities, second)
        for option in activities.accepted_options:
            responses.record(s, activities, resident, "touch", option=option, value="unsure")
        assert asking.next_step(s, resident) == ("question", pets)
        assert asking.first_to_rate(s, activities, resident) == first  # all rated: from the first, to change one
        responses.record(s, pets, resident, "touch", value="yes")
        assert asking.next_step(s, resident) is None


def test_after_the_questions_come_a_co_owners_decision_first_then_ideas_not_put_off(db, home):
    from accessible import committee, ideas

    with db.write() as s:
        h, sam = s.get(Home, home["home"]), s.get(Person, home["staff"])
        margaret = s.get(Person, home["residents"][0])
        lounge = topics.create_topic(s, h, "The lounge", "What would make the lounge nicer?")
        topics.move_to(s, lounge, "ideas")
        assert asking.next_step(s, margaret) == ("ideas", lounge)
        assert asking.next_step(s, margaret, skipped=[lounge.id]) is None  # "Not now"
        menu = topics.create_topic(s, h, "Lunch", "Fish or cottage pie?", options=["Fish pie", "Cottage pie"])
        topics.move_to(s, menu, "choosing")
        responses.record(s, menu, margaret, "touch", option=menu.accepted_options[0])
        topics.set_co_owners(s, menu, [margaret])
        committee.propose(s, menu, "Fish pie on Fridays.", actor=sam)
        assert asking.next_step(s, margaret) == ("agree", menu)
        committee.answer(s, menu, margaret, "agree")
        ideas.ask_to_talk(s, lounge, margaret)
        assert asking.next_step(s, margaret) is None


def test_screen_settings_follow_the_needs_and_the_speech_defaults(db, home):
    with db.read() as s:
        margaret = s.get(Person, home["residents"][0])  # 24 pt, high contrast
        dafydd = s.get(Person, home["residents"][1])  # Welsh
        mine = asking.screen_settings(margaret.needs, "en", idle_seconds=300)
        assert (mine["text_size"], mine["contrast"], mine["lang"], mine["rate"]) == (24, "high", "en", 150)
        assert mine["scan_ms"] == 2400 and mine["idle_seconds"] == 300  # six words at 150 a minute
        assert asking.screen_settings(dafydd.needs, "en")["lang"] == "cy"
        assert asking.screen_settings(None, "cy") == {**asking.screen_settings(None, "cy"), "voice": "",
                                                      "per_screen": 4, "modes": ["touch"], "lang": "cy"}
