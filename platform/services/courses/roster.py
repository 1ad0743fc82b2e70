"""A course's roster (persons the platform knows), its sessions with attendance, and 结业.

A trainee is found by national ID and must carry the name the platform holds for that ID
(services/known_persons). Attendance is one yes/no mark per trainee per session; no seed sets
an attendance share for 结业, so the organiser marks completion explicitly, with each trainee's
attendance beside the mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    CourseAttendance,
    CourseSession,
    CourseTrainee,
    Person,
    TrainingCourse,
    User,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.courses.records import open_course
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.known_persons import known_person
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.text import N_

UNKNOWN_ID = N_("身份证号：平台上没有该身份证号的人员（学员须已在平台登记）")


@dataclass(frozen=True)
class TraineeRow:
    """A trainee with the person's name, masked national ID and sessions attended."""

    trainee: CourseTrainee
    name: str
    national_id_masked: str
    attended: int


def trainee_count(session: Session, course_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(CourseTrainee)
            .where(CourseTrainee.course_id == course_id)
        )
        or 0
    )


def add_trainee(
    session: Session, actor: User, course_id: int, name: str, national_id: str, keys: IdentityKeys
) -> CourseTrainee:
    """Put one known person on an open course's roster, within its planned places."""
    course = open_course(session, actor, course_id)
    person = known_person(session, keys, name, national_id, UNKNOWN_ID)
    existing = session.scalar(
        select(CourseTrainee.id).where(
            CourseTrainee.course_id == course.id, CourseTrainee.person_id == person.id
        )
    )
    if existing is not None:
        raise Conflict(N_("该人员已在学员名单中"))
    if trainee_count(session, course.id) >= course.planned_places:
        raise Conflict(N_("学员名单已达计划人数"))
    trainee = CourseTrainee(course_id=course.id, person_id=person.id, added_by_id=actor.id)
    try:
        with session.begin_nested():
            session.add(trainee)
    except IntegrityError as exc:
        raise Conflict(N_("学员名单已被同时修改（重复的学员），请重试")) from exc
    audit.record(
        session,
        actor,
        "course.trainee_added",
        "training_course",
        course.id,
        {"trainee_id": trainee.id, "person_id": person.id},
    )
    return trainee


def _trainee_of(session: Session, course: TrainingCourse, trainee_id: int) -> CourseTrainee:
    trainee = session.get(CourseTrainee, trainee_id)
    if trainee is None or trainee.course_id != course.id:
        raise NotFound(N_("学员不存在"))
    return trainee


def remove_trainee(session: Session, actor: User, course_id: int, trainee_id: int) -> None:
    """Take a trainee off an open course's roster, with their attendance marks."""
    course = open_course(session, actor, course_id)
    trainee = _trainee_of(session, course, trainee_id)
    person_id = trainee.person_id
    for mark in session.scalars(
        select(CourseAttendance).where(CourseAttendance.trainee_id == trainee.id)
    ):
        session.delete(mark)
    session.flush()
    session.delete(trainee)
    session.flush()
    audit.record(
        session,
        actor,
        "course.trainee_removed",
        "training_course",
        course.id,
        {"trainee_id": trainee_id, "person_id": person_id},
    )


def list_trainees(session: Session, course: TrainingCourse, page: int = 1) -> Page[TraineeRow]:
    """A page of the roster by name, each with the sessions attended.

    The caller has loaded `course` through get_course (the actor may see it).
    """
    attended = (
        select(func.count())
        .select_from(CourseAttendance)
        .where(CourseAttendance.trainee_id == CourseTrainee.id, CourseAttendance.attended.is_(True))
        .scalar_subquery()
    )
    statement = (
        select(CourseTrainee, Person.name, Person.national_id_masked, attended)
        .join(Person, Person.id == CourseTrainee.person_id)
        .where(CourseTrainee.course_id == course.id)
        .order_by(Person.name, CourseTrainee.id)
    )
    return paginate(
        session, statement, page, lambda row: TraineeRow(row[0], row[1], row[2], row[3] or 0)
    )


def sessions_of(session: Session, course: TrainingCourse) -> list[CourseSession]:
    """The course's sessions by day."""
    return list(
        session.scalars(
            select(CourseSession)
            .where(CourseSession.course_id == course.id)
            .order_by(CourseSession.held_on)
        )
    )


def add_session(
    session: Session, actor: User, course_id: int, held_on: date | None
) -> CourseSession:
    """Add a session (a day within the course's dates) whose attendance is then taken."""
    course = open_course(session, actor, course_id)
    if held_on is None:
        raise InvalidInput(N_("上课日期：必填"))
    if not course.starts_on <= held_on <= course.ends_on:
        raise InvalidInput(N_("上课日期：应在开班日期与结业日期之间"))
    if session.scalar(
        select(CourseSession.id).where(
            CourseSession.course_id == course.id, CourseSession.held_on == held_on
        )
    ):
        raise Conflict(N_("该日期的课次已登记"))
    row = CourseSession(course_id=course.id, held_on=held_on)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:
        raise Conflict(N_("该日期的课次已登记")) from exc
    audit.record(
        session,
        actor,
        "course.session_added",
        "training_course",
        course.id,
        {"session_id": row.id, "held_on": held_on.isoformat()},
    )
    return row


def session_of(session: Session, course: TrainingCourse, session_id: int) -> CourseSession:
    row = session.get(CourseSession, session_id)
    if row is None or row.course_id != course.id:
        raise NotFound(N_("课次不存在"))
    return row


def attendance_of(session: Session, course_session: CourseSession) -> dict[int, bool]:
    """The session's marks by trainee id."""
    rows = session.execute(
        select(CourseAttendance.trainee_id, CourseAttendance.attended).where(
            CourseAttendance.session_id == course_session.id
        )
    )
    return {trainee_id: attended for trainee_id, attended in rows}


def _roster_ids(session: Session, course_id: int) -> set[int]:
    return set(
        session.scalars(select(CourseTrainee.id).where(CourseTrainee.course_id == course_id))
    )


def record_attendance(
    session: Session,
    actor: User,
    course_id: int,
    session_id: int,
    attended: Mapping[int, bool],
) -> None:
    """Set the session's mark of every trainee given (attended yes/no); all or nothing."""
    course = open_course(session, actor, course_id)
    row = session_of(session, course, session_id)
    strangers = sorted(set(attended) - _roster_ids(session, course.id))
    if strangers:
        raise InvalidInput(
            N_("考勤有误，未保存任何考勤"),
            details=[N_("学员 #%(id)d：不在本项目名单中", id=i) for i in strangers],
        )
    marks = {
        m.trainee_id: m
        for m in session.scalars(
            select(CourseAttendance).where(CourseAttendance.session_id == row.id)
        )
    }
    for trainee_id, present in sorted(attended.items()):
        mark = marks.get(trainee_id)
        if mark is None:
            session.add(
                CourseAttendance(session_id=row.id, trainee_id=trainee_id, attended=present)
            )
        else:
            mark.attended = present
    session.flush()
    audit.record(
        session,
        actor,
        "course.attendance_recorded",
        "training_course",
        course.id,
        {
            "session_id": row.id,
            "attended": sum(attended.values()),
            "absent": len(attended) - sum(attended.values()),
        },
    )


def record_completion(
    session: Session, actor: User, course_id: int, completed: Mapping[int, bool]
) -> None:
    """Mark who completed (结业) the open course; trainees not given keep their mark."""
    course = open_course(session, actor, course_id)
    strangers = sorted(set(completed) - _roster_ids(session, course.id))
    if strangers:
        raise InvalidInput(
            N_("结业名单有误，未保存"),
            details=[N_("学员 #%(id)d：不在本项目名单中", id=i) for i in strangers],
        )
    for trainee in session.scalars(
        select(CourseTrainee).where(CourseTrainee.id.in_(list(completed)))
    ):
        trainee.completed = completed[trainee.id]
    session.flush()
    audit.record(
        session,
        actor,
        "course.completion_recorded",
        "training_course",
        course.id,
        {"completed": sorted(i for i, done in completed.items() if done)},
    )
