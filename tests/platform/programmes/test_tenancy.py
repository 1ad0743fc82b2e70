"""Who sees what: each organisation its programmes, mentors and teachers their apprentices,
the apprentice itself, the bureau its region; every refusal beside the allowed request."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from skillbridge.models import ProgrammeKind
from skillbridge.platform.services.errors import NotFound
from skillbridge.platform.services.programmes import filing
from skillbridge.platform.services.programmes.enrolments import (
    enrol_apprentice,
    get_enrolment,
    list_enrolments,
    my_enrolments,
)

from .conftest import Scene, approved_programme, employ, employee_input, student_input


@pytest.fixture
def two(session, scene: Scene, factories):  # type: ignore[no-untyped-def]
    """Two apprentices of one programme, each with different mentors."""
    programme = approved_programme(session, scene, ProgrammeKind.DUAL)
    enterprise = scene.users["enterprise"]
    dual = replace(student_input(scene), employment_id=None)
    first = enrol_apprentice(
        session,
        enterprise,
        programme.id,
        replace(
            dual,
            employment_id=employ(factories, scene.enterprise, person_id=scene.student.person_id).id,
            labour_contract_ref="HT-9",
        ),
    )
    other = factories.student(scene.school, cohort=scene.student_cohort)
    second = enrol_apprentice(
        session,
        enterprise,
        programme.id,
        replace(
            employee_input(scene, employ(factories, scene.enterprise, person_id=other.person_id)),
            student_id=other.id,
            mentor_user_id=scene.users["mentor2"].id,
            teacher_user_id=scene.users["teacher2"].id,
        ),
    )
    session.commit()
    return programme, first, second


def test_mentor_and_teacher_see_only_their_apprentices(session, scene: Scene, two) -> None:  # type: ignore[no-untyped-def]
    _programme, first, second = two
    for name in ("mentor", "teacher"):
        user = scene.users[name]
        assert [r.enrolment.id for r in my_enrolments(session, user).items] == [first.id]
        get_enrolment(session, user, first.id)
        with pytest.raises(NotFound):
            get_enrolment(session, user, second.id)
    assert [r.enrolment.id for r in my_enrolments(session, scene.users["mentor2"]).items] == [
        second.id
    ]


def test_the_apprentice_sees_only_themself(session, scene: Scene, two) -> None:  # type: ignore[no-untyped-def]
    _programme, first, second = two
    student = scene.users["student"]  # the first apprentice's roster account
    assert [r.enrolment.id for r in my_enrolments(session, student).items] == [first.id]
    get_enrolment(session, student, first.id)
    with pytest.raises(NotFound):
        get_enrolment(session, student, second.id)
    worker = scene.users["worker"]  # the scene's employee, enrolled in neither
    assert my_enrolments(session, worker).items == []
    with pytest.raises(NotFound):
        get_enrolment(session, worker, first.id)


def test_organisations_and_bureau_by_tenant(session, scene: Scene, two) -> None:  # type: ignore[no-untyped-def]
    programme, first, _second = two
    for name in ("enterprise", "hr", "school", "officer", "finance"):
        assert len(list_enrolments(session, scene.users[name], programme.id).items) == 2
        assert programme in filing.list_programmes(session, scene.users[name]).items
    for name in ("other_enterprise", "other_school", "other_bureau", "other_mentor"):
        user = scene.users[name]
        with pytest.raises(NotFound):
            filing.get_programme(session, user, programme.id)
        with pytest.raises(NotFound):
            get_enrolment(session, user, first.id)
        assert filing.list_programmes(session, user).items == []
    with pytest.raises(NotFound):  # mentors reach apprentices, not the programme's whole list
        list_enrolments(session, scene.users["mentor"], programme.id)


def test_a_worker_apprentice_sees_their_own_enrolment(session, scene: Scene, two) -> None:  # type: ignore[no-untyped-def]
    _programme, first, _second = two
    later = approved_programme(
        session, scene, title="后续", start_date=date(2027, 9, 1), end_date=date(2028, 8, 31)
    )
    own = enrol_apprentice(session, scene.users["enterprise"], later.id, employee_input(scene))
    worker = scene.users["worker"]
    assert [r.enrolment.id for r in my_enrolments(session, worker).items] == [own.id]
    get_enrolment(session, worker, own.id)
    with pytest.raises(NotFound):
        get_enrolment(session, worker, first.id)
    with pytest.raises(NotFound):  # the programme itself is the organisations'
        filing.get_programme(session, worker, later.id)
