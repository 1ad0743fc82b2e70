"""Rendering a version's content to PDF with WeasyPrint, deterministically, in a CJK font."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import weasyprint

from skillbridge.models import DocumentVersion
from skillbridge.platform.services.renditions.versions import content_of

# The PDF's metadata dates come from the content (its issue time), never the clock, and its
# file identifier from the content hash: the same version always renders to the same bytes.
# (HarfBuzz subsets the fonts; the fontTools fallback would stamp the clock into each font.)
PDF_OPTIONS: dict[str, Any] = {"pdf_version": "1.7", "pdf_tags": False, "full_fonts": False}


# templates/renditions/, found from this file as app.py finds templates/ (in the repository and
# in the installed package alike: platform/ and templates/ sit side by side in both).
TEMPLATE_FOLDER = Path(__file__).resolve().parents[3] / "templates" / "renditions"


@cache
def _templates() -> jinja2.Environment:
    folder = TEMPLATE_FOLDER
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def _stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(filename=str(TEMPLATE_FOLDER / "print.css"))


def render_html(template: str, version: DocumentVersion) -> str:
    """The print HTML of `version` from `templates/renditions/<template>`."""
    return (
        _templates()
        .get_template(template)
        .render(
            content=content_of(version),
            version=version.version,
            sha256=version.content_sha256,
        )
    )


def render_pdf(template: str, version: DocumentVersion) -> bytes:
    """The PDF of `version`: a function of its stored content only."""
    document = weasyprint.HTML(string=render_html(template, version))
    pdf: bytes = document.write_pdf(
        stylesheets=[_stylesheet()],
        pdf_identifier=version.content_sha256[:32].encode("ascii"),
        **PDF_OPTIONS,
    )
    return pdf
