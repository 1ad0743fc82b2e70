"""User accounts: one role each, tied to the organisation or student it acts for."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column


class Role(enum.StrEnum):
    """The kinds of account: the four roles of DOMAIN.md and a registered worker or apprentice."""

    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    STUDENT = "student"
    BUREAU = "bureau"
    WORKER = "worker"


class StaffRole(enum.StrEnum):
    """What an account may do inside its organisation (issue: staff roles); people act as self."""

    ADMIN = "admin"  # school or enterprise: invites staff, everything the organisation may do
    PLACEMENT_OFFICER = "placement_officer"  # school: rosters, cohorts, matching, agreements
    TEACHER = "teacher"  # school 指导教师: only the students assigned to them
    HR = "hr"  # enterprise: slots, candidates, employees, agreements, claims
    MENTOR = "mentor"  # enterprise 师傅: only the interns and apprentices assigned to them
    OFFICER = "officer"  # bureau: verification, filings, runs, compliance; invites bureau staff
    REVIEWER = "reviewer"  # bureau: reviews and approves filings and claims
    FINANCE = "finance"  # bureau: pays approved claims
    SELF = "self"  # a student or worker acting for themself


# The staff roles each kind of account may hold; the database enforces the same pairs.
STAFF_ROLES: dict[Role, tuple[StaffRole, ...]] = {
    Role.SCHOOL: (StaffRole.ADMIN, StaffRole.PLACEMENT_OFFICER, StaffRole.TEACHER),
    Role.ENTERPRISE: (StaffRole.ADMIN, StaffRole.HR, StaffRole.MENTOR),
    Role.BUREAU: (StaffRole.OFFICER, StaffRole.REVIEWER, StaffRole.FINANCE),
    Role.STUDENT: (StaffRole.SELF,),
    Role.WORKER: (StaffRole.SELF,),
}


def _staff_role_check() -> str:
    pairs = " OR ".join(
        f"(role = '{role.value}' AND staff_role IN ({', '.join(repr(s.value) for s in staff)}))"
        for role, staff in STAFF_ROLES.items()
    )
    return pairs


class User(CreatedAtMixin, Base):
    """An account; `session_token` is rotated on logout and password change to end sessions."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "(role = 'school') = (school_id IS NOT NULL)"
            " AND (role = 'enterprise') = (enterprise_id IS NOT NULL)"
            " AND (role = 'student') = (student_id IS NOT NULL)"
            " AND (role = 'bureau') = (region_id IS NOT NULL)"
            " AND (role = 'worker') = (person_id IS NOT NULL)",
            name="role_matches_tenant",
        ),
        CheckConstraint(_staff_role_check(), name="staff_role_matches_role"),
        # A worker may sign up with a phone number alone; every account has one login at least.
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_login"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(120), unique=True)
    phone: Mapped[str | None] = mapped_column(String(30), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), unique=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), unique=True)
    staff_role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole, "staff_role"))
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
