"""Create the Flask application: staff pages now, and the routes other parts link to."""

import os
import secrets
from pathlib import Path

from flask import Flask, abort, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from accessible import settings, tls
from accessible.datadir import data_dir
from accessible.db import Database
from accessible.errors import NotFound

csrf = CSRFProtect()


def _secret_key(folder):
    """Return the home's session key, made once and kept in its data folder."""
    path = Path(folder) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(test_config=None):
    """Create and configure an instance of the Flask application."""
    test_config = dict(test_config or {})
    folder = data_dir(test_config.pop("DATA_DIR", None))
    app = Flask(__name__, instance_path=str(folder))
    app.config.from_mapping(
        SECRET_KEY=_secret_key(folder),
        DATABASE_URL=None,
        MAX_CONTENT_LENGTH=settings.request_limit(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        MIGRATE_ON_START=True,
        #: The cache of speech asked for by staff and families (the kiosk's own has 200 MB): nothing in it is kept
        #: for long, so a flood of texts evicts only itself.
        VISITOR_SPEECH_MB=50,
        # Session lifetimes, the kiosk's idle time and the like: the settings table's defaults and environment.
        **settings.app_config(settings.load()),
    )
    app.config.update(test_config)

    db = Database.for_data_dir(folder, app.config["DATABASE_URL"])
    if app.config["MIGRATE_ON_START"]:
        db.upgrade()
    app.extensions["db"] = db
    from web.speech import listen_upload_limit

    app.before_request(listen_upload_limit)  # before the CSRF check, which reads the body
    csrf.init_app(app)

    from web import accounts, address, auth, errors, family, i18n, kiosk, paper, pictures, records, speech, staff

    address.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    # Times are stored in UTC; staff read them in the home's own time (the machine's time zone, e.g. BST).
    app.jinja_env.filters["local"] = lambda when: when.astimezone() if when is not None else None
    for blueprint in (auth.bp, staff.bp, accounts.bp, records.bp, paper.bp, family.bp, kiosk.bp, pictures.bp,
                      speech.bp):
        app.register_blueprint(blueprint)
    app.add_url_rule("/", endpoint="index", view_func=auth.index)

    @app.get("/certificate")
    def certificate():
        """The home's own certificate authority (public, no personal data): a tablet installs it once to trust HTTPS."""
        pem = tls.authority_certificate(folder)
        if pem is None:
            abort(404)
        response = app.response_class(pem, mimetype="application/x-x509-ca-cert")
        response.headers["Content-Disposition"] = 'attachment; filename="home-certificate.crt"'
        return response

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'self'",
        )
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", "microphone=(self), camera=(), geolocation=()")
        if request.is_secure:  # served with --https: the browser keeps to HTTPS for this address from now on
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Pages and answers carry personal data, and so does anything under /staff (review crops, scans):
        # nothing of it stays in a shared tablet's cache. Routes that set their own caching keep it.
        if response.mimetype in ("text/html", "application/json") or request.path.startswith("/staff/"):
            h.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(NotFound)
    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/not_found.html", error=error), 404

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if errors.wants_json():
            return jsonify(error=i18n._("That form could not be sent")), 400
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/forbidden.html"), 403

    @app.errorhandler(500)
    def server_error(error):
        # A generic page, never a traceback: the details go to the server's log, not to the screen.
        return render_template("errors/server_error.html"), 500

    @app.errorhandler(413)
    def too_large(error):
        if errors.wants_json():
            return jsonify(error=i18n._("That file is too large")), 413
        return render_template("errors/too_large.html"), 413

    return app
