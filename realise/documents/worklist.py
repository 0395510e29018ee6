"""The documents app's part of a person's work list: monthly highlight reports due.

`reports/worklist.py` owns the list; this app sits above reports, so it adds its items
through `register_source` (from `DocumentsConfig.ready()`).
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from realise.collaborations.models import Initiative, InitiativeStatus, Stage
from realise.core.permissions import Access
from realise.documents.models import HighlightReport
from realise.governance.services import first_working_day
from realise.reports.worklist import WorkItem, month_label


def highlight_items(user, access: Access, today: datetime.date) -> list[WorkItem]:
    """Last month's highlight reports not yet written, from the first working day of this
    month, for the SRO and the programme team of each initiative in implementation."""
    start = first_working_day(today.year, today.month)
    if today < start:
        return []
    reported = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    written = HighlightReport.objects.filter(initiative=OuterRef("pk"), month=reported)
    initiatives = (
        Initiative.objects.filter(status=InitiativeStatus.ACTIVE, stage=Stage.IMPLEMENTATION)
        .filter(Q(sro__user=user) | Q(collaboration_id__in=access.programme_collaborations))
        .annotate(written=Exists(written))
        .filter(written=False)
    )
    return [
        WorkItem(
            kind="highlight-report",
            title=_("Highlight report: %(initiative)s, %(month)s")
            % {"initiative": initiative.name, "month": month_label(reported)},
            detail=_("Benefits progress since last month"),
            url=reverse("highlight-report", args=[initiative.slug]),
            action=_("Write the highlight report"),
            due=start,
            today=today,
        )
        for initiative in initiatives
    ]
