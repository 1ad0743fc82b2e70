"""Courses as services: the record, the roster by national ID and name, sessions, attendance,
结业, closing; the claims a closed course raises; the region's person-times against its target."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from skillbridge.models import (
    AuditEvent,
    Beneficiary,
    CourseAttendance,
    CourseStatus,
    CourseTrainee,
    SubsidyClaim,
    TrainingCourse,
)
from skillbridge.platform.services.courses import records, roster
from skillbridge.platform.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from skillbridge.platform.services.subsidies import claims
from skillbridge.platform.services.subsidies.course_facts import course_key

from .conftest import (
    AFTER,
    ENDS_ON,
    MATCHING_FUND,
    STARTS_ON,
    TRAINING_SUBSIDY,
    Scene,
    course_input,
    course_with,
)


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model))


def test_a_school_records_a_course_and_every_wrong_field_is_named(session, wujiang: Scene):  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        records.create_course(
            session,
            wujiang.users["school"],
            course_input(
                wujiang,
                title=" ",
                kind="evening_class",
                level="guru",
                ends_on=date(2024, 5, 1),
                planned_places=0,
            ),
        )
    assert set(refused.value.details) == {
        "项目名称：必填",
        "项目类别：请从项目类别中选择",
        "培训等级：请从职业技能等级中选择",
        "结业日期：不能早于开班日期",
        "计划人数：应为 1 至 10000 的整数",
    }
    assert _count(session, TrainingCourse) == 0
    course = records.create_course(session, wujiang.users["school"], course_input(wujiang))
    assert (course.school_id, course.enterprise_id, course.region_id) == (
        wujiang.school.id,
        None,
        wujiang.region.id,
    )
    assert course.status == CourseStatus.OPEN
    assert (
        session.scalar(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "training_course", AuditEvent.object_id == str(course.id)
            )
        )
        == "course.created"
    )


def test_only_an_organisations_managers_record_and_the_bureau_reads(session, wujiang: Scene):  # type: ignore[no-untyped-def]
    for who in ("teacher", "mentor", "officer"):
        with pytest.raises(PermissionDenied):
            records.create_course(session, wujiang.users[who], course_input(wujiang))
    course = records.create_course(session, wujiang.users["enterprise"], course_input(wujiang))
    assert records.get_course(session, wujiang.users["officer"], course.id) == course
    assert records.get_course(session, wujiang.users["reviewer"], course.id) == course
    with pytest.raises(PermissionDenied):
        records.managed_course(session, wujiang.users["officer"], course.id)
    for outsider in ("other_school", "other_bureau", "school"):
        with pytest.raises(NotFound):
            records.get_course(session, wujiang.users[outsider], course.id)
    listed = records.list_courses(session, wujiang.users["officer"])
    assert [c.id for c in listed.items] == [course.id]
    assert records.list_courses(session, wujiang.users["school"]).items == []


def test_a_known_person_joins_once_within_the_planned_places(session, wujiang: Scene):  # type: ignore[no-untyped-def]
    course = records.create_course(
        session, wujiang.users["school"], course_input(wujiang, planned_places=1)
    )
    person, national_id = wujiang.person()
    school, keys = wujiang.users["school"], wujiang.keys
    with pytest.raises(InvalidInput, match="姓名"):
        roster.add_trainee(session, school, course.id, "别人", national_id, keys)
    unknown = national_id[:-4] + ("0000" if national_id[-4:] != "0000" else "0001")
    with pytest.raises(InvalidInput, match="身份证号"):
        roster.add_trainee(session, school, course.id, person.name, unknown, keys)
    trainee = roster.add_trainee(session, school, course.id, person.name, national_id, keys)
    assert trainee.person_id == person.id
    with pytest.raises(Conflict, match="已在学员名单"):
        roster.add_trainee(session, school, course.id, person.name, national_id, keys)
    other, other_id = wujiang.person()
    with pytest.raises(Conflict, match="计划人数"):
        roster.add_trainee(session, school, course.id, other.name, other_id, keys)
    with pytest.raises(NotFound):
        roster.add_trainee(
            session, wujiang.users["other_school"], course.id, other.name, other_id, keys
        )


def test_attendance_per_session_and_completion_marked_by_the_organiser(session, wujiang: Scene):  # type: ignore[no-untyped-def]
    course = course_with(session, wujiang, trainees=2)
    school = wujiang.users["school"]
    first, second = session.scalars(
        select(CourseTrainee).where(CourseTrainee.course_id == course.id).order_by(CourseTrainee.id)
    ).all()
    with pytest.raises(InvalidInput, match="开班日期与结业日期之间"):
        roster.add_session(session, school, course.id, date(2024, 6, 1))
    day = roster.add_session(session, school, course.id, STARTS_ON)
    with pytest.raises(Conflict):
        roster.add_session(session, school, course.id, STARTS_ON)
    with pytest.raises(InvalidInput):
        roster.record_attendance(session, school, course.id, day.id, {first.id: True, 99999: True})
    assert _count(session, CourseAttendance) == 0
    roster.record_attendance(session, school, course.id, day.id, {first.id: True, second.id: False})
    roster.record_attendance(session, school, course.id, day.id, {second.id: True})
    assert roster.attendance_of(session, day) == {first.id: True, second.id: True}
    rows = roster.list_trainees(session, course).items
    assert sorted(r.attended for r in rows) == [1, 1]
    roster.record_completion(session, school, course.id, {first.id: True, second.id: False})
    assert records.course_completed(session, course) == 1
    roster.remove_trainee(session, school, course.id, second.id)
    assert roster.trainee_count(session, course.id) == 1
    assert _count(session, CourseAttendance) == 1


def test_a_closed_course_is_final(session, wujiang: Scene):  # type: ignore[no-untyped-def]
    course = course_with(session, wujiang, trainees=1, completed=1)
    school = wujiang.users["school"]
    with pytest.raises(Conflict, match="尚未结束"):
        records.close_course(session, school, course.id, ENDS_ON - (ENDS_ON - STARTS_ON))
    closed, _raised = records.close_course(session, school, course.id, AFTER)
    assert closed.status == CourseStatus.CLOSED and closed.closed_by_id == school.id
    with pytest.raises(Conflict, match="已结束"):
        records.update_course(session, school, course.id, course_input(wujiang))
    with pytest.raises(Conflict):
        roster.record_completion(session, school, course.id, {})


# --- the claims ------------------------------------------------------------------------------


def _claims_of(session, course) -> list[SubsidyClaim]:  # type: ignore[no-untyped-def]
    return list(
        session.scalars(select(SubsidyClaim).where(SubsidyClaim.training_course_id == course.id))
    )


def test_the_matching_fund_needs_a_completed_trainee(session, wujiang: Scene):  # type: ignore[no-untyped-def]
    """No completed trainee: the school's claim is refused by the trigger; one 结业: raised."""
    policy = wujiang.policy(session, MATCHING_FUND)
    empty = course_with(session, wujiang, trainees=2, completed=0)
    draft = claims.ClaimDraft(policy, AFTER, school=wujiang.school, course=empty)
    refused = claims.assess(session, draft).evaluation
    assert {c.code for c in refused.failed} == {"trigger.programme_held"}
    assert records.close_course(session, wujiang.users["school"], empty.id, AFTER)[1] == []
    assert _claims_of(session, empty) == []

    held = course_with(session, wujiang, trainees=2, completed=1)
    _closed, raised = records.close_course(session, wujiang.users["school"], held.id, AFTER)
    assert [(c.policy_id, c.school_id, c.training_course_id) for c in raised] == [
        (policy.id, wujiang.school.id, held.id)
    ]
    assert (
        raised[0].once_only_key
        == f"{MATCHING_FUND}:school-{wujiang.school.id}:{course_key(held.id)}"
    )
    assert raised[0].amount_yuan is None  # 不少于10万元，由区人社局核定
    # The second claim for the same course is refused by its once-only key.
    again = claims.ClaimDraft(policy, AFTER, school=wujiang.school, course=held)
    with pytest.raises(Conflict):
        claims.insert_claim(session, again, claims.assess(session, again), None)
    assert claims.on_course_closed(session, held, [], AFTER) == []
    assert len(_claims_of(session, held)) == 1


def test_an_enterprises_class_or_a_training_course_raises_no_matching_fund(session, wujiang: Scene):  # type: ignore[no-untyped-def]
    by_enterprise = course_with(session, wujiang, 1, 1, organiser="enterprise")
    assert (
        records.close_course(session, wujiang.users["enterprise"], by_enterprise.id, AFTER)[1] == []
    )
    training = course_with(session, wujiang, 1, 1, kind="subsidised_training")
    assert records.close_course(session, wujiang.users["school"], training.id, AFTER)[1] == []
    # Positive control through the same path: the school's technician class raises it.
    technician = course_with(session, wujiang, 1, 1)
    assert len(records.close_course(session, wujiang.users["school"], technician.id, AFTER)[1]) == 1


def test_each_completed_trainee_is_paid_once_for_a_subsidised_course(session, zhanjiang: Scene):  # type: ignore[no-untyped-def]
    policy = zhanjiang.policy(session, TRAINING_SUBSIDY)
    course = course_with(session, zhanjiang, trainees=3, completed=2, kind="subsidised_training")
    trainees = session.scalars(
        select(CourseTrainee).where(CourseTrainee.course_id == course.id).order_by(CourseTrainee.id)
    ).all()
    absent = trainees[2]
    from skillbridge.models import Person

    stranger = claims.ClaimDraft(
        policy, AFTER, person=session.get_one(Person, absent.person_id), course=course
    )
    assert {c.code for c in claims.assess(session, stranger).evaluation.failed} == {
        "trigger.programme_held"
    }
    _closed, raised = records.close_course(session, zhanjiang.users["school"], course.id, AFTER)
    assert sorted(c.person_id for c in raised) == sorted(t.person_id for t in trainees[:2])
    assert all(c.policy_id == policy.id and c.school_id is None for c in raised)
    assert policy.beneficiary == Beneficiary.PERSON
    first = session.get_one(Person, trainees[0].person_id)
    again = claims.ClaimDraft(policy, AFTER, person=first, course=course)
    with pytest.raises(Conflict):
        claims.insert_claim(session, again, claims.assess(session, again), None)


def test_person_times_count_completed_trainees_against_the_target(session, zhanjiang: Scene):  # type: ignore[no-untyped-def]
    school = zhanjiang.users["school"]
    done = course_with(session, zhanjiang, 4, 3, kind="subsidised_training")
    records.close_course(session, school, done.id, AFTER)
    # Not counted: an open course, and a technician class.
    course_with(session, zhanjiang, 5, 5, kind="subsidised_training")
    technician = course_with(session, zhanjiang, 2, 2)
    records.close_course(session, school, technician.id, AFTER)
    later = course_with(
        session,
        zhanjiang,
        2,
        1,
        kind="subsidised_training",
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 3, 20),
    )
    records.close_course(session, school, later.id, date(2025, 4, 1))
    rows = {(r.year, r.kind): r for r in records.person_times(session, zhanjiang.users["officer"])}
    target = rows[(2024, "subsidised_training")]
    assert (target.completed, target.target) == (3, 13000)
    assert target.citation is not None and "(六)" in target.citation
    assert (
        rows[(2025, "subsidised_training")].completed,
        rows[(2025, "subsidised_training")].target,
    ) == (1, None)
    assert rows[(2024, "technician_class")].completed == 2
    with pytest.raises(PermissionDenied):
        records.person_times(session, school)
    other = records.person_times(session, zhanjiang.users["other_bureau"])
    assert [(r.year, r.completed) for r in other] == [(2024, 0)]
