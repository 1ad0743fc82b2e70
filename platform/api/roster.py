"""Roster upsert: a school's system sends its students; the import's checks, all or nothing."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from skillbridge.platform.db import get_session
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services import tables
from skillbridge.platform.services.schools import roster

from .blueprint import api_actor, bp, scope
from .schemas import row_id
from .table_rows import as_rows, rejected
from .writes import post

# Each field of a student and the roster template's column it fills, in the template's order.
FIELDS = {
    "name": roster.NAME,
    "national_id": roster.NATIONAL_ID,
    "specialty_code": roster.SPECIALTY_CODE,
    "intake_year": roster.INTAKE_YEAR,
    "class_name": roster.CLASS_NAME,
    "hukou": roster.HUKOU,
    "is_local": roster.IS_LOCAL,
    "skill_level": roster.SKILL_LEVEL,
    "phone": roster.PHONE,
    "birth_date": roster.BIRTH_DATE,
}
MAX_STUDENTS = 5000
_TEXT = validate.Length(max=200)


class RosterStudentSchema(Schema):
    """One student, as a row of the roster template (学生名册); the import checks each value."""

    name = fields.String(required=True, validate=_TEXT, metadata={"description": "姓名"})
    national_id = fields.String(required=True, validate=_TEXT, metadata={"description": "身份证号"})
    specialty_code = fields.String(
        required=True, validate=_TEXT, metadata={"description": "专业代码"}
    )
    intake_year = fields.String(required=True, validate=_TEXT, metadata={"description": "入学年份"})
    class_name = fields.String(required=True, validate=_TEXT, metadata={"description": "班级"})
    hukou = fields.String(required=True, validate=_TEXT, metadata={"description": "户籍所在地"})
    is_local = fields.Boolean(metadata={"description": "是否本地户籍 (default true)"})
    skill_level = fields.String(
        validate=_TEXT, metadata={"description": "技能等级: 0–7 or a name such as 中级工"}
    )
    phone = fields.String(validate=_TEXT, metadata={"description": "联系电话"})
    birth_date = fields.String(
        validate=_TEXT, metadata={"description": "出生日期 YYYY-MM-DD (default: from the ID)"}
    )


class RosterSchema(Schema):
    students = fields.List(
        fields.Nested(RosterStudentSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_STUDENTS),
    )


class ImportedStudentSchema(Schema):
    id = row_id(attribute="student_id")
    name = fields.String(required=True)
    class_name = fields.String(required=True, attribute="cohort_name")
    result = fields.String(
        required=True,
        attribute="outcome",
        validate=validate.OneOf([o.value for o in roster.Outcome]),
        metadata={"description": "created, updated (a changeable field changed) or unchanged"},
    )
    invitation_code = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "the student activates its account with it; null once it has"},
    )


class ImportedSchema(Schema):
    students = fields.List(fields.Nested(ImportedStudentSchema), required=True)


@bp.route("/roster", methods=["POST"])
@post
@scope("roster:write")
@bp.arguments(RosterSchema)
@bp.response(201, ImportedSchema)
def upsert_roster(data: dict[str, Any]) -> Any:
    """Upsert the school's roster: every student written, or none with every problem named.

    A student of this school (by national ID) has its class, hukou, local flag, skill level and
    phone updated; a new one is added; a student of another school is a problem of its row.
    """
    try:
        imported = roster.import_roster_rows(
            get_session(),
            api_actor(),
            as_rows(FIELDS, data["students"]),
            id_keys(),
            update_own=True,
        )
    except tables.TableRejected as error:
        raise rejected(error, FIELDS, "students") from error
    return {"students": imported}
