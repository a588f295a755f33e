"""No respondent's address or link token reaches any log, with the real server's request log on."""

from __future__ import annotations

import http.client
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from flask import Flask
from werkzeug.serving import make_server

from .conftest import answer_everything


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")


@dataclass
class _Reply:
    status_code: int
    headers: dict[str, str]
    body: str

    def get_data(self, as_text: bool = True) -> str:
        return self.body


@dataclass
class LiveClient:
    """Just enough of a browser for the family path: one cookie, no redirect following."""

    port: int
    cookie: str = ""
    seen: list[int] = field(default_factory=list)

    def _request(self, method: str, path: str, data: dict[str, str] | None = None) -> _Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(
            method, path.removeprefix(f"http://127.0.0.1:{self.port}"), body, headers
        )
        response = connection.getresponse()
        text = response.read().decode()
        connection.close()
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        self.seen.append(response.status)
        return _Reply(response.status, dict(response.getheaders()), text)

    def get(self, path: str) -> _Reply:
        return self._request("GET", path)

    def post(self, path: str, data: dict[str, str] | None = None) -> _Reply:
        return self._request("POST", path, data or {})


@pytest.fixture
def live_port(app_factory: Callable[..., Flask], app: Flask) -> Iterator[int]:
    served = app_factory(SURVEY_BASE_URL="http://127.0.0.1:5000")  # cookies without Secure
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()
    server.server_close()


def test_opening_a_link_and_answering_logs_no_token_and_no_address(
    live_port: int, make_invitation: Callable, app: Flask
) -> None:
    invitation = make_invitation(role="guardian")
    capture = _Capture()
    # The handler sits on the root logger: werkzeug's and the app's records propagate to it.
    loggers = [logging.getLogger(), logging.getLogger("werkzeug"), app.logger]
    saved_levels = [logger.level for logger in loggers]
    loggers[0].addHandler(capture)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        client = LiveClient(live_port)
        answer_everything(client, invitation.token, "Bra möte.")  # type: ignore[arg-type]
        client.get("/s/en-gissad-lank-som-inte-finns")
        client.get("/s/tack")
    finally:
        loggers[0].removeHandler(capture)
        for logger, level in zip(loggers, saved_levels, strict=True):
            logger.setLevel(level)

    log = "\n".join(capture.lines)
    request_lines = [line for line in capture.lines if "HTTP/1.1" in line]
    assert len(request_lines) == len(client.seen), log  # the request log really was on
    assert invitation.token not in log
    assert "en-gissad-lank-som-inte-finns" not in log
    assert "127.0.0.1" not in log
    assert "/s/[link]" in log
