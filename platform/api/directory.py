"""The caller's account and the directory: schools, enterprises and students it may see."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from skillbridge.models import (
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    Role,
    SchoolType,
    VerificationStatus,
)
from skillbridge.platform.db import get_session
from skillbridge.platform.services import directory

from .blueprint import api_actor, bp, scope
from .schemas import row_id


class MeSchema(Schema):
    id = row_id()
    email = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    role = fields.Enum(Role, by_value=True, required=True)
    school_id = row_id(allow_none=True)
    enterprise_id = row_id(allow_none=True)
    student_id = row_id(allow_none=True)
    region_id = row_id(allow_none=True)
    person_id = row_id(allow_none=True)


class SchoolSchema(Schema):
    id = row_id()
    name = fields.String(required=True)
    code = fields.String(required=True)
    type = fields.Enum(SchoolType, attribute="school_type", by_value=True, required=True)
    verification_status = fields.Enum(VerificationStatus, by_value=True, required=True)


class EnterpriseSchema(Schema):
    id = row_id()
    name = fields.String(required=True)
    uscc = fields.String(required=True, validate=validate.Regexp("^[0-9A-HJ-NPQRTUWXY]{18}$"))
    industry = fields.String(required=True)
    staff_headcount = fields.Integer(required=True, validate=validate.Range(min=0))
    verification_status = fields.Enum(VerificationStatus, by_value=True, required=True)


class StudentSchema(Schema):
    id = row_id()
    name = fields.String(required=True)
    national_id = fields.String(
        required=True,
        attribute="national_id_masked",
        metadata={"description": "masked: only the last 4 digits"},
    )
    skill_level = fields.Integer(
        required=True, validate=validate.Range(min=SKILL_LEVEL_MIN, max=SKILL_LEVEL_MAX)
    )
    months_used = fields.Integer(required=True, validate=validate.Range(min=0))
    month_cap = fields.Integer(required=True, validate=validate.Range(min=0))


@bp.route("/me", methods=["GET"])
@bp.response(200, MeSchema)
def me() -> Any:
    """The account the call acts as (an API key's: the admin who created it)."""
    return api_actor()


@bp.route("/schools/<int:school_id>", methods=["GET"])
@scope("directory:read")
@bp.response(200, SchoolSchema)
def school(school_id: int) -> Any:
    """A school."""
    return directory.get_school(get_session(), api_actor(), school_id)


@bp.route("/enterprises/<int:enterprise_id>", methods=["GET"])
@scope("directory:read")
@bp.response(200, EnterpriseSchema)
def enterprise(enterprise_id: int) -> Any:
    """An enterprise."""
    return directory.get_enterprise(get_session(), api_actor(), enterprise_id)


@bp.route("/students/<int:student_id>", methods=["GET"])
@scope("directory:read")
@bp.response(200, StudentSchema)
def student(student_id: int) -> Any:
    """A student."""
    return directory.get_student(get_session(), api_actor(), student_id)
