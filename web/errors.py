"""Answer a request that went wrong with a short page in plain words (JSON for programs), never a traceback."""

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from web.i18n import _

#: What a person reads for each kind of failure; other codes get their standard name and a way back.
MESSAGES = {
    400: ("That request could not be understood", "Nothing was saved. Go back, reload the page and try again."),
    405: ("That page cannot be used that way", "Nothing was saved. Go back to the page you came from and use "
          "its buttons."),
    429: ("Too many tries", "Nothing was saved. Please wait a few minutes and try again."),
}


#: Routes that scripts call and that answer JSON, whatever their address.
JSON_ENDPOINTS = ("kiosk.listen", "paper.upload_one", "paper.read_one")


def wants_json():
    """Return True when the request is a program's (an /api/ address, a script's route, or JSON asked for)."""
    return request.path.startswith("/api/") or request.endpoint in JSON_ENDPOINTS or (
        request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json")


def http_error(error):
    """Show what went wrong and that nothing was saved, with the error's status and headers (e.g. Allow)."""
    title, advice = MESSAGES.get(error.code, (error.name, "Nothing was saved. Go back and try again."))
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if wants_json():
        return jsonify(error=_(title)), error.code, headers
    return render_template("errors/http_error.html", title=title, advice=advice), error.code, headers


def init_app(app):
    """Register the pages; a page registered for one code (404, 413, CSRF, 500) still takes precedence."""
    app.register_error_handler(HTTPException, http_error)
