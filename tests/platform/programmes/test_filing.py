"""Filing (备案): the enterprise drafts, the school accepts, the bureau approves or rejects."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from skillbridge.models import AuditEvent, Notification, ProgrammeKind, ProgrammeStatus
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.programmes import filing

from .conftest import END, START, Scene, approved_programme, programme_input


def _actions(session, programme_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "apprenticeship_programme")
            .where(AuditEvent.object_id == str(programme_id))
            .order_by(AuditEvent.seq)
        )
    )


def test_draft_accept_file_approve(session, scene: Scene) -> None:
    programme = approved_programme(session, scene)
    assert programme.status == ProgrammeStatus.APPROVED
    assert programme.duration_months == 12
    assert [m.hours for m in programme.modules] == [400, 200]
    assert programme.decision_reason == "材料齐全，准予备案"
    assert _actions(session, programme.id) == [
        "programme.created",
        "programme.accepted",
        "programme.filed",
        "programme.approved",
    ]
    told = set(session.scalars(select(Notification.user_id)))
    assert {scene.users["school"].id, scene.users["officer"].id} <= told
    assert scene.users["enterprise"].id in told


def test_rejection_needs_a_reason_and_can_be_refiled(session, scene: Scene) -> None:
    enterprise, officer = scene.users["enterprise"], scene.users["officer"]
    programme = filing.create_programme(session, enterprise, programme_input(scene))
    filing.accept_training(session, scene.users["school"], programme.id)
    filing.file_programme(session, enterprise, programme.id)
    with pytest.raises(InvalidInput, match="理由"):
        filing.decide_filing(session, officer, programme.id, False, "  ")
    filing.decide_filing(session, officer, programme.id, False, "培训计划学时不足")
    assert (programme.status, programme.decision_reason) == (
        ProgrammeStatus.REJECTED,
        "培训计划学时不足",
    )
    filing.file_programme(session, enterprise, programme.id)
    assert programme.status == ProgrammeStatus.FILED and programme.decision_reason is None
    session.commit()


def test_filing_waits_for_the_school(session, scene: Scene) -> None:
    enterprise = scene.users["enterprise"]
    programme = filing.create_programme(session, enterprise, programme_input(scene))
    with pytest.raises(Conflict, match="尚未确认"):
        filing.file_programme(session, enterprise, programme.id)
    filing.accept_training(session, scene.users["school"], programme.id)
    filing.file_programme(session, enterprise, programme.id)  # positive control
    assert programme.status == ProgrammeStatus.FILED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": date(2027, 8, 30)}, "培养期限"),  # 11 months and 30 days
        ({"end_date": date(2028, 9, 1)}, "培养期限"),  # over 24 months
        ({"end_date": START}, "培养期限"),
        ({"total_hours": 500}, "总学时"),
        ({"target_level": 8}, "目标等级"),
        ({"assessment_body": ""}, "评价机构"),
        ({"modules": []}, "培训计划"),
    ],
)
def test_bad_programmes_name_the_field(session, scene: Scene, changes, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        filing.create_programme(
            session, scene.users["enterprise"], programme_input(scene, **changes)
        )
    assert any(field in d for d in refused.value.details)
    # Positive control: the same programme with good values is accepted, 24 months included.
    good = programme_input(scene, end_date=date(2028, 8, 31))
    assert filing.create_programme(session, scene.users["enterprise"], good).duration_months == 24
    assert END < date(2028, 8, 31)


def test_training_institution_must_be_a_verified_school(session, scene: Scene, factories) -> None:  # type: ignore[no-untyped-def]
    pending = factories.school(scene.region, verified=False)
    with pytest.raises(InvalidInput, match="培训院校"):
        filing.create_programme(
            session, scene.users["enterprise"], programme_input(scene, school_id=pending.id)
        )
    filing.create_programme(session, scene.users["enterprise"], programme_input(scene))


def test_only_enterprise_admin_or_hr_drafts(session, scene: Scene) -> None:
    with pytest.raises(PermissionDenied):
        filing.create_programme(session, scene.users["mentor"], programme_input(scene))
    with pytest.raises(PermissionDenied):
        filing.create_programme(session, scene.users["school"], programme_input(scene))
    assert filing.create_programme(session, scene.users["hr"], programme_input(scene)).id


def test_only_the_training_school_accepts(session, scene: Scene) -> None:
    programme = filing.create_programme(session, scene.users["enterprise"], programme_input(scene))
    with pytest.raises(NotFound):
        filing.accept_training(session, scene.users["other_school"], programme.id)
    with pytest.raises(NotFound):  # a teacher does not see the programme itself
        filing.accept_training(session, scene.users["teacher"], programme.id)
    filing.accept_training(session, scene.users["school"], programme.id)


def test_who_decides_a_filing(session, scene: Scene) -> None:
    enterprise = scene.users["enterprise"]
    programme = filing.create_programme(
        session, enterprise, programme_input(scene, kind=ProgrammeKind.DUAL)
    )
    filing.accept_training(session, scene.users["school"], programme.id)
    with pytest.raises(NotFound):  # a draft is not the bureau's yet
        filing.get_programme(session, scene.users["officer"], programme.id)
    filing.file_programme(session, enterprise, programme.id)
    with pytest.raises(NotFound):
        filing.decide_filing(session, scene.users["other_bureau"], programme.id, True, "好")
    with pytest.raises(PermissionDenied):
        filing.decide_filing(session, scene.users["finance"], programme.id, True, "好")
    with pytest.raises(PermissionDenied):
        filing.decide_filing(session, enterprise, programme.id, True, "好")
    filing.decide_filing(session, scene.users["reviewer"], programme.id, True, "同意备案")
    assert programme.status == ProgrammeStatus.APPROVED
    with pytest.raises(Conflict):
        filing.decide_filing(session, scene.users["officer"], programme.id, False, "再议")
