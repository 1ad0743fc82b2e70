"""Worker and apprentice self-registration: an account and a pending employment to confirm.

A worker names their employer by USCC; the enterprise confirms the employment before the account
may do anything but look at its own pending state. One person per national ID: a former student
registering as a worker is linked to their person, never given a second one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from skillbridge.models import (
    Employment,
    EmploymentSource,
    EmploymentStatus,
    Enterprise,
    Person,
    Role,
    StaffRole,
    User,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.accounts.logins import normalise_mobile
from skillbridge.platform.services.accounts.registration import (
    check_password,
    flush_or_conflict,
    new_user,
    normalise_email,
    tell_owner_of_attempt,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.identity import (
    IdentityKeys,
    normalise_national_id,
    normalise_uscc,
)
from skillbridge.platform.services.notifications import Link
from skillbridge.platform.services.people.persons import new_person, person_by_national_id
from skillbridge.platform.services.policies import is_verified
from skillbridge.platform.text import N_, field_problem

T = TypeVar("T")
WORKER_REGISTERED = "employment.registered"


@dataclass(frozen=True)
class WorkerRegistration:
    """What a worker or apprentice submits: either phone or e-mail (or both) is the login."""

    name: str
    national_id: str
    phone: str
    email: str
    password: str
    employer_uscc: str
    post: str
    hire_date: date | None


@dataclass
class _Checked:
    """The registration's fields once normalised; problems name each bad field."""

    problems: list[str]

    def field(self, label: str, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except InvalidInput as error:
            self.problems.append(f"{label}：{error.message}")
            return None

    def require(self, label: str, ok: bool, why: str) -> None:
        if not ok:
            self.problems.append(f"{label}：{why}")


def _employer(session: Session, uscc: str) -> Enterprise:
    enterprise = session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if enterprise is None or not is_verified(enterprise):
        raise InvalidInput(N_("该企业未在平台注册或尚未通过人社局审核"))
    return enterprise


def register_worker(
    session: Session, keys: IdentityKeys, form: WorkerRegistration, today: date
) -> User | None:
    """A worker account, its person (found or new) and a pending employment with the employer.

    None when the e-mail or phone already logs in to an account: its owner is told, the visitor
    gets the same answer as a new registration. InvalidInput names every bad field.
    """
    checked = _Checked([])
    name = form.name.strip()
    checked.require(N_("姓名"), 0 < len(name) <= 60, N_("请填写姓名（最多 60 个字符）"))
    national_id = checked.field(N_("身份证号"), lambda: normalise_national_id(form.national_id))
    checked.require(
        N_("手机号或邮箱"),
        bool(form.phone.strip() or form.email.strip()),
        N_("至少填写一项，作为登录账号"),
    )
    phone = (
        checked.field(N_("手机号"), lambda: normalise_mobile(form.phone))
        if form.phone.strip()
        else None
    )
    email = (
        checked.field(N_("邮箱"), lambda: normalise_email(form.email))
        if form.email.strip()
        else None
    )
    checked.field(N_("密码"), lambda: check_password(form.password, email or "", phone or "", name))
    enterprise = checked.field(
        N_("雇主统一社会信用代码"), lambda: _employer(session, normalise_uscc(form.employer_uscc))
    )
    post = form.post.strip()
    checked.require(N_("岗位"), 0 < len(post) <= 60, N_("请填写岗位（最多 60 个字符）"))
    checked.require(
        N_("入职日期"),
        form.hire_date is not None and form.hire_date <= today,
        N_("请填写入职日期，且不晚于今天"),
    )
    person = person_by_national_id(session, keys, national_id) if national_id else None
    if person is not None and person.name != name:
        checked.problems.append(field_problem(N_("姓名"), N_("与该身份证号已登记的姓名不符")))
    if checked.problems:
        raise InvalidInput(N_("注册信息有误，请按提示修改"), details=checked.problems)
    assert national_id is not None and enterprise is not None and form.hire_date is not None
    if person is not None and _has_worker_account(session, person):
        raise Conflict(N_("该身份证号已有职工账号：请直接登录；忘记登录方式请联系所在企业"))
    logins = [User.email == email] if email else []
    logins += [User.phone == phone] if phone else []
    owners = session.scalars(select(User).where(or_(*logins))).all()
    if owners:
        for owner in owners:
            tell_owner_of_attempt(
                session, owner, "worker", N_("有人尝试用您的邮箱或手机号注册职工账号")
            )
        return None
    if person is None:
        person = new_person(keys, national_id, name, ric.get_birth_date(national_id), phone, email)
        session.add(person)
        flush_or_conflict(session, N_("该身份证号已有职工账号"))
    user = new_user(
        email, form.password, name, Role.WORKER, StaffRole.SELF, phone=phone, person_id=person.id
    )
    session.add(user)
    employment = _open_employment(session, person, enterprise) or Employment(
        person_id=person.id,
        enterprise_id=enterprise.id,
        post=post,
        hire_date=form.hire_date,
        source=EmploymentSource.REGISTRATION,
        status=EmploymentStatus.PENDING,
    )
    session.add(employment)
    flush_or_conflict(session, N_("该身份证号或登录账号已注册"))
    # Joining an employment the enterprise already has on file still waits for it to confirm.
    notifications.notify(
        session,
        notifications.enterprise_users(session, enterprise.id),
        WORKER_REGISTERED,
        N_("有职工注册，等待确认雇佣关系"),
        f"{name}：{post}",
        Link("people.pending"),
    )
    audit.record(
        session,
        user,
        "worker.registered",
        "person",
        person.id,
        {"enterprise_id": enterprise.id, "employment_id": employment.id},
    )
    return user


def _has_worker_account(session: Session, person: Person) -> bool:
    return session.scalar(select(User.id).where(User.person_id == person.id)) is not None


def _open_employment(session: Session, person: Person, enterprise: Enterprise) -> Employment | None:
    """The employment the enterprise already has on file (imported, say), which the worker joins."""
    return session.scalar(
        select(Employment).where(
            Employment.person_id == person.id,
            Employment.enterprise_id == enterprise.id,
            Employment.status.in_((EmploymentStatus.PENDING, EmploymentStatus.CONFIRMED)),
        )
    )
