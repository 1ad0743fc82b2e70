"""The demo region's first season, played through the real services: run, offers, placements.

After `seed_demo_region` has committed, the bureau runs region-wide matching on the reference
date, reviews and publishes it; students answer their offers (most accept, some decline, the
rest let them expire); the parties sign, insure and file the plans of the placements that start
by the season date, and those start.
Everything goes through the same services as the pages, so the history obeys every rule (seats,
the month cap, signatures, R2/N1/N4/N5/N6 start checks) and is in the audit chain.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, time, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from skillbridge.models import (
    STAFF_ROLES,
    Enterprise,
    Placement,
    PlacementStatus,
    Role,
    School,
    Slot,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.database import Database
from skillbridge.platform.demo.attendance import seed_demo_attendance
from skillbridge.platform.demo.bases import seed_demo_bases
from skillbridge.platform.demo.changes import seed_demo_changes
from skillbridge.platform.demo.competitions import seed_demo_competitions
from skillbridge.platform.demo.evaluations import seed_demo_evaluations
from skillbridge.platform.demo.incidents import seed_demo_incidents
from skillbridge.platform.demo.journals import follow_demo_placement, place_demo_student
from skillbridge.platform.demo.programmes import seed_demo_programmes
from skillbridge.platform.demo.region import DEMO_DOMAIN, DEMO_LOGINS, DEMO_PASSWORD, REFERENCE_DATE
from skillbridge.platform.services.accounts.passwords import hash_password
from skillbridge.platform.services.accounts.registration import new_session_token
from skillbridge.platform.services.attendance.calendar import china_now
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.matching import runs as match_runs
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import assignment, offers
from skillbridge.platform.services.placements import lifecycle as placements_lifecycle
from skillbridge.platform.services.placements.terms import agreement_version
from skillbridge.platform.services.policies import placement_party
from skillbridge.platform.services.signatures.reauth import Reauthentication
from skillbridge.platform.services.signatures.signing import Origin

# The season the demo shows: placements starting by this day have started.
DEMO_ORIGIN = Origin(ip_address="127.0.0.1", user_agent="skillbridge demo")
SEASON_DATE = REFERENCE_DATE + timedelta(days=45)
ACCEPT_SHARE, DECLINE_SHARE = 0.8, 0.1  # the rest let their offers lapse
INSURER = "中国人民财产保险股份有限公司苏州市分公司"
DEMO_ASSIGNED = 8  # placements each of the demo teacher and mentor follows
PLAN = "第1个月：安全教育与岗位认知；其后：在企业指导教师带领下轮岗实操，每月考核。"
_TENANT = {
    Role.STUDENT: User.student_id,
    Role.SCHOOL: User.school_id,
    Role.ENTERPRISE: User.enterprise_id,
}


def seed_demo_history(database: Database, seed: int) -> dict[str, int]:
    """Play the season on a freshly seeded demo region; returns counts of what happened."""
    rng = random.Random(seed)
    with database.session_scope() as session:
        run = match_runs.start_run(session, _bureau(session), match_runs.RunRequest())
        run_id = run.id
    match_runs.execute_run(database, run_id, REFERENCE_DATE)
    with database.session_scope() as session:
        match_runs.review_run(session, _bureau(session), run_id)
        match_runs.publish_run(session, _bureau(session), run_id, REFERENCE_DATE)
    counts: Counter[str] = Counter()
    with database.session_scope() as session:
        users = _accounts(session, run_id)
        offered = session.scalars(
            select(Placement)
            .where(Placement.run_id == run_id, Placement.status == PlacementStatus.OFFERED)
            .order_by(Placement.id)
        ).all()
        for placement in offered:
            answer = rng.random()
            student_user = users[(Role.STUDENT, placement.student_id)]
            if answer < ACCEPT_SHARE:
                counts[_accept(session, student_user, placement.id)] += 1
            elif answer < ACCEPT_SHARE + DECLINE_SHARE:
                offers.decline_offer(session, student_user, placement.id, REFERENCE_DATE)
                counts["declined"] += 1
        # The nightly sweep after the deadline: unanswered offers lapse and free their seats.
        counts["expired"] = offers.expire_offers(session, SEASON_DATE)
    with database.session_scope() as session:
        users = _accounts(session, run_id)
        starting = session.execute(
            select(Placement.id, Student.id, Student.school_id, Slot.enterprise_id)
            .join(Student, Student.id == Placement.student_id)
            .join(Slot, Slot.id == Placement.slot_id)
            .where(
                Placement.run_id == run_id,
                Placement.status == PlacementStatus.ACCEPTED,
                Placement.start_date <= SEASON_DATE,
            )
            .order_by(Placement.id)
        ).all()
        for placement_id, student_id, school_id, enterprise_id in starting:
            parties = (
                users[(Role.STUDENT, student_id)],
                users[(Role.SCHOOL, school_id)],
                users[(Role.ENTERPRISE, enterprise_id)],
            )
            counts[_complete_and_start(session, placement_id, parties)] += 1
    with database.session_scope() as session:
        counts["assigned to the demo teacher"] = _assign(session, "school", "teacher")
        counts["assigned to the demo mentor"] = _assign(session, "enterprise", "mentor")
    with database.session_scope() as session:
        counts.update(seed_demo_changes(session, SEASON_DATE))
    with database.session_scope() as session:
        counts.update(seed_demo_programmes(session))
    with database.session_scope() as session:
        counts.update(seed_demo_competitions(session))
    with database.session_scope() as session:
        counts.update(seed_demo_bases(session))
    with database.session_scope() as session:  # ── incidents ──
        counts.update(seed_demo_incidents(session, datetime.combine(SEASON_DATE, time(18, 0))))
    with database.session_scope() as session:
        counts.update(seed_demo_evaluations(session))
    with database.session_scope() as session:
        # The demo student's own internship, followed by the demo teacher and mentor, with its
        # weekly journals (Counter.update adds to the season's counts).
        placed = place_demo_student(session)
        if placed is not None:
            counts["accepted"] += 1
            if _complete_and_start(session, *placed) == "started":
                counts["started"] += 1
                counts.update(follow_demo_placement(session, placed[0]))
    with database.session_scope() as session:
        counts.update(seed_demo_attendance(session, china_now().date()))
    return dict(counts)


def _assign(session: Session, organisation: str, staff: str) -> int:
    """The demo organisation assigns its demo teacher (mentor) to some of its placements."""
    manager, assignee = (
        session.scalars(select(User).where(User.email == DEMO_LOGINS[name])).one()
        for name in (organisation, staff)
    )
    followed = assignment.followed_placements(session, manager, per_page=DEMO_ASSIGNED).items
    ids = [context.placement.id for context in followed]
    if ids:
        assignment.assign_staff(session, manager, ids, assignee.id)
    return len(ids)


def _bureau(session: Session) -> User:
    return session.scalars(select(User).where(User.email == DEMO_LOGINS["bureau"])).one()


def _accept(session: Session, user: User, placement_id: int) -> str:
    """Accept in a savepoint; a refusal (cap, overlap, age) leaves the offer open."""
    try:
        with session.begin_nested():
            offers.accept_offer(session, user, placement_id, REFERENCE_DATE)
        return "accepted"
    except DomainError:
        return "refused on acceptance"


def _sign(
    session: Session, signer: User, page: placement_agreements.PlacementPage, placement_id: int
) -> None:
    """Sign the current version as its party would after re-entering the password.

    Every demo user has the one demo password; checking its argon2 hash before each of the
    history's signatures would only add minutes, so the demo states the re-entry itself.
    """
    agreement = page.context.agreement
    assert agreement is not None  # accepted placements carry one
    now = utcnow()
    version = agreement_version(session, page.context, agreement, now)
    placement_agreements.sign_agreement(
        session,
        signer,
        placement_id,
        placement_agreements.SignRequest(
            version.content_sha256,
            Reauthentication(signer.id, version.content_sha256, now),
            DEMO_ORIGIN,
        ),
        now,
    )


def _complete_and_start(
    session: Session, placement_id: int, parties: tuple[User, User, User]
) -> str:
    """Sign, insure, file and approve, then start; a failed start check leaves it accepted."""
    student, school, enterprise = parties
    page = placement_agreements.describe_placement(session, school, placement_id, SEASON_DATE)
    placement = page.context.placement
    try:
        with session.begin_nested():
            for signer in (student, school, enterprise):
                if placement_party(signer, page.context.student, page.context.slot) in page.missing:
                    _sign(session, signer, page, placement_id)
            agreement = page.context.agreement
            if agreement is not None and placement_agreements.needs_insurance(agreement):
                cover = placement_agreements.Insurance(
                    INSURER,
                    f"PICC-DEMO-{placement_id:06d}",
                    placement.start_date,
                    placement.end_date + timedelta(days=30),
                )
                placement_agreements.record_insurance(session, school, placement_id, cover)
            if page.needs_guardian:
                placement_agreements.record_guardian_consent(
                    session, school, placement_id, f"{page.context.student.name[:1]}家长"
                )
            if page.needs_plan:
                placement_agreements.file_internship_plan(session, school, placement_id, PLAN)
                placement_agreements.decide_internship_plan(
                    session, _bureau(session), placement_id, True
                )
            placements_lifecycle.start_placement(session, school, placement_id, SEASON_DATE)
        return "started"
    except DomainError:
        return "not started (a start check failed)"


def _accounts(session: Session, run_id: int) -> dict[tuple[Role, int], User]:
    """A login for every party of the run's placements: students who activated, staff."""
    rows = session.execute(
        select(Placement.student_id, Student.school_id, Slot.enterprise_id)
        .join(Student, Student.id == Placement.student_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(Placement.run_id == run_id)
    ).all()
    wanted = {(Role.STUDENT, s) for s, _, _ in rows}
    wanted |= {(Role.SCHOOL, school) for _, school, _ in rows}
    wanted |= {(Role.ENTERPRISE, enterprise) for _, _, enterprise in rows}
    missing = sorted(wanted - set(_existing_accounts(session)), key=lambda k: (k[0].value, k[1]))
    if missing:
        password_hash = hash_password(DEMO_PASSWORD)
        session.execute(
            insert(User),
            [
                {
                    "email": f"{role.value}-{tenant}@{DEMO_DOMAIN}",
                    "display_name": _display_name(session, role, tenant),
                    "password_hash": password_hash,
                    "role": role,
                    "staff_role": STAFF_ROLES[role][0],
                    "session_token": new_session_token(),
                    _TENANT[role].key: tenant,
                }
                for role, tenant in missing
            ],
        )
        # Students with an account have spent their invitation code.
        session.execute(
            update(Student)
            .where(Student.id.in_([t for r, t in missing if r == Role.STUDENT]))
            .values(invitation_code=None)
        )
    return _existing_accounts(session)


def _existing_accounts(session: Session) -> dict[tuple[Role, int], User]:
    """The first login of each student, school and enterprise, by (role, tenant id)."""
    accounts: dict[tuple[Role, int], User] = {}
    for user in session.scalars(select(User).where(User.role != Role.BUREAU).order_by(User.id)):
        accounts.setdefault((user.role, getattr(user, _TENANT[user.role].key)), user)
    return accounts


def _display_name(session: Session, role: Role, tenant: int) -> str:
    if role == Role.STUDENT:
        return session.get_one(Student, tenant).name
    if role == Role.SCHOOL:
        return f"{session.get_one(School, tenant).name}（演示账号）"
    if role == Role.ENTERPRISE:
        return f"{session.get_one(Enterprise, tenant).name}（演示账号）"
    raise KeyError(role)
