"""Declarative base, naming convention and shared column helpers for every model."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Root of all SkillBridge models; its metadata carries the constraint naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Aware UTC now; the single clock used for every timestamp column."""
    return datetime.now(UTC)


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum stored as its value with a CHECK constraint (no native PG enum types)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class CreatedAtMixin:
    """Adds a `created_at` column set on insert."""

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VerificationStatus(enum.StrEnum):
    """Where an organisation stands in the bureau's verification queue."""

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


def exactly_one_set(*columns: str) -> str:
    """SQL for a CHECK that exactly one of `columns` is non-NULL, portable to SQLite and PG."""
    terms = " + ".join(f"(CASE WHEN {c} IS NOT NULL THEN 1 ELSE 0 END)" for c in columns)
    return f"{terms} = 1"
