"""Credit records (诚信档案, R6): the bureau records and revokes them; slots, agreements and claims check them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from skillbridge.models import CreditRecord, Enterprise, School, Student, User, utcnow
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound
from skillbridge.platform.services.paging import AnyRow, Page, paginate
from skillbridge.platform.services.policies import can_manage_subsidies
from skillbridge.platform.text import N_

SUBJECT_KINDS = ("student", "enterprise", "school")
#: The rule a record cites when the bureau gives none: 湛江 (十三), the seed of R6.
DEFAULT_RULE = "R6"


def active_credit_record(
    session: Session,
    on_date: date,
    blocking: str | None = None,
    *,
    student_id: int | None = None,
    enterprise_id: int | None = None,
    school_id: int | None = None,
) -> CreditRecord | None:
    """The subject's unrevoked record whose term covers `on_date`, if any.

    `blocking` names a flag column (`blocks_slots`, `blocks_agreements`): only a record with that
    flag set counts. Subsidy claims are blocked by any record, so they pass none.
    """
    subject = {
        "student_id": student_id,
        "enterprise_id": enterprise_id,
        "school_id": school_id,
    }
    given = [(column, value) for column, value in subject.items() if value is not None]
    if len(given) != 1:
        raise ValueError("name exactly one subject")
    column, value = given[0]
    return session.scalar(
        select(CreditRecord)
        .where(getattr(CreditRecord, column) == value, *in_force(on_date, blocking))
        .order_by(CreditRecord.ends_on.desc())
        .limit(1)
    )


def in_force(
    on_date: date | ColumnElement[date], blocking: str | None = None
) -> list[ColumnElement[bool]]:
    """The conditions of a record in force on `on_date`: unrevoked, its term covering the day,
    and the flag column `blocking` set if one is named (as `active_credit_record` reads them;
    a statement built once passes a bound parameter for the day)."""
    conditions = [
        CreditRecord.revoked_at.is_(None),
        CreditRecord.starts_on <= on_date,
        CreditRecord.ends_on >= on_date,
    ]
    if blocking is not None:
        conditions.append(getattr(CreditRecord, blocking).is_(True))
    return conditions


def subject_region_id(session: Session, kind: str, subject_id: int) -> int | None:
    """The region a subject belongs to (a student through its school), or None if absent."""
    if kind == "student":
        student = session.get(Student, subject_id)
        school = session.get(School, student.school_id) if student else None
        return school.region_id if school else None
    organisation: Enterprise | School | None = None
    if kind == "enterprise":
        organisation = session.get(Enterprise, subject_id)
    elif kind == "school":
        organisation = session.get(School, subject_id)
    return organisation.region_id if organisation else None


@dataclass(frozen=True)
class CreditInput:
    """What the bureau records: the subject, the rule broken, why, and the term."""

    subject_kind: str
    subject_id: int
    reason: str
    starts_on: date
    ends_on: date
    rule: str = DEFAULT_RULE


def record_credit(session: Session, actor: User, data: CreditInput) -> CreditRecord:
    """The bureau records a credit record against a subject of its region."""
    if data.subject_kind not in SUBJECT_KINDS:
        raise InvalidInput(N_("失信主体类型不正确"))
    region_id = subject_region_id(session, data.subject_kind, data.subject_id)
    if region_id is None or not can_manage_subsidies(actor, region_id):
        raise NotFound(N_("失信主体不存在"))
    problems = []
    if not data.reason.strip():
        problems.append(N_("必须填写失信事由"))
    if data.ends_on < data.starts_on:
        problems.append(N_("失信记录的截止日期不能早于起始日期"))
    if problems:
        raise InvalidInput(problems[0], details=problems)
    record = CreditRecord(
        rule=(data.rule.strip() or DEFAULT_RULE)[:20],
        reason=data.reason.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        recorded_by_id=actor.id,
        **{f"{data.subject_kind}_id": data.subject_id},
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        "credit.recorded",
        "credit_record",
        record.id,
        {
            "subject": data.subject_kind,
            "subject_id": data.subject_id,
            "rule": record.rule,
            "reason": record.reason,
            "starts_on": data.starts_on.isoformat(),
            "ends_on": data.ends_on.isoformat(),
        },
    )
    return record


def _record_kind(record: CreditRecord) -> tuple[str, int]:
    for kind in SUBJECT_KINDS:
        value = getattr(record, f"{kind}_id")
        if value is not None:
            return kind, value
    raise AssertionError("the one_subject CHECK guarantees a subject")


def revoke_credit(
    session: Session, actor: User, credit_record_id: int, reason: str
) -> CreditRecord:
    """The bureau revokes a record (e.g. overturned on review); revoking twice is a conflict."""
    record = session.get(CreditRecord, credit_record_id)
    if record is None:
        raise NotFound(N_("失信记录不存在"))
    kind, subject_id = _record_kind(record)
    region_id = subject_region_id(session, kind, subject_id)
    if region_id is None or not can_manage_subsidies(actor, region_id):
        raise NotFound(N_("失信记录不存在"))
    if not reason.strip():
        raise InvalidInput(N_("必须填写撤销理由"))
    result = cast(
        CursorResult[Any],
        session.execute(
            update(CreditRecord)
            .where(CreditRecord.id == record.id, CreditRecord.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_by_id=actor.id, revocation_reason=reason.strip())
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise Conflict(N_("该失信记录已撤销"))
    session.refresh(record)
    audit.record(
        session, actor, "credit.revoked", "credit_record", record.id, {"reason": reason.strip()}
    )
    return record


@dataclass(frozen=True)
class CreditRow:
    """A record with its subject's display name, for the bureau's list."""

    record: CreditRecord
    subject_kind: str
    subject_name: str

    def active_on(self, on_date: date) -> bool:
        record = self.record
        return record.revoked_at is None and record.starts_on <= on_date <= record.ends_on


def list_credit_records(session: Session, actor: User, page: int = 1) -> Page[CreditRow]:
    """A page of the records against subjects of the actor's region, newest first.

    A record names one subject (student, enterprise or school); a student's region is its
    school's, hence the second join of School.
    """
    region_id = actor.region_id
    student_school = aliased(School)
    statement = (
        select(CreditRecord, func.coalesce(Student.name, Enterprise.name, School.name))
        .outerjoin(Student, Student.id == CreditRecord.student_id)
        .outerjoin(student_school, student_school.id == Student.school_id)
        .outerjoin(Enterprise, Enterprise.id == CreditRecord.enterprise_id)
        .outerjoin(School, School.id == CreditRecord.school_id)
        .where(
            or_(
                student_school.region_id == region_id,
                Enterprise.region_id == region_id,
                School.region_id == region_id,
            )
        )
        .order_by(CreditRecord.id.desc())
    )
    return paginate(session, statement, page, _credit_row)


def _credit_row(row: AnyRow) -> CreditRow:
    record, name = row
    if record.student_id is not None:
        return CreditRow(record, "student", name)
    return CreditRow(record, "enterprise" if record.enterprise_id is not None else "school", name)
