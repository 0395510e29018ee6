"""Background tasks (django-tasks; run by `realise worker`).

Each task is defined beside the code it runs; this module names it under the path that
tasks queued before are stored with, so the worker still finds them.
"""

from realise.reports.register.jobs import import_register_task

__all__ = ["import_register_task"]
