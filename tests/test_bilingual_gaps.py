"""Welsh kept as an equal where it slipped: a proposal's changed Welsh asks the co-owners again, Welsh written for
older English says so, words in the other language are marked with their own, and the password checker's reasons
come in Welsh."""

import ast
import html
from pathlib import Path

import pytest
import zxcvbn.feedback

from accessible import committee, responses, topics
from accessible.i18n import gettext
from accessible.models import Home, Person, Topic
from tests.helpers import PASSWORD, post, text


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
    ("p@ssw0rdp@ss", "Mae hwn yn debyg i gyfrinair sy'n cael ei ddefnyddio'n aml. Dydy newidiadau amlwg fel '@' yn lle 'a' ddim yn helpu llawer."),
])
def test_a_weak_passwords_reason_and_advice_are_given_in_welsh(staff_client, weak, welsh):
    _in_welsh(staff_client)
    page = post(staff_client, "/staff/password", {"password": PASSWORD, "new_password": weak, "repeat": weak})
    assert page.status_code == 400
    said = html.unescape(text(page))
    assert "Mae'r cyfrinair hwnnw'n rhy hawdd i'w ddyfalu. " + welsh in said
    assert "Avoid" not in said and "doesn't" not in said
