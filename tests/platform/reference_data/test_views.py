"""The reference-data pages: upload, preview, confirm; forms; the reviewer reads without buttons."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from skillbridge.models import (
    EnterpriseDesignation,
    Occupation,
    Role,
    SchoolDesignation,
    ShortageListing,
    StaffRole,
)


def _catalogue(session) -> Occupation:  # type: ignore[no-untyped-def]
    occupation = Occupation(code="6-18-02-04", name="焊工", name_en="Welder")
    session.add(occupation)
    session.commit()
    return occupation


def test_an_upload_is_previewed_then_applied_on_confirmation(world, session, login_as):
    occupation = _catalogue(session)
    client = login_as(world.users["bureau"])
    year = date.today().year + 1
    upload = io.BytesIO("职业编码,紧缺程度\n6-18-02-04,非常紧缺\n".encode())
    preview = client.post(
        "/reference/shortage/preview",
        data={"year": str(year), "file": (upload, "list.csv")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="added"' in page and "6-18-02-04" in page
    assert session.scalar(select(ShortageListing.id)) is None  # nothing until confirmed
    fingerprint = page.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    applied = client.post(
        "/reference/shortage/apply",
        data={"year": str(year), "rows": "6-18-02-04\t非常紧缺", "fingerprint": fingerprint},
    )
    assert applied.status_code == 302 and f"year={year}" in applied.headers["Location"]
    session.rollback()  # the test session read before the request: a fresh snapshot
    listing = session.scalars(select(ShortageListing)).one()
    assert (listing.occupation_id, listing.year, listing.grade) == (occupation.id, year, "非常紧缺")
    shown = client.get(f"/reference/shortage?year={year}").get_data(as_text=True)
    assert "焊工" in shown and "非常紧缺" in shown


def test_a_bad_file_shows_every_problem_and_keeps_the_list(world, session, login_as):
    _catalogue(session)
    client = login_as(world.users["bureau"])
    upload = io.BytesIO("职业编码,紧缺程度\n6-00-00-00,\n6-18-02-04,很缺\n".encode())
    response = client.post(
        "/reference/shortage/preview",
        data={"year": str(date.today().year), "file": (upload, "list.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第 2 行" in page and "第 3 行" in page
    assert session.scalar(select(ShortageListing.id)) is None


def test_the_officer_adds_and_edits_an_occupation_through_the_forms(world, session, login_as):
    client = login_as(world.users["bureau"])
    added = client.post(
        "/reference/occupations/new",
        data={
            "code": "6-31-01-03",
            "name": "电工",
            "name_en": "Electrician",
            "requires_certificate": "y",
        },
    )
    assert added.status_code == 302
    occupation = session.scalar(select(Occupation).where(Occupation.code == "6-31-01-03"))
    assert occupation.requires_certificate and occupation.name_en == "Electrician"
    refused = client.post(
        "/reference/occupations/new", data={"code": "6-31-1-3", "name": "电工", "name_en": "E"}
    )
    assert refused.status_code == 400 and "6-18-01-01" in refused.get_data(as_text=True)
    edited = client.post(
        f"/reference/occupations/{occupation.id}/edit",
        data={"code": "6-31-01-03", "name": "电工", "name_en": "Electrician (general)"},
    )
    assert edited.status_code == 302
    session.rollback()  # a fresh snapshot after the request
    assert occupation.name_en == "Electrician (general)" and not occupation.requires_certificate
    listed = client.get("/reference/occupations?q=电工").get_data(as_text=True)
    assert "Electrician (general)" in listed and "新增职业" in listed


def test_a_reviewer_reads_the_lists_without_the_officers_controls(
    world, session, login_as, make_user
):
    _catalogue(session)
    reviewer = make_user(Role.BUREAU, StaffRole.REVIEWER, region_id=world.region.id)
    session.commit()
    client = login_as(reviewer)
    page = client.get("/reference/occupations")
    assert page.status_code == 200 and "焊工" in page.get_data(as_text=True)
    assert "新增职业" not in page.get_data(as_text=True)
    assert client.get("/reference/occupations/new").status_code == 403
    assert client.get("/reference/shortage/template.xlsx").status_code == 200


def test_designations_are_recorded_for_the_year_shown(world, session, login_as):
    client = login_as(world.users["bureau"])
    year = date.today().year + 1
    school = client.post(
        f"/reference/designations/schools/{world.school.id}?year={year}",
        data={"designated": "y"},
    )
    enterprise = client.post(
        f"/reference/designations/enterprises/{world.enterprise.id}?year={year}",
        data={"key_industry": "y"},
    )
    assert school.status_code == enterprise.status_code == 302
    record = session.scalars(select(SchoolDesignation)).one()
    assert (record.school_id, record.year, record.designated, record.education_base) == (
        world.school.id,
        year,
        True,
        False,
    )
    assert session.scalars(select(EnterpriseDesignation)).one().key_industry
    other = client.post(
        f"/reference/designations/schools/{world.other_school.id}?year={year}",
        data={"designated": "y"},
    )
    assert other.status_code == 404  # another region's school
    shown = client.get(f"/reference/designations/schools?year={year}").get_data(as_text=True)
    assert world.school.name in shown and world.other_school.name not in shown


def test_a_stale_confirmation_is_refused_and_applies_nothing(world, session, login_as):
    _catalogue(session)
    client = login_as(world.users["bureau"])
    year = date.today().year + 1
    response = client.post(
        "/reference/shortage/apply",
        data={"year": str(year), "rows": "6-18-02-04\t", "fingerprint": "0" * 64},
    )
    assert response.status_code == 409
    assert "请重新导入" in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(ShortageListing.id)) is None
