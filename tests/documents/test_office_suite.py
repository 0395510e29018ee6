"""A real office suite opens the Word files: LibreOffice converts a board pack to PDF.

Skipped only where `soffice` is missing and REALISE_REQUIRE_BROWSER is unset; CI sets it
and installs LibreOffice Writer, so there it always runs.
"""

import datetime
import os
import shutil
import subprocess

import pytest

from realise.documents.board_pack import build_board_pack
from realise.documents.render import render
from tests.documents.conftest import pdf_pages

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("REALISE_REQUIRE_BROWSER"),
    reason="LibreOffice (soffice) is not installed",
)
def test_libreoffice_converts_a_board_pack_to_pdf(vetting, tmp_path):
    assert SOFFICE, "REALISE_REQUIRE_BROWSER is set: install libreoffice-writer-nogui"
    pack = build_board_pack(
        vetting.board, datetime.date(2026, 11, 30), marking="OFFICIAL-SENSITIVE"
    )
    source = tmp_path / "pack.docx"
    source.write_bytes(render(pack, "docx").content)
    profile = tmp_path / "profile"
    completed = subprocess.run(  # noqa: S603 - fixed arguments
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = tmp_path / "pack.pdf"
    assert converted.exists(), completed.stdout + completed.stderr
    pages = pdf_pages(converted.read_bytes())
    text = " ".join("\n".join(pages).split())
    assert "EK Programme Board: board pack" in text
    assert "1. Exceptions" in text and "V-HOURS" in text
    # The header and footer, with the page numbers the fields give, on every page.
    for number, page in enumerate(pages, 1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2
        assert f"Page {number} of {len(pages)}" in page
