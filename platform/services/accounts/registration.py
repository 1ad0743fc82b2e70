"""Accounts: registration, verification by the bureau, login, logout and password changes."""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    STAFF_ROLES,
    Enterprise,
    Region,
    Role,
    School,
    SchoolType,
    StaffRole,
    Student,
    User,
    VerificationStatus,
    utcnow,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.accounts.logins import login_matches
from skillbridge.platform.services.accounts.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    is_strong_password,
    verify_password,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.identity import normalise_uscc
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import can_verify_organisations
from skillbridge.platform.text import N_


def new_session_token() -> str:
    """A fresh random token; every cookie carrying an older one stops working."""
    return secrets.token_hex(16)


# Wrong "last 4" answers after which an invitation code stops working until the school
# re-issues it: with 11,000 possible answers, 5 guesses give an attacker under 0.05 %.
MAX_ACTIVATION_FAILURES = 5
# The last 4 of a resident ID: 3 digits and a check character (a digit or X); ASCII digits only.
_ID_LAST4 = re.compile(r"[0-9]{3}[0-9X]")
REGISTRATION_ATTEMPTED = "account.registration_attempted"


def check_password(password: str, *user_inputs: str) -> None:
    """InvalidInput unless the password is long and hard to guess from the account's own data."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(N_("密码至少需要 %(n)d 个字符", n=MIN_PASSWORD_LENGTH))
    if not is_strong_password(password, user_inputs):
        raise InvalidInput(
            N_("密码太容易被猜到：请用更长、更少见的词组，避免重复、顺序字符、常见单词和个人信息")
        )


def normalise_email(email: str) -> str:
    """The address trimmed and lower-cased, or InvalidInput when it is not one."""
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise InvalidInput(N_("邮箱格式不正确"))
    return email


def ensure_email_free(session: Session, email: str) -> None:
    """Conflict when an account already logs in with `email`."""
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(N_("该邮箱已注册"))


def _owner_told(session: Session, email: str, kind: str) -> bool:
    """If `email` has an account, tell its owner of the attempt instead of telling the visitor."""
    owner = session.scalar(select(User).where(User.email == email))
    if owner is None:
        return False
    tell_owner_of_attempt(session, owner, kind, N_("有人尝试用您的邮箱注册新机构"))
    return True


def tell_owner_of_attempt(session: Session, owner: User, kind: str, title: str) -> None:
    """Someone tried to register with `owner`'s login: the owner is told, the visitor is not.

    The visitor gets the same answer either way, so registration reveals no account; the hash
    spent here keeps the answer as slow as a real registration.
    """
    hash_password("timing-equaliser-not-a-password")
    notifications.notify(
        session, [owner], REGISTRATION_ATTEMPTED, title, f"{kind}：{utcnow():%Y-%m-%d %H:%M} UTC"
    )
    audit.record(session, None, "registration.email_taken", "user", owner.id, {"kind": kind})


def _load_region(session: Session, region_id: int) -> Region:
    region = session.get(Region, region_id)
    if region is None:
        raise InvalidInput(N_("所选地区不存在"))
    if region.policy_pack is None:
        # A province holds its cities, not schools or enterprises of its own.
        raise InvalidInput(N_("所选地区：请选择市或区，而不是省或自治区"))
    return region


def new_user(
    email: str | None,
    password: str,
    display_name: str,
    role: Role,
    staff_role: StaffRole | None = None,
    phone: str | None = None,
    **tenant: int,
) -> User:
    """A new account with a fresh session token; e-mail or phone (or both) are its logins."""
    # The account that registers an organisation is its admin; a student or worker acts as self.
    return User(
        staff_role=staff_role or STAFF_ROLES[role][0],
        email=email,
        phone=phone,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role,
        session_token=new_session_token(),
        **tenant,
    )


@dataclass(frozen=True)
class SchoolRegistration:
    """What a school submits to register."""

    name: str
    code: str
    school_type: SchoolType
    region_id: int
    contact_name: str
    contact_phone: str
    email: str
    password: str


def register_school(session: Session, form: SchoolRegistration) -> User | None:
    """Create a pending school and its first user; the bureau verifies it before it can act.

    None when the e-mail already has an account: its owner is told, the visitor is not.
    """
    email = normalise_email(form.email)
    check_password(form.password, email, form.contact_name, form.name)
    if not (form.code.isdigit() and len(form.code) == 10):
        raise InvalidInput(N_("学校标识码应为 10 位数字"))
    _load_region(session, form.region_id)
    if session.scalar(select(School.id).where(School.code == form.code)) is not None:
        raise Conflict(N_("该学校标识码已注册"))
    if _owner_told(session, email, "school"):
        return None
    school = School(
        name=form.name.strip(),
        code=form.code,
        school_type=form.school_type,
        region_id=form.region_id,
        contact_name=form.contact_name.strip(),
        contact_phone=form.contact_phone.strip(),
    )
    session.add(school)
    session.flush()
    user = new_user(
        email, form.password, form.contact_name.strip(), Role.SCHOOL, school_id=school.id
    )
    session.add(user)
    flush_or_conflict(session, N_("该学校或邮箱已注册"))
    audit.record(session, user, "school.registered", "school", school.id, {"name": school.name})
    return user


@dataclass(frozen=True)
class EnterpriseRegistration:
    """What an enterprise submits to register."""

    name: str
    uscc: str
    industry: str
    staff_headcount: int
    region_id: int
    contact_name: str
    contact_phone: str
    email: str
    password: str


def register_enterprise(session: Session, form: EnterpriseRegistration) -> User | None:
    """Create a pending enterprise (USCC checked) and its first user.

    None when the e-mail already has an account: its owner is told, the visitor is not.
    """
    email = normalise_email(form.email)
    check_password(form.password, email, form.contact_name, form.name)
    code = normalise_uscc(form.uscc)
    if form.staff_headcount < 0:
        raise InvalidInput(N_("在岗职工人数不能为负数"))
    _load_region(session, form.region_id)
    if session.scalar(select(Enterprise.id).where(Enterprise.uscc == code)) is not None:
        raise Conflict(N_("该统一社会信用代码已注册"))
    if _owner_told(session, email, "enterprise"):
        return None
    enterprise = Enterprise(
        name=form.name.strip(),
        uscc=code,
        industry=form.industry.strip(),
        staff_headcount=form.staff_headcount,
        region_id=form.region_id,
        contact_name=form.contact_name.strip(),
        contact_phone=form.contact_phone.strip(),
    )
    session.add(enterprise)
    session.flush()
    user = new_user(
        email,
        form.password,
        form.contact_name.strip(),
        Role.ENTERPRISE,
        enterprise_id=enterprise.id,
    )
    session.add(user)
    flush_or_conflict(session, N_("该企业或邮箱已注册"))
    audit.record(
        session, user, "enterprise.registered", "enterprise", enterprise.id, {"uscc": code}
    )
    return user


def flush_or_conflict(session: Session, message: str) -> None:
    """Flush; a concurrent registration can still win the UNIQUE race: report it as a conflict."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(message) from exc


ORGANISATION_MODELS: dict[str, type[School] | type[Enterprise]] = {
    "school": School,
    "enterprise": Enterprise,
}


def decide_verification(
    session: Session, actor: User, kind: str, organisation_id: int, approve: bool, reason: str = ""
) -> School | Enterprise:
    """The bureau verifies or rejects a pending organisation of its region."""
    organisation: School | Enterprise | None = None
    if kind == "school":
        organisation = session.get(School, organisation_id)
    elif kind == "enterprise":
        organisation = session.get(Enterprise, organisation_id)
    if organisation is None or actor.role != Role.BUREAU:
        raise NotFound(N_("机构不存在"))
    if not can_verify_organisations(actor, organisation.region_id):
        raise NotFound(N_("机构不存在"))
    if organisation.verification_status != VerificationStatus.PENDING:
        raise Conflict(N_("该机构已审核"))
    if not approve and not reason.strip():
        raise InvalidInput(N_("驳回时必须填写理由"))
    organisation.verification_status = (
        VerificationStatus.VERIFIED if approve else VerificationStatus.REJECTED
    )
    organisation.rejection_reason = None if approve else reason.strip()
    audit.record(
        session,
        actor,
        f"{kind}.verified" if approve else f"{kind}.rejected",
        kind,
        organisation.id,
        {"reason": reason.strip()},
    )
    return organisation


def create_bureau_user(
    session: Session,
    email: str,
    password: str,
    display_name: str,
    region_code: str,
    staff_role: StaffRole = StaffRole.OFFICER,
) -> User:
    """Bureau accounts are created by an operator on the command line, never self-registered."""
    if staff_role not in STAFF_ROLES[Role.BUREAU]:
        raise InvalidInput(
            N_("人社局账号的岗位只能是 %(roles)s", roles=", ".join(STAFF_ROLES[Role.BUREAU]))
        )
    email = normalise_email(email)
    check_password(password, email, display_name)
    region = session.scalar(select(Region).where(Region.code == region_code))
    if region is None:
        raise InvalidInput(N_("地区 %(code)s 不存在", code=region_code))
    ensure_email_free(session, email)
    user = new_user(email, password, display_name, Role.BUREAU, staff_role, region_id=region.id)
    session.add(user)
    session.flush()
    audit.record(
        session,
        None,
        "bureau_user.created",
        "user",
        user.id,
        {"email": email, "staff_role": staff_role.value},
    )
    return user


def authenticate(session: Session, login: str, password: str) -> User | None:
    """The active user with this e-mail or mobile number and password, or None (same cost)."""
    user = session.scalar(select(User).where(login_matches(login)))
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.is_active:
        return None
    user.last_login_at = utcnow()
    audit.record(session, user, "user.logged_in", "user", user.id)
    return user


def record_failed_login(session: Session, email: str, address: str) -> None:
    """Audit a wrong login with the client's address (the account's id when there is one)."""
    email = email.strip().lower()[:120]
    user_id = session.scalar(select(User.id).where(login_matches(email)))
    audit.record(
        session,
        None,
        "user.login_failed",
        "user",
        user_id if user_id is not None else "-",
        {"email": email, "address": address},
    )


def record_rate_limited(
    session: Session, actor: User | None, path: str, address: str, limit: str
) -> None:
    """Audit a request refused by a rate limit (429), with the client's address."""
    audit.record(
        session,
        actor,
        "request.rate_limited",
        "path",
        path[:40],
        {"path": path, "address": address, "limit": limit},
    )


def end_sessions(session: Session, user: User) -> None:
    """Logout: rotate the token so any copy of the old cookie is refused."""
    user.session_token = new_session_token()
    audit.record(session, user, "user.logged_out", "user", user.id)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change the password and end every other session of this user."""
    if not verify_password(user.password_hash, current):
        raise PermissionDenied(N_("当前密码不正确"))
    check_password(new, user.email or user.phone or "", user.display_name)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
    audit.record(session, user, "user.password_changed", "user", user.id)


def normalise_id_last4(value: str) -> str:
    """Strip and upper-case first, then require exactly 3 digits and a digit or X."""
    cleaned = value.strip().upper()
    if not _ID_LAST4.fullmatch(cleaned):
        raise InvalidInput(N_("身份证号后四位应为 3 位数字加 1 位数字或 X"))
    return cleaned


def normalise_invitation_code(value: str) -> str:
    """Invitation codes are typed by hand: surrounding spaces and case do not matter."""
    return value.strip().upper()


class WrongActivationSecret(InvalidInput):
    """The code exists but the last 4 do not match: the attempt counts towards the code's lock."""


def activate_student(
    session: Session, invitation_code: str, id_last4: str, email: str, password: str
) -> User:
    """A student joins with the invitation code from its school's roster and its ID's last 4.

    A code that has seen MAX_ACTIVATION_FAILURES wrong answers is locked until the school
    re-issues it; the caller records each WrongActivationSecret with `record_failed_activation`.
    """
    email = normalise_email(email)
    check_password(password, email)
    last4 = normalise_id_last4(id_last4)
    code = normalise_invitation_code(invitation_code)
    # Locked so that concurrent guesses on one code are counted one after the other.
    student = session.scalar(
        select(Student).where(Student.invitation_code == code).with_for_update()
    )
    if student is None:
        raise InvalidInput(N_("邀请码或身份证后四位不正确"))
    if student.invitation_failures >= MAX_ACTIVATION_FAILURES:
        raise InvalidInput(N_("该邀请码因多次输入错误已锁定，请联系学校重新发放"))
    if not hmac.compare_digest(student.person.national_id_masked[-4:].upper(), last4):
        raise WrongActivationSecret(N_("邀请码或身份证后四位不正确"))
    ensure_email_free(session, email)
    student.invitation_code = None
    student.invitation_failures = 0
    user = new_user(email, password, student.name, Role.STUDENT, student_id=student.id)
    session.add(user)
    flush_or_conflict(session, N_("该学生账号已激活"))
    audit.record(session, user, "student.activated", "student", student.id)
    return user


def record_failed_activation(
    session: Session, invitation_code: str, address: str, counted: bool
) -> None:
    """Audit a refused activation; a wrong last 4 (`counted`) adds one to the code's failures."""
    code = normalise_invitation_code(invitation_code)[:32]
    student_id = session.scalar(select(Student.id).where(Student.invitation_code == code))
    failures = None
    if counted and student_id is not None:
        failures = session.scalar(
            update(Student)
            .where(Student.id == student_id)
            .values(invitation_failures=Student.invitation_failures + 1)
            .returning(Student.invitation_failures)
        )
    audit.record(
        session,
        None,
        "student.activation_failed",
        "student",
        student_id if student_id is not None else "-",
        {"address": address, "failures": failures, "known_code": student_id is not None},
    )


def pending_count_statements(region_id: int | BindParameter[int]) -> dict[str, Select[Any]]:
    """The count of pending verifications in a region per kind, as statements to run or nest
    (the region given, or bound when the statement is built once)."""
    return {
        kind: select(func.count())
        .select_from(model)
        .where(model.region_id == region_id)
        .where(model.verification_status == VerificationStatus.PENDING)
        for kind, model in ORGANISATION_MODELS.items()
    }


def pending_verifications(
    session: Session, actor: User, kind: str, page: int = 1
) -> Page[School | Enterprise]:
    """A page of the organisations of `kind` in the bureau's region waiting for verification."""
    model = ORGANISATION_MODELS.get(kind)
    if model is None:
        raise NotFound(N_("机构不存在"))
    if actor.region_id is None or not can_verify_organisations(actor, actor.region_id):
        raise PermissionDenied(N_("只有人社局可以审核机构"))
    statement = (
        select(model)
        .where(model.region_id == actor.region_id)
        .where(model.verification_status == VerificationStatus.PENDING)
        .order_by(model.id)
    )
    return paginate(session, statement, page, first_column)
