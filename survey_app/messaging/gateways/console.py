"""Development gateway: prints the SMS and keeps it in the outbox; no provider needed."""

from __future__ import annotations

import secrets

import click

from survey_app.messaging.gateways.base import Accepted, OutgoingSms
from survey_app.messaging.phones import masked


class ConsoleGateway:
    name = "console"

    def send(self, sms: OutgoingSms) -> Accepted:
        click.echo(f"[sms → {masked(sms.to)}] {sms.body}")
        return Accepted(
            provider_id=f"console-{secrets.token_hex(8)}", status="delivered", delivered=True
        )

    def close(self) -> None:
        return None
