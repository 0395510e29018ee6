"""The documents app's part of a person's work list: monthly highlight reports due.

`reports/worklist.py` owns the list; this app sits above reports, so it adds its items
through `register_source` (from `DocumentsConfig.ready()`). It tells the reminders and
the agendas (governance, below it too) which reports are written the same way, through
`governance.services.register_written_reports`.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from realise.collaborations.models import Initiative, InitiativeStatus, Stage
from realise.core.permissions import Access
from realise.documents.models import HighlightReport
from realise.governance.services import first_working_day
from realise.reports.worklist import WorkItem, month_label


def written_highlight_reports(month: datetime.date) -> QuerySet[HighlightReport, int]:
    """The initiatives whose highlight report on `month` is written (for the worklist here,
    and for the reminders, which `DocumentsConfig.ready()` tells)."""
    return HighlightReport.objects.filter(month=month).values_list("initiative_id", flat=True)


def highlight_items(user, access: Access, today: datetime.date) -> list[WorkItem]:
    """Last month's highlight reports not yet written, from the first working day of this
    month, for the SRO and the programme team of each initiative in implementation."""
    start = first_working_day(today.year, today.month)
    if today < start:
        return []
    reported = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    initiatives = (
        Initiative.objects.filter(status=InitiativeStatus.ACTIVE, stage=Stage.IMPLEMENTATION)
        .filter(Q(sro__user=user) | Q(collaboration_id__in=access.programme_collaborations))
        .exclude(pk__in=written_highlight_reports(reported))
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
