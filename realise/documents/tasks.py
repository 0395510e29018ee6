"""Background tasks of documents (django-tasks; run by `realise worker`).

Each task is defined beside the code it runs; this module names it under the path that
tasks queued before are stored with, so the worker still finds them.
"""

from realise.documents.inspection import build_inspection_pack_task
from realise.documents.jobs import build_document_task

__all__ = ["build_document_task", "build_inspection_pack_task"]
