"""Every route-method × the roles and staff roles × own, same-region and other-region tenant ×
object state.

The four roles act through their organisation's admin (a bureau: its officer); beside them, every
other staff role has an actor of its own: the school's placement officer and teacher, the
enterprise's HR and mentor, the bureau's reviewer and finance officer. The teacher and mentor of a
tenant are assigned to every placement of that tenant.

Each cell runs with a client of its own, logged in through the real form with CSRF on, and sends
a valid body made for its endpoint, on an object made for that cell in the state the route acts
on. A cell the table allows must succeed (the positive control: a logged-out or broken client, or
a body that fails validation, fails the test); every other cell must be refused with 403 or 404,
never by a redirect to the login page. A test-only patch that removes one policy predicate shows
that the matrix then names the route.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric
from support import (
    PASSWORD,
    PASSWORD_HASH,
    empty_all_tables,
    make_test_config,
    sample_pdf,
    sign_as,
    valid_national_id,
    valid_uscc,
)
from werkzeug.routing import Rule

from skillbridge.models import (
    STAFF_ROLES,
    AgreementStatus,
    ApiClient,
    ApprenticeEnrolment,
    AttendanceDay,
    Ballot,
    BaseReview,
    Budget,
    Certificate,
    CertificateStatus,
    Cohort,
    CompetitionParticipant,
    ComplianceFinding,
    ContractType,
    CooperationAgreement,
    CooperationKind,
    CourseSession,
    CourseTrainee,
    CreditRecord,
    DayStatus,
    Document,
    DocumentKind,
    DocumentOwner,
    EducationFundReturn,
    EducationLevel,
    Employment,
    EmploymentSource,
    EmploymentStatus,
    Enterprise,
    EvaluationStage,
    Expert,
    Inspection,
    InspectionSample,
    Journal,
    JournalStatus,
    LeaveKind,
    LeaveRequest,
    MatchRun,
    MentorshipAgreement,
    Nomination,
    NominationStatus,
    Notification,
    Objection,
    Occupation,
    OutcomeKind,
    PanelMember,
    Party,
    Person,
    Placement,
    PlacementAgreement,
    PlacementStatus,
    ProgrammeKind,
    ProgrammeModule,
    Region,
    RegionLevel,
    Role,
    RoundStatus,
    RunScope,
    RunStatus,
    School,
    SchoolType,
    SelectionRound,
    Severity,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    StaffRole,
    Student,
    StudentPreference,
    SubsidyClaim,
    SubsidyPolicy,
    User,
    VerificationStatus,
    WebhookEndpoint,
    utcnow,
)
from skillbridge.models.subsidy import Beneficiary
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.document_store import get_document_store
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services import notifications as notifications_service
from skillbridge.platform.services import policies
from skillbridge.platform.services.accounts.registration import new_session_token
from skillbridge.platform.services.attendance.calendar import china_now
from skillbridge.platform.services.bases import records as base_records
from skillbridge.platform.services.competitions import records as competition_records
from skillbridge.platform.services.courses import records as course_records
from skillbridge.platform.services.evaluations import outcomes as evaluation_outcomes
from skillbridge.platform.services.evaluations import reports as evaluation_reports
from skillbridge.platform.services.evaluations import scores as evaluation_scores
from skillbridge.platform.services.evaluations.rubrics import rubric_for_school
from skillbridge.platform.services.identity import mask_national_id, national_id_hash
from skillbridge.platform.services.incidents import reports as incident_reports
from skillbridge.platform.services.incidents import steps as incident_steps
from skillbridge.platform.services.incidents.reports import ReportInput as IncidentReport
from skillbridge.platform.services.journals.rules import Week, placement_weeks
from skillbridge.platform.services.people.persons import new_person
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import amendments as placement_amendments
from skillbridge.platform.services.placements import changes as placement_changes
from skillbridge.platform.services.placements import lifecycle, offers
from skillbridge.platform.services.placements.agreements import Insurance
from skillbridge.platform.services.placements.amendments import Proposal
from skillbridge.platform.services.programmes import enrolments as programme_enrolments
from skillbridge.platform.services.programmes import filing as programme_filing
from skillbridge.platform.services.renditions.versions import current_version
from skillbridge.platform.services.subsidies import claims as subsidy_claims
from skillbridge.platform.services.subsidies.budgets import install_region_policies

ADMIN_ROLES = ("school", "enterprise", "student", "bureau")
# Each other staff role: its account role and staff role.
STAFF_ACTORS: dict[str, tuple[Role, StaffRole]] = {
    "placement_officer": (Role.SCHOOL, StaffRole.PLACEMENT_OFFICER),
    "teacher": (Role.SCHOOL, StaffRole.TEACHER),
    "hr": (Role.ENTERPRISE, StaffRole.HR),
    "mentor": (Role.ENTERPRISE, StaffRole.MENTOR),
    "reviewer": (Role.BUREAU, StaffRole.REVIEWER),
    "finance": (Role.BUREAU, StaffRole.FINANCE),
}
ROLES = ADMIN_ROLES + tuple(STAFF_ACTORS)
ALL = frozenset(ROLES)
ADMINS = frozenset(ADMIN_ROLES)
SCHOOL, ENTERPRISE, STUDENT, BUREAU = (frozenset({r}) for r in ADMIN_ROLES)
PLACEMENT_OFFICER, TEACHER, HR, MENTOR, REVIEWER, FINANCE = (frozenset({r}) for r in STAFF_ACTORS)


def base_role(role: str) -> str:
    """The account role a matrix role acts with ("teacher" → "school")."""
    return STAFF_ACTORS[role][0].value if role in STAFF_ACTORS else role


TENANTS = ("own", "same_region", "other_region")
TODAY = date.today()
START = date(2026, 7, 1)
# A slot opened or saved now must start later than today.
SLOT_START = date(TODAY.year + 1, 3, 1)
END = date(2026, 12, 31)
COVER = Insurance("中国人寿财产保险", "PICC-MATRIX", date(2026, 6, 30), date(2027, 6, 30))
STRONG_PASSWORD = "Quartz-lantern-97-harbour"
# Nothing listens on the discard port: a test event's one attempt is refused at once. The
# matrix's endpoints take only plan.rejected, which no cell emits (its plan decisions approve):
# the events of the other routes' cells fan out to none of the endpoints the cells pile up.
MATRIX_WEBHOOK_URL = "http://127.0.0.1:9/matrix-hook"
MATRIX_WEBHOOK_EVENT = "plan.rejected"
# An incident on the matrix's placements: a day after their start, inside their insurance.
INCIDENT_DAY = date(2026, 7, 2)
INCIDENT_REPORT = IncidentReport(
    "injury", "minor", datetime(2026, 7, 2, 9, 0), "车间", "划伤", "包扎"
)
DETAIL = re.compile(r'(?:invalid-feedback|mb-0|role="alert")">([^<]+)<')
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# Routes anyone may call.
PUBLIC = {
    "static",
    "bootstrap.static",
    "home.index",
    "home.healthz",
    "auth.login",
    "auth.register_school",
    "auth.register_enterprise",
    "auth.activate",
    "auth.join",
    "auth.switch_language",
    "api_docs.spec",
    "api_docs.docs",
    "api_docs.asset",
    "people.register",
    # The public policy pages (各地区补贴政策): the packs' policies and how each is claimed.
    "policies.index",
    "policies.region",
}

# The API's operations beyond the four reads above: they take an API key (the session cookie
# only reads, and every write without a key is 401 by design), so they are run by key, as every
# scope against own and other tenants' objects, in tests/platform/test_api_schema.py and
# tests/platform/api/; the matrix checks here that the list names every one of them.
API_BY_KEY = {
    "api.slots",
    "api.create_slot",
    "api.slot",
    "api.update_slot",
    "api.open_slot",
    "api.close_slot",
    "api.rank_candidates",
    "api.upsert_roster",
    "api.upsert_employees",
    "api.placements",
    "api.cooperation_agreements",
    "api.subsidy_claims",
    "api.attendance",
    "api.journals",
}

# Routes that act on a student who has not activated an account yet (the tenant's own student
# has one) and whose full ID is stored encrypted.
NOT_YET_ACTIVATED = {"orgs.reissue_invitation", "orgs.reveal_national_id"}

# Every account's own pages, whatever its staff role.
EVERY_ACCOUNT = ALL
# Which admin succeeds on its OWN objects (a bureau: on every object of its region). Nobody
# succeeds on another tenant's objects, except where STATE_RULES says otherwise. The placement
# officer and HR succeed wherever their admin does, except on MANAGED_BY_ADMIN_ONLY.
ADMIN_ALLOWED: dict[str, frozenset[str]] = {
    "home.dashboard": EVERY_ACCOUNT,
    "auth.change_password": EVERY_ACCOUNT,
    "auth.logout": EVERY_ACCOUNT,
    "api.me": EVERY_ACCOUNT,
    "staff.index": SCHOOL | ENTERPRISE | BUREAU,
    "staff.invite": SCHOOL | ENTERPRISE | BUREAU,
    "staff.change_role": SCHOOL | ENTERPRISE | BUREAU,
    "staff.deactivate": SCHOOL | ENTERPRISE | BUREAU,
    # An organisation's API clients: its admin's (a bureau: its officer's) alone.
    "api_clients.index": SCHOOL | ENTERPRISE | BUREAU,
    "api_clients.create": SCHOOL | ENTERPRISE | BUREAU,
    "api_clients.revoke": SCHOOL | ENTERPRISE | BUREAU,
    # ── webhooks ── an organisation's endpoints are its admin's (a bureau: its officer)
    "webhooks.index": SCHOOL | ENTERPRISE | BUREAU,
    "webhooks.create": SCHOOL | ENTERPRISE | BUREAU,
    "webhooks.set_active": SCHOOL | ENTERPRISE | BUREAU,
    "webhooks.delete": SCHOOL | ENTERPRISE | BUREAU,
    "webhooks.send_test": SCHOOL | ENTERPRISE | BUREAU,
    "webhooks.deliveries": SCHOOL | ENTERPRISE | BUREAU,
    "assignments.index": SCHOOL | ENTERPRISE,
    "assignments.assign": SCHOOL | ENTERPRISE,
    "certificates.queue": BUREAU,
    "certificates.verify": BUREAU,
    "certificates.reject": BUREAU,
    "certificates.import_list": BUREAU,
    "certificates.list_template": BUREAU,
    # ── reference data ── kept by the bureau's officer; its reviewers read (NARROW_ALLOWED).
    "reference_data.occupations": BUREAU,
    "reference_data.new_occupation": BUREAU,
    "reference_data.edit_occupation": BUREAU,
    "reference_data.retire_occupation": BUREAU,
    "reference_data.restore_occupation": BUREAU,
    "reference_data.shortage_list": BUREAU,
    "reference_data.preview_shortage": BUREAU,
    "reference_data.apply_shortage": BUREAU,
    "reference_data.shortage_template": BUREAU,
    "reference_data.school_designations": BUREAU,
    "reference_data.designate_school": BUREAU,
    "reference_data.enterprise_designations": BUREAU,
    "reference_data.designate_enterprise": BUREAU,
    "api.school": SCHOOL | BUREAU,
    "api.enterprise": ENTERPRISE | BUREAU,
    "api.student": ADMINS - ENTERPRISE,
    "orgs.school": SCHOOL | BUREAU,
    "orgs.enterprise": ENTERPRISE | BUREAU,
    "orgs.student": ADMINS - ENTERPRISE,
    "orgs.record_certificate": SCHOOL | BUREAU,
    "orgs.reveal_national_id": SCHOOL,
    "orgs.reissue_invitation": SCHOOL,
    "bureau.verifications": BUREAU,
    "bureau.decide": BUREAU,
    "schools.cohorts": SCHOOL,
    "schools.cohort": SCHOOL,
    "schools.import_roster": SCHOOL,
    "schools.invitations": SCHOOL,
    "schools.roster_template": SCHOOL,
    "schools.specialties": SCHOOL,
    "slots.browse": SCHOOL | STUDENT | BUREAU,
    "slots.detail": ENTERPRISE | BUREAU,
    "slots.mine": ENTERPRISE,
    "slots.create": ENTERPRISE,
    "slots.edit": ENTERPRISE,
    "slots.open_": ENTERPRISE,
    "slots.close": ENTERPRISE,
    "cooperation.index": SCHOOL | ENTERPRISE | BUREAU,
    "cooperation.detail": SCHOOL | ENTERPRISE | BUREAU,
    "cooperation.coverage": SCHOOL | BUREAU,
    "cooperation.propose": SCHOOL | ENTERPRISE,
    "cooperation.accept": SCHOOL | ENTERPRISE,
    "cooperation.decline": SCHOOL | ENTERPRISE,
    "cooperation.file": SCHOOL,
    "cooperation.decide": BUREAU,
    "cooperation.decide_many": BUREAU,
    "cooperation.terminate": SCHOOL | ENTERPRISE | BUREAU,
    "preferences.mine": STUDENT,
    "preferences.candidates": ENTERPRISE,
    "preferences.candidate": ENTERPRISE,
    "placements.index": ADMINS,
    "placements.export_csv": SCHOOL | ENTERPRISE | BUREAU,
    "placements.export_xlsx": SCHOOL | ENTERPRISE | BUREAU,
    "placements.detail": ADMINS,
    "placements.agreement": ADMINS,
    "placements.offers": STUDENT,
    "placements.near_cap": SCHOOL,
    "placements.plans": BUREAU,
    "placements.accept": STUDENT,
    "placements.decline": STUDENT,
    "placements.sign": SCHOOL | ENTERPRISE | STUDENT,
    "placements.reauthenticate": SCHOOL | ENTERPRISE | STUDENT,
    # A placement's parties (the narrow staff roles are not among them: NARROW_ALLOWED).
    "renditions.agreement": SCHOOL | ENTERPRISE | STUDENT | BUREAU,
    "renditions.plan": SCHOOL | ENTERPRISE | STUDENT | BUREAU,
    "renditions.certificate": SCHOOL | ENTERPRISE | STUDENT | BUREAU,
    "signatures.verify": ALL,
    "signatures.verify_upload": ALL,
    "placements.insurance": SCHOOL | ENTERPRISE,
    "placements.guardian": SCHOOL,
    "placements.file_plan": SCHOOL,
    "placements.decide_plan": BUREAU,
    "placements.start": SCHOOL | ENTERPRISE,
    "placements.end": SCHOOL | ENTERPRISE,
    "placements.extend": SCHOOL,
    "placements.amend": SCHOOL,
    "placements.cancel": SCHOOL | STUDENT,
    # ── placement changes ──
    "placements.pause": SCHOOL | ENTERPRISE,
    "placements.resume": SCHOOL | ENTERPRISE,
    "placements.terminate": SCHOOL | ENTERPRISE,
    "placements.transfer": SCHOOL,
    # ── placement amendments ── (the school proposes in state "amending": it alone withdraws)
    "placements.propose_amendment": SCHOOL | ENTERPRISE,
    "placements.withdraw_amendment": SCHOOL,
    "notifications.index": EVERY_ACCOUNT,
    "notifications.read": EVERY_ACCOUNT,
    "notifications.read_all": EVERY_ACCOUNT,
    "subsidies.my_claims": ADMINS - BUREAU,
    "subsidies.claim": ADMINS,
    "subsidies.new_claim": STUDENT | ENTERPRISE,
    "subsidies.review": BUREAU,
    "subsidies.approve": BUREAU,
    "subsidies.reject": BUREAU,
    "subsidies.pay": BUREAU,
    "subsidies.budgets": BUREAU,
    "subsidies.budget": BUREAU,
    "subsidies.allocate": BUREAU,
    "subsidies.policies": BUREAU,
    "subsidies.update_policy": BUREAU,
    "subsidies.credit_records": BUREAU,
    "subsidies.revoke_credit": BUREAU,
    "subsidies.export_csv": BUREAU,
    "subsidies.export_xlsx": BUREAU,
    "dashboard.index": BUREAU,
    "dashboard.listing": BUREAU,
    "dashboard.export_csv": BUREAU,
    "dashboard.export_xlsx": BUREAU,
    "dashboard.supervision": BUREAU,
    "dashboard.host_quality_ranking": BUREAU,
    # ── regions above cities ── The matrix's regions are cities, each below a province of its
    # own: a city's officer reads its own region's pages (the drill-down of the officer above,
    # tests/platform/regions), and onboarding a region below is a province officer's alone, so
    # nobody here may (its positive controls: tests/platform/regions/test_regions.py).
    "regions.index": BUREAU,
    "regions.dashboard_of": BUREAU,
    "regions.supervision": BUREAU,
    "regions.listing": BUREAU,
    "regions.setup": BUREAU,
    "regions.new": frozenset(),
    "regions.create": frozenset(),
    "regions.allocate": frozenset(),
    "regions.invite_officer": frozenset(),
    "drilldown.timeline": BUREAU,
    "drilldown.evidence_bundle": BUREAU,
    # Documents: who may act depends on the record they belong to (DOCUMENT_ALLOWED below).
    "documents.record": ALL,
    "documents.file": ALL,
    "documents.upload": SCHOOL | ENTERPRISE | STUDENT,
    "documents.request_correction": BUREAU,
    "inspections.index": BUREAU,
    "inspections.draw": BUREAU,
    "inspections.sample": BUREAU,
    "inspections.export_csv": BUREAU,
    "inspections.export_xlsx": BUREAU,
    "inspections.record": BUREAU,
    "compliance.rules": BUREAU,
    "compliance.findings": BUREAU,
    "compliance.finding": BUREAU,
    "compliance.run": BUREAU,
    "matching.index": SCHOOL | BUREAU,
    "matching.start": SCHOOL | BUREAU,
    "matching.run": SCHOOL | BUREAU,
    "matching.status": SCHOOL | BUREAU,
    "matching.review": SCHOOL | BUREAU,
    "matching.publish": SCHOOL | BUREAU,
    # A worker's own pages: none of the four roles (tests/platform/people covers the worker).
    "people.me": frozenset(),
    "people.my_employment": frozenset(),
    "people.employees": ENTERPRISE,
    "people.pending": ENTERPRISE,
    "people.employment": ENTERPRISE,
    "people.confirm": ENTERPRISE,
    "people.reject": ENTERPRISE,
    "people.end": ENTERPRISE,
    "people.import_employees": ENTERPRISE,
    "people.employee_template": ENTERPRISE,
    # ── competitions ── each role's cell acts on a competition its organisation holds (a
    # bureau: the region's own); the bureau's every user reads its region's (NARROW_ALLOWED).
    "competitions.index": SCHOOL | ENTERPRISE | BUREAU,
    "competitions.new": SCHOOL | ENTERPRISE | BUREAU,
    "competitions.detail": SCHOOL | ENTERPRISE | BUREAU,
    "competitions.edit": SCHOOL | ENTERPRISE | BUREAU,
    "competitions.add_participant": SCHOOL | ENTERPRISE | BUREAU,
    "competitions.remove_participant": SCHOOL | ENTERPRISE | BUREAU,
    "competitions.import_participants": SCHOOL | ENTERPRISE | BUREAU,
    "competitions.participant_template": SCHOOL | ENTERPRISE | BUREAU,
    "competitions.results_form": SCHOOL | ENTERPRISE | BUREAU,
    "competitions.close": SCHOOL | ENTERPRISE | BUREAU,
    # ── courses ── a school's or an enterprise's cell keeps a course its organisation runs; the
    # bureau only reads its region's (every bureau user: NARROW_ALLOWED).
    "courses.index": SCHOOL | ENTERPRISE | BUREAU,
    "courses.detail": SCHOOL | ENTERPRISE | BUREAU,
    "courses.new": SCHOOL | ENTERPRISE,
    "courses.edit": SCHOOL | ENTERPRISE,
    "courses.add_trainee": SCHOOL | ENTERPRISE,
    "courses.remove_trainee": SCHOOL | ENTERPRISE,
    "courses.add_session": SCHOOL | ENTERPRISE,
    "courses.attendance": SCHOOL | ENTERPRISE,
    "courses.completion": SCHOOL | ENTERPRISE,
    "courses.close": SCHOOL | ENTERPRISE,
    # ── training bases and studios ── hosted by the cell's school (a school's cell) or its
    # enterprise; the bureau's officer and reviewer review and recognise, finance reads.
    "bases.index": SCHOOL | ENTERPRISE | BUREAU,
    "bases.new": SCHOOL | ENTERPRISE,
    "bases.detail": SCHOOL | ENTERPRISE | BUREAU,
    "bases.edit": SCHOOL | ENTERPRISE,
    "bases.review": BUREAU,
    "bases.recognise": BUREAU,
    "programmes.index": SCHOOL | ENTERPRISE | STUDENT | BUREAU,
    "programmes.new": ENTERPRISE,
    "programmes.detail": SCHOOL | ENTERPRISE | BUREAU,
    "programmes.accept": SCHOOL,
    "programmes.file": ENTERPRISE,
    "programmes.decide": BUREAU,
    "programmes.enrol": ENTERPRISE,
    "programmes.enrolment": SCHOOL | ENTERPRISE | STUDENT | BUREAU,
    "programmes.progress": SCHOOL | ENTERPRISE,
    "programmes.assess": ENTERPRISE,
    "programmes.sign": SCHOOL | ENTERPRISE | STUDENT,
    "mentoring.index": ENTERPRISE,
    # ── selections ── rounds are the region's: its bureau runs them, its enterprises nominate
    "selections.index": ENTERPRISE | BUREAU,
    "selections.new_round": BUREAU,
    "selections.round_": ENTERPRISE | BUREAU,
    "selections.nominate": ENTERPRISE,
    "selections.nomination": ENTERPRISE | BUREAU,
    "selections.close_nominations": BUREAU,
    "selections.draw_panel": BUREAU,
    "selections.ballot": BUREAU,
    "selections.start_publicity": BUREAU,
    "selections.close_round": BUREAU,
    "selections.raise_objection": ENTERPRISE | BUREAU,
    "selections.handle_objection": BUREAU,
    "selections.decide": BUREAU,
    "selections.experts": BUREAU,
    "selections.expert_active": BUREAU,
    "mentoring.new_agreement": ENTERPRISE,
    "mentoring.agreement": ENTERPRISE,
    "mentoring.record_allowance": ENTERPRISE,
    "mentoring.fund_return_list": ENTERPRISE,
    # ── incidents ── the placement's parties report and follow up; the school closes
    "incidents.index": SCHOOL | ENTERPRISE | STUDENT | BUREAU,
    "incidents.detail": ADMINS,
    "incidents.report": SCHOOL | ENTERPRISE | STUDENT,
    "incidents.guardian": SCHOOL | ENTERPRISE,
    "incidents.file_claim": SCHOOL | ENTERPRISE,
    "incidents.accept_claim": SCHOOL | ENTERPRISE,
    "incidents.pay_claim": SCHOOL | ENTERPRISE,
    "incidents.reject_claim": SCHOOL | ENTERPRISE,
    "incidents.close": SCHOOL,
    # ── evaluations ── (the writers are the assigned teacher and mentor: NARROW_ALLOWED)
    "evaluations.index": SCHOOL | ENTERPRISE | STUDENT,
    "evaluations.detail": ADMINS,
    "evaluations.evaluate": STUDENT,
    "evaluations.rate": STUDENT,
    "evaluations.report": STUDENT,
    "evaluations.grade": frozenset(),
    "evaluations.record_outcome": SCHOOL,
    "evaluations.confirm_outcome": ENTERPRISE,
    "evaluations.certificate_pdf": ADMINS,
    "evaluations.certificate_page": ADMINS,
    # Weekly journals: a placement's parties read them; the student writes, the assigned mentor
    # reviews and the assigned teacher countersigns (NARROW_ALLOWED), nobody else.
    "journals.mine": STUDENT,
    "journals.queue": frozenset(),
    "journals.placement": ADMINS,
    "journals.edit": STUDENT,
    "journals.detail": ADMINS,
    "journals.confirm": frozenset(),
    "journals.return_": frozenset(),
    "journals.countersign_month": frozenset(),
    # Attendance: the student records, the school's and the host's managers read (the location
    # only the school's side: tests/platform/attendance), the mentor confirms, the school files.
    "attendance.index": SCHOOL | ENTERPRISE | STUDENT,
    "attendance.placement": SCHOOL | ENTERPRISE | STUDENT,
    "attendance.day": SCHOOL | ENTERPRISE | STUDENT,
    "attendance.check_in": STUDENT,
    "attendance.check_out": STUDENT,
    "attendance.request_leave": STUDENT,
    "attendance.confirm": frozenset(),
    "attendance.correct": frozenset(),
    "attendance.decide_leave": frozenset(),
    "attendance.file_exception": SCHOOL,
}
# Inviting, re-roling and deactivating staff is the admin's alone.
MANAGED_BY_ADMIN_ONLY = {
    "staff.index",
    "staff.invite",
    "staff.change_role",
    "staff.deactivate",
    "api_clients.index",
    "api_clients.create",
    "api_clients.revoke",
    *(
        f"webhooks.{name}"
        for name in ("index", "create", "set_active", "delete", "send_test", "deliveries")
    ),
}
# What the narrow staff roles succeed on, beside every account's own pages: a teacher
# and a mentor their assigned placements, the reviewer filings and claims, finance payments.
NARROW_ALLOWED: dict[str, frozenset[str]] = {
    "reference_data.occupations": REVIEWER,
    "reference_data.shortage_list": REVIEWER,
    "reference_data.shortage_template": REVIEWER,
    "reference_data.school_designations": REVIEWER,
    "reference_data.enterprise_designations": REVIEWER,
    "orgs.school": TEACHER | REVIEWER | FINANCE,
    "orgs.enterprise": MENTOR | REVIEWER | FINANCE,
    "placements.detail": TEACHER | MENTOR | REVIEWER,
    "placements.agreement": TEACHER | MENTOR,
    "placements.plans": REVIEWER,
    "placements.decide_plan": REVIEWER,
    "cooperation.index": REVIEWER,
    "cooperation.detail": REVIEWER,
    "cooperation.decide": REVIEWER,
    "cooperation.decide_many": REVIEWER,
    "subsidies.review": REVIEWER | FINANCE,
    "subsidies.claim": REVIEWER | FINANCE,
    "subsidies.export_csv": REVIEWER | FINANCE,
    "subsidies.export_xlsx": REVIEWER | FINANCE,
    "subsidies.approve": REVIEWER,
    "subsidies.reject": REVIEWER,
    "subsidies.pay": FINANCE,
    # Every document route checks its record (DOCUMENT_ALLOWED): the table lets each role try.
    "documents.record": REVIEWER
    | FINANCE
    | TEACHER
    | MENTOR,  # a journal's mentor and teacher read its files
    "documents.file": REVIEWER | FINANCE | TEACHER | MENTOR,
    "documents.request_correction": REVIEWER,
    "competitions.index": REVIEWER | FINANCE,
    "competitions.detail": REVIEWER | FINANCE,
    "courses.index": REVIEWER | FINANCE,
    "courses.detail": REVIEWER | FINANCE,
    "bases.index": REVIEWER | FINANCE,
    "bases.detail": REVIEWER | FINANCE,
    "bases.review": REVIEWER,
    "bases.recognise": REVIEWER,
    "programmes.index": TEACHER | MENTOR | REVIEWER,
    # The reviewer runs selections with the officer; finance reads them.
    "selections.index": REVIEWER | FINANCE,
    "selections.round_": REVIEWER | FINANCE,
    "selections.nomination": REVIEWER | FINANCE,
    **{
        f"selections.{name}": REVIEWER
        for name in (
            "new_round",
            "close_nominations",
            "draw_panel",
            "ballot",
            "start_publicity",
            "close_round",
            "raise_objection",
            "handle_objection",
            "decide",
            "experts",
            "expert_active",
        )
    },
    "programmes.detail": REVIEWER,
    "programmes.decide": REVIEWER,
    "renditions.plan": REVIEWER,
    # ── incidents ── the assigned teacher and mentor act on their placements' incidents
    "incidents.index": TEACHER | MENTOR,
    "incidents.detail": TEACHER | MENTOR,
    "incidents.report": TEACHER | MENTOR,
    "incidents.guardian": TEACHER | MENTOR,
    "incidents.file_claim": TEACHER | MENTOR,
    "incidents.accept_claim": TEACHER | MENTOR,
    "incidents.pay_claim": TEACHER | MENTOR,
    "incidents.reject_claim": TEACHER | MENTOR,
    "incidents.close": TEACHER,
    # ── evaluations ──
    "evaluations.index": TEACHER | MENTOR,
    "evaluations.detail": TEACHER | MENTOR,
    "evaluations.evaluate": TEACHER | MENTOR,
    "evaluations.grade": TEACHER,
    "evaluations.certificate_pdf": TEACHER | MENTOR,
    "evaluations.certificate_page": TEACHER | MENTOR,
    "journals.queue": TEACHER | MENTOR,
    "journals.placement": TEACHER | MENTOR,
    "journals.detail": TEACHER | MENTOR,
    "journals.confirm": MENTOR,
    "journals.return_": MENTOR,
    "journals.countersign_month": TEACHER,
    "attendance.index": TEACHER | MENTOR,
    "attendance.placement": TEACHER | MENTOR,
    "attendance.day": TEACHER | MENTOR,
    "attendance.confirm": MENTOR,
    "attendance.correct": MENTOR,
    "attendance.decide_leave": MENTOR,  # short leave: the teacher's step follows a long one's
}


def _with_staff(endpoint: str, admins: frozenset[str]) -> frozenset[str]:
    if admins == EVERY_ACCOUNT:
        return ALL
    managers = set(admins)
    if endpoint not in MANAGED_BY_ADMIN_ONLY:
        managers |= {"placement_officer"} if "school" in admins else set()
        managers |= {"hr"} if "enterprise" in admins else set()
    return frozenset(managers) | NARROW_ALLOWED.get(endpoint, frozenset())


ALLOWED: dict[str, frozenset[str]] = {e: _with_staff(e, r) for e, r in ADMIN_ALLOWED.items()}

# The records documents belong to are the states of the document routes; on its own tenant's
# record, a role succeeds only if it is a party (a bureau: the reviewer, who never uploads).
DOCUMENT_OWNERS = (
    "enterprise",
    "school",
    "cooperation_agreement",
    "placement_agreement",
    "subsidy_claim",
    "journal",
)
# Documents are the organisation's business: its admin and its placement officer or HR act on
# them, a teacher or mentor does not; the whole bureau reads them, its finance officer included.
_SCHOOL_SIDE, _ENTERPRISE_SIDE = SCHOOL | PLACEMENT_OFFICER, ENTERPRISE | HR
_BUREAU_READERS = BUREAU | REVIEWER | FINANCE
_DOCUMENT_READERS = {
    "enterprise": _ENTERPRISE_SIDE | _BUREAU_READERS,
    "school": _SCHOOL_SIDE | _BUREAU_READERS,
    "cooperation_agreement": _SCHOOL_SIDE | _ENTERPRISE_SIDE | _BUREAU_READERS,
    "placement_agreement": ALL - TEACHER - MENTOR,
    "subsidy_claim": ALL - TEACHER - MENTOR,  # the matrix's claim pays the actor's organisation
    "journal": ALL,  # the student, both organisations, the bureau, its mentor and teacher
}
_DOCUMENT_UPLOADERS = {
    "enterprise": _ENTERPRISE_SIDE,
    "school": _SCHOOL_SIDE,
    "cooperation_agreement": _SCHOOL_SIDE | _ENTERPRISE_SIDE,
    "placement_agreement": _SCHOOL_SIDE | _ENTERPRISE_SIDE,
    "subsidy_claim": _SCHOOL_SIDE | _ENTERPRISE_SIDE | STUDENT,
    "journal": STUDENT,  # while the journal is a draft or returned
}
DOCUMENT_ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    **{("documents.record", o): r for o, r in _DOCUMENT_READERS.items()},
    **{("documents.file", o): r for o, r in _DOCUMENT_READERS.items()},
    **{("documents.upload", o): r for o, r in _DOCUMENT_UPLOADERS.items()},
    **{("documents.request_correction", o): BUREAU | REVIEWER for o in DOCUMENT_OWNERS},
}
# The kind each record's upload cell sends (a claim's: the first material of its policy).
DOCUMENT_KINDS = {
    "enterprise": "business_licence",
    "school": "school_licence",
    "cooperation_agreement": "cooperation_scan",
    "placement_agreement": "insurance_policy",
    "subsidy_claim": "id_card_copy",
    "journal": "journal_attachment",
}
MATERIALS_POLICY = "wujiang.youth_school_enterprise_reward"  # its materials include id_card_copy

# (endpoint, state) → roles that succeed in EVERY tenant: an open slot is visible platform-wide.
STATE_RULES: dict[tuple[str, str], frozenset[str]] = {
    ("slots.detail", "open"): SCHOOL | PLACEMENT_OFFICER | STUDENT,
}

# A call is published to the whole region (000 第五条(二)1 公布): every enterprise of the region
# reads it, nominates its own employees to it and objects during its 公示, whichever enterprise's
# nominees the round's other objects belong to.
REGION_PUBLIC = {"selections.round_", "selections.nominate", "selections.raise_objection"}

# The occupation catalogue (国家职业分类大典) is national: an occupation belongs to no tenant, and
# every region's bureau officer keeps it.
NATIONAL = {
    "reference_data.edit_occupation",
    "reference_data.retire_occupation",
    "reference_data.restore_occupation",
}

# The states each object-taking route is exercised in; a route acting on one state lists it.
STATES: dict[str, tuple[str, ...]] = {
    "placements.detail": ("offered", "accepted", "active"),
    "placements.agreement": ("accepted", "active"),
    "placements.accept": ("offered",),
    "placements.decline": ("offered",),
    "placements.sign": ("accepted",),
    "placements.reauthenticate": ("accepted",),
    "renditions.agreement": ("accepted", "active"),
    "renditions.plan": ("plan_filed",),
    "renditions.certificate": ("ended",),
    "placements.insurance": ("accepted",),
    "placements.guardian": ("accepted_minor",),
    "placements.file_plan": ("accepted",),
    "placements.decide_plan": ("plan_filed",),
    "placements.start": ("ready",),
    "placements.end": ("active",),
    "placements.extend": ("active",),
    "placements.amend": ("accepted",),
    "placements.cancel": ("accepted",),
    # ── placement changes ──
    "placements.pause": ("active",),
    "placements.resume": ("paused",),
    "placements.terminate": ("active",),
    "placements.transfer": ("active",),
    # ── placement amendments ──
    "placements.propose_amendment": ("active",),
    "placements.withdraw_amendment": ("amending",),
    "cooperation.detail": ("proposed", "approved"),
    "cooperation.accept": ("proposed",),
    "cooperation.decline": ("proposed",),
    "cooperation.file": ("accepted",),
    "cooperation.decide": ("filed",),
    "cooperation.terminate": ("approved",),
    "slots.detail": ("draft", "open"),
    "slots.edit": ("draft",),
    "slots.open_": ("draft",),
    "slots.close": ("open",),
    "subsidies.claim": ("submitted", "approved"),
    "subsidies.approve": ("submitted",),
    "subsidies.reject": ("submitted",),
    "subsidies.pay": ("approved",),
    "certificates.verify": ("declared",),
    "certificates.reject": ("declared",),
    "matching.run": ("succeeded",),
    "matching.status": ("succeeded",),
    "matching.review": ("succeeded",),
    "matching.publish": ("reviewed",),
    "drilldown.timeline": ("school", "enterprise", "student", "placement"),
    "reference_data.restore_occupation": ("retired",),
    "drilldown.evidence_bundle": ("school", "placement"),
    "people.employment": ("pending", "confirmed"),
    "people.my_employment": ("confirmed",),
    "people.confirm": ("pending",),
    "people.reject": ("pending",),
    "people.end": ("confirmed",),
    "programmes.detail": ("filed", "approved"),
    "programmes.accept": ("draft",),
    "programmes.file": ("accepted",),
    "programmes.decide": ("filed",),
    "programmes.enrol": ("approved",),
    "programmes.enrolment": ("active",),
    "programmes.progress": ("active",),
    "programmes.assess": ("active",),
    "programmes.sign": ("active",),
    "documents.record": DOCUMENT_OWNERS,
    "documents.file": DOCUMENT_OWNERS,
    "documents.upload": DOCUMENT_OWNERS,
    "documents.request_correction": DOCUMENT_OWNERS,
    # ── incidents ──
    "incidents.report": ("active",),
    "incidents.detail": ("open",),
    "incidents.guardian": ("open",),
    "incidents.file_claim": ("open",),
    "incidents.accept_claim": ("claim_filed",),
    "incidents.pay_claim": ("claim_accepted",),
    "incidents.reject_claim": ("claim_filed",),
    "incidents.close": ("open",),
    # ── evaluations ── (EVALUATION_STATES says what each state adds to its placement)
    "evaluations.detail": ("active", "ended"),
    "evaluations.evaluate": ("active",),
    "evaluations.rate": ("active",),
    "evaluations.report": ("active",),
    "evaluations.grade": ("reported",),
    "evaluations.record_outcome": ("ended",),
    "evaluations.confirm_outcome": ("hired",),
    "evaluations.certificate_pdf": ("certifiable",),
    "evaluations.certificate_page": ("certifiable",),
    "journals.placement": ("active",),
    "journals.edit": ("active",),
    "journals.countersign_month": ("active",),
    "journals.detail": ("submitted",),
    "journals.confirm": ("submitted",),
    "journals.return_": ("submitted",),
    "attendance.placement": ("active",),
    "attendance.check_in": ("active",),
    "attendance.check_out": ("checked_in",),
    "attendance.request_leave": ("active",),
    "attendance.file_exception": ("active",),
    "attendance.day": ("recorded",),
    "attendance.confirm": ("recorded",),
    "attendance.correct": ("recorded",),
    "attendance.decide_leave": ("pending_mentor",),
    # ── selections ── (World.selection says what each state holds)
    "selections.round_": ("open", "publicity"),
    "selections.nominate": ("open",),
    "selections.nomination": ("review",),
    "selections.close_nominations": ("closed",),
    "selections.draw_panel": ("review",),
    "selections.ballot": ("voting",),
    "selections.start_publicity": ("voted",),
    "selections.close_round": ("ended_empty",),
    "selections.raise_objection": ("publicity",),
    "selections.handle_objection": ("publicity",),
    "selections.decide": ("ended",),
    "selections.expert_active": ("review",),
    # ── bases ── applied: not reviewed this year; reviewed: passed this year's review.
    "bases.review": ("applied",),
    "bases.recognise": ("reviewed",),
}
# Routes whose POST carries a file.
UPLOADS = {
    "competitions.import_participants",
    "schools.import_roster",
    "certificates.import_list",
    "people.import_employees",
    "documents.upload",
    "selections.nominate",
    "reference_data.preview_shortage",
}
# Routes whose POST ends the user's sessions: each cell gets a user of its own to spend.
SESSION_ENDING = {"auth.logout", "auth.change_password"}


# --- the world ---------------------------------------------------------------------------------


@dataclass
class Tenant:
    """One school, enterprise and student (with their users) of a region, and what they share."""

    name: str
    region: Region
    school: School
    enterprise: Enterprise
    specialty: Specialty
    cohort: Cohort
    student: Student
    users: dict[str, User]
    approver: User  # a second bureau user: approvals the matrix's bureau pays were not its own
    budget: Budget
    policy: SubsidyPolicy


@dataclass
class Cell:
    """One request of the matrix, with the object it acts on."""

    rule: Rule
    method: str
    role: str
    tenant: str
    state: str
    url: str = ""
    data: dict = field(default_factory=dict)
    actor: User | None = None
    content_type: str | None = None


class World:
    """The tenants and factories of fresh objects, all in one module-wide database."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.sessions = get_database(app).sessions
        self.numbers = itertools.count(1)
        self.logins: dict[int, tuple[str, str]] = {}
        # A selection round's score sheet: the expert to vote and the candidates, by round id.
        self.sheets: dict[int, tuple[int, list[int]]] = {}
        self.cache: dict[tuple, dict[str, int]] = {}
        with self.sessions() as session:
            own_region, far_region = self._region(session), self._region(session)
            self.tenants = {
                "own": self._tenant(session, "own", own_region, with_bureau=True),
                "same_region": self._tenant(session, "same_region", own_region),
                "other_region": self._tenant(session, "other_region", far_region, True),
            }
            session.commit()
            for tenant in self.tenants.values():
                for user in [
                    *tenant.users.values(),
                    *([tenant.approver] if tenant.approver else []),
                ]:
                    session.refresh(user)
                    session.expunge(user)
        same = self.tenants["same_region"]
        for name in ("bureau", "reviewer", "finance"):
            same.users[name] = self.tenants["own"].users[name]
        same.approver = self.tenants["own"].approver

    # A number unique within the module, for codes, names and e-mails.
    def n(self) -> int:
        return next(self.numbers)

    def _region(self, session: Session) -> Region:
        """A city below a province of its own (which has no pack and no bureau user here)."""
        n = self.n()
        province = Region(
            code=f"matrix-province-{n}",
            name=f"矩阵省{n}",
            policy_pack=None,
            level=RegionLevel.PROVINCE,
        )
        session.add(province)
        session.flush()
        region = Region(
            code=f"matrix-{n}", name=f"矩阵区{n}", policy_pack="wujiang", parent_id=province.id
        )
        session.add(region)
        session.flush()
        return region

    def user(
        self, session: Session, role: Role, staff_role: StaffRole | None = None, **tenant: int
    ) -> User:
        n = self.n()
        user = User(
            email=f"matrix-{role.value}{n}@example.cn",
            display_name=f"{role.value}{n}",
            password_hash=PASSWORD_HASH,
            role=role,
            staff_role=staff_role or STAFF_ROLES[role][0],
            session_token=new_session_token(),
            **tenant,
        )
        session.add(user)
        session.flush()
        return user

    def school(self, session: Session, region: Region, verified: bool = True) -> School:
        n = self.n()
        school = School(
            region_id=region.id,
            name=f"矩阵职业技术学院{n}",
            code=f"{4244000000 + n}",
            school_type=SchoolType.HIGHER_VOCATIONAL,
            verification_status=(
                VerificationStatus.VERIFIED if verified else VerificationStatus.PENDING
            ),
        )
        session.add(school)
        session.flush()
        return school

    def student(self, session: Session, tenant: Tenant, birth: date = date(2005, 3, 1)) -> Student:
        n = self.n()
        body = f"320509{birth:%Y%m%d}{n % 1000:03d}"
        national_id = body + ric.calc_check_digit(body + "0")
        person = Person(
            name=f"矩阵学生{n}",
            birth_date=birth,
            national_id_masked=mask_national_id(national_id),
            national_id_encrypted=id_keys(self.app).encrypt(national_id),
            national_id_hash=national_id_hash(national_id + str(n), "matrix"),
        )
        session.add(person)
        session.flush()
        student = Student(
            school_id=tenant.school.id,
            cohort_id=tenant.cohort.id,
            person_id=person.id,
            name=f"矩阵学生{n}",
            birth_date=birth,
            hukou_locality="江苏省苏州市吴江区",
            invitation_code=f"MTX{n:08d}",
        )
        session.add(student)
        session.flush()
        return student

    def _tenant(
        self, session: Session, name: str, region: Region, with_bureau: bool = False
    ) -> Tenant:
        n = self.n()
        school = self.school(session, region)
        enterprise = Enterprise(
            region_id=region.id,
            name=f"矩阵制造有限公司{n}",
            uscc=valid_uscc(70000 + n),
            industry="制造业",
            staff_headcount=500,
            verification_status=VerificationStatus.VERIFIED,
        )
        occupation = Occupation(code=f"6-77-{n:04d}", name=f"矩阵工种{n}")
        specialty = Specialty(code=f"4777{n:04d}", name=f"矩阵专业{n}", occupations=[occupation])
        session.add_all([enterprise, specialty])
        session.flush()
        school.specialties.append(specialty)
        cohort = Cohort(
            school_id=school.id,
            specialty_id=specialty.id,
            name=f"矩阵{n}班",
            intake_year=2024,
            graduation_year=2027,
            level=EducationLevel.HIGHER,
            window_start=date(2026, 1, 1),
            window_end=date(2027, 12, 31),
        )
        session.add(cohort)
        session.flush()
        budget = Budget(
            region_id=region.id,
            code=f"fund-{n}",
            name="专项资金",
            allocated_yuan=1_000_000,
            remaining_yuan=1_000_000,
        )
        session.add(budget)
        session.flush()
        policy = SubsidyPolicy(
            region_id=region.id,
            code=f"matrix.policy.{n}",
            name="矩阵补贴",
            beneficiary=Beneficiary.PERSON,
            budget_id=budget.id,
            amount_kind="local",
            amount_yuan=100,
        )
        agreement = CooperationAgreement(
            school_id=school.id,
            enterprise_id=enterprise.id,
            kind=CooperationKind.INTERNSHIP_BASE,
            valid_from=date(2025, 1, 1),
            valid_to=date(2028, 12, 31),
            status=AgreementStatus.APPROVED,
            proposed_by=Party.SCHOOL,
            specialties=[specialty],
        )
        session.add_all([policy, agreement])
        session.flush()
        tenant = Tenant(
            name, region, school, enterprise, specialty, cohort, None, {}, None, budget, policy
        )  # type: ignore[arg-type]  # student, users and approver are set just below
        tenant.student = self.student(session, tenant)
        tenant.users = {
            "school": self.user(session, Role.SCHOOL, school_id=school.id),
            "enterprise": self.user(session, Role.ENTERPRISE, enterprise_id=enterprise.id),
            "student": self.user(session, Role.STUDENT, student_id=tenant.student.id),
        }
        if with_bureau:
            tenant.users["bureau"] = self.user(session, Role.BUREAU, region_id=region.id)
            tenant.approver = self.user(session, Role.BUREAU, region_id=region.id)
        for name, (role, staff_role) in STAFF_ACTORS.items():
            if role != Role.BUREAU or with_bureau:
                tenant.users[name] = self.user(
                    session, role, staff_role, **self.organisation_of(tenant, role)
                )
        return tenant

    @staticmethod
    def organisation_of(tenant: Tenant, role: Role) -> dict[str, int]:
        """The tenant column a school, enterprise or bureau user of `tenant` carries."""
        return {
            Role.SCHOOL: {"school_id": tenant.school.id},
            Role.ENTERPRISE: {"enterprise_id": tenant.enterprise.id},
            Role.BUREAU: {"region_id": tenant.region.id},
        }[role]

    # --- fresh objects ---------------------------------------------------------------------

    def slot(self, session: Session, tenant: Tenant, status: SlotStatus) -> Slot:
        slot = Slot(
            enterprise_id=tenant.enterprise.id,
            kind=SlotKind.POST_INTERNSHIP,
            title="矩阵实习岗",
            occupation_id=tenant.specialty.occupations[0].id,
            start_date=START if status == SlotStatus.OPEN else SLOT_START,
            duration_months=6,
            seats=1,
            stipend_yuan=3000,
            post_wage_yuan=3500,
            post_headcount=100,
            location="苏州市吴江区",
            status=status,
            accepted_specialties=[tenant.specialty],
        )
        session.add(slot)
        session.flush()
        return slot

    def placement(self, session: Session, tenant: Tenant, state: str) -> dict[str, int]:
        """A placement of a fresh student (one placement a student) in `state`, by the services."""
        minor = state == "accepted_minor"
        student = self.student(session, tenant, date(2010, 3, 1) if minor else date(2005, 3, 1))
        student_user = self.user(session, Role.STUDENT, student_id=student.id)
        slot = self.slot(session, tenant, SlotStatus.OPEN)
        placement = Placement(
            student_id=student.id,
            slot_id=slot.id,
            status=PlacementStatus.PROPOSED,
            start_date=START,
            end_date=END,
            months=0,
            teacher_user_id=tenant.users["teacher"].id,
            mentor_user_id=tenant.users["mentor"].id,
        )
        session.add(placement)
        session.flush()
        users = tenant.users
        offers.publish_offers(session, users["school"], [placement], TODAY + timedelta(7), TODAY)
        if state != "offered":
            offers.accept_offer(session, student_user, placement.id, TODAY)
        if state in ("plan_filed", "ready", "active", "ended", "paused", "amending"):
            placement_agreements.file_internship_plan(
                session, users["school"], placement.id, "计划"
            )
        if state in ("ready", "active", "ended", "paused", "amending"):
            for signer in (student_user, users["school"], users["enterprise"]):
                sign_as(session, signer, placement.id)
            placement_agreements.record_insurance(session, users["school"], placement.id, COVER)
            placement_agreements.decide_internship_plan(
                session, users["bureau"], placement.id, True
            )
        if state in ("active", "ended", "paused", "amending"):
            lifecycle.start_placement(session, users["school"], placement.id, TODAY)
        if state == "ended":
            lifecycle.end_placement(session, users["school"], placement.id, END)
        if state == "paused":  # ── placement changes ──
            placement_changes.pause_placement(
                session, users["school"], placement.id, TODAY, "矩阵暂停", TODAY
            )
        if state == "amending":  # ── placement amendments ──
            placement_amendments.propose_amendment(
                session,
                users["school"],
                placement.id,
                Proposal(date(2027, 1, 31), "矩阵变更"),
                utcnow(),
                TODAY,
            )
        return {"placement_id": placement.id, "student_user": student_user.id}

    def incident(self, session: Session, tenant: Tenant, state: str) -> dict[str, int]:
        """An open minor incident the student reported on an active placement; its claim filed
        (by the school) or also accepted, as `state` says."""
        ids = self.placement(session, tenant, "active")
        student_user = session.get_one(User, ids["student_user"])
        incident = incident_reports.report_incident(
            session, student_user, ids["placement_id"], INCIDENT_REPORT, utcnow()
        )
        school = tenant.users["school"]
        if state in ("claim_filed", "claim_accepted"):
            incident_steps.file_claim(
                session, school, incident.id, f"BA-{self.n()}", INCIDENT_DAY, utcnow()
            )
        if state == "claim_accepted":
            incident_steps.accept_claim(session, school, incident.id, utcnow())
        return {**ids, "incident_id": incident.id}

    def agreement(self, session: Session, tenant: Tenant, state: str, role: str) -> int:
        """A cooperation agreement on the tenant's specialty; a proposal awaits the other side."""
        proposer = Party.ENTERPRISE if base_role(role) == "school" else Party.SCHOOL
        status = {
            "proposed": AgreementStatus.PROPOSED,
            "accepted": AgreementStatus.ACCEPTED,
            "filed": AgreementStatus.FILED,
            "approved": AgreementStatus.APPROVED,
        }[state]
        agreement = CooperationAgreement(
            school_id=tenant.school.id,
            enterprise_id=tenant.enterprise.id,
            kind=CooperationKind.ORDER_TRAINING,
            valid_from=date(2026, 1, 1),
            valid_to=date(2028, 12, 31),
            status=status,
            proposed_by=proposer,
            specialties=[tenant.specialty],
        )
        session.add(agreement)
        session.flush()
        return agreement.id

    def claim(self, session: Session, tenant: Tenant, state: str, role: str) -> int:
        """A claim paying the actor's own organisation (a bureau: one of its region's)."""
        claim = SubsidyClaim(
            policy_id=tenant.policy.id, on_date=date(2026, 1, 1), once_only_key=f"m-{self.n()}"
        )
        if base_role(role) == "enterprise":
            claim.enterprise_id = tenant.enterprise.id
        elif base_role(role) == "school":
            claim.school_id = tenant.school.id
        else:
            claim.student_id = tenant.student.id
        session.add(claim)
        session.flush()
        if state == "approved":
            subsidy_claims.approve_claim(session, tenant.approver, claim.id)
        return claim.id

    def employee(self, session: Session, tenant: Tenant) -> int:
        """A confirmed employment of a fresh person at the tenant's enterprise."""
        n = self.n()
        body = f"320509{date(1985, 3, 1):%Y%m%d}{n % 1000:03d}"
        national_id = body + ric.calc_check_digit(body + "0")
        person = Person(
            name=f"矩阵职工{n}",
            birth_date=date(1985, 3, 1),
            national_id_masked=mask_national_id(national_id),
            national_id_hash=national_id_hash(national_id + f"worker{n}", "matrix"),
        )
        session.add(person)
        session.flush()
        employment = Employment(
            person_id=person.id,
            enterprise_id=tenant.enterprise.id,
            post="数控车工",
            hire_date=date(2024, 1, 1),
            status=EmploymentStatus.CONFIRMED,
            source=EmploymentSource.ENTERPRISE,
        )
        session.add(employment)
        session.flush()
        return employment.id

    def mentorship(self, session: Session, tenant: Tenant) -> int:
        """A 名师带徒 agreement of the tenant's enterprise, July 2025 to June 2026."""
        mentor = session.get_one(Employment, self.employee(session, tenant))
        apprentice = session.get_one(Employment, self.employee(session, tenant))
        agreement = MentorshipAgreement(
            enterprise_id=tenant.enterprise.id,
            mentor_person_id=mentor.person_id,
            mentor_employment_id=mentor.id,
            apprentice_person_id=apprentice.person_id,
            apprentice_employment_id=apprentice.id,
            mentor_level=4,
            start_month=date(2025, 7, 1),
            end_month=date(2026, 6, 1),
            monthly_allowance_yuan=800,
            agreement_ref=f"M-{self.n()}",
        )
        session.add(agreement)
        session.flush()
        return agreement.id

    def run(self, session: Session, tenant: Tenant, state: str) -> int:
        run = MatchRun(
            scope=RunScope.SCHOOL,
            region_id=tenant.region.id,
            school_id=tenant.school.id,
            created_by_id=tenant.users["school"].id,
            status=RunStatus.REVIEWED if state == "reviewed" else RunStatus.SUCCEEDED,
            stats={
                "placed": 0,
                "unplaced": 0,
                "students": 0,
                "seats": 0,
                "blocking_pairs": 0,
                "rank_distribution": {},
                "method": "auto",
                "timings": {"build_s": 0, "solve_s": 0, "store_s": 0},
            },
        )
        session.add(run)
        session.flush()
        return run.id

    def inspection(self, session: Session, tenant: Tenant) -> dict[str, int]:
        placement_id = self.placement(session, tenant, "active")["placement_id"]
        sample = InspectionSample(
            region_id=tenant.region.id,
            seed=1,
            size=1,
            as_of=TODAY,
            drawn_by_id=tenant.users["bureau"].id,
            parameters={"population": 1, "population_sha256": "0" * 64, "strata": {}},
        )
        session.add(sample)
        session.flush()
        inspection = Inspection(sample_id=sample.id, placement_id=placement_id)
        session.add(inspection)
        session.flush()
        return {"sample_id": sample.id, "inspection_id": inspection.id}

    def employment(self, session: Session, tenant: Tenant, state: str) -> int:
        """An employment of a fresh person by the tenant's enterprise, pending or confirmed."""
        n = self.n()
        person = Person(
            name=f"矩阵职工{n}",
            birth_date=date(1995, 1, 1),
            national_id_masked=f"**************{n % 10000:04d}",
            national_id_hash=f"matrix-worker-{n}",
        )
        session.add(person)
        session.flush()
        employment = Employment(
            person_id=person.id,
            enterprise_id=tenant.enterprise.id,
            post="矩阵岗位",
            hire_date=date(2025, 1, 1),
            source=EmploymentSource.REGISTRATION,
            status=EmploymentStatus.CONFIRMED if state == "confirmed" else EmploymentStatus.PENDING,
            confirmed_at=utcnow() if state == "confirmed" else None,
        )
        session.add(employment)
        session.flush()
        return employment.id

    def known_person(self, session: Session) -> tuple[Person, str]:
        """A person keyed as the app keys national IDs, and the ID: one a form can name."""
        # valid_national_id is unique per n only modulo 1000: the birth date takes the thousands
        # (a day each), so every n has its own ID; from 2000, when the ID's area code (440303)
        # exists in the division table the ID check reads, and never in the future.
        n = self.n()
        birth = date(2000, 1, 1) + timedelta(days=n // 1000)
        national_id = valid_national_id(n, birth)
        person = new_person(id_keys(self.app), national_id, f"矩阵选手{n}", birth)
        session.add(person)
        session.flush()
        return person, national_id

    def competition(self, session: Session, tenant: Tenant, role: str) -> dict[str, int]:
        """An open competition the role's organisation holds (a bureau's: its region's), ended
        yesterday, with one participant placed first: every organiser step can act on it."""
        organiser = {"school": "school", "bureau": "bureau"}.get(base_role(role), "enterprise")
        actor = tenant.users[organiser]
        competition = competition_records.create_competition(
            session,
            actor,
            competition_records.CompetitionInput(
                title=f"矩阵竞赛{self.n()}",
                occupation_id=tenant.specialty.occupations[0].id,
                level="district",
                starts_on=TODAY - timedelta(days=3),
                ends_on=TODAY - timedelta(days=1),
            ),
        )
        person, _national_id = self.known_person(session)
        entry = CompetitionParticipant(
            competition_id=competition.id, person_id=person.id, rank=1, added_by_id=actor.id
        )
        session.add(entry)
        session.flush()
        return {"competition_id": competition.id, "participant_id": entry.id}

    def training_base(self, session: Session, tenant: Tenant, role: str, state: str) -> int:
        """A skill master studio the role's organisation hosts (a school's cell: its school's,
        every other: its enterprise's); `reviewed`: passed this year's review."""
        host = tenant.users["school" if base_role(role) == "school" else "enterprise"]
        person, national_id = self.known_person(session)
        base = base_records.create_base(
            session,
            host,
            id_keys(self.app),
            base_records.BaseInput(
                kind="skill_master_studio",
                name=f"矩阵工作室{self.n()}",
                leader_name=person.name,
                leader_national_id=national_id,
                occupation_count=2,
                site_m2=100,
                capacity=20,
                yearly_intake=200,
            ),
        )
        if state == "reviewed":
            session.add(
                BaseReview(
                    base_id=base.id,
                    year=TODAY.year,
                    passed=True,
                    results=[],
                    reviewed_by_id=tenant.users["bureau"].id,
                )
            )
            session.flush()
        return base.id

    def course(self, session: Session, tenant: Tenant, role: str) -> dict[str, int]:
        """An open technician class the role's organisation runs (a school's cell: its school's,
        every other: its enterprise's), ended yesterday, with one trainee and one session."""
        actor = tenant.users["school" if base_role(role) == "school" else "enterprise"]
        course = course_records.create_course(
            session,
            actor,
            course_records.CourseInput(
                title=f"矩阵技师班{self.n()}",
                kind="technician_class",
                occupation_id=tenant.specialty.occupations[0].id,
                level="technician",
                starts_on=TODAY - timedelta(days=3),
                ends_on=TODAY - timedelta(days=1),
                planned_places=10,
            ),
        )
        person, _national_id = self.known_person(session)
        trainee = CourseTrainee(course_id=course.id, person_id=person.id, added_by_id=actor.id)
        day = CourseSession(course_id=course.id, held_on=TODAY - timedelta(days=3))
        session.add_all([trainee, day])
        session.flush()
        return {"course_id": course.id, "trainee_id": trainee.id, "session_id": day.id}

    def programme(
        self, session: Session, tenant: Tenant, state: str, kind: str = "employee"
    ) -> int:
        """An apprenticeship programme of the tenant's enterprise and school, by the services."""
        users = tenant.users
        data = programme_filing.ProgrammeInput(
            kind=ProgrammeKind(kind),
            title=f"矩阵学徒{self.n()}",
            school_id=tenant.school.id,
            occupation_id=tenant.specialty.occupations[0].id,
            target_level=3,
            start_date=date(2026, 9, 1),
            end_date=date(2027, 8, 31),
            total_hours=100,
            assessment_body="矩阵评价机构",
            modules=[programme_filing.ModuleInput("模块", 100)],
        )
        programme = programme_filing.create_programme(session, users["enterprise"], data)
        if state != "draft":
            programme_filing.accept_training(session, users["school"], programme.id)
        if state in ("filed", "approved", "active"):
            programme_filing.file_programme(session, users["enterprise"], programme.id)
        if state in ("approved", "active"):
            programme_filing.decide_filing(session, users["bureau"], programme.id, True, "准予")
        return programme.id

    def apprentice_staff(self, session: Session, tenant: Tenant) -> tuple[User, User]:
        """A mentor of the tenant's enterprise and a teacher of its school."""
        mentor = self.user(session, Role.ENTERPRISE, enterprise_id=tenant.enterprise.id)
        mentor.staff_role = StaffRole.MENTOR
        teacher = self.user(session, Role.SCHOOL, school_id=tenant.school.id)
        teacher.staff_role = StaffRole.TEACHER
        session.flush()
        return mentor, teacher

    def enrolment(self, session: Session, tenant: Tenant) -> dict[str, int]:
        """A student apprentice (a fresh student with an account) in an approved programme."""
        programme_id = self.programme(session, tenant, "approved", "student")
        student = self.student(session, tenant)
        student_user = self.user(session, Role.STUDENT, student_id=student.id)
        mentor, teacher = self.apprentice_staff(session, tenant)
        data = programme_enrolments.EnrolmentInput(None, student.id, mentor.id, teacher.id)
        enrolment = programme_enrolments.enrol_apprentice(
            session, tenant.users["enterprise"], programme_id, data
        )
        return {
            "programme_id": programme_id,
            "enrolment_id": enrolment.id,
            "student_user": student_user.id,
        }

    def attendance(self, session: Session, tenant: Tenant, state: str) -> dict[str, int]:
        """An active placement with a day checked in, one checked out, or a short leave request."""
        ids = self.placement(session, tenant, "active")
        arrived = china_now().replace(microsecond=0) - timedelta(hours=1)
        if state in ("checked_in", "recorded"):
            day = AttendanceDay(
                placement_id=ids["placement_id"],
                day=arrived.date(),
                check_in_at=arrived,
                status=DayStatus.CHECKED_IN,
            )
            if state == "recorded":
                day.check_out_at, day.minutes = arrived + timedelta(minutes=30), 30
                day.status = DayStatus.RECORDED
            session.add(day)
            session.flush()
            ids["day_id"] = day.id
        if state == "pending_mentor":
            leave = LeaveRequest(
                placement_id=ids["placement_id"],
                start_day=TODAY,
                end_day=TODAY,
                kind=LeaveKind.PERSONAL,
                reason="事假",
            )
            session.add(leave)
            session.flush()
            ids["leave_id"] = leave.id
        return ids

    def document_record(self, session: Session, tenant: Tenant, cell: Cell) -> dict:
        """The record a document route acts on, and a stored document of it for downloads."""
        owner, extra = cell.state, {}
        if owner == "enterprise":
            owner_id = tenant.enterprise.id
        elif owner == "school":
            owner_id = tenant.school.id
        elif owner == "cooperation_agreement":
            owner_id = self.agreement(session, tenant, "approved", cell.role)
        elif owner == "placement_agreement":
            extra = self.placement(session, tenant, "accepted")  # its student acts for "own"
            owner_id = session.scalar(
                select(PlacementAgreement.id).where(
                    PlacementAgreement.placement_id == extra["placement_id"]
                )
            )
        elif owner == "journal":
            extra = self.placement(session, tenant, "active")
            owner_id = self.journal_of(session, extra["placement_id"], JournalStatus.DRAFT)
        else:
            owner_id = self.claim(session, tenant, "submitted", cell.role)
            materials = session.scalar(
                select(SubsidyPolicy).where(
                    SubsidyPolicy.region_id == tenant.region.id,
                    SubsidyPolicy.code == MATERIALS_POLICY,
                )
            )
            if materials is not None:  # installed in the own region only
                session.get_one(SubsidyClaim, owner_id).policy_id = materials.id
        pdf = sample_pdf(f"matrix-{self.n()}")
        get_document_store(self.app).storage.put(pdf)
        document = Document(
            owner_type=DocumentOwner(owner),
            owner_id=owner_id,
            kind=DOCUMENT_KINDS[owner],
            sha256=hashlib.sha256(pdf).hexdigest(),
            size_bytes=len(pdf),
            content_type="application/pdf",
            original_filename="matrix.pdf",
            uploaded_by_id=tenant.users["enterprise"].id,
            retention_until=datetime(2099, 1, 1, tzinfo=UTC),
            enterprise_id=tenant.enterprise.id,
        )
        session.add(document)
        session.flush()
        return {**extra, "owner_type": owner, "owner_id": owner_id, "document_id": document.id}

    def journal_of(
        self, session: Session, placement_id: int, status: JournalStatus, week: Week | None = None
    ) -> int:
        """A journal of the placement's first week (or `week`) in `status`."""
        week = week or Week.of(START)
        journal = Journal(
            placement_id=placement_id,
            iso_year=week.iso_year,
            iso_week=week.iso_week,
            status=status,
            work_done="矩阵工作",
            learned="矩阵收获",
            problems="无",
            submitted_at=None if status == JournalStatus.DRAFT else utcnow(),
        )
        session.add(journal)
        session.flush()
        return journal.id

    def journal_ids(self, session: Session, tenant: Tenant, cell: Cell) -> dict[str, int]:
        """The ids of a journal route: a submitted journal, a week to write, or a month whose
        weeks are all confirmed (the placement's first)."""
        arguments = set(cell.rule.arguments)
        if "journal_id" in arguments:
            placement = self.placement(session, tenant, "active")
            journal_id = self.journal_of(
                session, placement["placement_id"], JournalStatus.SUBMITTED
            )
            return {**placement, "journal_id": journal_id}
        first = Week.of(START)
        if "iso_week" in arguments:
            return {"iso_year": first.iso_year, "iso_week": first.iso_week}
        if "month" in arguments:
            return {"year": first.month[0], "month": first.month[1]}
        return {}

    def nominee(self, session: Session, tenant: Tenant) -> Person:
        """A fresh employee of the tenant's enterprise, confirmed and current."""
        employment = session.get_one(Employment, self.employee(session, tenant))
        employment.is_primary = True
        session.flush()
        return session.get_one(Person, employment.person_id)

    def selection(self, session: Session, tenant: Tenant, state: str) -> dict[str, int]:
        """A round of the tenant's region for its technical-expert award, with a nomination by
        the tenant's enterprise, in `state`: open (taking nominations), closed (past its
        deadline), review (screened in, a pool of three experts), voting (panel drawn, the
        first seat to vote), voted, publicity (today in the window, an open objection), ended
        (the window past, the nominee proposed) or ended_empty (nobody left to decide)."""
        install_region_policies(session, tenant.region)
        policy = session.scalars(
            select(SubsidyPolicy).where(
                SubsidyPolicy.region_id == tenant.region.id,
                SubsidyPolicy.code == "wujiang.technical_expert_award",
            )
        ).one()
        status = {
            "open": RoundStatus.OPEN,
            "closed": RoundStatus.OPEN,
            "review": RoundStatus.REVIEW,
            "voting": RoundStatus.REVIEW,
            "voted": RoundStatus.REVIEW,
        }.get(state, RoundStatus.PUBLICITY)
        opened = TODAY - timedelta(days=60) if state != "open" else TODAY
        window = {
            "publicity": (TODAY - timedelta(days=1), TODAY + timedelta(days=14)),
            "ended": (TODAY - timedelta(days=30), TODAY - timedelta(days=10)),
            "ended_empty": (TODAY - timedelta(days=30), TODAY - timedelta(days=10)),
        }.get(state, (None, None))
        row = SelectionRound(
            region_id=tenant.region.id,
            policy_id=policy.id,
            period_start=3000 + self.n(),
            period_years=1,
            quota=None,
            selected_count=0,
            status=status,
            opened_on=opened,
            nominations_close_on=TODAY + timedelta(days=30) if state == "open" else opened,
            panel_size=3,
            publicity_working_days=5,
            publicity_basis="矩阵",
            publicity_starts_on=window[0],
            publicity_ends_on=window[1],
            opened_by_id=tenant.users["bureau"].id,
        )
        session.add(row)
        session.flush()
        ids = {"round_id": row.id}
        experts = [
            Expert(region_id=tenant.region.id, name=f"矩阵专家{self.n()}", field="机械")
            for _ in range(3)
        ]
        session.add_all(experts)
        session.flush()
        ids["expert_id"] = experts[0].id
        nomination_status = {
            "open": NominationStatus.SUBMITTED,
            "closed": NominationStatus.SUBMITTED,
            "review": NominationStatus.SCREENED_IN,
            "voting": NominationStatus.SCREENED_IN,
            "voted": NominationStatus.SCREENED_IN,
            "ended_empty": NominationStatus.NOT_PROPOSED,
        }.get(state, NominationStatus.PROPOSED)
        nomination = Nomination(
            round_id=row.id,
            person_id=self.nominee(session, tenant).id,
            employer_id=tenant.enterprise.id,
            nominated_by_enterprise_id=tenant.enterprise.id,
            nominated_by_id=tenant.users["enterprise"].id,
            statement="矩阵事迹",
            status=nomination_status,
            screening={"eligible": True, "conditions": [], "facts": [], "level": None},
        )
        session.add(nomination)
        session.flush()
        ids["nomination_id"] = nomination.id
        if state in ("voting", "voted"):
            row.panel_seed = 1
            voted = utcnow() if state == "voted" else None
            session.add_all(
                PanelMember(round_id=row.id, expert_id=e.id, seat=i, voted_at=voted)
                for i, e in enumerate(experts, start=1)
            )
            if voted is not None:
                session.add_all(Ballot(nomination_id=nomination.id, approve=True) for _ in experts)
            self.sheets[row.id] = (experts[0].id, [nomination.id])
        if state == "publicity":
            objection = Objection(
                nomination_id=nomination.id,
                reason="矩阵异议",
                raised_by_id=tenant.users["bureau"].id,
            )
            session.add(objection)
            session.flush()
            ids["objection_id"] = objection.id
        session.flush()
        return ids

    def objects(self, cell: Cell, fresh: bool) -> dict[str, int]:
        """The ids the cell's URL names: made for the cell (an allowed POST), shared by the
        refused POSTs of one route, tenant, state and kind of actor (a refusal changes nothing,
        see `forget`), or shared by the GETs."""
        if fresh and expected(cell):
            key = None
        elif fresh:
            key = self._refused_key(cell)
        else:
            key = (tuple(sorted(cell.rule.arguments)), cell.tenant, cell.state, cell.role)
        if key in self.cache:
            return self.cache[key]
        tenant = self.tenants[cell.tenant]
        with self.sessions() as session:
            ids = self._make(session, cell, tenant)
            session.commit()
        if key is not None:
            self.cache[key] = ids
        return ids

    @staticmethod
    def _refused_key(cell: Cell) -> tuple:
        # The objects differ by the actor's kind of organisation (base_role), a notification by
        # its very recipient.
        actor = cell.role if "notification_id" in cell.rule.arguments else base_role(cell.role)
        return ("refused", cell.rule.endpoint, cell.method, cell.tenant, cell.state, actor)

    def forget(self, cell: Cell) -> None:
        """A refused POST that succeeded may have changed its shared object: the next refused
        cell gets one of its own, so that one wrong success cannot hide or cause another."""
        self.cache.pop(self._refused_key(cell), None)

    def _make(self, session: Session, cell: Cell, tenant: Tenant) -> dict[str, int]:
        arguments, ids = set(cell.rule.arguments), {}
        if cell.rule.endpoint.startswith("attendance.") and cell.state != "-":
            ids.update(self.attendance(session, tenant, cell.state))
        if cell.rule.endpoint in NOT_YET_ACTIVATED:
            ids["student_id"] = self.student(session, tenant).id
        if "placement_id" in arguments and "placement_id" not in ids:
            base = EVALUATION_STATES.get(cell.state, (cell.state,))[0]
            ids.update(self.placement(session, tenant, base))
            if cell.state in EVALUATION_STATES:
                evaluation_state(session, tenant, ids, cell.state)
        if cell.rule.endpoint.startswith("journals."):
            ids.update(self.journal_ids(session, tenant, cell))
            if "month" in arguments:  # every week of the month confirmed by the mentor
                start, end = START, END
                for week in placement_weeks(start, end):
                    if week.month == (ids["year"], ids["month"]):
                        self.journal_of(session, ids["placement_id"], JournalStatus.CONFIRMED, week)
        if "agreement_id" in arguments:
            ids["agreement_id"] = self.agreement(session, tenant, cell.state, cell.role)
        if "slot_id" in arguments:
            status = SlotStatus.OPEN if cell.state == "open" else SlotStatus.DRAFT
            if cell.rule.endpoint in ("preferences.candidates", "preferences.candidate"):
                status = SlotStatus.OPEN
            ids["slot_id"] = self.slot(session, tenant, status).id
        if cell.rule.endpoint == "preferences.candidate":
            # A candidate is an eligible student who ranked the slot.
            candidate = self.student(session, tenant)
            session.add(StudentPreference(student_id=candidate.id, slot_id=ids["slot_id"], rank=1))
            ids["student_id"] = candidate.id
        if "claim_id" in arguments:
            ids["claim_id"] = self.claim(session, tenant, cell.state, cell.role)
        if "competition_id" in arguments:
            ids.update(self.competition(session, tenant, cell.role))
        if "base_id" in arguments:
            ids["base_id"] = self.training_base(session, tenant, cell.role, cell.state)
        if "course_id" in arguments:
            ids.update(self.course(session, tenant, cell.role))
        if "enrolment_id" in arguments:
            ids.update(self.enrolment(session, tenant))
        elif "programme_id" in arguments:
            ids["programme_id"] = self.programme(session, tenant, cell.state)
        if "run_id" in arguments:
            ids["run_id"] = self.run(session, tenant, cell.state)
        if cell.rule.endpoint.startswith("selections."):
            ids.update(self.selection(session, tenant, cell.state))
        if "mentorship_id" in arguments:
            ids["mentorship_id"] = self.mentorship(session, tenant)
        if "incident_id" in arguments:
            ids.update(self.incident(session, tenant, cell.state))
        if {"sample_id", "inspection_id"} & arguments:
            ids.update(self.inspection(session, tenant))
        if "notification_id" in arguments:
            recipient = tenant.users[cell.role]
            if cell.tenant == "same_region" and base_role(cell.role) == "bureau":
                recipient = tenant.approver  # the region's other bureau user
            notification = Notification(user_id=recipient.id, kind="test", title="通知")
            session.add(notification)
            session.flush()
            ids["notification_id"] = notification.id
        if "credit_record_id" in arguments:
            subject = self.student(session, tenant)  # nobody the other cells act for
            record = CreditRecord(
                student_id=subject.id,
                rule="R6",
                reason="测试",
                starts_on=date(2026, 1, 1),
                ends_on=date(2027, 12, 31),
                recorded_by_id=tenant.users["bureau"].id,
            )
            session.add(record)
            session.flush()
            ids["credit_record_id"] = record.id
        if "employment_id" in arguments:
            ids["employment_id"] = self.employment(session, tenant, cell.state)
        if "certificate_id" in arguments:
            holder = self.student(session, tenant)
            certificate = Certificate(
                person_id=holder.person_id,
                occupation_id=tenant.specialty.occupations[0].id,
                level=3,
                issued_on=date(2026, 1, 10),
                number=f"MTX-CERT-{self.n()}",
                status=CertificateStatus.DECLARED,
            )
            session.add(certificate)
            session.flush()
            ids["certificate_id"] = certificate.id
        if "user_id" in arguments:
            # A colleague of the actor's kind of organisation in this tenant, to re-role or stop.
            kind = Role(base_role(cell.role)) if base_role(cell.role) != "student" else Role.SCHOOL
            narrow = {
                Role.SCHOOL: StaffRole.TEACHER,
                Role.ENTERPRISE: StaffRole.MENTOR,
                Role.BUREAU: StaffRole.REVIEWER,
            }[kind]
            ids["user_id"] = self.user(
                session, kind, narrow, **self.organisation_of(tenant, kind)
            ).id
        if "client_id" in arguments:
            # An API client of the actor's kind of organisation in this tenant, by its admin.
            kind = Role(base_role(cell.role)) if base_role(cell.role) != "student" else Role.SCHOOL
            client = ApiClient(
                name=f"矩阵客户端{self.n()}",
                key_prefix="sbk_matrix",
                key_hash=f"{self.n():064d}",
                scopes="placements:read",
                created_by_id=tenant.users[kind.value].id,
                **self.organisation_of(tenant, kind),
            )
            session.add(client)
            session.flush()
            ids["client_id"] = client.id
        if "endpoint_id" in arguments:
            # An endpoint of the tenant's organisation of the actor's kind (a student: its school).
            kind = Role(base_role(cell.role)) if base_role(cell.role) != "student" else Role.SCHOOL
            endpoint = WebhookEndpoint(
                **self.organisation_of(tenant, kind),
                url=MATRIX_WEBHOOK_URL,
                event_types=[MATRIX_WEBHOOK_EVENT],
                secret_encrypted=id_keys(self.app).encrypt("whsec_matrix"),
                active=True,
                created_by_id=tenant.users[base_role(cell.role)].id,
            )
            session.add(endpoint)
            session.flush()
            ids["endpoint_id"] = endpoint.id
        if "organisation_id" in arguments:
            ids["organisation_id"] = self.school(session, tenant.region, verified=False).id
        if "occupation_id" in arguments:
            n = self.n()
            occupation = Occupation(
                code=f"8-{n // 10000 % 100:02d}-{n // 100 % 100:02d}-{n % 100:02d}",
                name=f"目录职业{n}",
                name_en=f"Catalogue occupation {n}",
                retired=cell.state == "retired",
            )
            session.add(occupation)
            session.flush()
            ids["occupation_id"] = occupation.id
        if "finding_id" in arguments:
            finding = ComplianceFinding(
                region_id=tenant.region.id,
                rule_id="R3",
                severity=Severity.MEDIUM,
                subject_key=f"school:{tenant.school.id}:matrix:{self.n()}",
                object_type="school",
                object_id=tenant.school.id,
                summary="专业合作企业不足",
            )
            session.add(finding)
            session.flush()
            ids["finding_id"] = finding.id
        if "owner_id" in arguments or "document_id" in arguments:
            ids.update(self.document_record(session, tenant, cell))
        if "object_id" in arguments:
            ids["object_id"] = {
                "school": tenant.school.id,
                "enterprise": tenant.enterprise.id,
                "student": tenant.student.id,
                "placement": ids.get("placement_id")
                or self.placement(session, tenant, "active")["placement_id"],
            }[cell.state]
        return {
            "school_id": tenant.school.id,
            "enterprise_id": tenant.enterprise.id,
            "student_id": tenant.student.id,
            "cohort_id": tenant.cohort.id,
            "budget_id": tenant.budget.id,
            "policy_id": tenant.policy.id,
            "region_id": tenant.region.id,
            **ids,
        }

    # --- clients ---------------------------------------------------------------------------

    def fresh_user(self, role: str) -> User:
        """A user of the own tenant to spend on a session-ending cell."""
        tenant = self.tenants["own"]
        with self.sessions() as session:
            kind, staff_role = STAFF_ACTORS[role] if role in STAFF_ACTORS else (Role(role), None)
            organisation = (
                {"student_id": self.student(session, tenant).id}
                if kind == Role.STUDENT
                else self.organisation_of(tenant, kind)
            )
            user = self.user(session, kind, staff_role, **organisation)
            session.commit()
            session.refresh(user)
            session.expunge(user)
        return user

    def client(self, user: User) -> tuple[FlaskClient, str]:
        """A new client in a session of `user`, and the CSRF token its pages carry.

        The first client of a user logs in through the login form (CSRF token from the form, as a
        browser gets it); later ones get a copy of that session cookie, so each cell has a client
        of its own without paying for a password hash each time.
        """
        client = self.app.test_client()
        if user.id not in self.logins:
            page = client.get("/login").get_data(as_text=True)
            response = client.post(
                "/login",
                data={
                    "email": user.email,
                    "password": PASSWORD,
                    "csrf_token": CSRF_INPUT.search(page).group(1),
                },
            )
            assert response.status_code == 302, response.get_data(as_text=True)
            page = client.get("/dashboard").get_data(as_text=True)
            self.logins[user.id] = (
                client.get_cookie("session").value,
                CSRF_INPUT.search(page).group(1),
            )
            return client, self.logins[user.id][1]
        cookie, token = self.logins[user.id]
        client.set_cookie("session", cookie)
        return client, token

    def wait_for_runs(self, timeout: float = 60.0) -> None:
        """Until no match run is queued or running (the worker thread finishes it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.sessions() as session:
                busy = session.scalar(
                    select(MatchRun.id).where(
                        MatchRun.status.in_((RunStatus.QUEUED, RunStatus.RUNNING))
                    )
                )
            if busy is None:
                return
            time.sleep(0.1)
        raise AssertionError("a match run did not finish")

    def user_by_id(self, user_id: int) -> User:
        with self.sessions() as session:
            user = session.get(User, user_id)
            session.expunge(user)
            return user


# --- bodies ------------------------------------------------------------------------------------


def _award_policy(world: World, tenant: Tenant) -> int:
    with world.sessions() as session:
        return session.scalars(
            select(SubsidyPolicy.id).where(
                SubsidyPolicy.region_id == tenant.region.id,
                SubsidyPolicy.code == "wujiang.technical_expert_award",
            )
        ).one()


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _roster(world: World, tenant: Tenant) -> dict:
    from skillbridge.platform.services.schools import roster

    n = world.n()
    national_id = valid_national_id(n, date(2004, 1, 1) + timedelta(days=n // 1000))
    row = [f"导入学生{n}", national_id, tenant.specialty.code, "2024", tenant.cohort.name]
    row += ["江苏省苏州市吴江区", "是", "", "", ""]
    return {"file": (io.BytesIO(_csv([list(roster.COLUMNS), row])), "roster.csv")}


def _employees(world: World) -> dict:
    from skillbridge.platform.services.people import employees

    n = world.n()
    row = [
        f"导入职工{n}",
        valid_national_id(n, date(1990, 1, 1) + timedelta(days=n // 1000)),
        "焊工",
    ]
    row += ["2024-03-01", "", "", "", "是", "是", ""]
    return {"file": (io.BytesIO(_csv([list(employees.COLUMNS), row])), "staff.csv")}


def _appraisal_list(world: World, tenant: Tenant) -> dict:
    """A one-row list naming a person on the platform by national ID."""
    from skillbridge.platform.services.people import appraisal_list

    n = world.n()
    national_id = valid_national_id(n, date(1990, 1, 1) + timedelta(days=n // 1000))
    with world.sessions() as session:
        person = Person(
            name=f"持证人{n}",
            birth_date=date(1990, 1, 1),
            national_id_masked=mask_national_id(national_id),
            national_id_hash=id_keys(world.app).hash(national_id),
        )
        session.add(person)
        session.commit()
    row = [f"持证人{n}", national_id, tenant.specialty.occupations[0].code, "3"]
    row += [f"IMP-{n}", "2026-01-10", "鉴定中心"]
    data = _csv([list(appraisal_list.COLUMNS), row])
    return {"file": (io.BytesIO(data), "list.csv")}


def _assignment(world: World, tenant: Tenant, cell: Cell) -> dict:
    """An accepted placement of the tenant and the colleague the actor's side assigns."""
    with world.sessions() as session:
        placement_id = world.placement(session, tenant, "accepted")["placement_id"]
        session.commit()
    assignee = "mentor" if base_role(cell.role) == "enterprise" else "teacher"
    return {"placement_ids": [str(placement_id)], "user_id": str(tenant.users[assignee].id)}


def _occupation_form(world: World) -> dict:
    n = world.n()
    code = f"7-{n // 10000 % 100:02d}-{n // 100 % 100:02d}-{n % 100:02d}"
    return {"code": code, "name": f"矩阵职业{n}", "name_en": f"Matrix occupation {n}"}


def _shortage_file(tenant: Tenant) -> dict:
    from skillbridge.platform.services.reference_data import shortage_lists

    code = tenant.specialty.occupations[0].code
    rows = [[shortage_lists.CODE, shortage_lists.GRADE], [code, "比较紧缺"]]
    return {"year": str(date.today().year + 1), "file": (io.BytesIO(_csv(rows)), "shortage.csv")}


def _shortage_confirmation(world: World, tenant: Tenant) -> dict:
    """Next year's list of the tenant's region, as a preview would have shown it."""
    from skillbridge.platform.services.reference_data import shortage_lists

    year = date.today().year + 1
    code = tenant.specialty.occupations[0].code
    with world.sessions() as session:
        fingerprint = shortage_lists.diff(session, tenant.region.id, year, ()).fingerprint
    return {"year": str(year), "rows": f"{code}\t非常紧缺", "fingerprint": fingerprint}


def _filed_agreements(world: World, tenant: Tenant, cell: Cell) -> dict:
    """A filed agreement of the tenant, ticked for approval."""
    with world.sessions() as session:
        agreement_id = world.agreement(session, tenant, "filed", cell.role)
        session.commit()
    return {"agreement_ids": [str(agreement_id)], "approve": "1"}


# The staff role each kind of organisation's forms offer (one other than the admin's).
OTHER_STAFF_ROLE = {"school": "placement_officer", "enterprise": "hr", "bureau": "finance"}


def _new_specialty(world: World) -> dict:
    n = world.n()
    with world.sessions() as session:
        occupation = Occupation(code=f"6-78-{n:04d}", name=f"新工种{n}")
        specialty = Specialty(code=f"4788{n:04d}", name=f"新专业{n}", occupations=[occupation])
        session.add(specialty)
        session.commit()
        return {"code": specialty.code}


def _transfer_slot(world: World, tenant: Tenant) -> int:
    """A fresh open slot at another tenant's enterprise, for a transfer to take its seat."""
    other = world.tenants["own" if tenant is world.tenants["other_region"] else "other_region"]
    with world.sessions() as session:
        slot_id = world.slot(session, other, SlotStatus.OPEN).id
        session.commit()
        return slot_id


def _slot_form(tenant: Tenant) -> dict:
    return {
        "kind": "post_internship",
        "title": "矩阵新岗位",
        "occupation_id": tenant.specialty.occupations[0].id,
        "specialty_ids": [tenant.specialty.id],
        "min_level": "0",
        "start_date": SLOT_START.isoformat(),
        "duration_months": "6",
        "seats": "1",
        "stipend_yuan": "3000",
        "post_wage_yuan": "3500",
        "post_headcount": "100",
        "location": "苏州市吴江区",
    }


def _subject_student(world: World, tenant: Tenant) -> int:
    with world.sessions() as session:
        student = world.student(session, tenant)
        session.commit()
        return student.id


def _declarable_policy(world: World, user: User) -> int:
    """A pack policy the actor may declare (the form offers only those)."""
    with world.sessions() as session:
        return subsidy_claims.claim_options(session, user).policies[0].id


def _agreement_hash(world: World, cell: Cell) -> str:
    """The hash of the agreement version of the cell's placement, as its page shows it."""
    placement_id = int(cell.url.split("/")[2])
    with world.sessions() as session:
        agreement = session.scalars(
            select(PlacementAgreement).where(PlacementAgreement.placement_id == placement_id)
        ).one()
        version = current_version(
            session, DocumentKind.PLACEMENT_AGREEMENT, "placement_agreement", agreement.id
        )
        assert version is not None  # issued when the offer was accepted
        return version.content_sha256


def _competition_body(tenant: Tenant) -> dict:
    return {
        "title": "矩阵竞赛",
        "occupation_id": tenant.specialty.occupations[0].id,
        "level": "enterprise",
        "starts_on": (TODAY - timedelta(days=3)).isoformat(),
        "ends_on": (TODAY - timedelta(days=1)).isoformat(),
        "venue": "",
    }


def _base_body(world: World) -> dict:
    """A skill master studio led by a fresh person the platform knows."""
    leader = _participant_body(world)
    return {
        "kind": "skill_master_studio",
        "name": "矩阵工作室",
        "leader_name": leader["name"],
        "leader_national_id": leader["national_id"],
        "occupation_count": "2",
        "site_m2": "100",
        "capacity": "20",
        "yearly_intake": "200",
    }


def _course_body(tenant: Tenant) -> dict:
    return {
        "title": "矩阵技师班",
        "kind": "technician_class",
        "occupation_id": tenant.specialty.occupations[0].id,
        "level": "technician",
        "starts_on": (TODAY - timedelta(days=3)).isoformat(),
        "ends_on": (TODAY - timedelta(days=1)).isoformat(),
        "planned_places": "10",
    }


def _trainee_marks(world: World, cell: Cell, prefix: str) -> dict:
    """The cell's course's one trainee, ticked."""
    course_id = int(cell.url.split("/")[2])
    with world.sessions() as session:
        trainee = session.scalars(
            select(CourseTrainee.id).where(CourseTrainee.course_id == course_id)
        ).first()
    return {"trainee": str(trainee), f"{prefix}{trainee}": "y"}


def _participant_body(world: World) -> dict:
    """A fresh person the platform knows, named as registered."""
    with world.sessions() as session:
        person, national_id = world.known_person(session)
        session.commit()
        return {"name": person.name, "national_id": national_id}


def _participant_csv(world: World) -> bytes:
    body = _participant_body(world)
    return f"姓名,身份证号\n{body['name']},{body['national_id']}\n".encode()


def _results_body(world: World, cell: Cell) -> dict:
    """The cell's competition's one participant, placed first with the first prize."""
    competition_id = int(cell.url.split("/")[2])
    with world.sessions() as session:
        entry = session.scalars(
            select(CompetitionParticipant.id).where(
                CompetitionParticipant.competition_id == competition_id
            )
        ).first()
    return {f"rank-{entry}": "1", f"prize-{entry}": "first"}


def _enrolment_body(world: World, tenant: Tenant) -> dict:
    """A fresh employee of the own enterprise with a mentor and a teacher of its own."""
    with world.sessions() as session:
        employment_id = world.employee(session, tenant)
        mentor, teacher = world.apprentice_staff(session, tenant)
        session.commit()
        return {
            "employment_id": employment_id,
            "student_id": "0",
            "labour_contract_ref": "HT-M",
            "mentor_user_id": mentor.id,
            "teacher_user_id": teacher.id,
        }


def _progress_body(world: World, cell: Cell) -> dict:
    """One hour of the first module of the cell's enrolment's programme."""
    enrolment_id = int(cell.url.split("/")[3])
    with world.sessions() as session:
        enrolment = session.get_one(ApprenticeEnrolment, enrolment_id)
        module_id = session.scalars(
            select(ProgrammeModule.id).where(ProgrammeModule.programme_id == enrolment.programme_id)
        ).first()
    return {"module_id": module_id, "hours": "1", "recorded_on": "2026-10-01"}


def _mentorship_form(world: World, tenant: Tenant) -> dict:
    """Two fresh confirmed employees of the tenant's enterprise as mentor and apprentice."""
    with world.sessions() as session:
        mentor, apprentice = world.employee(session, tenant), world.employee(session, tenant)
        session.commit()
    return {
        "mentor": str(mentor),
        "apprentice": str(apprentice),
        "mentor_level": "senior",
        "start_month": "2025-07",
        "end_month": "2026-06",
        "monthly_allowance_yuan": "600",
        "agreement_ref": f"MF-{world.n()}",
    }


def _fund_return_form(world: World, tenant: Tenant) -> dict:
    """A consistent return for a year the tenant's enterprise has not filed yet."""
    with world.sessions() as session:
        filed = set(
            session.scalars(
                select(EducationFundReturn.year).where(
                    EducationFundReturn.enterprise_id == tenant.enterprise.id
                )
            )
        )
    # Before the allowances other cells record (from 2025-07), so the return covers the ledger.
    year = max(set(range(2000, 2025)) - filed)
    return {
        "year": str(year),
        "payroll_yuan": "1000000",
        "extracted_yuan": "15000",
        "spent_yuan": "12000",
        "front_line_yuan": "8000",
        "mentoring_yuan": "0",
        "school_enterprise_yuan": "0",
    }


# ── evaluations ── the placement state each evaluation state starts from, and what it adds.
EVALUATION_STATES = {
    "reported": ("active",),  # the student handed in its report
    "hired": ("ended",),  # the school recorded a hire by the host
    "certifiable": ("ended",),  # both final evaluations and the teacher's grade
}
MATRIX_REPORT = "岗位实习期间，我在数控车间跟随师傅学习车床操作、量具使用和6S现场管理，" * 2


def evaluation_state(session: Session, tenant: Tenant, ids: dict[str, int], state: str) -> None:
    """Bring a placement's evaluations to `state`, by the services."""
    pid, student_user = ids["placement_id"], session.get_one(User, ids["student_user"])
    users = tenant.users
    if state in ("reported", "certifiable"):
        evaluation_reports.submit_report(session, student_user, pid, MATRIX_REPORT)
    if state == "hired":
        hire = evaluation_outcomes.OutcomeInput(
            OutcomeKind.HIRED_BY_HOST,
            started_on=END,
            contract_type=ContractType.OPEN_ENDED,
            social_insurance=True,
        )
        evaluation_outcomes.record_outcome(session, users["school"], pid, hire)
    if state == "certifiable":
        scores = {c.code: 4 for c in rubric_for_school(tenant.school.code).criteria}
        for writer in (users["mentor"], users["teacher"]):
            entry = evaluation_scores.EvaluationInput(EvaluationStage.FINAL, scores, "")
            evaluation_scores.submit_evaluation(session, writer, pid, entry, END)
        evaluation_reports.grade_report(session, users["teacher"], pid, 88)


def _round_in(cell: Cell) -> int:
    return int(cell.url.split("/")[2])


def _nomination_body(world: World, tenant: Tenant, cell: Cell) -> dict:
    """The actor's own fresh employee, nominated with one evidence file."""
    with world.sessions() as session:
        person = world.nominee(session, tenant)
        session.commit()
        person_id = person.id
    return {
        "person_id": person_id,
        "statement": "矩阵推荐理由",
        "evidence": (io.BytesIO(sample_pdf(f"矩阵材料{world.n()}")), "材料.pdf"),
    }


def _sheet_body(world: World, tenant: Tenant, cell: Cell) -> dict:
    expert_id, candidates = world.sheets[_round_in(cell)]
    body: dict = {"expert_id": expert_id}
    for nomination_id in candidates:
        body[f"score-{nomination_id}"] = 90
        body[f"vote-{nomination_id}"] = "yes"
    return body


BODIES: dict[str, Callable[[World, Tenant, Cell], dict]] = {
    "api_clients.create": lambda w, t, c: {"name": "教务系统", "scopes": ["placements:read"]},
    "reference_data.new_occupation": lambda w, t, c: _occupation_form(w),
    "reference_data.edit_occupation": lambda w, t, c: _occupation_form(w),
    "reference_data.preview_shortage": lambda w, t, c: _shortage_file(t),
    "reference_data.apply_shortage": lambda w, t, c: _shortage_confirmation(w, t),
    "reference_data.designate_school": lambda w, t, c: {"designated": "y"},
    # The flag the enterprise registered with: the record changes nothing other cells read.
    "reference_data.designate_enterprise": lambda w, t, c: (
        {"key_industry": "y"} if t.enterprise.is_key_industry else {}
    ),
    "regions.create": lambda w, t, c: {
        "code": f"matrix-new-{w.n()}",
        "name": "矩阵新区",
        "level": "district",
        "pack": "wujiang",
    },
    "regions.invite_officer": lambda w, t, c: {
        "email": f"first-officer-{w.n()}@matrix.example.cn",
        "display_name": "首位经办人",
    },
    "selections.new_round": lambda w, t, c: {
        "policy_id": _award_policy(w, t),
        "year": 2100 - w.n() % 90,
        "nominations_close_on": (TODAY + timedelta(days=30)).isoformat(),
        "panel_size": 3,
        "publicity_working_days": 5,
    },
    "selections.nominate": _nomination_body,
    "selections.ballot": _sheet_body,
    "selections.raise_objection": lambda w, t, c: {"reason": "矩阵异议"},
    "selections.handle_objection": lambda w, t, c: {"outcome": "dismissed", "note": "经核实"},
    "selections.experts": lambda w, t, c: {
        "name": f"矩阵专家{w.n()}",
        "field": "机械",
        "enterprise_id": 0,
    },
    "selections.draw_panel": lambda w, t, c: {"seed": 7},
    "competitions.new": lambda w, t, c: _competition_body(t),
    "competitions.edit": lambda w, t, c: _competition_body(t),
    "competitions.add_participant": lambda w, t, c: _participant_body(w),
    "competitions.import_participants": lambda w, t, c: {
        "file": (io.BytesIO(_participant_csv(w)), "participants.csv")
    },
    "competitions.results_form": lambda w, t, c: _results_body(w, c),
    "courses.new": lambda w, t, c: _course_body(t),
    "courses.edit": lambda w, t, c: _course_body(t),
    "courses.add_trainee": lambda w, t, c: _participant_body(w),
    "courses.add_session": lambda w, t, c: {"held_on": (TODAY - timedelta(days=2)).isoformat()},
    "courses.attendance": lambda w, t, c: _trainee_marks(w, c, "attended-"),
    "courses.completion": lambda w, t, c: _trainee_marks(w, c, "completed-"),
    "bases.new": lambda w, t, c: _base_body(w),
    "bases.edit": lambda w, t, c: _base_body(w),
    "bases.review": lambda w, t, c: {"finding-activity": "y", "note": "矩阵评审"},
    "programmes.new": lambda w, t, c: {
        "kind": "employee",
        "title": "矩阵学徒项目",
        "school_id": t.school.id,
        "occupation_id": t.specialty.occupations[0].id,
        "target_level": "3",
        "start_date": "2026-09-01",
        "end_date": "2027-08-31",
        "total_hours": "100",
        "modules": "模块,100",
        "assessment_body": "矩阵评价机构",
    },
    "programmes.decide": lambda w, t, c: {"approve": "通过", "reason": "准予备案"},
    "programmes.enrol": lambda w, t, c: _enrolment_body(w, t),
    "programmes.progress": lambda w, t, c: _progress_body(w, c),
    "programmes.assess": lambda w, t, c: {
        "result": "passed",
        "assessed_on": "2027-08-20",
        "assessor": "考评员",
        "level_reached": "3",
        "certificate_number": f"MX-{w.n()}",
    },
    "programmes.sign": lambda w, t, c: {"guardian_name": ""},
    "documents.upload": lambda w, t, c: {
        "kind": DOCUMENT_KINDS[c.state],
        "file": (io.BytesIO(sample_pdf("upload")), "材料.pdf"),
        "next": "/",
    },
    "documents.request_correction": lambda w, t, c: {
        "kind": DOCUMENT_KINDS[c.state],
        "reason": "请补正",
        "next": "/",
    },
    "mentoring.new_agreement": lambda w, t, c: _mentorship_form(w, t),
    "mentoring.record_allowance": lambda w, t, c: {
        "month": "2025-07",
        "amount_yuan": "800",
        "paid_on": "2025-07-31",
    },
    "mentoring.fund_return_list": lambda w, t, c: _fund_return_form(w, t),
    # ── incidents ──
    "incidents.report": lambda w, t, c: {
        "kind": "injury",
        "severity": "minor",
        "occurred_at": "2026-07-02T10:00",
        "location": "矩阵车间",
        "description": "手指划伤",
        "immediate_measures": "包扎",
    },
    "incidents.guardian": lambda w, t, c: {
        "informed_at": "2026-07-02T11:00",
        "informed_by": "班主任",
    },
    "incidents.file_claim": lambda w, t, c: {
        "claim_number": f"BA-{w.n()}",
        "filed_on": INCIDENT_DAY.isoformat(),
    },
    "incidents.pay_claim": lambda w, t, c: {"amount_yuan": "800"},
    "incidents.reject_claim": lambda w, t, c: {"reason": "不属于保险责任"},
    "incidents.close": lambda w, t, c: {"resolution": "已处理"},
    # ── evaluations ──
    "evaluations.evaluate": lambda w, t, c: (
        {f"score_{criterion.code}": "4" for criterion in rubric_for_school(t.school.code).criteria}
        | {"comment": "表现良好"}
    ),
    "evaluations.rate": lambda w, t, c: {
        "safety": "5",
        "learning": "4",
        "pay_on_time": "5",
        "treatment": "4",
        "comment": "",
    },
    "evaluations.report": lambda w, t, c: {"body": MATRIX_REPORT},
    "evaluations.grade": lambda w, t, c: {"score": "85"},
    "evaluations.record_outcome": lambda w, t, c: {
        "kind": "not_yet",
        "employer_name": "",
        "started_on": "",
        "contract_type": "",
        "contract_months": "",
        "social_insurance": "0",
    },
    "journals.edit": lambda w, t, c: {
        "work_done": "矩阵本周工作",
        "learned": "矩阵本周收获",
        "problems": "无",
        "submit": "提交给导师",
    },
    "journals.return_": lambda w, t, c: {"comment": "请补充细节"},
    "attendance.check_in": lambda w, t, c: {
        "consent": "y",
        "latitude": "31.2",
        "longitude": "120.6",
    },
    "attendance.correct": lambda w, t, c: {
        "check_in": "08:00",
        "check_out": "17:00",
        "reason": "漏签",
    },
    "attendance.request_leave": lambda w, t, c: {
        "start_day": TODAY.isoformat(),
        "end_day": TODAY.isoformat(),
        "kind": "personal",
        "reason": "事假",
    },
    "attendance.decide_leave": lambda w, t, c: {"approve": "通过", "reason": ""},
    "attendance.file_exception": lambda w, t, c: {
        "start_day": TODAY.isoformat(),
        "end_day": TODAY.isoformat(),
        "reason": "设备调试",
        "reference_no": f"备-{w.n()}",
    },
    "auth.change_password": lambda w, t, c: {
        "current": PASSWORD,
        "new": STRONG_PASSWORD,
        "confirm": STRONG_PASSWORD,
    },
    "orgs.record_certificate": lambda w, t, c: {
        "occupation_id": t.specialty.occupations[0].id,
        "level": "3",
        "issued_on": "2026-01-10",
        "number": f"CERT-{w.n()}",
        "route": "social_appraisal",
    },
    "bureau.decide": lambda w, t, c: {"approve": "通过", "reason": ""},
    "staff.invite": lambda w, t, c: {
        "email": f"invitee{w.n()}@example.cn",
        "display_name": "新同事",
        "staff_role": OTHER_STAFF_ROLE.get(base_role(c.role), "placement_officer"),
    },
    "webhooks.create": lambda w, t, c: {
        "url": MATRIX_WEBHOOK_URL,
        "event_types": MATRIX_WEBHOOK_EVENT,
    },
    "webhooks.set_active": lambda w, t, c: {"active": "0"},
    "staff.change_role": lambda w, t, c: {
        "staff_role": OTHER_STAFF_ROLE.get(base_role(c.role), "placement_officer")
    },
    "assignments.assign": lambda w, t, c: _assignment(w, t, c),
    "certificates.reject": lambda w, t, c: {"reason": "编号与鉴定机构记录不符"},
    "certificates.import_list": lambda w, t, c: _appraisal_list(w, t),
    "schools.cohorts": lambda w, t, c: {
        "specialty_id": t.specialty.id,
        "name": f"新班{w.n()}",
        "intake_year": "2025",
        "graduation_year": "2028",
        "level": "higher",
        "window_start": "2027-07-01",
        "window_end": "2028-06-30",
    },
    "schools.import_roster": lambda w, t, c: _roster(w, t),
    "people.import_employees": lambda w, t, c: _employees(w),
    "people.confirm": lambda w, t, c: {
        "post": "矩阵岗位",
        "hire_date": "2025-01-01",
        "is_front_line": "y",
        "is_primary": "y",
    },
    "people.reject": lambda w, t, c: {"reason": "查无此人"},
    "people.end": lambda w, t, c: {"ended_on": TODAY.isoformat(), "reason": "合同到期"},
    "schools.specialties": lambda w, t, c: _new_specialty(w),
    "slots.create": lambda w, t, c: _slot_form(t),
    "slots.edit": lambda w, t, c: _slot_form(t),
    "cooperation.propose": lambda w, t, c: {
        "counterpart_id": t.enterprise.id if base_role(c.role) == "school" else t.school.id,
        "kind": "directed_training",
        "specialty_ids": [t.specialty.id],
        "valid_from": "2027-01-01",
        "valid_to": "2029-12-31",
    },
    "cooperation.decide": lambda w, t, c: {"approve": "通过", "reason": ""},
    "cooperation.terminate": lambda w, t, c: {"reason": "停产"},
    "cooperation.decline": lambda w, t, c: {"reason": "暂无岗位"},
    "cooperation.decide_many": lambda w, t, c: _filed_agreements(w, t, c),
    "preferences.mine": lambda w, t, c: {f"rank-{w.open_slot_for_ranking}": "1"},
    "placements.insurance": lambda w, t, c: {
        "insurer": COVER.insurer,
        "policy_no": f"P-{w.n()}",
        "start": COVER.start.isoformat(),
        "end": COVER.end.isoformat(),
    },
    "placements.guardian": lambda w, t, c: {"guardian_name": "张父"},
    "placements.file_plan": lambda w, t, c: {"plan": "实习计划"},
    "placements.decide_plan": lambda w, t, c: {"approve": "通过", "reason": ""},
    "placements.end": lambda w, t, c: {"end_date": "2026-09-30"},
    "placements.extend": lambda w, t, c: {"new_end": "2027-01-31"},
    "placements.amend": lambda w, t, c: {"start_date": "2026-08-01", "end_date": "2027-01-31"},
    # ── placement changes ──
    "placements.pause": lambda w, t, c: {"on": TODAY.isoformat(), "reason": "停产检修"},
    "placements.resume": lambda w, t, c: {"on": TODAY.isoformat()},
    "placements.terminate": lambda w, t, c: {"on": TODAY.isoformat(), "reason": "health"},
    "placements.transfer": lambda w, t, c: {
        "slot_id": _transfer_slot(w, t),
        "last_day": (TODAY - timedelta(days=1)).isoformat(),
        "note": "矩阵转岗",
    },
    # ── placement amendments ──
    "placements.propose_amendment": lambda w, t, c: {"end_date": "2027-01-31", "reason": "延长"},
    "placements.reauthenticate": lambda w, t, c: {
        "sha256": _agreement_hash(w, c),
        "password": PASSWORD,
    },
    "placements.sign": lambda w, t, c: {"sha256": _agreement_hash(w, c)},
    "signatures.verify_upload": lambda w, t, c: {"sha256": "0" * 64},
    "subsidies.new_claim": lambda w, t, c: {
        # A school or a bureau gets the student's choice: valid, so its refusal is the role check.
        "policy_id": _declarable_policy(
            w,
            c.actor if base_role(c.role) in ("student", "enterprise") else t.users["student"],
        ),
        "certificate_id": "0",
        "preview": "1",
    },
    "subsidies.reject": lambda w, t, c: {"reason": "材料不全"},
    "subsidies.allocate": lambda w, t, c: {"allocated_yuan": "2000000"},
    "subsidies.update_policy": lambda w, t, c: {"amount_yuan": "120", "designated": ""},
    "subsidies.credit_records": lambda w, t, c: {
        "subject_kind": "student",
        "subject_id": str(_subject_student(w, t)),
        "rule": "R6",
        "reason": "测试",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    },
    "subsidies.revoke_credit": lambda w, t, c: {"reason": "撤销"},
    "inspections.draw": lambda w, t, c: {"size": "1", "as_of": TODAY.isoformat()},
    "inspections.record": lambda w, t, c: {
        "outcome": "compliant",
        "inspector_name": "检查员",
        "inspected_on": TODAY.isoformat(),
        "notes": "",
    },
    "matching.start": lambda w, t, c: (
        {"method": "auto", "offer_days": "7"}
        | ({"cohort_ids": [t.cohort.id]} if base_role(c.role) == "school" else {})
    ),
}


# --- running cells -----------------------------------------------------------------------------


def _routes(app: Flask) -> list[tuple[Rule, str]]:
    pairs = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint in API_BY_KEY:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            pairs.append((rule, method))
    return sorted(pairs, key=lambda p: (p[0].rule, p[1]))


def _object_arguments(rule: Rule) -> set[str]:
    return set(rule.arguments) - {"fmt", "code", "kind", "name"}


def cells_of(app: Flask, endpoints: set[str] | None = None) -> Iterator[Cell]:
    for rule, method in _routes(app):
        if endpoints is not None and rule.endpoint not in endpoints:
            continue
        tenants = TENANTS if _object_arguments(rule) else ("own",)
        for state in STATES.get(rule.endpoint, ("-",)):
            for role, tenant in itertools.product(ROLES, tenants):
                yield Cell(rule, method, role, tenant, state)


def expected(cell: Cell) -> bool:
    """Whether the table allows the cell."""
    if cell.role in STATE_RULES.get((cell.rule.endpoint, cell.state), frozenset()):
        return True
    if cell.role not in ALLOWED.get(cell.rule.endpoint, frozenset()):
        return False
    if cell.role not in DOCUMENT_ALLOWED.get((cell.rule.endpoint, cell.state), ALL):
        return False
    if cell.rule.endpoint == "slots.detail" and cell.state == "draft":
        return cell.role in ENTERPRISE | HR | BUREAU and _owns(cell)
    if cell.rule.endpoint in REGION_PUBLIC and cell.tenant == "same_region":
        return True
    if cell.rule.endpoint in NATIONAL:
        return True
    return _owns(cell)


def _owns(cell: Cell) -> bool:
    """The actor's own object; a bureau's region holds the same-region tenant's too, except for
    a notification, which is its recipient's alone."""
    if cell.tenant == "own":
        return True
    region_wide = cell.rule.endpoint != "notifications.read"
    return base_role(cell.role) == "bureau" and cell.tenant == "same_region" and region_wide


def _url(rule: Rule, ids: dict[str, int], state: str) -> str:
    values: dict[str, object] = {}
    for argument in rule.arguments:
        if argument == "kind":
            values[argument] = state if rule.endpoint.startswith("drilldown") else "school"
        elif argument == "fmt":
            values[argument] = "csv"
        elif argument == "name":
            values[argument] = "students"  # a list of the actor's own region, not an object
        elif argument == "stage":
            values[argument] = "midterm"  # open half-way through the matrix's placements
        else:
            values[argument] = ids[argument]
    return rule.build(values, append_unknown=False)[1]


def prepare(world: World, cell: Cell) -> Cell:
    """The cell's object, URL, body and actor."""
    fresh = cell.method == "POST"
    ids = world.objects(cell, fresh) if _object_arguments(cell.rule) else {}
    cell.url = _url(cell.rule, ids, cell.state)
    own = world.tenants["own"]
    if cell.rule.endpoint in SESSION_ENDING and cell.method == "POST":
        cell.actor = world.fresh_user(cell.role)
    elif cell.role == "student" and cell.tenant == "own" and "student_user" in ids:
        cell.actor = world.user_by_id(ids["student_user"])
    else:
        cell.actor = own.users[cell.role]
    if cell.method == "POST":
        body = BODIES.get(cell.rule.endpoint)
        cell.data = body(world, own, cell) if body else {}
        if cell.rule.endpoint in UPLOADS:
            cell.content_type = "multipart/form-data"
    return cell


def _danger_flashes(client: FlaskClient) -> list[str]:
    with client.session_transaction() as flask_session:
        return [m for category, m in flask_session.get("_flashes", []) if category == "danger"]


@dataclass
class Outcome:
    cell: Cell
    status: int
    location: str
    problems: list[str]

    def succeeded(self) -> bool:
        if self.cell.method == "GET":
            return 200 <= self.status < 300
        if self.cell.rule.endpoint == "auth.logout":  # its success is the way to the login page
            return self.status == 302 and self.location.endswith("/login")
        redirected = 300 <= self.status < 400 and "/login" not in self.location
        return (200 <= self.status < 300 or redirected) and not self.problems


def run_cell(world: World, cell: Cell) -> Outcome:
    prepare(world, cell)
    client, token = world.client(cell.actor)
    if cell.method == "GET":
        response = client.get(cell.url)
    elif cell.rule.endpoint == "placements.sign":
        # Signing follows the password re-entry for the same hash, as on the agreement page.
        reauth = {"sha256": cell.data["sha256"], "password": PASSWORD, "csrf_token": token}
        client.post(cell.url.replace("/sign", "/reauth"), data=reauth).close()
        response = client.post(cell.url, data=cell.data | {"csrf_token": token})
    else:
        response = client.post(
            cell.url, data=cell.data | {"csrf_token": token}, content_type=cell.content_type
        )
    response.close()  # a streamed body left open would keep its request alive
    problems = _danger_flashes(client) if cell.method == "POST" else []
    if cell.rule.endpoint == "matching.start":
        world.wait_for_runs()  # a region runs one match at a time
    if response.status_code in (400, 409):
        problems += DETAIL.findall(response.get_data(as_text=True))[:3]
    return Outcome(cell, response.status_code, response.headers.get("Location", ""), problems)


@dataclass
class Report:
    cells: int = 0
    unauthorised: list[tuple] = field(default_factory=list)
    allowed_failing: list[tuple] = field(default_factory=list)
    refused_wrongly: list[tuple] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        cell = outcome.cell
        name = (cell.method, cell.rule.rule, cell.role, cell.tenant, cell.state, outcome.status)
        self.cells += 1
        self.statuses[outcome.status] += 1
        if expected(cell):
            if not outcome.succeeded():
                self.allowed_failing.append((*name, outcome.location, *outcome.problems[:1]))
        elif outcome.succeeded():
            self.unauthorised.append(name)
        elif outcome.status not in (403, 404):
            # A refusal must be the authorisation check, not a login page, a validation error
            # before the check, or a server error.
            self.refused_wrongly.append((*name, outcome.location, *outcome.problems[:1]))


def run_matrix(world: World, endpoints: set[str] | None = None) -> Report:
    report = Report()
    # Refusals first in each route: the allowed cells may use up shared state (a budget's
    # headroom, a run queue) that the refusals should see intact.
    cells = sorted(
        cells_of(world.app, endpoints), key=lambda c: (c.rule.rule, c.method, expected(c))
    )
    for cell in cells:
        outcome = run_cell(world, cell)
        report.add(outcome)
        if cell.method == "POST" and not expected(cell) and outcome.succeeded():
            world.forget(cell)
    return report


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """One app (CSRF on) and one database for the whole module, emptied first."""
    app = create_app(
        make_test_config(
            database_url,
            tmp_path_factory.mktemp("matrix"),
            WTF_CSRF_ENABLED=True,
            WEBHOOKS_MAX_ATTEMPTS=1,  # a test event's one attempt, refused, and no retry thread
        )
    )
    engine = get_database(app).engine
    empty_all_tables(engine)
    built = World(app)
    with built.sessions() as session:
        install_region_policies(session, built.tenants["own"].region)
        built.open_slot_for_ranking = built.slot(session, built.tenants["own"], SlotStatus.OPEN).id
        session.commit()
    yield built
    engine.dispose()


# --- the tests ---------------------------------------------------------------------------------


def test_every_route_has_a_written_expectation(world):  # type: ignore[no-untyped-def]
    api_routes = {
        r.endpoint for r in world.app.url_map.iter_rules() if r.endpoint.startswith("api.")
    }
    assert sorted(api_routes - set(ALLOWED) - API_BY_KEY) == [], "the API's keyed operations"
    endpoints = {r.endpoint for r, _m in _routes(world.app)}
    assert sorted(endpoints - set(ALLOWED)) == [], "add them to ALLOWED with the roles allowed"
    assert sorted(({e for e, _s in STATE_RULES} | set(STATES)) - endpoints) == []
    posts = {r.endpoint for r, m in _routes(world.app) if m == "POST"}
    objectless = {r.endpoint for r, m in _routes(world.app) if m == "POST" and not r.arguments}
    # Every POST without an object in its URL needs a body to get past validation (logout and
    # the read-all button carry only the CSRF token).
    assert (
        sorted(
            objectless - set(BODIES) - {"auth.logout", "notifications.read_all", "compliance.run"}
        )
        == []
    )
    assert set(BODIES) <= posts


#: The matrix runs in parts of about equal size, so parallel test processes share it out.
MATRIX_PARTS = 6


def matrix_part(app: Flask, part: int) -> set[str]:
    """The endpoints of one part: the endpoints with the most cells first, each into the part
    with the fewest cells so far, so that the parts take about as long as each other."""
    cells = Counter(cell.rule.endpoint for cell in cells_of(app))
    parts: list[set[str]] = [set() for _ in range(MATRIX_PARTS)]
    sizes = [0] * MATRIX_PARTS
    for endpoint, count in sorted(cells.items(), key=lambda item: (-item[1], item[0])):
        smallest = sizes.index(min(sizes))
        parts[smallest].add(endpoint)
        sizes[smallest] += count
    return parts[part]


@pytest.mark.parametrize("part", range(MATRIX_PARTS))
def test_route_role_tenant_state_matrix(world, capsys, part):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    endpoints = matrix_part(world.app, part)
    report = run_matrix(world, endpoints)
    seconds = time.perf_counter() - started
    route_methods = len([r for r, _m in _routes(world.app) if r.endpoint in endpoints])
    with capsys.disabled():
        print(
            f"\nauthorization matrix, part {part + 1} of {MATRIX_PARTS}: "
            f"{route_methods} route-methods, {report.cells} cells "
            f"({len(ROLES)} roles and staff roles × own/same-region/other-region tenant × "
            f"object states), "
            f"{len(report.unauthorised)} unauthorised successes, "
            f"{len(report.allowed_failing)} allowed cells failing, "
            f"{len(report.refused_wrongly)} refusals not 403/404, {seconds:.1f} s; "
            f"statuses {dict(sorted(report.statuses.items()))}"
        )
    assert report.unauthorised == [], "\n".join(map(str, report.unauthorised))
    assert report.allowed_failing == [], "\n".join(map(str, report.allowed_failing))
    assert report.refused_wrongly == [], "\n".join(map(str, report.refused_wrongly))


MUTATIONS = {
    # A teacher sees the placements assigned to it: without the assignment check, every one.
    "is_assigned_teacher": (
        policies,
        "is_assigned_teacher",
        lambda actor, _placement: actor.staff_role == StaffRole.TEACHER,
        {"placements.detail", "placements.agreement"},
        {
            ("GET", "/placements/<int:placement_id>"),
            ("GET", "/placements/<int:placement_id>/agreement"),
        },
    ),
    # A notification is its recipient's alone: without the check, anyone's is readable.
    "can_read_notification": (
        notifications_service,
        "can_read_notification",
        lambda *_args: True,
        {"notifications.read"},
        {("POST", "/notifications/<int:notification_id>/read")},
    ),
    # A bureau acts in its own region: without the region check, in every region. Every
    # object-level predicate that admits a bureau goes through this one.
    "is_bureau_of": (
        policies,
        "is_bureau_of",
        lambda actor, _region_id: actor.role == Role.BUREAU,
        {"orgs.school", "subsidies.approve", "placements.decide_plan"},
        {
            ("GET", "/schools/<int:school_id>"),
            ("POST", "/subsidies/claims/<int:claim_id>/approve"),
            ("POST", "/placements/<int:placement_id>/plan/decision"),
        },
    ),
    # ── incidents ── the school closes a case: without the check, any party that sees it.
    "can_close_incident": (
        incident_steps,
        "can_close_incident",
        lambda *_args: True,
        {"incidents.close"},
        {("POST", "/incidents/<int:incident_id>/close")},
    ),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_the_matrix_names_the_routes_whose_predicate_is_removed(world, monkeypatch, mutation):  # type: ignore[no-untyped-def]
    module, name, replacement, endpoints, routes = MUTATIONS[mutation]
    assert run_matrix(world, endpoints).unauthorised == []  # unpatched, the same cells hold
    monkeypatch.setattr(module, name, replacement)  # test-only: the predicate is gone
    report = run_matrix(world, endpoints)
    assert {(method, rule) for method, rule, *_rest in report.unauthorised} == routes


def test_a_logged_out_client_fails_the_positive_control(world):  # type: ignore[no-untyped-def]
    # What the old matrix counted as a refusal (302 to /login) is a failing allowed cell here.
    cell = prepare(world, Cell(_rule(world.app, "placements.index"), "GET", "school", "own", "-"))
    response = world.app.test_client().get(cell.url)
    outcome = Outcome(cell, response.status_code, response.headers.get("Location", ""), [])
    report = Report()
    report.add(outcome)
    assert response.status_code == 302 and report.allowed_failing


def _rule(app: Flask, endpoint: str) -> Rule:
    return next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)


def test_every_route_is_public_or_refuses_anonymous_requests(world):  # type: ignore[no-untyped-def]
    # With a valid CSRF token of its own anonymous session, so that the refusal seen is the login
    # requirement and not the CSRF check.
    client = world.app.test_client()
    token = CSRF_INPUT.search(client.get("/login").get_data(as_text=True)).group(1)
    leaks = []
    for rule, method in _routes(world.app):
        state = STATES.get(rule.endpoint, ("-",))[0]
        cell = prepare(world, Cell(rule, "GET", "student", "own", state))
        response = client.open(cell.url, method=method, data={"csrf_token": token})
        response.close()
        refused = response.status_code == 401 or (
            response.status_code == 302 and "/login" in response.headers["Location"]
        )
        if not refused:
            leaks.append((method, rule.rule, response.status_code))
    assert leaks == []


def test_ids_past_what_a_row_can_hold_are_404_on_every_route(world):  # type: ignore[no-untyped-def]
    # /schools/99999999999999999999 once reached the database: "integer out of range" (a 500).
    client, token = world.client(world.tenants["own"].users["bureau"])
    answers = Counter()
    for rule, method in _routes(world.app):
        ids = re.findall(r"<int:\w+>", rule.rule)
        if not ids or len(ids) != len(rule.arguments):
            continue
        for number in (2**31, 10**20):
            url = re.sub(r"<int:\w+>", str(number), rule.rule)
            response = client.open(url, method=method, data={"csrf_token": token})
            response.close()
            answers[response.status_code] += 1
    assert answers[404] > 50 and set(answers) == {404}, answers
