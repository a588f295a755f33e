"""Commands for collection windows and their reports: `campaign list|close`, `report`."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec

import click
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from analysis.errors import DatasetError
from survey_app.domain.lifecycle import ENDED_STATES, CloseSummary, close_campaign
from survey_app.domain.release import count_responses
from survey_app.extensions import db
from survey_app.models import Campaign, Invitation, Meeting, utcnow
from survey_app.reporting.export import ExportError
from survey_app.reporting.reports import RESULTS_FILE, comparable_results, produce_report

P = ParamSpec("P")
#: Windows with at least this many responses get progress bars.
PROGRESS_FROM = 2000


def in_swedish(command: Callable[P, None]) -> Callable[P, None]:
    """Run a command with Swedish messages (there is no request to choose a language from)."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        with force_locale("sv"):
            command(*args, **kwargs)

    return run


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(
            _(
                "Det finns inget insamlingsfönster med id %(id)s. Se `flask campaign list`.",
                id=campaign_id,
            )
        )
    return campaign


class ProgressBar:
    """Progress callbacks that draw one bar on stderr (stdout stays clean for scripts)."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.bar: Any = None

    def _advance(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(max(0, done - self.bar.pos))

    def rows(self, done: int, total: int) -> None:
        """The export's callback: responses written so far."""
        self._advance(done, total)

    def stages(self, _stage: str, fraction: float) -> None:
        """The analysis's callback: the overall fraction done."""
        self._advance(round(fraction * 100), 100)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.group("campaign")
def campaign_group() -> None:
    """Collection windows: list them, close one."""


@campaign_group.command("list")
@in_swedish
def list_command() -> None:
    """List collection windows with their state and counts."""
    counts = db.session.execute(
        select(Meeting.campaign_id, func.count(Invitation.id))
        .join(Invitation, Invitation.meeting_id == Meeting.id)
        .group_by(Meeting.campaign_id)
    )
    invited = {campaign_id: count for campaign_id, count in counts}
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.id)).all()
    if not campaigns:
        click.echo(_("Det finns inga insamlingsfönster än."))
        return
    for campaign in campaigns:
        click.echo(
            _(
                "%(id)s  %(state)-8s  %(opens)s – %(closes)s  inbjudna %(invited)s  "
                "svar %(responses)s  %(name)s",
                id=campaign.id,
                state=campaign.state.value,
                opens=format_datetime(campaign.opens_at, "yyyy-MM-dd HH:mm"),
                closes=format_datetime(campaign.closes_at, "yyyy-MM-dd HH:mm"),
                invited=invited.get(campaign.id, 0),
                responses=count_responses(campaign.id),
                name=campaign.name,
            )
        )


def _describe_close(summary: CloseSummary) -> None:
    if summary.already_closed:
        click.echo(
            _("Insamlingsfönster %(id)s var redan stängt. Inget ändrades.", id=summary.campaign_id)
        )
    else:
        click.echo(
            _(
                "Insamlingsfönster %(id)s är stängt: %(cancelled)s sms stoppade, %(drafts)s "
                "påbörjade svar räknade och raderade, %(phones)s telefonnummer raderade.",
                id=summary.campaign_id,
                cancelled=summary.messages_cancelled,
                drafts=summary.drafts_discarded,
                phones=summary.phones_deleted,
            )
        )
    if summary.report_directory is not None:
        click.echo(_("Rapporten finns i %(path)s", path=summary.report_directory))
    if summary.report_error is not None:
        raise click.ClickException(
            _(
                "Fönstret är stängt, men rapporten kunde inte göras (%(error)s). "
                "Kör kommandot igen för att försöka på nytt.",
                error=summary.report_error,
            )
        )


@campaign_group.command("close")
@click.argument("campaign_id", type=int)
@click.option("--yes", is_flag=True, help="Stäng utan att fråga, även före sluttiden.")
@in_swedish
def close_command(campaign_id: int, yes: bool) -> None:
    """Close a window now: stop sending, delete phone numbers and drafts, make the report.

    Running it again on a closed window changes nothing.
    """
    campaign = _campaign(campaign_id)
    now = utcnow()
    if campaign.state not in ENDED_STATES and now < campaign.closes_at and not yes:
        click.confirm(
            _(
                "Fönstret %(name)s ska vara öppet till %(closes)s. Att stänga raderar "
                "telefonnummer och påbörjade svar för gott. Stänga nu?",
                name=campaign.name,
                closes=format_datetime(campaign.closes_at, "yyyy-MM-dd HH:mm"),
            ),
            abort=True,
        )
    _describe_close(close_campaign(campaign_id, now, manual=True))


@click.command("report")
@click.argument("campaign_id", type=int)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Mapp för rapporten; data set hamnar i MAPP/data.",
)
@click.option(
    "--compare",
    "compare_id",
    type=int,
    default=None,
    metavar="ID",
    help="Jämför med fönstret ID (annars med det senaste tidigare fönstret som har en rapport).",
)
@in_swedish
def report_command(campaign_id: int, out_dir: Path, compare_id: int | None) -> None:
    """Export a window's data set to OUT/data and run the analysis on it into OUT."""
    campaign = _campaign(campaign_id)
    with tempfile.TemporaryDirectory(prefix="sip-compare-") as scratch:
        previous = _comparison(campaign_id, compare_id, Path(scratch))
        _make_report(campaign, out_dir, previous)


def _comparison(campaign_id: int, compare_id: int | None, scratch: Path) -> Path | None:
    """The other window's results.json: its stored report, or one made now in scratch."""
    if compare_id is None:
        return None
    _campaign(compare_id)
    if compare_id == campaign_id:
        raise click.ClickException(_("Ett fönster kan inte jämföras med sig självt."))
    stored = comparable_results(compare_id)
    if stored is not None:
        return stored
    try:
        produce_report(compare_id, scratch, previous=None)
    except (ExportError, DatasetError, OSError) as error:
        raise click.ClickException(
            _("Rapporten kunde inte göras: %(error)s", error=error)
        ) from error
    return scratch / RESULTS_FILE


def _make_report(campaign: Campaign, out_dir: Path, previous: Path | None) -> None:
    campaign_id = campaign.id
    if campaign.state not in ENDED_STATES:
        click.echo(
            _(
                "Obs: fönstret %(id)s är fortfarande öppet. Rapporten är preliminär och "
                "ändras när fler svarar.",
                id=campaign_id,
            )
        )
    large = count_responses(campaign_id) >= PROGRESS_FROM
    export_bar = ProgressBar(_("Exporterar svar"), large)
    analysis_bar = ProgressBar(_("Analyserar"), large)
    try:
        report = produce_report(
            campaign_id,
            out_dir,
            export_progress=export_bar.rows,
            analysis_progress=analysis_bar.stages,
            previous=previous,
        )
    except (ExportError, DatasetError, OSError) as error:
        raise click.ClickException(
            _("Rapporten kunde inte göras: %(error)s", error=error)
        ) from error
    finally:
        export_bar.close()
        analysis_bar.close()
    click.echo(
        _(
            "Rapporten för fönster %(id)s finns i %(path)s (%(responses)s svar, "
            "%(invitations)s inbjudningar).",
            id=campaign_id,
            path=report.directory,
            responses=report.dataset.responses,
            invitations=report.dataset.invitations,
        )
    )


def init_reporting_commands(add: Callable[[click.Command], None]) -> None:
    add(campaign_group)
    add(report_command)
