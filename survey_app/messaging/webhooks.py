"""Provider webhooks: delivery reports and inbound SMS (STOPP).

Authenticated by the provider's means, not by a login: 46elks by a secret in the URL (a
per-message secret for delivery reports, ELKS_INBOUND_SECRET for inbound SMS), Twilio by its
X-Twilio-Signature. Idempotent: a repeated report changes nothing; a report for an id we do not
know is answered 200 and ignored, so the provider does not retry it forever. Forged → 403.
Logs carry message ids only, never numbers or texts.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Flask, Response, current_app, request
from sqlalchemy import select

from survey_app.domain.tokens import hash_token
from survey_app.extensions import csrf, db
from survey_app.messaging.delivery import apply_report
from survey_app.messaging.optout import is_stop_request, opt_out_phone
from survey_app.messaging.phones import PhoneNumberProblem, normalise_phone
from survey_app.messaging.settings import sms_settings
from survey_app.messaging.twilio_signature import signature_is_valid
from survey_app.models import OutboxMessage
from survey_app.web.access import public

log = logging.getLogger(__name__)
blueprint = Blueprint("hooks", __name__, url_prefix="/hooks")
csrf.exempt(blueprint)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _text(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/plain")


def _forbidden() -> Response:
    return _text("forbidden: wrong or missing secret or signature", 403)


def _by_provider_id(provider_id: str) -> OutboxMessage | None:
    if not provider_id:
        return None
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id))


@blueprint.post("/46elks/<secret>")
@public(reason="authenticated by the per-message secret in the URL that only 46elks was given")
def elks_delivery_report(secret: str) -> Response:
    secret_hash = hash_token(secret) if secret.isascii() else ""
    provider_id = request.form.get("id", "")
    message = _by_provider_id(provider_id)
    if message is not None:
        if not message.callback_secret_hash or not hmac.compare_digest(
            message.callback_secret_hash, secret_hash
        ):
            log.warning("sms: 46elks report with a wrong secret refused (message %d)", message.id)
            return _forbidden()
    else:
        # The report may beat the worker's commit of the provider id: the secret finds the row.
        message = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.callback_secret_hash == secret_hash)
        )
        if message is None:
            log.info("sms: 46elks report for an unknown message ignored")
            return _text("ok: unknown message, ignored")
    changed = apply_report(message, request.form.get("status", ""), provider_id or None)
    log.info("sms: 46elks report for message %d %s", message.id, "applied" if changed else "no-op")
    return _text("ok")


@blueprint.post("/46elks/inbound/<secret>")
@public(reason="authenticated by ELKS_INBOUND_SECRET in the URL configured at 46elks")
def elks_inbound(secret: str) -> Response:
    expected = sms_settings().elks_inbound_secret
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        return _forbidden()
    _handle_inbound(request.form.get("from", ""), request.form.get("message", ""))
    return _text("")  # an empty answer: 46elks sends no reply SMS


def _twilio_url() -> str:
    """The URL Twilio signed: our public base URL, path and query (proxies may rewrite Host)."""
    base = str(current_app.config["SURVEY_BASE_URL"])
    query = request.query_string.decode("latin-1")
    return f"{base}{request.path}" + (f"?{query}" if query else "")


def _twilio_verified() -> bool:
    settings = sms_settings()
    params = [(key, value) for key in request.form for value in request.form.getlist(key)]
    return signature_is_valid(
        settings.twilio_auth_token,
        _twilio_url(),
        params,
        request.headers.get("X-Twilio-Signature"),
    )


@blueprint.post("/twilio/status")
@public(reason="authenticated by Twilio's X-Twilio-Signature (HMAC-SHA1 with the auth token)")
def twilio_status() -> Response:
    if not _twilio_verified():
        log.warning("sms: Twilio status callback with a bad signature refused")
        return _forbidden()
    message = _by_provider_id(request.form.get("MessageSid", ""))
    if message is None:
        log.info("sms: Twilio status for an unknown message ignored")
        return _text("ok: unknown message, ignored")
    changed = apply_report(message, request.form.get("MessageStatus", ""), None)
    log.info("sms: Twilio status for message %d %s", message.id, "applied" if changed else "no-op")
    return _text("ok")


@blueprint.post("/twilio/inbound")
@public(reason="authenticated by Twilio's X-Twilio-Signature (HMAC-SHA1 with the auth token)")
def twilio_inbound() -> Response:
    if not _twilio_verified():
        return _forbidden()
    _handle_inbound(request.form.get("From", ""), request.form.get("Body", ""))
    return Response(EMPTY_TWIML, mimetype="text/xml")


def _handle_inbound(sender: str, text: str) -> None:
    """A STOPP reply opts the number out; any other text is dropped unread and unstored."""
    if not is_stop_request(text):
        log.info("sms: inbound SMS that is not a stop request dropped")
        return
    try:
        phone = normalise_phone(sender)
    except PhoneNumberProblem:
        log.info("sms: stop request from an unusable sender number dropped")
        return
    affected = opt_out_phone(phone)
    log.info("sms: stop request applied to %d invitation(s)", affected)


def init_webhooks(app: Flask) -> None:
    # No rate limit: a provider reports a whole batch at once, and each request carries a
    # secret or signature too long to guess.
    app.register_blueprint(blueprint)
