"""The register import's words: its refusals are English whatever the page it was started
from (they are kept and read back as the import report), while the progress its page shows
is put into words when the page is shown, in the reader's language."""

import pytest
from django.utils import translation

from realise.core import inputs
from realise.reports.models import ImportJob, ImportStatus
from realise.reports.register import cells
from realise.reports.register.jobs import live_progress, publish_progress
from realise.reports.register.results import CellError
from tests.core.welsh_entries import welsh

OUTSIDE = "%(month)s is outside the months that can be recorded: from %(first)s to %(last)s."
OUTSIDE_CY = "Mae %(month)s y tu allan i’r misoedd y gellir eu cofnodi: o %(first)s i %(last)s."

CHECKING = "Checking the rows: %(done)s of %(total)s."
SAVING = "Saving the changes: %(done)s of %(total)s rows."
WAITING = "Waiting for a worker to start the import."
FINISHED = "Finished."
PROGRESS_CY = {
    CHECKING: "Yn gwirio’r rhesi: %(done)s o %(total)s.",
    SAVING: "Yn cadw’r newidiadau: %(done)s o %(total)s rhes.",
    WAITING: "Yn aros i weithiwr ddechrau’r mewnforio.",
    FINISHED: "Wedi gorffen.",
}


@pytest.fixture(autouse=True)
def _english_after():
    yield
    translation.activate("en-gb")


def test_a_month_outside_the_range_is_refused_in_english_from_a_welsh_page():
    last = inputs.month_text(inputs.last_month())
    with (
        welsh({OUTSIDE: OUTSIDE_CY}),
        translation.override("cy"),
        pytest.raises(CellError) as refused,
    ):
        cells.read_month("1999-12")
    assert str(refused.value) == (
        f"1999-12 is outside the months that can be recorded: from 2000-01 to {last}"
    )


def job_of(register, status, **fields) -> ImportJob:
    return ImportJob.objects.create(
        original_name="big.xlsx", user=register.alice, background=True, status=status, **fields
    )


def welsh_fragment(client, register, job) -> str:
    client.force_login(register.alice)
    client.post("/language/", {"language": "cy", "next": "/"})
    with welsh(PROGRESS_CY):
        return client.get(f"/register/import/{job.pk}/progress/").content.decode()


def test_the_progress_reads_in_welsh_on_a_welsh_page(register, client):
    checking = job_of(register, ImportStatus.CHECKING, rows_total=2000)
    publish_progress(checking, {"phase": "check", "done": 1500, "total": 2000})
    saving = job_of(register, ImportStatus.WRITING, rows_total=2000)
    publish_progress(saving, {"phase": "write", "done": 100, "total": 2000})
    waiting = job_of(register, ImportStatus.QUEUED)

    assert "Yn gwirio’r rhesi: 1,500 o 2,000." in welsh_fragment(client, register, checking)
    assert "Yn cadw’r newidiadau: 100 o 2,000 rhes." in welsh_fragment(client, register, saving)
    assert "Yn aros i weithiwr ddechrau’r mewnforio." in welsh_fragment(client, register, waiting)


def test_a_finished_import_reads_in_welsh(register):
    job = job_of(register, ImportStatus.DONE, rows_total=10)
    with welsh(PROGRESS_CY), translation.override("cy"):
        assert live_progress(job)["text"] == "Wedi gorffen."


def test_the_progress_keeps_its_english_words(register):
    job = job_of(register, ImportStatus.CHECKING, rows_total=2000)
    publish_progress(job, {"phase": "check", "done": 1500, "total": 2000})
    with welsh(PROGRESS_CY):
        assert live_progress(job)["text"] == "Checking the rows: 1,500 of 2,000."
