"""The JSON API under /api/v1: the same services as the pages, answering JSON."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from skillbridge.platform.auth import actor
from skillbridge.platform.db import get_session
from skillbridge.platform.services import directory

from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _authenticated() -> None:
    """The API never redirects to a login page: an anonymous call gets 401 (the spec is public)."""
    if request.endpoint != "api.spec" and not current_user.is_authenticated:
        abort(401)


@bp.get("/openapi.json")
def spec() -> ResponseReturnValue:
    return openapi_document()


@bp.get("/me")
def me() -> ResponseReturnValue:
    user = actor()
    return {
        "id": user.id,
        "email": user.email,
        "phone": user.phone,
        "role": user.role.value,
        "school_id": user.school_id,
        "enterprise_id": user.enterprise_id,
        "student_id": user.student_id,
        "region_id": user.region_id,
        "person_id": user.person_id,
    }


@bp.get("/schools/<int:school_id>")
def school(school_id: int) -> ResponseReturnValue:
    s = directory.get_school(get_session(), actor(), school_id)
    return {
        "id": s.id,
        "name": s.name,
        "code": s.code,
        "type": s.school_type.value,
        "verification_status": s.verification_status.value,
    }


@bp.get("/enterprises/<int:enterprise_id>")
def enterprise(enterprise_id: int) -> ResponseReturnValue:
    e = directory.get_enterprise(get_session(), actor(), enterprise_id)
    return {
        "id": e.id,
        "name": e.name,
        "uscc": e.uscc,
        "industry": e.industry,
        "staff_headcount": e.staff_headcount,
        "verification_status": e.verification_status.value,
    }


@bp.get("/students/<int:student_id>")
def student(student_id: int) -> ResponseReturnValue:
    s = directory.get_student(get_session(), actor(), student_id)
    return {
        "id": s.id,
        "name": s.name,
        "national_id": s.national_id_masked,
        "skill_level": s.skill_level,
        "months_used": s.months_used,
        "month_cap": s.month_cap,
    }
