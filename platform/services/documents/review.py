"""Review with documents: the bureau asks a party for a missing or wrong document (补正)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from skillbridge.models import DocumentRequest, User
from skillbridge.platform.policy.document_kinds import document_kind
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.policies import can_request_document, can_view_document
from skillbridge.platform.text import N_

from .owners import Owner, load_owner, uploader_users

DOCUMENT_REQUESTED = "document.requested"
REASON_MAX_CHARS = 500


def reviewable_owner(session: Session, actor: User, owner_type: str, owner_id: int) -> Owner:
    """The record whose documents the actor (its reviewing bureau) may ask for; 404, then 403."""
    owner = load_owner(session, owner_type, owner_id)
    if not can_view_document(actor, owner.parties):
        raise NotFound(N_("材料所属的记录不存在"))
    if not can_request_document(actor, owner.parties):
        raise PermissionDenied(N_("只有审核的人社局可以要求补正材料"))
    return owner


def request_document(
    session: Session, actor: User, owner_type: str, owner_id: int, kind: str, reason: str
) -> DocumentRequest:
    """Ask the record's uploading side for a document of `kind`, saying why; they are notified."""
    owner = reviewable_owner(session, actor, owner_type, owner_id)
    if kind not in owner.kinds:
        raise InvalidInput(N_("该记录不收这类材料"), details=[kind])
    reason = reason.strip()
    if not reason:
        raise InvalidInput(N_("要求补正时必须说明理由"))
    if len(reason) > REASON_MAX_CHARS:
        raise InvalidInput(N_("补正理由过长"), details=[N_("最多 %(n)d 字", n=REASON_MAX_CHARS)])
    request = DocumentRequest(
        owner_type=owner.type,
        owner_id=owner.id,
        kind=kind,
        reason=reason,
        requested_by_id=actor.id,
    )
    session.add(request)
    session.flush()
    notifications.notify(
        session,
        uploader_users(session, owner),
        DOCUMENT_REQUESTED,
        N_("审核人要求补正材料"),
        f"{document_kind(kind).name_zh}：{reason}",
        notifications.Link(
            "documents.record", {"owner_type": owner.type.value, "owner_id": owner.id}
        ),
    )
    audit.record(
        session,
        actor,
        "document.requested",
        f"{owner.type.value}",
        owner.id,
        {"kind": kind, "reason": reason, "request_id": request.id},
    )
    return request
