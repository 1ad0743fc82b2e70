"""Assigning a school teacher (指导教师) or an enterprise mentor (师傅) to placements, in bulk."""

from __future__ import annotations

from sqlalchemy.orm import Session

from skillbridge.models import PlacementStatus, Role, StaffRole, User
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page
from skillbridge.platform.services.placements.records import (
    PlacementContext,
    load_placement,
    placement_link,
    placements_page,
)
from skillbridge.platform.services.policies import (
    can_assign_mentor,
    can_assign_teacher,
    organisation_of,
)
from skillbridge.platform.text import N_

# Placements a teacher or mentor follows: from acceptance until the internship ends.
FOLLOWED = (PlacementStatus.ACCEPTED, PlacementStatus.ACTIVE, PlacementStatus.ENDED)
# The staff role each side assigns, and the placement column it fills.
ASSIGNED_ROLE = {Role.SCHOOL: StaffRole.TEACHER, Role.ENTERPRISE: StaffRole.MENTOR}
STAFF_ASSIGNED = "placement.staff_assigned"
MAX_PLACEMENTS = 200


def followed_placements(
    session: Session, actor: User, page: int = 1, per_page: int | None = None
) -> Page[PlacementContext]:
    """The placements an organisation can assign staff to, or a teacher's or mentor's own."""
    return placements_page(session, actor, page, per_page, statuses=FOLLOWED)


def _assignee(session: Session, actor: User, user_id: int) -> User:
    wanted = ASSIGNED_ROLE.get(actor.role)
    if wanted is None:
        raise PermissionDenied(N_("只有学校和企业可以指派指导教师或师傅"))
    assignee = session.get(User, user_id)
    if (
        assignee is None
        or organisation_of(assignee) != organisation_of(actor)
        or assignee.staff_role != wanted
        or not assignee.is_active
    ):
        raise InvalidInput(
            N_("请选择本校的指导教师") if wanted == StaffRole.TEACHER else N_("请选择本企业的师傅")
        )
    return assignee


def assign_staff(
    session: Session, actor: User, placement_ids: list[int], user_id: int
) -> list[PlacementContext]:
    """Assign one teacher (a school) or one mentor (an enterprise) to each placement given.

    All or nothing: one placement the actor may not assign refuses the whole request.
    """
    ids = list(dict.fromkeys(placement_ids))
    if not ids:
        raise InvalidInput(N_("请至少选择一个实习安排"))
    if len(ids) > MAX_PLACEMENTS:
        raise InvalidInput(N_("一次最多指派 200 个实习安排"))
    assignee = _assignee(session, actor, user_id)
    contexts = []
    for placement_id in ids:
        try:
            context = load_placement(session, actor, placement_id)
        except PermissionDenied as exc:
            raise NotFound(N_("实习安排不存在"), details=[f"#{placement_id}"]) from exc
        allowed = (
            can_assign_teacher(actor, context.student)
            if assignee.staff_role == StaffRole.TEACHER
            else can_assign_mentor(actor, context.slot)
        )
        if not allowed:
            raise PermissionDenied(N_("无权为该实习安排指派人员"), details=[f"#{placement_id}"])
        if context.placement.status not in FOLLOWED:
            raise InvalidInput(
                N_("只有已接受、实习中或已结束的实习安排可以指派"), details=[f"#{placement_id}"]
            )
        if assignee.staff_role == StaffRole.TEACHER:
            context.placement.teacher_user_id = assignee.id
        else:
            context.placement.mentor_user_id = assignee.id
        contexts.append(context)
    session.flush()
    for context in contexts:
        notifications.notify(
            session,
            [assignee],
            STAFF_ASSIGNED,
            N_("您被指派跟进一名实习学生"),
            context.student.name,
            placement_link(context.placement.id),
        )
    audit.record(
        session,
        actor,
        "placement.staff_assigned",
        "user",
        assignee.id,
        {"staff_role": assignee.staff_role.value, "placement_ids": ids},
    )
    return contexts
