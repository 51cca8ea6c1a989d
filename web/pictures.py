"""Serve pictures: OpenMoji symbols to anyone, staff photos to people signed in to this home."""

from flask import Blueprint, abort, current_app, send_file
from sqlalchemy import or_, select

from accessible import pictures
from accessible.models import Option, Topic
from web import sessions
from web.auth import db

bp = Blueprint("pictures", __name__, url_prefix="/pictures")
#: A symbol never changes for a given id; a photo is stored under a new id when it changes.
CACHE_SECONDS = 7 * 24 * 3600


@bp.get("/symbol/<symbol_id>.svg")
def symbol(symbol_id):
    """Send one OpenMoji symbol as SVG."""
    try:
        data = pictures.symbol_svg(symbol_id)
    except (KeyError, ValueError, pictures.BadPicture):
        abort(404)
    response = current_app.response_class(data, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}, immutable"
    # An SVG opened on its own must not run anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@bp.get("/photo/<photo_id>")
def photo(photo_id):
    """Send one staff photo to a signed-in member of staff, a family session or a kiosk."""
    visitor = sessions.current()
    if visitor is None:
        abort(404)
    try:
        found = pictures.photo(current_app.instance_path, photo_id)
    except (KeyError, ValueError, pictures.BadPicture):
        abort(404)
    with db().read() as s:
        # Only a photo one of the visitor's own home's options shows: another home's is "not found".
        ref = f"photo:{found.id}"
        ours = s.scalar(select(Option.id).join(Topic).where(Topic.home_id == visitor.home_id)
                        .where(or_(Option.picture == ref, Option.second_picture == ref)).limit(1))
    if ours is None:
        abort(404)
    response = send_file(found.path, max_age=CACHE_SECONDS, conditional=True)
    response.headers["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    return response
