"""WSGI entry point: `flask --app wsgi …` and `gunicorn wsgi:app`."""

import os

from werkzeug.middleware.proxy_fix import ProxyFix

from survey_app import create_app
from survey_app.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    # One line that says what to fix, for `flask` commands and gunicorn (which preloads the
    # app, see deploy/gunicorn.conf.py), instead of a traceback.
    raise SystemExit(f"sip-uppfoljning cannot start: {error}") from None

# Behind nginx (deploy/nginx/): trust that many proxies' X-Forwarded-For/-Proto, so the rate
# limiter sees the client rather than nginx. 0 (the default) trusts no header at all.
_proxies = os.environ.get("SURVEY_PROXIES", "0")
if not _proxies.isdigit():
    raise SystemExit(f"sip-uppfoljning cannot start: SURVEY_PROXIES={_proxies!r} is not a number")
if int(_proxies):
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(_proxies), x_proto=int(_proxies))  # type: ignore[method-assign]
