"""Staff pages in Welsh: the switch on every page, the choice kept on the account, no English left behind."""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from accessible import family_links, people, topics
from accessible.demo import DEMO_PASSWORD, create_demo
from accessible.models import Comment, Home, Option, Person, Topic
from tests.helpers import PASSWORD, post, text

#: Words that read the same in both languages, or are names of things rather than sentences.
SAME_IN_BOTH = {"CSV (spreadsheet)", "JSON", "PDF", "OpenMoji", "Cymraeg", "English"}


class _Texts(HTMLParser):
    """Collect what a person reads on a page, piece by piece: text between tags and the words in attributes
    read aloud or shown (alt, aria-label, placeholder, title), leaving out scripts, styles, code and words
    marked as another language."""

    SKIP = {"script", "style", "code"}
    VOID = {"input", "img", "br", "meta", "link", "hr", "source", "rect"}

    def __init__(self):
        super().__init__()
        self.pieces, self._skipping, self._open = [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # Words marked as another language (lang="…" inside the page) are meant to be in that language.
        skip = tag in self.SKIP or (tag != "html" and "lang" in attrs)
        if tag not in self.VOID:
            self._open.append(skip)
            self._skipping += skip
        if skip or self._skipping:
            return
        for name in ("alt", "aria-label", "placeholder", "title"):
            if attrs.get(name):
                self.pieces.append(attrs[name])

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._open:
            self._skipping -= self._open.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.pieces.append(" ".join(data.split()))


def _pieces(html):
    parser = _Texts()
    parser.feed(html)
    return parser.pieces


def _sentences(html):
    """Return the English-looking pieces of a page: at least two words of letters; a bar's label cut short
    ("A quiet corner with a bir…: 0") as its words."""
    pieces = (re.sub(r"…: \d+$", "", p) for p in _pieces(html))
    return {p for p in pieces if len(re.findall(r"[A-Za-z]{2,}", p)) >= 2}


@pytest.fixture
def demo_client(app):
    """A client signed in as the demo home's manager (the demo has topics at every stage, paper, comments)."""
    db = app.extensions["db"]
    with db.write() as s:
        create_demo(s)
    client = app.test_client()
    assert post(client, "/login", {"username": "manager", "password": DEMO_PASSWORD}).status_code == 302
    return client


def _data_words(db):
    """Return what the home itself wrote (names, titles, questions, options, decisions): these stay as written."""
    with db.read() as s:
        words = set()
        for p in s.scalars(select(Person)):
            words |= {p.name, p.called, p.relation or "", p.room or ""}
        for t in s.scalars(select(Topic)):
            words |= {t.title, t.question}
            if t.outcome:
                words |= {t.outcome.decision, t.outcome.reason or ""}
        for o in s.scalars(select(Option)):
            words |= {o.label, o.spoken_text or "", o.picture_alt or ""}
        words |= {c.text for c in s.scalars(select(Comment))}
        words |= {h.name for h in s.scalars(select(Home))}
    return {w for w in words if w}


def _staff_pages(db):
    with db.read() as s:
        menu = s.scalars(select(Topic.id).where(Topic.title == "Next week's menu")).one()
        resident = s.scalars(select(Person.id).where(Person.kind == "resident")).first()
        every_topic = list(s.scalars(select(Topic.id)))
    return ["/staff/", "/staff/topics", "/staff/topics?archived=1", "/staff/topics/new", "/staff/residents",
            "/staff/residents/new", f"/staff/residents/{resident}", f"/staff/residents/{resident}/said",
            "/staff/family/new", "/staff/comments", "/staff/paper", "/staff/records/", "/staff/accounts",
            "/staff/password", "/staff/address", f"/staff/topics/{menu}/results", f"/staff/topics/{menu}/new-cards",
            *[f"/staff/topics/{t}" for t in every_topic]]


def _switch(client, lang, back="/staff/"):
    response = post(client, "/language", {"lang": lang, "back": back}, form_url=back)
    assert response.status_code == 303


def test_no_staff_page_keeps_an_english_sentence_in_welsh(demo_client, app):
    db = app.extensions["db"]
    pages = _staff_pages(db)
    english = {url: demo_client.get(url).get_data(as_text=True) for url in pages}
    _switch(demo_client, "cy")
    data = _data_words(db)
    left = {}
    for url in pages:
        response = demo_client.get(url)
        assert response.status_code == 200, url
        welsh = response.get_data(as_text=True)
        assert '<html lang="cy">' in welsh, url
        kept = _sentences(english[url]) & _sentences(welsh)
        # What the home wrote itself (names, titles, options) stays as written.
        kept = {k for k in kept if k not in SAME_IN_BOTH and not any(d in k or k in d for d in data)}
        if kept:
            left[url] = sorted(kept)
    assert left == {}, "\n".join(f"{u}: {v}" for u, v in left.items())


def test_the_managers_only_page_and_a_missing_page_are_welsh(app, home):
    client = app.test_client()
    post(client, "/login", {"username": "priya", "password": PASSWORD})
    _switch(client, "cy")
    forbidden = client.get("/staff/records/")
    assert forbidden.status_code == 403
    assert "Mae'r dudalen hon ar gyfer rheolwyr" in text(forbidden)
    missing = client.get("/staff/topics/999")
    assert missing.status_code == 404 and '<html lang="cy">' in missing.get_data(as_text=True)
    assert "Does dim pwnc â'r rhif 999." in text(missing)


def test_the_switch_is_on_every_staff_page_and_a_get_changes_nothing(staff_client):
    for url in ("/staff/", "/staff/topics", "/staff/residents", "/staff/paper", "/staff/password"):
        html = staff_client.get(url).get_data(as_text=True)
        assert re.search(r'<form method="post" action="/language"', html), url
        assert '<button type="submit" name="lang" value="cy" class="link" lang="cy">Cymraeg</button>' in html
    assert staff_client.get("/language").status_code == 405
    assert '<html lang="en">' in staff_client.get("/staff/").get_data(as_text=True)


def test_the_choice_follows_the_member_of_staff_to_another_device(app, staff_client, home):
    _switch(staff_client, "cy", back="/staff/topics")
    page = text(staff_client.get("/staff/topics"))
    assert "Pynciau" in page and "Dechrau pwnc" in page
    with app.extensions["db"].read() as s:
        assert s.get(Person, home["staff"]).language == "cy"
    post(staff_client, "/logout", {}, form_url="/staff/")
    # Another device: nothing chosen there, yet the pages are Welsh once Sam signs in.
    other = app.test_client()
    assert '<html lang="en">' in other.get("/login").get_data(as_text=True)
    response = post(other, "/login", {"username": "sam", "password": PASSWORD})
    assert response.status_code == 302
    overview = other.get("/staff/").get_data(as_text=True)
    assert '<html lang="cy">' in overview
    assert "Wedi mewngofnodi fel Sam Patel." in overview
    assert '<button type="submit" name="lang" value="en" class="link" lang="en">English</button>' in overview
    # Priya chose nothing: her pages stay English on the same server.
    third = app.test_client()
    post(third, "/login", {"username": "priya", "password": PASSWORD})
    assert '<html lang="en">' in third.get("/staff/").get_data(as_text=True)
    # Back to English, from the Welsh page, is kept too.
    _switch(other, "en")
    with app.extensions["db"].read() as s:
        assert s.get(Person, home["staff"]).language == "en"


def test_welsh_chosen_on_the_sign_in_page_is_kept_on_the_account(app, client, home):
    _switch(client, "cy", back="/login")
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="cy">' in page and "Mewngofnodi staff" in page
    response = post(client, "/login", {"username": "priya", "password": PASSWORD})
    assert response.status_code == 302
    with app.extensions["db"].read() as s:
        assert s.get(Person, home["helper"]).language == "cy"
    wrong = post(client, "/login", {"username": "priya", "password": "not-her-password"}, form_url="/login")
    assert "Dydy'r enw defnyddiwr a'r cyfrinair ddim yn cyfateb." in text(wrong)


def _home_speaks(app, home, lang):
    with app.extensions["db"].write() as s:
        s.get(Home, home["home"]).language = lang


def test_staff_who_chose_nothing_get_the_homes_welsh_and_keep_english_once_they_press_it(app, client, home):
    _home_speaks(app, home, "cy")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.9"  # the device's default, as nearly everywhere
    # Nobody has to ask for Welsh: the sign-in page and Priya's pages (she chose nothing) are Welsh.
    assert '<html lang="cy">' in client.get("/login").get_data(as_text=True)
    post(client, "/login", {"username": "priya", "password": PASSWORD})
    overview = client.get("/staff/").get_data(as_text=True)
    assert '<html lang="cy">' in overview and "Wedi mewngofnodi fel Priya Shah." in overview
    with app.extensions["db"].read() as s:
        assert s.get(Person, home["helper"]).language is None  # nothing chosen for her
    # She reads English: one press, kept on her account, so every device follows it.
    _switch(client, "en")
    other = app.test_client()
    post(other, "/login", {"username": "priya", "password": PASSWORD})
    assert '<html lang="en">' in other.get("/staff/").get_data(as_text=True)


def test_a_browser_set_to_welsh_gets_welsh_staff_pages_in_an_english_home(app, client, home):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "cy,en-GB;q=0.8"
    assert '<html lang="cy">' in client.get("/login").get_data(as_text=True)
    post(client, "/login", {"username": "priya", "password": PASSWORD})
    assert '<html lang="cy">' in client.get("/staff/").get_data(as_text=True)
    # A browser asking for neither language gets the home's.
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,fr"
    _home_speaks(app, home, "cy")
    assert '<html lang="cy">' in other.get("/login").get_data(as_text=True)


def test_a_group_of_homes_signs_in_in_the_browsers_language_then_each_member_gets_their_homes(app, client, home):
    with app.extensions["db"].write() as s:
        cartref = people.create_home(s, "Cartref Arall", "cy")
        people.add_staff(s, cartref, "elin", PASSWORD, name="Elin Rhys")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en"
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)  # which home is not known yet
    post(client, "/login", {"username": "elin", "password": PASSWORD})
    assert '<html lang="cy">' in client.get("/staff/").get_data(as_text=True)


def test_the_switch_goes_back_only_to_a_page_of_this_server(staff_client):
    response = post(staff_client, "/language", {"lang": "cy", "back": "//evil.example/"}, form_url="/staff/")
    assert response.headers["Location"] == "/"
    response = post(staff_client, "/language", {"lang": "xx", "back": "/staff/topics"}, form_url="/staff/")
    assert response.headers["Location"] == "/staff/topics"
    assert '<html lang="en">' in staff_client.get("/staff/topics").get_data(as_text=True)


def test_flash_messages_and_form_problems_are_welsh(app, staff_client, home):
    _switch(staff_client, "cy")
    response = post(staff_client, "/staff/residents/new", {"name": "Gwen Morgan", "text_size": "18",
                                                           "contrast": "standard", "picture_style": "symbols",
                                                           "options_per_screen": "4", "speech_rate": "150",
                                                           "input_modes": "touch"})
    assert response.status_code == 302
    assert "Mae Gwen Morgan wedi'i ychwanegu." in text(staff_client.get(response.headers["Location"]))
    problem = post(staff_client, "/staff/password", {"password": "wrong", "new_password": "x" * 12,
                                                     "repeat": "x" * 12})
    assert "Nid dyna'ch cyfrinair presennol." in text(problem)


def test_the_paper_upload_messages_are_welsh(staff_client):
    _switch(staff_client, "cy")
    html = staff_client.get("/staff/paper").get_data(as_text=True)
    # What the upload script says while it works comes with the form, in the page's language.
    assert 'data-say-reading="Yn darllen tudalen {n} o {total}"' in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = staff_client.post("/staff/paper/uploads", data={"csrf_token": token},
                                 headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "Dewiswch y lluniau neu'r sganiau o'r ffurflenni wedi'u llenwi yn gyntaf."


# The family page: the relative's own choice, then the phone's language, then the home's.

def _family_link(app, home):
    with app.extensions["db"].write() as s:
        family = s.get(Person, home["family"])
        return family_links.issue(s, family, family.residents[0])[1]


def test_the_family_page_follows_the_browser_language_without_asking(app, client, home):
    token = _family_link(app, home)
    response = client.get(f"/f/{token}", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert response.status_code == 303
    page = client.get("/family/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    html = page.get_data(as_text=True)
    assert '<html lang="cy">' in html
    assert '<button type="submit" name="lang" value="en" class="secondary" lang="en">English</button>' in html
    # A browser asking for English in the same (English) home gets English, and a code typed by hand too.
    other = app.test_client()
    other.get(f"/f/{token}", headers={"Accept-Language": "en-GB,en"})
    assert '<html lang="en">' in other.get("/family/").get_data(as_text=True)
    by_code = app.test_client().get("/c", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert '<html lang="cy">' in by_code


def test_a_welsh_homes_family_page_follows_the_phone_and_falls_back_on_the_home(app, client, home):
    # The issue's order for a relative: their choice, then their phone's language, then the home's.
    _home_speaks(app, home, "cy")
    token = _family_link(app, home)
    client.get(f"/f/{token}", headers={"Accept-Language": "en-GB,en"})
    html = client.get("/family/", headers={"Accept-Language": "en-GB,en"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '<button type="submit" name="lang" value="cy" class="secondary" lang="cy">Cymraeg</button>' in html
    # A phone that says no language gets the home's Welsh, and so does the page for typing a card's code.
    silent = app.test_client()
    silent.get(f"/f/{token}")
    assert '<html lang="cy">' in silent.get("/family/").get_data(as_text=True)
    assert '<html lang="cy">' in app.test_client().get("/c").get_data(as_text=True)
    assert '<html lang="en">' in app.test_client().get("/c", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_relatives_own_choice_beats_their_browser_and_follows_them(app, client, home):
    token = _family_link(app, home)
    client.get(f"/f/{token}", headers={"Accept-Language": "en-GB"})
    assert '<html lang="en">' in client.get("/family/").get_data(as_text=True)
    post(client, "/family/language", {"lang": "cy", "back": "/family/"}, form_url="/family/")
    with app.extensions["db"].read() as s:
        assert s.get(Person, home["family"]).language == "cy"
    # On another phone that asks for English, the card opens in the Welsh the relative chose.
    phone = app.test_client()
    phone.get(f"/f/{token}", headers={"Accept-Language": "en-GB,en"})
    page = phone.get("/family/", headers={"Accept-Language": "en-GB,en"}).get_data(as_text=True)
    assert '<html lang="cy">' in page


def test_a_topic_page_in_welsh_marks_the_english_words_of_the_home(app, staff_client, home):
    with app.extensions["db"].write() as s:
        topic = topics.create_topic(s, s.get(Person, home["staff"]).home, "Garden", "What should we plant?",
                                    options=["Roses", "Beans"])
        topic_id = topic.id
    _switch(staff_client, "cy")
    html = staff_client.get(f"/staff/topics/{topic_id}").get_data(as_text=True)
    assert '<html lang="cy">' in html
    assert "Y cam nesaf" in html and "Dewisiadau" in html
    assert '<title lang="en">Garden · accessible</title>' in html
    assert '<h1 lang="en">Garden</h1>' in html
    assert '<p class="question" lang="en">What should we plant?</p>' in html
    assert '<strong lang="en">Roses</strong>' in html
    results = staff_client.get(f"/staff/topics/{topic_id}/results").get_data(as_text=True)
    assert '<h1>Canlyniadau: <span lang="en">Garden</span></h1>' in results
    for url in ("/staff/", "/staff/topics"):
        assert f'href="/staff/topics/{topic_id}"><span lang="en">Garden</span></a>' in staff_client.get(url).get_data(
            as_text=True), url
    # In English, the English topic needs no marking.
    _switch(staff_client, "en")
    assert "<h1>Garden</h1>" in staff_client.get(f"/staff/topics/{topic_id}").get_data(as_text=True)


def test_entries_waiting_for_a_native_speaker_are_used_and_counted_in_the_readme():
    from pathlib import Path

    from babel.messages.pofile import read_po

    from accessible.i18n import LOCALE_DIR, gettext

    marked = 0
    for domain in ("web", "print"):
        with (LOCALE_DIR / "cy" / f"{domain}.po").open("rb") as f:
            catalog = read_po(f, locale="cy")
        for m in catalog:
            if m.id and any("needs native review" in c for c in m.auto_comments):
                marked += 1
                assert m.string and not m.fuzzy
                assert gettext("cy", domain, m.id) == m.string  # used as written until reviewed
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert f"**{marked} entries are marked `#. needs native review`**" in readme
