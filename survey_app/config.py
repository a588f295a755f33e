"""Settings: defaults, then environment variables, then what the caller passes."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask

#: Environments in which a throwaway SECRET_KEY is acceptable.
RELAXED_ENVIRONMENTS = frozenset({"development", "testing"})

DEFAULTS: dict[str, Any] = {
    "SURVEY_ENV": "production",
    "SURVEY_BASE_URL": "http://127.0.0.1:5000",
    "MIN_GROUP_SIZE": 5,
    "SURVEY_TIMEZONE": "Europe/Stockholm",
    # Where the quick-exit button leads: a neutral site that says nothing about the survey.
    "QUICK_EXIT_URL": "https://www.smhi.se/",
    # Where people report accessibility problems (named in the accessibility statement).
    "ACCESSIBILITY_CONTACT": "tillganglighet@regionvasterbotten.se",
    # The data protection officer (dataskyddsombud) named in the privacy notice.
    "PRIVACY_CONTACT": "dataskyddsombud@regionvasterbotten.se",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "sip",
    # Respondents may take their time (a child answering slowly): CSRF tokens live as long
    # as the session; a stale form is re-shown with the answers kept rather than rejected.
    "WTF_CSRF_TIME_LIMIT": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "RATELIMIT_STORAGE_URI": "memory://",
    # The operator's word that one process on one host serves (then memory:// counts right).
    "SURVEY_SINGLE_PROCESS": False,
    # Staff sessions end after this many minutes without a request...
    "STAFF_IDLE_MINUTES": 30,
    # ...and this many hours after signing in, however active.
    "STAFF_SESSION_HOURS": 10,
    # Failed staff logins allowed per account and per client address before a lock.
    "LOGIN_FAILURE_LIMIT": "10 per 15 minutes",
    # Wrong one-time or recovery codes allowed per account before the sign-in is stopped.
    "MFA_FAILURE_LIMIT": "5 per 15 minutes",
    # Unknown family links allowed per client address, and from everyone together; a valid
    # link always opens.
    "LINK_FAILURE_LIMIT": "20 per minute",
    "LINK_FAILURE_GLOBAL_LIMIT": "300 per minute",
    # How long a password reset link issued by an admin can be used (once).
    "PASSWORD_RESET_HOURS": 24,
    # Single sign-on through the region's identity provider (OpenID Connect); off when unset.
    "OIDC_DISCOVERY_URL": "",
    "OIDC_CLIENT_ID": "",
    "OIDC_CLIENT_SECRET": "",
    # The ID token claim that names an existing staff account's e-mail address.
    "OIDC_EMAIL_CLAIM": "email",
    "OIDC_SCOPES": "openid email profile",
    # `amr` values of the ID token that mean the identity provider asked for a second factor.
    "OIDC_MFA_AMR": "mfa",
    "OIDC_PROVIDER_NAME": "Region Västerbottens inloggning",
    "OIDC_TIMEOUT_SECONDS": 10,
    # Reverse proxies in front of the service whose X-Forwarded-For is trusted (0: none). Without
    # it, every client would share the proxy's address in the rate limits.
    "TRUSTED_PROXY_COUNT": 0,
    "BABEL_DEFAULT_LOCALE": "sv",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
    "MAX_CONTENT_LENGTH": 256 * 1024,
}


def flag(raw: str) -> bool:
    """A yes/no setting: 1/true/yes/on or 0/false/no/off."""
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)


#: Environment variables read at start, with the type each is parsed as.
ENVIRONMENT_SETTINGS: dict[str, Callable[[str], Any]] = {
    "SURVEY_ENV": str,
    "SECRET_KEY": str,
    # Earlier keys, comma separated, still accepted after a rotation: sessions, TOTP seeds and
    # answers sealed under them (PRIVACY.md: keep one until every window open under it closed).
    "SECRET_KEY_FALLBACKS": lambda raw: [key.strip() for key in raw.split(",") if key.strip()],
    "SURVEY_DATABASE_URL": str,
    "SURVEY_BASE_URL": str,
    "MIN_GROUP_SIZE": int,
    "QUICK_EXIT_URL": str,
    "ACCESSIBILITY_CONTACT": str,
    "PRIVACY_CONTACT": str,
    "RATELIMIT_STORAGE_URI": str,
    "SURVEY_SINGLE_PROCESS": flag,
    # Check at start that the throttle store answers (deploy/gunicorn.conf.py turns it on for
    # the web server; commands such as `flask backup` do not need Redis).
    "SURVEY_CHECK_THROTTLE": flag,
    # gunicorn's worker count (deploy/gunicorn.conf.py exports the one it runs).
    "SIP_WORKERS": int,
    "STAFF_IDLE_MINUTES": int,
    "STAFF_SESSION_HOURS": int,
    "LOGIN_FAILURE_LIMIT": str,
    "MFA_FAILURE_LIMIT": str,
    "LINK_FAILURE_LIMIT": str,
    "LINK_FAILURE_GLOBAL_LIMIT": str,
    "PASSWORD_RESET_HOURS": int,
    "OIDC_DISCOVERY_URL": str,
    "OIDC_CLIENT_ID": str,
    "OIDC_CLIENT_SECRET": str,
    "OIDC_EMAIL_CLAIM": str,
    "OIDC_SCOPES": str,
    "OIDC_MFA_AMR": str,
    "OIDC_PROVIDER_NAME": str,
    "OIDC_TIMEOUT_SECONDS": int,
    "TRUSTED_PROXY_COUNT": int,
    # Where closing a window writes its report (default: instance/reports/<window id>/).
    "REPORTS_DIRECTORY": str,
}


class ConfigurationError(RuntimeError):
    """The service cannot start with the settings it was given."""


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for name, kind in ENVIRONMENT_SETTINGS.items():
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        try:
            settings[name] = kind(raw)
        except ValueError as error:
            what = "yes/no value (1 or 0)" if kind is flag else getattr(kind, "__name__", "value")
            raise ConfigurationError(f"{name}={raw!r} is not a valid {what}") from error
    # Later features add their own prefixed settings (SMS_*, ELKS_*, TWILIO_*).
    for name, raw in environ.items():
        if name.startswith(("SMS_", "ELKS_", "TWILIO_")) and raw != "":
            settings[name] = raw
    return settings


def load_config(
    app: Flask, overrides: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None
) -> None:
    """Fill app.config from defaults, the environment and the caller's overrides, then check it."""
    app.config.update(DEFAULTS)
    app.config.update(_from_environment(os.environ if environ is None else environ))
    if overrides:
        app.config.update(overrides)

    environment = app.config["SURVEY_ENV"]
    if not app.config.get("SECRET_KEY"):
        if environment not in RELAXED_ENVIRONMENTS:
            raise ConfigurationError(
                "SECRET_KEY is not set. Set it to a long random value "
                '(python -c "import secrets; print(secrets.token_hex(32))") '
                "or set SURVEY_ENV=development for local use."
            )
        app.config["SECRET_KEY"] = f"{environment}-only-not-secret"
    app.config["TESTING"] = app.config.get("TESTING", False) or environment == "testing"

    if not app.config.get("SURVEY_DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        database = Path(app.instance_path) / "survey.sqlite3"
        app.config["SURVEY_DATABASE_URL"] = f"sqlite:///{database}"
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["SURVEY_DATABASE_URL"]

    base_url = str(app.config["SURVEY_BASE_URL"]).rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"SURVEY_BASE_URL={base_url!r} must start with http:// or https://"
        )
    app.config["SURVEY_BASE_URL"] = base_url
    app.config["SESSION_COOKIE_SECURE"] = base_url.startswith("https://")

    if int(app.config["STAFF_IDLE_MINUTES"]) < 1:
        raise ConfigurationError("STAFF_IDLE_MINUTES must be at least 1")
    if int(app.config["STAFF_SESSION_HOURS"]) < 1:
        raise ConfigurationError("STAFF_SESSION_HOURS must be at least 1")
    if not 1 <= int(app.config["PASSWORD_RESET_HOURS"]) <= 168:
        raise ConfigurationError("PASSWORD_RESET_HOURS must be between 1 and 168 (a week)")
    if int(app.config["MIN_GROUP_SIZE"]) < 1:
        raise ConfigurationError("MIN_GROUP_SIZE must be at least 1")
