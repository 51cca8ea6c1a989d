"""Staff sign-in: named accounts, sessions that end when they should, CSRF on forms."""

from accessible import people
from accessible.models import Person
from tests.helpers import PASSWORD, post


def test_staff_pages_need_signing_in(client, home):
    response = client.get("/staff/topics")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/staff/topics")


def test_signing_in_and_out(client, home):
    response = post(client, "/login?next=/staff/topics", {"username": "sam", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/topics"
    assert "Sign out (Sam Patel)" in client.get("/staff/topics").get_data(as_text=True)
    response = post(client, "/logout", {}, form_url="/staff/")
    assert client.get("/staff/").status_code == 302


def test_a_wrong_password_says_so_and_signs_nobody_in(client, home):
    response = post(client, "/login", {"username": "sam", "password": "not it at all"})
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_next_never_leads_off_the_server(client, home):
    response = post(client, "/login?next=//evil.example/x", {"username": "sam", "password": PASSWORD})
    assert response.headers["Location"] == "/staff/"


def test_a_form_without_its_csrf_token_changes_nothing(staff_client, db):
    response = staff_client.post("/staff/residents/new", data={"name": "Forged Person"})
    assert response.status_code == 400
    assert "could not be sent" in response.get_data(as_text=True)
    with db.read() as s:
        assert s.query(Person).filter_by(name="Forged Person").count() == 0


def test_a_changed_password_ends_the_session_at_once(staff_client, db, home):
    assert staff_client.get("/staff/").status_code == 200
    with db.write() as s:
        people.set_password(s, s.get(Person, home["staff"]), "another good password")
    assert staff_client.get("/staff/").status_code == 302


def test_a_disabled_account_is_signed_out(staff_client, db, home):
    with db.write() as s:
        s.get(Person, home["staff"]).active = False
    assert staff_client.get("/staff/").status_code == 302


def test_security_headers_on_every_page(client, home):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    cookie = client.get_cookie("session")
    assert cookie is None or (cookie.http_only and cookie.same_site == "Lax")
