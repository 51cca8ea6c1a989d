"""Pick the language of a screen and translate its words from the gettext catalogs."""

from flask import g, session
from markupsafe import Markup

from accessible import wording
from accessible.i18n import gettext


def current_language():
    """Return the language of this request: chosen for it, else the session's, else English."""
    return g.get("lang") or session.get("lang") or "en"


def _(message, **values):
    """Translate *message* into the request's language and fill in *values*."""
    text = gettext(current_language(), "web", message)
    return text % values if values else text


def words(record, lang=None):
    """Return a topic's, option's or decision's words in this request's language (or *lang*), where written."""
    return wording.words(record, lang or current_language())


def lang_attr(found):
    """Return ` lang="cy"` for Words in another language than the page's, so screen readers and speech switch."""
    return Markup(' lang="%s"') % found.lang if found.lang != current_language() else ""


def init_app(app):
    """Make ``_``, ``lang``, ``words_of`` (words) and ``lang_attr`` available in every template."""
    app.jinja_env.globals.update(_=_, words_of=words, lang_attr=lang_attr)
    app.context_processor(lambda: {"lang": current_language()})
