"""What families and staff type is shown escaped on every staff page, never as markup."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from survey_app.extensions import db
from survey_app.models import Campaign, CampaignState, StaffRole, Team, User, utcnow
from survey_app.web.access import rule_for
from tests.answers import submitted

from .conftest import answer_everything, team_named

#: Classic payloads: tags, attribute breaks, javascript: URLs, template syntax, encodings.
PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(document.cookie)",
    "{{ 7*7 }}{% raw %}",
    "</textarea><iframe src=//evil.example>",
    "&lt;b&gt;redan kodad&lt;/b&gt;",
    "'; DROP TABLE responses; --",
]
#: What must never appear raw in a page (the plain-text payloads are harmless as text).
DANGEROUS = [p for p in PAYLOADS if "<" in p or '"' in p]


def _staff_pages(client: FlaskClient, *paths: str) -> dict[str, str]:
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.get_data(as_text=True)
    return pages


def test_free_text_answers_and_staff_entered_names_are_escaped_on_staff_pages(
    app: Flask,
    make_invitation: Callable,
    make_user: Callable[..., User],
    staff_client: Callable[..., FlaskClient],
) -> None:
    # Families type the payloads into the free-text questions (G12 guardians, Y8 youth).
    for number, payload in enumerate(PAYLOADS):
        role = "guardian" if number % 2 == 0 else "youth"
        invitation = make_invitation(role=role, team="HLT Åsele")
        answer_everything(app.test_client(), invitation.token, payload)
    stored = {text for response in submitted() for _value, text in response.answers.values()}
    assert stored >= set(PAYLOADS)  # they really went through the family path

    # Staff-entered names carry payloads too: a window, a team and an account.
    opens = utcnow().replace(microsecond=0)
    db.session.add(
        Campaign(
            name=DANGEROUS[0],
            opens_at=opens,
            closes_at=opens.replace(year=opens.year + 1),
            state=CampaignState.DRAFT,
        )
    )
    team = Team(name=DANGEROUS[1], municipality_id=team_named("HLT Åsele").municipality_id)
    db.session.add(team)
    db.session.commit()
    make_user("coordinator", email="<svg/onload=alert(1)>@example.se", teams=(team.name,))

    admin = staff_client("admin")
    admin.post("/staff/campaigns/new", data={"name": DANGEROUS[2], "opens_at": "x"})
    pages = _staff_pages(admin, "/staff/", "/staff/campaigns", "/staff/users", "/staff/teams")
    pages.update(_staff_pages(admin, "/staff/audit", "/staff/users/new"))
    pages["campaign form with errors"] = admin.post(
        "/staff/campaigns/new", data={"name": DANGEROUS[3], "opens_at": "x"}
    ).get_data(as_text=True)
    coordinator = staff_client("coordinator", teams=(team.name, "HLT Åsele"))
    pages.update({f"coordinator {k}": v for k, v in _staff_pages(coordinator, "/staff/").items()})
    analyst = staff_client("analyst")
    pages.update({f"analyst {k}": v for k, v in _staff_pages(analyst, "/staff/").items()})

    # And every other staff page without URL parameters, for every role allowed to open it.
    for role, client in (("admin", admin), ("coordinator", coordinator), ("analyst", analyst)):
        for rule in app.url_map.iter_rules():
            access = rule_for(app, rule.endpoint)
            if (
                rule.endpoint.startswith("staff.")
                and not rule.arguments
                and "GET" in (rule.methods or set())
                and access is not None
                and not access.is_public
                and access.admits(StaffRole(role))
            ):
                response = client.get(rule.rule)
                assert response.status_code == 200, (role, rule.rule)
                pages[f"{role} {rule.rule}"] = response.get_data(as_text=True)

    for name, page in pages.items():
        for payload in DANGEROUS:
            assert payload not in page, (name, payload)
    everything = "\n".join(pages.values())
    assert str(escape(DANGEROUS[0])) in everything  # the window's name, escaped
    assert str(escape(DANGEROUS[1])) in everything  # the team's name, escaped
    assert str(escape("<svg/onload=alert(1)>@example.se")) in everything
    assert str(escape(DANGEROUS[3])) in pages["campaign form with errors"]
    # Staff never see individual answers: no family's free text reaches a staff page at all.
    for payload in ("javascript:alert(document.cookie)", "'; DROP TABLE responses; --"):
        assert payload not in everything
        assert str(escape(payload)) not in everything
