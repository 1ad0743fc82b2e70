"""Reads for the organisations' HR and records systems: attendance days, weekly journals."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validates_schema

from skillbridge.models import DayStatus, JournalStatus
from skillbridge.platform.db import get_session
from skillbridge.platform.services.attendance import days
from skillbridge.platform.services.journals import records as journal_records

from .blueprint import api_actor, bp, scope
from .schemas import ID_RANGE, PageArgsSchema, UtcDateTime, page_answer, page_schema, row_id


class AttendanceArgsSchema(PageArgsSchema):
    placement_id = fields.Integer(validate=ID_RANGE, metadata={"description": "one placement's"})
    date_from = fields.Date(metadata={"description": "from this day (included)"})
    date_to = fields.Date(metadata={"description": "to this day (included)"})

    @validates_schema
    def _ordered(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "date_from" in data and "date_to" in data and data["date_from"] > data["date_to"]:
            raise ValidationError("must not be before date_from", "date_to")


class AttendanceDaySchema(Schema):
    id = row_id(attribute="day.id")
    placement_id = row_id(attribute="day.placement_id")
    student_id = row_id()
    date = fields.Date(required=True, attribute="day.day")
    check_in_at = fields.AwareDateTime(required=True, attribute="checked_in")
    check_out_at = fields.AwareDateTime(required=True, allow_none=True, attribute="checked_out")
    minutes = fields.Integer(required=True, attribute="day.minutes")
    night_minutes = fields.Integer(
        required=True, attribute="day.night_minutes", metadata={"description": "22:00–06:00"}
    )
    rest_day = fields.Boolean(required=True, attribute="day.rest_day")
    statutory_holiday = fields.Boolean(required=True, attribute="day.statutory_holiday")
    status = fields.Enum(DayStatus, by_value=True, required=True, attribute="day.status")
    mentor_confirmed = fields.Boolean(required=True)
    confirmed_at = UtcDateTime(required=True, allow_none=True, attribute="day.confirmed_at")


@bp.route("/attendance", methods=["GET"])
@scope("attendance:read")
@bp.arguments(AttendanceArgsSchema, location="query")
@bp.response(200, page_schema("AttendancePage", AttendanceDaySchema))
def attendance(args: dict[str, Any]) -> Any:
    """A page of the attendance days of the organisation's placements, newest first.

    An enterprise reads its hosted placements', a school its students'; never where a student
    checked in (the pages show that to the school only).
    """
    only = days.DayFilter(args.get("placement_id"), args.get("date_from"), args.get("date_to"))
    return page_answer(days.filtered_days(get_session(), api_actor(), only, args["page"]))


class JournalArgsSchema(PageArgsSchema):
    placement_id = fields.Integer(validate=ID_RANGE, metadata={"description": "one placement's"})


class JournalTextSchema(Schema):
    work_done = fields.String(required=True, metadata={"description": "本周工作内容"})
    learned = fields.String(required=True, metadata={"description": "收获体会"})
    problems = fields.String(required=True, metadata={"description": "遇到的问题"})


class JournalSchema(Schema):
    id = row_id(attribute="journal.id")
    placement_id = row_id(attribute="journal.placement_id")
    student_id = row_id()
    week = fields.String(required=True, metadata={"description": "ISO week, e.g. 2026-W10"})
    iso_year = fields.Integer(required=True, attribute="journal.iso_year")
    iso_week = fields.Integer(required=True, attribute="journal.iso_week")
    status = fields.Enum(JournalStatus, by_value=True, required=True, attribute="journal.status")
    late = fields.Boolean(required=True, attribute="journal.late")
    first_submitted_at = UtcDateTime(
        required=True, allow_none=True, attribute="journal.first_submitted_at"
    )
    submitted_at = UtcDateTime(required=True, allow_none=True, attribute="journal.submitted_at")
    confirmed_at = UtcDateTime(required=True, allow_none=True, attribute="journal.confirmed_at")
    text = fields.Nested(
        JournalTextSchema,
        required=True,
        allow_none=True,
        metadata={"description": "the entry, for the host enterprise's key only; null otherwise"},
    )


@bp.route("/journals", methods=["GET"])
@scope("journals:read")
@bp.arguments(JournalArgsSchema, location="query")
@bp.response(200, page_schema("JournalPage", JournalSchema))
def journals(args: dict[str, Any]) -> Any:
    """A page of the submitted weekly journals (周志) of the organisation's placements."""
    found = journal_records.list_journals(
        get_session(), api_actor(), args["page"], args.get("placement_id")
    )
    return page_answer(found)
