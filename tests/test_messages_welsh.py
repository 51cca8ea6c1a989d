"""The library's refusals, built with names and numbers in them, reach a Welsh page, the listener's JSON and a
Welsh kiosk in Welsh: staff, relatives and residents read why in their own language."""

import io
import re

from accessible import family_links, topics
from accessible.i18n import Message, gettext
from accessible.models import Home, Person
from tests.helpers import PASSWORD, csrf_token, post, text


def _in_welsh(client, back="/staff/"):
    assert post(client, "/language", {"lang": "cy", "back": back}, form_url=back).status_code == 303


def test_a_message_with_names_and_numbers_is_said_in_each_language():
    said = Message("To print in both languages, translate first: %(missing)s.",
                   missing=(Message("the question"), Message("the option “%(label)s”", label="Curry")))
    assert said == "To print in both languages, translate first: the question, the option “Curry”."
    assert gettext("cy", "web", said) == "I argraffu yn y ddwy iaith, cyfieithwch yn gyntaf: y cwestiwn, " \
                                         "yr opsiwn “Curry”."
    # An error keeps it: str() of the exception is still the message, so a page can translate it.
    assert gettext("cy", "web", str(ValueError(Message("%(name)s has no page %(page)s.", name="a.pdf", page=3)))) \
        == "Does dim tudalen 3 yn a.pdf."


def test_staff_pages_in_welsh_give_the_librarys_refusals_in_welsh(staff_client, menu):
    _in_welsh(staff_client)
    url = f"/staff/topics/{menu}"
    again = post(staff_client, f"{url}/options", {"label": "Fish pie"}, form_url=url)
    assert again.status_code == 400 and "Mae Fish pie yn ddewis yn barod." in text(again)
    # Moving on to a stage that does not follow: both stages named in Welsh.
    stage = post(staff_client, f"{url}/stage", {"stage": "draft"}, form_url=url)
    assert "Does dim modd i bwnc ar “Dewis” symud ymlaen i “Drafft”." in text(stage), text(stage)[-600:]
    # Both languages on one sheet before the Welsh is written: what is missing, listed in Welsh.
    refused = staff_client.get(f"{url}/print/menu.pdf?lang=both")
    assert refused.status_code == 302
    page = text(staff_client.get(refused.headers["Location"]))
    assert "I argraffu yn y ddwy iaith, cyfieithwch yn gyntaf: y cwestiwn, yr opsiwn “Fish pie”" in page
    assert "translate first" not in page


def test_a_file_that_is_no_scan_is_refused_in_welsh_on_the_paper_page(staff_client):
    _in_welsh(staff_client)
    token = csrf_token(staff_client, "/staff/paper")
    response = staff_client.post("/staff/paper/uploads", headers={"Accept": "application/json"},
                                 data={"csrf_token": token, "scan": (io.BytesIO(b"not a picture"), "notes.txt")})
    assert response.status_code == 400
    assert response.get_json()["message"] == ("notes.txt: Dydy notes.txt ddim yn ffotograff, yn sgan nac yn PDF. "
                                              "Anfonwch ffeiliau JPEG, PNG, TIFF neu PDF.")


def test_a_welsh_relative_reads_the_comment_limit_in_welsh(client, db, home):
    with db.write() as s:
        lounge = topics.create_from_template(s, s.get(Home, home["home"]), "redecorate")
        topics.move_to(s, lounge, "ideas")
        token = family_links.issue(s, s.get(Person, home["family"]), s.get(Person, home["residents"][0]))[1]
        url = f"/family/topics/{lounge.id}"
    client.get(f"/f/{token}", headers={"Accept-Language": "cy"})
    response = post(client, url, {"text": "Mae Mam yn hoffi'r lolfa'n olau. " * 70}, form_url=url)
    assert response.status_code == 400
    assert "Gall sylw fod yn 2000 nod ar y mwyaf." in text(response)


def _listen(client, lang, options, audio=b"RIFF"):
    token = csrf_token(client, "/family/")
    return client.post("/api/listen", data={"option": options, "lang": lang, "csrf_token": token,
                                            "audio": (io.BytesIO(audio), "said.wav")})


def test_the_listener_refuses_in_the_language_it_listens_in(client, db, home):
    with db.write() as s:
        token = family_links.issue(s, s.get(Person, home["family"]), s.get(Person, home["residents"][0]))[1]
    client.get(f"/f/{token}")
    too_many = _listen(client, "cy", [f"Dewis {n}" for n in range(13)])
    assert too_many.status_code == 400
    assert too_many.json == {"error": "Anfonwch 12 dewis ar y mwyaf (dydy'r sgrin ddim yn dangos rhagor); "
                                      "anfonwyd 13."}
    bad = _listen(client, "cy", ["Te", "Coffi"], audio=b"this is no recording")
    assert bad.status_code == 400
    assert bad.json["error"] == "Does dim modd defnyddio'r recordiad hwnnw. Recordiwch e eto fel ffeil WAV o " \
                                "ychydig eiliadau."
    assert "WAV" in bad.json["detail"]  # the listener's own words, for whoever looks after the machine
    english = _listen(client, "en", ["Tea", "Coffee"], audio=b"this is no recording")
    assert english.json["error"] == "That recording cannot be used. Record it again as a WAV file of a few seconds."


def test_a_welsh_resident_is_told_in_welsh_when_a_recording_cannot_be_used(staff_client, menu, home):
    dafydd = home["residents"][1]  # his needs say Welsh
    post(staff_client, f"/kiosk/start/{dafydd}", {}, form_url=f"/staff/residents/{dafydd}")
    screen = staff_client.get(f"/kiosk/topics/{menu}").get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', screen).group(1)
    heard = staff_client.post(f"/kiosk/topics/{menu}/listen", data={"audio": (io.BytesIO(b"RIFF"), "s.wav")},
                              headers={"X-CSRFToken": token}, content_type="multipart/form-data")
    assert heard.status_code == 400
    assert heard.get_json()["error"] == ("Mae'n ddrwg gen i, wnaeth hynny ddim gweithio. Rhowch gynnig arall arni, "
                                         "neu cyffyrddwch â'ch dewis.")


def test_a_password_too_easy_to_guess_is_explained_in_welsh(staff_client):
    _in_welsh(staff_client)
    weak = post(staff_client, "/staff/password", {"password": PASSWORD, "new_password": "password123",
                                                  "repeat": "password123"})
    assert weak.status_code == 400
    # The password checker's own reason too, where the catalogue knows it.
    assert ("Mae'r cyfrinair hwnnw'n rhy hawdd i'w ddyfalu. Mae hwn yn gyfrinair cyffredin iawn. Mae tri neu bedwar "
            "gair cyffredin") in text(weak)
