"""Enrolment: who may be an apprentice, the two mentors, and one programme at a time."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from skillbridge.models import (
    OVERLAP_CONSTRAINT,
    ApprenticeEnrolment,
    EmploymentStatus,
    Notification,
    ProgrammeKind,
    TrainingAgreement,
    User,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.programmes import filing
from skillbridge.platform.services.programmes.enrolments import enrol_apprentice

from .conftest import (
    Scene,
    approved_programme,
    employ,
    employee_input,
    programme_input,
    student_input,
)


def test_an_employee_is_enrolled_with_two_mentors(session, scene: Scene) -> None:
    programme = approved_programme(session, scene)
    enrolment = enrol_apprentice(
        session, scene.users["enterprise"], programme.id, employee_input(scene)
    )
    session.commit()
    assert (enrolment.person_id, enrolment.employment_id, enrolment.student_id) == (
        scene.employee.id,
        scene.employment.id,
        None,
    )
    assert (enrolment.start_date, enrolment.end_date) == (programme.start_date, programme.end_date)
    told = set(
        session.scalars(
            select(Notification.user_id).where(Notification.kind == "programme.enrolled")
        )
    )
    assert told == {scene.users["mentor"].id, scene.users["teacher"].id, scene.users["worker"].id}
    assert session.scalar(select(TrainingAgreement.id)) is None  # R5 is for 学生学徒 only


@pytest.mark.parametrize(
    ("mentor", "teacher", "field"),
    [
        ("hr", "teacher", "企业导师"),
        ("other_mentor", "teacher", "企业导师"),
        ("mentor", "school", "学校导师"),
        ("mentor", "other_teacher", "学校导师"),
    ],
)
def test_mentors_must_be_the_right_staff(session, scene: Scene, mentor, teacher, field) -> None:  # type: ignore[no-untyped-def]
    programme = approved_programme(session, scene)
    wrong = replace(
        employee_input(scene),
        mentor_user_id=scene.users[mentor].id,
        teacher_user_id=scene.users[teacher].id,
    )
    with pytest.raises(InvalidInput, match=field):
        enrol_apprentice(session, scene.users["enterprise"], programme.id, wrong)
    enrol_apprentice(session, scene.users["enterprise"], programme.id, employee_input(scene))


def test_the_employee_must_be_confirmed_with_a_year_long_contract(
    session, scene: Scene, factories
) -> None:  # type: ignore[no-untyped-def]
    programme = approved_programme(session, scene)
    enterprise = scene.users["enterprise"]
    pending = employ(factories, scene.enterprise, status=EmploymentStatus.PENDING)
    with pytest.raises(InvalidInput, match="已确认"):
        enrol_apprentice(session, enterprise, programme.id, employee_input(scene, pending))
    short = employ(factories, scene.enterprise, contract_end=date(2026, 2, 27))
    with pytest.raises(InvalidInput, match="一年以上"):
        enrol_apprentice(session, enterprise, programme.id, employee_input(scene, short))
    no_ref = replace(employee_input(scene), labour_contract_ref="")
    with pytest.raises(InvalidInput, match="劳动合同编号"):
        enrol_apprentice(session, enterprise, programme.id, no_ref)
    elsewhere = employ(factories, factories.enterprise(scene.region))
    with pytest.raises(InvalidInput, match="本企业"):
        enrol_apprentice(session, enterprise, programme.id, employee_input(scene, elsewhere))
    enrol_apprentice(session, enterprise, programme.id, employee_input(scene))


def test_only_approved_programmes_enrol_and_only_their_enterprise(session, scene: Scene) -> None:
    enterprise = scene.users["enterprise"]
    draft = filing.create_programme(session, enterprise, programme_input(scene))
    with pytest.raises(Conflict, match="备案通过"):
        enrol_apprentice(session, enterprise, draft.id, employee_input(scene))
    programme = approved_programme(
        session, scene, title="另一项目", start_date=date(2027, 9, 1), end_date=date(2028, 8, 31)
    )
    with pytest.raises(PermissionDenied):
        enrol_apprentice(session, scene.users["school"], programme.id, employee_input(scene))
    with pytest.raises(NotFound):
        enrol_apprentice(
            session, scene.users["other_enterprise"], programme.id, employee_input(scene)
        )
    enrol_apprentice(session, enterprise, programme.id, employee_input(scene))


def test_student_apprentices_are_final_year_students_of_the_school(
    session, scene: Scene, factories
) -> None:  # type: ignore[no-untyped-def]
    programme = approved_programme(session, scene, ProgrammeKind.STUDENT)
    enterprise = scene.users["enterprise"]
    first_year = factories.student(
        scene.school, cohort=factories.cohort(scene.school, graduation_year=2029)
    )
    with pytest.raises(InvalidInput, match="毕业学年"):
        enrol_apprentice(
            session,
            enterprise,
            programme.id,
            replace(student_input(scene), student_id=first_year.id),
        )
    with pytest.raises(InvalidInput, match="学生学徒项目招收学生"):
        enrol_apprentice(session, enterprise, programme.id, employee_input(scene))
    enrolment = enrol_apprentice(session, enterprise, programme.id, student_input(scene))
    assert enrolment.person_id == scene.student.person_id
    assert session.scalar(select(TrainingAgreement.enrolment_id)) == enrolment.id


def test_a_second_overlapping_programme_is_refused(session, scene: Scene) -> None:
    enterprise = scene.users["enterprise"]
    first = approved_programme(session, scene)
    overlapping = approved_programme(
        session, scene, title="重叠项目", start_date=date(2027, 8, 31), end_date=date(2028, 8, 30)
    )
    later = approved_programme(
        session, scene, title="后续项目", start_date=date(2027, 9, 1), end_date=date(2028, 8, 31)
    )
    enrol_apprentice(session, enterprise, first.id, employee_input(scene))
    with pytest.raises(Conflict, match="重叠"):
        enrol_apprentice(session, enterprise, overlapping.id, employee_input(scene))
    enrol_apprentice(session, enterprise, later.id, employee_input(scene))  # the day after: fine
    session.commit()


def _row(scene: Scene, programme_id: int, start: date, end: date) -> dict[str, object]:
    return {
        "programme_id": programme_id,
        "person_id": scene.employee.id,
        "employment_id": scene.employment.id,
        "mentor_user_id": scene.users["mentor"].id,
        "teacher_user_id": scene.users["teacher"].id,
        "start_date": start,
        "end_date": end,
        "status": "active",
        "enrolled_by_id": scene.users["enterprise"].id,
    }


def test_the_database_refuses_an_overlap_the_services_never_saw(session, scene: Scene) -> None:
    a = approved_programme(session, scene)
    b = approved_programme(
        session, scene, title="乙", start_date=date(2027, 3, 1), end_date=date(2028, 2, 29)
    )
    session.execute(insert(ApprenticeEnrolment), [_row(scene, a.id, a.start_date, a.end_date)])
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.execute(
                insert(ApprenticeEnrolment), [_row(scene, b.id, b.start_date, b.end_date)]
            )
    # Positive control: the same insert with a period after the first one's end.
    session.execute(
        insert(ApprenticeEnrolment), [_row(scene, b.id, date(2027, 9, 1), date(2028, 8, 31))]
    )
    enrolment = session.scalars(
        select(ApprenticeEnrolment).where(ApprenticeEnrolment.programme_id == b.id)
    ).one()
    with pytest.raises(IntegrityError):  # moving it back into the first period is refused too
        with session.begin_nested():
            enrolment.start_date = date(2027, 8, 1)
            session.flush()


def test_two_enrolments_at_once_in_overlapping_programmes(app, session, scene: Scene) -> None:
    """Two requests enrol one person in two overlapping programmes at once: one is refused.

    The first request holds its transaction open after inserting; the second runs meanwhile, so
    its own check cannot see the uncommitted row. On PostgreSQL its INSERT then waits on the
    EXCLUDE constraint and fails when the first commits (a refusal by the database, seen as the
    IntegrityError behind the Conflict); SQLite serialises writers, so there the second waits
    for the lock and its check refuses.
    """
    a = approved_programme(session, scene)
    b = approved_programme(
        session, scene, title="乙", start_date=date(2027, 3, 1), end_date=date(2028, 2, 29)
    )
    sessions = get_database(app).write_sessions
    first_inserted = threading.Event()
    outcomes: dict[str, BaseException | None] = {}

    def enrol(name: str, programme_id: int) -> None:
        if name == "second":
            first_inserted.wait(timeout=30)
        with sessions() as own:
            actor = own.get_one(User, scene.users["enterprise"].id)
            try:
                enrol_apprentice(own, actor, programme_id, employee_input(scene))
                if name == "first":
                    first_inserted.set()
                    time.sleep(2)  # the second request runs into the open transaction
                own.commit()
                outcomes[name] = None
            except Conflict as refused:
                own.rollback()
                outcomes[name] = refused

    threads = [
        threading.Thread(target=enrol, args=(name, p.id))
        for name, p in (("first", a), ("second", b))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()
    assert outcomes["first"] is None
    refusal = outcomes["second"]
    assert isinstance(refusal, Conflict)
    if session.bind.dialect.name == "postgresql":
        assert isinstance(refusal.__cause__, IntegrityError)
        assert OVERLAP_CONSTRAINT in str(refusal.__cause__)
    session.expire_all()
    assert len(session.scalars(select(ApprenticeEnrolment)).all()) == 1
