"""A document job's progress page says what is being done in the reader's language: the
step is kept in English (as the command line prints it) and put into words when shown."""

import pytest
from django.utils import translation

from realise.documents.jobs import run_job, start_job
from realise.documents.models import DocumentJob, DocumentKind, PackStatus
from tests.core.welsh_entries import welsh

WELSH = {
    "Gathering the figures": "Casglu’r ffigurau",
    "Writing the %(format)s": "Ysgrifennu’r %(format)s",
    "%(done)s of %(total)s rows": "%(done)s o %(total)s rhes",
}


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def building(vetting, kind: str, message: str, done: int = 0, total: int = 3) -> DocumentJob:
    return DocumentJob.objects.create(
        kind=kind,
        params={"collaboration": None, "initiative": None},
        requester=vetting.alice,
        status=PackStatus.BUILDING,
        done=done,
        total=total,
        message=message,
    )


def page(client, job: DocumentJob, language: str) -> str:
    client.force_login(job.requester)
    client.post("/language/", {"language": language, "next": "/"})
    with welsh(WELSH):
        return client.get(job.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("message", "cymraeg"),
    [
        ("Gathering the figures", "Casglu’r ffigurau"),
        ("Writing the PDF", "Ysgrifennu’r PDF"),
    ],
)
def test_a_step_reads_in_welsh_on_a_welsh_page(client, vetting, message, cymraeg):
    job = building(vetting, DocumentKind.REGISTER_EXPORT, message)
    shown = page(client, job, "cy")
    assert cymraeg in shown
    assert message not in shown


def test_rows_done_read_in_welsh_and_in_english_with_thousands(client, vetting):
    job = building(vetting, DocumentKind.REGISTER_EXPORT, "1200 of 48000 rows", 1200, 48000)
    assert "1,200 o 48,000 rhes" in page(client, job, "cy")
    assert "1,200 of 48,000 rows" in page(client, job, "en-gb")


def test_the_step_is_kept_in_english_whatever_the_language_it_was_asked_in(client, vetting):
    client.force_login(vetting.alice)
    with welsh(WELSH), translation.override("cy"):
        job = start_job(
            DocumentKind.REGISTER_EXPORT,
            {"collaboration": None, "initiative": None},
            user=vetting.alice,
        )
        steps: list[str] = []
        run_job(job.pk, progress=lambda done, total, message: steps.append(message))
    assert steps[0] == "0 of 40 rows" and steps[-1] == "40 of 40 rows"
