"""The text of a PDF, as pdftotext (poppler-utils) reads it, layout kept."""

import shutil
import subprocess
from pathlib import Path


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    out = subprocess.run(  # noqa: S603 - a fixed command on a file the test wrote
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout
