"""A competition's record: its organiser records it, edits it while open, closes it with results.

The organiser is the actor's enterprise or school, or (for a bureau officer) the bureau of the
region; the bureau sees every competition of its region. Levels are codes of the competition
catalogue (platform/policy/competitions.toml).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Competition,
    CompetitionParticipant,
    CompetitionStatus,
    Enterprise,
    Occupation,
    OrganiserKind,
    Role,
    School,
    SubsidyClaim,
    User,
    utcnow,
)
from skillbridge.platform.policy.competitions import competition_levels
from skillbridge.platform.services import audit, listing
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.policies import (
    can_manage_competition,
    can_organise_competition,
    can_view_competition,
)
from skillbridge.platform.text import N_

TITLE_MAX = 120
VENUE_MAX = 120


def _level_is(code: str) -> Callable[[], ColumnElement[bool]]:
    return lambda: Competition.level == code


COMPETITION_LIST = listing.ListSpec(
    search=(
        listing.contains(Competition.title),
        listing.through(Competition.occupation_id, Occupation.id, Occupation.name),
        listing.through(Competition.occupation_id, Occupation.id, Occupation.code),
    ),
    filters={
        "status": (N_("状态"), listing.enum_options(Competition.status, CompetitionStatus)),
        "level": (
            N_("级别"),
            {
                code: listing.Option(_level_is(code), entry.name_zh)
                for code, entry in competition_levels().items()
            },
        ),
    },
    sorts={
        "newest": listing.Sort(N_("最近举办在前"), (Competition.starts_on.desc(), Competition.id)),
        "oldest": listing.Sort(N_("最早举办在前"), (Competition.starts_on, Competition.id)),
    },
    default_sort="newest",
)


@dataclass(frozen=True)
class CompetitionInput:
    """What the create and edit forms give: every field checked by `_checked`."""

    title: str
    occupation_id: int
    level: str
    starts_on: date | None
    ends_on: date | None
    venue: str = ""


@dataclass(frozen=True)
class _Checked:
    title: str
    occupation_id: int
    level: str
    starts_on: date
    ends_on: date
    venue: str | None


def _checked(session: Session, data: CompetitionInput) -> _Checked:
    """The input normalised, or InvalidInput naming every field that is wrong."""
    problems = []
    title, venue = data.title.strip(), data.venue.strip()
    if not title:
        problems.append(N_("竞赛名称：必填"))
    elif len(title) > TITLE_MAX:
        problems.append(N_("竞赛名称：最多 120 个字符"))
    if len(venue) > VENUE_MAX:
        problems.append(N_("举办地点：最多 120 个字符"))
    if session.get(Occupation, data.occupation_id) is None:
        problems.append(N_("职业（工种）：请从职业目录中选择"))
    if data.level not in competition_levels():
        problems.append(N_("竞赛级别：请从竞赛级别中选择"))
    if data.starts_on is None:
        problems.append(N_("开始日期：必填"))
    if data.ends_on is None:
        problems.append(N_("结束日期：必填"))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.append(N_("结束日期：不能早于开始日期"))
    if problems:
        raise InvalidInput(N_("竞赛信息有误，未保存"), details=problems)
    assert data.starts_on is not None and data.ends_on is not None
    return _Checked(
        title, data.occupation_id, data.level, data.starts_on, data.ends_on, venue or None
    )


def _organiser(session: Session, actor: User) -> tuple[OrganiserKind, int, int | None, int | None]:
    """(kind, region, enterprise id, school id) of the organisation the actor records for."""
    if not can_organise_competition(actor):
        raise PermissionDenied(N_("只有企业、学校的管理人员或人社局经办人员可以登记竞赛"))
    if actor.role == Role.ENTERPRISE and actor.enterprise_id is not None:
        enterprise = session.get_one(Enterprise, actor.enterprise_id)
        return OrganiserKind.ENTERPRISE, enterprise.region_id, enterprise.id, None
    if actor.role == Role.SCHOOL and actor.school_id is not None:
        school = session.get_one(School, actor.school_id)
        return OrganiserKind.SCHOOL, school.region_id, None, school.id
    assert actor.region_id is not None  # can_organise_competition: a bureau user of a region
    return OrganiserKind.BUREAU, actor.region_id, None, None


def create_competition(session: Session, actor: User, data: CompetitionInput) -> Competition:
    """Record a competition held by the actor's organisation (open, no participants yet)."""
    kind, region_id, enterprise_id, school_id = _organiser(session, actor)
    checked = _checked(session, data)
    competition = Competition(
        region_id=region_id,
        organiser_kind=kind,
        enterprise_id=enterprise_id,
        school_id=school_id,
        title=checked.title,
        occupation_id=checked.occupation_id,
        level=checked.level,
        starts_on=checked.starts_on,
        ends_on=checked.ends_on,
        venue=checked.venue,
        status=CompetitionStatus.OPEN,
        created_by_id=actor.id,
    )
    session.add(competition)
    session.flush()
    audit.record(
        session, actor, "competition.created", "competition", competition.id, _summary(competition)
    )
    return competition


def _summary(competition: Competition) -> dict[str, object]:
    return {
        "title": competition.title,
        "occupation_id": competition.occupation_id,
        "level": competition.level,
        "starts_on": competition.starts_on.isoformat(),
        "ends_on": competition.ends_on.isoformat(),
        "organiser": competition.organiser_kind.value,
    }


def get_competition(session: Session, actor: User, competition_id: int) -> Competition:
    """A competition the actor may see; 404 for anyone else (its existence is not told)."""
    competition = session.get(Competition, competition_id)
    if competition is None or not can_view_competition(actor, competition):
        raise NotFound(N_("竞赛不存在"))
    return competition


def managed_competition(session: Session, actor: User, competition_id: int) -> Competition:
    """A competition the actor records for its organiser (404 unseen, 403 seen but not its)."""
    competition = get_competition(session, actor, competition_id)
    if not can_manage_competition(actor, competition):
        raise PermissionDenied(N_("只有竞赛的举办单位可以修改竞赛记录"))
    return competition


def open_competition(session: Session, actor: User, competition_id: int) -> Competition:
    """A managed competition still open to changes, locked against a concurrent closing."""
    competition = managed_competition(session, actor, competition_id)
    locked = session.scalars(
        select(Competition).where(Competition.id == competition.id).with_for_update()
    ).one()
    session.refresh(locked)
    if locked.status != CompetitionStatus.OPEN:
        raise Conflict(N_("竞赛已结束，记录不能再修改"))
    return locked


def update_competition(
    session: Session, actor: User, competition_id: int, data: CompetitionInput
) -> Competition:
    """Edit an open competition's record."""
    competition = open_competition(session, actor, competition_id)
    checked = _checked(session, data)
    before = _summary(competition)
    competition.title = checked.title
    competition.occupation_id = checked.occupation_id
    competition.level = checked.level
    competition.starts_on = checked.starts_on
    competition.ends_on = checked.ends_on
    competition.venue = checked.venue
    session.flush()
    audit.record(
        session,
        actor,
        "competition.updated",
        "competition",
        competition.id,
        {"before": before, "after": _summary(competition)},
    )
    return competition


def participant_count(session: Session, competition_id: int) -> int:
    """The participants on the record: the count every rule reads, never a declared number."""
    return (
        session.scalar(
            select(func.count())
            .select_from(CompetitionParticipant)
            .where(CompetitionParticipant.competition_id == competition_id)
        )
        or 0
    )


def close_competition(
    session: Session, actor: User, competition_id: int, today: date
) -> Competition:
    """Close a competition that has ended and has its results: the record is final after it."""
    competition = open_competition(session, actor, competition_id)
    if competition.ends_on > today:
        raise Conflict(N_("竞赛尚未结束（结束日期之后才能结束记录）"))
    count = participant_count(session, competition.id)
    if count == 0:
        raise Conflict(N_("竞赛没有参赛人员，不能结束记录"))
    with_results = (
        session.scalar(
            select(func.count())
            .select_from(CompetitionParticipant)
            .where(CompetitionParticipant.competition_id == competition.id)
            .where(
                or_(
                    CompetitionParticipant.rank.is_not(None),
                    CompetitionParticipant.prize.is_not(None),
                )
            )
        )
        or 0
    )
    if with_results == 0:
        raise Conflict(N_("请先录入竞赛成绩，再结束记录"))
    competition.status = CompetitionStatus.CLOSED
    competition.closed_by_id = actor.id
    competition.closed_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "competition.closed",
        "competition",
        competition.id,
        {"participants": count, "with_results": with_results},
    )
    return competition


def _visible(actor: User) -> ColumnElement[bool] | None:
    if actor.role == Role.BUREAU:
        return Competition.region_id == actor.region_id
    if actor.role == Role.ENTERPRISE and can_organise_competition(actor):
        return Competition.enterprise_id == actor.enterprise_id
    if actor.role == Role.SCHOOL and can_organise_competition(actor):
        return Competition.school_id == actor.school_id
    return None


def list_competitions(
    session: Session, actor: User, page: int = 1, query: listing.ListQuery | None = None
) -> Page[Competition]:
    """A page of the competitions the actor sees: its organisation's, or the bureau's region's."""
    condition = _visible(actor)
    if condition is None:
        raise PermissionDenied(N_("只有竞赛的举办单位和人社局可以查看竞赛记录"))
    statement = select(Competition).where(condition)
    statement = listing.refine(statement, COMPETITION_LIST, query or listing.ListQuery())
    return paginate(session, statement, page, lambda row: row[0])


def organiser_name(session: Session, competition: Competition) -> str:
    """The organiser as the pages name it: the enterprise's or school's name, or the bureau."""
    if competition.enterprise_id is not None:
        return session.get_one(Enterprise, competition.enterprise_id).name
    if competition.school_id is not None:
        return session.get_one(School, competition.school_id).name
    return N_("人社局")


def closed_competitions_of(session: Session, enterprise_id: int) -> list[Competition]:
    """The enterprise's closed competitions, latest first: those its subsidy may be claimed for."""
    return list(
        session.scalars(
            select(Competition)
            .where(Competition.enterprise_id == enterprise_id)
            .where(Competition.status == CompetitionStatus.CLOSED)
            .order_by(Competition.ends_on.desc(), Competition.id.desc())
        )
    )


def competition_claims(session: Session, competition: Competition) -> list[SubsidyClaim]:
    """The subsidy claims raised for the competition, newest first (a rejected one may be
    followed by a corrected one; only one is live at a time)."""
    return list(
        session.scalars(
            select(SubsidyClaim)
            .where(SubsidyClaim.competition_id == competition.id)
            .order_by(SubsidyClaim.id.desc())
        )
    )
