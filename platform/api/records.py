"""Read-only lists for the organisations' systems: placements, cooperation agreements, claims."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from skillbridge.models import AgreementStatus, ClaimStatus, CooperationKind, PlacementStatus
from skillbridge.platform.db import get_session
from skillbridge.platform.services.cooperation import agreements
from skillbridge.platform.services.placements import records
from skillbridge.platform.services.subsidies import claims

from .blueprint import api_actor, bp, scope
from .schemas import PageArgsSchema, page_answer, page_schema, row_id


class PlacementSchema(Schema):
    id = row_id(attribute="placement.id")
    status = fields.Enum(
        PlacementStatus, by_value=True, required=True, attribute="placement.status"
    )
    student_id = row_id(attribute="student.id")
    student_name = fields.String(required=True, attribute="student.name")
    slot_id = row_id(attribute="slot.id")
    slot_title = fields.String(required=True, attribute="slot.title")
    school_id = row_id(attribute="school.id")
    enterprise_id = row_id(attribute="enterprise.id")
    start_date = fields.Date(required=True, attribute="placement.start_date")
    end_date = fields.Date(required=True, attribute="placement.end_date")
    months = fields.Integer(required=True, attribute="placement.months")


class AgreementSchema(Schema):
    id = row_id()
    school_id = row_id()
    enterprise_id = row_id()
    kind = fields.Enum(CooperationKind, by_value=True, required=True)
    status = fields.Enum(AgreementStatus, by_value=True, required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(required=True)


class ClaimSchema(Schema):
    id = row_id(attribute="claim.id")
    policy_id = row_id(attribute="claim.policy_id")
    policy_name = fields.String(required=True, attribute="policy.name")
    status = fields.Enum(ClaimStatus, by_value=True, required=True, attribute="claim.status")
    on_date = fields.Date(required=True, attribute="claim.on_date")
    amount_yuan = fields.Integer(required=True, allow_none=True, attribute="claim.amount_yuan")
    beneficiary_kind = fields.String(required=True)
    beneficiary_name = fields.String(required=True)


@bp.route("/placements", methods=["GET"])
@scope("placements:read")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema("PlacementPage", PlacementSchema))
def placements(args: dict[str, Any]) -> Any:
    """A page of the placements the organisation may see, newest first."""
    return page_answer(records.placements_page(get_session(), api_actor(), args["page"]))


@bp.route("/agreements", methods=["GET"])
@scope("agreements:read")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema("AgreementPage", AgreementSchema))
def cooperation_agreements(args: dict[str, Any]) -> Any:
    """A page of the cooperation agreements: a party's own, a bureau's schools'."""
    return page_answer(agreements.list_agreements(get_session(), api_actor(), args["page"]))


@bp.route("/claims", methods=["GET"])
@scope("claims:read")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema("ClaimPage", ClaimSchema))
def subsidy_claims(args: dict[str, Any]) -> Any:
    """A page of the organisation's own subsidy claims, newest first."""
    return page_answer(claims.list_my_claims(get_session(), api_actor(), args["page"]))
