"""Document fixtures: both storage backends and real sample files.

The S3 backend runs against the real SeaweedFS server of the `seaweedfs` fixture (tests/conftest.py);
each test gets a bucket prefix of its own.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from support import SEAWEEDFS_BUCKET, s3_test_client, sample_pdf

from skillbridge.platform.document_store import EXTENSION_KEY, get_document_store
from skillbridge.platform.services.documents.storage import FilesystemStorage, S3Storage, Storage
from skillbridge.platform.services.documents.uploads import DocumentStore


@pytest.fixture(params=["filesystem", "seaweedfs"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """Each storage backend in turn: files in a temporary folder, a fresh prefix in SeaweedFS."""
    if request.param == "filesystem":
        return FilesystemStorage(tmp_path / "blobs")
    endpoint = request.getfixturevalue("seaweedfs")
    return S3Storage(s3_test_client(endpoint), SEAWEEDFS_BUCKET, f"test-{uuid.uuid4().hex}/")


@pytest.fixture
def store(app: Flask, storage: Storage) -> DocumentStore:
    """The app's document store switched to the backend under test (web requests use it too)."""
    configured = DocumentStore(storage, get_document_store(app).quota_bytes)
    app.extensions[EXTENSION_KEY] = configured
    return configured


class Samples:
    """Real files made in the test: valid, hostile, disguised and oversized."""

    @staticmethod
    def pdf(title: str = "营业执照") -> bytes:
        return sample_pdf(title)

    @staticmethod
    def jpeg_with_gps() -> bytes:
        """A photo whose EXIF carries a camera model and a GPS position (Shanghai)."""
        image = Image.new("RGB", (64, 48), (200, 30, 30))
        exif = Image.Exif()
        exif[0x0110] = "TestCam 1"  # Model
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # GPS IFD
        out = io.BytesIO()
        image.save(out, format="JPEG", exif=exif)
        return out.getvalue()

    @staticmethod
    def zip_named_pdf() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("licence.txt", "not a pdf")
        return out.getvalue()

    @staticmethod
    def encrypted_pdf() -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(width=200, height=200)
        writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    @staticmethod
    def javascript_pdf(where: str = "open_action") -> bytes:
        """A PDF running a script on opening, or one holding it in its document-level name tree."""
        writer = PdfWriter()
        writer.add_blank_page(width=200, height=200)
        script = "app.alert('pwned');"
        if where == "open_action":
            writer.add_open_action(JavaScript(script))
        else:
            action = DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject(script),
                }
            )
            tree = DictionaryObject(
                {
                    NameObject("/Names"): ArrayObject(
                        [TextStringObject("x"), writer._add_object(action)]
                    )
                }
            )
            names = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
            writer._root_object[NameObject("/Names")] = writer._add_object(names)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    @staticmethod
    def html_pdf_polyglot() -> bytes:
        """A PDF that is also a web page: markup after the header, in a PDF comment."""
        pdf = sample_pdf("polyglot")
        header, rest = pdf.split(b"\n", 1)
        return (
            header
            + b"\n%<html><body><script>alert(document.cookie)</script></body></html>\n"
            + rest
        )

    @staticmethod
    def big(size: int = 50 * 1024 * 1024) -> bytes:
        """A 50 MB file that is a valid PDF up front (only its size is wrong)."""
        pdf = sample_pdf("big")
        return pdf + b"%" + b"0" * (size - len(pdf) - 1)


@pytest.fixture
def samples() -> Samples:
    return Samples()
