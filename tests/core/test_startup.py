"""A command starts without loading the libraries only documents, charts and uploads need
(WeasyPrint, matplotlib, python-pptx, pypdf): together they took a second of every
command's start. A web server loads WeasyPrint and matplotlib as it starts, so that
no request waits for them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["weasyprint", "matplotlib", "pptx", "pypdf"]

LOADED = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "realise.settings"
{body}
print("LOADED", *(name for name in {heavy!r} if name in sys.modules))
"""


def loaded_after(body: str, heavy: list[str] = HEAVY) -> set[str]:
    completed = subprocess.run(  # noqa: S603 - our own code, fixed arguments
        [sys.executable, "-c", LOADED.format(body=body, heavy=heavy)],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    line = next(line for line in completed.stdout.splitlines() if line.startswith("LOADED"))
    return set(line.split()[1:])


def test_a_command_with_the_system_checks_loads_none_of_them():
    """`check` imports every page's module and template tag library, as every command
    with system checks does."""
    body = (
        "from django.core.management import call_command\n"
        "import django; django.setup()\n"
        "call_command('check', verbosity=0)"
    )
    assert loaded_after(body) == set()


def test_django_starts_without_the_spreadsheet_and_array_libraries():
    """openpyxl (the register's workbooks) and numpy (splitting many amounts at once) load
    when first used: together a fifth of a second of every command's start."""
    assert loaded_after("import django; django.setup()", ["openpyxl", "numpy"]) == set()


def test_the_web_application_loads_the_pdf_and_chart_libraries_as_it_starts():
    assert {"weasyprint", "matplotlib"} <= loaded_after("import realise.wsgi")


def test_a_chart_still_draws_and_an_uploaded_document_still_reads():
    import io

    import docx

    from realise.knowledge.extract import extract_text
    from realise.reports import charts

    svg = charts.over_time([], measure="money", title="Nothing yet")
    assert b"<svg" in svg and b"Nothing yet" in svg
    document = docx.Document()
    document.add_paragraph("Lessons from the vetting merger")
    buffer = io.BytesIO()
    document.save(buffer)
    assert "Lessons from the vetting merger" in extract_text("docx", buffer.getvalue())
