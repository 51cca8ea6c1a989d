"""Running co-production day to day: nothing changes on a GET, hard-to-undo steps ask first or can be undone."""

import re

from sqlalchemy import select

from accessible import topics
from accessible.models import FamilyLink, Home, Option, Topic
from tests.helpers import make_cards, post, qr_texts, raster, text


def _card_codes(response, folder):
    assert response.mimetype == "application/pdf"
    return {t for page in raster(response.data, folder, dpi=100) for t in qr_texts(page)}


def test_opening_the_cards_twice_prints_the_same_link_and_makes_no_new_one(staff_client, menu, db, tmp_path):
    first = _card_codes(make_cards(staff_client, menu), tmp_path / "a")
    again = _card_codes(make_cards(staff_client, menu), tmp_path / "b")
    assert first == again and len(first) == 1
    with db.read() as s:
        assert len(s.scalars(select(FamilyLink)).all()) == 1


def test_new_cards_ask_first_and_say_whose_cards_stop_working_for_every_topic(app, staff_client, menu, home,
                                                                             tmp_path):
    (old,) = _card_codes(make_cards(staff_client, menu), tmp_path / "a")
    url = f"/staff/topics/{menu}"
    page = staff_client.get(url).get_data(as_text=True)
    confirm = re.search(r'href="([^"]+/new-cards)"', page).group(1)
    page = text(staff_client.get(confirm))
    assert "Carys Evans (daughter): all their cards for Margaret Evans (1 working link)" in page
    assert "for every topic" in page
    old_path = old.replace("http://localhost", "")
    assert app.test_client().get(old_path).status_code == 303  # looking at the question changed nothing
    (new,) = _card_codes(make_cards(staff_client, menu, {"replace": "1"}, form_url=confirm), tmp_path / "b")
    assert new != old
    assert app.test_client().get(old_path).status_code == 404
    assert app.test_client().get(new.replace("http://localhost", "")).status_code == 303


def test_back_in_the_home_makes_the_same_family_cards_work_again(app, staff_client, menu, home, tmp_path):
    (card,) = _card_codes(make_cards(staff_client, menu), tmp_path)
    path = card.replace("http://localhost", "")
    url = f"/staff/residents/{home['residents'][0]}"
    assert "\u201cBack in the home\u201d undoes it: the same cards work again" in text(staff_client.get(url)) \
        or "Back in the home\" undoes it" in text(staff_client.get(url))
    post(staff_client, f"{url}/active", {"active": "0"}, form_url=url)
    assert app.test_client().get(path).status_code == 404
    assert "Not opening while Peggy is away" in text(staff_client.get(url)) or \
        "Not opening while Margaret is away" in text(staff_client.get(url))
    post(staff_client, f"{url}/active", {"active": "1"}, form_url=url)
    assert app.test_client().get(path).status_code == 303


def test_a_hidden_idea_can_be_shown_again_and_two_ideas_merged_and_unmerged(staff_client, db, home):
    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "redecorate")
        topics.move_to(s, topic, "ideas")
        topic_id = topic.id
        sea = topics.add_option(s, topic, "Sea blue").id
        blue = topics.add_option(s, topic, "Blue like the sea").id
    url = f"/staff/topics/{topic_id}"
    post(staff_client, f"{url}/options/{sea}/moderate", {"decision": "hide"}, form_url=url)
    page = text(staff_client.get(url))
    assert "Hidden ideas (1) Sea blue" in page and "you can show it again" in page
    post(staff_client, f"{url}/options/{sea}/moderate", {"decision": "show"}, form_url=url)
    assert "Sea blue is one of the options again." in text(staff_client.get(url))
    response = post(staff_client, f"{url}/options/{blue}/merge", {"into": sea}, form_url=url)
    assert response.status_code == 302
    page = text(staff_client.get(url))
    assert "Blue like the sea has been merged into Sea blue" in page
    assert "Hidden ideas (1) Blue like the sea merged into Sea blue" in page
    with db.read() as s:
        assert s.get(Option, blue).status == "hidden"
        assert "Blue like the sea" not in [o.label for o in s.get(Topic, topic_id).accepted_options]
    post(staff_client, f"{url}/options/{blue}/moderate", {"decision": "show"}, form_url=url)
    with db.read() as s:
        assert "Blue like the sea" in [o.label for o in s.get(Topic, topic_id).accepted_options]


def test_an_option_people_chose_is_not_merged(staff_client, menu, db, home):
    url = f"/staff/topics/{menu}"
    with db.read() as s:
        fish, shepherds = [o.id for o in s.get(Topic, menu).options[:2]]
    post(staff_client, f"{url}/responses", {"resident": home["residents"][0], "option": fish}, form_url=url)
    response = post(staff_client, f"{url}/options/{fish}/merge", {"into": shepherds}, form_url=url)
    assert response.status_code == 400
    assert "1 answer chose Fish pie: it cannot be merged now." in text(response)


def test_a_stage_move_can_be_undone(staff_client, menu, db):
    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/stage", {"stage": "ideas"}, form_url=url)
    assert "Undo the last move (back to \u201cChoosing\u201d)" in text(staff_client.get(url))
    post(staff_client, f"{url}/stage/undo", {}, form_url=url)
    page = text(staff_client.get(url))
    assert "Undone. \u201cNext week's menu\u201d is now at the stage \u201cChoosing\u201d." in page
    with db.read() as s:
        assert s.get(Topic, menu).stage == "choosing"


def test_how_is_it_going_has_no_doubled_full_stop(staff_client, menu, db):
    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/decide", {"decision": "Fish pie.", "decide_anyway": "1"}, form_url=url)
    post(staff_client, f"{url}/stage", {"stage": "reviewed"}, form_url=url)
    page = text(staff_client.get(url))
    assert "is now at the stage \u201cHow is it going?\u201d" in page and "?.\u201d" not in page \
        and "going?\u201d." not in page


def test_results_show_how_it_is_going_apart_from_the_choosing(staff_client, menu, db, home):
    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/decide", {"decision": "Fish pie.", "decide_anyway": "1"}, form_url=url)
    assert "How is it going?" not in text(staff_client.get(f"{url}/results"))
    post(staff_client, f"{url}/stage", {"stage": "reviewed"}, form_url=url)
    post(staff_client, f"{url}/responses", {"resident": home["residents"][0], "value": "like"}, form_url=url)
    results = text(staff_client.get(f"{url}/results"))
    follow_up = results[results.index("How is it going?"):]
    assisted = follow_up[follow_up.index("Residents, assisted or by proxy"):follow_up.index("Families")]
    assert "1 person" in assisted and "Like: 1" in assisted and "Not sure: 0" in assisted


def test_recording_a_residents_answer_again_says_it_replaces_the_earlier_one(staff_client, menu, db, home):
    url = f"/staff/topics/{menu}"
    with db.read() as s:
        fish, shepherds = [o.id for o in s.get(Topic, menu).options[:2]]
    margaret = home["residents"][0]
    post(staff_client, f"{url}/responses", {"resident": margaret, "option": fish}, form_url=url)
    page = text(staff_client.get(url))
    assert "Margaret Evans (room 1): answered Fish pie" in page
    assert "the new answer replaces the earlier one" in page
    post(staff_client, f"{url}/responses", {"resident": margaret, "option": shepherds}, form_url=url)
    assert "It replaces the earlier answer (Fish pie), which no longer counts." in text(staff_client.get(url))


def test_a_second_open_topic_with_the_same_question_is_asked_about_first(staff_client, menu, db):
    response = post(staff_client, "/staff/topics/new", {"template": "menu"}, form_url="/staff/topics/new")
    assert response.status_code == 400
    page = text(response)
    assert "A topic already asks this" in page and "Next week's menu" in page
    with db.read() as s:
        assert len(s.scalars(select(Topic)).all()) == 1
    warning = re.search(r'<div class="warning" role="alert">.*?</div>', response.get_data(as_text=True), re.S)
    again = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', warning.group(0)))
    assert again["same_anyway"] == "1" and again["template"] == "menu"
    assert staff_client.post("/staff/topics/new", data=again).status_code == 302
    with db.read() as s:
        assert len(s.scalars(select(Topic)).all()) == 2


def test_a_closing_date_is_kept_and_a_topic_can_be_archived_and_brought_back(staff_client, menu, db):
    url = f"/staff/topics/{menu}"
    form = {"title": "Next week's menu", "question": "What would you like for Friday lunch next week?",
            "ask_residents": "on", "ask_families": "on", "closes_on": "not a date"}
    response = post(staff_client, f"{url}/edit", form, form_url=url)
    assert response.status_code == 400
    assert "Give the closing date as a date" in text(response)
    post(staff_client, f"{url}/edit", {**form, "closes_on": "2020-01-31"}, form_url=url)
    page = text(staff_client.get(url))
    assert "Closing date 31 January 2020 (past: time to decide)" in page
    post(staff_client, f"{url}/archive", {"archived": "1"}, form_url=url)
    assert f'href="{url}"' not in staff_client.get("/staff/topics").get_data(as_text=True)
    with db.read() as s:
        assert topics.topics(s, s.get(Topic, menu).home_id) == []
    assert "This topic is closed and archived" in text(staff_client.get(url))
    post(staff_client, f"{url}/archive", {"archived": "0"}, form_url=url)
    assert f'href="{url}"' in staff_client.get("/staff/topics").get_data(as_text=True)


def test_the_overview_puts_what_needs_doing_first(staff_client, menu, db, home):
    from accessible import comments, people
    from accessible.models import Person

    with db.write() as s:
        topic = s.get(Topic, menu)
        comments.add(s, topic, s.get(Person, home["family"]), "Mum loves fish.")
        topic.closes_on = topics.date(2020, 1, 31)
        people.update_resident(s, s.get(Person, home["residents"][2]), "Eileen O'Neill", review_date="2020-02-01")
    html = staff_client.get("/staff/").get_data(as_text=True)
    page = text(staff_client.get("/staff/"))
    todo = page[page.index("What needs doing"):page.index("Topics Topic Stage")].replace(" :", ":")
    assert "0 ideas and 1 comment to review" in todo
    assert "Next week's menu: its closing date, 31 January 2020, has passed." in todo
    assert "Eileen O'Neill: communication needs due for review (01 February 2020)" in todo
    assert "Residents who have not had a say yet Dafydd Jones (room 2): Next week's menu" in todo
    # Each resident waiting has a button that starts the kiosk for them (a POST, as on their own page).
    starts = re.findall(r'<form method="post" action="(/kiosk/start/\d+)"', html)
    dafydd, eileen, margaret = home["residents"][1], home["residents"][2], home["residents"][0]
    assert starts == [f"/kiosk/start/{r}" for r in (dafydd, eileen, margaret)]  # by name
    response = post(staff_client, starts[0], {}, form_url="/staff/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/kiosk/")


def test_results_name_who_has_not_had_a_say_as_links_and_channels_in_words(staff_client, menu, db, home, app):
    url = f"/staff/topics/{menu}"
    with db.read() as s:
        fish = s.get(Topic, menu).options[0].id
    post(staff_client, f"{url}/responses", {"resident": home["residents"][0], "option": fish}, form_url=url)
    html = staff_client.get(f"{url}/results").get_data(as_text=True)
    quiet = re.search(r'<section class="quiet".*?</section>', html, re.S).group(0)
    assert f'href="/staff/residents/{home["residents"][1]}"' in quiet and "Dafydd Jones" in quiet
    page = text(staff_client.get(f"{url}/results"))
    assert "How people answered: 1 written in by staff." in page
    assert "staff-entry" not in page and "family-web" not in page
    assert re.search(r'<text [^>]*class="bar-label">Fish pie: 1</text>', html)  # each bar says what it is
    # Straight from the list, this device becomes Dafydd's kiosk, open at this question.
    assert f'action="/kiosk/start/{home["residents"][1]}"' in quiet and "Start the kiosk for Dafydd" in quiet
    started = post(staff_client, f"/kiosk/start/{home['residents'][1]}", {"topic": menu}, form_url=f"{url}/results")
    assert started.status_code == 302 and started.headers["Location"].endswith(f"/kiosk/topics/{menu}")
    assert "What would you like" in text(staff_client.get(started.headers["Location"]))


def test_decide_together_comes_right_after_the_next_step(staff_client, menu):
    html = staff_client.get(f"/staff/topics/{menu}").get_data(as_text=True)
    assert re.search(r"<title>Next week&#39;s menu[^<]*</title>", html)  # the title is the topic's, nothing else
    page = text(staff_client.get(f"/staff/topics/{menu}"))
    assert page.index("Next step") < page.index("Decide together The option chosen") < page.index("Options")
    assert "moves the topic on to \u201cDecided\u201d; the next step is then to ask how it is going." in page


def test_topics_and_residents_can_be_searched_and_filtered(staff_client, menu, db, home):
    with db.write() as s:
        topics.create_from_template(s, s.get(Home, home["home"]), "pets")
    page = text(staff_client.get("/staff/topics?q=lunch"))
    assert "Next week's menu" in page and "A pet for the home" not in page
    assert "No topics match." in text(staff_client.get("/staff/topics?q=lunch&stage=draft"))
    page = text(staff_client.get("/staff/topics?sort=title"))
    assert page.index("A pet for the home") < page.index("Next week's menu")
    with db.write() as s:
        s.get(Topic, menu).closes_on = topics.date(2030, 1, 1)
    page = text(staff_client.get("/staff/topics?sort=closing"))
    assert page.index("Next week's menu") < page.index("A pet for the home")  # the one with a date first
    page = text(staff_client.get("/staff/residents?q=dafydd"))
    assert "Dafydd Jones" in page and "Eileen O'Neill (room 3)" not in page
    page = text(staff_client.get("/staff/residents?sort=room"))
    assert page.index("Margaret Evans") < page.index("Dafydd Jones") < page.index("Eileen O'Neill")


def test_the_voice_field_takes_a_language_code_and_keeps_the_rest_of_the_form(staff_client, home, db):
    from accessible.models import Person

    url = f"/staff/residents/{home['residents'][2]}"
    form = {"name": "Eileen O'Neill", "room": "3", "voice": "a woman's voice", "text_size": "20",
            "contrast": "standard", "picture_style": "symbols", "options_per_screen": "2", "speech_rate": "150",
            "language": "en", "input_modes": "touch"}
    response = post(staff_client, url, form, form_url=url)
    assert response.status_code == 400
    assert "Write the voice as its language code, for example en-gb or cy" in text(response)
    assert 'value="a woman&#39;s voice"' in response.get_data(as_text=True)  # what was typed is still there
    post(staff_client, url, {**form, "voice": "en-GB"}, form_url=url)
    with db.read() as s:
        assert s.get(Person, home["residents"][2]).needs.voice == "en-gb"


def test_symbols_for_a_menu_are_food_and_none_is_better_than_a_wrong_one():
    from accessible import pictures

    found = [s.name for s in pictures.search("Cottage pie", food=True)]
    assert found[0] == "pie" and not {"one-piece swimsuit", "puzzle piece", "St. Pierre & Miquelon"} & set(found)
    assert pictures.best("Vegetable curry", food=True).name == "curry rice"
    assert pictures.best("Sea blue") is None  # a blue circle is not the sea: no picture rather than a wrong one


def test_a_residents_page_of_what_they_have_said_puts_their_own_voice_first(staff_client, menu, db, home):
    from accessible import family_links, responses
    from accessible.models import Person

    url = f"/staff/topics/{menu}"
    with db.read() as s:
        fish = s.get(Topic, menu).options[0].id
    margaret = home["residents"][0]
    post(staff_client, f"{url}/responses", {"resident": margaret, "option": fish}, form_url=url)
    with db.write() as s:
        topic = s.get(Topic, menu)
        carys, resident = s.get(Person, home["family"]), s.get(Person, margaret)
        responses.record(s, topic, carys, "family-web", option=topic.options[1], on_behalf_of=resident)
        family_links.issue(s, carys, resident)
    post(staff_client, f"{url}/decide", {"decision": "Fish pie on Fridays.", "decide_anyway": "1"}, form_url=url)
    resident_url = f"/staff/residents/{margaret}"
    assert f'href="{resident_url}/said"' in staff_client.get(resident_url).get_data(as_text=True)
    page = text(staff_client.get(f"{resident_url}/said"))
    own = page.index("In Margaret's own voice Fish pie : written in by staff, with Sam Patel's help")
    guess = page.index("a guess, never their own voice) Carys Evans: Shepherd's pie")
    assert own < guess < page.index("What came of it: Fish pie on Fridays.")
