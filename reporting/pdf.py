"""HTML templates to PDF with WeasyPrint, fetching nothing but our own static files.

WeasyPrint would otherwise follow any URL in the HTML, over the network or into
the file system (SSRF, ASVS 1.3.6). The fetcher below serves files under
`static/` and data: URIs, and refuses everything else.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = (settings.BASE_DIR / "static").resolve()
# Relative URLs in PDF templates ("reporting/status_report.css") resolve inside static/.
BASE_URL = STATIC_DIR.as_uri() + "/"


class FetchRefused(ValueError):
    pass


def static_file_for(url: str) -> Path:
    """The file under static/ that a file: URL names, or raise FetchRefused."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"Refused to fetch {url!r}: only static files may be used.")
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(STATIC_DIR) or not path.is_file():
        raise FetchRefused(f"Refused to fetch {url!r}: not a file under static/.")
    return path


class StaticFilesOnly(URLFetcher):
    """A WeasyPrint fetcher for static files and data: URIs only."""

    def __init__(self) -> None:
        # The parent (urllib) only ever sees data: URIs.
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        # A refusal is logged by WeasyPrint, which then renders without the resource.
        path = static_file_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


def render(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a Django template to PDF bytes (tagged, for screen readers)."""
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly())
    pdf = document.write_pdf(pdf_tags=True)
    assert pdf is not None
    return pdf
