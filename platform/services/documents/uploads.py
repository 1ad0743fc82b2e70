"""Uploading documents: every file checked, the organisation's quota kept, then stored and audited.

All files of one request are checked before any is stored, so a refusal stores nothing; the
metadata rows are written in the caller's transaction, after the blobs, so a row never points at
a missing blob (a blob left by a rolled-back transaction is unreferenced and harmless: it is
content-addressed, and the retention job ignores it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Document,
    DocumentRequest,
    Employment,
    EmploymentStatus,
    Role,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.policy.document_kinds import MIB, document_kind
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.policies import can_upload_document, can_view_document
from skillbridge.platform.text import N_

from .checks import CheckedFile, UploadRefused, check_upload
from .owners import Owner, load_owner
from .storage import Storage

REFUSED = N_("上传的文件未通过检查，未保存任何文件")


@dataclass(frozen=True)
class DocumentStore:
    """The blob store and the per-organisation quota, as the instance configures them."""

    storage: Storage
    quota_bytes: int


@dataclass(frozen=True)
class Upload:
    """One file of a request: the kind it is uploaded as, its name and its bytes."""

    kind: str
    filename: str
    stream: IO[bytes]


def _retention_until(kind: str, uploaded_at: datetime) -> datetime:
    years = document_kind(kind).retention_years
    try:
        return uploaded_at.replace(year=uploaded_at.year + years)
    except ValueError:  # 29 February in a year that has none
        return uploaded_at.replace(year=uploaded_at.year + years, day=28)


def owner_for_upload(session: Session, actor: User, owner_type: str, owner_id: int) -> Owner:
    """The record, if the actor may upload to it (404 before 403)."""
    owner = load_owner(session, owner_type, owner_id)
    if not can_view_document(actor, owner.parties):
        raise NotFound(N_("材料所属的记录不存在"))
    if not can_upload_document(actor, owner.parties):
        raise PermissionDenied(N_("只有需要提交该材料的一方可以上传"))
    return owner


def check_uploads(owner: Owner, uploads: Sequence[Upload]) -> list[tuple[str, CheckedFile]]:
    """Every file checked against its kind; InvalidInput naming each refused file and why."""
    checked: list[tuple[str, CheckedFile]] = []
    problems: list[str] = []
    for upload in uploads:
        if upload.kind not in owner.kinds:
            problems.append(
                N_(
                    "%(file)s：该记录不收这类材料（%(kind)s）",
                    file=upload.filename,
                    kind=upload.kind,
                )
            )
            continue
        try:
            checked.append(
                (
                    upload.kind,
                    check_upload(document_kind(upload.kind), upload.filename, upload.stream),
                )
            )
        except UploadRefused as refusal:
            problems.append(
                N_("%(file)s：%(reason)s", file=refusal.filename, reason=refusal.reason)
            )
    if problems:
        raise InvalidInput(REFUSED, details=problems)
    if not checked:
        raise InvalidInput(N_("请选择要上传的文件"))
    return checked


def _quota_holder(session: Session, actor: User) -> dict[str, int]:
    """The organisation charged for the actor's uploads: its own, or a student's school."""
    if actor.role == Role.ENTERPRISE:
        assert actor.enterprise_id is not None
        return {"enterprise_id": actor.enterprise_id}
    if actor.role == Role.SCHOOL:
        assert actor.school_id is not None
        return {"school_id": actor.school_id}
    if actor.role == Role.WORKER:
        # A worker's own files (a self-nomination's evidence) count against its employer's
        # storage, the organisation the record is filed through.
        employer = session.scalar(
            select(Employment.enterprise_id)
            .where(Employment.person_id == actor.person_id, Employment.is_primary.is_(True))
            .where(Employment.status == EmploymentStatus.CONFIRMED)
            .limit(1)
        )
        if employer is None:
            raise InvalidInput(N_("上传材料须有企业确认的在职劳动关系"))
        return {"enterprise_id": employer}
    return {"school_id": session.get_one(Student, actor.student_id).school_id}


def _check_quota(session: Session, holder: dict[str, int], adding: int, quota: int) -> None:
    column = Document.enterprise_id if "enterprise_id" in holder else Document.school_id
    used = session.scalar(
        select(func.coalesce(func.sum(Document.size_bytes), 0)).where(
            column == next(iter(holder.values())), Document.deleted_at.is_(None)
        )
    )
    if (used or 0) + adding > quota:
        raise InvalidInput(
            N_("本单位的材料存储空间已满，未保存任何文件"),
            details=[
                N_(
                    "已用 %(used)d MiB，本次 %(adding)d MiB，上限 %(quota)d MiB",
                    used=(used or 0) // MIB,
                    adding=adding // MIB,
                    quota=quota // MIB,
                )
            ],
        )


def store_checked(
    session: Session,
    store: DocumentStore,
    actor: User,
    owner: Owner,
    checked: Sequence[tuple[str, CheckedFile]],
) -> list[Document]:
    """Charge the quota, store the blobs, write the rows, close open 补正 requests, audit each."""
    holder = _quota_holder(session, actor)
    _check_quota(session, holder, sum(f.size for _kind, f in checked), store.quota_bytes)
    documents = []
    for kind, file in checked:
        store.storage.put(file.data)
        now = utcnow()
        document = Document(
            owner_type=owner.type,
            owner_id=owner.id,
            kind=kind,
            sha256=file.sha256,
            size_bytes=file.size,
            content_type=file.content_type,
            original_filename=file.filename,
            uploaded_by_id=actor.id,
            uploaded_at=now,
            retention_until=_retention_until(kind, now),
            **holder,
        )
        session.add(document)
        session.flush()
        _fulfil_requests(session, owner, kind, document)
        audit.record(
            session,
            actor,
            "document.uploaded",
            "document",
            document.id,
            {
                "owner": f"{owner.type.value}:{owner.id}",
                "kind": kind,
                "sha256": file.sha256,
                "bytes": file.size,
                "content_type": file.content_type,
                "filename": file.filename,
            },
        )
        documents.append(document)
    return documents


def _fulfil_requests(session: Session, owner: Owner, kind: str, document: Document) -> None:
    requests = session.scalars(
        select(DocumentRequest).where(
            DocumentRequest.owner_type == owner.type,
            DocumentRequest.owner_id == owner.id,
            DocumentRequest.kind == kind,
            DocumentRequest.fulfilled_at.is_(None),
        )
    )
    for request in requests:
        request.fulfilled_at = document.uploaded_at
        request.fulfilled_by_document_id = document.id


def upload_documents(
    session: Session,
    store: DocumentStore,
    actor: User,
    owner_type: str,
    owner_id: int,
    uploads: Sequence[Upload],
) -> list[Document]:
    """A party uploads files to one of its records; nothing is stored if any file is refused."""
    owner = owner_for_upload(session, actor, owner_type, owner_id)
    checked = check_uploads(owner, uploads)
    return store_checked(session, store, actor, owner, checked)
