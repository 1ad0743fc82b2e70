"""Signed audit-chain checkpoints: detect tail truncation and rewritten history from outside.

A checkpoint is {seq, entry_hash, created_at} signed with HMAC-SHA256 under a key the bureau
keeps outside the application database. Whoever can rewrite the database cannot forge a
checkpoint, so a chain that no longer reaches `seq`, or whose entry `seq` hashes differently,
is caught even when the chain is internally consistent again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import AuditEvent, utcnow
from skillbridge.platform.services.audit import VerifyResult, canonical_json, verify_chain
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.text import N_

CHECKPOINT_VERSION = 1
SIGNED_FIELDS = ("version", "seq", "entry_hash", "created_at")


def _signature(document: dict[str, Any], key: bytes) -> str:
    body = canonical_json({field: document[field] for field in SIGNED_FIELDS})
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def make_checkpoint(session: Session, key: bytes) -> dict[str, Any]:
    """Sign the chain's current head (after verifying the chain, so no broken state is blessed)."""
    result = verify_chain(session)
    if not result.ok:
        raise InvalidInput(
            N_(
                "审计链校验失败，无法导出检查点：#%(seq)s %(reason)s",
                seq=result.first_bad_seq,
                reason=result.reason,
            )
        )
    document = {
        "version": CHECKPOINT_VERSION,
        "seq": result.last_seq,
        "entry_hash": result.last_hash,
        "created_at": utcnow().isoformat(),
    }
    document["hmac"] = _signature(document, key)
    return document


def load_checkpoint(text: str, key: bytes) -> dict[str, Any]:
    """Parse and authenticate a checkpoint file; a bad signature is refused."""
    try:
        document = json.loads(text)
        claimed = document["hmac"]
        missing = [field for field in SIGNED_FIELDS if field not in document]
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(N_("检查点文件格式不正确")) from exc
    if missing:
        raise InvalidInput(N_("检查点缺少字段：%(fields)s", fields=", ".join(missing)))
    if not hmac.compare_digest(claimed, _signature(document, key)):
        raise InvalidInput(N_("检查点签名无效：文件被改动或密钥不符"))
    return document


def verify_with_checkpoint(session: Session, checkpoint: dict[str, Any]) -> VerifyResult:
    """Verify the chain, then that it still reaches the checkpoint with the same hash."""
    result = verify_chain(session)
    if not result.ok:
        return result
    seq, expected_hash = int(checkpoint["seq"]), checkpoint["entry_hash"]
    if result.last_seq < seq:
        return VerifyResult(
            False,
            result.checked,
            result.last_seq,
            result.last_hash,
            result.last_seq + 1,
            f"chain ends at #{result.last_seq} but the checkpoint signed #{seq}: "
            "the tail was truncated",
        )
    if seq > 0:
        actual = session.scalar(select(AuditEvent.entry_hash).where(AuditEvent.seq == seq))
        if actual != expected_hash:
            return VerifyResult(
                False,
                result.checked,
                result.last_seq,
                result.last_hash,
                seq,
                f"entry #{seq} differs from the signed checkpoint: history was rewritten",
            )
    return result


__all__ = ["load_checkpoint", "make_checkpoint", "verify_with_checkpoint"]
