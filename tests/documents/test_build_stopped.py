"""A document whose builder died in the middle is marked failed, so its page stops waiting
and says to ask again; one still beating, or finished, is left alone."""

import datetime

import pytest
from django.utils import timezone

from realise.core.heartbeat import run_checks
from realise.documents.building import STOPPED
from realise.documents.jobs import run_job
from realise.documents.models import DocumentJob, DocumentKind, InspectionPack, PackStatus

pytestmark = pytest.mark.django_db


def _job(user, **fields) -> DocumentJob:
    return DocumentJob.objects.create(
        kind=DocumentKind.REGISTER_EXPORT,
        params={"collaboration": None, "initiative": None},
        requester=user,
        **fields,
    )


def test_a_build_gone_silent_is_failed_and_its_page_says_to_ask_again(client, vetting, settings):
    settings.REALISE_WORKER_STALE_SECONDS = 120
    now = timezone.now()
    long_ago = now - datetime.timedelta(minutes=10)
    silent = _job(
        vetting.alice, status=PackStatus.BUILDING, started_at=long_ago, heartbeat_at=long_ago
    )
    beating = _job(
        vetting.alice,
        status=PackStatus.BUILDING,
        started_at=long_ago,
        heartbeat_at=now - datetime.timedelta(seconds=30),
    )
    never_beat = InspectionPack.objects.create(
        requester=vetting.alice,
        collaboration=vetting.collab,
        status=PackStatus.BUILDING,
        started_at=long_ago,
    )
    queued = _job(vetting.alice)

    assert run_checks(now) >= 2

    silent.refresh_from_db()
    never_beat.refresh_from_db()
    assert (silent.status, silent.error) == (PackStatus.FAILED, STOPPED)
    assert never_beat.status == PackStatus.FAILED and never_beat.finished_at == now
    assert DocumentJob.objects.get(pk=beating.pk).status == PackStatus.BUILDING
    assert DocumentJob.objects.get(pk=queued.pk).status == PackStatus.QUEUED
    client.force_login(vetting.alice)
    page = client.get(silent.get_absolute_url()).content.decode()
    assert "Ask for it again." in page
    assert 'http-equiv="refresh"' not in page


def test_a_build_beats_while_it_runs_and_is_done_after(vetting):
    job = _job(vetting.alice)
    built = run_job(job.pk)
    assert built.status == PackStatus.DONE
    job.refresh_from_db()
    assert job.heartbeat_at is not None and job.started_at <= job.heartbeat_at
    assert job.finished_at >= job.started_at
