"""Which agreements are in force (R2) and each specialty's partner count against R3 (≥3)."""

from __future__ import annotations

from datetime import date

from skillbridge.models import AgreementStatus
from skillbridge.platform.services.cooperation import agreements as cooperation

TODAY = date(2025, 6, 1)


def test_pairs_hold_only_approved_agreements_in_force(
    session, world, specialty, make_agreement, make_enterprise
):
    live = make_agreement()
    others = [make_enterprise(world.region) for _ in range(4)]
    make_agreement(
        enterprise=others[0], valid_to=date(2025, 5, 31)
    )  # past valid_to, not yet expired
    make_agreement(enterprise=others[1], status=AgreementStatus.TERMINATED)
    make_agreement(enterprise=others[2], status=AgreementStatus.FILED)
    make_agreement(enterprise=others[3], valid_from=date(2025, 6, 2))  # not yet in force
    make_agreement(school=world.other_school, enterprise=world.other_enterprise)
    pairs = cooperation.active_agreement_pairs(session, world.region.id, TODAY)
    assert pairs == {(world.school.id, live.enterprise_id, specialty.id)}
    assert cooperation.active_agreement_pairs(session, world.region.id, date(2028, 1, 1)) == set()


def test_coverage_counts_distinct_partners_against_three(
    session, world, specialty, make_agreement, make_enterprise
):
    def school_row():  # type: ignore[no-untyped-def]
        rows = cooperation.partner_coverage(session, world.users["school"], TODAY)
        (row,) = [r for r in rows if r.specialty.id == specialty.id]
        return row

    first, second, third = (make_enterprise(world.region) for _ in range(3))
    make_agreement(enterprise=first)
    make_agreement(enterprise=first)  # a second agreement with the same enterprise counts once
    make_agreement(enterprise=second)
    make_agreement(enterprise=third, valid_to=date(2025, 5, 31))
    row = school_row()
    assert (row.partners, row.required, row.met) == (2, 3, False)
    assert row.citation == "大政发[2011]46号 二(三)"
    make_agreement(enterprise=third)
    assert school_row().met


def test_the_bureau_sees_every_school_of_its_region(session, world, make_school, make_student):
    other_local = make_school(world.region)
    make_student(other_local)
    session.commit()
    rows = cooperation.partner_coverage(session, world.users["bureau"], TODAY)
    assert {r.school.id for r in rows} == {world.school.id, other_local.id}
