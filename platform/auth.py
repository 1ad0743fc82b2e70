"""Login wiring: the user loader that enforces server-side session tokens, role checks, and the
password re-entry a signature needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, abort, g, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select

from skillbridge.models import Enterprise, Region, Role, School, StaffRole, User
from skillbridge.platform.services.people.workers import worker_is_confirmed
from skillbridge.platform.services.policies import can_manage_staff, is_verified
from skillbridge.platform.services.regions.hierarchy import is_upper_level
from skillbridge.platform.services.signatures.reauth import Reauthentication
from skillbridge.platform.services.signatures.signing import Origin

from .db import get_session
from .extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")


def init_login(app: Flask) -> None:
    """Configure Flask-Login: strong session protection and token-checked ids."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录")
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    app.before_request(refuse_unverified_organisations)
    app.before_request(refuse_outside_staff_role)
    app.jinja_env.globals["may_reach"] = may_reach


# What a school or enterprise can reach before the bureau verifies it: its own pending state
# (dashboard, own profile, notifications) and its account. Open slots, partners, students and
# every action stay closed until then.
PENDING_ENDPOINTS = frozenset(
    {
        "static",
        "bootstrap.static",
        "home.index",
        "home.dashboard",
        "home.healthz",
        "auth.login",
        "auth.logout",
        "auth.change_password",
        "auth.switch_language",
        "orgs.school",
        "orgs.enterprise",
        # The licence the verification needs is uploaded before it; the documents services let
        # an organisation reach only its own records, and an unverified one has no others.
        "documents.record",
        "documents.upload",
        "documents.file",
        "notifications.index",
        "notifications.read",
        "notifications.read_all",
        "api.me",
        "api_docs.spec",
        "api_docs.docs",
        "api_docs.asset",
        "people.me",  # a worker's own page, showing whether its employer has confirmed it
        # The public policy pages: what anyone may read, whatever its account's state or job.
        "policies.index",
        "policies.region",
    }
)


def refuse_unverified_organisations() -> None:
    """403 for a user of a not-yet-verified organisation outside its own pending state.

    A worker is in the same position until an enterprise confirms one of its employments.
    """
    if request.endpoint in PENDING_ENDPOINTS or not current_user.is_authenticated:
        return
    if current_user.role == Role.WORKER:
        if not worker_is_confirmed(get_session(), current_user):
            abort(403, _("企业确认雇佣关系之前，只能查看本人的确认状态"))
        return
    organisation: School | Enterprise | None = None
    if current_user.role == Role.SCHOOL:
        organisation = get_session().get(School, current_user.school_id)
    elif current_user.role == Role.ENTERPRISE:
        organisation = get_session().get(Enterprise, current_user.enterprise_id)
    elif current_user.role == Role.BUREAU and current_user.region_id is not None:
        g.tenant = get_session().get(Region, current_user.region_id)  # the navigation reads it
    if organisation is not None and not is_verified(organisation):
        abort(403, _("机构通过人社局审核之前，只能查看本机构的审核状态"))
    # The session's identity map holds objects weakly: kept for the request, the tenant is not
    # read again by the view's own `get` of it (one statement fewer on every page).
    g.tenant = organisation if organisation is not None else g.get("tenant")


# Staff roles with a narrow job reach their own pages only, beside everyone's account pages; the
# services then check each object (a teacher's or mentor's assigned placement, the four-eyes rule).
# Admins, placement officers, HR and bureau officers reach every page of their organisation.
_ASSIGNED = frozenset(
    {
        "placements.detail",
        "placements.agreement",
        # Apprentices they mentor or teach: the services show only their own enrolments.
        "programmes.index",
        "programmes.detail",
        "programmes.enrolment",
        "programmes.progress",
        # ── incidents ── their assigned placements' safety reports, claims and (teacher) closing
        "incidents.index",
        "incidents.detail",
        "incidents.report",
        "incidents.guardian",
        "incidents.file_claim",
        "incidents.accept_claim",
        "incidents.pay_claim",
        "incidents.reject_claim",
        "incidents.close",
        # ── evaluations ── their placements' evaluations (the services check the assignment).
        "evaluations.index",
        "evaluations.detail",
        "evaluations.evaluate",
        "evaluations.grade",
        "evaluations.certificate_pdf",
        "evaluations.certificate_page",
        # Weekly journals: the mentor reviews, the teacher countersigns (the services check each).
        "journals.queue",
        "journals.placement",
        "journals.detail",
        "journals.confirm",
        "journals.return_",
        "journals.countersign_month",
        # Attendance of their assigned placements: the services check each one.
        "attendance.index",
        "attendance.placement",
        "attendance.day",
        "attendance.confirm",
        "attendance.correct",
        "attendance.decide_leave",
    }
)
# Pages every account has beside its job: the document check (文件核验).
_EVERY_ACCOUNT = frozenset({"signatures.verify", "signatures.verify_upload"})
_CLAIMS_READ = frozenset(
    {"subsidies.review", "subsidies.claim", "subsidies.export_csv", "subsidies.export_xlsx"}
)
# Selections (评选): the whole bureau reads its rounds; the reviewer runs them with the officer.
_SELECTIONS_READ = frozenset({"selections.index", "selections.round_", "selections.nomination"})
_SELECTIONS_RUN = frozenset(
    {
        "selections.new_round",
        "selections.close_nominations",
        "selections.draw_panel",
        "selections.ballot",
        "selections.start_publicity",
        "selections.close_round",
        "selections.raise_objection",
        "selections.handle_objection",
        "selections.decide",
        "selections.experts",
        "selections.expert_active",
    }
)

# The bureau sees every competition and training course of its region, whatever its job.
_COMPETITIONS_READ = frozenset(
    {"competitions.index", "competitions.detail", "courses.index", "courses.detail"}
)

# Reviewers check claims against the reference data: they read it; the officer keeps it.
_REFERENCE_READ = frozenset(
    {
        "reference_data.occupations",
        "reference_data.shortage_list",
        "reference_data.shortage_template",
        "reference_data.school_designations",
        "reference_data.enterprise_designations",
    }
)
# Training bases and studios: the whole bureau reads them; the reviewer reviews and recognises.
_BASES_READ = frozenset({"bases.index", "bases.detail"})
_BASES_REVIEW = frozenset({"bases.review", "bases.recognise"})

STAFF_ENDPOINTS: dict[StaffRole, frozenset[str]] = {
    StaffRole.TEACHER: _ASSIGNED | _EVERY_ACCOUNT,
    StaffRole.MENTOR: _ASSIGNED | _EVERY_ACCOUNT,
    StaffRole.REVIEWER: _CLAIMS_READ
    | _EVERY_ACCOUNT
    | _SELECTIONS_READ
    | _SELECTIONS_RUN
    | _COMPETITIONS_READ
    | _REFERENCE_READ
    | _BASES_READ
    | _BASES_REVIEW
    | {
        "subsidies.approve",
        "subsidies.reject",
        "cooperation.index",
        "cooperation.detail",
        "cooperation.decide",
        "cooperation.decide_many",
        "placements.plans",
        "placements.detail",
        "placements.decide_plan",
        "programmes.index",
        "programmes.detail",
        "programmes.decide",
        "renditions.plan",
        "documents.request_correction",
    },
    StaffRole.FINANCE: _CLAIMS_READ
    | _EVERY_ACCOUNT
    | _SELECTIONS_READ
    | _COMPETITIONS_READ
    | _BASES_READ
    | {"subsidies.pay"},
}


# Pages only the organisation's admin (a bureau: its officer) uses.
ADMIN_ENDPOINTS = frozenset({"staff.index", "api_clients.index"})
# Pages that read the officer's own region's policy pack: an upper-level bureau (a province over
# its cities) has none, so its navigation leaves them out and it reads its cities' figures on
# the regions page (a direct visit says so on a 404 page).
OWN_PACK_ENDPOINTS = frozenset({"compliance.rules", "courses.index"})


def refuse_outside_staff_role() -> None:
    """403 for a teacher, mentor, reviewer or finance user outside the pages of its job."""
    if not current_user.is_authenticated or request.endpoint in PENDING_ENDPOINTS:
        return
    allowed = STAFF_ENDPOINTS.get(current_user.staff_role)
    if allowed is not None and request.endpoint not in allowed:
        abort(403, _("您的岗位角色无权访问该页面"))


def may_reach(user: User, endpoint: str) -> bool:
    """Whether the navigation shows `endpoint` to `user` (the pages check again)."""
    allowed = STAFF_ENDPOINTS.get(user.staff_role)
    if allowed is not None and endpoint not in allowed | PENDING_ENDPOINTS:
        return False
    if endpoint in OWN_PACK_ENDPOINTS and _without_own_pack(user):
        return False
    return endpoint not in ADMIN_ENDPOINTS or can_manage_staff(user)


def _without_own_pack(user: User) -> bool:
    """Whether `user` is an officer of an upper-level region, which has no policy pack (asked
    once per request: the navigation asks for each such page)."""
    if user.role is not Role.BUREAU or user.region_id is None:
        return False
    if "upper_level" not in g:
        g.upper_level = is_upper_level(get_session(), user.region_id)
    return bool(g.upper_level)


# The account with its organisation (school, enterprise, or a bureau's region) in one
# statement, built once: every signed-in request loads both.
_ACCOUNT = (
    select(User, School, Enterprise, Region)
    .outerjoin(School, School.id == User.school_id)
    .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
    .outerjoin(Region, Region.id == User.region_id)
    .where(User.id == bindparam("user_id"))
)


def load_user(user_id: str) -> User | None:
    """Resolve 'id:token'; a token that no longer matches the database means a dead session."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    row = get_session().execute(_ACCOUNT, {"user_id": int(raw_id)}).first()
    if row is None:
        return None
    user, *organisations = row
    if not user.is_active or user.session_token != token:
        return None
    # The organisation checks and the views `get` it from the session's identity map, which
    # holds objects weakly: the request keeps it.
    g.tenant = next((o for o in organisations if o is not None), None)
    return user


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse (403) an authenticated user whose role is not among `roles`."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def actor() -> User:
    """The logged-in user as a model instance (views only call this behind login_required)."""
    return current_user._get_current_object()  # Flask-Login's documented proxy


# The session cookie is signed with the app's key, so a client cannot forge this entry; only
# the re-authentication route writes it, after the password was checked.
_REAUTH_KEY = "reauth"


def remember_reauthentication(proof: Reauthentication) -> None:
    """Keep the proof of the password just re-entered, for the signature that follows."""
    session[_REAUTH_KEY] = {
        "user_id": proof.user_id,
        "sha256": proof.sha256,
        "confirmed_at": proof.confirmed_at.isoformat(),
    }


def recall_reauthentication() -> Reauthentication | None:
    """The proof kept by remember_reauthentication, if any."""
    kept = session.get(_REAUTH_KEY)
    if not isinstance(kept, dict):
        return None
    return Reauthentication(
        user_id=int(kept["user_id"]),
        sha256=str(kept["sha256"]),
        confirmed_at=datetime.fromisoformat(kept["confirmed_at"]),
    )


def forget_reauthentication() -> None:
    """A proof serves one signature."""
    session.pop(_REAUTH_KEY, None)


def request_origin() -> Origin:
    """The address (behind ProxyFix when configured) and the user agent of this request."""
    return Origin(ip_address=request.remote_addr, user_agent=request.headers.get("User-Agent"))
