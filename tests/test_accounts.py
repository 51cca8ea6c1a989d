"""Staff accounts and people who leave: passwords changed, leavers' accounts disabled, residents who left."""

import re

import pytest
from click.testing import CliRunner

from accessible import family_links, people, responses, topics
from accessible.errors import Invalid
from accessible.models import Home, Person, Topic
from tests.helpers import PASSWORD, post, text

NEW_PASSWORD = "a much longer one now"


def signed_in(app, username, password=PASSWORD):
    client = app.test_client()
    response = post(client, "/login", {"username": username, "password": password})
    return client if response.status_code == 302 else None


def test_staff_change_their_own_password_and_are_signed_out_everywhere(app, home):
    priya, elsewhere = signed_in(app, "priya"), signed_in(app, "priya")
    response = post(priya, "/staff/password", {"password": "not it", "new_password": NEW_PASSWORD,
                                               "repeat": NEW_PASSWORD})
    assert response.status_code == 400 and "That is not your current password." in text(response)
    response = post(priya, "/staff/password", {"password": PASSWORD, "new_password": NEW_PASSWORD,
                                               "repeat": "something else"})
    assert "The new password and its repeat are not the same." in text(response)
    response = post(priya, "/staff/password", {"password": PASSWORD, "new_password": NEW_PASSWORD,
                                               "repeat": NEW_PASSWORD})
    assert response.headers["Location"] == "/login"
    assert "Your password has been changed. Sign in with the new one." in text(priya.get("/login"))
    assert elsewhere.get("/staff/").status_code == 302  # the other device is signed out too
    assert signed_in(app, "priya") is None and signed_in(app, "priya", NEW_PASSWORD) is not None


def test_guessing_the_current_password_at_an_unattended_screen_is_limited(app, home):
    priya = signed_in(app, "priya")
    response = post(priya, "/staff/password", {"password": PASSWORD, "new_password": "short", "repeat": "short"})
    assert 'id="new_password-error">A password needs at least 10 characters.' in response.get_data(as_text=True)
    for _ in range(5):
        post(priya, "/staff/password", {"password": "a guess", "new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    response = post(priya, "/staff/password", {"password": PASSWORD, "new_password": NEW_PASSWORD,
                                               "repeat": NEW_PASSWORD})
    assert re.search(r"Too many wrong passwords\. Wait [12] seconds? and try again\.", text(response))
    assert signed_in(app, "priya", NEW_PASSWORD) is None


def test_a_manager_disables_a_leavers_account_which_is_signed_out_at_once(app, staff_client, home):
    priya = signed_in(app, "priya")
    assert priya.get("/staff/").status_code == 200
    assert priya.get("/staff/accounts").status_code == 403  # managers only
    page = text(staff_client.get("/staff/accounts"))
    assert "Priya Shah priya staff Can sign in" in page
    post(staff_client, f"/staff/accounts/{home['helper']}/active", {"active": "0"}, form_url="/staff/accounts")
    assert "Priya Shah's account is disabled: they are signed out and cannot sign in." in text(
        staff_client.get("/staff/accounts"))
    assert priya.get("/staff/").status_code == 302 and signed_in(app, "priya") is None
    response = post(staff_client, f"/staff/accounts/{home['staff']}/active", {"active": "0"},
                    form_url="/staff/accounts")
    assert response.status_code == 400 and "You cannot disable your own account" in text(response)
    post(staff_client, f"/staff/accounts/{home['helper']}/active", {"active": "1"}, form_url="/staff/accounts")
    assert signed_in(app, "priya") is not None


def test_a_manager_gives_a_forgetful_colleague_a_new_password_and_adds_an_account(app, staff_client, home):
    post(staff_client, f"/staff/accounts/{home['helper']}/password", {"new_password": NEW_PASSWORD},
         form_url="/staff/accounts")
    assert signed_in(app, "priya") is None and signed_in(app, "priya", NEW_PASSWORD) is not None
    response = post(staff_client, "/staff/accounts", {"name": "Huw Morgan", "username": "huw", "role": "staff",
                                                      "password": "short"})
    assert response.status_code == 400 and "A password needs at least 10 characters." in text(response)
    post(staff_client, "/staff/accounts", {"name": "Huw Morgan", "username": "huw", "role": "staff",
                                           "password": NEW_PASSWORD})
    assert signed_in(app, "huw", NEW_PASSWORD) is not None


def test_a_resident_who_left_is_asked_nothing_more_and_their_familys_card_stops_working(
        app, staff_client, home, db):
    margaret = home["residents"][0]
    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "menu")
        topics.move_to(s, topic, "choosing")
        topic_id = topic.id
        _link, token = family_links.issue(s, s.get(Person, home["family"]), s.get(Person, margaret))
    url = f"/staff/residents/{margaret}"
    post(staff_client, f"{url}/active", {"active": "0"}, form_url=url)
    page = text(staff_client.get(url))
    assert "Margaret Evans has been marked as having left" in page and "has left the home." in page
    listed = text(staff_client.get("/staff/residents"))
    assert "Residents who have left (1) They are asked nothing more; their answers stay in the record. " \
           "Margaret Evans" in listed
    assert "Margaret Evans" not in text(staff_client.get(f"/staff/topics/{topic_id}/results"))
    assert app.test_client().get(f"/f/{token}").status_code == 404  # her daughter's card no longer opens
    response = post(staff_client, f"{url}/family-links", {"family": home["family"]}, form_url=url)
    assert response.status_code == 400 and "Margaret Evans has left the home" in text(response)  # nor a new one
    with db.write() as s, pytest.raises(Invalid, match="This resident has left the home."):
        responses.record(s, s.get(Topic, topic_id), s.get(Person, home["family"]), "family-web",
                         option=s.get(Topic, topic_id).options[0], on_behalf_of=s.get(Person, margaret))
    records = text(staff_client.get("/staff/records/"))
    assert "Margaret Evans (resident, left the home)" in records  # her data can still be asked for
    post(staff_client, f"{url}/active", {"active": "1"}, form_url=url)
    assert "Margaret Evans (room 1)" in text(staff_client.get(f"/staff/topics/{topic_id}/results"))


@pytest.mark.parametrize("enable", [False, True])
def test_the_command_line_sets_a_password_and_disables_an_account(app, home, data, db, enable):
    from accessible.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["set-password", "priya", "--data", str(data)], input=f"{NEW_PASSWORD}\n" * 2)
    assert result.exit_code == 0 and "The password of priya has been changed" in result.output
    result = runner.invoke(main, ["disable-staff", "priya", "--data", str(data)])
    assert result.exit_code == 0 and "priya is disabled and signed out everywhere." in result.output
    assert signed_in(app, "priya", NEW_PASSWORD) is None
    if enable:
        result = runner.invoke(main, ["disable-staff", "priya", "--enable", "--data", str(data)])
        assert "priya can sign in again." in result.output
        assert signed_in(app, "priya", NEW_PASSWORD) is not None
    result = runner.invoke(main, ["set-password", "nobody", "--password", NEW_PASSWORD, "--data", str(data)])
    assert result.exit_code == 1 and "There is no staff account nobody." in result.output
    with db.read() as s:
        assert people.by_username(s, "priya").active is enable
