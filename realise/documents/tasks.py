"""Background tasks of documents (django-tasks; run by `realise worker`)."""

from django_tasks import task


@task()
def build_inspection_pack_task(pack_id: int) -> str:
    """Build a queued inspection pack; returns its final status."""
    from realise.documents.inspection import run_pack

    return run_pack(pack_id).status


@task()
def build_document_task(job_id: int) -> str:
    """Build a queued board pack, highlight report or register export; returns its status."""
    from realise.documents.jobs import run_job

    return run_job(job_id).status
