"""The web app against attack: upload limits, cookies and session ends, error pages, one home's data kept apart."""

import inspect
import re
import time

import pytest
from sqlalchemy import select

from accessible import comments, family_links, people, responses, topics
from accessible.models import Comment, FamilyLink, Home, Option, Person, Response, Topic
from tests.helpers import PASSWORD, csrf_token, post
from tests.helpers import markup_stripped as text

# Uploads ---------------------------------------------------------------------------------------------------------

def _upload_rules(app):
    """Return every rule whose view reads an uploaded file: found in the code, so a new upload route is covered."""
    return [rule for rule in app.url_map.iter_rules()
            if "request.files" in inspect.getsource(inspect.unwrap(app.view_functions[rule.endpoint]))]


def _multipart(total, field="file"):
    """Return a multipart body of exactly *total* bytes, and its content type."""
    boundary = "----accessible-test-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"big.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head + b"\0" * (total - len(head) - len(tail)) + tail, f"multipart/form-data; boundary={boundary}"


def test_every_upload_route_refuses_a_body_one_byte_over_the_limit(staff_client, app, db, home, data):
    with db.write() as s:
        topic = topics.create_topic(s, s.get(Home, home["home"]), "Lunch", "Fish or soup?", options=["Fish", "Soup"])
        ids = {"topic_id": topic.id, "option_id": topic.options[0].id, "resident_id": home["residents"][0]}
    rules = _upload_rules(app)
    assert {r.endpoint for r in rules} >= {"staff.option_picture", "paper.scans", "speech.listen", "kiosk.listen"}
    from web.speech import LISTEN_MAX_BYTES

    before = sorted(p.relative_to(data) for p in data.rglob("*") if "uploads" in p.parts)
    for rule in rules:
        url = rule.build(ids, append_unknown=False)[1]
        listener = rule.endpoint.endswith(".listen")  # a recording of speech is small: 4 MB at most
        body, content_type = _multipart((LISTEN_MAX_BYTES if listener else app.config["MAX_CONTENT_LENGTH"]) + 1)
        response = staff_client.post(url, data=body, content_type=content_type)
        assert response.status_code == 413, f"{url} answered {response.status_code}"
        if listener:  # the listener's scripts read JSON
            assert response.json == {"error": "That file is too large"}
        else:
            assert "That file is too large" in text(response)
    assert sorted(p.relative_to(data) for p in data.rglob("*") if "uploads" in p.parts) == before


# Cookies and sessions ----------------------------------------------------------------------------------------------

def _session_cookie(response):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_the_session_cookie_is_httponly_samesite_lax_and_lasts_two_idle_hours(client, home):
    response = post(client, "/login", {"username": "sam", "password": PASSWORD})
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on the home's own network still signs in
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    from email.utils import parsedate_to_datetime

    left = parsedate_to_datetime(expires).timestamp() - time.time()
    assert 2 * 3600 - 120 < left <= 2 * 3600 + 5


def test_over_https_the_session_cookie_is_secure(app, home):
    client = app.test_client()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    # Over HTTPS, as a browser does, the form is sent with its own page as the Referer (the CSRF check wants it).
    response = client.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                           data={"username": "sam", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert "Secure" in _session_cookie(response)


def test_a_session_idle_for_two_hours_ends(staff_client, monkeypatch):
    from itsdangerous import TimestampSigner

    assert staff_client.get("/staff/").status_code == 200
    later = int(time.time()) + 2 * 3600 + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = staff_client.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_session_ends_after_twelve_hours_however_busy(staff_client):
    with staff_client.session_transaction() as session:
        session["since"] -= 12 * 3600 + 60
    response = staff_client.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_signing_out_ends_every_session_of_the_account_and_a_copied_cookie(app, staff_client):
    copied = staff_client.get_cookie("session").value
    other_device = app.test_client()
    post(other_device, "/login", {"username": "sam", "password": PASSWORD})
    assert other_device.get("/staff/").status_code == 200
    post(staff_client, "/logout", {}, form_url="/staff/")
    assert other_device.get("/staff/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert replay.get("/staff/").status_code == 302
    # Signing in again works, and another member of staff was never affected.
    assert post(staff_client, "/login", {"username": "sam", "password": PASSWORD}).status_code == 302


def test_signing_out_one_account_leaves_others_signed_in(app, staff_client):
    colleague = app.test_client()
    post(colleague, "/login", {"username": "priya", "password": PASSWORD})
    post(staff_client, "/logout", {}, form_url="/staff/")
    assert colleague.get("/staff/").status_code == 200


@pytest.mark.slow
def test_sign_in_limits_count_per_address_not_only_per_client(app, home):
    # Twenty guesses from one address through different browsers (fresh cookies each time) still make it wait.
    for n in range(20):
        post(app.test_client(), "/login", {"username": f"nobody{n}", "password": "guess"})
    response = post(app.test_client(), "/login", {"username": "sam", "password": PASSWORD})
    assert response.status_code == 429 and "Too many wrong passwords" in text(response)
    # Another address is not held up.
    other = app.test_client()
    token = csrf_token(other, "/login")
    response = other.post("/login", data={"username": "sam", "password": PASSWORD, "csrf_token": token},
                          environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 302


# Error pages ---------------------------------------------------------------------------------------------------------

def test_a_wrong_method_gets_a_plain_page_saying_so(client, home):
    response = client.get("/logout")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert "That page cannot be used that way" in text(response) and "Traceback" not in text(response)


def test_a_program_gets_errors_as_json(client, home):
    response = client.get("/api/listen")
    assert response.status_code == 405 and response.is_json
    assert response.get_json() == {"error": "That page cannot be used that way"}


def test_a_bad_request_gets_a_plain_page(app, home):
    from flask import abort

    @app.get("/bad-for-test")
    def bad():
        abort(400, "internal detail of the parser")

    response = app.test_client().get("/bad-for-test")
    assert response.status_code == 400
    assert "That request could not be understood" in text(response) and "internal detail" not in text(response)
    assert "no-store" in response.headers["Cache-Control"]


def test_a_failure_deep_in_a_page_never_shows_a_traceback_or_a_database_error(app, staff_client, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        raise RuntimeError("SELECT password_hash FROM person -- secret")

    monkeypatch.setattr(topics, "topics", broken)
    response = staff_client.get("/staff/topics")
    assert response.status_code == 500
    assert "Something went wrong on our side" in text(response)
    assert "password_hash" not in response.get_data(as_text=True) and "Traceback" not in text(response)


# One home's data kept apart from another's -------------------------------------------------------------------------

SECRET = "Otherhome"


@pytest.fixture
def other_home(db):
    """A second home on the same database, with a resident, family, topic, answers, comment and link of its own."""
    with db.write() as s:
        home = people.create_home(s, f"{SECRET} House")
        people.add_staff(s, home, "olga", PASSWORD, name=f"Olga {SECRET}", role="manager")
        resident = people.add_resident(s, home, f"Zebedee {SECRET}", room="99")
        family = people.add_family(s, home, f"Ophelia {SECRET}", relation="niece", residents=[resident])
        topic = topics.create_topic(s, home, f"{SECRET} secret question", "Kedgeree or quiche?",
                                    options=["Kedgeree", "Quiche"])
        topics.move_to(s, topic, "choosing")
        responses.record(s, topic, resident, "touch", option=topic.options[0])
        comments.add(s, topic, family, f"{SECRET} private comment")
        family_links.issue(s, family, resident)
        s.flush()
        comment = s.scalar(select(Comment.id).where(Comment.topic_id == topic.id))
        return {"topic_id": topic.id, "option_id": topic.options[0].id, "resident_id": resident.id,
                "person_id": resident.id, "comment_id": comment,
                "link_id": s.scalar(select(FamilyLink.id).where(FamilyLink.resident_id == resident.id)),
                "item_id": 1, "outcome_id": 1, "fmt": "json", "what": "menu", "home": home.id,
                "family": family.id}


def _snapshot(db, home_id):
    with db.read() as s:
        return (
            sorted((p.name, p.active, p.room) for p in s.scalars(select(Person).where(Person.home_id == home_id))),
            sorted((t.title, t.question, t.stage) for t in s.scalars(select(Topic).where(Topic.home_id == home_id))),
            sorted((o.label, o.status, o.picture) for o in s.scalars(select(Option).join(Topic).where(
                Topic.home_id == home_id))),
            s.query(Response).join(Topic).where(Topic.home_id == home_id).count(),
            sorted((c.text, c.status) for c in s.scalars(select(Comment).join(Topic).where(
                Topic.home_id == home_id))),
            sorted(link.revoked_at is None for link in s.scalars(select(FamilyLink).join(
                Person, FamilyLink.resident_id == Person.id).where(Person.home_id == home_id))),
        )


def _staff_rules(app, method):
    return [r for r in app.url_map.iter_rules()
            if method in r.methods and (r.rule.startswith("/staff") or r.rule.startswith("/kiosk/start"))]


def test_staff_never_see_another_homes_data(staff_client, app, other_home):
    seen = 0
    for rule in _staff_rules(app, "GET"):
        if rule.arguments - set(other_home):
            continue
        url = rule.build({k: other_home[k] for k in rule.arguments}, append_unknown=False)[1]
        response = staff_client.get(url)
        body = response.get_data()
        assert SECRET.encode() not in body and b"Kedgeree" not in body, f"{url} showed another home's data"
        if rule.arguments:
            assert response.status_code in (403, 404), f"{url} answered {response.status_code}"
        seen += 1
    assert seen >= 15


def test_staff_cannot_change_another_homes_data(staff_client, app, db, other_home):
    before = _snapshot(db, other_home["home"])
    token = csrf_token(staff_client, "/staff/")
    form = {"csrf_token": token, "name": "Changed", "title": "Changed", "question": "Changed?", "label": "Changed",
            "stage": "decided", "decision": "approve", "reason": "Changed", "option": other_home["option_id"],
            "resident": other_home["resident_id"], "family": other_home["family"], "approve": "1",
            "confirm_name": f"Zebedee {SECRET}", "co_owners": [other_home["resident_id"]], "symbol": "1F600",
            "alt_text": "Changed", "room": "1", "value": "like", "proposed_by": other_home["resident_id"]}
    for rule in _staff_rules(app, "POST"):
        if not rule.arguments or rule.arguments - set(other_home):
            continue
        url = rule.build({k: other_home[k] for k in rule.arguments}, append_unknown=False)[1]
        response = staff_client.post(url, data=form)
        # Refused outright, or (moderating a comment) told it is not waiting for review; the snapshot decides.
        assert response.status_code in (302, 403, 404), f"POST {url} answered {response.status_code}"
        assert SECRET.encode() not in response.get_data()
    assert _snapshot(db, other_home["home"]) == before
    with staff_client.session_transaction() as session:
        assert "kiosk" not in session  # no kiosk was started for another home's resident
