"""Student activation: exact last-4 format, a per-code lock after 5 wrong answers, re-issue by the
school, audited failures, and a handout without ID digits (finding 2)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select
from support import PASSWORD

from skillbridge.models import AuditEvent, Role, Student, User
from skillbridge.platform.services.accounts.registration import MAX_ACTIVATION_FAILURES


def _form(student: Student, last4: str, email: str = "new.student@example.cn") -> dict:
    return {
        "invitation_code": student.invitation_code,
        "id_last4": last4,
        "email": email,
        "password": PASSWORD,
    }


def _fresh(session, student: Student) -> Student:  # type: ignore[no-untyped-def]
    """The row as the requests left it (they committed in sessions of their own)."""
    session.rollback()
    session.expire_all()
    return session.get(Student, student.id)


def _wrong(right: str) -> str:
    return "0000" if right != "0000" else "1111"


@pytest.fixture
def newcomer(world, make_student, session) -> Student:  # type: ignore[no-untyped-def]
    student = make_student(world.school)
    session.commit()
    return student


@pytest.mark.parametrize("cut", ["   6", "6   ", " 6 ", "\t\t\t6", "12345", "１２３４", "12 4"])
def test_a_last4_that_is_not_exactly_four_characters_is_refused(client, session, newcomer, cut):  # type: ignore[no-untyped-def]
    """The probe's "   6" matched every ID ending in 6; so would any shorter suffix."""
    right = newcomer.national_id_masked[-4:]
    # Make the cut a real suffix of the right answer where it has one digit.
    cut = cut.replace("6", right[-1])
    response = client.post("/activate", data=_form(newcomer, cut))
    assert response.status_code == 400
    assert session.scalar(select(User.id).where(User.student_id == newcomer.id)) is None
    # Positive control: the right answer, even padded and in lower case, activates.
    padded = f"  {right.lower()} "
    assert client.post("/activate", data=_form(newcomer, padded)).status_code == 302


def test_five_wrong_answers_lock_the_code_until_the_school_reissues_it(
    client, session, world, newcomer, login_as, make_user
):  # type: ignore[no-untyped-def]
    other_staff = make_user(Role.SCHOOL, school_id=world.other_school.id)
    session.commit()
    right, old_code = newcomer.national_id_masked[-4:], newcomer.invitation_code
    for _ in range(MAX_ACTIVATION_FAILURES):
        assert client.post("/activate", data=_form(newcomer, _wrong(right))).status_code == 400
    assert _fresh(session, newcomer).invitation_failures == MAX_ACTIVATION_FAILURES
    locked = client.post("/activate", data=_form(newcomer, right))
    assert locked.status_code == 400 and "已锁定" in locked.get_data(as_text=True)
    assert session.scalar(select(User.id).where(User.student_id == newcomer.id)) is None

    # Only the student's own school re-issues; another school gets 404.
    other_school = login_as(other_staff)
    assert other_school.post(f"/students/{newcomer.id}/invitation").status_code == 404
    school = login_as(world.users["school"])
    page = school.get(f"/students/{newcomer.id}").get_data(as_text=True)
    assert "已因多次输入错误锁定" in page
    response = school.post(f"/students/{newcomer.id}/invitation")
    assert response.status_code == 302
    fresh = _fresh(session, newcomer)
    assert fresh.invitation_code != old_code and fresh.invitation_failures == 0
    old = client.post("/activate", data={**_form(fresh, right), "invitation_code": old_code})
    assert old.status_code == 400  # the old code is dead
    assert client.post("/activate", data=_form(fresh, right)).status_code == 302
    assert _fresh(session, newcomer).invitation_code is None


def test_failed_activations_are_audited_with_the_address(client, session, newcomer):  # type: ignore[no-untyped-def]
    right = newcomer.national_id_masked[-4:]
    client.environ_base["REMOTE_ADDR"] = "203.0.113.20"
    client.post("/activate", data=_form(newcomer, _wrong(right)))
    client.post("/activate", data={**_form(newcomer, right), "invitation_code": "NOSUCHCODE"})
    session.rollback()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "student.activation_failed")
    ).all()
    data = [json.loads(e.payload)["data"] for e in events]
    assert [e.object_id for e in events] == [str(newcomer.id), "-"]
    assert data[0] == {"address": "203.0.113.20", "failures": 1, "known_code": True}
    assert data[1]["known_code"] is False and data[1]["failures"] is None


def test_the_invitation_handout_has_no_id_digits(login_as, session, world, newcomer):  # type: ignore[no-untyped-def]
    school = login_as(world.users["school"])
    response = school.get(f"/school/cohorts/{newcomer.cohort_id}/invitations.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["姓名", "邀请码"]
    assert rows[1] == [newcomer.name, newcomer.invitation_code]
    assert newcomer.national_id_masked[-4:] not in response.get_data(as_text=True)
