"""The PDF renderer reads the project's static files and nothing else: no network
(SSRF), no other files on the server."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from reporting.pdf import STATIC_DIR, FetchRefused, StaticFilesOnly


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "https://example.org/logo.png",
        "ftp://127.0.0.1/file",
        "file:///etc/passwd",
        "file://otherhost/srv/static/app.css",
        STATIC_DIR.as_uri() + "/../pyproject.toml",
    ],
)
def test_everything_but_static_files_is_refused(url: str) -> None:
    with pytest.raises(FetchRefused):
        StaticFilesOnly().fetch(url)


def test_static_files_and_data_uris_are_served() -> None:
    css = StaticFilesOnly().fetch(STATIC_DIR.as_uri() + "/app.css")
    assert css.headers["Content-Type"] == "text/css"
    assert StaticFilesOnly().fetch("data:text/plain,hej").read() == b"hej"


def test_rendering_a_page_that_points_at_the_network_fetches_nothing() -> None:
    from weasyprint import HTML

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        html = f'<link rel="stylesheet" href="{url}/x.css"><img src="{url}/x.png"><p>Hej</p>'
        pdf = HTML(string=html, url_fetcher=StaticFilesOnly()).write_pdf()
    finally:
        server.shutdown()
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert hits == []
