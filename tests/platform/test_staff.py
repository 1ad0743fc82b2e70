"""Staff roles: the predicates, invitations (one-time, expiring) and the admin's staff list."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from skillbridge.models import (
    AuditEvent,
    Notification,
    Role,
    StaffInvitation,
    StaffRole,
    SubsidyClaim,
    User,
    utcnow,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.services import policies
from skillbridge.platform.services.accounts import invitations, staff
from skillbridge.platform.services.errors import Conflict, NotFound, PermissionDenied

STRONG = "Quartz-lantern-97-harbour"


def _user(role: Role, staff_role: StaffRole, uid: int = 1, **tenant: int) -> User:
    return User(id=uid, role=role, staff_role=staff_role, **tenant)


# --- predicates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("staff_role", "manages"),
    [(StaffRole.ADMIN, True), (StaffRole.PLACEMENT_OFFICER, True), (StaffRole.TEACHER, False)],
)
def test_school_managers_are_the_admin_and_the_placement_officer(staff_role, manages):
    actor = _user(Role.SCHOOL, staff_role, school_id=7)
    assert policies.acts_for_school(actor, 7) is manages
    assert policies.acts_for_school(actor, 8) is False  # never another school


@pytest.mark.parametrize(
    ("staff_role", "manages"),
    [(StaffRole.ADMIN, True), (StaffRole.HR, True), (StaffRole.MENTOR, False)],
)
def test_enterprise_managers_are_the_admin_and_hr(staff_role, manages):
    actor = _user(Role.ENTERPRISE, staff_role, enterprise_id=3)
    assert policies.can_manage_slots(actor, 3) is manages
    assert policies.can_manage_slots(actor, 4) is False


def test_bureau_jobs_follow_the_staff_role():
    officer, reviewer, finance = (
        _user(Role.BUREAU, s, uid=i, region_id=1)
        for i, s in enumerate((StaffRole.OFFICER, StaffRole.REVIEWER, StaffRole.FINANCE), 1)
    )
    assert [policies.can_verify_organisations(u, 1) for u in (officer, reviewer, finance)] == [
        True,
        False,
        False,
    ]
    assert [policies.can_decide_claim(u, 1) for u in (officer, reviewer, finance)] == [
        True,
        True,
        False,
    ]
    assert [policies.can_review_filing(u, 1) for u in (officer, reviewer, finance)] == [
        True,
        True,
        False,
    ]
    assert [policies.can_see_claims(u, 1) for u in (officer, reviewer, finance)] == [True] * 3
    assert policies.can_decide_claim(reviewer, 2) is False  # another region


def test_four_eyes_payment_is_finance_and_never_the_approver():
    reviewer = _user(Role.BUREAU, StaffRole.REVIEWER, uid=1, region_id=1)
    finance = _user(Role.BUREAU, StaffRole.FINANCE, uid=2, region_id=1)
    claim = SubsidyClaim(needs_second_user=True, decided_by_id=finance.id)
    assert policies.can_pay_claim(finance, claim, 1) is False  # its own approval
    claim.decided_by_id = 99
    assert policies.can_pay_claim(finance, claim, 1) is True  # positive control
    assert policies.can_pay_claim(reviewer, claim, 1) is False
    assert policies.can_pay_claim(finance, claim, 2) is False


def test_only_the_admin_manages_staff_and_only_its_own():
    admin = _user(Role.SCHOOL, StaffRole.ADMIN, uid=1, school_id=1)
    officer = _user(Role.SCHOOL, StaffRole.PLACEMENT_OFFICER, uid=2, school_id=1)
    colleague = _user(Role.SCHOOL, StaffRole.TEACHER, uid=3, school_id=1)
    stranger = _user(Role.SCHOOL, StaffRole.TEACHER, uid=4, school_id=2)
    assert policies.can_manage_staff_member(admin, colleague) is True
    assert policies.can_manage_staff_member(admin, stranger) is False
    assert policies.can_manage_staff_member(officer, colleague) is False
    bureau_officer = _user(Role.BUREAU, StaffRole.OFFICER, region_id=1)
    assert policies.can_manage_staff(bureau_officer) is True


# --- invitations ---------------------------------------------------------------------------


@pytest.fixture
def school_admin(factories, make_region):
    school = factories.school(make_region())
    return factories.user(Role.SCHOOL, school_id=school.id)


def _invite(session, actor, email="teacher@example.cn", role="teacher"):
    return invitations.invite_staff(session, actor, invitations.StaffInvite(email, "王老师", role))


def test_an_invitation_keeps_only_the_hash_and_activates_once(session, school_admin):
    invitation, token = _invite(session, school_admin)
    assert invitation.token_hash == invitations.token_hash(token) and token not in {
        invitation.token_hash
    }
    user = invitations.accept_invitation(session, token, STRONG)
    assert (user.role, user.staff_role, user.school_id) == (
        Role.SCHOOL,
        StaffRole.TEACHER,
        school_admin.school_id,
    )
    assert invitation.accepted_user_id == user.id
    # Reuse is refused: the link works once.
    with pytest.raises(Conflict):
        invitations.accept_invitation(session, token, STRONG)
    notified = session.scalars(
        select(Notification.kind).where(Notification.user_id == school_admin.id)
    ).all()
    assert invitations.STAFF_JOINED in notified
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"staff.invited", "staff.joined"} <= actions


def test_an_expired_invitation_is_refused_and_a_fresh_one_works(session, school_admin):
    _stale, stale_token = _invite(session, school_admin, "late@example.cn")
    with pytest.raises(Conflict, match="过期"):
        invitations.accept_invitation(
            session,
            stale_token,
            STRONG,
            now=utcnow() + timedelta(days=invitations.INVITATION_DAYS, seconds=1),
        )
    # Positive control: within its week the same kind of invitation activates.
    _fresh, token = _invite(session, school_admin, "ontime@example.cn")
    assert invitations.accept_invitation(session, token, STRONG).email == "ontime@example.cn"


def test_an_unknown_token_is_not_found(session, school_admin):
    with pytest.raises(NotFound):
        invitations.accept_invitation(session, "not-a-token", STRONG)


def test_a_staff_role_of_another_kind_of_organisation_is_refused(session, school_admin):
    with pytest.raises(Exception, match="岗位角色"):
        _invite(session, school_admin, role="mentor")
    assert _invite(session, school_admin, role="placement_officer")[0].id  # positive control


def test_only_the_admin_invites(session, factories, school_admin):
    officer = factories.user(
        Role.SCHOOL, StaffRole.PLACEMENT_OFFICER, school_id=school_admin.school_id
    )
    with pytest.raises(PermissionDenied):
        _invite(session, officer)
    assert _invite(session, school_admin)[0].id  # positive control


def test_the_join_page_sets_the_password_and_logs_in(app, session, school_admin):
    _invitation, token = _invite(session, school_admin)
    session.commit()
    client = app.test_client()
    assert client.get(f"/join/{token}").status_code == 200
    response = client.post(f"/join/{token}", data={"password": STRONG, "confirm": STRONG})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200
    # The spent link answers 409 to anyone after.
    assert app.test_client().get(f"/join/{token}").status_code == 409


def test_the_invite_page_shows_the_link_once(app, session, school_admin, login_as):
    session.commit()
    client = login_as(school_admin)
    response = client.post(
        "/staff/invite",
        data={"email": "new@example.cn", "display_name": "李老师", "staff_role": "teacher"},
        follow_redirects=True,
    )
    link = re.search(r"/join/([A-Za-z0-9_-]+)", response.get_data(as_text=True))
    assert response.status_code == 200 and link
    stored = session.scalar(
        select(StaffInvitation).where(StaffInvitation.email == "new@example.cn")
    )
    assert stored.token_hash == invitations.token_hash(link.group(1))


# --- the staff list, role changes, deactivation --------------------------------------------


def test_the_admin_changes_a_role_and_deactivates_but_never_itself(
    session, factories, school_admin
):
    teacher = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school_admin.school_id)
    staff.change_staff_role(session, school_admin, teacher.id, "placement_officer")
    assert teacher.staff_role == StaffRole.PLACEMENT_OFFICER
    token = teacher.session_token
    staff.deactivate_staff(session, school_admin, teacher.id)
    assert teacher.is_active is False and teacher.session_token != token
    with pytest.raises(Conflict):
        staff.deactivate_staff(session, school_admin, school_admin.id)
    with pytest.raises(Conflict):
        staff.change_staff_role(session, school_admin, school_admin.id, "teacher")


def test_the_last_admin_stays(app, factories, session, school_admin):
    second = factories.user(Role.SCHOOL, StaffRole.ADMIN, school_id=school_admin.school_id)
    session.commit()
    # Two admins stop each other: the second request, already past login, comes after the first.
    staff.deactivate_staff(session, second, school_admin.id)  # positive control: one is left
    session.commit()
    with get_database(app).sessions() as other:
        stale = other.get(User, school_admin.id)
        stale.is_active = True  # as its request saw it before the first committed
        other.expunge(stale)
        with pytest.raises(Conflict, match="最后一名管理员"):
            staff.deactivate_staff(other, stale, second.id)
        assert other.get(User, second.id).is_active is True


def test_another_organisations_account_is_not_found(session, factories, school_admin, make_region):
    other_school = factories.school(make_region())
    stranger = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=other_school.id)
    with pytest.raises(NotFound):
        staff.deactivate_staff(session, school_admin, stranger.id)
    colleague = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school_admin.school_id)
    assert staff.deactivate_staff(session, school_admin, colleague.id).is_active is False


def test_the_staff_list_pages_the_organisation_only(session, factories, school_admin, make_region):
    for _ in range(3):
        factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school_admin.school_id)
    factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=factories.school(make_region()).id)
    page = staff.list_staff(session, school_admin, 1)
    assert page.total == 4
    assert {u.school_id for u in page.items} == {school_admin.school_id}


def _stop(database, actor: User, member_id: int, barrier, outcomes: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Deactivate in a write session of this thread's own, started when both are ready."""
    barrier.wait(timeout=30)
    with database.write_sessions() as own:
        try:
            staff.deactivate_staff(own, own.merge(actor, load=False), member_id)
            own.commit()
            outcomes.append("stopped")
        except Conflict:
            own.rollback()
            outcomes.append("refused")


def test_two_admins_stopping_each_other_at_once_leave_one(app, factories, session, school_admin):
    """A race on the real database: exactly one of the two deactivations wins, every round."""
    database = get_database(app)
    school_admin.staff_role = StaffRole.TEACHER  # the pairs below are the school's only admins
    for _round in range(5):
        pair = [
            factories.user(Role.SCHOOL, StaffRole.ADMIN, school_id=school_admin.school_id)
            for _ in range(2)
        ]
        session.commit()
        for user in pair:
            session.expunge(user)
        barrier, outcomes = threading.Barrier(2), []
        threads = [
            threading.Thread(target=_stop, args=(database, a, b.id, barrier, outcomes))
            for a, b in (pair, pair[::-1])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["refused", "stopped"]
        active = [session.get(User, u.id) for u in pair]
        assert sorted(u.is_active for u in active) == [False, True]
        for user in active:
            user.staff_role = StaffRole.TEACHER  # out of the next round's count
        session.commit()
