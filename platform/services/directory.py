"""Loading organisations and students for an actor: 404 when absent, 403 when not theirs; a
person's current enrolment."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Enterprise, School, Student, User
from skillbridge.platform.services.errors import NotFound, PermissionDenied
from skillbridge.platform.services.policies import (
    can_view_enterprise,
    can_view_school,
    can_view_student,
)
from skillbridge.platform.text import N_


def get_school(session: Session, actor: User, school_id: int) -> School:
    school = session.get(School, school_id)
    if school is None:
        raise NotFound(N_("学校不存在"))
    if not can_view_school(actor, school):
        raise PermissionDenied(N_("无权查看该学校"))
    return school


def get_enterprise(session: Session, actor: User, enterprise_id: int) -> Enterprise:
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(N_("企业不存在"))
    if not can_view_enterprise(actor, enterprise):
        raise PermissionDenied(N_("无权查看该企业"))
    return enterprise


def get_student(session: Session, actor: User, student_id: int) -> Student:
    student = session.get(Student, student_id)
    if student is None:
        raise NotFound(N_("学生不存在"))
    school = session.get(School, student.school_id)
    assert school is not None  # FK
    if not can_view_student(actor, student, school.region_id):
        raise PermissionDenied(N_("无权查看该学生"))
    return student


def latest_enrolment(session: Session, person_id: int) -> Student | None:
    """The person's most recent enrolment as a student, or None for someone never enrolled."""
    return session.scalar(
        select(Student).where(Student.person_id == person_id).order_by(Student.id.desc()).limit(1)
    )
