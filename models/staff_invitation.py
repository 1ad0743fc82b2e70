"""Invitations of staff into an organisation: one-time token (stored hashed), expiry, outcome."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column
from .user import Role, StaffRole, _staff_role_check


class StaffInvitation(CreatedAtMixin, Base):
    """An admin's invitation of one person, by e-mail, to one staff role of its organisation.

    Only the SHA-256 of the one-time token is kept; accepting it creates the account and spends
    the invitation, so the link works once and only before `expires_at`.
    """

    __tablename__ = "staff_invitation"
    __table_args__ = (
        CheckConstraint(
            "(role = 'school') = (school_id IS NOT NULL)"
            " AND (role = 'enterprise') = (enterprise_id IS NOT NULL)"
            " AND (role = 'bureau') = (region_id IS NOT NULL)"
            " AND role IN ('school', 'enterprise', 'bureau')",
            name="role_matches_tenant",
        ),
        CheckConstraint(_staff_role_check(), name="staff_role_matches_role"),
        CheckConstraint(
            "(accepted_at IS NULL) = (accepted_user_id IS NULL)", name="accepted_has_user"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), index=True)
    display_name: Mapped[str] = mapped_column(String(60))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    staff_role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole, "staff_role"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    invited_by_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
