"""Employees for an enterprise's HR system: the employee import's checks, all or nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate

from skillbridge.models import EmploymentStatus
from skillbridge.platform.db import get_session
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services import tables
from skillbridge.platform.services.people import employees

from .blueprint import api_actor, bp, scope
from .schemas import row_id
from .table_rows import as_rows, rejected
from .writes import post

# Each field of an employee and the employee template's column it fills, in the template's order.
FIELDS = {
    "name": employees.NAME,
    "national_id": employees.NATIONAL_ID,
    "post": employees.POST,
    "hire_date": employees.HIRE_DATE,
    "contract_start": employees.CONTRACT_START,
    "contract_end": employees.CONTRACT_END,
    "social_insurance_since": employees.INSURANCE_SINCE,
    "is_front_line": employees.FRONT_LINE,
    "is_primary": employees.PRIMARY,
    "phone": employees.PHONE,
}
MAX_EMPLOYEES = 5000
_TEXT = validate.Length(max=200)


class EmployeeInputSchema(Schema):
    """One employee, as a row of the employee template (职工名册); the import checks each value."""

    name = fields.String(required=True, validate=_TEXT, metadata={"description": "姓名"})
    national_id = fields.String(required=True, validate=_TEXT, metadata={"description": "身份证号"})
    post = fields.String(required=True, validate=_TEXT, metadata={"description": "岗位"})
    hire_date = fields.String(
        required=True, validate=_TEXT, metadata={"description": "入职日期 YYYY-MM-DD"}
    )
    contract_start = fields.String(validate=_TEXT, metadata={"description": "合同开始日期"})
    contract_end = fields.String(validate=_TEXT, metadata={"description": "合同结束日期"})
    social_insurance_since = fields.String(
        validate=_TEXT, metadata={"description": "社保缴纳起始日期"}
    )
    is_front_line = fields.Boolean(metadata={"description": "是否一线职工"})
    is_primary = fields.Boolean(metadata={"description": "是否主要雇主"})
    phone = fields.String(validate=_TEXT, metadata={"description": "联系电话"})


class EmployeesSchema(Schema):
    employees = fields.List(
        fields.Nested(EmployeeInputSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_EMPLOYEES),
    )


class EmploymentSchema(Schema):
    id = row_id()
    person_id = row_id()
    post = fields.String(required=True)
    hire_date = fields.Date(required=True)
    status = fields.Enum(EmploymentStatus, by_value=True, required=True)


class EmploymentsSchema(Schema):
    employments = fields.List(fields.Nested(EmploymentSchema), required=True)


@bp.route("/employees", methods=["POST"])
@post
@scope("employees:write")
@bp.arguments(EmployeesSchema)
@bp.response(201, EmploymentsSchema)
def upsert_employees(data: dict[str, Any]) -> Any:
    """Add confirmed employments to the enterprise: every one written, or none with every
    problem named (the employee import's rules)."""
    try:
        written = employees.import_employee_rows(
            get_session(),
            api_actor(),
            as_rows(FIELDS, data["employees"]),
            id_keys(),
            date.today(),
        )
    except tables.TableRejected as error:
        raise rejected(error, FIELDS, "employees") from error
    return {"employments": written}
