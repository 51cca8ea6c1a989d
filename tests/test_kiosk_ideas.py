"""Residents propose ideas on the kiosk (said aloud, picked from staff's pictures, or a wish to talk), and co-owners
see the results and agree to the decision staff propose."""

import io
import re
import subprocess

import pdfplumber
import pytest
from sqlalchemy import select

from accessible import committee, ideas, rights, topics
from accessible.models import AuditEvent, Home, Option, Person, TalkRequest, Topic
from tests.helpers import PASSWORD, post, text


@pytest.fixture
def lounge(db, home):
    """A topic collecting ideas from residents, with two ideas staff suggest as pictures; return its id."""
    with db.write() as s:
        staff = s.get(Person, home["staff"])
        topic = topics.create_topic(s, s.get(Home, home["home"]), "The lounge", "What would make the lounge nicer?",
                                    actor=staff)
        topics.move_to(s, topic, "ideas")
        ideas.suggest(s, topic, "A fish tank", actor=staff)
        ideas.suggest(s, topic, "Plants", actor=staff)
        return topic.id


def start_kiosk(client, resident_id):
    post(client, f"/kiosk/start/{resident_id}", {}, form_url=f"/staff/residents/{resident_id}")


def sign_in_again(client):
    """Staff sign in on the device again (which ends the kiosk on it)."""
    assert post(client, "/login", {"username": "sam", "password": PASSWORD}).status_code == 302


def kiosk_token(client, url):
    return re.search(r'data-csrf="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def espeak(words):
    return subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "140", "--stdout", words], check=True,
                          capture_output=True).stdout


@pytest.mark.slow
def test_a_resident_says_an_idea_and_staff_hear_it_accept_it_and_credit_her(staff_client, db, home, lounge, data):
    eileen = home["residents"][2]
    start_kiosk(staff_client, eileen)
    start = staff_client.get("/kiosk/")
    assert f'href="/kiosk/ideas/{lounge}"' in start.get_data(as_text=True)  # Start goes to the ideas
    screen = text(staff_client.get(f"/kiosk/ideas/{lounge}"))
    assert "What would make the lounge nicer?" in screen and "Do you have an idea?" in screen
    assert "Say my idea" in screen and "Choose a picture" in screen
    assert "I'd like to talk to someone about this" in screen and "Not now" in screen
    said = espeak("more music in the garden")
    heard = staff_client.post(f"/kiosk/ideas/{lounge}/listen", data={"audio": (io.BytesIO(said), "s.wav")},
                              headers={"X-CSRFToken": kiosk_token(staff_client, f"/kiosk/ideas/{lounge}/say")},
                              content_type="multipart/form-data").get_json()
    assert heard["engine"] == "whisper"
    assert "music in the garden" in heard["heard"].lower()
    confirm = staff_client.get(heard["confirm_url"])
    assert f"You said: \u201c{heard['heard']}\u201d." in text(confirm)
    assert "Is that right?" in text(confirm)
    thanks = post(staff_client, f"/kiosk/ideas/{lounge}/spoken", {}, form_url=heard["confirm_url"])
    assert "Staff will listen to your idea soon." in text(staff_client.get(thanks.headers["Location"]))

    sign_in_again(staff_client)
    queue = staff_client.get("/staff/comments")
    shown = text(queue)
    assert f"What the speech engine heard: {heard['heard']}" in shown
    assert "Eileen's own idea, on the kiosk: said aloud" in shown
    option_id = int(re.search(r"/staff/ideas/(\d+)/recording", queue.get_data(as_text=True)).group(1))
    played = staff_client.get(f"/staff/ideas/{option_id}/recording")
    assert played.status_code == 200 and played.mimetype == "audio/wav"
    assert played.headers["Cache-Control"] == "no-store"
    assert played.data == said  # the recording as the resident said it
    with db.read() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.record_id == option_id,
                                                  AuditEvent.detail == "recording")).first().actor_id == home["staff"]
        option = s.get(Option, option_id)
        assert (option.proposed_by_id, option.channel, option.status) == (eileen, "kiosk", "pending")
    # Only staff hear it: a family member, a kiosk or nobody signed in gets nothing.
    anyone = staff_client.application.test_client()
    assert anyone.get(f"/staff/ideas/{option_id}/recording").status_code in (302, 401, 403)

    post(staff_client, f"/staff/ideas/{option_id}/accept", {"label": "Music in the garden"}, form_url="/staff/comments")
    page = text(staff_client.get(f"/staff/topics/{lounge}"))
    assert "Music in the garden proposed by Eileen O'Neill, their own idea on the kiosk" in page
    assert "No ideas are waiting." in text(staff_client.get("/staff/comments"))


def test_a_welsh_speakers_idea_is_kept_though_not_transcribed(staff_client, db, home, lounge, data):
    dafydd = home["residents"][1]  # Welsh: no Whisper model knows Welsh here, so nothing writes it down
    start_kiosk(staff_client, dafydd)
    assert "Dweud fy syniad" in text(staff_client.get(f"/kiosk/ideas/{lounge}"))
    said = espeak("mwy o gerddoriaeth")
    heard = staff_client.post(f"/kiosk/ideas/{lounge}/listen", data={"audio": (io.BytesIO(said), "s.wav")},
                              headers={"X-CSRFToken": kiosk_token(staff_client, f"/kiosk/ideas/{lounge}/say")},
                              content_type="multipart/form-data").get_json()
    assert heard["heard"] is None
    confirm = text(staff_client.get(heard["confirm_url"]))
    assert "Mae eich syniad wedi'i recordio." in confirm
    post(staff_client, f"/kiosk/ideas/{lounge}/spoken", {}, form_url=heard["confirm_url"])
    sign_in_again(staff_client)
    shown = text(staff_client.get("/staff/comments"))
    assert "What the speech engine heard: not transcribed (listen to the recording)" in shown
    with db.read() as s:
        option = s.scalars(select(Option).where(Option.recording.is_not(None))).one()
        option_id = option.id
    assert staff_client.get(f"/staff/ideas/{option_id}/recording").data == said
    # Accepting it needs its words, written after listening.
    refused = post(staff_client, f"/staff/ideas/{option_id}/accept", {"label": ""}, form_url="/staff/comments")
    assert "Listen to the recording and write the idea in a few words first." in text(
        staff_client.get(refused.headers["Location"]))
    with db.read() as s:
        assert s.get(Option, option_id).status == "pending"
        # What is held about him says so: the idea, by the kiosk, with a recording.
        (held,) = rights.person_data(s, s.get(Person, dafydd))["ideas"]
        assert (held["channel"], held["recording"], held["heard"]) == ("kiosk", True, None)


def test_silence_is_not_kept_and_a_recording_goes_with_its_idea(staff_client, db, home, lounge, data):
    start_kiosk(staff_client, home["residents"][2])
    token = kiosk_token(staff_client, f"/kiosk/ideas/{lounge}/say")
    quiet = io.BytesIO(b"RIFF$}\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80>\x00\x00\x00}\x00\x00\x02\x00"
                       b"\x10\x00data\x00}\x00\x00" + b"\x00" * 32000)
    heard = staff_client.post(f"/kiosk/ideas/{lounge}/listen", data={"audio": (quiet, "s.wav")},
                              headers={"X-CSRFToken": token}, content_type="multipart/form-data").get_json()
    assert "confirm_url" not in heard  # nothing said: the kiosk asks again
    assert not list((data / ideas.RECORDINGS).glob("*.wav"))
    bad = staff_client.post(f"/kiosk/ideas/{lounge}/listen", data={"audio": (io.BytesIO(b"not a wav"), "s.wav")},
                            headers={"X-CSRFToken": token}, content_type="multipart/form-data")
    # The resident reads what to do; the listener's own words are kept for staff as the detail.
    assert bad.status_code == 400 and bad.get_json()["error"].startswith("Sorry, that did not work.")
    assert "not a WAV file" in bad.get_json()["detail"]
    with db.write() as s:
        topic = s.get(Topic, lounge)
        token = ideas.keep_draft(data, espeak("plants"))
        option = ideas.propose_spoken(s, topic, s.get(Person, home["residents"][2]), data, token, "Plants please")
        kept = ideas.recording_path(data, option)
        assert kept.is_file()
        s.delete(option)  # erased with its idea
        s.flush()
        ideas.sweep(s, data)
    assert not kept.exists()


def test_a_resident_picks_a_suggested_picture_and_it_is_credited_to_her(staff_client, db, home, lounge):
    margaret = home["residents"][0]
    start_kiosk(staff_client, margaret)
    pictures = staff_client.get(f"/kiosk/ideas/{lounge}/pictures")
    assert "A fish tank" in text(pictures) and "Plants" in text(pictures)
    with db.read() as s:
        fish = s.scalars(select(Option.id).where(Option.label == "A fish tank")).one()
    confirm = staff_client.get(f"/kiosk/ideas/{lounge}/pictures/{fish}")
    assert "You chose A fish tank. Is that right?" in text(confirm)
    screen = f"/kiosk/ideas/{lounge}/pictures/{fish}"
    done = post(staff_client, screen, {}, form_url=screen)
    assert "Staff will look at your idea soon." in text(staff_client.get(done.headers["Location"]))
    # Picked, it is no longer offered as a picture; and her ideas for the topic are given.
    assert "A fish tank" not in text(staff_client.get(f"/kiosk/ideas/{lounge}/pictures"))
    sign_in_again(staff_client)
    assert "Margaret's own idea, on the kiosk: picked from the pictures suggested" in text(
        staff_client.get("/staff/comments"))
    post(staff_client, f"/staff/ideas/{fish}/accept", {}, form_url="/staff/comments")
    assert "A fish tank proposed by Margaret Evans, their own idea on the kiosk" in text(
        staff_client.get(f"/staff/topics/{lounge}"))


def test_a_resident_asks_to_talk_and_staff_see_it(staff_client, db, home, lounge):
    eileen = home["residents"][2]
    start_kiosk(staff_client, eileen)
    confirm = staff_client.get(f"/kiosk/ideas/{lounge}/talk")
    assert "You would like to talk to someone about this. Is that right?" in text(confirm)
    done = post(staff_client, f"/kiosk/ideas/{lounge}/talk", {"channel": "switch"},
                form_url=f"/kiosk/ideas/{lounge}/talk")
    assert "A member of staff will come and talk with you." in text(staff_client.get(done.headers["Location"]))
    assert "/kiosk/ideas/" not in staff_client.get("/kiosk/").get_data(as_text=True).split("Questions")[0]
    sign_in_again(staff_client)
    assert "1 resident would like to talk to someone" in text(staff_client.get("/staff/"))
    queue = text(staff_client.get("/staff/comments"))
    assert "Eileen O'Neill (room 3) would like to talk to someone about their ideas for The lounge" in queue
    with db.read() as s:
        request_id = s.scalars(select(TalkRequest.id)).one()
        assert s.get(TalkRequest, request_id).channel == "switch"
    post(staff_client, f"/staff/talk/{request_id}/done", {}, form_url="/staff/comments")
    assert "Nobody is waiting to talk." in text(staff_client.get("/staff/comments"))


def test_not_now_puts_the_ideas_off_for_this_visit(staff_client, home, lounge):
    start_kiosk(staff_client, home["residents"][2])
    assert f'href="/kiosk/ideas/{lounge}"' in staff_client.get("/kiosk/").get_data(as_text=True)
    post(staff_client, f"/kiosk/ideas/{lounge}/later", {}, form_url=f"/kiosk/ideas/{lounge}")
    start = staff_client.get("/kiosk/").get_data(as_text=True)
    assert "Thank you. That is everything for now." in start
    assert f'href="/kiosk/ideas/{lounge}"' in start  # still in the list, to come back to


@pytest.fixture
def decided_together(db, home):
    """A menu being chosen, answered by two residents and a member of staff, with Margaret and Sam as co-owners."""
    from accessible import responses

    with db.write() as s:
        h = s.get(Home, home["home"])
        sam = s.get(Person, home["staff"])
        topic = topics.create_topic(s, h, "Friday lunch", "What would you like for Friday lunch?",
                                    options=["Fish pie", "Cottage pie"], actor=sam)
        topics.move_to(s, topic, "choosing")
        fish, cottage = topic.accepted_options
        margaret, _dafydd, eileen = (s.get(Person, i) for i in home["residents"])
        responses.record(s, topic, margaret, "touch", option=cottage)
        responses.record(s, topic, eileen, "voice", option=cottage)
        responses.record(s, topic, sam, "staff-entry", option=fish)
        topics.set_co_owners(s, topic, [margaret, sam], actor=sam)
        return topic.id


def test_a_co_owner_sees_the_results_agrees_and_the_outcome_and_poster_say_so(staff_client, db, home,
                                                                              decided_together):
    topic_id = decided_together
    page = post(staff_client, f"/staff/topics/{topic_id}/proposal",
                {"decision": "We will serve cottage pie on Fridays.", "option": ""},
                form_url=f"/staff/topics/{topic_id}")
    shown = text(staff_client.get(page.headers["Location"]))
    assert "Margaret Evans: has not answered yet" in shown and "Sam Patel: has not answered yet" in shown

    # Eileen answered but is not a co-owner: she is not asked.
    start_kiosk(staff_client, home["residents"][2])
    assert "/kiosk/committee/" not in staff_client.get("/kiosk/").get_data(as_text=True)
    assert staff_client.get(f"/kiosk/committee/{topic_id}").status_code == 404

    sign_in_again(staff_client)
    start_kiosk(staff_client, home["residents"][0])
    assert f'href="/kiosk/committee/{topic_id}"' in staff_client.get("/kiosk/").get_data(as_text=True)
    results = text(staff_client.get(f"/kiosk/committee/{topic_id}"))
    # Residents' own voices first: two residents chose cottage pie; the staff's fish pie counts with everyone else.
    assert "Cottage pie Residents: 2 Everyone else: 0" in results
    assert "Fish pie Residents: 0 Everyone else: 1" in results
    agree = text(staff_client.get(f"/kiosk/committee/{topic_id}/agree"))
    assert "We propose: We will serve cottage pie on Fridays." in agree and "Do you agree?" in agree
    assert "Yes, I agree" in agree and "No, I don't agree" in agree and "I want to talk about it" in agree
    confirm = staff_client.get(f"/kiosk/committee/{topic_id}/confirm?answer=agree")
    assert "You said: Yes, I agree. Is that right?" in text(confirm)
    done = post(staff_client, f"/kiosk/committee/{topic_id}/answer", {"answer": "agree", "channel": "touch"},
                form_url=f"/kiosk/committee/{topic_id}/confirm?answer=agree")
    assert "Staff will see your answer before the decision is made." in text(staff_client.get(done.headers["Location"]))
    assert "/kiosk/committee/" not in staff_client.get("/kiosk/").get_data(as_text=True)  # asked once

    sign_in_again(staff_client)
    shown = text(staff_client.get(f"/staff/topics/{topic_id}"))
    assert "Margaret Evans: agrees (on the kiosk)" in shown
    refused = post(staff_client, f"/staff/topics/{topic_id}/proposal/confirm", {}, form_url=f"/staff/topics/{topic_id}")
    assert refused.status_code == 400 and "1 co-owner has not answered yet." in text(refused)
    post(staff_client, f"/staff/topics/{topic_id}/proposal/confirm", {"confirm_anyway": "1"},
         form_url=f"/staff/topics/{topic_id}")
    shown = text(staff_client.get(f"/staff/topics/{topic_id}"))
    assert "We will serve cottage pie on Fridays." in shown
    assert "Decided with Margaret Evans, who agreed." in shown
    poster = staff_client.get(f"/staff/topics/{topic_id}/print/poster.pdf")
    with pdfplumber.open(io.BytesIO(poster.data)) as pdf:
        words = " ".join(pdf.pages[0].extract_text().split())
    assert "Decided with Margaret Evans, who agreed." in words
    welsh = staff_client.get(f"/staff/topics/{topic_id}/print/poster.pdf?lang=cy")
    with pdfplumber.open(io.BytesIO(welsh.data)) as pdf:
        assert "Penderfynwyd gyda Margaret Evans, a gytunodd." in " ".join(pdf.pages[0].extract_text().split())


def test_new_words_ask_the_co_owners_again_and_talk_reaches_staff(db, home, decided_together):
    with db.write() as s:
        topic = s.get(Topic, decided_together)
        margaret, sam = s.get(Person, home["residents"][0]), s.get(Person, home["staff"])
        committee.propose(s, topic, "Cottage pie on Fridays.", actor=sam)
        committee.answer(s, topic, margaret, "talk")
        assert committee.waiting_for(s, margaret) == []
        assert [t.person.name for t in ideas.talk_requests(s, home["home"])] == ["Margaret Evans"]
        committee.propose(s, topic, "Cottage pie on Fridays, fish pie on Mondays.", actor=sam)
        assert committee.waiting_for(s, margaret) == [topic]  # other words: asked again
        assert committee.waiting_for(s, s.get(Person, home["residents"][2])) == []  # not a co-owner
        committee.answer(s, topic, margaret, "disagree")
        outcome = committee.confirm(s, topic, actor=sam)
        assert outcome.agreed_by == [] and topic.stage == "decided" and topic.proposal is None


def test_every_word_of_the_ideas_and_committee_screens_has_its_welsh():
    from pathlib import Path

    from accessible.i18n import gettext
    from web.kiosk_committee import AGREEMENT_WORDS

    root = Path(__file__).resolve().parent.parent / "web"
    files = [*(root / "templates" / "kiosk").glob("*.html"), root / "kiosk_ideas.py", root / "kiosk_committee.py"]
    literal = re.compile(r"""_\(\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*[,)]""")
    words = {a or b for f in files for a, b in literal.findall(f.read_text(encoding="utf-8"))}
    words |= set(AGREEMENT_WORDS.values())
    assert "Say my idea" in words and "Do you agree?" in words
    assert sorted(w for w in words if gettext("cy", "web", w) == w) == []


def test_the_ways_to_give_an_idea_keep_to_the_residents_options_a_screen(staff_client, db, home, lounge):
    with db.write() as s:
        s.get(Person, home["residents"][2]).needs.options_per_screen = 1  # one thing a screen
    start_kiosk(staff_client, home["residents"][2])
    first = text(staff_client.get(f"/kiosk/ideas/{lounge}"))
    assert "Say my idea" in first and "Choose a picture" not in first and "More options" in first
    second = text(staff_client.get(f"/kiosk/ideas/{lounge}?page=2"))
    assert "Choose a picture" in second and "Say my idea" not in second and "Page 2 of 4" in second


@pytest.mark.slow
def test_is_that_right_on_the_ideas_screens_hears_yes_by_voice(staff_client, home, lounge):
    start_kiosk(staff_client, home["residents"][2])
    token = kiosk_token(staff_client, f"/kiosk/ideas/{lounge}/talk")
    heard = staff_client.post("/kiosk/yes-no/listen", data={"audio": (io.BytesIO(espeak("yes please")), "s.wav")},
                              headers={"X-CSRFToken": token}, content_type="multipart/form-data").get_json()
    assert heard["key"] == "yes"
