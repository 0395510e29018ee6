"""`realise worker`: the task worker (django-tasks' `db_worker`, with the same options), which
also records that it is alive (for `/readyz`) and, on each beat, marks failed the work of
any worker that has gone (see `realise.core.heartbeat`)."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from realise.core.heartbeat import Heartbeat, run_checks, worker_seen


class Command(DatabaseWorkerCommand):
    help = (
        "Run the task worker (background imports): django-tasks' db_worker, which also shows "
        "it is alive and fails the imports of workers that stopped."
    )

    def handle(self, *args, **options):
        runs_tasks = not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if not runs_tasks:  # the autoreloader's parent: its child runs the tasks and beats
            return super().handle(*args, **options)
        worker_id = options["worker_id"]

        def beat():
            worker_seen(worker_id)
            run_checks()

        with Heartbeat(beat, now=True):
            return super().handle(*args, **options)
