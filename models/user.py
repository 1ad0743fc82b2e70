"""User accounts: one role each, tied to the organisation or student it acts for."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column


class Role(enum.StrEnum):
    """The four roles of DOMAIN.md."""

    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    STUDENT = "student"
    BUREAU = "bureau"


class User(CreatedAtMixin, Base):
    """An account; `session_token` is rotated on logout and password change to end sessions."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "(role = 'school') = (school_id IS NOT NULL)"
            " AND (role = 'enterprise') = (enterprise_id IS NOT NULL)"
            " AND (role = 'student') = (student_id IS NOT NULL)"
            " AND (role = 'bureau') = (region_id IS NOT NULL)",
            name="role_matches_tenant",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), unique=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    session_token: Mapped[str] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(10), default="zh")
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # Flask-Login's user protocol. The id carries the session token so that rotating the token
    # (logout, password change) invalidates every cookie issued before.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"
