"""The web app against misuse: CSRF on every state-changing route, headers everywhere, sign-in limits."""

import re

import pytest

from tests.helpers import PASSWORD, csrf_token, post


def test_every_state_changing_route_refuses_a_request_without_its_csrf_token(staff_client, app, db):
    from sqlalchemy import func, select

    from accessible.models import AuditEvent, Person, Response, Topic

    def counts():
        with db.read() as s:
            return [s.scalar(select(func.count()).select_from(m)) for m in (Person, Topic, Response, AuditEvent)]

    before = counts()
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"GET", "HEAD", "OPTIONS"}:
            url = re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule)
            response = staff_client.open(url, method=method, data={"name": "Forged"})
            assert response.status_code == 400, f"{method} {url} answered {response.status_code}"
            checked += 1
    assert checked >= 25
    assert counts() == before  # nothing changed


def test_security_headers_on_every_page(staff_client, app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or "<" in rule.rule:
            continue
        response = staff_client.get(rule.rule)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp, rule
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "microphone=(self)" in response.headers["Permissions-Policy"]
        if response.mimetype in ("text/html", "application/json") or rule.rule.startswith("/staff/"):
            assert response.headers["Cache-Control"] == "no-store", rule
        response.close()


def test_wrong_passwords_for_one_account_make_that_device_wait_not_the_account(client, app, home):
    for _ in range(5):
        assert post(client, "/login", {"username": "sam", "password": "guess"}).status_code == 401
    response = post(client, "/login", {"username": "sam", "password": PASSWORD})
    assert response.status_code == 429 and response.headers["Retry-After"] in ("1", "2")  # 2 s from the last guess
    assert "Too many wrong passwords from this device. Wait" in response.get_data(as_text=True)
    # Another account from the same place still signs in, and so does this one from another device.
    assert post(client, "/login", {"username": "priya", "password": PASSWORD}).status_code == 302
    other = app.test_client()
    token = csrf_token(other, "/login")
    assert other.post("/login", data={"username": "sam", "password": PASSWORD, "csrf_token": token},
                      environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 302


@pytest.mark.slow
def test_guessing_many_accounts_from_one_address_makes_it_wait(client, home):
    for n in range(20):
        post(client, "/login", {"username": f"nobody{n}", "password": "guess"})
    assert post(client, "/login", {"username": "priya", "password": PASSWORD}).status_code == 429


def test_signing_in_starts_a_new_session(client, home):
    with client.session_transaction() as session:
        session["family_link"] = 99  # something left from before signing in
    post(client, "/login", {"username": "sam", "password": PASSWORD})
    with client.session_transaction() as session:
        assert set(session) >= {"staff_id", "version", "since"}
        assert "family_link" not in session and "csrf_token" not in session


def test_a_failure_shows_a_generic_page_never_a_traceback(app, home):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret detail from inside the server")

    response = app.test_client().get("/boom-for-test")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "secret detail" not in page and "Traceback" not in page
