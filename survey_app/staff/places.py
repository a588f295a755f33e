"""Areas and municipalities (admin): the reference data teams belong to; list and add."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice

from survey_app.domain import audit
from survey_app.extensions import db
from survey_app.models import Area, Municipality, StaffRole
from survey_app.staff import blueprint
from survey_app.staff.access import allow, current_staff
from survey_app.staff.admin_forms import AreaForm, MunicipalityForm
from survey_app.staff.navigation import add_menu_entry

add_menu_entry(
    "staff.places", _l("Områden och kommuner"), _l("Se och lägg till områden och kommuner."), 85
)


def _forms() -> tuple[AreaForm, MunicipalityForm]:
    area_form = AreaForm(prefix="area")
    municipality_form = MunicipalityForm(prefix="municipality")
    areas = db.session.scalars(select(Area).order_by(Area.name)).all()
    municipality_form.area.choices = [SelectChoice(str(a.id), a.name) for a in areas]
    return area_form, municipality_form


def _taken(model: type[Area] | type[Municipality], name: str) -> bool:
    return (
        db.session.scalar(select(model).where(func.lower(model.name) == name.lower())) is not None
    )


@blueprint.route("/places", methods=["GET", "POST"])
@allow(StaffRole.ADMIN)
def places() -> str | WerkzeugResponse:
    area_form, municipality_form = _forms()
    if area_form.submit.data and area_form.validate_on_submit():
        name = area_form.name.data.strip()
        if _taken(Area, name):
            area_form.name.errors.append(_("Det finns redan ett område med det namnet."))
        else:
            area = Area(name=name)
            db.session.add(area)
            db.session.flush()
            audit.record(current_staff(), audit.AREA_CREATED, "area", area.id, name=name)
            db.session.commit()
            flash(_("Området %(name)s är tillagt.", name=name), "info")
            return redirect(url_for("staff.places"))
    elif municipality_form.submit.data and municipality_form.validate_on_submit():
        name = municipality_form.name.data.strip()
        if _taken(Municipality, name):
            municipality_form.name.errors.append(_("Det finns redan en kommun med det namnet."))
        else:
            municipality = Municipality(name=name, area_id=municipality_form.area.data)
            db.session.add(municipality)
            db.session.flush()
            audit.record(
                current_staff(),
                audit.MUNICIPALITY_CREATED,
                "municipality",
                municipality.id,
                name=name,
            )
            db.session.commit()
            flash(_("Kommunen %(name)s är tillagd.", name=name), "info")
            return redirect(url_for("staff.places"))
    areas = db.session.scalars(select(Area).order_by(Area.name)).all()
    return render_template(
        "staff/places.html", areas=areas, area_form=area_form, municipality_form=municipality_form
    )
