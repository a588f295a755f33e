"""`flask demo --simulate N`: N more completed responses, with a believable funnel around them."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from survey_app.models import Answer, Campaign, Draft, Invitation, Meeting, Response
from survey_app.questionnaires import all_questionnaires


def _count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_simulate_adds_the_requested_number_of_responses(runner, db):
    result = runner.invoke(args=["demo", "--simulate", "120"])
    assert result.exit_code == 0, result.output
    assert "Added 120 simulated responses" in result.output
    assert _count(db, Response) == 120
    result = runner.invoke(args=["demo", "--simulate", "30"])
    assert result.exit_code == 0, result.output
    assert _count(db, Response) == 150  # each run adds N more
    campaign_ids = {r.campaign_id for r in db.session.scalars(sa.select(Response))}
    assert len(campaign_ids) == 1
    assert db.session.get(Campaign, campaign_ids.pop()).name.startswith("Demo")


def test_simulated_invitations_form_a_funnel(runner, db):
    assert runner.invoke(args=["demo", "--simulate", "200"]).exit_code == 0
    completed = _count(db, Invitation, Invitation.completed_at.is_not(None))
    assert completed == _count(db, Response) == 200
    unanswered = _count(db, Invitation, Invitation.completed_at.is_(None))
    assert unanswered > 40  # some are never opened, some stop half way
    assert _count(db, Invitation, Invitation.opted_out_at.is_not(None)) > 0
    halfway = _count(
        db, Invitation, Invitation.started_at.is_not(None), Invitation.completed_at.is_(None)
    )
    assert halfway > 0
    assert _count(db, Draft) == halfway  # those who stopped half way left a draft
    teams = Counter(m.team.municipality.area.name for m in db.session.scalars(sa.select(Meeting)))
    assert len(teams) == 3


def test_simulated_answers_follow_scales_and_filters(runner, db, app):
    assert runner.invoke(args=["demo", "--simulate", "150"]).exit_code == 0
    questionnaires = all_questionnaires()
    roles: Counter[str] = Counter()
    choices: Counter[str] = Counter()
    dont_know: Counter[str] = Counter()
    for response in db.session.scalars(sa.select(Response)):
        roles[response.role.value] += 1
        questionnaire = questionnaires[response.questionnaire_key]
        answers = {a.item_key: a for a in response.answers}
        filter_item = questionnaire.items[0]
        assert filter_item.key in answers
        skipped = questionnaire.skipped_items(
            {filter_item.key: str(answers[filter_item.key].value)}
        )
        assert not skipped & set(answers)
        for key, answer in answers.items():
            item = questionnaire.item(key)
            if item.type != "choice" or item.dimension == "filter":
                continue
            choices[response.role.value] += 1
            if answer.value is None:
                dont_know[response.role.value] += 1
            else:
                assert answer.value in item.choice_scale.values
    assert set(roles) == {"guardian", "child", "youth"}
    assert roles["guardian"] > roles["child"]
    assert _count(db, Answer, Answer.text.is_not(None)) > 0
    # Children answer "Vet inte" more often than guardians.
    assert dont_know["child"] / choices["child"] > dont_know["guardian"] / choices["guardian"]
