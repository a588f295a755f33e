"""The meeting's context — whether the child took part, which services were there — in the data set.

The coordinator registers both with the meeting; they travel sealed with each answer and
come out at close as a released group column (child_attended) and as counts per role and
service (services.csv), the latter only where a count and the rest of its role are large
enough. These tests pin what comes out for small, written-out windows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask

from analysis.contract import SERVICE_COLUMNS
from survey_app.domain import sealing
from survey_app.domain.answering import response_context
from survey_app.domain.lifecycle import close_campaign
from survey_app.extensions import db
from survey_app.models import (
    AgeBand,
    Campaign,
    ChildAttended,
    Invitation,
    Meeting,
    Response,
    SealedResponse,
    Service,
    utcnow,
)
from survey_app.reporting.export import build_dataset

from .conftest import read_csv

Respond = Callable[..., None]


def _services_csv(folder: Any) -> dict[tuple[str, str], tuple[int, int]]:
    rows = read_csv(folder / "services.csv")
    return {(r["role"], r["service"]): (int(r["invited"]), int(r["completed"])) for r in rows}


def test_attendance_and_services_reach_the_data_set_open_and_closed(
    app: Flask,
    make_campaign: Callable[..., Campaign],
    make_meeting: Callable[..., Meeting],
    make_invitation: Callable[..., Invitation],
    respond: Respond,
    tmp_path: Any,
) -> None:
    """With a minimum of 1 every figure shows, so the files can be compared with the meetings."""
    app.config["MIN_GROUP_SIZE"] = 1
    campaign = make_campaign()
    asele = make_meeting(
        campaign=campaign,
        team="HLT Åsele",
        age_band=AgeBand.CHILD,
        child_attended=ChildAttended.YES,
        services=(Service.SOCIAL_SERVICES, Service.SCHOOL_HEALTH),
    )
    umea = make_meeting(
        campaign=campaign,
        team="HLT Umeå",
        age_band=AgeBand.YOUTH,
        child_attended=ChildAttended.NO,
        services=(Service.CHILD_PSYCHIATRY,),
    )
    answering = [
        make_invitation(meeting=asele, role="guardian"),
        make_invitation(meeting=asele, role="child"),
        make_invitation(meeting=umea, role="youth"),
    ]
    make_invitation(meeting=umea, role="guardian")  # does not answer
    for invitation in answering:
        respond(invitation)
    expected_services = {
        ("child", "school_health"): (1, 1),
        ("child", "social_services"): (1, 1),
        ("guardian", "child_psychiatry"): (1, 0),
        ("guardian", "school_health"): (1, 1),
        ("guardian", "social_services"): (1, 1),
        ("youth", "child_psychiatry"): (1, 1),
    }
    for status, folder in (("open", tmp_path / "open"), ("closed", tmp_path / "closed")):
        if status == "closed":
            close_campaign(campaign.id, utcnow())
        build_dataset(campaign.id, folder)
        invitations = read_csv(folder / "invitations.csv")
        assert Counter((r["role"], r["child_attended"]) for r in invitations) == {
            ("guardian", "yes"): 1,
            ("child", "yes"): 1,
            ("guardian", "no"): 1,
            ("youth", "no"): 1,
        }, status
        responses = read_csv(folder / "responses.csv")
        assert {(r["role"], r["child_attended"]) for r in responses} == {
            ("guardian", "yes"),
            ("child", "yes"),
            ("youth", "no"),
        }, status
        assert tuple(read_csv(folder / "services.csv")[0]) == SERVICE_COLUMNS
        assert _services_csv(folder) == expected_services, status
        assert {r["campaign_id"] for r in read_csv(folder / "services.csv")} == {str(campaign.id)}


def test_a_service_count_is_left_out_when_it_or_the_rest_of_its_role_is_small(
    app: Flask,
    make_campaign: Callable[..., Campaign],
    make_meeting: Callable[..., Meeting],
    make_invitation: Callable[..., Invitation],
    respond: Respond,
    tmp_path: Any,
) -> None:
    """Minimum 3. Guardians: 4 at a meeting with social services (3 answer), 3 at a meeting
    with social services and habilitation, 1 at a meeting with another service.

    | service      | invitations, answers | rest of the guardians | stored |
    |--------------|----------------------|-----------------------|--------|
    | social       | 7, 3                 | 1, 0  (one family)    | no     |
    | habilitation | 3, 0                 | 5, 3                  | yes    |
    | other        | 1, 0                 | 7, 3                  | no     |
    """
    app.config["MIN_GROUP_SIZE"] = 3
    campaign = make_campaign()
    meetings = {
        (Service.SOCIAL_SERVICES,): 4,
        (Service.SOCIAL_SERVICES, Service.HABILITATION): 3,
        (Service.OTHER,): 1,
    }
    invitations: list[Invitation] = []
    for services, guardians in meetings.items():
        meeting = make_meeting(campaign=campaign, services=services)
        invitations += [make_invitation(meeting=meeting) for _ in range(guardians)]
    for invitation in invitations[:3]:
        respond(invitation)
    close_campaign(campaign.id, utcnow())
    stored = db.session.execute(
        sa.text("SELECT role, service, invited, completed FROM released_service_counts")
    ).all()
    assert [tuple(row) for row in stored] == [("guardian", "habilitation", 3, 0)]
    build_dataset(campaign.id, tmp_path)
    assert _services_csv(tmp_path) == {("guardian", "habilitation"): (3, 0)}


def test_an_answer_sealed_without_the_meeting_context_is_released_merged(
    app: Flask,
    make_invitation: Callable[..., Invitation],
    respond: Respond,
    tmp_path: Any,
) -> None:
    """An answer sealed by the version before (no attendance, no services in its seal) is
    released with attendance "*" and counted under no service: no invitation shares its
    unknown value, so keeping it would single it out."""
    app.config["MIN_GROUP_SIZE"] = 1
    invitation = make_invitation(services=(Service.PRIMARY_CARE,))
    respond(invitation)
    sealed = db.session.scalars(sa.select(SealedResponse)).one()
    payload = sealing.unseal(sealed.sealed, response_context(sealed.id))
    assert payload["child_attended"] == "yes"
    assert payload["services"] == ["primary_care"]
    del payload["child_attended"], payload["services"]
    sealed.sealed = sealing.seal(payload, response_context(sealed.id))
    db.session.commit()
    close_campaign(invitation.meeting.campaign_id, utcnow())
    response = db.session.scalars(sa.select(Response)).one()
    assert response.child_attended == "*"
    build_dataset(invitation.meeting.campaign_id, tmp_path)
    assert _services_csv(tmp_path) == {}
