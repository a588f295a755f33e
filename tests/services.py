"""Real services for tests: a Redis server, and the service under gunicorn with several workers.

Both run as child processes on this machine only, talk over a Unix socket or a socket made
here on a free loopback port, and are stopped by the fixture whatever the test's outcome.
A missing redis-server fails the tests that need it: it never skips them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
#: How long a server may take to start before the test fails (not a timed assertion).
START_SECONDS = 60


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server on a Unix socket, for this test session (and xdist worker)."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: apt-get install redis-server (.ci/run does)")
    folder = tmp_path_factory.mktemp("redis")
    sock = folder / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
         "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_redis(sock, process)
        yield f"redis+unix://{sock}"
    finally:
        _stop(process)


def _wait_for_redis(sock: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"redis-server stopped at start (exit {process.returncode})")
        try:
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(str(sock))
                client.sendall(b"PING\r\n")
                if client.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail("redis-server did not answer")


@dataclass
class Gunicorn:
    """The service under gunicorn; every response names the worker (X-Test-Worker)."""

    origin: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self) -> httpx.Client:
        """A browser of its own: cookies, and a new connection per request (any worker)."""
        return httpx.Client(
            base_url=self.origin,
            limits=httpx.Limits(max_keepalive_connections=0),
            follow_redirects=False,
            timeout=30,
        )


def gunicorn_environment(database_url: str, redis: str, origin: str) -> dict[str, str]:
    """Production settings, as deploy/systemd/environment.example has them."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {
        **keep,
        "SURVEY_ENV": "production",
        "SECRET_KEY": "gunicorn-test-secret-key-" + "x" * 24,
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_BASE_URL": origin,
        "RATELIMIT_STORAGE_URI": redis,
        "SMS_GATEWAY": "46elks",
        "ELKS_API_USER": "test",
        "ELKS_API_PASSWORD": "test",
        "SMS_SENDER": "RegionVbtn",
        "SIP_WORKERS": "3",
        # Per hour, not per minute: what the tests count cannot drain away while they run.
        "LOGIN_FAILURE_LIMIT": "10 per hour",
        "LINK_FAILURE_LIMIT": "20 per hour",
        "PYTHONPATH": str(ROOT),
    }


def start_gunicorn(environment: dict[str, str], tmp_path: Path) -> Gunicorn:
    """gunicorn with deploy/gunicorn.conf.py on a socket bound here (no port race)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    environment = {**environment, "SIP_BIND": f"fd://{listener.fileno()}"}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py",
             "tests.gunicorn_app:app"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )  # fmt: skip
    listener.close()
    return Gunicorn(f"http://127.0.0.1:{port}", process, log)


def wait_until_serving(service: Gunicorn, workers: int) -> None:
    """Until every worker has answered once (each announces itself in the log)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            pytest.fail(f"gunicorn stopped: {service.log.read_text(errors='replace')[-2000:]}")
        booted = service.log.read_text(errors="replace").count("Booting worker")
        if booted >= workers:
            try:
                with service.client() as client:
                    if client.get("/staff/login").status_code == 200:
                        return
            except httpx.HTTPError:
                pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not serve: {service.log.read_text(errors='replace')[-2000:]}")


@pytest.fixture
def gunicorn_service(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Gunicorn]:
    """The service as deployed: gunicorn, 3 workers, production settings, Redis counters."""
    import redis

    redis.Redis.from_url(redis_url.replace("redis+unix://", "unix://")).flushall()
    environment = gunicorn_environment(database_url, redis_url, "http://127.0.0.1")
    service = start_gunicorn(environment, tmp_path)
    try:
        wait_until_serving(service, 3)
        yield service
    finally:
        _stop(service.process)
