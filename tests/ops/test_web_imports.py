"""What a web worker loads: only what serving needs. The libraries below are loaded by the
commands and code paths that use them; in a worker they would only hold memory (a gunicorn
worker's share of the preloaded app: benchmarks/worker_memory.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Never imported by serving pages, and where each is loaded instead.
NOT_IN_A_WEB_WORKER = {
    "matplotlib": "charts: the analysis command",
    "scipy": "the analysis command",
    "numpy": "the analysis command",
    "pandas": "the analysis command",
    "statsmodels": "the analysis command",
    "openpyxl": "the export command",
    "alembic": "`flask db` (survey_app.ops.migrations)",
    "flask_migrate": "`flask db` (survey_app.ops.migrations)",
    "mako": "alembic's templates",
    "httpx": "the SMS sender command (survey_app.messaging.gateways.http)",
    "authlib": "a staff member's first single sign-on (survey_app.accounts.oidc_provider)",
    "joserfc": "a staff member's first single sign-on",
    "requests": "Authlib's HTTP client, with it",
    "rich": "httpx's command line, with it",
    "pygments": "rich and mako, with them",
}

#: As gunicorn's master does (deploy/gunicorn.conf.py), then a family page and a staff page.
SERVE = """
import sys
from survey_app.ops.warm_up import warm_up
from wsgi import app
warm_up(app)
client = app.test_client()
for path in ("/s/not-a-link-of-this-service-0000", "/staff/login", "/"):
    assert client.get(path).status_code < 500, path
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_serving_pages_loads_none_of_the_libraries_other_processes_use(
    migrated_database: str,
) -> None:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "SURVEY_ENV": "production",
        "SURVEY_SINGLE_PROCESS": "1",
        "SECRET_KEY": "web-imports-test-secret-" + "x" * 24,
        "SURVEY_DATABASE_URL": migrated_database,
        "SURVEY_BASE_URL": "https://enkat.example.se",
        "SMS_GATEWAY": "46elks",
        "ELKS_API_USER": "test",
        "ELKS_API_PASSWORD": "test",
        "SMS_SENDER": "RegionVbtn",
        # Single sign-on configured: its settings are checked at start, its libraries wait.
        "OIDC_DISCOVERY_URL": "https://idp.example.se/.well-known/openid-configuration",
        "OIDC_CLIENT_ID": "sip",
        "OIDC_CLIENT_SECRET": "secret",
        "PYTHONPATH": str(ROOT),
    }
    served = subprocess.run(
        [sys.executable, "-c", SERVE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.returncode == 0, served.stderr[-2000:]
    loaded = set(served.stdout.split())
    assert {"flask", "survey_app"} <= loaded  # the list is of the process that served
    assert sorted(loaded & set(NOT_IN_A_WEB_WORKER)) == []
