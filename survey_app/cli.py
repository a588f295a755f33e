"""Flask commands: one small command per task, grouped by feature."""

from __future__ import annotations

import json
from dataclasses import asdict

import click
from flask import Flask

from survey_app.demo import DemoError, create_demo, create_previous_window
from survey_app.demo.simulate import simulate_responses
from survey_app.i18n.commands import init_translation_commands
from survey_app.messaging.commands import init_messaging_commands
from survey_app.reporting.commands import init_reporting_commands


@click.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option(
    "--simulate",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Also add N simulated completed responses (each run adds N more).",
)
@click.option(
    "--previous",
    type=click.IntRange(min=0),
    default=0,
    metavar="M",
    help="Also create an earlier window with M simulated responses, closed and analysed, "
    "for the report to compare with (once; later runs keep it).",
)
def demo_command(as_json: bool, simulate: int, previous: int) -> None:
    """Create demo data (idempotently) and print the demo links."""
    try:
        if previous:
            earlier, made = create_previous_window(previous)
            if made and not as_json:
                click.echo(
                    f"Created the earlier window {earlier} with {previous} simulated responses, "
                    "closed and analysed."
                )
        result = create_demo()
    except DemoError as error:
        raise click.ClickException(str(error)) from error
    if simulate:
        simulated = simulate_responses(result.campaign_id, simulate)
        if not as_json:
            click.echo(
                f"Added {simulated.responses} simulated responses "
                f"({simulated.invitations} invitations, {simulated.meetings} meetings)."
            )
    if as_json:
        click.echo(json.dumps(asdict(result), ensure_ascii=False))
        return
    click.echo(f"Demo collection window {result.campaign_id} is open. Links for families:")
    for link in result.links:
        click.echo(f"  {link.role:<9} {link.language:<3} {link.team:<16} {link.url}")
    if result.staff:
        click.echo("Staff logins (/staff/login):")
        for account in result.staff:
            click.echo(f"  {account['role']:<12} {account['email']:<32} {account['password']}")


def init_commands(app: Flask) -> None:
    from survey_app.ops.backup import backup_command

    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    init_messaging_commands(app)
    init_translation_commands(app)
    init_reporting_commands(app.cli.add_command)
