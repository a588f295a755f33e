"""Small fake SMS providers on 127.0.0.1 that speak the documented request/response shapes.

46elks: POST /a1/sms, HTTP Basic, form (from, to, message, whendelivered) → JSON with id,
status "created", parts …; errors as a status with a plain-text reason.
Twilio: POST /2010-04-01/Accounts/{sid}/Messages.json, HTTP Basic SID/token, form (To, From or
MessagingServiceSid, Body, StatusCallback) → 201 JSON with sid, status "queued"; errors as
JSON {code, message, more_info, status}.
A test can queue scripted replies (status, body, headers, delay) to play failures.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs


@dataclass
class Reply:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"


@dataclass
class Received:
    method: str
    path: str
    authorization: str
    form: dict[str, str]

    def basic_auth(self) -> tuple[str, str]:
        scheme, _, encoded = self.authorization.partition(" ")
        assert scheme == "Basic"
        user, _, password = base64.b64decode(encoded).decode().partition(":")
        return user, password


class FakeProvider:
    """A provider on a free loopback port; subclasses answer a well-formed request."""

    def __init__(self, user: str, password: str) -> None:
        self.user = user
        self.password = password
        self.received: list[Received] = []
        self.script: deque[Reply] = deque()
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                form = {key: values[0] for key, values in parse_qs(raw).items()}
                request = Received("POST", self.path, self.headers.get("Authorization", ""), form)
                with provider.lock:
                    provider.received.append(request)
                    scripted = provider.script.popleft() if provider.script else None
                reply = scripted or provider.answer(request)
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body.encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a time-out test)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        assert isinstance(host, str)  # an IPv4 address, as bound above
        return f"http://{host}:{port}"

    def authorised(self, request: Received) -> bool:
        try:
            return request.basic_auth() == (self.user, self.password)
        except (AssertionError, ValueError):
            return False

    def answer(self, request: Received) -> Reply:
        raise NotImplementedError

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Fake46elks(FakeProvider):
    def answer(self, request: Received) -> Reply:
        if request.path != "/a1/sms":
            return Reply(404, "Not found", content_type="text/plain")
        if not self.authorised(request):
            return Reply(401, "Unauthorized", content_type="text/plain")
        for key in ("from", "to", "message"):
            if not request.form.get(key):
                return Reply(400, f"Missing key {key}", content_type="text/plain")
        message_id = "s" + secrets.token_hex(16)
        return Reply(
            200,
            json.dumps(
                {
                    "status": "created",
                    "direction": "outgoing",
                    "from": request.form["from"],
                    "created": "2026-11-23T10:00:00.000000",
                    "parts": 1,
                    "to": request.form["to"],
                    "cost": 5200,
                    "message": request.form["message"],
                    "id": message_id,
                }
            ),
        )


class FakeTwilio(FakeProvider):
    def error(self, status: int, code: int, message: str) -> Reply:
        return Reply(
            status,
            json.dumps(
                {
                    "code": code,
                    "message": message,
                    "more_info": f"https://www.twilio.com/docs/errors/{code}",
                    "status": status,
                }
            ),
        )

    def answer(self, request: Received) -> Reply:
        if request.path != f"/2010-04-01/Accounts/{self.user}/Messages.json":
            return self.error(404, 20404, "The requested resource was not found")
        if not self.authorised(request):
            return self.error(401, 20003, "Authenticate")
        if not request.form.get("To"):
            return self.error(400, 21604, "A 'To' phone number is required.")
        if not (request.form.get("From") or request.form.get("MessagingServiceSid")):
            return self.error(400, 21603, "A 'From' or 'MessagingServiceSid' is required.")
        return Reply(
            201,
            json.dumps(
                {
                    "sid": "SM" + secrets.token_hex(16),
                    "status": "queued",
                    "to": request.form["To"],
                    "body": request.form.get("Body", ""),
                    "num_segments": "1",
                    "error_code": None,
                }
            ),
        )
