"""Every route that needs a session checks the same state: a revoked link, "I have finished", signing out, the home."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from accessible import family_links, people, pictures, topics
from accessible.models import FamilyLink, Home, Person
from tests.helpers import PASSWORD, post


@pytest.fixture
def photo_url(db, home, data):
    """Give the first option of a choosing topic a photo; return the photo's address."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, format="JPEG")
    saved = pictures.save_photo(str(data), buffer.getvalue(), "pie.jpg", "A fish pie")
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "Fish pie or soup?",
                                    options=["Fish pie", "Soup"])
        topics.set_picture(s, topic.options[0], f"photo:{saved.id}", saved.alt_text)
        topics.move_to(s, topic, "choosing")
    return f"/pictures/photo/{saved.id}"


@pytest.fixture
def family(client, db, home):
    """Open Carys's card on this client; return the client."""
    with db.write() as s:
        token = family_links.issue(s, s.get(Person, home["family"]), s.get(Person, home["residents"][0]))[1]
    assert client.get(f"/f/{token}").status_code == 303
    return client


def _copy_of(app, client):
    """Return a second client holding a copy of *client*'s session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _status(response):
    response.close()  # a file sent is held open until then
    return response.status_code


def _reached(client, photo_url):
    """Return the statuses of a photo, speech and the listener for this client (400: listener heard no audio)."""
    return (_status(client.get(photo_url)), _status(client.get("/speech?text=Hello")),
            client.post("/api/listen", data={"option": "Tea"}).status_code)


@pytest.fixture(autouse=True)
def _no_csrf_for_the_listener(app):
    # The listener is posted to by scripts with the page's token; here the session alone is what is tested.
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.slow
def test_a_revoked_card_gets_no_photo_speech_or_listening_from_a_session_already_open(app, family, db, photo_url):
    copy = _copy_of(app, family)
    assert _reached(family, photo_url) == (200, 200, 400)
    with db.write() as s:
        family_links.revoke(s, s.scalars(select(FamilyLink)).one())
    assert _reached(family, photo_url) == _reached(copy, photo_url) == (404, 404, 404)
    assert family.get("/family/").status_code == 401


def test_after_i_have_finished_a_copy_of_the_cookie_opens_nothing(app, family, photo_url):
    copy = _copy_of(app, family)
    assert copy.get("/family/").status_code == 200 and _status(copy.get(photo_url)) == 200
    app.config["WTF_CSRF_ENABLED"] = True
    finished = post(family, "/family/done", {}, form_url="/family/")
    assert "finished" in finished.get_data(as_text=True).lower()
    assert copy.get("/family/").status_code == 401
    assert _status(copy.get(photo_url)) == 404
    app.config["WTF_CSRF_ENABLED"] = False
    assert copy.post("/api/listen", data={"option": "Tea"}).status_code == 404


def test_a_copied_staff_cookie_gets_no_photo_after_signing_out(app, staff_client, photo_url):
    copy = _copy_of(app, staff_client)
    assert _status(copy.get(photo_url)) == 200
    app.config["WTF_CSRF_ENABLED"] = True
    post(staff_client, "/logout", {}, form_url="/staff/")
    app.config["WTF_CSRF_ENABLED"] = False
    assert _status(copy.get(photo_url)) == 404
    assert copy.post("/api/listen", data={"option": "Tea"}).status_code == 404


def test_another_homes_staff_and_families_get_no_photo_of_this_home(app, db, photo_url):
    with db.write() as s:
        other = people.create_home(s, "Another home")
        people.add_staff(s, other, "olga", PASSWORD, name="Olga Hughes", role="manager")
        resident = people.add_resident(s, other, "Zeb Jones")
        niece = people.add_family(s, other, "Ophelia Jones", relation="niece", residents=[resident])
        token = family_links.issue(s, niece, resident)[1]
    app.config["WTF_CSRF_ENABLED"] = True
    olga = app.test_client()
    assert post(olga, "/login", {"username": "olga", "password": PASSWORD}).status_code == 302
    assert _status(olga.get(photo_url)) == 404
    ophelia = app.test_client()
    ophelia.get(f"/f/{token}")
    assert ophelia.get("/family/").status_code == 200 and _status(ophelia.get(photo_url)) == 404
    sam = app.test_client()
    post(sam, "/login", {"username": "sam", "password": PASSWORD})
    assert _status(sam.get(photo_url)) == 200
