"""`flask demo --simulate N`: N more completed responses, with a believable funnel around them."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from survey_app.domain.answering import has_answered
from survey_app.models import Campaign, Draft, Invitation, Meeting, SealedResponse
from survey_app.questionnaires import all_questionnaires
from tests.answers import funnel_counts, submitted


def _count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_simulate_adds_the_requested_number_of_responses(runner, db):
    result = runner.invoke(args=["demo", "--simulate", "120"])
    assert result.exit_code == 0, result.output
    assert "Added 120 simulated responses" in result.output
    assert _count(db, SealedResponse) == 120  # the demo window is open: sealed
    result = runner.invoke(args=["demo", "--simulate", "30"])
    assert result.exit_code == 0, result.output
    assert _count(db, SealedResponse) == 150  # each run adds N more
    campaign_ids = set(db.session.scalars(sa.select(SealedResponse.campaign_id)))
    assert len(campaign_ids) == 1
    assert db.session.get(Campaign, campaign_ids.pop()).name.startswith("Demo")


def test_simulated_invitations_form_a_funnel(runner, db):
    assert runner.invoke(args=["demo", "--simulate", "200"]).exit_code == 0
    invitations = db.session.scalars(sa.select(Invitation)).all()
    answered = [i for i in invitations if has_answered(i.id)]
    assert len(answered) == _count(db, SealedResponse) == 200
    assert len(invitations) - len(answered) > 40  # some never opened, some stop half way
    assert _count(db, Invitation, Invitation.opted_out_at.is_not(None)) > 0
    (campaign_id,) = {i.meeting.campaign_id for i in invitations}
    counts = funnel_counts(campaign_id)
    started = sum(n for (_role, stage), n in counts.items() if stage == "started")
    halfway = started - 200
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
    texts = 0
    for response in submitted():
        roles[response.role] += 1
        questionnaire = questionnaires[response.questionnaire_key]
        answers = response.answers
        filter_item = questionnaire.items[0]
        assert filter_item.key in answers
        skipped = questionnaire.skipped_items({filter_item.key: str(answers[filter_item.key][0])})
        assert not skipped & set(answers)
        for key, (value, text) in answers.items():
            texts += text is not None
            item = questionnaire.item(key)
            if item.type != "choice" or item.dimension == "filter":
                continue
            choices[response.role] += 1
            if value is None:
                dont_know[response.role] += 1
            else:
                assert value in item.choice_scale.values
    assert set(roles) == {"guardian", "child", "youth"}
    assert roles["guardian"] > roles["child"]
    assert texts > 0
    # Children answer "Vet inte" more often than guardians.
    assert dont_know["child"] / choices["child"] > dont_know["guardian"] / choices["guardian"]


def test_demo_previous_makes_an_analysed_window_the_report_compares_with(runner, db, tmp_path):
    """`demo --simulate N --previous M`: on a fresh machine the demo window's report compares
    with an earlier window, and `report ID --compare OTHER` picks the other window by hand."""
    import json

    from survey_app.demo import PREVIOUS_CAMPAIGN_NAME
    from survey_app.reporting.reports import has_report

    result = runner.invoke(args=["demo", "--simulate", "90", "--previous", "90", "--json"])
    assert result.exit_code == 0, result.output
    demo = json.loads(result.output.strip().splitlines()[-1])
    earlier = db.session.scalar(sa.select(Campaign).where(Campaign.name == PREVIOUS_CAMPAIGN_NAME))
    assert earlier is not None
    assert earlier.state.value == "analysed"
    assert has_report(earlier.id)
    # Once: a second run keeps the earlier window as it is.
    assert runner.invoke(args=["demo", "--previous", "90"]).exit_code == 0
    assert _count(db, Campaign, Campaign.name == PREVIOUS_CAMPAIGN_NAME) == 1

    out = tmp_path / "report"
    result = runner.invoke(args=["report", str(demo["campaign_id"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["window"]["id"] == demo["campaign_id"]
    assert data["window"]["status"] == "preliminary"
    assert data["previous"]["window_id"] == earlier.id
    assert "Jämfört med förra perioden" in (out / "report.html").read_text(encoding="utf-8")

    # By hand, the other way round: the earlier window against the open one.
    back = tmp_path / "back"
    result = runner.invoke(
        args=["report", str(earlier.id), "--out", str(back), "--compare", str(demo["campaign_id"])]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((back / "results.json").read_text(encoding="utf-8"))
    assert data["window"]["status"] == "final"
    assert data["previous"]["window_id"] == demo["campaign_id"]
