"""Pick the language of a screen and translate its words from the gettext catalogs."""

from flask import g, has_request_context, redirect, request, session, url_for
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from accessible import wording
from accessible.i18n import SOURCE_LANGUAGE, gettext
from accessible.models import LANGUAGES, Home


def browser_language():
    """Return the product language the browser asks for first (Accept-Language), or None."""
    if not has_request_context():
        return None
    if "browser_lang" not in g:  # read once a request: a page asks for hundreds of words
        g.browser_lang = request.accept_languages.best_match(LANGUAGES)
    return g.browser_lang


def language_for(chosen, home_language, browser_first=False):
    """Return the language to serve a person in: the one they chose (*chosen*), else Welsh where their browser
    asks for it before English, else their home's (*home_language*, a function asked only when needed), else the
    browser's, else English.

    The Active Offer for staff: nobody has to ask for Welsh. A browser set to Welsh was set so on purpose, so its
    owner gets Welsh wherever they are; one asking for English tells little, as nearly every computer in a Welsh
    home is set to English, Welsh speakers' too, so a Welsh-speaking home's staff pages open in Welsh and the
    "English" button (kept once pressed) is one tap away.

    With *browser_first* (a relative's phone, as the family page is asked to do) the browser's language, Welsh or
    English, comes straight after the person's choice: a relative far from the home reads their own phone's
    language, and "Cymraeg" or "English" on the page is one tap away and kept.
    """
    browser = browser_language()
    if browser_first and browser:
        return chosen or browser
    return (chosen or (browser if browser and browser != SOURCE_LANGUAGE else None) or home_language()
            or browser or SOURCE_LANGUAGE)


def home_language():
    """Return the language of the home this request is for: the signed-in member of staff's, else the only home
    this server holds; None where it cannot be told (no home yet, or a group of homes)."""
    if "home_lang" not in g:
        from web.auth import current_staff, db

        g.home_lang = None
        try:
            staff = current_staff()
            with db().read() as s:
                if staff is not None:
                    g.home_lang = s.get(Home, staff.home_id).language
                else:
                    found = s.scalars(select(Home.language).limit(2)).all()
                    g.home_lang = found[0] if len(found) == 1 else None
        except SQLAlchemyError:
            pass  # the database is what went wrong (an error page is saying so): the browser's language will do
    return g.home_lang


def current_language():
    """Return the language of this request: chosen for it (a kiosk's resident, a family page), else the one
    chosen in this session, else as :func:`language_for` says for the home this request is for."""
    return g.get("lang") or language_for(session.get("lang"), home_language)


def _(message, **values):
    """Translate *message* into the request's language and fill in *values*."""
    text = gettext(current_language(), "web", message)
    return text % values if values else text


def _marked(message, **values):
    """Translate *message* and fill in *values* as markup, so topic words marked with their language
    (:func:`in_language`) stay marked inside the sentence: "Find a symbol for <span lang="en">Fish pie</span>"."""
    return escape(gettext(current_language(), "web", message)) % values


class Sentence(Markup):
    """A sentence holding a topic's words, as markup (the words marked with their language where the page is in
    another) with ``parts``: [(words, language or None for the page's)] to speak, each in its own voice."""

    parts = None


def with_words(message, key, words, lang, rest=""):
    """Translate *message* with its %(key)s filled by a topic's *words*, written in *lang*, then *rest* (in the
    page's language: ": Like"), as a :class:`Sentence`: "You chose <span lang="en">Fish pie</span>."."""
    text = gettext(current_language(), "web", message)
    if not lang or lang == current_language():
        return Sentence(escape(text % {key: words + rest}))
    before, _sep, after = (text % {key: "\0"}).partition("\0")
    said = Sentence(escape(before) + in_language(words, lang) + escape(rest + after))
    said.parts = [(before.strip(), None), (words, lang), ((rest + after).strip(" :.,;"), None)]
    return said


def words(record, lang=None):
    """Return a topic's, option's or decision's words in this request's language (or *lang*), where written."""
    return wording.words(record, lang or current_language())


def described(option, picture=None, lang=None):
    """Return what an option's picture (its main one by default) shows, in this request's language where staff
    described it in it (else the option's words in it), as Words with ``alt``."""
    return wording.described(option, picture or option.picture, lang or current_language())


def lang_attr(found):
    """Return ` lang="cy"` for Words in another language than the page's, so screen readers and speech switch."""
    return Markup(' lang="%s"') % found.lang if found.lang != current_language() else ""


def long_date(day, short=False):
    """Return *day* as "05 December 2026" (or "05 Dec 2026"), the month in the request's language."""
    if day is None:
        return ""
    month = _(day.strftime("%B"))
    return f"{day:%d} {month[:3] if short and current_language() == 'en' else month} {day:%Y}"


def in_language(words, language):
    """Return *words* written in *language* (a topic's own), marked with it when the page is in another."""
    if not words or not language or language == current_language():
        return words
    return Markup('<span lang="%s">%s</span>') % (language, words)


def choose_language():
    """Switch the staff pages (and the sign-in page) between English and Welsh.

    A POST with the form's CSRF token: a signed-in member of staff keeps the choice on their account, so it
    follows them to any device; before signing in it is kept for this browser only.
    """
    from accessible.models import Person
    from web.auth import current_staff, db, safe_path

    lang = request.form.get("lang")
    if lang not in LANGUAGES:
        lang = "en"
    session["lang"] = lang
    staff = current_staff()
    if staff is not None:
        with db().write() as s:
            s.get(Person, staff.id).language = lang
    return redirect(safe_path(request.form.get("back")) or url_for("index"), code=303)


def init_app(app):
    """Make ``_``, ``lang``, ``words_of`` (a topic's words), ``described`` (a picture's), ``lang_attr`` and the
    language switch available in every template."""
    app.jinja_env.globals.update(_=_, _marked=_marked, words_of=words, described=described, lang_attr=lang_attr)
    app.jinja_env.filters["translate"] = lambda text: _(text) if text else text  # a word the code names (a stage)
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["in_language"] = in_language
    app.context_processor(lambda: {"lang": current_language()})
    app.add_url_rule("/language", "choose_language", choose_language, methods=["POST"])
