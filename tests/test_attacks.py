"""The findings of an attack on the server (issue 20), each with the request that showed it."""

import re

import pytest
from sqlalchemy import select

from accessible import family_links, people
from accessible.models import FamilyLink, Home, Person
from tests.conftest import PASSWORD, csrf_token, post
from tests.test_security import text


def test_revoking_another_residents_link_says_so_and_holds_up_no_other_write(staff_client, db, home):
    with db.write() as s:
        carys, margaret = s.get(Person, home["family"]), s.get(Person, home["residents"][0])
        family_links.issue(s, carys, margaret)
        link_id = s.scalars(select(FamilyLink.id)).one()
    dafydd = f"/staff/residents/{home['residents'][1]}"
    response = post(staff_client, f"{dafydd}/family-links/{link_id}/revoke", {}, form_url=dafydd)
    assert response.status_code == 400
    assert "That link is not one of this resident&#39;s: nothing was revoked." in text(response)
    with db.read() as s:
        assert s.get(FamilyLink, link_id).revoked_at is None
    # The database is free again at once: another member of staff's change goes through.
    with db.write() as s:
        people.add_resident(s, s.get(Home, home["home"]), "Gwen Price", room="4")


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example",
                                    "/%20/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/",
                                    "/staff/%0d%0aSet-Cookie:%20x=1"])
def test_sign_in_never_leads_off_the_server_nor_breaks_on_a_line_break(client, home, target):
    token = csrf_token(client, "/login")
    response = client.post(f"/login?next={target}", data={"username": "sam", "password": PASSWORD,
                                                           "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_sign_in_still_returns_to_the_page_asked_for(client, home):
    token = csrf_token(client, "/login")
    response = client.post("/login?next=/staff/residents%3Fpage%3D2", data={"username": "sam", "password": PASSWORD,
                                                                            "csrf_token": token})
    assert response.headers["Location"] == "/staff/residents?page=2"


def test_a_line_break_in_the_family_language_switch_is_no_error(client, db, home):
    with db.write() as s:
        token = family_links.issue(s, s.get(Person, home["family"]), s.get(Person, home["residents"][0]))[1]
    client.get(f"/f/{token}")
    form_token = csrf_token(client, "/family/")
    for back in ("/family/\r\nSet-Cookie: x=1", "/family/\t/x", "//evil.example/family/"):
        response = client.post("/family/language", data={"lang": "cy", "back": back, "csrf_token": form_token})
        assert response.status_code == 302 and response.headers["Location"] == "/family/"


def test_a_line_break_in_the_anchor_of_a_topic_form_is_no_error(staff_client, db, home):
    from accessible import topics

    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "Fish or soup?", options=["Fish", "Soup"])
    url = f"/staff/topics/{topic.id}"
    response = post(staff_client, f"{url}/options", {"label": "Curry", "anchor": "#x\r\nSet-Cookie: y=1"},
                    form_url=url)
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "Curry" in text(staff_client.get(url))
    assert re.search(r"#options$", post(staff_client, f"{url}/options", {"label": "Cawl", "anchor": "#options"},
                                        form_url=url).headers["Location"])
