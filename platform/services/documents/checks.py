"""Upload checks: size per kind, type from the content, PDFs without scripts, images re-encoded.

Every check runs on the bytes in memory before anything is stored; a refusal names the file
and the reason. What is stored is what passed: for images, the re-encoded pixels without their
EXIF block (camera, time, GPS position).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import IO

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

from skillbridge.platform.policy.document_kinds import MIB, DocumentKind
from skillbridge.platform.text import N_, SERIES, bilingual, join

from .storage import sha256_of

#: Images larger than this are refused before decoding (a decompression bomb is small on disk).
MAX_IMAGE_PIXELS = 40_000_000
JPEG_QUALITY = 90
TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# Markup a browser would render as a page if the file were ever served as HTML: a PDF or an
# image carrying it is a polyglot, built to be both.
_HTML_MARKERS = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|form)\b",
    re.IGNORECASE,
)
# Names of PDF actions that run code or act on opening; refused anywhere in the document.
_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles", "/EF"}
)


class UploadRefused(ValueError):
    """One file failed a check; `reason` is the Chinese sentence shown next to its name."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, as it will be stored."""

    filename: str
    data: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def read_limited(stream: IO[bytes], filename: str, kind: DocumentKind) -> bytes:
    """The stream's bytes, refusing as soon as it is longer than the kind allows."""
    data = stream.read(kind.max_bytes + 1)
    if len(data) > kind.max_bytes:
        raise UploadRefused(
            filename,
            N_(
                "文件超过「%(kind)s」的大小上限 %(mib)d MiB",
                kind=bilingual(kind.name_zh, kind.name_en),
                mib=kind.max_bytes // MIB,
            ),
        )
    if not data:
        raise UploadRefused(filename, N_("文件是空的"))
    return data


def check_upload(kind: DocumentKind, filename: str, stream: IO[bytes]) -> CheckedFile:
    """Run every check of `kind` on the upload; raise UploadRefused with the first failure."""
    name = clean_filename(filename)
    data = read_limited(stream, name, kind)
    guess = filetype.guess(data)
    content_type = guess.mime if guess is not None else None
    allowed = join(SERIES, (TYPE_NAMES[t] for t in kind.types))
    if content_type not in kind.types:
        found = TYPE_NAMES.get(content_type or "") or (
            f"{guess.extension.upper()}（{content_type}）" if guess else N_("无法识别的格式")
        )
        raise UploadRefused(
            name,
            N_(
                "文件内容是 %(found)s；「%(kind)s」只接受 %(allowed)s",
                found=found,
                kind=bilingual(kind.name_zh, kind.name_en),
                allowed=allowed,
            ),
        )
    if _HTML_MARKERS.search(data):
        raise UploadRefused(name, N_("文件内含网页代码（HTML 多格式混合文件），已拒收"))
    if content_type == "application/pdf":
        _check_pdf(name, data)
    else:
        data = _reencode_image(name, data, content_type)
    return CheckedFile(name, data, content_type, sha256_of(data))


def clean_filename(filename: str) -> str:
    """The name as shown and stored: no directories, no control characters, at most 200 chars."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or "未命名文件")[:200]


def _check_pdf(name: str, data: bytes) -> None:
    try:
        with warnings.catch_warnings():
            # pypdf warns about the repairs it makes to sloppy files; they are not refusals.
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadRefused(name, N_("PDF 已加密，审核人无法打开；请上传未加密的文件"))
            if len(reader.pages) == 0:
                raise UploadRefused(name, N_("PDF 没有页面"))
            active = _active_content(reader.trailer)
    except UploadRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise UploadRefused(name, N_("无法解析的 PDF：%(error)s", error=str(exc))) from None
    if active:
        raise UploadRefused(name, N_("PDF 含有脚本或自动动作（%(found)s），已拒收", found=active))


def _active_content(root: PdfObject) -> str:
    """The first action key (JavaScript, OpenAction, ...) reachable from `root`, or ''."""
    seen: set[tuple[int, int]] = set()
    pending: list[PdfObject | None] = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            for key in node:
                if key in _ACTIVE_KEYS:
                    return str(key)
            pending.extend(node.values())
        elif isinstance(node, ArrayObject):
            pending.extend(node)
    return ""


def _reencode_image(name: str, data: bytes, content_type: str) -> bytes:
    """Decode and encode again: only the pixels survive, never EXIF, comments or trailing data."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    raise UploadRefused(name, N_("图片像素过多，请缩小后再上传"))
                probe.load()
                # The picture keeps its orientation once the EXIF tag that carried it is gone.
                image = ImageOps.exif_transpose(probe)
    except UploadRefused:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as exc:
        raise UploadRefused(name, N_("无法解析的图片：%(error)s", error=str(exc))) from None
    out = io.BytesIO()
    if content_type == "image/jpeg":
        image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
    else:
        image.save(out, format="PNG")
    return out.getvalue()
