"""Families add their voice from a card's link: no account, clean URLs, nothing beyond their own pages."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from accessible import family_links, responses, topics
from accessible.models import Comment, FamilyLink, Home, Person, Response, Topic
from tests.helpers import post, text


@pytest.fixture
def link(db, home):
    """Issue a link for Carys (Margaret's daughter) and return the raw token."""
    with db.write() as s:
        carys, margaret = s.get(Person, home["family"]), s.get(Person, home["residents"][0])
        return family_links.issue(s, carys, margaret)[1]


@pytest.fixture
def family_client(client, link):
    response = client.get(f"/f/{link}")
    assert response.status_code == 303
    return client


def test_only_a_hash_of_the_token_is_stored(db, link):
    assert len(link) >= 22  # 128 bits or more in URL-safe base64
    with db.read() as s:
        stored = s.scalars(select(FamilyLink)).one()
        assert stored.token_hash == family_links.token_hash(link)
        row = [str(v) for v in s.execute(select(FamilyLink.__table__)).one()]
        assert not any(link in v for v in row)


def test_opening_a_link_redirects_to_an_address_without_the_token(client, link):
    response = client.get(f"/f/{link}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/family/"
    assert link not in response.headers["Location"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = client.get("/family/")
    assert page.status_code == 200
    assert link not in page.get_data(as_text=True)


def test_the_family_page_shows_first_names_and_open_topics_only(family_client, menu, db, home):
    with db.write() as s:
        topics.create_topic(s, s.get(Home, home["home"]), "Not yet", "A draft nobody sees yet?", options=["A", "B"])
    page = text(family_client.get("/family/"))
    assert "Hello Carys" in page
    assert "What would you like for Friday lunch next week?" in page
    assert "A draft nobody sees yet?" not in page
    assert "Margaret Evans" not in page and "room" not in page.lower()


def test_own_view_and_guess_are_counted_apart(family_client, menu, db):
    url = f"/family/topics/{menu}"
    with db.read() as s:
        fish, cawl = [o.id for o in s.get(Topic, menu).options[:2]]
    page = text(family_client.get(url))
    assert "What would Peggy choose?" in page or "What would Margaret choose?" in page
    assert "never counted as" in page
    post(family_client, url, {"own-option": fish}, form_url=url)
    response = post(family_client, url, {"proxy-option": cawl}, form_url=url)
    assert response.status_code == 302
    with db.read() as s:
        tally = responses.tally(s, s.get(Topic, menu))
        assert dict(tally.group("family").rows)["Fish pie"] == 1
        assert dict(tally.group("supported").rows)["Shepherd's pie"] == 1
        assert sum(n for _, n in tally.group("resident").rows) == 0  # never the resident's own voice
        guess = s.scalars(select(Response).where(Response.on_behalf_of_id.is_not(None))).one()
        assert guess.channel == "family-web"


def test_sending_an_empty_page_says_nothing_was_sent(family_client, menu, db):
    url = f"/family/topics/{menu}"
    response = post(family_client, url, {}, form_url=url)
    assert response.status_code == 400
    assert "Nothing was sent: choose an answer or write something first." in text(response)


def test_view_guess_and_comment_go_together_with_one_send(family_client, menu, db):
    url = f"/family/topics/{menu}"
    with db.read() as s:
        fish, cawl = [o.id for o in s.get(Topic, menu).options[:2]]
    html = family_client.get(url).get_data(as_text=True)
    assert len(re.findall(r'<button type="submit"', text_of_form(html))) == 1  # one send for the whole topic
    response = post(family_client, url, {"own-option": fish, "proxy-option": cawl, "text": "Mum loves fish."},
                    form_url=url)
    assert response.status_code == 302
    page = text(family_client.get(url))
    assert "Thank you. Your view has been recorded. Your guess has been recorded" in page
    assert "Staff will read your comment before it is shared." in page
    with db.read() as s:
        answers = s.scalars(select(Response).where(Response.topic_id == menu)).all()
        assert {(r.option_id, r.on_behalf_of_id is not None) for r in answers} == {(fish, False), (cawl, True)}
        assert s.scalars(select(Comment.text)).one() == "Mum loves fish."


def test_a_problem_in_one_part_keeps_every_part_and_saves_nothing_half_done(family_client, menu, db):
    url = f"/family/topics/{menu}"
    with db.read() as s:
        fish = s.get(Topic, menu).options[0].id
    too_long = "Mum would like fish. " * 100
    response = post(family_client, url, {"own-option": fish, "proxy-option": "999999", "text": too_long},
                    form_url=url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose one of the options." in text_of(_section(html, "proxy-h"))
    assert "A comment can be 2000 characters at most." in text_of(_section(html, "comment-h"))
    assert re.search(rf'name="own-option" value="{fish}" checked', html)  # her view is still ticked
    assert too_long.strip()[:200] in html  # and her comment still typed
    with db.read() as s:
        assert s.scalars(select(Response)).all() == [] and s.scalars(select(Comment)).all() == []


def text_of_form(html):
    """Return the HTML of the family page's one form (not the language and finish buttons above it)."""
    return re.search(r'<form method="post" action="/family/topics/.*?</form>', html, flags=re.S).group(0)


def test_comments_wait_for_staff_review(family_client, menu, db, app, home):
    url = f"/family/topics/{menu}"
    post(family_client, url, {"text": "Mum loves fish on Fridays."}, form_url=url)
    assert "Waiting for staff to read it." in text(family_client.get(url))
    staff = app.test_client()
    post(staff, "/login", {"username": "sam", "password": "a good long password"})
    page = text(staff.get("/staff/comments"))
    assert "Mum loves fish on Fridays." in page
    assert "Carys Evans (daughter of Margaret Evans): 1 topic" in page
    with db.read() as s:
        comment_id = s.scalars(select(Comment.id)).one()
    post(staff, f"/staff/comments/{comment_id}", {"decision": "approve"}, form_url="/staff/comments")
    with db.read() as s:
        assert s.get(Comment, comment_id).status == "approved"
    assert "Waiting for staff" not in text(family_client.get(url))


def test_a_family_idea_waits_for_review(family_client, db, home):
    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), "redecorate")
        topics.move_to(s, topic, "ideas")
        topic_id = topic.id
    url = f"/family/topics/{topic_id}"
    post(family_client, url, {"label": "Family photos on the walls"}, form_url=url)
    with db.read() as s:
        idea = [o for o in s.get(Topic, topic_id).options if o.label == "Family photos on the walls"][0]
        assert (idea.status, idea.proposed_by_id) == ("pending", home["family"])


def test_an_expired_link_says_so_kindly_and_whom_to_ask(client, db, link):
    with db.write() as s:
        s.scalars(select(FamilyLink)).one().expires_at = family_links.utcnow() - timedelta(minutes=1)
    response = client.get(f"/f/{link}")
    assert response.status_code == 410
    page = text(response)
    assert "expired" in page and "ask the staff at Ty Test for a new card" in page


def test_a_revoked_link_reveals_nothing(client, db, link, home):
    with db.write() as s:
        family_links.revoke(s, s.scalars(select(FamilyLink)).one())
    revoked = client.get(f"/f/{link}")
    made_up = client.get("/f/" + "A" * 43)
    assert revoked.status_code == made_up.status_code == 404
    assert text(revoked) == text(made_up)
    assert "Ty Test" not in text(revoked) and "Carys" not in text(revoked)


def test_revoking_ends_a_session_already_open(family_client, db, menu):
    assert family_client.get("/family/").status_code == 200
    with db.write() as s:
        family_links.revoke(s, s.scalars(select(FamilyLink)).one())
    assert family_client.get("/family/").status_code == 401


def test_revoking_one_link_leaves_the_others(client, db, home):
    with db.write() as s:
        carys, margaret = s.get(Person, home["family"]), s.get(Person, home["residents"][0])
        first, token1 = family_links.issue(s, carys, margaret)
        _, token2 = family_links.issue(s, carys, margaret)
        family_links.revoke(s, first)
    assert client.get(f"/f/{token1}").status_code == 404
    assert client.get(f"/f/{token2}").status_code == 303


def test_guessing_tokens_is_rate_limited(client, link):
    from web.family import token_limiter

    token_limiter.reset("127.0.0.1")
    for n in range(10):
        assert client.get(f"/f/guess{n:040d}").status_code == 404
    assert client.get(f"/f/{link}").status_code == 429  # even the right token waits now
    token_limiter.reset("127.0.0.1")
    assert client.get(f"/f/{link}").status_code == 303


def test_family_forms_need_their_csrf_token(family_client, menu, db):
    response = family_client.post(f"/family/topics/{menu}", data={"text": "forged"})
    assert response.status_code == 400
    with db.read() as s:
        assert s.scalars(select(Comment)).all() == []


def test_a_family_session_reaches_only_its_own_pages(app, family_client, db, home, menu):
    with db.write() as s:
        h = s.get(Home, home["home"])
        dafydd = s.get(Person, home["residents"][1])
        private = topics.create_from_template(s, h, "care-goal", resident=dafydd)
        topics.move_to(s, private, "choosing")
        private_id = private.id
    assert family_client.get(f"/family/topics/{private_id}").status_code == 404
    # Walk every GET route of the app with made-up ids: nothing but the family's own pages and public files.
    allowed = {"family.start", "family.topic", "static", "pictures.symbol", "auth.login", "family.open_link",
               "speech.speak", "family.by_code"}
    # The kiosk's neutral start screen is all a family session gets there: no resident's data.
    assert "A member of staff will help you start." in text(family_client.get("/kiosk/"))
    allowed.add("kiosk.home")
    # So is the kiosk's "Your last answer was not saved" screen, the same for everyone, and its words spoken.
    said = text(family_client.get("/kiosk/not-saved"))
    assert "Your last answer was not saved." in said and "Dafydd" not in said and "Carys" not in said
    allowed.update({"kiosk.not_saved", "kiosk.not_saved_speech"})
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in allowed:
            continue
        url = re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule)
        response = family_client.get(url)
        assert response.status_code in (302, 401, 404), f"{url} answered {response.status_code}"
        if response.status_code == 302:
            assert response.headers["Location"].startswith(("/login", "/kiosk/")) or rule.endpoint == "index"


def test_staff_issue_and_revoke_links_from_the_resident_page(staff_client, home, db, client):
    url = f"/staff/residents/{home['residents'][0]}"
    response = post(staff_client, f"{url}/family-links", {"family": home["family"]}, form_url=url)
    assert response.status_code == 200
    token = re.search(r"/f/([A-Za-z0-9_-]+)", response.get_data(as_text=True)).group(1)
    assert "Works until" in text(staff_client.get(url))
    with db.read() as s:
        link_id = s.scalars(select(FamilyLink.id)).one()
    post(staff_client, f"{url}/family-links/{link_id}/revoke", {}, form_url=url)
    assert "Revoked" in text(staff_client.get(url))
    assert client.get(f"/f/{token}").status_code == 404


def test_the_family_page_tells_what_was_decided(family_client, db, home, menu):
    with db.write() as s:
        topic = s.get(Topic, menu)
        topics.decide(s, topic, "Fish pie every Friday from next week.", reason="Most people chose it.",
                      option=topic.options[0], actor=s.get(Person, home["staff"]))
    page = text(family_client.get(f"/family/topics/{menu}"))
    assert "You said, we did Fish pie every Friday from next week. Why: Most people chose it." in page
    assert "Decided" in text(family_client.get("/family/"))


def _topic_from(db, home, key, stage="choosing"):
    """Create a topic from a template, move it to *stage*, and return its id."""
    with db.write() as s:
        topic = topics.create_from_template(s, s.get(Home, home["home"]), key)
        topics.move_to(s, topic, "ideas" if stage == "ideas" else "choosing")
        if stage in ("decided", "reviewed"):
            topics.decide(s, topic, "Fish pie every Friday.", option=topic.options[0])
        if stage == "reviewed":
            topics.move_to(s, topic, "reviewed")
        return topic.id


def _section(html, heading_id):
    """Return the HTML of the page's section labelled by *heading_id*."""
    return re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', html, flags=re.S).group(0)


def test_a_comment_the_browser_accepts_is_kept_with_its_line_breaks(family_client, menu, db):
    url = f"/family/topics/{menu}"
    typed = ("a" * 99 + "\r\n") * 20  # 2000 characters as the browser counts them, 2020 as sent
    response = post(family_client, url, {"text": typed}, form_url=url)
    assert response.status_code == 302
    assert "Waiting for staff to read it." in text(family_client.get(url))
    with db.read() as s:
        assert s.scalars(select(Comment.text)).one() == typed.replace("\r\n", "\n").strip()


def test_after_an_error_the_comment_and_idea_boxes_keep_what_was_typed(family_client, db, home):
    topic_id = _topic_from(db, home, "redecorate", stage="ideas")
    url = f"/family/topics/{topic_id}"
    long_comment = "Mum would like the lounge bright. " * 60
    response = post(family_client, url, {"text": long_comment}, form_url=url)
    assert response.status_code == 400
    assert "A comment can be 2000 characters at most." in text(response)
    assert re.search(r'<textarea id="comment"[^>]*>' + re.escape(long_comment.strip()), response.get_data(as_text=True))
    post(family_client, url, {"label": "Family photos on the walls"}, form_url=url)
    response = post(family_client, url, {"label": "Family photos on the walls"}, form_url=url)
    assert response.status_code == 400
    assert re.search(r'<input id="idea"[^>]*value="Family photos on the walls"', response.get_data(as_text=True))


def test_the_comment_hint_says_who_will_see_it_and_others_comments_are_apart(family_client, menu, db, home):
    from accessible import comments, people

    with db.write() as s:
        h, margaret = s.get(Home, home["home"]), s.get(Person, home["residents"][0])
        son = people.add_family(s, h, "Gareth Evans", relation="son", residents=[margaret])
        theirs = comments.add(s, s.get(Topic, menu), son, "Please keep the fish pie on Fridays.")
        comments.moderate(s, theirs, True, s.get(Person, home["staff"]))
    url = f"/family/topics/{menu}"
    post(family_client, url, {"text": "Mum loves fish on Fridays."}, form_url=url)
    html = family_client.get(url).get_data(as_text=True)
    page = text(family_client.get(url))
    assert "Once staff approve it, other families and staff will see your comment." in page
    others = text_of(_section(html, "others-h"))
    assert others.startswith("What other families and staff said")
    assert "Please keep the fish pie on Fridays." in others and "Mum loves fish" not in others
    assert "Gareth" not in page
    add = text_of(_section(html, "comment-h"))
    assert "Mum loves fish on Fridays. Waiting for staff to read it." in add
    assert "Please keep the fish pie" not in add


def text_of(html):
    """Return what a person reads in a piece of HTML."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").replace("&amp;", "&").split())


def test_a_returning_relative_sees_their_answer_and_guess(family_client, menu, db):
    url = f"/family/topics/{menu}"
    with db.read() as s:
        fish, shepherds = [o.id for o in s.get(Topic, menu).options[:2]]
    post(family_client, url, {"own-option": fish}, form_url=url)
    post(family_client, url, {"proxy-option": shepherds}, form_url=url)
    html = family_client.get(url).get_data(as_text=True)
    assert "Your answer now: Fish pie" in text_of(_section(html, "own-h"))
    assert "Your guess now: Shepherd's pie" in text_of(_section(html, "proxy-h"))
    assert re.search(rf'name="own-option" value="{fish}" checked', html)
    assert re.search(rf'name="proxy-option" value="{shepherds}" checked', html)
    assert len(re.findall(r"checked", html)) == 2


def test_a_returning_relative_sees_their_ratings(family_client, db, home):
    topic_id = _topic_from(db, home, "activities")
    url = f"/family/topics/{topic_id}"
    with db.read() as s:
        gardening, singing = [o.id for o in s.get(Topic, topic_id).options[:2]]
    post(family_client, url, {f"own-rating-{gardening}": "like", f"own-rating-{singing}": "dislike"},
         form_url=url)
    html = family_client.get(url).get_data(as_text=True)
    assert "Your answer now: Gardening: Like. Singing: Don't like." in text_of(_section(html, "own-h"))
    assert re.search(rf'name="own-rating-{gardening}" value="like" checked', html)
    assert re.search(rf'name="own-rating-{singing}" value="dislike" checked', html)


def test_an_error_shows_only_under_the_part_it_is_about(family_client, menu):
    url = f"/family/topics/{menu}"
    response = post(family_client, url, {"own-option": "999999"}, form_url=url)
    html = response.get_data(as_text=True)
    assert "Choose one of the options." in text_of(_section(html, "own-h"))
    assert "Choose one of the options." not in text_of(_section(html, "proxy-h"))
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    response = post(family_client, url, {"proxy-option": "999999"}, form_url=url)
    html = response.get_data(as_text=True)
    assert "Choose one of the options." in text_of(_section(html, "proxy-h"))
    assert "Choose one of the options." not in text_of(_section(html, "own-h"))


def test_a_reviewed_topic_asks_how_it_is_going(family_client, db, home):
    topic_id = _topic_from(db, home, "menu", stage="reviewed")
    html = family_client.get(f"/family/topics/{topic_id}").get_data(as_text=True)
    assert re.search(r"<h1[^>]*>How is it going\?</h1>", html)
    page = text_of(html)
    assert "We asked: What would you like for Friday lunch next week?" in page
    assert "You said, we did Fish pie every Friday." in page
    own = text_of(_section(html, "own-h"))
    assert own.startswith("Your own view How is it going? Like Not sure Don't like")


def test_an_answer_sent_after_the_card_was_revoked_is_not_saved_and_says_so(family_client, menu, db):
    from tests.helpers import csrf_token

    url = f"/family/topics/{menu}"
    token = csrf_token(family_client, url)
    with db.write() as s:
        fish = s.get(Topic, menu).options[0].id
        family_links.revoke(s, s.scalars(select(FamilyLink)).one())
    response = family_client.post(url, data={"own-option": fish, "csrf_token": token})
    assert response.status_code == 401
    page = text(response)
    assert "What you sent was not saved." in page
    assert "This card no longer works" in page and "ask the staff at Ty Test for a new card" in page
    assert "no longer works" in text(family_client.get("/family/"))  # and still on the next page
    with db.read() as s:
        assert s.scalars(select(Response)).all() == []


def test_an_answer_sent_after_the_session_ended_is_not_saved_and_says_so(family_client, menu, db, monkeypatch):
    from tests.helpers import csrf_token
    from web import family

    url = f"/family/topics/{menu}"
    token = csrf_token(family_client, url)
    monkeypatch.setattr(family, "FAMILY_SESSION", timedelta(seconds=-1))
    response = family_client.post(url, data={"text": "Mum loves fish.", "csrf_token": token})
    assert response.status_code == 401
    page = text(response)
    assert "What you sent was not saved." in page and "Please scan the card again" in page
    assert "What you sent was not saved." not in text(family_client.get("/family/"))


def test_a_family_members_own_ideas_wait_for_staff_and_are_not_sent_twice(family_client, db, home):
    topic_id = _topic_from(db, home, "redecorate", stage="ideas")
    url = f"/family/topics/{topic_id}"
    response = post(family_client, url, {"label": "  "}, form_url=url)
    assert response.status_code == 400
    assert "Nothing was sent" in text(response) and "option's words" not in text(response)
    post(family_client, url, {"label": "Family photos on the walls"}, form_url=url)
    html = family_client.get(url).get_data(as_text=True)
    assert "Family photos on the walls Waiting for staff to look at it." in text_of(_section(html, "idea-h"))
    response = post(family_client, url, {"label": "family photos on the walls"}, form_url=url)
    assert response.status_code == 400
    assert "You have suggested this already; staff will look at it." in text(response)
    assert "is an option already" not in text(response)
    with db.read() as s:
        assert [o.label for o in s.get(Topic, topic_id).options].count("Family photos on the walls") == 1


def test_staff_still_hear_an_idea_is_an_option_already(db, home):
    from accessible.errors import Invalid

    topic_id = _topic_from(db, home, "redecorate", stage="ideas")
    with db.write() as s:
        topic, staff = s.get(Topic, topic_id), s.get(Person, home["staff"])
        label = topic.options[0].label
        with pytest.raises(Invalid) as e:
            topics.propose_idea(s, topic, label, staff)
        assert e.value.problems == {"label": f"{label} is an option already."}


def test_a_guess_on_a_rating_topic_asks_how_the_relative_would_feel(family_client, db, home):
    topic_id = _topic_from(db, home, "activities")
    html = family_client.get(f"/family/topics/{topic_id}").get_data(as_text=True)
    proxy = text_of(_section(html, "proxy-h"))
    assert "How do you think Peggy would feel about each?" in proxy or \
           "How do you think Margaret would feel about each?" in proxy
    assert "would choose Gardening" not in proxy


def _to_welsh(client, url):
    post(client, "/family/language", {"lang": "cy", "back": url}, form_url=url)


def test_welsh_family_pages_translate_what_reaches_them(family_client, db, home, menu):
    ideas = _topic_from(db, home, "redecorate", stage="ideas")
    url = f"/family/topics/{ideas}"
    _to_welsh(family_client, url)
    html = family_client.get(url).get_data(as_text=True)
    assert re.search(r'<h1 lang="en">What colour should we paint the lounge\?</h1>', html)
    assert "<title lang=\"en\">" in html
    assert re.search(r'<span lang="en">[^<]+</span>', html)  # the option cards' English labels
    assert "Once staff approve it" not in text_of(html)
    response = post(family_client, url, {"label": ""}, form_url=url)
    assert "Chafodd dim byd ei anfon: dewiswch ateb neu ysgrifennwch rywbeth yn gyntaf." in text(response)
    with db.read() as s:
        label = s.get(Topic, ideas).options[0].label
    response = post(family_client, url, {"label": label}, form_url=url)
    assert f"Mae {label} yn ddewis yn barod." in text(response)
    response = post(family_client, url, {"text": "x" * 2001}, form_url=url)
    assert "Gall sylw fod yn 2000 nod ar y mwyaf." in text(response)
    response = post(family_client, url, {"own-value": "yes"}, form_url=url)
    assert "Dydy'r pwnc hwn ddim yn gofyn am atebion ar hyn o bryd." in text(response)
    reviewed = _topic_from(db, home, "menu", stage="reviewed")
    response = post(family_client, f"/family/topics/{reviewed}", {"proxy-value": "like"},
                    form_url=f"/family/topics/{reviewed}")
    assert "Dydy'r pwnc hwn ddim yn gofyn am ddewisiadau nawr." in text(response)


def test_a_welsh_speaker_keeps_welsh_after_finishing_and_scanning_again(family_client, link, menu):
    _to_welsh(family_client, "/family/")
    response = post(family_client, "/family/done", {}, form_url="/family/")
    assert "Diolch" in text(response)
    family_client.get(f"/f/{link}")
    assert "Helo Carys" in text(family_client.get("/family/"))


def test_a_relative_who_cannot_scan_types_the_short_code_from_the_card(client, db, home, data):
    from tests.helpers import csrf_token
    from web.family import token_limiter

    with db.write() as s:
        carys, margaret = s.get(Person, home["family"]), s.get(Person, home["residents"][0])
        link, _token = family_links.card_link(s, carys, margaret, data)
        code = family_links.card_code(data, link)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    token_limiter.reset("127.0.0.1")
    page = text(client.get("/c"))
    assert "Type the code from your card" in page
    response = client.post("/c", data={"code": "ABCD-EFGH", "csrf_token": csrf_token(client, "/c")})
    assert response.status_code == 404 and "That code does not open anything." in text(response)
    typed = code.lower().replace("-", " ")  # as a relative might type it
    response = client.post("/c", data={"code": typed, "csrf_token": csrf_token(client, "/c")})
    assert response.status_code == 303 and response.headers["Location"] == "/family/"
    assert "Hello Carys" in text(client.get("/family/"))
    for _ in range(10):
        client.post("/c", data={"code": "ABCD-EFGH", "csrf_token": csrf_token(client, "/c")})
    response = client.post("/c", data={"code": code, "csrf_token": csrf_token(client, "/c")})
    assert response.status_code == 429  # wrong codes are limited like wrong links
    token_limiter.reset("127.0.0.1")
