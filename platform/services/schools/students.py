"""A school's student records: re-issued invitation codes, the audited full-ID reveal, key rotation."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from skillbridge.models import Person, Student, User
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, NotFound
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.policies import can_manage_student
from skillbridge.platform.services.schools.roster import new_invitation_code
from skillbridge.platform.text import N_

ROTATION_BATCH = 500


def _own_student(session: Session, actor: User, student_id: int) -> Student:
    student = session.get(Student, student_id, with_for_update=True)
    if student is None or not can_manage_student(actor, student):
        raise NotFound(N_("学生不存在"))
    return student


def reissue_invitation(session: Session, actor: User, student_id: int) -> Student:
    """The student's school gives it a new invitation code, with a fresh count of attempts."""
    student = _own_student(session, actor, student_id)
    if session.scalar(select(User.id).where(User.student_id == student.id)) is not None:
        raise Conflict(N_("该学生已激活账号，无需邀请码"))
    student.invitation_code = new_invitation_code()
    student.invitation_failures = 0
    audit.record(session, actor, "student.invitation_reissued", "student", student.id)
    return student


def reveal_national_id(session: Session, actor: User, student_id: int, keys: IdentityKeys) -> str:
    """The full ID of one of the actor's own students, decrypted; every reveal is audited."""
    student = _own_student(session, actor, student_id)
    token = student.person.national_id_encrypted
    if token is None:
        raise Conflict(N_("该学生的完整身份证号未加密存储（早于加密启用导入），请重新导入名册"))
    national_id = keys.decrypt(token)
    audit.record(session, actor, "student.national_id_revealed", "student", student.id)
    return national_id


def rotate_national_id_keys(session: Session, keys: IdentityKeys) -> int:
    """Re-encrypt every stored ID under the newest key; returns how many rows were rewritten.

    After it has run, keys other than the newest can be removed from ID_ENCRYPTION_KEYS.
    """
    rotated, after = 0, 0
    while True:
        rows = session.execute(
            select(Person.id, Person.national_id_encrypted)
            .where(Person.id > after, Person.national_id_encrypted.is_not(None))
            .order_by(Person.id)
            .limit(ROTATION_BATCH)
        ).all()
        if not rows:
            break
        for person_id, token in rows:
            assert token is not None  # selected with IS NOT NULL above
            session.execute(
                update(Person)
                .where(Person.id == person_id)
                .values(national_id_encrypted=keys.rotate(token))
                .execution_options(synchronize_session=False)
            )
        rotated += len(rows)
        after = rows[-1][0]
    audit.record(session, None, "national_ids.rotated", "person", "*", {"rows": rotated})
    return rotated
