"""Reference data: the areas, municipalities and HLT teams of Västerbotten.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen here on purpose: a migration must insert the same rows whenever it runs.
AREAS = {
    "Södra Lappland": ["Dorotea", "Lycksele", "Malå", "Sorsele", "Storuman", "Vilhelmina", "Åsele"],
    "Umeå med krans": ["Bjurholm", "Nordmaling", "Robertsfors", "Umeå", "Vindeln", "Vännäs"],
    "Skellefteå/Norsjö": ["Norsjö", "Skellefteå"],
}


def upgrade():
    connection = op.get_bind()
    areas = sa.table("areas", sa.column("id", sa.Integer), sa.column("name", sa.String))
    municipalities = sa.table(
        "municipalities", sa.column("id", sa.Integer), sa.column("name", sa.String),
        sa.column("area_id", sa.Integer),
    )
    teams = sa.table(
        "teams", sa.column("name", sa.String), sa.column("municipality_id", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    for area_name, municipality_names in AREAS.items():
        connection.execute(areas.insert().values(name=area_name))
        area_id = connection.execute(
            sa.select(areas.c.id).where(areas.c.name == area_name)
        ).scalar_one()
        for municipality_name in municipality_names:
            connection.execute(
                municipalities.insert().values(name=municipality_name, area_id=area_id)
            )
            municipality_id = connection.execute(
                sa.select(municipalities.c.id).where(municipalities.c.name == municipality_name)
            ).scalar_one()
            connection.execute(
                teams.insert().values(
                    name=f"HLT {municipality_name}", municipality_id=municipality_id, active=True
                )
            )


def downgrade():
    connection = op.get_bind()
    names = [name for names in AREAS.values() for name in names]
    connection.execute(sa.text("DELETE FROM teams WHERE name IN :names").bindparams(
        sa.bindparam("names", [f"HLT {n}" for n in names], expanding=True)))
    connection.execute(sa.text("DELETE FROM municipalities WHERE name IN :names").bindparams(
        sa.bindparam("names", names, expanding=True)))
    connection.execute(sa.text("DELETE FROM areas WHERE name IN :names").bindparams(
        sa.bindparam("names", list(AREAS), expanding=True)))
