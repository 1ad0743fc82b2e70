"""Where document blobs live: a content-addressed store on the filesystem or in S3.

A blob's key is the SHA-256 of its bytes, so a stored object can never change: writing the same
bytes again is a no-op, and reading checks the bytes against the key, so a blob altered behind
the platform's back is refused instead of served. Only the retention job deletes.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_SHA256 = re.compile(r"[0-9a-f]{64}")


class StorageError(RuntimeError):
    """A blob is missing, altered, or the store is misconfigured or unreachable."""


def sha256_of(data: bytes) -> str:
    """The key a blob is stored under."""
    return hashlib.sha256(data).hexdigest()


def _checked_key(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise StorageError(f"not a SHA-256 key: {sha256!r}")
    return sha256


def _verified(sha256: str, data: bytes) -> bytes:
    if sha256_of(data) != sha256:
        raise StorageError(f"blob {sha256} was altered: its content no longer matches its hash")
    return data


class Storage(Protocol):
    """A content-addressed blob store."""

    def put(self, data: bytes) -> str:
        """Store `data` (once) and return its SHA-256 key."""
        ...

    def get(self, sha256: str) -> bytes:
        """The blob's bytes, checked against the key; StorageError if missing or altered."""
        ...

    def exists(self, sha256: str) -> bool:
        """Whether a blob is stored under the key."""
        ...

    def delete(self, sha256: str) -> None:
        """Remove the blob (the retention job's alone); a missing blob is not an error."""
        ...


class FilesystemStorage:
    """Blobs as read-only files under `root`, fanned out by the key's first two bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        key = _checked_key(sha256)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        sha256 = sha256_of(data)
        path = self._path(sha256)
        if path.exists():
            return sha256
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its final name and renamed: a reader never sees half a blob.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o444)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            data = self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise StorageError(f"blob {sha256} is missing") from None
        return _verified(sha256, data)

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)


class S3Storage:
    """Blobs as objects `prefix + key` in one bucket of an S3-compatible service."""

    def __init__(self, client: S3Client, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _key(self, sha256: str) -> str:
        return self.prefix + _checked_key(sha256)

    def put(self, data: bytes) -> str:
        sha256 = sha256_of(data)
        if not self.exists(sha256):
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(sha256),
                Body=data,
                ChecksumSHA256=_base64_sha256(data),
            )
        return sha256

    def get(self, sha256: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"]
        except ClientError as exc:
            raise StorageError(f"blob {sha256} is missing: {exc}") from None
        return _verified(sha256, body.read())

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise StorageError(f"cannot reach bucket {self.bucket!r}: {exc}") from exc
        return True

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))


def _base64_sha256(data: bytes) -> str:
    """The checksum S3 verifies on arrival, so a blob corrupted in transit is never stored."""
    import base64

    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def storage_from_url(url: str | None, instance_path: Path) -> Storage:
    """The store a DOCUMENT_STORAGE_URL names.

    - empty or ``file:`` — files under ``<instance>/documents`` (the embedded default);
    - ``file:///absolute/dir`` — files under that directory;
    - ``s3://bucket/prefix?endpoint=http://host:port&region=...`` — an S3-compatible bucket;
      credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID, ..., or an IAM role).
    """
    if not url or url == "file:":
        return FilesystemStorage(instance_path / "documents")
    parts = urlsplit(url)
    if parts.scheme == "file":
        if not parts.path.startswith("/"):
            raise StorageError(f"a file: storage URL needs an absolute path, got {url!r}")
        return FilesystemStorage(Path(parts.path))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise StorageError(f"an s3: storage URL needs a bucket, got {url!r}")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        prefix = parts.path.lstrip("/")
        return S3Storage(
            _s3_client(query.get("endpoint"), query.get("region")),
            parts.netloc,
            prefix + "/" if prefix and not prefix.endswith("/") else prefix,
        )
    raise StorageError(f"unknown document storage URL scheme in {url!r}; use file: or s3:")


def _s3_client(endpoint: str | None, region: str | None) -> S3Client:
    import boto3
    from botocore.config import Config

    options: dict[str, Any] = {"region_name": region or "us-east-1"}
    if endpoint:
        options["endpoint_url"] = endpoint
    # Path-style addressing: self-hosted services (SeaweedFS, MinIO) have no bucket subdomains.
    return boto3.client("s3", config=Config(s3={"addressing_style": "path"}), **options)
