"""The 学生学徒培养协议 (R5): enterprise, school and student each sign once; a minor's guardian."""

from __future__ import annotations

from datetime import date

import pytest

from skillbridge.models import Party, Person, ProgrammeKind
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.programmes.agreements import (
    agreement_of,
    missing_parties,
    sign_training_agreement,
)
from skillbridge.platform.services.programmes.enrolments import enrol_apprentice

from .conftest import Scene, approved_programme, employee_input, student_input


@pytest.fixture
def enrolment(session, scene: Scene):  # type: ignore[no-untyped-def]
    programme = approved_programme(session, scene, ProgrammeKind.STUDENT, title="学生学徒班")
    row = enrol_apprentice(session, scene.users["enterprise"], programme.id, student_input(scene))
    session.commit()
    return row


def test_the_three_parties_sign_once_each(session, scene: Scene, enrolment) -> None:  # type: ignore[no-untyped-def]
    agreement = agreement_of(session, enrolment)
    assert agreement is not None
    assert missing_parties(agreement) == [Party.ENTERPRISE, Party.SCHOOL, Party.STUDENT]
    sign_training_agreement(session, scene.users["hr"], enrolment.id)
    with pytest.raises(Conflict):
        sign_training_agreement(session, scene.users["enterprise"], enrolment.id)
    sign_training_agreement(session, scene.users["school"], enrolment.id)
    sign_training_agreement(session, scene.users["student"], enrolment.id)
    session.commit()
    assert missing_parties(agreement) == []


def test_non_parties_cannot_sign(session, scene: Scene, enrolment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):  # the mentor sees the apprentice but is no party
        sign_training_agreement(session, scene.users["mentor"], enrolment.id)
    with pytest.raises(NotFound):
        sign_training_agreement(session, scene.users["other_enterprise"], enrolment.id)
    with pytest.raises(PermissionDenied):
        sign_training_agreement(session, scene.users["officer"], enrolment.id)
    sign_training_agreement(session, scene.users["enterprise"], enrolment.id)


def test_a_minor_signs_with_the_guardian(session, scene: Scene, enrolment) -> None:  # type: ignore[no-untyped-def]
    person = session.get_one(Person, enrolment.person_id)
    person.birth_date = date(2009, 1, 1)  # 17 when training starts on 2026-09-01
    session.flush()
    student = scene.users["student"]
    with pytest.raises(InvalidInput, match="监护人"):
        sign_training_agreement(session, student, enrolment.id)
    sign_training_agreement(session, student, enrolment.id, guardian_name="王监护")
    assert agreement_of(session, enrolment).guardian_name == "王监护"  # type: ignore[union-attr]


def test_an_employee_apprentice_has_no_training_agreement(session, scene: Scene) -> None:
    programme = approved_programme(session, scene)
    row = enrol_apprentice(session, scene.users["enterprise"], programme.id, employee_input(scene))
    assert agreement_of(session, row) is None
    with pytest.raises(NotFound):
        sign_training_agreement(session, scene.users["enterprise"], row.id)
