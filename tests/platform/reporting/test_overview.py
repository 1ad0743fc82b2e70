"""The landing pages' figures: each actor counts its own organisation's rows, whoever asked first."""

from __future__ import annotations

from sqlalchemy.orm import Session

from skillbridge.models import PlacementStatus, Role
from skillbridge.platform.services.evaluations.outcomes import school_outcomes
from skillbridge.platform.services.notifications import notify
from skillbridge.platform.services.reporting.overview import build_overview


def test_each_actor_counts_its_own_rows(  # type: ignore[no-untyped-def]
    session: Session, world, make_student, make_slot, add_placement, make_user
) -> None:
    # The statements are built once per process with the ids bound: the second actor of each
    # role must get its own figures, not the first one's.
    make_student(world.school)
    add_placement(world.student, make_slot(world.enterprise, seats=4))
    add_placement(world.other_student, make_slot(world.other_enterprise, seats=7))
    make_slot(world.other_enterprise, seats=2)
    notify(session, [world.users["school"]], "test", "一条通知")
    others = {
        "school": make_user(Role.SCHOOL, school_id=world.other_school.id),
        "enterprise": make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id),
        "student": make_user(Role.STUDENT, student_id=world.other_student.id),
        "bureau": make_user(Role.BUREAU, region_id=world.other_region.id),
    }
    session.commit()

    def figures(user, *names):  # type: ignore[no-untyped-def]
        overview = build_overview(session, user)
        return overview.unread_notifications, [overview.counts[name] for name in names]

    school = ("cohorts", "students", "agreements", "placements")
    assert figures(world.users["school"], *school) == (1, [2, 2, 0, 1])
    assert figures(others["school"], *school) == (0, [1, 1, 0, 1])
    enterprise = ("open_slots", "seats", "placements")
    assert figures(world.users["enterprise"], *enterprise) == (0, [1, 4, 1])
    assert figures(others["enterprise"], *enterprise) == (0, [2, 9, 1])
    assert figures(world.users["student"], "offers", "months_used") == (0, [0, 6])
    assert figures(others["student"], "offers", "months_used") == (0, [0, 6])
    bureau = ("pending_schools", "schools", "enterprises", "students", "filed_agreements")
    assert figures(world.users["bureau"], *bureau) == (0, [0, 1, 1, 2, 0])
    assert figures(others["bureau"], *bureau) == (0, [0, 1, 1, 1, 0])


def test_finished_placements_count_with_or_without_an_outcome(  # type: ignore[no-untyped-def]
    session: Session, world, make_student, make_slot, add_placement
) -> None:
    slot = make_slot(world.enterprise)
    add_placement(world.student, slot, PlacementStatus.ENDED)
    add_placement(make_student(world.school), slot, PlacementStatus.ENDED)
    add_placement(make_student(world.school), slot, PlacementStatus.ACTIVE)
    add_placement(world.other_student, make_slot(world.other_enterprise), PlacementStatus.ENDED)
    session.commit()
    stats = school_outcomes(session, world.school.id)
    assert (stats.finished, stats.recorded, stats.employment_rate_percent) == (2, 0, 0)
    empty = school_outcomes(session, world.other_school.id + 1000)
    assert (empty.finished, empty.recorded, empty.employment_rate_percent) == (0, 0, None)
