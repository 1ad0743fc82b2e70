"""Slots for an enterprise's HR system: list, create, read with its ETag, PATCH under If-Match,
open, close, and the ranking of a slot's candidates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate

from skillbridge.models import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN, Slot, SlotKind, SlotStatus
from skillbridge.platform.db import get_session
from skillbridge.platform.services.bounds import INTEGER_MAX
from skillbridge.platform.services.slots import postings, preferences

from .blueprint import api_actor, bp, scope
from .schemas import ID_RANGE, PageArgsSchema, page_schema, row_id
from .writes import post, write

_COUNT = validate.Range(min=0, max=INTEGER_MAX)
# Dates a slot can start on: wide enough for any plan, narrow enough that its end is a date.
_DATES = validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31))
_SLOT_ID = {"slot_id": "$response.body#/id"}
_LINKS = {
    "GetSlot": {"operationId": "getSlot", "parameters": _SLOT_ID},
    "OpenSlot": {"operationId": "openSlot", "parameters": _SLOT_ID},
    "CloseSlot": {"operationId": "closeSlot", "parameters": _SLOT_ID},
}


class _SpecialtyIdSchema(Schema):
    id = row_id()


class SlotInputSchema(Schema):
    """What an enterprise fills in to post a slot; the posting rules (N3, N4, R1) check it."""

    kind = fields.Enum(SlotKind, by_value=True, required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    occupation_id = row_id()
    specialty_ids = fields.List(
        fields.Integer(validate=ID_RANGE), load_default=list, validate=validate.Length(max=100)
    )
    min_level = fields.Integer(
        load_default=SKILL_LEVEL_MIN,
        validate=validate.Range(min=SKILL_LEVEL_MIN, max=SKILL_LEVEL_MAX),
    )
    certificate_required = fields.Boolean(load_default=False)
    start_date = fields.Date(required=True, validate=_DATES)
    duration_months = fields.Integer(required=True, validate=validate.Range(min=1, max=120))
    seats = fields.Integer(required=True, validate=_COUNT)
    stipend_yuan = fields.Integer(load_default=0, validate=_COUNT)
    post_wage_yuan = fields.Integer(load_default=None, allow_none=True, validate=_COUNT)
    post_headcount = fields.Integer(load_default=None, allow_none=True, validate=_COUNT)
    location = fields.String(load_default="", validate=validate.Length(max=120))


class SlotPatchSchema(SlotInputSchema):
    """Any of a draft's fields (loaded as partial); the others keep their values."""


class SlotSchema(Schema):
    id = row_id()
    enterprise_id = row_id()
    status = fields.Enum(SlotStatus, by_value=True, required=True)
    kind = fields.Enum(SlotKind, by_value=True, required=True)
    title = fields.String(required=True)
    occupation_id = row_id()
    specialty_ids = fields.Pluck(
        _SpecialtyIdSchema, "id", many=True, required=True, attribute="accepted_specialties"
    )
    min_level = fields.Integer(required=True)
    certificate_required = fields.Boolean(required=True)
    start_date = fields.Date(required=True)
    duration_months = fields.Integer(required=True)
    seats = fields.Integer(required=True)
    seats_taken = fields.Integer(required=True)
    stipend_yuan = fields.Integer(required=True)
    post_wage_yuan = fields.Integer(required=True, allow_none=True)
    post_headcount = fields.Integer(required=True, allow_none=True)
    location = fields.String(required=True)


SlotPageSchema = page_schema("SlotPage", SlotSchema)


class RankingSchema(Schema):
    """The enterprise's view of a slot's candidates: students in order, and those screened out."""

    ranked = fields.List(
        fields.Integer(validate=ID_RANGE), required=True, validate=validate.Length(max=5000)
    )
    screened_out = fields.List(
        fields.Integer(validate=ID_RANGE), load_default=list, validate=validate.Length(max=5000)
    )


def _input(data: dict[str, Any]) -> postings.SlotInput:
    return postings.SlotInput(**{**data, "specialty_ids": tuple(data.get("specialty_ids", ()))})


@bp.route("/slots", methods=["GET"])
@scope("slots:read")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, SlotPageSchema)
def slots(args: dict[str, Any]) -> Any:
    """A page of the enterprise's slots, newest first."""
    found = postings.list_own_slots(get_session(), api_actor(), args["page"])
    return {"items": found.items, "page": found.page, "pages": found.pages, "total": found.total}


@bp.route("/slots", methods=["POST"])
@post
@scope("slots:write")
@bp.arguments(SlotInputSchema)
@bp.response(201, SlotSchema)
@bp.doc(operationId="createSlot", responses={201: {"links": _LINKS}})
def create_slot(data: dict[str, Any]) -> Slot:
    """Draft a slot; the posting rules of the region's pack check it as on the page."""
    return postings.create_slot(get_session(), api_actor(), _input(data))


@bp.route("/slots/<int:slot_id>", methods=["GET"])
@scope("slots:read")
@bp.etag
@bp.response(200, SlotSchema)
@bp.doc(operationId="getSlot")
def slot(slot_id: int) -> Slot:
    """One of the enterprise's slots, or an open one; its ETag goes in the PATCH's If-Match."""
    return postings.get_slot(get_session(), api_actor(), slot_id)


@bp.route("/slots/<int:slot_id>", methods=["PATCH"])
@write
@scope("slots:write")
@bp.etag
@bp.arguments(SlotPatchSchema(partial=True))
@bp.response(200, SlotSchema)
@bp.doc(operationId="updateSlot")
def update_slot(data: dict[str, Any], slot_id: int) -> Slot:
    """Change a draft's fields: If-Match must carry its current ETag (428 without, 412 stale)."""
    db, user = get_session(), api_actor()
    # Locked until the commit: nobody changes the slot between the check and the update.
    current = postings.get_own_slot(db, user, slot_id, lock=True)
    bp.check_etag(current, SlotSchema)
    changes = {**data}
    if "specialty_ids" in changes:
        changes["specialty_ids"] = tuple(changes["specialty_ids"])
    return postings.update_slot(db, user, slot_id, replace(postings.slot_input(current), **changes))


@bp.route("/slots/<int:slot_id>/open", methods=["POST"])
@post
@scope("slots:write")
@bp.response(200, SlotSchema)
@bp.doc(operationId="openSlot")
def open_slot(slot_id: int) -> Slot:
    """Open a draft to students' preferences (N2, R6 and the start date checked now)."""
    return postings.open_slot(get_session(), api_actor(), slot_id, date.today())


@bp.route("/slots/<int:slot_id>/close", methods=["POST"])
@post
@scope("slots:write")
@bp.response(200, SlotSchema)
@bp.doc(operationId="closeSlot")
def close_slot(slot_id: int) -> Slot:
    """Close an open slot: it takes no new preferences or offers."""
    return postings.close_slot(get_session(), api_actor(), slot_id)


@bp.route("/slots/<int:slot_id>/ranking", methods=["POST"])
@post
@scope("preferences:write")
@bp.arguments(RankingSchema)
@bp.response(200, RankingSchema)
@bp.doc(operationId="rankCandidates")
def rank_candidates(data: dict[str, Any], slot_id: int) -> Any:
    """Replace the ranking of an open slot's candidates, as the candidates page does."""
    rankings = preferences.rank_candidates(
        get_session(), api_actor(), slot_id, data["ranked"], data["screened_out"], date.today()
    )
    return {
        "ranked": [r.student_id for r in rankings if not r.screened_out],
        "screened_out": [r.student_id for r in rankings if r.screened_out],
    }
