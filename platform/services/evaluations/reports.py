"""The student's internship report (实习报告) and the teacher's grade of it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import InternshipReport, ReportGrade, User, utcnow
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.evaluations.access import author_on, grader_on
from skillbridge.platform.services.evaluations.rubrics import evaluation_settings
from skillbridge.platform.services.evaluations.scores import EVALUATED
from skillbridge.platform.text import N_

#: A report is a few pages of text; the lower bound keeps out an empty hand-in.
REPORT_MIN_CHARS, REPORT_MAX_CHARS = 50, 20000
SCORE_MIN, SCORE_MAX = 0, 100
GRADE_LABELS = {
    ReportGrade.EXCELLENT: N_("优秀"),
    ReportGrade.GOOD: N_("良好"),
    ReportGrade.MEDIUM: N_("中等"),
    ReportGrade.PASS: N_("及格"),
    ReportGrade.FAIL: N_("不及格"),
}


def report_of(session: Session, placement_id: int) -> InternshipReport | None:
    """The placement's report (callers have loaded the placement for the actor)."""
    return session.scalar(
        select(InternshipReport).where(InternshipReport.placement_id == placement_id)
    )


def submit_report(session: Session, actor: User, placement_id: int, body: str) -> InternshipReport:
    """The student hands in (or, until it is graded, revises) its internship report."""
    context = author_on(session, actor, placement_id)
    if context.placement.status not in EVALUATED:
        raise Conflict(N_("实习开始后才能提交实习报告"))
    text = body.strip()
    if not REPORT_MIN_CHARS <= len(text) <= REPORT_MAX_CHARS:
        raise InvalidInput(N_("实习报告须为 50–20000 字"), details=["body"])
    report = report_of(session, context.placement.id)
    if report is not None and report.grade is not None:
        raise Conflict(N_("实习报告已评定成绩，不能再修改"))
    if report is None:
        report = InternshipReport(placement_id=context.placement.id, body=text)
    report.body, report.submitted_at = text, utcnow()
    try:
        with session.begin_nested():
            session.add(report)
    except IntegrityError as exc:
        raise Conflict(N_("实习报告刚刚已由另一请求提交")) from exc
    audit.record(session, actor, "internship_report.submitted", "internship_report", report.id)
    return report


def grade_report(session: Session, actor: User, placement_id: int, score: int) -> InternshipReport:
    """The assigned teacher scores the report 0–100; the five-level grade follows the bands."""
    context = grader_on(session, actor, placement_id)
    report = report_of(session, context.placement.id)
    if report is None:
        raise Conflict(N_("学生尚未提交实习报告"))
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise InvalidInput(N_("成绩须为 0–100 分"), details=["score"])
    report.score = score
    report.grade = evaluation_settings().grade_of(score)
    report.graded_by_user_id, report.graded_at = actor.id, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "internship_report.graded",
        "internship_report",
        report.id,
        {"score": score, "grade": report.grade.value},
    )
    return report
