"""The meeting list as a CSV file: one row per invitation, SMS states only.

Never an answer, an opening or a phone number: the same facts the meeting pages show. Cells
that a spreadsheet would run as a formula are neutralised as in the data set export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from survey_app.i18n import FAMILY_LANGUAGES, language_label
from survey_app.reporting.export import neutralise_formula
from survey_app.staff.display import (
    AGE_BAND_LABELS,
    INVITEE_LABELS,
    SMS_STATE_LABELS,
    translated,
)
from survey_app.staff.meeting_list import MeetingRow


def _header() -> list[str]:
    return [
        _("Möte"),
        _("Mötesdatum"),
        _("Team"),
        _("Barnets ålder"),
        _("Registrerat"),
        _("Inbjuden"),
        _("Språk"),
        _("Länken på vårdnadshavarens telefon"),
        _("Sms"),
        _("Vill inte ha fler sms"),
    ]


def meetings_as_csv(meetings: Iterable[MeetingRow]) -> tuple[str, int]:
    """The CSV text (UTF-8 with BOM when encoded, for Excel) and how many meetings it holds."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header())
    # Every label translated once, not once per row.
    yes, no = _("Ja"), _("Nej")
    ages = translated(AGE_BAND_LABELS)
    roles = translated(INVITEE_LABELS)
    states = translated(SMS_STATE_LABELS)
    languages = {code: language_label(code, isolated=False) for code in FAMILY_LANGUAGES}
    count = 0
    for meeting in meetings:
        count += 1
        common = [
            meeting.meeting_id,
            meeting.held_on.isoformat(),
            neutralise_formula(meeting.team),
            ages[meeting.age_band],
            meeting.registered_on.isoformat(),
        ]
        if not meeting.invitations:
            writer.writerow([*common, "", "", "", "", ""])
        for invitation in meeting.invitations:
            writer.writerow(
                [
                    *common,
                    roles[invitation.role],
                    languages.get(invitation.language, invitation.language),
                    yes if invitation.handed_over else no,
                    states[invitation.sms],
                    yes if invitation.opted_out else no,
                ]
            )
    return buffer.getvalue(), count
