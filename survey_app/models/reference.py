"""Reference data: areas, municipalities and HLT teams (seeded for Västerbotten)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db


class Area(db.Model):  # type: ignore[name-defined]
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="area", order_by="Municipality.name"
    )


class Municipality(db.Model):  # type: ignore[name-defined]
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)

    area: Mapped[Area] = relationship(back_populates="municipalities")
    teams: Mapped[list[Team]] = relationship(back_populates="municipality", order_by="Team.name")


class Team(db.Model):  # type: ignore[name-defined]
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    municipality: Mapped[Municipality] = relationship(back_populates="teams")
