"""The findings of an attack on the server (issue 20), each with the request that showed it."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from accessible import family_links, people
from accessible.models import FamilyLink, Home, Person
from tests.helpers import PASSWORD, POSTGRES, csrf_token, post
from tests.helpers import markup_stripped as _markup_stripped


def text(response):
    """Return what a person reads on the page (tags gone, entities read)."""
    return html.unescape(_markup_stripped(response))


def test_revoking_another_residents_link_says_so_and_holds_up_no_other_write(staff_client, db, home):
    with db.write() as s:
        carys, margaret = s.get(Person, home["family"]), s.get(Person, home["residents"][0])
        family_links.issue(s, carys, margaret)
        link_id = s.scalars(select(FamilyLink.id)).one()
    dafydd = f"/staff/residents/{home['residents'][1]}"
    response = post(staff_client, f"{dafydd}/family-links/{link_id}/revoke", {}, form_url=dafydd)
    assert response.status_code == 400
    assert "That link is not one of this resident's: nothing was revoked." in text(response)
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


# The server's address (finding 10) -------------------------------------------------------------------------------

def _at(client, host):
    """Return headers that send a request to *host* with this client's session (a test client keeps cookies by host)."""
    cookie = client.get_cookie("session", domain="localhost")
    client.set_cookie("session", cookie.value, domain=host.split(":")[0])
    return {"Host": host}


def _new_link(client, home, host):
    url = f"/staff/residents/{home['residents'][0]}"
    token = csrf_token(client, url)
    return client.post(f"{url}/family-links", data={"family": home["family"], "csrf_token": token},
                       headers=_at(client, host))


def test_a_forged_host_never_makes_a_family_link_and_once_confirmed_other_hosts_are_refused(staff_client, home, db):
    from accessible import addresses

    # The first address the server is opened at is kept as the one to confirm; staff pages ask for it.
    page = text(staff_client.get("/staff/", headers=_at(staff_client, "192.168.1.20:5000")))
    assert "Family links and cards wait for this server's address: is it http://192.168.1.20:5000?" in page
    # Before it is confirmed, a request naming another host makes no link at all: staff are sent to confirm.
    forged = _new_link(staff_client, home, "evil.example")
    assert forged.status_code == 302 and forged.headers["Location"] == "/staff/address"
    with db.read() as s:
        assert addresses.public_address(s) == ("http://192.168.1.20:5000", False)
    confirmed = post(staff_client, "/staff/address", {"address": "http://192.168.1.20:5000"})
    assert confirmed.status_code == 302
    refused = staff_client.get("/staff/", headers=_at(staff_client, "evil.example"))
    assert refused.status_code == 421 and "This server answers at another address" in text(refused)
    assert _new_link(staff_client, home, "evil.example").status_code == 421
    # From the confirmed address, or from this machine itself, the link leads to the confirmed address.
    for base in ("192.168.1.20:5000", "localhost"):
        made = text(_new_link(staff_client, home, base))
        assert re.search(r"http://192\.168\.1\.20:5000/f/[A-Za-z0-9_-]{20,}", made)
        assert "evil.example" not in made and "localhost/f/" not in made


def test_only_a_manager_confirms_the_address_and_a_bad_one_is_explained(app, staff_client, home):
    response = post(staff_client, "/staff/address", {"address": "http://192.168.1.20:5000/staff?x=1"})
    assert response.status_code == 400
    assert "Write the address as the home's tablets open it, for example http://192.168.1.20:5000" in text(response)
    helper = app.test_client()
    post(helper, "/login", {"username": "priya", "password": PASSWORD})
    assert helper.get("/staff/address").status_code == 403


def test_printing_cards_from_the_command_line_needs_the_address_and_then_uses_it(tmp_path):
    from click.testing import CliRunner

    from accessible import addresses
    from accessible.cli import main
    from accessible.db import Database
    from tests.helpers import qr_texts, raster

    CliRunner().invoke(main, ["demo", "--data", str(tmp_path)])
    out = tmp_path / "cards.pdf"
    result = CliRunner().invoke(main, ["print", "cards", "1", "-o", str(out), "--data", str(tmp_path)])
    assert result.exit_code == 2 and "need this server's address" in result.output and not out.exists()
    database = Database.for_data_dir(tmp_path)
    with database.write() as s:
        addresses.confirm(s, "https://TyGlas.lan:5000/")
    database.dispose()
    result = CliRunner().invoke(main, ["print", "cards", "1", "-o", str(out), "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    codes = qr_texts(raster(out.read_bytes(), tmp_path / "pages")[0])
    assert codes and all(re.fullmatch(r"https://tyglas\.lan:5000/f/[A-Za-z0-9_-]{20,}", c) for c in codes)


# Passwords and guessing (finding 9) -------------------------------------------------------------------------------

@pytest.mark.parametrize("weak", ["1234567890", "password12", "aaaaaaaaaa", "qwertyuiop", "sunshine2024",
                                  "abcabcabcabc", "priya.shah1"])
def test_common_repeated_and_own_name_passwords_are_refused_with_a_reason(staff_client, db, weak):
    page = post(staff_client, "/staff/accounts", {"username": "priya.shah", "name": "Priya Shah", "password": weak,
                                                 "role": "staff"})
    assert page.status_code == 400
    assert "That password is too easy to guess." in text(page)
    with db.read() as s:
        assert s.scalar(select(Person).where(Person.username == "priya.shah")) is None


def test_a_memorable_long_password_is_taken(staff_client):
    page = post(staff_client, "/staff/accounts", {"username": "priya.shah", "name": "Priya Shah",
                                                 "password": "teapot garden violin", "role": "staff"})
    assert page.status_code == 302


def test_wrong_passwords_are_counted_in_the_database_and_outlive_a_restart_then_wait_out(client, home, data):
    from accessible.models import SignInFailure
    from web import create_app

    for _ in range(5):
        post(client, "/login", {"username": "sam", "password": "a wrong guess"})
    restarted = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    response = post(restarted, "/login", {"username": "sam", "password": PASSWORD})
    assert response.status_code == 429 and "Too many wrong passwords from this device. Wait" in text(response)
    # Nothing about who guessed is kept in the clear: only hashes and times.
    database = restarted.application.extensions["db"]
    with database.write() as s:
        keys = s.scalars(select(SignInFailure.key)).all()
        assert keys and not any("sam" in k or "127.0.0.1" in k for k in keys)
        for failure in s.scalars(select(SignInFailure)):
            failure.at -= timedelta(seconds=3)  # as if the device had waited
    assert post(restarted, "/login", {"username": "sam", "password": PASSWORD}).status_code == 302


# Speech and the listener (findings 2, 3 and 11) -------------------------------------------------------------------

@pytest.fixture
def family(client, db, home):
    """Open Carys's card on this client and return it."""
    with db.write() as s:
        token = family_links.issue(s, s.get(Person, home["family"]), s.get(Person, home["residents"][0]))[1]
    client.get(f"/f/{token}")
    return client


def _listen(client, options, audio=b"RIFF"):
    import io

    token = csrf_token(client, "/family/")
    return client.post("/api/listen", data={"option": options, "audio": (io.BytesIO(audio), "said.wav"),
                                            "csrf_token": token})


@pytest.mark.parametrize("options, problem", [
    ([f"Option {n}" for n in range(13)], "Send at most 12 options (the screen shows no more); 13 were sent."),
    (["Tea", "x" * 61], "Each option is a short label: at most 60 characters and 8 words."),
    (["Tea", " ".join(["word"] * 9)], "Each option is a short label: at most 60 characters and 8 words."),
])
def test_the_listener_refuses_too_many_or_too_long_options_before_hearing_anything(family, options, problem):
    response = _listen(family, options)
    assert response.status_code == 400 and response.json["error"].startswith(problem)


def _form(fields, audio):
    """Return a multipart body with *fields* and *audio* as the file 'audio', and its content type (built here, so
    the test client keeps no temporary file of its own open)."""
    boundary = "----accessible-attack"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; filename="said.wav"\r\n'
                 "Content-Type: audio/wav\r\n\r\n".encode() + audio + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_the_listener_answers_a_missing_form_token_and_a_big_recording_in_json(family):
    from web.speech import LISTEN_MAX_BYTES

    missing = family.post("/api/listen", data={"option": ["Tea", "Coffee"]})
    assert missing.status_code == 400 and missing.json == {"error": "That form could not be sent"}
    fields = [("option", "Tea"), ("csrf_token", csrf_token(family, "/family/"))]
    body, kind = _form(fields, b"\0" * LISTEN_MAX_BYTES)
    big = family.post("/api/listen", data=body, content_type=kind)
    assert big.status_code == 413 and big.json == {"error": "That file is too large"}
    # Thirty seconds of 48 kHz speech is well inside the limit: it is read, and answered for what it holds.
    samples = 30 * 48000 * 2
    header = b"RIFF" + (36 + samples).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
    header += b"\x01\x00\x01\x00" + (48000).to_bytes(4, "little") + (96000).to_bytes(4, "little") + b"\x02\x00\x10\x00"
    body, kind = _form(fields, header + b"data" + samples.to_bytes(4, "little") + b"\0" * samples)
    heard = family.post("/api/listen", data=body, content_type=kind)
    assert heard.status_code in (200, 400, 503) and "error" in heard.json or "choice" in heard.json


def test_speech_for_a_family_is_bounded_in_length_and_in_requests_a_minute(family):
    too_long = family.get("/speech", query_string={"text": "word " * 61})
    assert too_long.status_code == 400 and "300 at most" in too_long.json["error"]
    from web.speech import SPEECH_PER_MINUTE

    for _ in range(SPEECH_PER_MINUTE["family"]):
        family.get("/speech", query_string={"text": "Hello"}).close()
    refused = family.get("/speech", query_string={"text": "Hello"})
    assert refused.status_code == 429 and refused.json["error"].startswith("Too many requests")
    # A new session from the same card does not start a new count.
    family.post("/family/done", data={"csrf_token": csrf_token(family, "/family/")})


@pytest.mark.slow
def test_a_flood_of_family_speech_never_evicts_the_questions_prerendered_audio(app, family):
    from web.speech import speaker

    app.config["VISITOR_SPEECH_MB"] = 0.0001  # every new text evicts the one before it
    with app.app_context():
        question = speaker().render("What would you like for lunch on Friday?")
    for n in range(4):
        response = family.get("/speech", query_string={"text": f"Flood number {n}, a text nobody needs."})
        assert response.status_code == 200
        response.close()
    assert question.exists()
    assert len(list((question.parents[2] / "speech-cache-visitors").rglob("*.wav"))) == 1


# What the home keeps (finding 11) ---------------------------------------------------------------------------------

def test_the_home_archive_leaves_out_password_and_card_link_hashes_unless_it_is_for_moving(staff_client, db, home):
    import json

    with db.write() as s:
        family_links.issue(s, s.get(Person, home["family"]), s.get(Person, home["residents"][0]))
    kept = json.loads(staff_client.get("/staff/records/home.json").get_data(as_text=True))
    assert kept["left_out"].startswith("Staff password hashes and family card-link hashes are left out")
    assert {p["password_hash"] for p in kept["tables"]["person"]} == {None}
    assert {k["token_hash"] for k in kept["tables"]["family_link"]} == {None}
    assert "argon2" not in json.dumps(kept)
    moving = json.loads(staff_client.get("/staff/records/home.json?for=moving").get_data(as_text=True))
    assert "left_out" not in moving
    assert all(p["password_hash"].startswith("$argon2id$") for p in moving["tables"]["person"] if p["kind"] == "staff")
    assert "move the home to a new machine" in text(staff_client.get("/staff/records/"))


def test_the_data_folder_and_everything_in_it_are_the_service_users_alone(staff_client, data):
    import io
    import stat

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    from accessible import pictures

    pictures.save_photo(str(data), buffer.getvalue(), "pie.jpg", "A pie")
    modes = {p.relative_to(data): stat.S_IMODE(p.stat().st_mode) for p in [data, *data.rglob("*")]}
    # The database is a file here on SQLite; on PostgreSQL it lives in the database server's own folder.
    assert POSTGRES or any(str(p).startswith("accessible.sqlite") for p in modes)
    assert any("photos" in str(p) for p in modes)
    assert {p: m for p, m in modes.items() if m & 0o077} == {}
