"""Evaluations, host ratings, report and grade, outcome and certificate, at the service level."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from support import flat_text, pdf_text

from skillbridge.models import (
    ContractType,
    DocumentVersion,
    Evaluation,
    EvaluationStage,
    Evaluator,
    OutcomeKind,
    PlacementStatus,
    ReportGrade,
    Role,
    StaffRole,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.evaluations import (
    certificate,
    outcomes,
    overview,
    ratings,
    reports,
    scores,
)
from skillbridge.platform.services.evaluations.rubrics import rubrics

START, AFTER = date(2026, 1, 5), date(2026, 7, 10)  # the fixture's start; after its end
REPORT = "本次岗位实习在数控车间完成，学习了车床操作、量具使用和6S现场管理，" * 2


def _all(value: int) -> dict[str, int | None]:
    return {c.code: value for c in rubrics().default.criteria}


def _evaluate(session, user, placement_id, stage=EvaluationStage.FINAL, value=4, today=AFTER):  # type: ignore[no-untyped-def]
    return scores.submit_evaluation(
        session, user, placement_id, scores.EvaluationInput(stage, _all(value), "认真负责"), today
    )


def _complete(session, s) -> None:  # type: ignore[no-untyped-def]
    """Both final evaluations and a graded report."""
    _evaluate(session, s.mentor, s.placement.id)
    _evaluate(session, s.teacher, s.placement.id, value=5)
    reports.submit_report(session, s.student, s.placement.id, REPORT)
    reports.grade_report(session, s.teacher, s.placement.id, 86)
    session.commit()


def test_each_assigned_evaluator_writes_one_evaluation_per_stage(session, supervised) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    for user, evaluator in ((s.mentor, "mentor"), (s.teacher, "teacher"), (s.student, "self")):
        evaluation = _evaluate(session, user, s.placement.id)
        assert evaluation.evaluator == Evaluator(evaluator)
        assert evaluation.weighted_centi == 400
    session.commit()
    with pytest.raises(Conflict):
        _evaluate(session, s.mentor, s.placement.id)
    session.rollback()
    # The database itself holds the rule, whatever the service checks.
    with pytest.raises(IntegrityError):
        session.add(
            Evaluation(
                placement_id=s.placement.id,
                stage=EvaluationStage.FINAL,
                evaluator=Evaluator.MENTOR,
                author_user_id=s.mentor.id,
                rubric_code="default",
                scores={},
                weighted_centi=0,
            )
        )
        session.flush()
    session.rollback()
    count = session.scalar(select(func.count(Evaluation.id)))
    assert count == 3


def test_only_the_assigned_supervisors_and_the_student_evaluate(
    session, supervised, world, factories
) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    other_mentor = factories.user(
        Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=world.enterprise.id
    )
    session.commit()
    for refused in (world.users["school"], world.users["enterprise"], world.users["bureau"]):
        with pytest.raises(PermissionDenied):
            _evaluate(session, refused, s.placement.id)
    with pytest.raises(PermissionDenied):  # a mentor not assigned to it does not see it
        _evaluate(session, other_mentor, s.placement.id)
    with pytest.raises(NotFound):
        _evaluate(session, s.mentor, s.placement.id + 1000)
    assert _evaluate(session, s.mentor, s.placement.id).id  # positive control


def test_a_stage_opens_on_its_day_and_every_criterion_needs_a_score(session, supervised) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    placement = s.placement
    midway = scores.due_from(placement, EvaluationStage.MIDTERM)
    placement.status = PlacementStatus.ACTIVE
    session.commit()
    with pytest.raises(Conflict):
        _evaluate(
            session,
            s.teacher,
            placement.id,
            EvaluationStage.MIDTERM,
            today=midway.replace(day=1) if midway.day > 1 else START,
        )
    with pytest.raises(Conflict):
        _evaluate(session, s.teacher, placement.id, EvaluationStage.FINAL, today=midway)
    partial = _all(4) | {rubrics().default.criteria[0].code: None}
    with pytest.raises(InvalidInput) as refused:
        scores.submit_evaluation(
            session,
            s.teacher,
            placement.id,
            scores.EvaluationInput(EvaluationStage.MIDTERM, partial, ""),
            midway,
        )
    assert refused.value.details == [f"score_{rubrics().default.criteria[0].code}"]
    with pytest.raises(InvalidInput):
        scores.submit_evaluation(
            session,
            s.teacher,
            placement.id,
            scores.EvaluationInput(EvaluationStage.MIDTERM, _all(6), ""),
            midway,
        )
    assert _evaluate(session, s.teacher, placement.id, EvaluationStage.MIDTERM, today=midway).id


def _rate(session, user, placement_id, value=4):  # type: ignore[no-untyped-def]
    return ratings.rate_host(
        session, user, placement_id, ratings.RatingInput({a: value for a in ratings.ASPECTS}, "")
    )


def _rated_placement(session, factories, world, slot):  # type: ignore[no-untyped-def]
    student = factories.student(world.school)
    session.flush()
    user = factories.user(Role.STUDENT, student_id=student.id)
    placement = factories.placement(student, slot, status=PlacementStatus.ENDED, months=6)
    session.flush()
    _rate(session, user, placement.id, 3)


def test_the_host_sees_only_aggregates_and_only_from_five_ratings(
    session, supervised, world, factories
) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    _rate(session, s.student, s.placement.id, 5)
    session.commit()
    with pytest.raises(Conflict):  # once per placement
        _rate(session, s.student, s.placement.id)
    session.rollback()
    slot = factories.slot(world.enterprise)
    for _ in range(3):
        _rated_placement(session, factories, world, slot)
    session.commit()
    host, mentor = world.users["enterprise"], s.mentor
    for user in (host, mentor):
        page = overview.evaluation_page(session, user, s.placement.id, AFTER)
        assert page.summary is None and page.rating is None  # 4 ratings: nothing
    # The school and the bureau see the single rating and the aggregate below the threshold.
    for user in (world.users["school"], world.users["bureau"], s.student):
        page = overview.evaluation_page(session, user, s.placement.id, AFTER)
        assert page.rating is not None and page.rating.safety == 5
        assert page.summary is not None and page.summary.count == 4
    _rated_placement(session, factories, world, slot)  # the fifth
    session.commit()
    page = overview.evaluation_page(session, host, s.placement.id, AFTER)
    assert page.rating is None  # never a single rating
    assert page.summary is not None and page.summary.count == 5
    assert page.summary.means_centi["safety"] == round((5 + 3 * 4) / 5 * 100)
    summary = ratings.host_rating_summary(session, world.enterprise.id)
    assert summary.count == 5 and set(summary.means_centi) == set(ratings.ASPECTS)


def test_only_the_student_rates_its_host_with_each_aspect_one_to_five(
    session, supervised, world
) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    with pytest.raises(PermissionDenied):
        _rate(session, world.users["enterprise"], s.placement.id)
    with pytest.raises(InvalidInput) as refused:
        ratings.rate_host(session, s.student, s.placement.id, ratings.RatingInput({"safety": 0}))
    assert set(refused.value.details) == set(ratings.ASPECTS)
    assert _rate(session, s.student, s.placement.id).id


def test_the_teacher_grades_the_report_and_the_grade_follows_the_bands(
    session, supervised, world
) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    with pytest.raises(Conflict):
        reports.grade_report(session, s.teacher, s.placement.id, 80)
    with pytest.raises(InvalidInput):
        reports.submit_report(session, s.student, s.placement.id, "太短")
    reports.submit_report(session, s.student, s.placement.id, REPORT)
    with pytest.raises(PermissionDenied):
        reports.grade_report(session, s.mentor, s.placement.id, 80)
    with pytest.raises(InvalidInput):
        reports.grade_report(session, s.teacher, s.placement.id, 101)
    report = reports.grade_report(session, s.teacher, s.placement.id, 79)
    assert (report.score, report.grade) == (79, ReportGrade.MEDIUM)
    with pytest.raises(Conflict):  # graded: the report is closed
        reports.submit_report(session, s.student, s.placement.id, REPORT)


def test_the_certificate_waits_for_the_end_both_final_evaluations_and_the_grade(
    session, supervised, world
) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    school = world.users["school"]
    with pytest.raises(Conflict) as refused:
        certificate.certificate_pdf(session, school, s.placement.id, AFTER)
    assert len(refused.value.details) == 3
    _evaluate(session, s.mentor, s.placement.id)
    s.placement.status = PlacementStatus.ACTIVE
    session.commit()
    page = overview.evaluation_page(session, school, s.placement.id, START)
    assert "实习尚未结束" in page.certificate.missing
    _evaluate(session, s.teacher, s.placement.id, value=5)
    reports.submit_report(session, s.student, s.placement.id, REPORT)
    reports.grade_report(session, s.teacher, s.placement.id, 86)
    session.commit()
    # Still running on its planned dates: not yet; its end date passed: ready.
    assert not overview.evaluation_page(session, school, s.placement.id, START).certificate.ready
    pdf = certificate.certificate_pdf(session, school, s.placement.id, AFTER)
    assert pdf.data.startswith(b"%PDF")
    version = session.scalars(select(DocumentVersion)).one()
    assert pdf.sha256 == version.content_sha256 and version.subject_type == certificate.SUBJECT
    text = flat_text(pdf_text(pdf.data))
    for expected in (
        world.student.name,
        world.enterprise.name,
        "实习鉴定暨结业证明",
        "86分（良好）",
        "5.00/5",
        pdf.sha256,
    ):
        assert expected in text, expected
    view = certificate.certificate_view(session, world.users["bureau"], s.placement.id, AFTER)
    assert view.content["title"] == "实习鉴定暨结业证明" and view.sha256 == version.content_sha256


def test_the_school_records_the_outcome_and_the_host_confirms_its_hire(
    session, supervised, world
) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    hire = outcomes.OutcomeInput(
        OutcomeKind.HIRED_BY_HOST,
        started_on=AFTER,
        contract_type=ContractType.FIXED_TERM,
        contract_months=36,
        social_insurance=True,
    )
    with pytest.raises(PermissionDenied):
        outcomes.record_outcome(session, world.users["enterprise"], s.placement.id, hire)
    with pytest.raises(InvalidInput) as refused:
        outcomes.record_outcome(
            session,
            world.users["school"],
            s.placement.id,
            outcomes.OutcomeInput(OutcomeKind.HIRED_ELSEWHERE),
        )
    assert set(refused.value.details) == {"employer_name", "started_on", "contract_type"}
    outcome = outcomes.record_outcome(session, world.users["school"], s.placement.id, hire)
    assert outcome.employer_name == world.enterprise.name
    assert outcomes.hire_of(session, s.placement.id) is None  # not yet confirmed
    with pytest.raises(PermissionDenied):
        outcomes.confirm_outcome(session, world.users["school"], s.placement.id)
    outcomes.confirm_outcome(session, world.users["enterprise"], s.placement.id)
    session.commit()
    assert outcomes.hire_of(session, s.placement.id) is outcome
    stats = outcomes.school_outcomes(session, world.school.id)
    assert (stats.finished, stats.employed, stats.employment_rate_percent) == (1, 1, 100)
