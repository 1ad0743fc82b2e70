"""SkillBridge's SQLAlchemy models; importing this package registers every table."""

from .agreement import AgreementStatus, CooperationAgreement, CooperationKind, Party
from .api_client import ApiClient, IdempotencyRecord
from .attendance import (
    AttendanceDay,
    DayStatus,
    HoursException,
    LeaveKind,
    LeaveRequest,
    LeaveStatus,
)
from .audit import GENESIS_HASH, AuditChainHead, AuditEvent
from .base import Base, VerificationStatus, utcnow
from .certificate import TRUSTED_CERTIFICATE, Certificate, CertificateStatus
from .cohort import Cohort, EducationLevel
from .competition import (
    Competition,
    CompetitionParticipant,
    CompetitionStatus,
    OrganiserKind,
)
from .compliance import ComplianceFinding, ComplianceRun, Severity
from .credit import CreditRecord
from .designation import EnterpriseDesignation, SchoolDesignation
from .document import Document, DocumentOwner, DocumentRequest
from .enterprise import Enterprise
from .evaluation import (
    HIRED,
    ContractType,
    EmploymentOutcome,
    Evaluation,
    EvaluationStage,
    Evaluator,
    HostRating,
    InternshipReport,
    OutcomeKind,
    ReportGrade,
)
from .figures import FiguresSnapshot
from .incident import (
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentKind,
    IncidentSeverity,
    IncidentStatus,
    InsuranceClaimStatus,
)
from .inspection import Inspection, InspectionOutcome, InspectionSample
from .journal import (
    AWAITING_REVIEW,
    EDITABLE,
    JOURNAL_COMMENT_MAX,
    JOURNAL_FIELD_MAX,
    EscalationLevel,
    Journal,
    JournalAction,
    JournalCountersignature,
    JournalEscalation,
    JournalEvent,
    JournalStatus,
)
from .match_run import MatchOutcome, MatchRun, MatchRunArrays, RunScope, RunStatus
from .mentoring import (
    MENTOR_LEVEL_MAX,
    MENTOR_LEVEL_MIN,
    AllowanceEntry,
    EducationFundReturn,
    MentorshipAgreement,
)
from .notification import Notification
from .occupation import OCCUPATION_CODE, Occupation, ShortageListing, Specialty
from .person import Employment, EmploymentSource, EmploymentStatus, Person
from .placement import SEAT_HOLDING, Placement, PlacementStatus
from .placement_agreement import FilingStatus, PlacementAgreement, PlacementAgreementKind
from .placement_amendment import AmendmentStatus, PlacementAmendment
from .placement_change import EndReason, PlacementPause
from .preference import EnterpriseRanking, StudentPreference
from .programme import (
    OVERLAP_CONSTRAINT,
    ApprenticeEnrolment,
    ApprenticeshipProgramme,
    EnrolmentStatus,
    FinalAssessment,
    ProgrammeKind,
    ProgrammeModule,
    ProgrammeStatus,
    ProgressRecord,
    TrainingAgreement,
    TrainingAgreementSignature,
)
from .region import Region, RegionLevel
from .reminder import ReminderDigest
from .rendition import Rendition
from .school import School, SchoolType
from .selection import (
    Award,
    Ballot,
    Expert,
    ExpertScore,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionOutcome,
    PanelMember,
    RoundStatus,
    SelectionRound,
)
from .signature import DocumentKind, DocumentVersion, Signature
from .slot import Slot, SlotKind, SlotStatus
from .staff_invitation import StaffInvitation
from .student import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN, Student
from .subsidy import (
    Beneficiary,
    Budget,
    BudgetLedgerEntry,
    ClaimStatus,
    LedgerKind,
    QuotaUsage,
    SubsidyClaim,
    SubsidyPolicy,
)
from .training_base import BaseKind, BaseReview, BaseStatus, TrainingBase
from .training_course import (
    CourseAttendance,
    CourseSession,
    CourseStatus,
    CourseTrainee,
    TrainingCourse,
)
from .user import STAFF_ROLES, Role, StaffRole, User
from .webhook import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "ApiClient",
    "IdempotencyRecord",
    # ── selections ──
    "Award",
    "Ballot",
    "Expert",
    "ExpertScore",
    "Nomination",
    "NominationStatus",
    "Objection",
    "ObjectionOutcome",
    "PanelMember",
    "RoundStatus",
    "SelectionRound",
    # ── competitions ──
    "Competition",
    "CompetitionParticipant",
    "CompetitionStatus",
    "OrganiserKind",
    # ── training courses ──
    "CourseAttendance",
    "CourseSession",
    "CourseStatus",
    "CourseTrainee",
    "TrainingCourse",
    # ── journals ──
    "AWAITING_REVIEW",
    "EDITABLE",
    "JOURNAL_COMMENT_MAX",
    "JOURNAL_FIELD_MAX",
    "EscalationLevel",
    "Journal",
    "JournalAction",
    "JournalCountersignature",
    "JournalEscalation",
    "JournalEvent",
    "JournalStatus",
    "OVERLAP_CONSTRAINT",
    "ApprenticeEnrolment",
    "ApprenticeshipProgramme",
    "EnrolmentStatus",
    "FinalAssessment",
    "ProgrammeKind",
    "ProgrammeModule",
    "ProgrammeStatus",
    "ProgressRecord",
    "TrainingAgreement",
    "TrainingAgreementSignature",
    "MENTOR_LEVEL_MAX",
    "MENTOR_LEVEL_MIN",
    "AllowanceEntry",
    "EducationFundReturn",
    "MentorshipAgreement",
    "MatchOutcome",
    "InspectionSample",
    "InspectionOutcome",
    "Inspection",
    "Severity",
    "ComplianceRun",
    "ComplianceFinding",
    "GENESIS_HASH",
    "OCCUPATION_CODE",
    "SEAT_HOLDING",
    "SKILL_LEVEL_MAX",
    "SKILL_LEVEL_MIN",
    "DocumentKind",
    "DocumentVersion",
    "Rendition",
    "Signature",
    "AgreementStatus",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "Beneficiary",
    "Budget",
    "BudgetLedgerEntry",
    "Certificate",
    "CertificateStatus",
    "Employment",
    "EmploymentSource",
    "EmploymentStatus",
    "Person",
    "STAFF_ROLES",
    "StaffRole",
    "StaffInvitation",
    "TRUSTED_CERTIFICATE",
    "ClaimStatus",
    "Cohort",
    "CooperationAgreement",
    "CooperationKind",
    "CreditRecord",
    "Document",
    "DocumentOwner",
    "DocumentRequest",
    "EducationLevel",
    "Enterprise",
    "EnterpriseDesignation",
    "EnterpriseRanking",
    "FilingStatus",
    "LedgerKind",
    "MatchRun",
    "MatchRunArrays",
    "Notification",
    "Occupation",
    "Party",
    "Placement",
    "PlacementAgreement",
    "PlacementAgreementKind",
    "PlacementStatus",
    "QuotaUsage",
    "Region",
    "RegionLevel",
    "Role",
    "RunScope",
    "RunStatus",
    "School",
    "SchoolType",
    "ShortageListing",
    "SchoolDesignation",
    "Slot",
    "SlotKind",
    "SlotStatus",
    "Specialty",
    "Student",
    "StudentPreference",
    "SubsidyClaim",
    "SubsidyPolicy",
    "FiguresSnapshot",
    "User",
    "VerificationStatus",
    "utcnow",
    # ── reminders ──
    "ReminderDigest",
    # ── incidents ──
    "Incident",
    "IncidentAction",
    "IncidentEvent",
    "IncidentKind",
    "IncidentSeverity",
    "IncidentStatus",
    "InsuranceClaimStatus",
    # ── evaluations ──
    "HIRED",
    "ContractType",
    "EmploymentOutcome",
    "Evaluation",
    "EvaluationStage",
    "Evaluator",
    "HostRating",
    "InternshipReport",
    "OutcomeKind",
    "ReportGrade",
    # ── placement changes ──
    "EndReason",
    "PlacementPause",
    # attendance
    "AttendanceDay",
    "DayStatus",
    "HoursException",
    "LeaveKind",
    "LeaveRequest",
    "LeaveStatus",
    # ── placement amendments ──
    "AmendmentStatus",
    "PlacementAmendment",
    # ── training bases and studios ──
    "BaseKind",
    "BaseReview",
    "BaseStatus",
    "TrainingBase",
    # ── webhooks ──
    "DeliveryStatus",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
