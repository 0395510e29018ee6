"""Background tasks (django-tasks; the database backend's worker is `manage.py db_worker`)."""

from django_tasks import task


@task()
def import_register_task(job_id: int) -> str:
    """Run a queued register import; returns the job's final status."""
    from realise.reports.register.jobs import run_import_job

    return run_import_job(job_id).status
