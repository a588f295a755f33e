"""Areas and municipalities (admin): list, add, duplicates explained."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask.testing import FlaskClient

from survey_app.extensions import db
from survey_app.models import Area, AuditEvent, Municipality


def test_the_seeded_areas_and_municipalities_are_listed(
    staff_client: Callable[..., FlaskClient],
) -> None:
    page = staff_client("admin").get("/staff/places").get_data(as_text=True)
    for name in ("Södra Lappland", "Umeå med krans", "Skellefteå/Norsjö", "Sorsele", "Åsele"):
        assert name in page


def test_admin_adds_an_area_and_a_municipality_in_it(
    staff_client: Callable[..., FlaskClient],
) -> None:
    client = staff_client("admin")
    response = client.post(
        "/staff/places", data={"area-name": "Norra Lappland", "area-submit": "y"}
    )
    assert response.status_code == 302
    area = db.session.scalar(sa.select(Area).where(Area.name == "Norra Lappland"))
    assert area is not None
    response = client.post(
        "/staff/places",
        data={
            "municipality-name": "Kiruna",
            "municipality-area": area.id,
            "municipality-submit": "y",
        },
    )
    assert response.status_code == 302
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.name == "Kiruna"))
    assert municipality is not None
    assert municipality.area_id == area.id
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"area_created", "municipality_created"} <= actions


def test_duplicates_and_empty_names_are_explained(staff_client: Callable[..., FlaskClient]) -> None:
    client = staff_client("admin")
    duplicate = client.post(
        "/staff/places", data={"area-name": "södra lappland", "area-submit": "y"}
    )
    assert "Det finns redan ett område med det namnet." in duplicate.get_data(as_text=True)
    empty = client.post(
        "/staff/places", data={"municipality-name": " ", "municipality-submit": "y"}
    )
    page = empty.get_data(as_text=True)
    assert "Skriv kommunens namn." in page
    assert "Välj ett område." in page
    too_long = client.post("/staff/places", data={"area-name": "x" * 81, "area-submit": "y"})
    assert "Namnet får ha högst 80 tecken." in too_long.get_data(as_text=True)
