"""Staff pages through the Flask test client: residents, families, topics, answers, results, decisions."""

import re

import pytest

from accessible import topics
from accessible.models import Home, Option, Person, Response, Topic
from tests.helpers import post, text


@pytest.fixture
def menu(db, home):
    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "menu")
        return topic.id


def test_open_the_menu_record_two_choices_and_see_the_tallies_by_group(staff_client, home, menu, db):
    url = f"/staff/topics/{menu}"
    assert "Draft" in text(staff_client.get(url))
    response = post(staff_client, f"{url}/stage", {"stage": "choosing"}, form_url=url)
    assert response.status_code == 302
    page = text(staff_client.get(url))
    assert "is now at the stage \u201cChoosing\u201d." in page
    with db.read() as s:
        fish, shepherds = [o.id for o in s.get(Topic, menu).options[:2]]
    margaret, dafydd, _ = home["residents"]
    post(staff_client, f"{url}/responses", {"resident": margaret, "option": fish}, form_url=url)
    post(staff_client, f"{url}/responses", {"resident": dafydd, "option": shepherds}, form_url=url)
    results = text(staff_client.get(f"{url}/results"))
    # Staff helped both answer, so they are counted as assisted, not in the residents' own-voice column.
    assisted = results[results.index("Residents, assisted or by proxy"):results.index("Families")]
    assert "2 people" in assisted
    assert "Fish pie 1" in assisted and "Shepherd's pie 1" in assisted
    own = results[results.index("Residents, in their own voice"):results.index("Residents, assisted")]
    assert "0 people" in own
    assert "1 resident has not had a say" in results and "Eileen O'Neill" in results
    with db.read() as s:
        recorded = s.query(Response).filter_by(person_id=margaret).one()
        assert (recorded.channel, recorded.assisted_by_id) == ("staff-entry", home["staff"])


def test_add_a_resident_with_needs_then_see_them_flagged(staff_client, db):
    response = post(staff_client, "/staff/residents/new", {
        "name": "Arthur Thomas", "room": "6", "text_size": "32", "contrast": "high", "picture_style": "photos",
        "options_per_screen": "2", "speech_rate": "120", "language": "cy", "input_modes": ["voice", "touch"],
        "notes": "Registered blind", "review_date": "2027-01-15",
    })
    assert response.status_code == 302
    page = text(staff_client.get("/staff/residents"))
    flags = page[page.index("Arthur Thomas"):]
    for flag in ("Large print 32 pt", "High contrast", "Photos", "2 per screen", "Speech 120 wpm", "Cymraeg",
                 "Answers by touch, voice"):
        assert flag in flags
    with db.read() as s:
        arthur = s.query(Person).filter_by(name="Arthur Thomas").one()
        assert (arthur.needs.text_size, arthur.needs.review_date.isoformat()) == (32, "2027-01-15")


def test_invalid_resident_input_shows_messages_and_stores_nothing(staff_client, db):
    response = post(staff_client, "/staff/residents/new", {"name": "  ", "options_per_screen": "7"})
    assert response.status_code == 400
    page = text(response)
    assert "Write the person's name." in page
    with db.read() as s:
        assert s.query(Person).filter_by(kind="resident").count() == 3


def test_edit_a_resident_keeps_the_form_on_errors(staff_client, home, db):
    url = f"/staff/residents/{home['residents'][2]}"
    response = post(staff_client, url, {"name": "Eileen O'Neill", "speech_rate": "1000"})
    assert response.status_code == 400
    assert "80 to 300" in text(response)
    response = post(staff_client, url, {"name": "Eileen O'Neill", "preferred_name": "Lena", "speech_rate": "110",
                                        "input_modes": ["switch"]})
    assert response.status_code == 302
    with db.read() as s:
        eileen = s.get(Person, home["residents"][2])
        assert (eileen.preferred_name, eileen.needs.speech_rate, eileen.needs.modes) == ("Lena", 110, ["switch"])


def test_add_a_family_member_linked_to_residents(staff_client, home, db):
    margaret, dafydd, _ = home["residents"]
    response = post(staff_client, "/staff/family/new", {"name": "Rhodri Jones", "relation": "son",
                                                        "residents": [str(dafydd)]})
    assert response.status_code == 302
    assert "Rhodri Jones, son of Dafydd Jones" in text(staff_client.get("/staff/residents"))
    response = post(staff_client, "/staff/family/new", {"name": "Nobody's Relative"})
    assert response.status_code == 400
    assert "Choose the resident" in text(response)


def test_create_a_topic_from_a_blank_page(staff_client, db):
    response = post(staff_client, "/staff/topics/new", {
        "title": "Garden furniture", "question": "Which bench should we buy?", "kind": "choose",
        "options": "Wooden bench\nMetal bench\n", "ask_residents": "on", "ask_families": "on",
    })
    assert response.status_code == 302
    with db.read() as s:
        topic = s.query(Topic).filter_by(title="Garden furniture").one()
        assert [o.label for o in topic.options] == ["Wooden bench", "Metal bench"]
        assert (topic.ask_residents, topic.ask_families, topic.ask_staff) == (True, True, False)
        assert topic.language == "en"  # the home's language, chosen in the form


def test_a_topic_can_be_written_in_welsh_in_an_english_speaking_home(staff_client, db):
    post(staff_client, "/staff/topics/new", {
        "title": "Dodrefn gardd", "question": "Pa fainc ddylen ni ei phrynu?", "kind": "choose",
        "options": "Mainc bren\nMainc fetel\n", "ask_residents": "on", "language": "cy"})
    post(staff_client, "/staff/topics/new", {"template": "menu", "language": "cy"})
    with db.read() as s:
        assert s.query(Topic).filter_by(title="Dodrefn gardd").one().language == "cy"
        menu = s.query(Topic).filter_by(template="menu").one()
        assert (menu.language, menu.question) == ("cy", "Beth hoffech chi i ginio dydd Gwener nesaf?")


def test_a_topic_with_no_options_cannot_open_for_choosing(staff_client, db):
    post(staff_client, "/staff/topics/new", {"title": "Outing", "question": "Where shall we go?", "kind": "choose",
                                             "ask_residents": "on"})
    with db.read() as s:
        topic_id = s.query(Topic).filter_by(title="Outing").one().id
    url = f"/staff/topics/{topic_id}"
    response = post(staff_client, f"{url}/stage", {"stage": "choosing"}, form_url=url)
    assert response.status_code == 400
    assert "Add at least 2 options before choosing starts." in text(response)
    with db.read() as s:
        assert s.get(Topic, topic_id).stage == "draft"


def test_blank_topic_form_errors(staff_client):
    response = post(staff_client, "/staff/topics/new", {"title": "", "question": "", "kind": "choose"})
    assert response.status_code == 400
    page = text(response)
    assert "Give the topic a short title." in page and "Ask at least one group" in page


def test_ideas_stage_records_a_residents_idea_on_their_behalf(staff_client, home, menu, db):
    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/stage", {"stage": "ideas"}, form_url=url)
    response = post(staff_client, f"{url}/options", {"label": "Welsh rarebit",
                                                    "proposed_by": str(home["residents"][1])}, form_url=url)
    assert response.status_code == 302
    assert "Welsh rarebit proposed by Dafydd Jones, written down by Sam Patel" in text(staff_client.get(url))


def test_decide_and_show_you_said_we_did(staff_client, menu, db):
    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/stage", {"stage": "choosing"}, form_url=url)
    response = post(staff_client, f"{url}/decide", {"decision": "", "reason": ""}, form_url=url)
    assert response.status_code == 400
    assert "Write what will happen" in text(response)
    decision = {"decision": "Fish pie every Friday.", "reason": "Most people chose it."}
    response = post(staff_client, f"{url}/decide", decision, form_url=url)
    assert response.status_code == 400  # nobody has had a say yet: staff are asked first
    assert "3 of the 3 residents asked have not had a say yet" in text(response)
    assert "Fish pie every Friday." in text(response)  # what was typed is still there
    with db.read() as s:
        assert s.get(Topic, menu).stage == "choosing"
    post(staff_client, f"{url}/decide", {**decision, "decide_anyway": "1"}, form_url=url)
    page = text(staff_client.get(url))
    assert "You said, we did Fish pie every Friday. Why: Most people chose it." in page
    assert "Decided" in page


@pytest.mark.parametrize("url", ["/staff/topics/999", "/staff/residents/999", "/staff/topics/999/results"])
def test_unknown_ids_get_a_clear_not_found_page(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 404
    assert "could not find" in text(response)


def test_staff_of_one_home_cannot_reach_another_homes_topic(staff_client, db):
    with db.write() as s:
        other = s.add(Home(name="Elsewhere")) or s.query(Home).filter_by(name="Elsewhere").one()
        topic = topics.create_topic(s, other, "Private", "Their question?", options=["A", "B"])
        topic_id = topic.id
    assert staff_client.get(f"/staff/topics/{topic_id}").status_code == 404


@pytest.mark.parametrize("url", ["/staff/", "/staff/residents", "/staff/topics", "/staff/topics/new",
                                 "/staff/family/new", "/staff/residents/new", "/staff/accounts", "/staff/password"])
def test_every_staff_page_renders(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 200
    assert "<main id=\"main\"" in response.get_data(as_text=True)


def test_change_a_templates_words_options_and_co_owners(staff_client, home, menu, db):
    url = f"/staff/topics/{menu}"
    with db.read() as s:
        fish = s.get(Topic, menu).options[0].id
    post(staff_client, f"{url}/edit", {"title": "Friday lunch", "question": "What shall we have on Friday?",
                                       "ask_residents": "on", "ask_families": "on"}, form_url=url)
    post(staff_client, f"{url}/options/{fish}", {"label": "Fish pie with peas", "synonyms": "fish\nthe pie"},
         form_url=url)
    post(staff_client, f"{url}/co-owners", {"co_owners": [str(home["residents"][0]), str(home["staff"])]},
         form_url=url)
    response = post(staff_client, f"{url}/edit", {"title": "", "question": "x", "ask_staff": "on"}, form_url=url)
    assert response.status_code == 400 and "Give the topic a short title." in text(response)
    page = text(staff_client.get(url))
    assert "What shall we have on Friday?" in page
    assert "Co-owners Margaret Evans, Sam Patel" in page
    with db.read() as s:
        topic = s.get(Topic, menu)
        assert topic.title == "Friday lunch" and not topic.ask_staff
        assert (topic.options[0].label, topic.options[0].synonym_list) == ("Fish pie with peas", ["fish", "the pie"])


def test_options_get_a_picture_straight_away_and_staff_can_change_it(staff_client, menu, db, tmp_path):
    import io

    from PIL import Image

    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/options", {"label": "Bingo"}, form_url=url)
    with db.read() as s:
        bingo = [o for o in s.get(Topic, menu).options if o.label == "Bingo"][0]
        assert bingo.picture == "openmoji:1F3B2" and bingo.picture_alt
        bingo_id = bingo.id
    page = staff_client.get(f"{url}?q{bingo_id}=church").get_data(as_text=True)
    assert 'value="26EA"' in page  # the search offers the church symbol
    post(staff_client, f"{url}/options/{bingo_id}/picture", {"symbol": "26EA"}, form_url=url)
    with db.read() as s:
        assert s.get(Option, bingo_id).picture == "openmoji:26EA"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "green").save(buffer, format="JPEG")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = staff_client.post(f"{url}/options/{bingo_id}/picture", content_type="multipart/form-data", data={
        "csrf_token": token, "alt_text": "Our bingo cards", "photo": (io.BytesIO(buffer.getvalue()), "bingo.jpg")})
    assert response.status_code == 302
    with db.read() as s:
        option = s.get(Option, bingo_id)
        assert option.picture.startswith("photo:") and option.picture_alt == "Our bingo cards"
        photo_url = f"/pictures/photo/{option.picture.split(':')[1]}"
    served = staff_client.get(photo_url)
    assert served.mimetype == "image/jpeg" and served.get_data()[:2] == b"\xff\xd8"
    served.close()
    response = staff_client.post(f"{url}/options/{bingo_id}/picture", content_type="multipart/form-data", data={
        "csrf_token": token, "alt_text": "x", "photo": (io.BytesIO(b"not an image"), "fake.jpg")})
    assert response.status_code == 400 and "This file is not a picture" in text(response)
    assert "Symbols: OpenMoji (openmoji.org), CC BY-SA 4.0" in text(staff_client.get(url))


def test_opening_a_topic_prepares_its_speech(staff_client, menu, app):
    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/stage", {"stage": "choosing"}, form_url=url)
    speaker = app.extensions["speaker"]
    for thread in [t for t in __import__("threading").enumerate() if t.name == "prerender"]:
        thread.join(30)
    cached = speaker.cache.path_for("What would you like for Friday lunch next week?", "", 150, "en")
    assert cached.exists()
    speaker.close()


def test_the_overview_says_when_speech_is_off_and_how_to_fix_it(staff_client, monkeypatch):
    from accessible.speech import say

    assert "Speech is off" not in text(staff_client.get("/staff/"))
    monkeypatch.setattr(say.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(say, "_status_memo", [])  # as on a machine that never had it
    page = text(staff_client.get("/staff/"))
    assert "Speech is off: espeak-ng is not installed. Install espeak-ng with: sudo apt-get install espeak-ng" in page


def test_times_are_shown_in_the_homes_own_time(staff_client, home, menu, db, monkeypatch):
    import time
    from datetime import UTC, datetime

    from accessible import comments

    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    try:
        with db.write() as s:
            topic = s.get(Topic, menu)
            comment = comments.add(s, topic, s.get(Person, home["family"]), "Could the fish pie have peas?")
            comment.created_at = datetime(2026, 7, 1, 11, 30, tzinfo=UTC)  # 12:30 in a British summer
        page = text(staff_client.get("/staff/comments"))
        assert "01 July 2026 12:30" in page
    finally:
        monkeypatch.undo()
        time.tzset()


def test_staff_give_their_own_view_and_it_counts_with_the_staff(staff_client, home, menu, db):
    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/stage", {"stage": "choosing"}, form_url=url)
    with db.read() as s:
        chicken = next(o.id for o in s.get(Topic, menu).options if o.label == "Roast chicken")
    assert "My own view (Sam Patel, staff)" in text(staff_client.get(url))
    response = post(staff_client, f"{url}/responses", {"resident": "me", "option": chicken}, form_url=url)
    assert response.status_code == 302
    assert "Your own view has been recorded, with the staff's." in text(staff_client.get(url))
    results = text(staff_client.get(f"{url}/results"))
    staff = results[results.index("Staff"):]
    assert "1 person" in staff and "Roast chicken 1" in staff
    with db.read() as s:
        answer = s.query(Response).one()
        assert (answer.person_id, answer.assisted_by_id, answer.channel) == (home["staff"], None, "staff-entry")


def test_renaming_an_option_people_chose_needs_staff_to_say_it_means_the_same(staff_client, home, menu, db):
    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/stage", {"stage": "choosing"}, form_url=url)
    with db.read() as s:
        fish = s.get(Topic, menu).options[0].id
    post(staff_client, f"{url}/responses", {"resident": home["residents"][0], "option": fish}, form_url=url)
    response = post(staff_client, f"{url}/options/{fish}", {"label": "Fish and chips"}, form_url=url)
    assert response.status_code == 400
    assert ("1 answer chose Fish pie. Tick that the new words mean the same, or add a new option instead."
            in text(response))
    with db.read() as s:
        assert s.get(Option, fish).label == "Fish pie"
    response = post(staff_client, f"{url}/options/{fish}", {"label": "Fish pie (salmon)", "same_meaning": "1"},
                    form_url=url)
    assert response.status_code == 302
    with db.read() as s:
        assert s.get(Option, fish).label == "Fish pie (salmon)"


def test_approved_comments_are_listed_with_the_results(staff_client, home, menu, db):
    from accessible import comments

    with db.write() as s:
        topic = s.get(Topic, menu)
        topics.move_to(s, topic, "choosing")
        approved = comments.add(s, topic, s.get(Person, home["family"]), "Mum loves a fish pie on Fridays.")
        comments.add(s, topic, s.get(Person, home["family"]), "Not read yet.")
        comments.moderate(s, approved, True, s.get(Person, home["staff"]))
    page = text(staff_client.get(f"/staff/topics/{menu}/results"))
    assert "Comments (1)" in page
    assert "Mum loves a fish pie on Fridays. Carys Evans (family)" in page
    assert "Not read yet." not in page
    waiting = text(staff_client.get("/staff/comments"))
    assert "Carys Evans on Next week's menu" in waiting  # the topic by its title, not its number


def test_printing_from_this_machines_own_address_warns_that_phones_cannot_follow_the_codes(staff_client, menu):
    here = text(staff_client.get(f"/staff/topics/{menu}"))  # the test client's host is "localhost"
    assert "Family QR codes printed from here will not work on a phone." in here
    there = text(staff_client.get(f"/staff/topics/{menu}", base_url="http://192.168.1.20:5000"))
    assert "will not work on a phone" not in there


def test_the_topic_page_offers_every_printout_in_welsh(staff_client, menu):
    import io

    import pdfplumber

    from tests.helpers import make_cards

    page = staff_client.get(f"/staff/topics/{menu}").get_data(as_text=True)
    link = re.search(rf'href="(/staff/topics/{menu}/print/menu\.pdf\?lang=cy)" lang="cy"', page).group(1)
    response = staff_client.get(link)
    assert response.mimetype == "application/pdf" and response.data[:5] == b"%PDF-"
    response.close()
    # A form gives each page a code to read it back: a button (a POST) prints it, in Welsh.
    assert re.search(rf'action="/staff/topics/{menu}/print/form\.pdf" class="inline">.*\s*<input type="hidden" '
                     r'name="lang" value="cy"><button type="submit" class="link" lang="cy">'
                     r'Ffurflen yn Gymraeg</button>', page)
    response = post(staff_client, f"/staff/topics/{menu}/print/form.pdf", {"lang": "cy"},
                    form_url=f"/staff/topics/{menu}")
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        assert "Eich barn" in pdf.pages[0].extract_text()
    # Cards make family links: a button (a POST) makes them, in Welsh.
    assert re.search(r'<input type="hidden" name="lang" value="cy"><button type="submit" class="link" lang="cy">'
                     r'Cardiau lluniau</button>', page)
    response = make_cards(staff_client, menu, {"lang": "cy"})
    assert response.mimetype == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        assert "Symbolau: OpenMoji" in pdf.pages[0].extract_text()  # the cards' own words in Welsh
