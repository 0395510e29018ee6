"""The audit trail for inspectors: browse it page by page, filter it, export it as CSV.

Personal values (an email address, the reason for a role) are shown only to whoever may
read them (`core.personal_data.withholding_for`), on the page and in the download alike."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.http import HttpRequest, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin
from rules.contrib.views import PermissionRequiredMixin

from realise.core.audit import EXPORT_FIELDS, canonical, export_rows
from realise.core.cells import CsvDictWriter
from realise.core.filtersets import AuditFilter
from realise.core.models import AuditRecord
from realise.core.permissions import visible_audit_records
from realise.core.personal_data import WITHHELD, Withholding, withholding_for


class AuditTable(tables.Table):
    sequence = tables.Column(
        verbose_name=_("Record"), attrs={"td": {"class": "govuk-table__cell--numeric"}}
    )
    recorded_at = tables.DateTimeColumn(verbose_name=_("When"), format="j M Y H:i:s")
    username = tables.Column(verbose_name=_("Who"), default="system")
    action = tables.Column(verbose_name=_("Change"))
    model = tables.Column(verbose_name=_("Kind"))
    object_repr = tables.TemplateColumn(
        verbose_name=_("Record changed"),
        template_code="{{ record.object_repr|default:'–' }} (id {{ record.object_id }})",
        orderable=False,
    )
    via = tables.Column(verbose_name=_("Through"))
    changes = tables.Column(
        verbose_name=_("Before and after"), orderable=False, accessor="pk", empty_values=()
    )

    class Meta:
        model = AuditRecord
        fields = ["sequence", "recorded_at", "username", "action", "model", "object_repr", "via"]
        order_by = "-sequence"
        empty_text = _("No audit records match.")

    def __init__(self, *args, withholding: Withholding, **kwargs):
        super().__init__(*args, **kwargs)
        self.withholding = withholding

    def render_changes(self, record):
        marker = str(WITHHELD)
        return render_to_string(
            "core/_audit_changes.html",
            {
                "record": record,
                "before": self.withholding.values(record.model, record.before, marker),
                "after": self.withholding.values(record.model, record.after, marker),
            },
        )


class AuditAccessMixin(PermissionRequiredMixin):
    request: HttpRequest
    kwargs: Any

    permission_required = "core.view_auditrecord"

    def handle_no_permission(self):
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()

    @cached_property
    def filterset(self) -> AuditFilter:
        return AuditFilter(
            self.request.GET or None,
            visible_audit_records(self.request.user),
            request=self.request,
        )

    def records(self):
        return self.filterset.qs

    @cached_property
    def withholding(self) -> Withholding:
        return withholding_for(self.request.user)


class AuditListView(AuditAccessMixin, SingleTableMixin, TemplateView):
    template_name = "core/audit_list.html"
    table_class = AuditTable
    paginate_by = 50

    def get_table_data(self):
        return self.records().select_related(None)

    def get_table_kwargs(self):
        return {"withholding": self.withholding}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.filterset.form
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        context["export_query"] = query.urlencode()
        return context


class _Echo:
    def write(self, value):
        return value


class AuditExportView(AuditAccessMixin, View):
    """The filtered trail as CSV, oldest first, streamed."""

    def get(self, request):
        rows = export_rows(self.records().order_by("sequence"), withholding=self.withholding)
        writer = CsvDictWriter(_Echo(), fieldnames=EXPORT_FIELDS, extrasaction="ignore")

        def lines():
            yield writer.writeheader()
            for row in rows:
                for name in ("before", "after"):
                    row[name] = "" if row[name] is None else canonical(row[name])
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="realise-audit-{stamp}.csv"'
        return response
