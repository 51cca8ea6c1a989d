"""The kiosk through the Flask test client: one resident's questions only, confirm before recording, channels."""

import io
import re
import subprocess
import wave

import numpy as np
import pytest
from sqlalchemy import select

from accessible import people, topics
from accessible.errors import Invalid
from accessible.models import CommunicationNeeds, Home, Option, Person, Response, Topic
from tests.helpers import PASSWORD, post, text


@pytest.fixture
def open_topics(db, home):
    with db.write() as s:
        h = s.get(Home, home["home"])
        menu = topics.create_from_template(s, h, "menu")
        topics.move_to(s, menu, "choosing")
        activities = topics.create_from_template(s, h, "activities")
        topics.move_to(s, activities, "choosing")
        pets = topics.create_from_template(s, h, "pets")
        topics.move_to(s, pets, "choosing")
        return {"menu": menu.id, "activities": activities.id, "pets": pets.id}


def kiosk_for(staff_client, resident_id):
    url = f"/staff/residents/{resident_id}"
    response = post(staff_client, f"/kiosk/start/{resident_id}", {}, form_url=url)
    assert response.headers["Location"] == "/kiosk/"
    return staff_client


def test_without_a_session_the_kiosk_shows_a_neutral_start_screen(client, home, open_topics):
    page = text(client.get("/kiosk/"))
    assert "A member of staff will help you start." in page
    assert "Margaret" not in page and "Friday" not in page
    assert client.get(f"/kiosk/topics/{open_topics['menu']}").headers["Location"] == "/kiosk/"


def test_starting_a_kiosk_closes_the_staff_pages_on_that_device(staff_client, home, open_topics):
    kiosk = kiosk_for(staff_client, home["residents"][2])
    assert "Hello Eileen" in text(kiosk.get("/kiosk/"))
    assert kiosk.get("/staff/").status_code == 302


def test_choose_by_touch_confirms_before_recording(staff_client, home, open_topics, db):
    kiosk = kiosk_for(staff_client, home["residents"][2])
    menu = open_topics["menu"]
    page = kiosk.get(f"/kiosk/topics/{menu}").get_data(as_text=True)
    assert "What would you like for Friday lunch next week?" in page
    href = re.search(r'href="(/kiosk/topics/\d+/confirm\?choice=\d+)"[^>]*>\s*<img[^>]*>\s*<span class="choice-label">'
                     r"Fish pie", page).group(1)
    confirm = kiosk.get(href.replace("&amp;", "&"))
    assert "You chose Fish pie. Is that right?" in text(confirm)  # the choice said back, then the question
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []  # nothing recorded before "yes"
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm.get_data(as_text=True)))
    response = kiosk.post(f"/kiosk/topics/{menu}/answer", data=form)
    assert response.headers["Location"] == "/kiosk/thanks"
    assert "You chose Fish pie." in text(kiosk.get("/kiosk/thanks"))
    with db.read() as s:
        answer = s.scalars(select(Response)).one()
        assert (answer.person_id, answer.channel, answer.option.label) == (home["residents"][2], "touch", "Fish pie")


def test_options_per_screen_follow_the_residents_needs(staff_client, home, open_topics, db):
    with db.write() as s:
        s.get(Person, home["residents"][2]).needs.options_per_screen = 2
    kiosk = kiosk_for(staff_client, home["residents"][2])
    first = text(kiosk.get(f"/kiosk/topics/{open_topics['menu']}"))
    assert "Fish pie" in first and "Shepherd's pie" in first and "Roast chicken" not in first
    assert "More options" in first and "Page 1 of 2" in first
    second = text(kiosk.get(f"/kiosk/topics/{open_topics['menu']}?page=2"))
    assert "Roast chicken" in second and "Vegetable curry" in second and "Fish pie" not in second


def test_rate_topics_ask_about_one_option_at_a_time(staff_client, home, open_topics, db):
    kiosk = kiosk_for(staff_client, home["residents"][2])
    response = kiosk.get(f"/kiosk/topics/{open_topics['activities']}")
    assert "/rate/" in response.headers["Location"]
    page = text(kiosk.get(response.headers["Location"]))
    assert "Gardening" in page and "I like it" in page and "I'm not sure" in page and "I don't like it" in page
    assert "Singing" not in page.replace("On to Singing", "")  # one option at a time, the next a step away
    # Rated, the topic opens at the next option not rated yet; "Back to" reaches one rated before, to change it.
    gardening = response.headers["Location"]
    like = re.search(r'href="([^"]*choice=like[^"]*)"', kiosk.get(gardening).get_data(as_text=True)).group(1)
    confirm = kiosk.get(like.replace("&amp;", "&")).get_data(as_text=True)
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm))
    assert kiosk.post(f"/kiosk/topics/{open_topics['activities']}/answer", data=form).status_code == 302
    again = kiosk.get(f"/kiosk/topics/{open_topics['activities']}").headers["Location"]
    assert again != gardening
    page = text(kiosk.get(again))
    assert "Singing" in page and "Back to Gardening" in page


def test_a_switch_answer_keeps_its_channel(staff_client, home, open_topics, db):
    kiosk = kiosk_for(staff_client, home["residents"][2])
    pets = open_topics["pets"]
    confirm = kiosk.get(f"/kiosk/topics/{pets}/confirm?choice=yes&channel=switch")
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm.get_data(as_text=True)))
    assert form["channel"] == "switch"
    kiosk.post(f"/kiosk/topics/{pets}/answer", data=form)
    with db.read() as s:
        answer = s.scalars(select(Response)).one()
        assert (answer.value, answer.channel) == ("yes", "switch")


def test_the_kiosk_never_shows_another_residents_personal_topic(staff_client, home, db):
    with db.write() as s:
        goal = topics.create_from_template(s, s.get(Home, home["home"]), "care-goal",
                                           resident=s.get(Person, home["residents"][0]))
        topics.move_to(s, goal, "choosing")
        goal_id = goal.id
    kiosk = kiosk_for(staff_client, home["residents"][2])
    assert kiosk.get(f"/kiosk/topics/{goal_id}").status_code == 404
    assert "How are your goals going?" not in text(kiosk.get("/kiosk/"))


def test_the_resident_language_sets_the_screen_language(staff_client, home, open_topics, db):
    kiosk = kiosk_for(staff_client, home["residents"][1])  # Dafydd: Welsh
    page = kiosk.get(f"/kiosk/topics/{open_topics['pets']}").get_data(as_text=True)
    assert '<html lang="cy"' in page
    assert "Clywed eto" in page and "Siarad" in page
    assert "lang=cy" in page  # the question is spoken in Welsh


def test_finish_asks_once_then_rests_on_the_residents_own_screen_until_staff_sign_in(staff_client, home, open_topics,
                                                                                     db):
    resident = home["residents"][2]
    with db.write() as s:
        s.get(Person, resident).needs.text_size = 30
        s.get(Person, resident).needs.contrast = "high"
    kiosk = kiosk_for(staff_client, resident)
    question = f"/kiosk/topics/{open_topics['pets']}"
    page = kiosk.get(question).get_data(as_text=True)
    finish = re.search(r'href="(/kiosk/finish[^"]*)"', page).group(1).replace("&amp;", "&")
    asked = text(kiosk.get(finish))
    assert "Do you want to stop for now?" in asked and "Yes, stop for now" in asked and "No, carry on" in asked
    no = re.search(r'class="choice-card no" href="([^"]+)"', kiosk.get(finish).get_data(as_text=True)).group(1)
    assert no == question  # "No, carry on" goes back to the same question
    rest = kiosk.get("/kiosk/rest").get_data(as_text=True)
    assert 'class="text-30"' in rest and "contrast-high" in rest  # their size and colours
    assert "Touch here to carry on" in text(kiosk.get("/kiosk/rest"))
    assert "Staff: sign in to end the kiosk" in text(kiosk.get("/kiosk/rest"))
    assert "Finish" not in text(kiosk.get("/kiosk/rest"))
    # Still this resident's kiosk: touching carries on with their questions.
    assert "We would like to know what you think." in text(kiosk.get("/kiosk/"))
    # Only staff end it, by signing in on the device.
    assert post(kiosk, "/login", {"username": "sam", "password": PASSWORD}).status_code == 302
    assert "A member of staff will help you start." in text(kiosk.get("/kiosk/"))


def test_finish_goes_back_only_to_the_kiosks_own_screens(staff_client, home, open_topics):
    kiosk = kiosk_for(staff_client, home["residents"][0])
    page = kiosk.get("/kiosk/finish?back=https://example.org/").get_data(as_text=True)
    assert 'class="choice-card no" href="/kiosk/"' in page


def test_a_kiosk_left_alone_with_scripts_off_rests_on_its_residents_screen(staff_client, home, open_topics):
    kiosk = kiosk_for(staff_client, home["residents"][0])
    with kiosk.session_transaction() as state:
        state["kiosk"] = dict(state["kiosk"], seen=0)
    response = kiosk.get(f"/kiosk/topics/{open_topics['menu']}")
    assert response.headers["Location"] == "/kiosk/rest"
    assert "Touch here to carry on" in text(kiosk.get("/kiosk/rest"))
    assert "What would you like" in text(kiosk.get(f"/kiosk/topics/{open_topics['menu']}"))


def _confirm_form(kiosk, topic_id):
    """Open a question, touch its first option and return the "Yes, that's right" form as the page sends it."""
    page = kiosk.get(f"/kiosk/topics/{topic_id}").get_data(as_text=True)
    href = re.search(r'href="(/kiosk/topics/\d+/confirm\?choice=\d+)"', page).group(1)
    confirm = kiosk.get(href.replace("&amp;", "&")).get_data(as_text=True)
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm))


def _let_the_session_end(kiosk):
    """Age the kiosk's session past its idle time, as a tablet asleep with its scripts paused does."""
    with kiosk.session_transaction() as state:
        state["kiosk"] = dict(state["kiosk"], seen=0)


@pytest.mark.parametrize("who, said", [
    (2, "Your last answer was not saved. Please give your answer again."),
    (1, "Chafodd eich ateb olaf mo'i gadw. Rhowch eich ateb eto, os gwelwch yn dda."),
])
def test_an_answer_tapped_after_the_idle_time_is_not_saved_says_so_and_can_be_given_again(
        staff_client, home, open_topics, db, who, said):
    kiosk = kiosk_for(staff_client, home["residents"][who])
    menu = open_topics["menu"]
    form = _confirm_form(kiosk, menu)
    _let_the_session_end(kiosk)
    response = kiosk.post(f"/kiosk/topics/{menu}/answer", data=form)
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []  # whoever tapped may not be the resident
    assert response.headers["Location"] == "/kiosk/rest"
    landed = kiosk.get("/kiosk/rest")
    page = landed.get_data(as_text=True)
    assert said in text(landed) and f'lang="{"en" if who == 2 else "cy"}"' in page
    spoken = re.search(r'data-screen-speech src="([^"]+)"', page).group(1).replace("&amp;", "&")
    with kiosk.get(spoken) as audio:  # said aloud too
        assert audio.status_code == 200 and audio.mimetype == "audio/wav" and audio.data[:4] == b"RIFF"
    assert said not in text(kiosk.get("/kiosk/rest"))  # said once
    # One touch carries on, the kiosk still the resident's; the answer given again is saved for them.
    assert kiosk.post(f"/kiosk/topics/{menu}/answer", data=form).headers["Location"] == "/kiosk/thanks"
    with db.read() as s:
        assert s.scalars(select(Response)).one().person_id == home["residents"][who]


def test_an_answer_from_a_browser_that_lost_its_session_says_it_was_not_saved(app, staff_client, home, open_topics,
                                                                              db):
    kiosk = kiosk_for(staff_client, home["residents"][2])
    form = _confirm_form(kiosk, open_topics["menu"])
    restarted = app.test_client()  # the same page, its cookie gone (the browser was closed and opened again)
    response = restarted.post(f"/kiosk/topics/{open_topics['menu']}/answer", data=form)
    assert response.status_code == 400  # refused, and said so in the person's words, not a staff page's
    assert "Your last answer was not saved." in text(response)
    assert "Please ask a member of staff to start it again." in text(response)
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []
    # A kiosk whose resident has left (its form still good) moves on to the same words.
    with kiosk.session_transaction() as state:
        state["kiosk"] = dict(state["kiosk"], resident=10_000)
    moved = kiosk.post(f"/kiosk/topics/{open_topics['menu']}/answer", data=form)
    assert "Your last answer was not saved." in text(kiosk.get(moved.headers["Location"]))
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []


def test_speaking_to_a_kiosk_left_past_its_idle_time_is_not_saved_and_says_so(staff_client, home, open_topics, db):
    kiosk = kiosk_for(staff_client, home["residents"][1])
    page = kiosk.get(f"/kiosk/topics/{open_topics['pets']}").get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    _let_the_session_end(kiosk)
    response = kiosk.post(f"/kiosk/topics/{open_topics['pets']}/listen", headers={"X-CSRFToken": token},
                          data={"audio": (io.BytesIO(_espeak_wav("Ie", "cy")), "speech.wav")})
    assert response.json["error"] == "Chafodd eich ateb olaf mo'i gadw."
    assert response.json["next_url"] == "/kiosk/rest"
    assert "Chafodd eich ateb olaf mo'i gadw." in text(kiosk.get(response.json["next_url"]))
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []


def test_a_stale_form_on_a_kiosk_still_in_use_gets_the_usual_form_expired_page(staff_client, home, open_topics, db):
    kiosk = kiosk_for(staff_client, home["residents"][0])
    form = dict(_confirm_form(kiosk, open_topics["menu"]), csrf_token="not-this-sessions-token")
    response = kiosk.post(f"/kiosk/topics/{open_topics['menu']}/answer", data=form)
    assert response.status_code == 400 and "That form could not be sent" in text(response)
    assert "We would like to know what you think." in text(kiosk.get("/kiosk/"))  # the kiosk goes on


def test_a_kiosk_in_use_still_records_and_looking_at_the_message_changes_nothing(staff_client, home, open_topics,
                                                                                  db):
    kiosk = kiosk_for(staff_client, home["residents"][0])
    assert "Your last answer was not saved." in text(kiosk.get("/kiosk/not-saved?lang=en&contrast=high"))
    form = _confirm_form(kiosk, open_topics["menu"])
    assert kiosk.post(f"/kiosk/topics/{open_topics['menu']}/answer", data=form).headers["Location"] == "/kiosk/thanks"
    with db.read() as s:
        assert s.scalars(select(Response)).one().person_id == home["residents"][0]


def test_answers_to_topics_not_open_are_refused(staff_client, home, db):
    with db.write() as s:
        draft = topics.create_topic(s, s.get(Home, home["home"]), "Later", "Later?", options=["A", "B"])
        draft_id, option = draft.id, draft.options[0].id
    kiosk = kiosk_for(staff_client, home["residents"][2])
    page = kiosk.get("/kiosk/").get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    response = kiosk.post(f"/kiosk/topics/{draft_id}/answer", data={"choice": option, "csrf_token": token})
    assert response.status_code == 404
    with db.read() as s:
        assert s.get(Topic, draft_id).stage == "draft" and s.scalars(select(Response)).all() == []


def test_the_kiosk_tells_a_resident_who_took_part_what_came_of_it(staff_client, home, open_topics, db):
    from accessible import responses

    with db.write() as s:
        topic = s.get(Topic, open_topics["pets"])
        eileen = s.get(Person, home["residents"][2])
        responses.record(s, topic, eileen, "touch", value="yes")
        topics.decide(s, topic, "A cat called Tomos will join us in May.", actor=s.get(Person, home["staff"]))
    kiosk = kiosk_for(staff_client, home["residents"][2])
    start = kiosk.get("/kiosk/").get_data(as_text=True)
    outcome_url = re.search(r'href="(/kiosk/outcomes/\d+)"', start).group(1)
    page = kiosk.get(outcome_url).get_data(as_text=True)
    assert "You said Yes." in text_of(page) and "A cat called Tomos will join us in May." in text_of(page)
    # And it is read aloud: what they said, then the decision in the language staff wrote it in.
    assert "text=You+said+Yes.&amp;lang=en" in page and "text=A+cat+called+Tomos" in page
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    kiosk.post(f"{outcome_url}/heard", data={"csrf_token": token})
    assert "/kiosk/outcomes/" not in kiosk.get("/kiosk/").get_data(as_text=True)  # told once


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").split())


def _espeak_wav(words, voice="en-us"):
    """Return *words* said by espeak-ng, as a WAV a browser would send."""
    return subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "--stdout", words], check=True,
                          capture_output=True).stdout


def _hiss_wav():
    samples = (np.random.default_rng(3).normal(0, 300, 16000)).astype(np.int16)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(samples.tobytes())
    return out.getvalue()


def _listen(kiosk, url, audio):
    page = kiosk.get(url.split("/listen")[0]).get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    return kiosk.post(url, data={"audio": (io.BytesIO(audio), "speech.wav")}, headers={"X-CSRFToken": token},
                      content_type="multipart/form-data").get_json()


@pytest.mark.slow
def test_after_two_misses_by_voice_the_kiosk_asks_one_option_at_a_time_then_offers_touch(
        staff_client, home, open_topics, db):
    kiosk = kiosk_for(staff_client, home["residents"][2])
    menu = open_topics["menu"]
    assert "Speak" in text(kiosk.get(f"/kiosk/topics/{menu}"))
    # First miss: the recogniser hears only the room's hiss, and the resident is asked again.
    heard = _listen(kiosk, f"/kiosk/topics/{menu}/listen", _hiss_wav())
    assert heard["choice"] is None and "next_url" not in heard and "confirm_url" not in heard
    # Second miss: a choice was heard, but the resident says it is not right.
    with db.read() as s:
        fish = s.scalars(select(Option.id).where(Option.topic_id == menu, Option.label == "Fish pie")).one()
    confirm = kiosk.get(f"/kiosk/topics/{menu}/confirm?choice={fish}&channel=voice")
    no = re.search(r'href="([^"]+)"[^>]*data-confirm="no"', confirm.get_data(as_text=True)).group(1)
    one_by_one = kiosk.get(no.replace("&amp;", "&")).headers["Location"]
    # Now each option in turn, as a yes/no question, said aloud.
    page = kiosk.get(one_by_one)
    assert "Did you mean Fish pie?" in text(page)
    asked = []
    while "Location" not in page.headers:
        asked.append(re.search(r"Did you mean ([^?]+)\?", text(page)).group(1))
        no = re.search(r'href="([^"]+)"[^>]*data-confirm="no"', page.get_data(as_text=True)).group(1)
        page = kiosk.get(no.replace("&amp;", "&"))
    with db.read() as s:
        labels = s.scalars(select(Option.label).where(Option.topic_id == menu).order_by(Option.position)).all()
    assert asked == labels
    # After the last, touch: the screen says so and the Speak button rests.
    touch = text(kiosk.get(page.headers["Location"]))
    assert "Please touch the one you want." in touch and "Speak" not in touch
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []  # nothing recorded by any of this


@pytest.mark.slow
def test_the_kiosk_listens_in_the_residents_language(staff_client, home, open_topics, db):
    # Dafydd reads Welsh; his menu's options were written in English. "plis" is a Welsh speaker's
    # "please": his kiosk hears it; an English speaker's kiosk has no such word.
    said = _espeak_wav("fish pie plis", voice="en-gb")
    menu = open_topics["menu"]
    welsh = _listen(kiosk_for(staff_client, home["residents"][1]), f"/kiosk/topics/{menu}/listen", said)
    assert welsh["choice"] == "Fish pie" and welsh["heard"] == "fish pie plis"
    post(staff_client, "/login", {"username": "sam", "password": PASSWORD})  # staff sign in again to move on
    english = _listen(kiosk_for(staff_client, home["residents"][2]), f"/kiosk/topics/{menu}/listen", said)
    assert english["choice"] == "Fish pie" and "plis" not in english["heard"]


@pytest.mark.slow
@pytest.mark.parametrize("voice", ["en-us", "en-gb"])
def test_yes_or_no_by_voice_in_an_american_or_british_voice(staff_client, home, open_topics, db, voice):
    kiosk = kiosk_for(staff_client, home["residents"][2])
    page = kiosk.get(f"/kiosk/topics/{open_topics['menu']}/one-by-one?i=0").get_data(as_text=True)
    listen_url = re.search(r'data-listen-url="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert _listen(kiosk, listen_url, _espeak_wav("yes", voice))["key"] == "yes"
    assert _listen(kiosk, listen_url, _espeak_wav("no", voice))["key"] == "no"


@pytest.mark.slow
def test_yes_by_voice_on_a_one_at_a_time_question_records_that_option(staff_client, home, open_topics, db):
    kiosk = kiosk_for(staff_client, home["residents"][2])
    menu = open_topics["menu"]
    url = f"/kiosk/topics/{menu}/one-by-one?i=1"
    page = kiosk.get(url).get_data(as_text=True)
    listen_url = re.search(r'data-listen-url="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "yesno=1" in listen_url
    assert _listen(kiosk, listen_url, _espeak_wav("yes please"))["key"] == "yes"
    assert _listen(kiosk, listen_url, _espeak_wav("no thanks"))["key"] == "no"
    # The page's own yes, sent with the channel the answer came by.
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    response = kiosk.post(f"/kiosk/topics/{menu}/answer", data={**form, "channel": "voice"})
    assert response.headers["Location"] == "/kiosk/thanks"
    with db.read() as s:
        answer = s.scalars(select(Response)).one()
        assert (answer.option.label, answer.channel) == ("Shepherd's pie", "voice")


def test_each_resident_sees_photos_or_symbols_as_their_needs_say(app, home, open_topics, db, data):
    from PIL import Image

    from accessible import pictures

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(buffer, format="JPEG")
    with db.write() as s:
        fish = s.scalars(select(Option).where(Option.topic_id == open_topics["menu"],
                                              Option.label == "Fish pie")).one()
        symbol = fish.picture
        photo = pictures.save_photo(str(data), buffer.getvalue(), "fish.jpg", "Our cook's fish pie")
        topics.set_picture(s, fish, f"photo:{photo.id}", photo.alt_text)
        assert (fish.picture, fish.second_picture) == (f"photo:{photo.id}", symbol)  # the symbol is kept
        people.set_needs(s.get(Person, home["residents"][2]).needs, picture_style="symbols")
        people.set_needs(s.get(Person, home["residents"][0]).needs, picture_style="photos")

    def fish_picture(resident_id):
        device = app.test_client()  # each resident's kiosk is a device of its own, started by staff
        assert post(device, "/login", {"username": "sam", "password": PASSWORD}).status_code == 302
        kiosk = kiosk_for(device, resident_id)
        page = kiosk.get(f"/kiosk/topics/{open_topics['menu']}").get_data(as_text=True)
        card = re.search(r'<a class="choice-card"[^>]*>\s*<img src="([^"]+)"[^>]*>\s*<span class="choice-label">'
                         r"Fish pie", page)
        return card.group(1)

    assert fish_picture(home["residents"][0]) == f"/pictures/photo/{photo.id}"
    assert fish_picture(home["residents"][2]) == f"/pictures/symbol/{symbol.split(':')[1]}.svg"


def test_no_to_a_voice_answer_asks_again_on_the_screen_that_showed_it(staff_client, home, open_topics, db):
    with db.write() as s:
        s.get(Person, home["residents"][2]).needs.options_per_screen = 1  # one option a screen
        curry = s.scalars(select(Option).where(Option.topic_id == open_topics["menu"],
                                               Option.label == "Vegetable curry")).one()
        page_of_curry = curry.topic.accepted_options.index(curry) + 1
    kiosk = kiosk_for(staff_client, home["residents"][2])
    confirm = kiosk.get(f"/kiosk/topics/{open_topics['menu']}/confirm?choice={curry.id}&channel=voice"
                        "&confidence=0.9").get_data(as_text=True)
    no = re.search(r'<a class="choice-card no" href="([^"]+)"', confirm).group(1).replace("&amp;", "&")
    response = kiosk.get(no)  # "No, go back" (or "no" said): the first miss asks again
    assert response.status_code == 302
    assert response.headers["Location"] == f"/kiosk/topics/{open_topics['menu']}?page={page_of_curry}"
    assert "Vegetable curry" in text(kiosk.get(response.headers["Location"]))
    touch = kiosk.get(f"/kiosk/topics/{open_topics['menu']}/confirm?choice={curry.id}").get_data(as_text=True)
    assert f'href="/kiosk/topics/{open_topics["menu"]}?page={page_of_curry}"' in touch


def test_an_answer_to_a_question_closed_meanwhile_is_said_to_be_unsaved_in_the_kiosks_own_look(
        staff_client, home, open_topics, db):
    kiosk = kiosk_for(staff_client, home["residents"][0])  # Margaret: high contrast
    confirm = kiosk.get(f"/kiosk/topics/{open_topics['pets']}/confirm?choice=yes").get_data(as_text=True)
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm))
    with db.write() as s:  # staff decide while she is on "Is that right?"
        topics.decide(s, s.get(Topic, open_topics["pets"]), "We will ask again in spring.",
                      actor=s.get(Person, home["staff"]))
    response = kiosk.post(f"/kiosk/topics/{open_topics['pets']}/answer", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and 'class="kiosk contrast-high"' in page
    assert "Your answer could not be saved, because the question closed." in text(response)
    assert "Back to the start" in page and "requested URL" not in page
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []
    gone = kiosk.get(f"/kiosk/topics/{open_topics['pets']}")
    assert gone.status_code == 404 and "This question is not open now." in text(gone)


def test_a_question_reads_out_every_answer_on_screen_in_the_right_language(staff_client, home, open_topics):
    kiosk = kiosk_for(staff_client, home["residents"][2])
    page = kiosk.get(f"/kiosk/topics/{open_topics['menu']}").get_data(as_text=True)
    spoken = re.findall(r'<audio data-screen-speech src="[^"]*text=([^&"]+)&amp;lang=(\w+)', page)
    assert spoken[0][0].startswith("What+would+you+like")
    assert [("Fish+pie.", "en"), ("Shepherd%27s+pie.", "en"), ("Roast+chicken.", "en"),
            ("Vegetable+curry.", "en")] == spoken[1:]



def test_a_welsh_speaker_hears_an_english_question_in_english_and_the_answers_in_welsh(staff_client, home,
                                                                                        open_topics):
    welsh = kiosk_for(staff_client, home["residents"][1])  # Dafydd: Welsh, on an English topic
    page = welsh.get(f"/kiosk/topics/{open_topics['pets']}").get_data(as_text=True)
    spoken = re.findall(r'<audio data-screen-speech src="[^"]*text=([^&"]+)&amp;lang=(\w+)', page)
    assert spoken[0][1] == "en"  # the English question, with English sounds
    assert ("Ie.", "cy") in spoken and ("Na.", "cy") in spoken  # the answers in his Welsh
    assert '<h1 class="question" lang="en">' in page and '<title lang="en">' in page


def test_a_second_thank_you_after_hearing_an_outcome_loses_nothing_and_says_nothing_was_lost(
        staff_client, home, open_topics, db):
    from accessible import responses

    with db.write() as s:
        topic = s.get(Topic, open_topics["pets"])
        responses.record(s, topic, s.get(Person, home["residents"][2]), "touch", value="yes")
        topics.decide(s, topic, "A cat called Tomos will join us in May.", actor=s.get(Person, home["staff"]))
    kiosk = kiosk_for(staff_client, home["residents"][2])
    outcome_url = re.search(r'href="(/kiosk/outcomes/\d+)"', kiosk.get("/kiosk/").get_data(as_text=True)).group(1)
    page = kiosk.get(outcome_url).get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    for _ in range(2):  # a double tap, or the back button and the button again
        response = kiosk.post(f"{outcome_url}/heard", data={"csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"] == "/kiosk/"


def test_how_is_it_going_says_what_was_decided_first_on_screen_and_aloud(staff_client, home, open_topics, db):
    with db.write() as s:
        menu = s.get(Topic, open_topics["menu"])
        topics.decide(s, menu, "Cottage pie on Fridays.")
        topics.move_to(s, menu, "reviewed")
    kiosk = kiosk_for(staff_client, home["residents"][2])
    page = kiosk.get(f"/kiosk/topics/{open_topics['menu']}").get_data(as_text=True)
    shown = text_of(page.split('<main id="main">')[1])
    assert shown.index("We decided: Cottage pie on Fridays.") < shown.index("How is it going?") < shown.index(
        "I like it")
    assert "What would you like" not in shown  # not the old question: nobody thinks they are choosing again
    spoken = re.findall(r'<audio data-screen-speech src="[^"]*text=([^&"]+)&amp;lang=(\w+)', page)
    assert spoken[:4] == [("We+decided%3A", "en"), ("Cottage+pie+on+Fridays.", "en"), ("How+is+it+going%3F", "en"),
                          ("I+like+it.", "en")]


def test_the_switch_scanning_pace_follows_the_residents_needs(staff_client, home, open_topics, db):
    resident = home["residents"][2]
    form = text(staff_client.get(f"/staff/residents/{resident}"))
    assert "Switch scanning: seconds each choice stays lit" in form
    with db.write() as s:
        needs = s.get(Person, resident).needs
        needs.input_modes, needs.speech_rate = "switch", 150
    kiosk = kiosk_for(staff_client, resident)
    assert 'data-scan-ms="2400"' in kiosk.get("/kiosk/").get_data(as_text=True)  # follows the speech rate
    with db.write() as s:
        people.set_needs(s.get(Person, resident).needs, scan_seconds="3,5")
    assert 'data-scan-ms="3500"' in kiosk.get("/kiosk/").get_data(as_text=True)
    for wrong in ("0.1", "slow", "25"):
        with pytest.raises(Invalid) as problem:
            people.set_needs(CommunicationNeeds(), scan_seconds=wrong)
        assert "0.5 to 20 seconds" in problem.value.problems["scan_seconds"]
