"""The occupation catalogue: codes of 国家职业分类大典 checked, names in Chinese and English, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from skillbridge.models import AuditEvent, Occupation, Role, StaffRole
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.listing import ListQuery
from skillbridge.platform.services.reference_data import occupations as catalogue
from skillbridge.platform.services.reference_data.occupations import OccupationInput

WELDER = OccupationInput("6-18-02-04", "焊工", "Welder", True)


@pytest.mark.parametrize(
    "code", ["6-18-02", "6-18-02-4", "9-18-02-04", "6-18-02-04-01", "61802 04"]
)
def test_a_code_not_in_the_classifications_format_is_refused(world, session, code):
    with pytest.raises(InvalidInput) as refused:
        catalogue.add_occupation(
            session, world.users["bureau"], OccupationInput(code, "焊工", "Welder", False)
        )
    assert refused.value.details


def test_the_officer_adds_edits_retires_and_restores_and_every_change_is_audited(world, session):
    officer = world.users["bureau"]
    occupation = catalogue.add_occupation(session, officer, WELDER)
    with pytest.raises(Conflict):
        catalogue.add_occupation(session, officer, WELDER)
    catalogue.edit_occupation(
        session,
        officer,
        occupation.id,
        OccupationInput("1-01-01-01", "电焊工", "Electric welder", False),
    )
    assert (occupation.code, occupation.name, occupation.requires_certificate) == (
        "6-18-02-04",
        "电焊工",
        False,
    )  # the code never changes: lists refer to it
    catalogue.set_retired(session, officer, occupation.id, True)
    with pytest.raises(Conflict):
        catalogue.set_retired(session, officer, occupation.id, True)
    catalogue.set_retired(session, officer, occupation.id, False)
    session.commit()
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "occupation")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "occupation_added",
        "occupation_edited",
        "occupation_retired",
        "occupation_restored",
    ]


def test_a_reviewer_reads_the_catalogue_but_does_not_change_it(world, session, make_user):
    reviewer = make_user(Role.BUREAU, StaffRole.REVIEWER, region_id=world.region.id)
    finance = make_user(Role.BUREAU, StaffRole.FINANCE, region_id=world.region.id)
    with pytest.raises(PermissionDenied):
        catalogue.add_occupation(session, reviewer, WELDER)
    with pytest.raises(PermissionDenied):
        catalogue.list_occupations(session, finance)
    with pytest.raises(PermissionDenied):
        catalogue.list_occupations(session, world.users["school"])
    # The positive control: the officer adds it, and the reviewer then finds it.
    catalogue.add_occupation(session, world.users["bureau"], WELDER)
    found = catalogue.list_occupations(
        session, reviewer, query=ListQuery.parse({"q": "Welder"}, catalogue.OCCUPATION_LIST)
    )
    assert [o.code for o in found.items] == ["6-18-02-04"]


def test_the_catalogue_pages_and_filters_by_employment_access(world, session):
    officer = world.users["bureau"]
    for n in range(5):
        catalogue.add_occupation(
            session, officer, OccupationInput(f"4-01-01-0{n}", f"工种{n}", f"Trade {n}", n % 2 == 0)
        )
    page = catalogue.list_occupations(
        session,
        officer,
        query=ListQuery.parse({"access": "yes", "q": "4-01"}, catalogue.OCCUPATION_LIST),
    )
    assert [o.code for o in page.items] == ["4-01-01-00", "4-01-01-02", "4-01-01-04"]
    assert (
        session.scalar(select(Occupation).where(Occupation.code == "4-01-01-01")).name_en
        == "Trade 1"
    )
