"""Board packs, highlight reports and the register export are built in the background: the
page that asks for one answers at once with a redirect to its progress page, the job builds
the same document as before, and only its requester follows or downloads it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from realise.collaborations.models import Collaboration, Initiative
from realise.documents.board_pack import build_board_pack
from realise.documents.highlight import build_highlight
from realise.documents.jobs import run_job
from realise.documents.models import DocumentJob, DocumentKind, PackStatus
from realise.documents.render import render
from realise.reports.register.xlsx import (
    ACTUALS,
    BENEFITS,
    INITIATIVES,
    LISTS,
    PLANNED,
    register_scope,
    write_register,
)
from tests.documents.conftest import OCTOBER, docx_parts, pdf_pages, run_started_job

pytestmark = pytest.mark.django_db
MEETING = datetime.date(2026, 11, 30)


def board_url(w):
    return reverse("board-pack", args=[w.board.slug])


def highlight_url(w):
    return reverse("highlight-download", args=[w.initiative.slug, "2026-10"])


def test_the_board_pack_page_starts_a_job_and_the_job_builds_the_same_pdf(client, vetting):
    client.force_login(vetting.dave)

    response = client.get(
        board_url(vetting), {"date": "2026-11-30", "format": "pdf", "marking": "OFFICIAL"}
    )

    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response.url == f"/documents/jobs/{job.pk}/"
    assert job.kind == DocumentKind.BOARD_PACK and job.status == PackStatus.QUEUED
    assert job.requester == vetting.dave
    assert job.params == {
        "body": vetting.board.slug,
        "date": "2026-11-30",
        "format": "pdf",
        "marking": "OFFICIAL",
    }
    downloaded = run_started_job(client, response)
    assert downloaded["Content-Type"] == "application/pdf"
    assert downloaded["Content-Disposition"].endswith('board-pack-ek-board-2026-11-30.pdf"')
    direct = render(build_board_pack(vetting.board, MEETING, user=vetting.dave), "pdf")
    assert pdf_pages(downloaded.body) == pdf_pages(direct.content)
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (3, 3, 100)


def test_the_highlight_download_starts_a_job_that_builds_the_same_word_file(client, vetting):
    client.force_login(vetting.alice)

    response = client.get(highlight_url(vetting), {"format": "docx"})

    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.kind == DocumentKind.HIGHLIGHT
    assert job.params == {
        "initiative": vetting.initiative.slug,
        "month": "2026-10",
        "format": "docx",
        "marking": "OFFICIAL",
    }
    downloaded = run_started_job(client, response)
    assert downloaded["Content-Disposition"] == (
        'attachment; filename="highlight-joint-vetting-2026-10.docx"'
    )
    direct = render(build_highlight(vetting.initiative, OCTOBER), "docx")
    assert docx_parts(downloaded.body)[:3] == docx_parts(direct.content)[:3]


def test_the_register_export_starts_a_job_that_writes_the_same_workbook(client, vetting, tmp_path):
    client.force_login(vetting.alice)

    response = client.get("/register/export.xlsx", {"collaboration": vetting.collab.slug})

    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.kind == DocumentKind.REGISTER_EXPORT
    assert job.params == {"collaboration": vetting.collab.slug, "initiative": None}
    downloaded = run_started_job(client, response)
    assert downloaded["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(downloaded.body), read_only=True)
    references = [r[0] for r in workbook[BENEFITS].iter_rows(min_row=2, values_only=True)]
    assert references == ["V-BACKLOG", "V-HOURS", "V-MONEY"]
    about = [row[0] for row in workbook["About"].iter_rows(values_only=True)]
    assert about[2] == f"Filters: Collaboration: {vetting.collab}"
    # The rows counted for the progress bar: 1 initiative, 3 benefits, 24 planned values
    # (12 months of two benefits) and 12 actuals (6 + 2 of money, 4 of hours) = 40.
    job.refresh_from_db()
    assert job.total == 40 and job.percent == 100
    direct = tmp_path / "direct.xlsx"
    scope = register_scope(
        Initiative.objects.visible_to(vetting.alice), collaboration=vetting.collab
    )
    write_register(direct, scope, collaborations=Collaboration.objects.visible_to(vetting.alice))
    expected = load_workbook(direct, read_only=True)
    for sheet in (INITIATIVES, BENEFITS, PLANNED, ACTUALS, LISTS):
        assert list(workbook[sheet].iter_rows(values_only=True)) == list(
            expected[sheet].iter_rows(values_only=True)
        )


def test_the_progress_page_shows_how_far_the_job_has_got(client, vetting):
    job = DocumentJob.objects.create(
        kind=DocumentKind.REGISTER_EXPORT,
        params={"collaboration": None, "initiative": None},
        requester=vetting.alice,
        status=PackStatus.BUILDING,
        done=42,
        total=120,
        message="42 of 120 rows",
    )
    client.force_login(vetting.alice)

    page = client.get(job.get_absolute_url()).content.decode()

    assert '<h1 class="govuk-heading-l">Register export</h1>' in page
    assert "42 of 120 rows" in page
    assert 'value="35"' in page and "35% done" in page  # 42 / 120 = 35%
    assert 'http-equiv="refresh"' in page
    assert reverse("document-job-download", args=[job.pk]) not in page
    # Not ready yet: no download.
    assert client.get(reverse("document-job-download", args=[job.pk])).status_code == 404


def test_a_failed_job_says_why(client, vetting):
    job = DocumentJob.objects.create(
        kind=DocumentKind.BOARD_PACK,
        params={"body": "no-such-body", "date": "2026-11-30", "format": "pdf", "marking": "x"},
        requester=vetting.dave,
    )
    assert run_job(job.pk).status == PackStatus.FAILED
    job.refresh_from_db()
    assert "may no longer see" in job.error


def test_a_job_whose_file_is_gone_says_so(client, vetting):
    client.force_login(vetting.alice)
    run_started_job(client, client.get(highlight_url(vetting)))
    job = DocumentJob.objects.get()
    job.file.storage.delete(job.file.name)  # a restore without the media, say
    page = client.get(reverse("document-job", args=[job.pk]))
    assert page.status_code == 200
    download = reverse("document-job-download", args=[job.pk])
    assert b"no longer stored" in page.content and download.encode() not in page.content
    assert client.get(download).status_code == 404


def test_only_the_requester_follows_and_downloads_the_job(client, vetting):
    client.force_login(vetting.alice)
    response = client.get(highlight_url(vetting))
    run_started_job(client, response)
    job = DocumentJob.objects.get()
    urls = [job.get_absolute_url(), reverse("document-job-download", args=[job.pk])]
    assert "Ready to download" in client.get(urls[0]).content.decode()

    for other in (vetting.dave, vetting.nora):  # a colleague who sees it, an outsider
        client.force_login(other)
        for url in urls:
            assert client.get(url).status_code == 404
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 302  # to sign in


def test_the_download_checks_again_that_the_requester_may_see_it(client, vetting):
    # A job of Nora's (Norfolk) on the private Essex-Kent board: built when she could
    # see it, say, and she can no longer.
    job = DocumentJob.objects.create(
        kind=DocumentKind.BOARD_PACK,
        params={"body": vetting.board.slug, "date": "2026-11-30", "format": "pdf"},
        requester=vetting.nora,
        status=PackStatus.DONE,
        filename="board-pack.pdf",
        content_type="application/pdf",
    )
    job.file.save("board-pack.pdf", io.BytesIO(b"%PDF-"))
    client.force_login(vetting.nora)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("document-job-download", args=[job.pk])).status_code == 404


def test_an_outsider_cannot_start_a_job(client, vetting):
    client.force_login(vetting.nora)  # Norfolk: the collaboration is private

    pack = client.get(board_url(vetting), {"date": "2026-11-30", "format": "pdf"})
    highlight = client.get(highlight_url(vetting))
    register = client.get("/register/export.xlsx", {"collaboration": vetting.collab.slug})

    assert pack.status_code == 404 and highlight.status_code == 404
    assert register.status_code == 400  # the same answer as for a collaboration that is not
    assert not DocumentJob.objects.exists()


def test_the_page_queues_the_task_that_builds_the_document(
    client, vetting, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(vetting.alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.get("/register/export.xlsx")

    assert DocumentJob.objects.get().status == PackStatus.DONE


def test_the_command_line_export_shows_its_progress_on_stderr(vetting, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / "register.xlsx"

    call_command("export-register", "--out", str(path), stdout=out, stderr=err)

    # 1 initiative, 3 benefits, 24 planned values and 12 actuals: 40 rows.
    assert err.getvalue().strip().splitlines()[-1] == "40 of 40 rows"
    assert out.getvalue() == (
        f"Wrote 1 initiative, 3 benefits, 24 planned values and 12 actuals to {path}.\n"
    )


def test_an_export_that_fails_part_way_leaves_the_file_as_it_was(vetting, tmp_path, monkeypatch):
    """A full disk half way through the workbook: the last export is still there, whole,
    and nothing half written lies beside it."""
    import importlib

    from django.core.management.base import CommandError

    command = importlib.import_module("realise.reports.management.commands.export-register")
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"last month's register")

    def fails_part_way(out, *args, **kwargs):
        with open(out, "wb") as file:
            file.write(b"PK half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(command, "write_register", fails_part_way)
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("export-register", "--out", str(path), stdout=io.StringIO())

    assert path.read_bytes() == b"last month's register"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx"]
