"""Regions above cities: a province's officer reads its cities' figures summed and drills down
read-only, never writes to a city's objects, and onboards a new city until its officer joins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AuditEvent,
    Budget,
    ClaimStatus,
    FiguresSnapshot,
    Region,
    RegionLevel,
    Role,
    School,
    StaffInvitation,
    SubsidyClaim,
    SubsidyPolicy,
    User,
    VerificationStatus,
)


@dataclass
class Provinces:
    province: Region
    city_a: Region
    city_b: Region
    other_city: Region
    upper: User
    officer_a: User
    other_upper: User
    pending_school: School
    student_a: int


@pytest.fixture
def provinces(session: Session, make_region, make_school, make_student, make_user) -> Provinces:  # type: ignore[no-untyped-def]
    province = make_region(pack=None, level=RegionLevel.PROVINCE)
    city_a = make_region(parent=province)
    city_b = make_region(pack="dalian", parent=province)
    other = make_region(pack=None, level=RegionLevel.AUTONOMOUS_REGION)
    other_city = make_region(pack="inner_mongolia", level=RegionLevel.PREFECTURE, parent=other)
    school_a, school_b = make_school(city_a), make_school(city_b)
    student_a = make_student(school_a).id
    make_student(school_a)
    make_student(school_b)
    make_student(make_school(other_city))
    pending = make_school(city_a, verified=False)
    scene = Provinces(
        province,
        city_a,
        city_b,
        other_city,
        make_user(Role.BUREAU, region_id=province.id),
        make_user(Role.BUREAU, region_id=city_a.id),
        make_user(Role.BUREAU, region_id=other.id),
        pending,
        student_a,
    )
    session.commit()
    return scene


def test_the_province_sees_its_cities_snapshots_summed_not_recounted(
    provinces: Provinces, login_as, session: Session, make_student
) -> None:  # type: ignore[no-untyped-def]
    upper = login_as(provinces.upper)
    page = upper.get("/bureau/regions/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # 2 + 1 students in the two cities, none of the other autonomous region's.
    assert '<div class="stat">3</div>' in text
    assert text.count('class="region-dashboard"') == 2
    session.rollback()
    snapshots = session.scalars(select(FiguresSnapshot.region_id)).all()
    assert {provinces.city_a.id, provinces.city_b.id} <= set(snapshots)
    # A new student is in the city's next count, not in the sums read from its snapshot.
    session.rollback()
    make_student(provinces.pending_school)
    session.commit()
    assert '<div class="stat">3</div>' in upper.get("/bureau/regions/").get_data(as_text=True)
    # The province's own dashboard is its cities' sums.
    moved = upper.get("/bureau/dashboard/")
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/bureau/regions/")


def test_drill_down_reads_a_city_of_its_own_province_only(provinces: Provinces, login_as) -> None:  # type: ignore[no-untyped-def]
    upper, other = login_as(provinces.upper), login_as(provinces.other_upper)
    city = provinces.city_a.id
    for path in (
        f"/bureau/regions/{city}/dashboard",
        f"/bureau/regions/{city}/supervision",
        f"/bureau/regions/{city}/lists/students",
        f"/bureau/regions/{city}",
    ):
        assert upper.get(path).status_code == 200, path
        assert other.get(path).status_code == 404, path
    board = upper.get(f"/bureau/regions/{city}/dashboard").get_data(as_text=True)
    assert 'id="read-only"' in board and f"/bureau/regions/{city}/lists/" in board
    students = upper.get(f"/bureau/regions/{city}/lists/students").get_data(as_text=True)
    assert "共 2 条" in students or "共 3 条" in students
    # A sibling city's officer does not read its neighbour.
    sibling = login_as(provinces.officer_a)
    assert sibling.get(f"/bureau/regions/{provinces.city_b.id}/dashboard").status_code == 404
    assert sibling.get(f"/bureau/regions/{city}/dashboard").status_code == 200


def test_pages_of_a_citys_own_pack_are_not_offered_to_the_province(
    provinces: Provinces, login_as
) -> None:  # type: ignore[no-untyped-def]
    upper, city = login_as(provinces.upper), login_as(provinces.officer_a)
    province_nav = upper.get("/bureau/regions/")
    assert province_nav.status_code == 200
    for path in ("/bureau/compliance/", "/courses/"):
        link = f'href="{path}"'
        # The city's officer has the page and its link in the navigation.
        page = city.get(path)
        assert page.status_code == 200 and link in page.get_data(as_text=True), path
        # The province has no link, and a direct visit says why.
        assert link not in province_nav.get_data(as_text=True), path
        refused = upper.get(path)
        assert refused.status_code == 404, path
        assert "没有自己的政策包" in refused.get_data(as_text=True), path


def test_the_province_never_writes_to_a_citys_objects(
    provinces: Provinces, login_as, session: Session, factories
) -> None:  # type: ignore[no-untyped-def]
    upper, city = login_as(provinces.upper), login_as(provinces.officer_a)
    school_id = provinces.pending_school.id
    verify = f"/bureau/verifications/school/{school_id}"
    assert upper.post(verify, data={"approve": "1"}).status_code == 404
    assert session.get(School, school_id).verification_status == VerificationStatus.PENDING
    budget, policy = factories.budget(provinces.city_a)
    claim = SubsidyClaim(
        policy_id=policy.id,
        student_id=provinces.student_a,
        on_date=date.today(),
        once_only_key=f"{policy.code}:test",
        status=ClaimStatus.SUBMITTED,
        evaluation={"eligible": True, "conditions": []},
    )
    session.add(claim)
    session.commit()
    allocate = f"/subsidies/budgets/{budget.id}/allocation"
    reject = f"/subsidies/claims/{claim.id}/reject"
    assert upper.post(allocate, data={"allocated_yuan": "5"}).status_code == 404
    assert upper.post(reject, data={"reason": "材料不全"}).status_code == 404
    session.rollback()  # a new snapshot: the requests committed on their own connections
    assert session.get(Budget, budget.id).allocated_yuan == 100_000
    assert session.get(SubsidyClaim, claim.id).status == ClaimStatus.SUBMITTED
    # Positive controls: the city's own officer does each through the same routes.
    assert city.post(verify, data={"approve": "1"}).status_code == 302
    assert city.post(allocate, data={"allocated_yuan": "5"}).status_code == 302
    assert city.post(reject, data={"reason": "材料不全"}).status_code == 302
    session.rollback()  # a new snapshot: the requests committed on their own connections
    status = select(School.verification_status).where(School.id == school_id)
    assert session.scalar(status) == VerificationStatus.VERIFIED
    assert session.scalar(select(Budget.allocated_yuan).where(Budget.id == budget.id)) == 5
    claim_status = select(SubsidyClaim.status).where(SubsidyClaim.id == claim.id)
    assert session.scalar(claim_status) == ClaimStatus.REJECTED


def test_onboarding_a_city_until_its_first_officer_joins(
    provinces: Provinces, login_as, session: Session, client
) -> None:  # type: ignore[no-untyped-def]
    upper = login_as(provinces.upper)
    assert upper.get("/bureau/regions/new").status_code == 200
    created = upper.post(
        "/bureau/regions/new",
        data={"code": "zhanjiang", "name": "湛江市", "level": "city", "pack": "zhanjiang"},
    )
    assert created.status_code == 302
    session.rollback()  # a new snapshot: the requests committed on their own connections
    region = session.scalar(select(Region).where(Region.code == "zhanjiang"))
    assert region is not None and region.parent_id == provinces.province.id
    assert region.policy_pack == "zhanjiang" and region.level == RegionLevel.CITY
    policies = session.scalar(
        select(func.count(SubsidyPolicy.id)).where(SubsidyPolicy.region_id == region.id)
    )
    assert policies
    budget = session.scalars(select(Budget).where(Budget.region_id == region.id)).first()
    assert budget is not None
    region_id, budget_id = region.id, budget.id
    session.rollback()  # ids kept: reading an attribute again would open a snapshot
    assert created.headers["Location"].endswith(f"/bureau/regions/{region_id}")
    allocate = f"/bureau/regions/{region_id}/budgets/{budget_id}"
    assert upper.post(allocate, data={"allocated_yuan": "800000"}).status_code == 302
    session.rollback()  # a new snapshot: the requests committed on their own connections
    assert session.get(Budget, budget_id).allocated_yuan == 800_000
    session.rollback()
    invited = upper.post(
        f"/bureau/regions/{region_id}/officer",
        data={"email": "officer@zhanjiang.example.cn", "display_name": "湛江经办人"},
        follow_redirects=True,
    )
    text = invited.get_data(as_text=True)
    token = re.search(r"/join/([A-Za-z0-9_-]+)", text).group(1)
    session.rollback()
    invitation = session.scalar(
        select(StaffInvitation).where(StaffInvitation.region_id == region_id)
    )
    assert invitation is not None and invitation.staff_role.value == "officer"
    session.rollback()
    joined = client.post(
        f"/join/{token}", data={"password": "a-long-Passw0rd!", "confirm": "a-long-Passw0rd!"}
    )
    assert joined.status_code == 302, joined.get_data(as_text=True)
    session.rollback()
    officer = session.scalar(select(User).where(User.email == "officer@zhanjiang.example.cn"))
    assert officer is not None and officer.region_id == region_id
    session.rollback()
    # The city is its own from now on: the province reads, the city's officer sets.
    assert upper.post(allocate, data={"allocated_yuan": "1"}).status_code == 403
    assert upper.get(f"/bureau/regions/{region_id}").status_code == 200
    session.rollback()  # a new snapshot: the requests committed on their own connections
    assert session.get(Budget, budget_id).allocated_yuan == 800_000
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"region.created", "budget.allocated", "staff.invited", "staff.joined"} <= actions


def test_who_may_onboard_and_bad_input(provinces: Provinces, login_as, session: Session) -> None:  # type: ignore[no-untyped-def]
    city = login_as(provinces.officer_a)
    data = {"code": "x1", "name": "某区", "level": "district", "pack": "wujiang"}
    assert city.get("/bureau/regions/new").status_code == 403
    assert city.post("/bureau/regions/new", data=data).status_code == 403
    # A city's bureau has no regions below: the page says so.
    assert 'id="no-regions-below"' in city.get("/bureau/regions/").get_data(as_text=True)
    upper = login_as(provinces.upper)
    no_pack = upper.post("/bureau/regions/new", data={**data, "pack": ""})
    assert no_pack.status_code == 400 and "政策包" in no_pack.get_data(as_text=True)
    taken = upper.post("/bureau/regions/new", data={**data, "code": provinces.city_a.code})
    assert taken.status_code == 409
    session.rollback()
    assert session.scalar(select(Region).where(Region.code == "x1")) is None
    # Positive control: the same form with a pack creates the district.
    assert upper.post("/bureau/regions/new", data=data).status_code == 302
    session.rollback()
    assert session.scalar(select(Region).where(Region.code == "x1")) is not None


def test_the_cli_creates_a_province_and_a_city_below_it(runner, session: Session) -> None:  # type: ignore[no-untyped-def]
    upper = ["create-region", "--code", "liaoning", "--name", "辽宁省", "--level", "province"]
    assert runner.invoke(args=upper).exit_code == 0
    city = ["create-region", "--code", "dalian", "--name", "大连市", "--pack", "dalian"]
    assert runner.invoke(args=[*city, "--parent", "liaoning"]).exit_code == 0
    session.rollback()
    province = session.scalars(select(Region).where(Region.code == "liaoning")).one()
    assert province.policy_pack is None and province.level == RegionLevel.PROVINCE
    dalian = session.scalars(select(Region).where(Region.code == "dalian")).one()
    assert dalian.parent_id == province.id and dalian.level == RegionLevel.CITY
    # A city needs its pack, and a city holds no regions below it: each refused, nothing written.
    no_pack = runner.invoke(args=["create-region", "--code", "x", "--name", "某市"])
    assert no_pack.exit_code != 0 and "政策包" in no_pack.output
    below_city = runner.invoke(
        args=[*city[:2], "y", "--name", "某区", "--pack", "dalian", "--parent", "dalian"]
    )
    assert below_city.exit_code != 0 and "上级地区" in below_city.output
    session.rollback()
    assert session.scalar(select(func.count(Region.id))) == 2
