"""Keep respondents out of the logs: no client addresses, no link tokens."""

from __future__ import annotations

import logging
import re

from flask import Flask

#: A personal link's token in a request path.
TOKEN_IN_PATH = re.compile(r"/s/[A-Za-z0-9_\-]{8,}")


class RedactRespondentData(logging.Filter):
    """Drop the client address from request log lines and mask tokens in any message."""

    def filter(self, record: logging.LogRecord) -> bool:
        # werkzeug's request line is "%s - - [%s] %s": the first argument is the address.
        if (
            record.name == "werkzeug"
            and isinstance(record.args, tuple)
            and record.args
            and isinstance(record.msg, str)
            and record.msg.startswith("%s - - ")
        ):
            record.args = ("-", *record.args[1:])
        record.msg = TOKEN_IN_PATH.sub("/s/[link]", str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(
                TOKEN_IN_PATH.sub("/s/[link]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def init_privacy(app: Flask) -> None:
    redaction = RedactRespondentData()
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactRespondentData) for f in logger.filters):
            logger.addFilter(redaction)
