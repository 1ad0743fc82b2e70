"""Who hears of each step of a cooperation agreement, and when their notice is settled."""

from __future__ import annotations

from sqlalchemy.orm import Session

from skillbridge.models import CooperationAgreement, Enterprise, Party, Role, School, User
from skillbridge.platform.services import notifications
from skillbridge.platform.text import N_

PROPOSED = "cooperation.proposed"
ACCEPTED = "cooperation.accepted"
DECLINED = "cooperation.declined"
FILED = "cooperation.filed"
DECIDED = "cooperation.decided"
TERMINATED = "cooperation.terminated"


def agreement_link(agreement: CooperationAgreement) -> notifications.Link:
    return notifications.Link("cooperation.detail", {"agreement_id": agreement.id})


def _side_users(session: Session, agreement: CooperationAgreement, side: Party) -> list[int]:
    if side == Party.SCHOOL:
        return notifications.school_users(session, agreement.school_id)
    return notifications.enterprise_users(session, agreement.enterprise_id)


def _summary(session: Session, agreement: CooperationAgreement) -> str:
    school = session.get_one(School, agreement.school_id)
    enterprise = session.get_one(Enterprise, agreement.enterprise_id)
    return f"{school.name} · {enterprise.name} · {agreement.valid_from} 至 {agreement.valid_to}"


def _send(
    session: Session,
    agreement: CooperationAgreement,
    recipients: list[int],
    kind: str,
    title: str,
    reason: str = "",
) -> None:
    body = _summary(session, agreement) + (f"：{reason}" if reason else "")
    notifications.notify(session, recipients, kind, title, body, agreement_link(agreement))


def _other_side(proposer: Party) -> Party:
    return Party.ENTERPRISE if proposer == Party.SCHOOL else Party.SCHOOL


def proposed(session: Session, agreement: CooperationAgreement) -> None:
    """The side that did not propose is asked to accept or decline."""
    counterpart = _side_users(session, agreement, _other_side(agreement.proposed_by))
    _send(session, agreement, counterpart, PROPOSED, N_("收到新的校企合作意向，请确认或拒绝"))


def answered(session: Session, agreement: CooperationAgreement, accepted: bool) -> None:
    """The proposer learns the answer; the school is asked to file an accepted agreement."""
    proposer = _side_users(session, agreement, agreement.proposed_by)
    if accepted:
        school = _side_users(session, agreement, Party.SCHOOL)
        _send(session, agreement, proposer, ACCEPTED, N_("合作协议已被对方确认"))
        if agreement.proposed_by != Party.SCHOOL:
            _send(session, agreement, school, ACCEPTED, N_("合作协议已确认，请报人社局备案"))
    else:
        _send(
            session,
            agreement,
            proposer,
            DECLINED,
            N_("合作意向被对方拒绝"),
            agreement.declined_reason or "",
        )


def filed(session: Session, agreement: CooperationAgreement, region_id: int) -> None:
    """The bureau of the school's region is asked to review."""
    bureau = notifications.bureau_users(session, region_id)
    _send(session, agreement, bureau, FILED, N_("校企合作协议待审查"))


def decided(session: Session, agreement: CooperationAgreement, approved: bool) -> None:
    """Both parties learn the bureau's decision and its reason."""
    parties = _side_users(session, agreement, Party.SCHOOL)
    parties += _side_users(session, agreement, Party.ENTERPRISE)
    title = N_("校企合作协议已获批准") if approved else N_("校企合作协议被驳回")
    _send(session, agreement, parties, DECIDED, title, agreement.decision_reason or "")


def terminated(session: Session, agreement: CooperationAgreement, actor: User) -> None:
    """Everyone else concerned learns that the agreement ended early, and why."""
    recipients = _side_users(session, agreement, Party.SCHOOL)
    recipients += _side_users(session, agreement, Party.ENTERPRISE)
    recipients = [user_id for user_id in recipients if user_id != actor.id]
    title = N_("校企合作协议已终止")
    _send(session, agreement, recipients, TERMINATED, title, agreement.termination_reason or "")


def settle_for(session: Session, actor: User, agreement: CooperationAgreement) -> None:
    """The actor's organisation has done its step: its notices about the agreement are read."""
    if actor.role == Role.SCHOOL:
        colleagues = _side_users(session, agreement, Party.SCHOOL)
    elif actor.role == Role.ENTERPRISE:
        colleagues = _side_users(session, agreement, Party.ENTERPRISE)
    else:
        colleagues = [actor.id]
        if actor.region_id is not None:
            colleagues = notifications.bureau_users(session, actor.region_id)
    notifications.settle(session, colleagues, agreement_link(agreement))
