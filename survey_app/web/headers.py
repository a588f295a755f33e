"""Security headers on every response; no caching and no referrer for personal pages."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
#: A year, once the service is served over https only.
HSTS_MAX_AGE = 365 * 24 * 3600


def init_security_headers(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        # The client address (used only by the rate limits) comes from the trusted proxies.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    defaults = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        # Family links carry a token and staff pages name teams: no page tells another site
        # where the person came from (staff links within the site need no referrer either).
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if app.config.get("SESSION_COOKIE_SECURE"):
        defaults.append(("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}"))
    #: Personal pages must not be kept by the browser or any proxy in between.
    no_store = {"cache-control": "no-store", "pragma": "no-cache"}

    @app.after_request
    def security_headers(response: Response) -> Response:
        # The names a view set itself are read once: a lookup per header (Werkzeug's
        # setdefault scans every header, lower-casing each) was a few percent of a family
        # page's CPU.
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # noqa: SIM118 (Headers)
        for name, value in defaults:
            if name.lower() not in present:
                headers.add(name, value)
        if not request.path.startswith("/static/"):
            for name, value in no_store.items():
                if name in present:
                    headers.set(name, value)
                else:
                    headers.add(name, value)
        return response
