"""The SIP follow-up service: asks families how their SIP meeting went, tells the teams."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response
from flask_compress import Compress

from survey_app.accounts.authentication import init_login
from survey_app.config import load_config
from survey_app.domain.sealing import init_sealing
from survey_app.extensions import csrf
from survey_app.i18n import init_i18n
from survey_app.messaging import init_messaging
from survey_app.ops.database import init_db
from survey_app.ops.log_privacy import init_privacy
from survey_app.questionnaires import init_questionnaires
from survey_app.web.cookie_session import init_cookie_session
from survey_app.web.headers import init_security_headers
from survey_app.web.throttle import init_throttle


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: settings first, then one named step per concern."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    init_privacy(app)
    init_db(app)
    init_sealing(app)
    init_i18n(app)
    init_questionnaires(app)
    init_messaging(app)
    init_extensions(app)
    init_login(app)
    init_security_headers(app)
    init_cookie_session(app)
    register_blueprints(app)
    register_error_pages(app)
    register_commands(app)
    return app


def init_extensions(app: Flask) -> None:
    csrf.init_app(app)
    init_throttle(app)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "application/javascript",
            "text/javascript",  # what Python's mimetypes now says for .js
            "image/svg+xml",
            "application/json",
            "text/csv",
        ],
    )
    app.config.setdefault("COMPRESS_MIN_SIZE", 256)
    # Static files are streamed; Flask-Compress leaves gzip out for streams by default, which
    # would send the stylesheet uncompressed to clients that only offer gzip.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip", "deflate"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip", "deflate"])
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", 3600)
    Compress(app)

    @app.after_request
    def buffer_static_files(response: Response) -> Response:
        # Registered after Compress, so it runs before it. Flask-Compress swaps a streamed body
        # for its own generator without closing the file behind it (one leaked file handle per
        # static request). Static files here are a few KB: read them into memory, and the
        # file is closed with the response while Flask-Compress compresses the bytes.
        if response.direct_passthrough:
            response.direct_passthrough = False
            response.make_sequence()
        return response


def register_blueprints(app: Flask) -> None:
    from survey_app.messaging.webhooks import init_webhooks
    from survey_app.respond import blueprint as respond
    from survey_app.staff import blueprint as staff
    from survey_app.staff.front import blueprint as front
    from survey_app.web.access import declare_public
    from survey_app.web.accessibility import blueprint as accessibility

    app.register_blueprint(respond)
    init_webhooks(app)
    app.register_blueprint(staff)
    app.register_blueprint(front)
    declare_public(app, "static", reason="stylesheets, scripts and images; nothing personal")
    app.register_blueprint(accessibility)


def register_error_pages(app: Flask) -> None:
    from survey_app.web.errors import init_error_pages

    init_error_pages(app)


def register_commands(app: Flask) -> None:
    from survey_app.cli import init_commands

    init_commands(app)
