"""Each party sees only the personal data the README's table gives it (finding 1): the host
enterprise never gets ID digits or the birth date, the bureau gets the last 4 but no birth date."""

from __future__ import annotations

from datetime import date

import pytest

from skillbridge.models import Role
from skillbridge.platform.services.placements import offers
from skillbridge.platform.services.placements.agreements import record_guardian_consent

from .conftest import TODAY


def _pages(client, placement_id: int) -> str:  # type: ignore[no-untyped-def]
    pages = [client.get(f"/placements/{placement_id}{suffix}") for suffix in ("", "/agreement")]
    assert [page.status_code for page in pages] == [200, 200]  # positive control: they may look
    return "".join(page.get_data(as_text=True) for page in pages)


@pytest.mark.parametrize(
    ("role", "last4", "birth_date"),
    [
        ("school", True, True),
        ("student", True, True),
        ("bureau", True, False),
        ("enterprise", False, False),
    ],
)
def test_the_placement_and_agreement_pages_follow_the_table(
    accepted, world, login_as, role, last4, birth_date
):  # type: ignore[no-untyped-def]
    student = world.student
    page = _pages(login_as(world.users[role]), accepted.placement.id)
    assert (student.national_id_masked in page) is last4
    assert (student.birth_date.isoformat() in page) is birth_date
    assert student.name in page
    if not birth_date:
        assert "周岁" in page  # the age stands in for the birth date
    assert "440303" not in page  # the area code (the old mask's first digits) never shows


@pytest.mark.parametrize(
    ("role", "birth_date"), [("school", True), ("student", True), ("bureau", False)]
)
def test_the_student_page_and_api_follow_the_table(world, login_as, role, birth_date):  # type: ignore[no-untyped-def]
    student = world.student
    client = login_as(world.users[role])
    page = client.get(f"/students/{student.id}").get_data(as_text=True)
    assert student.national_id_masked in page
    assert (student.birth_date.isoformat() in page) is birth_date
    assert ("查看完整身份证号" in page) is (role == "school")
    body = client.get(f"/api/v1/students/{student.id}").get_json()
    assert body["national_id"] == "*" * 14 + student.national_id_masked[-4:]
    assert "birth_date" not in body


def test_the_enterprise_sees_consent_but_not_the_guardians_name(
    world, login_as, session, make_student, make_user, make_slot, make_offer
):  # type: ignore[no-untyped-def]
    minor = make_student(world.school, birth=date(TODAY.year - 17, 1, 1))
    minor_user = make_user(Role.STUDENT, student_id=minor.id)
    placement = make_offer(minor, make_slot(world.enterprise, seats=2))
    offers.accept_offer(session, minor_user, placement.id, TODAY)
    record_guardian_consent(session, world.users["school"], placement.id, "王建国")
    session.commit()
    for role, sees_name in (("school", True), ("bureau", True), ("enterprise", False)):
        page = _pages(login_as(world.users[role]), placement.id)
        assert ("王建国" in page) is sees_name, role
        assert "监护人" in page  # the consent itself is shown to every party
    assert "王建国" in _pages(login_as(minor_user), placement.id)
