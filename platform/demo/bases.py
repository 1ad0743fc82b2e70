"""Demo training bases and studios: one recognised with its award raised, two awaiting review."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    BaseKind,
    BaseStatus,
    Employment,
    EmploymentStatus,
    Enterprise,
    TrainingBase,
    User,
)
from skillbridge.platform.demo.region import DEMO_LOGINS, REFERENCE_DATE
from skillbridge.platform.services import audit
from skillbridge.platform.services.bases import recognition, reviews


def _login(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.email == DEMO_LOGINS[name])).one()


def _employee_of(session: Session, enterprise_id: int) -> int:
    person_id = session.scalars(
        select(Employment.person_id)
        .where(Employment.enterprise_id == enterprise_id)
        .where(Employment.status == EmploymentStatus.CONFIRMED)
        .order_by(Employment.person_id)
    ).first()
    assert person_id is not None  # the demo enterprises keep employee registers
    return person_id


def _applied(
    session: Session,
    host: User,
    leader_id: int,
    kind: BaseKind,
    name: str,
    figures: tuple[int, int, int, int],
) -> TrainingBase:
    """The row an application writes (the demo holds no raw national IDs to type the leader's)."""
    bureau = _login(session, "bureau")
    assert bureau.region_id is not None
    occupations, site, capacity, intake = figures
    base = TrainingBase(
        region_id=bureau.region_id,
        kind=kind,
        name=name,
        enterprise_id=host.enterprise_id,
        school_id=host.school_id,
        leader_person_id=leader_id,
        occupation_count=occupations,
        site_m2=site,
        capacity=capacity,
        yearly_intake=intake,
        status=BaseStatus.APPLIED,
        created_by_id=host.id,
    )
    session.add(base)
    session.flush()
    audit.record(session, host, "training_base.created", "training_base", base.id, {"demo": True})
    return base


def seed_demo_bases(session: Session) -> dict[str, int]:
    """The demo enterprise's 技能大师工作室, reviewed and recognised in the reference year (its
    award raised as a claim for the bureau to approve); another enterprise's 名师工作室 and the
    demo school's training base, applied and waiting for the bureau's yearly review."""
    enterprise, school, reviewer = (
        _login(session, n) for n in ("enterprise", "school", "reviewer")
    )
    assert enterprise.enterprise_id is not None
    studio = _applied(
        session, enterprise, _employee_of(session, enterprise.enterprise_id),
        BaseKind.SKILL_MASTER_STUDIO, "数控加工技能大师工作室（演示）", (3, 260, 40, 600),
    )  # fmt: skip
    reviews.review_base(
        session, reviewer, studio.id, REFERENCE_DATE.year, {"activity": True}, "带徒12人，攻关3项"
    )
    recognised = recognition.recognise_base(session, reviewer, studio.id, REFERENCE_DATE)
    other = session.scalars(
        select(Enterprise.id)
        .where(Enterprise.region_id == studio.region_id)
        .where(Enterprise.id != enterprise.enterprise_id)
        .where(Enterprise.id.in_(select(Employment.enterprise_id)))
        .where(Enterprise.id.in_(select(User.enterprise_id)))
        .order_by(Enterprise.id)
    ).first()
    assert other is not None
    other_admin = session.scalars(
        select(User).where(User.enterprise_id == other).order_by(User.id)
    ).first()
    assert other_admin is not None
    _applied(
        session, other_admin, _employee_of(session, other), BaseKind.FAMOUS_TEACHER_STUDIO,
        "电工名师工作室（演示）", (2, 150, 30, 400),
    )  # fmt: skip
    _applied(
        session, school, _employee_of(session, enterprise.enterprise_id), BaseKind.TRAINING_BASE,
        "校企共建实训基地（演示）", (5, 800, 240, 2400),
    )  # fmt: skip
    raised = 1 if recognised.claim_note is None else 0
    return {"training bases and studios": 3, "studio awards raised": raised}
