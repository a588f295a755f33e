"""The service as gunicorn serves it, with each response naming its worker (tests only)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from wsgi import app as service


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return start_response(status, [*headers, ("X-Test-Worker", str(os.getpid()))], exc_info)

    return service(environ, start)
