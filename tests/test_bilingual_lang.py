"""Every word of a topic on a page in the other language is marked with its own (``lang``), and spoken with its
own voice: English words on a Welsh page (where no Welsh is written yet) and Welsh words on an English one, on the
staff pages, the kiosk, the family page and the printouts, so screen readers and the read-aloud voice say them
right."""

import re
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urlsplit

import pytest

from accessible import committee, family_links, ideas, printouts, topics, wording
from accessible.models import Home, Person, Topic
from tests.helpers import PASSWORD, post

#: Each topic word in the test home, and the language it is written in.
WORDS = {
    # A menu in English, partly in Welsh: the question and fish pie.
    "Friday lunch": "en", "Cinio dydd Gwener": "cy",
    "What would you like for lunch on Friday?": "en", "Beth hoffech chi i ginio ddydd Gwener?": "cy",
    "Fish pie": "en", "Pastai bysgod": "cy", "Roast chicken": "en", "Vegetable curry": "en",
    "Roast chicken every Friday.": "en", "Cheese on toast": "en",
    # Decided, in English only.
    "Garden bench": "en", "Where should the new bench go?": "en", "By the pond": "en", "Under the oak": "en",
    "The bench goes by the pond.": "en", "Nearest the door.": "en",
    # Collecting ideas, in English only.
    "Trips out": "en", "Where shall we go on a trip?": "en", "The seaside": "en",
    # A Welsh topic, partly in English.
    "Cinio Sul": "cy", "Sunday lunch": "en", "Beth hoffech chi i ginio ddydd Sul?": "cy",
    "What would you like for Sunday lunch?": "en", "Cawl": "cy", "Broth": "en", "Bara brith": "cy",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("alt", "aria-label", "title", "placeholder", "value", "content")


class _Languages(HTMLParser):
    """Find each topic word on a page with the language of the element it is in (its own ``lang`` or the
    nearest around it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.found = [], []

    def _lang(self, attrs=None):
        own = dict(attrs or {}).get("lang")
        return own or next((lang for _, lang in reversed(self.stack) if lang), None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = self._lang(attrs)
        for name in ATTRIBUTES:
            if attrs.get(name) and not (tag == "input" and attrs.get("type") == "hidden"):
                self._look(attrs[name], lang, f"<{tag} {name}>")
        if tag not in VOID:
            self.stack.append((tag, attrs.get("lang")))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "title":
            return  # a page's title is plain text: it cannot mark a topic's words inside "Results: …"
        self._look(data, self._lang(), "<" + ">".join(t for t, _ in self.stack[-3:]) + ">")

    def _look(self, text, lang, where):
        for words, theirs in WORDS.items():
            if re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text):
                self.found.append((words, theirs, lang, where))


def misplaced(html):
    """Return (words, their language, the language they are marked with, where) for each topic word on *html*
    marked with a language not its own."""
    found = _Languages()
    found.feed(html)
    return [f for f in found.found if f[1] != f[2]]


def misspoken(html):
    """Return (words, the language they are spoken in) for topic words spoken with another language's voice."""
    spoken = re.findall(r'(?:src|data-speech)="[^"]*/speech[^"]*[?&]text=([^&"]+)&amp;lang=(\w+)', html)
    return [(said, lang) for said, lang in ((unquote_plus(words), lang) for words, lang in spoken)
            for known, theirs in WORDS.items()
            if re.search(rf"(?<!\w){re.escape(known)}(?!\w)", said) and lang != theirs]


SKIP = re.compile(r"\.(pdf|csv|json|png|wav)\b|/print/|/recording|/finish|/rest\b|/language|/listen|/crops/|"
                  r"/original|/cards/|/uploads/|/p/|/archive|logout|/f/")


def crawl(client, starts, prefix, most=80):
    """Return {url: page} for the pages reached by links from *starts* under *prefix* (GETs change nothing)."""
    pages, queue = {}, list(starts)
    while queue and len(pages) < most:
        url = queue.pop(0)
        if url in pages:
            continue
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            pages[url] = ""
            continue
        pages[url] = response.get_data(as_text=True)
        for link in re.findall(r'href="([^"#]+)', pages[url]):
            link = link.replace("&amp;", "&")
            if urlsplit(link).path.startswith(prefix) and not SKIP.search(link) and link not in pages:
                queue.append(link)
    return {url: page for url, page in pages.items() if page}


@pytest.fixture
def mixed(db, home):
    """Four topics written partly in each language, asked of Margaret (English) and Dafydd (Welsh, a co-owner)."""
    with db.write() as s:
        h = s.get(Home, home["home"])
        sam, carys = s.get(Person, home["staff"]), s.get(Person, home["family"])
        margaret, dafydd, _eileen = (s.get(Person, i) for i in home["residents"])
        carys.residents.append(dafydd)
        lunch = topics.create_topic(s, h, "Friday lunch", "What would you like for lunch on Friday?",
                                    options=["Fish pie", "Roast chicken", "Vegetable curry"], actor=sam)
        wording.translate(lunch, "cy", question="Beth hoffech chi i ginio ddydd Gwener?", title="Cinio dydd Gwener")
        wording.translate(lunch.options[0], "cy", label="Pastai bysgod")
        topics.move_to(s, lunch, "ideas")
        topics.propose_idea(s, lunch, "Cheese on toast", carys)  # waits for staff
        topics.move_to(s, lunch, "choosing")
        topics.set_co_owners(s, lunch, [dafydd, sam], actor=sam)
        committee.propose(s, lunch, "Roast chicken every Friday.", actor=sam)
        bench = topics.create_topic(s, h, "Garden bench", "Where should the new bench go?",
                                    options=["By the pond", "Under the oak"], actor=sam)
        topics.move_to(s, bench, "choosing")
        from accessible import responses
        responses.record(s, bench, dafydd, "touch", option=bench.options[0])
        responses.record(s, bench, margaret, "touch", option=bench.options[0])
        topics.decide(s, bench, "The bench goes by the pond.", reason="Nearest the door.", option=bench.options[0],
                      actor=sam)
        trips = topics.create_topic(s, h, "Trips out", "Where shall we go on a trip?", actor=sam)
        topics.move_to(s, trips, "ideas")
        ideas.suggest(s, trips, "The seaside", actor=sam)
        sunday = topics.create_topic(s, h, "Cinio Sul", "Beth hoffech chi i ginio ddydd Sul?", language="cy",
                                     options=["Cawl", "Bara brith"], actor=sam)
        wording.translate(sunday, "en", question="What would you like for Sunday lunch?", title="Sunday lunch")
        wording.translate(sunday.options[0], "en", label="Broth")
        topics.move_to(s, sunday, "choosing")
        return {"lunch": lunch.id, "bench": bench.id, "trips": trips.id, "sunday": sunday.id}


def _report(pages, check):
    return {url: found for url, page in pages.items() if (found := check(page))}


@pytest.mark.parametrize("language", ["cy", "en"])
def test_staff_pages_mark_each_topic_word_with_its_language(staff_client, mixed, language):
    post(staff_client, "/language", {"lang": language, "back": "/staff/"}, form_url="/staff/")
    starts = ["/staff/", "/staff/topics", "/staff/comments", "/staff/records/", "/staff/paper"]
    starts += [f"/staff/topics/{t}" for t in mixed.values()] + [f"/staff/topics/{t}/results" for t in mixed.values()]
    pages = crawl(staff_client, starts, "/staff/")
    assert len(pages) > 10
    assert _report(pages, misplaced) == {}


@pytest.mark.parametrize("who", [0, 1])
def test_kiosk_screens_mark_and_speak_each_topic_word_in_its_language(staff_client, home, mixed, who):
    resident = home["residents"][who]  # Margaret reads English, Dafydd Welsh
    post(staff_client, f"/kiosk/start/{resident}", {}, form_url=f"/staff/residents/{resident}")
    lunch = mixed["lunch"]
    starts = ["/kiosk/", f"/kiosk/topics/{lunch}/one-by-one", f"/kiosk/committee/{lunch}",
              f"/kiosk/committee/{lunch}/agree", f"/kiosk/committee/{lunch}/confirm?answer=agree"]
    pages = crawl(staff_client, starts + [f"/kiosk/topics/{t}" for t in mixed.values()], "/kiosk/")
    assert len(pages) > 5
    assert _report(pages, misplaced) == {}
    assert _report(pages, misspoken) == {}


@pytest.mark.parametrize(("who", "language"), [(0, "en"), (1, "cy")])
def test_the_family_page_marks_each_topic_word_with_its_language(client, db, home, mixed, who, language):
    with db.write() as s:
        token = family_links.issue(s, s.get(Person, home["family"]), s.get(Person, home["residents"][who]))[1]
    client.get(f"/f/{token}")
    post(client, "/family/language", {"lang": language, "back": "/family/"}, form_url="/family/")
    pages = crawl(client, ["/family/"] + [f"/family/topics/{t}" for t in mixed.values()], "/family/")
    assert len(pages) > 2
    assert _report(pages, misplaced) == {}




@pytest.fixture
def printed(monkeypatch):
    """Keep the HTML of each printout as it goes to WeasyPrint (which still makes the real PDF)."""
    from accessible import printing

    pages, real = [], printing.HTML

    def keep(string=None, **kwargs):
        pages.append(string)
        return real(string=string, **kwargs)

    monkeypatch.setattr(printing, "HTML", keep)
    return pages


@pytest.mark.parametrize("language", ["cy", "en"])
def test_printouts_mark_each_topic_word_with_its_language(staff_client, home, mixed, printed, language):
    resident = home["residents"][1 if language == "cy" else 0]
    for topic_id in mixed.values():
        url = f"/staff/topics/{topic_id}"
        for what in ("menu", "poster"):
            staff_client.get(f"{url}/print/{what}.pdf?lang={language}")
        form = post(staff_client, f"{url}/print/form.pdf", {"resident": resident}, form_url=url)
        assert form.mimetype == "application/pdf" or topic_id == mixed["trips"]
    # Everything held about the resident, printed in their language: the topics' words in theirs.
    assert staff_client.get(f"/staff/records/people/{resident}.pdf").mimetype == "application/pdf"
    assert "By the pond" in printed[-1]
    assert len(printed) >= 7
    assert [found for page in printed for found in misplaced(page)] == []


def test_the_thank_you_screen_marks_the_answer_with_its_language(staff_client, db, home, mixed):
    for who, topic_id, label in ((1, mixed["lunch"], "Roast chicken"), (0, mixed["sunday"], "Bara brith")):
        assert post(staff_client, "/login", {"username": "sam", "password": PASSWORD}).status_code == 302
        resident = home["residents"][who]
        post(staff_client, f"/kiosk/start/{resident}", {}, form_url=f"/staff/residents/{resident}")
        with db.read() as s:
            choice = next(o.id for o in s.get(Topic, topic_id).options if o.label == label)
        url = f"/kiosk/topics/{topic_id}/confirm?choice={choice}"
        done = post(staff_client, f"/kiosk/topics/{topic_id}/answer", {"choice": choice, "channel": "touch"},
                    form_url=url)
        page = staff_client.get(done.headers["Location"]).get_data(as_text=True)
        assert f'lang="{WORDS[label]}">{label}</span>' in page
        assert misplaced(page) == []


def test_staff_messages_mark_the_topic_words_they_name(staff_client, mixed):
    post(staff_client, "/language", {"lang": "cy", "back": "/staff/"}, form_url="/staff/")
    url = f"/staff/topics/{mixed['lunch']}"
    added = post(staff_client, f"{url}/options", {"label": "Sausages"}, form_url=url)
    page = staff_client.get(added.headers["Location"]).get_data(as_text=True)
    assert '<span lang="en">Sausages</span>' in page and misplaced(page) == []
    closed = post(staff_client, f"{url}/archive", {"archived": "1"}, form_url=url)
    page = staff_client.get(closed.headers["Location"]).get_data(as_text=True)
    assert "“<span lang=\"en\">Friday lunch</span>”" in page and misplaced(page) == []


def test_each_tick_box_on_a_batch_of_forms_is_described_by_its_own_residents_row(db, mixed, printed):
    with db.write() as s:
        result = printouts.render(s, s.get(Topic, mixed["lunch"]), "form", None, "http://localhost",
                                  each_resident=True)
    assert len({page.resident_id for page in result.pages}) > 1
    html = max(printed, key=len)  # the forms of every resident, one document
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert set(re.findall(r'aria-describedby="([^"]+)"', html)) <= set(ids)
