"""Plain, frozen facts about beneficiaries that the eligibility engine evaluates policies on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from skillbridge.platform.text import N_

__all__ = [
    "SKILL_LEVELS",
    "SKILL_LEVEL_LABELS",
    "TRAINING_ROUTES",
    "AwardSelection",
    "Certificate",
    "CompetitionFacts",
    "CourseFacts",
    "EnterpriseFacts",
    "Facts",
    "PersonFacts",
    "ProgrammeFacts",
    "SchoolFacts",
    "StudentFacts",
    "level_rank",
]

#: The 新八级工 ladder of seed 001 (十一), lowest first.
SKILL_LEVELS: tuple[str, ...] = (
    "apprentice",
    "elementary",
    "intermediate",
    "senior",
    "technician",
    "senior_technician",
    "special_technician",
    "chief_technician",
)

SKILL_LEVEL_LABELS: dict[str, str] = {
    "apprentice": N_("学徒工"),
    "elementary": N_("初级工"),
    "intermediate": N_("中级工"),
    "senior": N_("高级工"),
    "technician": N_("技师"),
    "senior_technician": N_("高级技师"),
    "special_technician": N_("特级技师"),
    "chief_technician": N_("首席技师"),
}

#: How a certificate was obtained; several policies pay only for one route.
TRAINING_ROUTES: dict[str, str] = {
    "social_appraisal": N_("社会化鉴定"),
    "district_programme": N_("区组织的培训考核"),
    "city_programme": N_("市组织的培训考核"),
    "designated_training": N_("指定职业（工种）高技能人才培训"),
    "in_house_evaluation": N_("企业内培养评价"),
    "school_enterprise": N_("校企合作培养"),
    "technician_class": N_("技师班培养"),
    "promotion_training": N_("企业职工晋级培训"),
}


def level_rank(level: str) -> int:
    """Return the position of ``level`` on the ladder; raise ``ValueError`` if unknown."""
    try:
        return SKILL_LEVELS.index(level)
    except ValueError:
        raise ValueError(f"unknown skill level {level!r}; expected one of {SKILL_LEVELS}") from None


@dataclass(frozen=True)
class Certificate:
    """A vocational qualification (职业资格 / 职业技能等级) certificate."""

    occupation_code: str
    level: str
    issued_on: date
    route: str = "social_appraisal"
    #: Last day of the training that led to it, where a policy asks for 当年取得.
    training_ended_on: date | None = None

    def __post_init__(self) -> None:
        level_rank(self.level)
        if self.route not in TRAINING_ROUTES:
            raise ValueError(
                f"unknown training route {self.route!r}; expected one of {tuple(TRAINING_ROUTES)}"
            )


@dataclass(frozen=True)
class EnterpriseFacts:
    """An enterprise: the employer of a person, or the claimant of an enterprise subsidy."""

    enterprise_id: str
    in_district: bool = False
    key_industry: bool = False
    extracts_education_fund: bool = False
    credit_record_active: bool = False


@dataclass(frozen=True)
class SchoolFacts:
    """A school claiming a school-side subsidy."""

    school_id: str
    credit_record_active: bool = False


@dataclass(frozen=True)
class StudentFacts:
    """A person's current enrolment at a vocational school."""

    full_time: bool
    #: The level the enrolled programme trains to (e.g. ``"senior"`` for 高级工班).
    track_level: str
    specialty_occupations: tuple[str, ...] = ()
    #: The school is in the city's vocational-education base or a key school the city builds.
    designated_school: bool = False
    in_education_base: bool = False

    def __post_init__(self) -> None:
        level_rank(self.track_level)


@dataclass(frozen=True)
class PersonFacts:
    """A person (worker, graduate or student); dates are ``None`` when they do not apply."""

    person_id: str
    birth_date: date | None = None
    hukou_local: bool = False
    certificates: tuple[Certificate, ...] = ()
    #: Start of the current unbroken run of labour contract plus social insurance in the region.
    contract_insured_since: date | None = None
    #: Day the person took up the post after training (上岗).
    on_post_since: date | None = None
    #: Start of continuous service with the current employer (本单位连续工作).
    employer_since: date | None = None
    #: Start of continuous work in enterprises of the district (在我区企业工作).
    district_work_since: date | None = None
    first_job_in_district: bool = False
    newly_introduced: bool = False
    #: Day the enterprise introduced (hired) the person, for bounds taken at introduction.
    introduced_on: date | None = None
    front_line: bool = False
    credit_record_active: bool = False
    student: StudentFacts | None = None


@dataclass(frozen=True)
class ProgrammeFacts:
    """A competition, technician class or training course an organisation held."""

    programme_id: str
    occupation_code: str
    held_on: date
    participants: int = 0
    #: An apprenticeship whose apprentice passed the final assessment on `held_on`.
    completed: bool = False


@dataclass(frozen=True)
class CompetitionFacts:
    """A skill competition (技能竞赛) as its record on the platform shows it.

    `participants` is the count of participant rows of the record, never a declared number;
    `ended_on` is its last day: it counts as held once that day is past or today.
    """

    competition_id: str
    occupation_code: str
    starts_on: date
    ended_on: date
    participants: int

    def __post_init__(self) -> None:
        if self.ended_on < self.starts_on:
            raise ValueError(f"competition {self.competition_id}: ends before it starts")
        if self.participants < 0:
            raise ValueError(f"competition {self.competition_id}: negative participant count")


@dataclass(frozen=True)
class AwardSelection:
    """A person's selection for an award (评选) in a given year."""

    policy_id: str
    year: int
    level: str | None = None
    #: Which of the seed's alternative criteria the panel accepted, e.g. ``"(2)"``.
    criterion: str | None = None
    #: The year the claim pays for, when it is not the claim date's: a round's grant claimed
    #: after its year (a 2025 round decided in January 2026) pays for the round's year.
    pay_year: int | None = None

    def __post_init__(self) -> None:
        if self.level is not None:
            level_rank(self.level)


@dataclass(frozen=True)
class CourseFacts:
    """A training course or technician class as its record on the platform shows it.

    `completed` counts the trainees its organiser marked 结业 on the record, never a declared
    number; `held_on` is its end date. `subject_completed` says whether the person a person-side
    claim is about completed it (``None`` for a claim paid to the organiser).
    """

    course_id: str
    occupation_code: str
    held_on: date
    completed: int
    subject_completed: bool | None = None

    def __post_init__(self) -> None:
        if self.completed < 0:
            raise ValueError(f"course {self.course_id}: negative completed count")


@dataclass(frozen=True)
class Facts:
    """Everything one evaluation may look at.

    ``certificate`` is the certificate the claim is about; ``employer`` is the person's employer
    or, for an enterprise-side policy, the claiming enterprise.
    """

    person: PersonFacts | None = None
    employer: EnterpriseFacts | None = None
    school: SchoolFacts | None = None
    certificate: Certificate | None = None
    programme: ProgrammeFacts | None = None
    competition: CompetitionFacts | None = None
    course: CourseFacts | None = None
    selection: AwardSelection | None = None
    shortage_occupations: frozenset[str] = frozenset()
    designated_occupations: frozenset[str] = frozenset()
