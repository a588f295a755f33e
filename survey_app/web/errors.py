"""Friendly error pages: what happened and what to do next, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey_app.extensions import db


def _page(title: str, message: str, status: int) -> tuple[str, int]:
    return render_template("error.html", title=title, message=message), status


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str, int]:
        return _page(
            _("Sidan hade varit öppen för länge"),
            _(
                "Av säkerhetsskäl gick det inte att skicka formuläret. Gå tillbaka, ladda om sidan "
                "och försök igen."
            ),
            400,
        )

    @app.errorhandler(404)
    def not_found(error: HTTPException) -> tuple[str, int]:
        if request.path.startswith("/s/"):
            # Every kind of broken family link gets the same page: nothing to tell apart.
            return render_template("respond/link_not_valid.html"), 404
        return _page(
            _("Sidan finns inte"),
            _("Kontrollera adressen. Om du kom hit från ett sms: öppna länken i sms:et igen."),
            404,
        )

    @app.errorhandler(405)
    def method_not_allowed(error: HTTPException) -> tuple[str, int]:
        return _page(
            _("Det gick inte att göra så"), _("Gå tillbaka och använd knapparna på sidan."), 405
        )

    @app.errorhandler(413)
    def too_large(error: HTTPException) -> tuple[str, int]:
        return _page(
            _("För mycket text"),
            _("Det som skickades var för stort. Gå tillbaka och korta texten."),
            413,
        )

    @app.errorhandler(429)
    def too_many(error: HTTPException) -> tuple[str, int]:
        return _page(_("För många försök"), _("Vänta en stund och försök sedan igen."), 429)

    @app.errorhandler(400)
    def bad_request(error: HTTPException) -> tuple[str, int]:
        return _page(
            _("Något gick fel med det som skickades"),
            _("Gå tillbaka, ladda om sidan och försök igen."),
            400,
        )

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()  # a failed transaction must not poison the next request
        return _page(
            _("Något gick fel hos oss"),
            _("Dina sparade svar finns kvar. Försök igen om en liten stund."),
            500,
        )
