"""Numbers and dates past what their columns or the calendar hold are a 400 that names them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from skillbridge.models import (
    AgreementStatus,
    Budget,
    Cohort,
    CooperationAgreement,
    CooperationKind,
    CreditRecord,
    InspectionSample,
    Party,
    Placement,
    PlacementStatus,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    StudentPreference,
)
from skillbridge.platform.services import bounds

HUGE = "99999999999999999999"
NEXT_YEAR = date.today().year + 1


@dataclass(frozen=True)
class Probe:
    """One request of the probe, its role, the rows it may add, and a valid twin that succeeds."""

    name: str
    role: str
    method: str
    url: str
    bad: dict
    good: dict
    table: type | None = None


def _probes(ids: dict[str, int]) -> list[Probe]:
    credit = {
        # Another student's record: one on the school or the ranking student would bar a probe.
        "subject_kind": "student",
        "reason": "测试",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    }
    agreement = {
        "counterpart_id": ids["enterprise"],
        "kind": "internship_base",
        "specialty_ids": [ids["specialty"]],
    }
    students = "/bureau/dashboard/lists/students"
    return [
        Probe("months_used", "bureau", "GET", students, {"months_used": HUGE}, {"months_used": "3"}),
        Probe("list id", "bureau", "GET", "/bureau/dashboard/lists/coverage", {"specialty_id": "1e20"}, {"specialty_id": "1"}),
        Probe("list month", "bureau", "GET", "/bureau/dashboard/lists/paid_claims", {"month": f"{HUGE}-01"}, {"month": "2026-01"}),
        Probe("list page", "bureau", "GET", students, {"page": HUGE}, {"page": "2"}),
        Probe("placements page", "school", "GET", "/placements/", {"page": str(2**63)}, {"page": "1"}),
        Probe("findings page", "bureau", "GET", "/bureau/compliance/findings", {"page": "-1"}, {"page": "1"}),
        Probe("claims filter", "bureau", "GET", "/subsidies/review", {"policy_id": HUGE}, {"policy_id": "1"}),
        Probe("seed", "bureau", "POST", "/bureau/inspections/", {"size": "1", "seed": str(2**63), "as_of": "2025-10-01"}, {"size": "1", "seed": "7", "as_of": "2025-10-01"}, InspectionSample),
        Probe("subject id 1e20", "bureau", "POST", "/subsidies/credit", credit | {"subject_id": "1e20"}, credit | {"subject_id": str(ids["student"])}, CreditRecord),
        Probe("subject id 10**20", "bureau", "POST", "/subsidies/credit", credit | {"subject_id": HUGE}, credit | {"subject_id": str(ids["student"])}, CreditRecord),
        Probe("credit dates", "bureau", "POST", "/subsidies/credit", credit | {"subject_id": str(ids["student"]), "ends_on": "9999-12-31"}, credit | {"subject_id": str(ids["student"])}, CreditRecord),
        Probe("rank id 1e20", "student", "POST", "/preferences/", {"rank-1e20": "1"}, {f"rank-{ids['slot']}": "1"}, StudentPreference),
        Probe("rank id 10**20", "student", "POST", "/preferences/", {f"rank-{HUGE}": "1"}, {f"rank-{ids['slot']}": "1"}, StudentPreference),
        Probe("rank value", "student", "POST", "/preferences/", {f"rank-{ids['slot']}": HUGE}, {f"rank-{ids['slot']}": "1"}, StudentPreference),
        Probe("allocation", "bureau", "POST", f"/subsidies/budgets/{ids['budget']}/allocation", {"allocated_yuan": str(10**12)}, {"allocated_yuan": "5000"}),
        Probe("agreement from 0001", "school", "POST", "/agreements/new", agreement | {"valid_from": "0001-01-01", "valid_to": f"{NEXT_YEAR}-12-31"}, agreement | {"valid_from": f"{NEXT_YEAR}-01-01", "valid_to": f"{NEXT_YEAR + 2}-12-31"}, CooperationAgreement),
        Probe("agreement to 9999", "school", "POST", "/agreements/new", agreement | {"valid_from": f"{NEXT_YEAR}-01-01", "valid_to": "9999-12-31"}, agreement | {"valid_from": f"{NEXT_YEAR}-01-01", "valid_to": f"{NEXT_YEAR + 2}-12-31"}, CooperationAgreement),
    ]  # fmt: skip


@pytest.fixture
def ids(session, world, make_student):  # type: ignore[no-untyped-def]
    """A slot the world student may rank (its specialty, an approved agreement) and a placement."""
    specialty = session.get(Specialty, session.get(Cohort, world.student.cohort_id).specialty_id)
    slot = Slot(
        enterprise_id=world.enterprise.id,
        kind=SlotKind.POST_INTERNSHIP,
        title="岗位实习",
        occupation_id=specialty.occupations[0].id,
        start_date=date(2025, 9, 1),
        duration_months=6,
        seats=3,
        status=SlotStatus.OPEN,
        accepted_specialties=[specialty],
    )
    agreement = CooperationAgreement(
        school_id=world.school.id,
        enterprise_id=world.enterprise.id,
        kind=CooperationKind.INTERNSHIP_BASE,
        valid_from=date(2025, 1, 1),
        valid_to=date(2027, 12, 31),
        status=AgreementStatus.APPROVED,
        proposed_by=Party.SCHOOL,
        specialties=[specialty],
    )
    budget = Budget(
        region_id=world.region.id, code="f", name="资金", allocated_yuan=100, remaining_yuan=100
    )
    session.add_all([slot, agreement, budget])
    session.flush()
    placed = make_student(world.school)
    session.add(
        Placement(
            student_id=placed.id,
            slot_id=slot.id,
            status=PlacementStatus.ACTIVE,
            start_date=date(2025, 9, 1),
            end_date=date(2026, 2, 28),
            months=6,
            counts_toward_cap=True,
        )
    )
    session.commit()
    return {
        "enterprise": world.enterprise.id,
        "student": placed.id,
        "specialty": specialty.id,
        "slot": slot.id,
        "budget": budget.id,
        "agreement": agreement.id,
    }


def _rows(session, table) -> int:  # type: ignore[no-untyped-def]
    session.commit()  # a fresh snapshot
    return session.scalar(select(func.count()).select_from(table)) if table else 0


def _undo(session, table, ids) -> None:  # type: ignore[no-untyped-def]
    if table is CooperationAgreement:
        statement = table.__table__.delete().where(table.id != ids["agreement"])
    elif table is StudentPreference:
        statement = table.__table__.delete()
    else:
        return
    session.execute(statement)
    session.commit()


def test_out_of_range_numbers_and_dates_are_400_and_write_nothing(ids, world, session, login_as):  # type: ignore[no-untyped-def]
    clients = {role: login_as(user) for role, user in world.users.items()}
    answers = {}
    for probe in _probes(ids):
        client, before = clients[probe.role], _rows(session, probe.table)
        if probe.method == "GET":
            response = client.get(probe.url, query_string=probe.bad)
        else:
            response = client.post(probe.url, data=probe.bad)
        answers[probe.name] = response.status_code
        assert _rows(session, probe.table) == before, probe.name
    assert answers == {probe.name: 400 for probe in _probes(ids)}
    allocated = session.scalar(select(Budget.allocated_yuan).where(Budget.id == ids["budget"]))
    assert allocated == 100


def test_the_same_requests_with_values_in_range_succeed(ids, world, session, login_as):  # type: ignore[no-untyped-def]
    # The positive control: each refusal above is the range check, not a broken request.
    clients = {role: login_as(user) for role, user in world.users.items()}
    failed = {}
    for probe in _probes(ids):
        client, before = clients[probe.role], _rows(session, probe.table)
        if probe.method == "GET":
            response = client.get(probe.url, query_string=probe.good)
            ok = response.status_code == 200
        else:
            response = client.post(probe.url, data=probe.good)
            ok = response.status_code == 302 and (
                probe.table is None or _rows(session, probe.table) > before
            )
            _undo(session, probe.table, ids)  # the next probe makes the same row again
        if not ok:
            failed[probe.name] = response.status_code
    assert failed == {}


def test_a_form_error_names_the_field_and_the_range(ids, login_as, world):  # type: ignore[no-untyped-def]
    page = login_as(world.users["school"]).post(
        "/agreements/new",
        data={
            "counterpart_id": ids["enterprise"],
            "kind": "internship_base",
            "specialty_ids": [ids["specialty"]],
            "valid_from": f"{NEXT_YEAR}-01-01",
            "valid_to": "9999-12-31",
        },
    )
    text = page.get_data(as_text=True)
    assert bounds.EARLIEST_DATE.isoformat() in text and bounds.LATEST_DATE.isoformat() in text


def test_to_int_takes_plain_decimal_integers_in_range_only():
    assert bounds.to_int("0") == 0 and bounds.to_int(str(bounds.INTEGER_MAX)) == bounds.INTEGER_MAX
    assert bounds.to_int("-5", minimum=-10) == -5
    for raw in ("", "1e20", " 1", "1_000", "١٢", "+1", "-1", str(bounds.INTEGER_MAX + 1), HUGE):
        with pytest.raises(ValueError):
            bounds.to_int(raw)
