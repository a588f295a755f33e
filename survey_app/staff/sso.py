"""Signing in through the region's identity provider (OpenID Connect), when it is configured."""

from __future__ import annotations

from flask import abort, current_app, redirect, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.accounts import oidc
from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.staff import blueprint
from survey_app.staff.login import ViewResult, continue_sign_in, login_page
from survey_app.web.access import public

CALLBACK_PATH = "/staff/login/sso/callback"


def _callback_url() -> str:
    # Built from SURVEY_BASE_URL, the address registered with the identity provider.
    return f"{current_app.config['SURVEY_BASE_URL']}{CALLBACK_PATH}"


def _unreachable() -> ViewResult:
    current_app.logger.warning("identity provider unreachable")
    name = current_app.config["OIDC_PROVIDER_NAME"]
    return login_page(
        notice=_(
            "%(provider)s svarar inte just nu. Försök igen om en stund, eller logga in med "
            "e-postadress och lösenord.",
            provider=name,
        ),
        status=503,
    )


@blueprint.get("/login/sso")
@public(reason="starts single sign-on at the region's identity provider")
def sso_start() -> ViewResult | WerkzeugResponse:
    if not oidc.enabled():
        abort(404)
    try:
        return redirect(oidc.authorization_url(_callback_url(), request.args.get("next")))
    except oidc.SignInRefused as refused:
        current_app.logger.warning("single sign-on cannot start: %s", refused.reason)
        return _unreachable()


@blueprint.get("/login/sso/callback")
@public(reason="where the identity provider sends the browser back; checks state and ID token")
def sso_callback() -> ViewResult | WerkzeugResponse:
    if not oidc.enabled():
        abort(404)
    try:
        signed_in = oidc.complete(
            request.args.get("state"),
            request.args.get("code"),
            request.args.get("error"),
            _callback_url(),
        )
    except oidc.SignInRefused as refused:
        user = refused.user
        audit.record(
            None,
            audit.SSO_LOGIN_REFUSED,
            "user",
            user.id if user is not None else None,
            reason=refused.reason,
        )
        db.session.commit()
        if refused.unreachable:
            return _unreachable()
        name = current_app.config["OIDC_PROVIDER_NAME"]
        if refused.reason == "no active account for the claim":
            message = _(
                "Du loggade in hos %(provider)s, men här finns inget aktivt konto för dig. "
                "Be en administratör lägga upp ett konto med din e-postadress.",
                provider=name,
            )
        else:
            message = _(
                "Inloggningen via %(provider)s gick inte att slutföra. Börja om, eller logga "
                "in med e-postadress och lösenord.",
                provider=name,
            )
        return login_page(notice=message, status=400)
    return continue_sign_in(
        signed_in.user,
        via="sso",
        next_page=signed_in.next_page,
        second_factor_done=signed_in.second_factor_done,
    )
