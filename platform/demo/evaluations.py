"""A finished demo placement with its evaluations, report, grade, outcome and certificate."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    ContractType,
    EvaluationStage,
    OutcomeKind,
    Placement,
    PlacementStatus,
    Slot,
    Student,
    User,
)
from skillbridge.platform.demo.region import DEMO_LOGINS
from skillbridge.platform.services.evaluations import (
    certificate,
    outcomes,
    ratings,
    reports,
    scores,
)
from skillbridge.platform.services.evaluations.rubrics import rubric_for_school
from skillbridge.platform.services.placements import assignment, lifecycle
from skillbridge.platform.services.placements.records import load_placement

# The season's placement ends early, after this many days on the post (the student returns to
# school for its final exams), so every stage has come round by the day after.
DAYS_ON_POST = 75
REPORT = (
    "跟岗实习期间，我在数控车间跟随师傅学习了数控车床的开机检查、对刀和首件检验，"
    "掌握了游标卡尺和千分尺的使用，参与了6S现场管理。遇到的主要问题是刀具磨损判断不准，"
    "经师傅指导后学会了根据切屑颜色和表面粗糙度判断换刀时机。"
)
# Scores per criterion position: the mentor and the teacher differ a little, as they do.
MENTOR_SCORES, TEACHER_SCORES, SELF_SCORES = (
    (4, 5, 4, 4, 5, 4),
    (5, 4, 4, 4, 4, 5),
    (4, 4, 3, 4, 4, 5),
)


def _login(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.email == DEMO_LOGINS[name])).one()


def _scores(school_code: str, values: tuple[int, ...]) -> dict[str, int | None]:
    criteria = rubric_for_school(school_code).criteria
    return {c.code: values[i % len(values)] for i, c in enumerate(criteria)}


def _finished(
    session: Session, school: User, enterprise: User, student: User, teacher: User
) -> int | None:
    """A started placement of another demo-school student at the demo enterprise (one the demo
    teacher follows already, when there is one), ended early."""
    placement_id = session.scalar(
        select(Placement.id)
        .join(Student, Student.id == Placement.student_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(
            Placement.status == PlacementStatus.ACTIVE,
            Student.school_id == school.school_id,
            Student.id != student.student_id,  # the demo student keeps its running placement
            Slot.enterprise_id == enterprise.enterprise_id,
        )
        .order_by((Placement.teacher_user_id == teacher.id).desc(), Placement.id)
        .limit(1)
    )
    if placement_id is None:
        return None
    start = session.get_one(Placement, placement_id).start_date
    lifecycle.end_placement(session, school, placement_id, start + timedelta(days=DAYS_ON_POST))
    return placement_id


def seed_demo_evaluations(session: Session) -> dict[str, int]:
    """A demo-school student's placement at the demo enterprise, followed by the demo teacher and
    mentor, ended, evaluated at both stages, reported, graded, with its outcome and certificate."""
    student, school = _login(session, "student"), _login(session, "school")
    enterprise, mentor, teacher = (_login(session, n) for n in ("enterprise", "mentor", "teacher"))
    placement_id = _finished(session, school, enterprise, student, teacher)
    if placement_id is None:
        return {"evaluated placements": 0}
    newly_followed = session.get_one(Placement, placement_id).teacher_user_id != teacher.id
    assignment.assign_staff(session, school, [placement_id], teacher.id)
    assignment.assign_staff(session, enterprise, [placement_id], mentor.id)
    context = load_placement(session, school, placement_id)
    intern = session.scalars(
        select(User).where(User.student_id == context.student.id).order_by(User.id)
    ).first()
    assert intern is not None  # a placed student has activated its account
    done_on = context.placement.end_date + timedelta(days=1)
    code = context.school.code
    for stage in EvaluationStage:
        for writer, values, comment in (
            (mentor, MENTOR_SCORES, "工作认真，安全意识强，操作规范。"),
            (teacher, TEACHER_SCORES, "周志按时提交，能主动总结问题。"),
            (intern, SELF_SCORES, "对刀还不够熟练，需要多练习。"),
        ):
            entry = scores.EvaluationInput(stage, _scores(code, values), comment)
            scores.submit_evaluation(session, writer, placement_id, entry, done_on)
    rated = ratings.RatingInput(
        {"safety": 5, "learning": 4, "pay_on_time": 5, "treatment": 4}, "师傅带教耐心"
    )
    ratings.rate_host(session, intern, placement_id, rated)
    reports.submit_report(session, intern, placement_id, REPORT)
    reports.grade_report(session, teacher, placement_id, 88)
    hire = outcomes.OutcomeInput(
        OutcomeKind.HIRED_BY_HOST,
        started_on=done_on + timedelta(days=30),
        contract_type=ContractType.FIXED_TERM,
        contract_months=36,
        social_insurance=True,
    )
    outcomes.record_outcome(session, school, placement_id, hire)
    outcomes.confirm_outcome(session, enterprise, placement_id)
    certificate.issue_certificate(session, school, placement_id, done_on)
    return {"evaluated placements": 1, "evaluated, newly followed by the teacher": newly_followed}
