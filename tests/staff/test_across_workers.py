"""The deployment as shipped: gunicorn with 3 workers, counters and sessions shared through
Redis and the database. Each promise is checked until every worker has answered for it."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from survey_app.models import Invitation, User
from tests.services import (
    Gunicorn,
    gunicorn_environment,
    start_gunicorn,
)

from .conftest import PASSWORD

WORKERS = 3
#: Bounded: the loop stops after this many requests whatever happens.
MAX_TRIES = 240


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def _post_login(service: Gunicorn, email: str, password: str) -> httpx.Response:
    with service.client() as client:
        token = _token(client.get("/staff/login").text)
        return client.post(
            "/staff/login", data={"email": email, "password": password, "csrf_token": token}
        )


def _on_every_worker(
    call: Callable[[], httpx.Response], check: Callable[[httpx.Response], bool]
) -> dict[str, int]:
    """Repeat `call` (a few at a time, so that busy workers pass requests on) until every
    worker has answered; every answer must pass `check`. Returns answers per worker."""
    seen: dict[str, int] = {}
    tries = 0
    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        while len(seen) < WORKERS and tries < MAX_TRIES:
            for response in pool.map(lambda _: call(), range(2 * WORKERS)):
                tries += 1
                assert check(response), (response.status_code, response.text[:300])
                worker = response.headers["X-Test-Worker"]
                seen[worker] = seen.get(worker, 0) + 1
    assert len(seen) == WORKERS, f"only {len(seen)} workers answered in {tries} requests"
    return seen


@pytest.fixture
def service(gunicorn_service: Gunicorn) -> Gunicorn:
    return gunicorn_service


def test_eleven_wrong_passwords_lock_the_account_on_every_worker(
    service: Gunicorn, make_user: Callable[..., User]
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    attempts = [_post_login(service, user.email, f"fel lösenord nummer {n}") for n in range(11)]
    assert [a.status_code for a in attempts] == [200] * 10 + [429]
    assert len({a.headers["X-Test-Worker"] for a in attempts}) > 1  # counted across workers
    # Now even the right password is refused, whichever worker answers.
    _on_every_worker(
        lambda: _post_login(service, user.email, PASSWORD),
        lambda response: (
            response.status_code == 429 and "För många misslyckade inloggningar" in response.text
        ),
    )


def test_a_copied_session_cookie_is_refused_after_logout_on_every_worker(
    service: Gunicorn, make_user: Callable[..., User]
) -> None:
    user = make_user("coordinator", teams=("HLT Åsele",))
    with service.client() as browser:
        token = _token(browser.get("/staff/login").text)
        signed_in = browser.post(
            "/staff/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert signed_in.status_code == 302
        copied = browser.cookies["sip"]

        def with_copied_cookie() -> httpx.Response:
            with service.client() as thief:
                thief.cookies.set("sip", copied)
                return thief.get("/staff/")

        _on_every_worker(with_copied_cookie, lambda response: response.status_code == 200)
        logout = browser.post(
            "/staff/logout", data={"csrf_token": _token(browser.get("/staff/").text)}
        )
        assert logout.status_code == 302
    _on_every_worker(
        with_copied_cookie,
        lambda response: (
            response.status_code == 302 and "/staff/login" in response.headers["Location"]
        ),
    )


def test_a_valid_link_opens_after_100_unknown_ones_from_the_same_address(
    service: Gunicorn, make_invitation: Callable[..., Invitation]
) -> None:
    invitation = make_invitation()
    token = invitation.token
    with service.client() as guesser:
        statuses = [guesser.get(f"/s/gissad-lank-{n:04d}-xxxxxxxx").status_code for n in range(100)]
    # 20 unknown links per address (LINK_FAILURE_LIMIT), counted once for all workers.
    assert statuses == [404] * 20 + [429] * 80

    def open_valid_link() -> httpx.Response:
        with service.client() as family:  # the same address as the guesser
            return family.get(f"/s/{token}")

    _on_every_worker(
        open_valid_link,
        lambda response: response.status_code == 200 and 'data-url="/s/"' in response.text,
    )
    with service.client() as guesser:
        assert guesser.get("/s/gissad-lank-9999-xxxxxxxx").status_code == 429


def test_per_process_counters_stop_gunicorn_with_one_line(
    database_url: str, tmp_path: Path
) -> None:
    environment = gunicorn_environment(database_url, "memory://", "http://127.0.0.1")
    service = start_gunicorn(environment, tmp_path)
    try:
        assert service.process.wait(timeout=60) != 0
    except subprocess.TimeoutExpired:
        service.process.kill()
        raise
    log = service.log.read_text()
    lines = [line for line in log.splitlines() if "cannot start" in line]
    assert lines == [
        "sip-uppfoljning cannot start: RATELIMIT_STORAGE_URI=memory:// counts in each process "
        "alone, so every gunicorn worker and host would allow its own guesses: set "
        "RATELIMIT_STORAGE_URI=redis://… (README: Redis), or SURVEY_SINGLE_PROCESS=1 if one "
        "process on one host serves"
    ]
    assert "Traceback" not in log
