"""With no worker left to notice, the progress page itself stops waiting for a build whose
process died (docs/background-documents.md): it says to ask again rather than refreshing
for ever."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from realise.documents.building import STOPPED
from realise.documents.models import DocumentJob, DocumentKind, InspectionPack, PackStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_ago(settings):
    settings.REALISE_WORKER_STALE_SECONDS = 120
    return timezone.now() - datetime.timedelta(minutes=10)


def test_the_job_page_fails_a_build_gone_silent(client, vetting, long_ago):
    job = DocumentJob.objects.create(
        kind=DocumentKind.BOARD_PACK,
        params={"body": vetting.board.slug, "date": "2026-11-30", "format": "pdf"},
        requester=vetting.alice,
        status=PackStatus.BUILDING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    client.force_login(vetting.alice)
    page = client.get(job.get_absolute_url()).content.decode()
    assert STOPPED in page
    assert 'http-equiv="refresh"' not in page
    job.refresh_from_db()
    assert job.status == PackStatus.FAILED


def test_the_job_page_leaves_a_build_still_beating(client, vetting, long_ago):
    job = DocumentJob.objects.create(
        kind=DocumentKind.BOARD_PACK,
        params={"body": vetting.board.slug, "date": "2026-11-30", "format": "pdf"},
        requester=vetting.alice,
        status=PackStatus.BUILDING,
        started_at=long_ago,
        heartbeat_at=timezone.now(),
    )
    client.force_login(vetting.alice)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page and STOPPED not in page


def test_the_inspection_pack_page_fails_a_build_gone_silent(client, vetting, long_ago):
    pack = InspectionPack.objects.create(
        requester=vetting.alice,
        collaboration=vetting.collab,
        status=PackStatus.BUILDING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    client.force_login(vetting.alice)
    url = reverse("inspection-pack-status", args=[vetting.collab.slug, pack.pk])
    page = client.get(url).content.decode()
    assert STOPPED in page
    assert 'http-equiv="refresh"' not in page


def test_the_list_of_packs_shows_a_build_gone_silent_as_failed(client, vetting, long_ago):
    InspectionPack.objects.create(
        requester=vetting.alice,
        collaboration=vetting.collab,
        status=PackStatus.BUILDING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    client.force_login(vetting.alice)
    page = client.get(reverse("inspection-pack", args=[vetting.collab.slug])).content.decode()
    assert "Failed" in page and "Being built" not in page
