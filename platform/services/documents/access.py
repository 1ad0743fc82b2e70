"""Reading documents: a record's documents and open requests, and a file for those allowed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Document, DocumentRequest, User
from skillbridge.platform.policy.document_kinds import DocumentKind, document_kind
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import NotFound
from skillbridge.platform.services.policies import (
    can_request_document,
    can_upload_document,
    can_view_document,
)
from skillbridge.platform.text import N_

from .owners import Owner, load_owner
from .storage import Storage


@dataclass(frozen=True)
class KindFolder:
    """One kind of a record: its documents (newest first) and its open 补正 requests."""

    kind: DocumentKind
    required: bool
    documents: list[Document]
    requests: list[DocumentRequest]

    @property
    def missing(self) -> bool:
        return self.required and not self.documents


@dataclass(frozen=True)
class RecordDocuments:
    """What a record's documents panel shows to one actor."""

    owner: Owner
    folders: list[KindFolder]
    can_upload: bool
    can_request: bool

    @property
    def missing(self) -> list[DocumentKind]:
        return [folder.kind for folder in self.folders if folder.missing]


def live_documents(session: Session, owner: Owner) -> list[Document]:
    """The record's documents not yet removed by retention, newest first."""
    return list(
        session.scalars(
            select(Document)
            .where(
                Document.owner_type == owner.type,
                Document.owner_id == owner.id,
                Document.deleted_at.is_(None),
            )
            .order_by(Document.id.desc())
        )
    )


def record_documents(
    session: Session, actor: User, owner_type: str, owner_id: int
) -> RecordDocuments:
    """The record's documents by kind, for an actor allowed to see them (404 otherwise)."""
    owner = load_owner(session, owner_type, owner_id)
    if not can_view_document(actor, owner.parties):
        raise NotFound(N_("材料所属的记录不存在"))
    documents = live_documents(session, owner)
    requests = list(
        session.scalars(
            select(DocumentRequest)
            .where(
                DocumentRequest.owner_type == owner.type,
                DocumentRequest.owner_id == owner.id,
                DocumentRequest.fulfilled_at.is_(None),
            )
            .order_by(DocumentRequest.id)
        )
    )
    # A record holds a handful of kinds with a few versions each: grouping in Python is enough.
    folders = [
        KindFolder(
            document_kind(code),
            code in owner.required,
            [d for d in documents if d.kind == code],
            [r for r in requests if r.kind == code],
        )
        for code in owner.kinds
    ]
    return RecordDocuments(
        owner,
        folders,
        can_upload_document(actor, owner.parties),
        can_request_document(actor, owner.parties),
    )


def panel_documents(
    session: Session, actor: User, owner_type: str, owner_id: int
) -> RecordDocuments | None:
    """The record's documents for a page that shows them to those allowed, None to others."""
    owner = load_owner(session, owner_type, owner_id)
    if not can_view_document(actor, owner.parties):
        return None
    return record_documents(session, actor, owner_type, owner_id)


@dataclass(frozen=True)
class OpenedDocument:
    """A document's metadata with its verified bytes."""

    document: Document
    data: bytes


def open_document(
    session: Session, storage: Storage, actor: User, document_id: int
) -> OpenedDocument:
    """The file, for a party of its record or the reviewing bureau; the download is audited."""
    document = session.get(Document, document_id)
    if document is None or document.deleted_at is not None:
        raise NotFound(N_("材料不存在"))
    owner = load_owner(session, document.owner_type.value, document.owner_id)
    if not can_view_document(actor, owner.parties):
        raise NotFound(N_("材料不存在"))
    data = storage.get(document.sha256)
    audit.record(
        session,
        actor,
        "document.downloaded",
        "document",
        document.id,
        {
            "owner": f"{owner.type.value}:{owner.id}",
            "kind": document.kind,
            "sha256": document.sha256,
        },
    )
    return OpenedDocument(document, data)
