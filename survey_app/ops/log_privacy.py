"""Keep respondents out of the logs: no client addresses, no link tokens."""

from __future__ import annotations

import logging
import re

from flask import Flask

#: A personal link's token in a request path.
TOKEN_IN_PATH = re.compile(r"/s/[A-Za-z0-9_\-]{8,}")
#: The client address at the start of werkzeug's request line ("203.0.113.9 - - [date] ...").
ADDRESS_AT_START = re.compile(r"^\S+ - - \[")


class RedactRespondentData(logging.Filter):
    """Drop the client address from request log lines and mask tokens in any message."""

    def filter(self, record: logging.LogRecord) -> bool:
        # werkzeug's request line starts with the address: older versions pass it as the first
        # argument of "%s - - [%s] %s", newer ones (3.x) write it into the message itself.
        if record.name == "werkzeug" and isinstance(record.msg, str):
            if record.msg.startswith("%s - - ") and isinstance(record.args, tuple) and record.args:
                record.args = ("-", *record.args[1:])
            else:
                record.msg = ADDRESS_AT_START.sub("- - - [", record.msg)
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
