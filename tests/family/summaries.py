"""A closed and analysed window with answers in three areas, for the "Det här blev det" tests.

Answers are submitted as the last question page submits them (sealed), then the window is
closed the real way: released in groups, the report made. With MIN_GROUP_SIZE 5:

* Södra Lappland (HLT Åsele): 6 children and 5 guardians, enough for figures of their own;
* Skellefteå/Norsjö (HLT Skellefteå): 5 children;
* Umeå med krans (HLT Umeå): 2 children, too few: the release merges them with Skellefteå's
  into a group without area, so neither area has a figure of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from survey_app.domain.answering import SubmitOutcome, submit
from survey_app.domain.lifecycle import close_campaign
from survey_app.extensions import db
from survey_app.models import Area, Campaign, CampaignState, utcnow
from survey_app.questionnaires import get_questionnaire

#: A child's answers; C2 ("Fick du säga vad du tyckte?") and C3 ("Lyssnade de vuxna på dig?")
#: are the summary's questions.
CHILD = {"C0": "3", "C1": "3", "C2": "3", "C3": "3", "C4": "2", "C5": "3", "C6": "3"}
GUARDIAN = {
    "G0": "3",
    "G1": "4",
    "G2": "4",
    "G3": "2",
    "G4": "3",
    "G5": "3",
    "G6": "4",
    "G7": "4",
    "G8": "3",
    "G9": "3",
    "G10": "3",
    "G11": "4",
    "G12": "",
}


def answer(invitation: Any, answers: dict[str, str]) -> None:
    questionnaire = get_questionnaire(invitation.questionnaire_key)
    assert submit(invitation.id, questionnaire, answers) is SubmitOutcome.STORED


@dataclass
class Window:
    campaign: Campaign
    #: Åsele's children (their `token` is their old link) and guardians.
    asele: list[Any]
    guardians: list[Any]
    skelleftea: list[Any]
    #: Umeå's children, whose area is too small for figures.
    umea: list[Any]

    @property
    def child(self) -> Any:
        return self.asele[0]

    @staticmethod
    def area(name: str) -> Area:
        found = db.session.scalar(select(Area).where(Area.name == name))
        assert found is not None, name
        return found


def open_window(make_invitation: Any, make_campaign: Any, *, language: str = "sv") -> Window:
    """The window with its invitations (the first Åsele child in `language`), no answers."""
    campaign = make_campaign()

    def invite(role: str, team: str) -> Any:
        return make_invitation(role=role, campaign=campaign, team=team)

    asele = [
        make_invitation(role="child", campaign=campaign, team="HLT Åsele", language=language),
        *(invite("child", "HLT Åsele") for _ in range(5)),
    ]
    return Window(
        campaign,
        asele=asele,
        guardians=[invite("guardian", "HLT Åsele") for _ in range(5)],
        skelleftea=[invite("child", "HLT Skellefteå") for _ in range(5)],
        umea=[invite("child", "HLT Umeå") for _ in range(2)],
    )


def answer_and_analyse(window: Window, *, answered_already: tuple[Any, ...] = ()) -> Window:
    """Everyone answers (but those who did already), then the window is closed and analysed.

    4 of the 6 Åsele children said they could say what they thought (C2 = Ja: 7 of 10); all 6
    were listened to (C3 = Ja: 10 of 10). A child answered in the browser must answer CHILD.
    """
    for n, invitation in enumerate(window.asele):
        if invitation not in answered_already:
            answer(invitation, {**CHILD, "C2": "3" if n < 4 else "2"})
    for invitation in window.guardians:
        answer(invitation, GUARDIAN)
    for invitation in [*window.skelleftea, *window.umea]:
        answer(invitation, CHILD)
    summary = close_campaign(window.campaign.id, utcnow())
    assert summary.report_error is None, summary.report_error
    db.session.refresh(window.campaign)
    assert window.campaign.state == CampaignState.ANALYSED
    return window
