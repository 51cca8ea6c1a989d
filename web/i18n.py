"""Pick the language of a screen and translate its words from the gettext catalogs."""

from flask import g, session

from accessible.i18n import gettext


def current_language():
    """Return the language of this request: chosen for it, else the session's, else English."""
    return g.get("lang") or session.get("lang") or "en"


def _(message, **values):
    """Translate *message* into the request's language and fill in *values*."""
    text = gettext(current_language(), "web", message)
    return text % values if values else text


def init_app(app):
    """Make ``_`` and ``lang`` available in every template."""
    app.jinja_env.globals["_"] = _
    app.context_processor(lambda: {"lang": current_language()})
