"""Welsh kept as an equal where it slipped: a proposal's changed Welsh asks the co-owners again, Welsh written for
older English says so, words in the other language are marked with their own, and the password checker's reasons
come in Welsh."""

import ast
import html
import re
from pathlib import Path

import pytest
import zxcvbn.feedback

from accessible import committee, responses, topics, wording
from accessible.i18n import gettext
from accessible.models import Home, Option, Person, Topic
from tests.helpers import PASSWORD, post, text
from tests.test_bilingual import _in_welsh as menu_in_welsh
from tests.test_bilingual import _option_ids

CHANGED = "The English changed after these were translated; check the Welsh:"
BESIDE = "The English changed after this was translated: check the Welsh."


def _in_welsh(client, back="/staff/"):
    assert post(client, "/language", {"lang": "cy", "back": back}, form_url=back).status_code == 303


@pytest.fixture
def proposed(db, home):
    """A lunch being chosen, with Margaret and Sam as co-owners and a decision proposed to them in English."""
    with db.write() as s:
        sam = s.get(Person, home["staff"])
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Friday lunch", "What would you like for Friday "
                                    "lunch?", options=["Fish pie", "Cottage pie"], actor=sam)
        topics.move_to(s, topic, "choosing")
        margaret = s.get(Person, home["residents"][0])
        responses.record(s, topic, margaret, "touch", option=topic.accepted_options[1])
        topics.set_co_owners(s, topic, [margaret, sam], actor=sam)
        committee.propose(s, topic, "We will serve cottage pie on Fridays.", actor=sam)
        return topic.id


def _margaret_agrees(db, home, topic_id):
    with db.write() as s:
        committee.answer(s, s.get(Topic, topic_id), s.get(Person, home["residents"][0]), "agree")


def _words(client, topic_id, decision):
    url = f"/staff/topics/{topic_id}"
    return post(client, f"{url}/words", {"tr-proposal-decision": decision, "tr-proposal-reason": ""}, form_url=url)


# A proposal's Welsh changed on the Welsh-words form --------------------------------------------------------


def test_changing_a_proposals_welsh_on_the_words_form_asks_the_co_owners_again(staff_client, db, home, proposed):
    url = f"/staff/topics/{proposed}"
    _margaret_agrees(db, home, proposed)
    # Its Welsh written for the first time says the same: Margaret's answer stands.
    first = _words(staff_client, proposed, "Byddwn ni'n gweini pastai'r bwthyn ar ddydd Gwener.")
    shown = text(staff_client.get(first.headers["Location"]))
    assert "Margaret Evans: agrees" in shown and "asked again" not in shown
    # Changed: what she agreed to is not what is proposed now, so she is asked again, as "Propose" would.
    again = _words(staff_client, proposed, "Byddwn ni'n gweini pastai'r bwthyn bob dydd Gwener.")
    shown = text(staff_client.get(again.headers["Location"]))
    assert "The proposed decision's words changed, so its co-owners are asked again." in shown
    assert "Margaret Evans: has not answered yet" in shown
    post(staff_client, f"/kiosk/start/{home['residents'][0]}", {}, form_url=f"/staff/residents/{home['residents'][0]}")
    assert f'href="/kiosk/committee/{proposed}"' in staff_client.get("/kiosk/").get_data(as_text=True)
    # Saved again unchanged, after she answers: her answer stands.
    assert post(staff_client, "/login", {"username": "sam", "password": PASSWORD}).status_code == 302
    _margaret_agrees(db, home, proposed)
    _words(staff_client, proposed, "Byddwn ni'n gweini pastai'r bwthyn bob dydd Gwener.")
    assert "Margaret Evans: agrees" in text(staff_client.get(url))


# Welsh written for older English --------------------------------------------------------------------------


def test_welsh_written_for_an_older_english_option_or_question_is_flagged_until_checked(staff_client, db, menu):
    url = f"/staff/topics/{menu}"
    words = menu_in_welsh(db, menu)
    post(staff_client, f"{url}/words", words, form_url=url)
    assert CHANGED not in text(staff_client.get(url))
    fish = _option_ids(db, menu)["Fish pie"]
    # Only the English of an option changes: its Welsh ("Pastai bysgod") stays, and is flagged.
    post(staff_client, f"{url}/options/{fish}", {"label": "Fish cakes", "spoken_text": "", "synonyms": ""},
         form_url=url)
    page = staff_client.get(url).get_data(as_text=True)
    assert f"{CHANGED} the option “Fish cakes”." in text(staff_client.get(url))
    assert f'<p class="warning" id="tr-option-{fish}-changed">{BESIDE}</p>' in page
    assert page.count(BESIDE) == 1  # beside that option only
    assert f"Next week's menu : {CHANGED} the option “Fish cakes”" in text(staff_client.get("/staff/"))
    # Saving the Welsh words again unchanged does not say it was checked.
    post(staff_client, f"{url}/words", words, form_url=url)
    assert f"{CHANGED} the option “Fish cakes”." in text(staff_client.get(url))
    # Ticking that it still fits does; so does writing it again.
    post(staff_client, f"{url}/words", {**words, f"tr-option-{fish}-fits": "1"}, form_url=url)
    assert BESIDE not in text(staff_client.get(url)) and CHANGED not in text(staff_client.get("/staff/"))
    # The question changed: flagged until its Welsh is written again.
    post(staff_client, f"{url}/edit", {"title": "Next week's menu", "question": "What would you like next Friday?",
                                        "ask_residents": "1", "closes_on": ""}, form_url=url)
    assert f"{CHANGED} the question." in text(staff_client.get(url))
    post(staff_client, f"{url}/words", {**words, "tr-topic-question": "Beth hoffech chi ddydd Gwener nesaf?"},
         form_url=url)
    assert CHANGED not in text(staff_client.get(url))
    # What is read aloud is part of what the Welsh says too; changed back, the English fits its Welsh again.
    with db.write() as s:
        option = s.get(Option, fish)
        topics.update_option(s, option, "Fish cakes", spoken_text="Fish cakes with peas")
        assert wording.outdated(option, "cy")
        topics.update_option(s, option, "Fish cakes", spoken_text="")
        assert not wording.outdated(option, "cy")


def test_a_decisions_welsh_left_as_it_was_when_its_english_changed_is_flagged_beside_it(staff_client, db, menu):
    url = f"/staff/topics/{menu}"
    decided = {"decision": "Fish pie on Fridays.", "reason": "Most chose it.",
               "decision_other": "Pastai bysgod ar ddydd Gwener.", "reason_other": "Dyna ddewisodd y rhan fwyaf."}
    post(staff_client, f"{url}/decide", {**decided, "decide_anyway": "1"}, form_url=url)
    assert CHANGED not in text(staff_client.get(url))
    post(staff_client, f"{url}/decide", {**decided, "decision": "Fish pie on Fridays and Tuesdays."}, form_url=url)
    page = staff_client.get(url).get_data(as_text=True)
    assert f"{CHANGED} the decision." in text(staff_client.get(url))
    assert f'<p class="warning" id="decision-other-changed">{BESIDE}</p>' in page  # on the decide form
    assert f'<p class="warning" id="tr-outcome-changed">{BESIDE}</p>' in page  # and on the Welsh words form
    post(staff_client, f"{url}/decide", {**decided, "decision": "Fish pie on Fridays and Tuesdays.",
                                         "decision_other": "Pastai bysgod ar ddydd Gwener a dydd Mawrth."},
         form_url=url)
    assert BESIDE not in text(staff_client.get(url))


def test_each_welsh_word_is_checked_against_its_own_english(staff_client, db, menu):
    url = f"/staff/topics/{menu}"
    decided = {"decision": "Fish pie on Fridays.", "reason": "Most chose it.",
               "decision_other": "Pastai bysgod ar ddydd Gwener.", "reason_other": "Dyna ddewisodd y rhan fwyaf."}
    post(staff_client, f"{url}/decide", {**decided, "decide_anyway": "1"}, form_url=url)
    tuesdays = {**decided, "decision": "Fish pie on Tuesdays."}
    post(staff_client, f"{url}/decide", tuesdays, form_url=url)
    assert f"{CHANGED} the decision." in text(staff_client.get(url))
    # Writing only the why again does not say the decision's Welsh ("Friday") was checked.
    post(staff_client, f"{url}/decide", {**tuesdays, "reason_other": "Dyna ddewisodd y mwyafrif."}, form_url=url)
    assert f"{CHANGED} the decision." in text(staff_client.get(url))
    post(staff_client, f"{url}/decide", {**tuesdays, "decision_other": "Pastai bysgod ar ddydd Mawrth."},
         form_url=url)
    assert CHANGED not in text(staff_client.get(url))


def test_a_welsh_title_written_for_an_older_english_title_is_flagged(db, home, menu):
    with db.write() as s:
        topic = s.get(Topic, menu)
        wording.translate(topic, "cy", question="Beth hoffech chi i ginio?")
        topic.title = "Sunday menu"  # no Welsh title: the Welsh question names it, and still fits
        assert wording.to_check(topic) == []
        wording.translate(topic, "cy", question="Beth hoffech chi i ginio?", title="Bwydlen dydd Sul")
        topic.title = "Sunday lunch"
        assert wording.to_check(topic) == ["the title"]
        # Its question's Welsh written again leaves the title's to check.
        wording.translate(topic, "cy", question="Beth hoffech chi i ginio dydd Sul?", title="Bwydlen dydd Sul")
        assert wording.to_check(topic) == ["the title"]
        wording.translate(topic, "cy", question="Beth hoffech chi i ginio dydd Sul?", title="Cinio dydd Sul")
        assert wording.to_check(topic) == []


def test_still_fits_sent_without_its_words_keeps_the_welsh(staff_client, db, menu):
    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/words", menu_in_welsh(db, menu), form_url=url)
    post(staff_client, f"{url}/words", {"tr-topic-fits": "1"}, form_url=url)
    with db.read() as s:
        assert wording.has(s.get(Topic, menu), "cy")


def test_an_english_answer_a_welsh_resident_gave_is_told_back_in_english_words(staff_client, db, home):
    from tests.test_bilingual import kiosk_for, spoken_parts

    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Garden", "Shall we plant roses?",
                                    options=["Roses", "Not sure"])
        topics.move_to(s, topic, "choosing")
        responses.record(s, topic, s.get(Person, home["residents"][1]), "touch", option=topic.accepted_options[1])
        topics.decide(s, topic, "We will ask again in spring.", option=topic.accepted_options[1])
    kiosk = kiosk_for(staff_client, home["residents"][1])
    outcome = re.search(r'href="(/kiosk/outcomes/\d+)"', kiosk.get("/kiosk/").get_data(as_text=True)).group(1)
    page = kiosk.get(outcome).get_data(as_text=True)
    # "Not sure" is the option's own English words, not the page's Welsh "Ddim yn siŵr".
    assert 'Dywedoch chi <span lang="en">Not sure</span>.' in page
    assert ("Not sure", "en") in spoken_parts(page)


def test_how_it_is_going_is_in_the_pages_words_on_a_welsh_topics_results(staff_client, db, home):
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Gardd", "Beth hoffech chi ei blannu?",
                                    options=["Rhosod", "Tiwlipau"], language="cy")
        topics.move_to(s, topic, "choosing")
        topics.decide(s, topic, "Rhosod.", option=topic.accepted_options[0])
        topics.move_to(s, topic, "reviewed")
        responses.record(s, topic, s.get(Person, home["residents"][0]), "touch", value="like")
        topic_id = topic.id
    page = staff_client.get(f"/staff/topics/{topic_id}/results").get_data(as_text=True)
    assert re.search(r'<th scope="row">\s*Like', page) and '<span lang="cy">Like' not in page


def test_a_welsh_page_says_the_welsh_is_to_check_in_welsh(staff_client, db, menu):
    url = f"/staff/topics/{menu}"
    post(staff_client, f"{url}/words", menu_in_welsh(db, menu), form_url=url)
    fish = _option_ids(db, menu)["Fish pie"]
    post(staff_client, f"{url}/options/{fish}", {"label": "Fish cakes", "spoken_text": "", "synonyms": ""},
         form_url=url)
    _in_welsh(staff_client, url)
    page = staff_client.get(url).get_data(as_text=True)
    # The option's words are English on the Welsh page, so marked as English.
    assert ("Newidiodd y Saesneg ar ôl i&#39;r rhain gael eu cyfieithu; gwiriwch y Gymraeg:</strong> "
            "yr opsiwn “<span lang=\"en\">Fish cakes</span>”.") in page
    assert "Newidiodd y Saesneg ar ôl i hyn gael ei gyfieithu: gwiriwch y Gymraeg." in page
    assert "Mae&#39;r Gymraeg yn dal yn addas" in page


def test_a_proposals_welsh_left_behind_its_english_is_still_to_check_once_decided(db, home, proposed):
    with db.write() as s:
        topic, sam = s.get(Topic, proposed), s.get(Person, home["staff"])
        welsh = {"decision": "Pastai'r bwthyn ar ddydd Gwener.", "reason": None}
        committee.propose(s, topic, "We will serve cottage pie on Fridays.", actor=sam, other=welsh)
        assert not wording.outdated(topic.proposal, "cy")
        committee.propose(s, topic, "We will serve cottage pie on Fridays and Mondays.", actor=sam, other=welsh)
        assert wording.outdated(topic.proposal, "cy")
        outcome = committee.confirm(s, topic, actor=sam)
        assert wording.words(outcome, "cy").decision == "Pastai'r bwthyn ar ddydd Gwener."
        assert wording.to_check(topic) == ["the decision"]


# The password checker's reasons ----------------------------------------------------------------------------


def test_every_reason_and_advice_of_the_password_checker_has_its_welsh():
    said = [node.args[0].value for node in ast.walk(ast.parse(Path(zxcvbn.feedback.__file__).read_text()))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_"]
    assert len(said) > 20
    untranslated = [s for s in said if gettext("cy", "web", s.rstrip(".")) == s.rstrip(".")]
    assert untranslated == []


@pytest.mark.parametrize(("weak", "welsh"), [
    ("drowssapdrowssap", "Mae ailadrodd fel \"abcabcabc\" ond ychydig yn anoddach i'w ddyfalu na \"abc\". "
                         "Osgowch ailadrodd geiriau a nodau. Mae tri neu bedwar gair"),
    ("Password12345", "Mae hwn yn debyg i gyfrinair sy'n cael ei ddefnyddio'n aml. Dydy priflythrennau ddim yn "
                      "helpu llawer."),
    ("p@ssw0rdp@ss", "Mae hwn yn debyg i gyfrinair sy'n cael ei ddefnyddio'n aml. Dydy newidiadau amlwg fel '@' yn "
                     "lle 'a' ddim yn helpu llawer."),
])
def test_a_weak_passwords_reason_and_advice_are_given_in_welsh(staff_client, weak, welsh):
    _in_welsh(staff_client)
    page = post(staff_client, "/staff/password", {"password": PASSWORD, "new_password": weak, "repeat": weak})
    assert page.status_code == 400
    said = html.unescape(text(page))
    assert "Mae'r cyfrinair hwnnw'n rhy hawdd i'w ddyfalu. " + welsh in said
    assert "Avoid" not in said and "doesn't" not in said
