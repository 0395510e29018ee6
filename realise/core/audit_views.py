"""The audit trail for inspectors: browse it page by page, filter it, export it as CSV."""

from __future__ import annotations

import datetime
from typing import Any

import django_tables2 as tables
from django import forms
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin
from rules.contrib.views import PermissionRequiredMixin

from realise.core.audit import EXPORT_FIELDS, canonical, export_rows
from realise.core.cells import CsvDictWriter
from realise.core.forms import DateInput, GovukForm
from realise.core.models import AuditAction, AuditRecord
from realise.core.permissions import visible_audit_records


class AuditFilterForm(GovukForm, forms.Form):
    model = forms.ChoiceField(label="Kind of record", required=False)
    username = forms.CharField(label="User name", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Change", required=False, choices=[("", "Any"), *AuditAction.choices]
    )
    date_from = forms.DateField(label="From (date)", required=False, widget=DateInput())
    date_to = forms.DateField(label="To (date)", required=False, widget=DateInput())

    def __init__(self, *args, models: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "Any"), *((m, m) for m in models)]

    def filter(self, records):
        if not self.is_valid():
            return records.none()
        data = self.cleaned_data
        if data["model"]:
            records = records.filter(model=data["model"])
        if data["username"]:
            records = records.filter(username__iexact=data["username"].strip())
        if data["action"]:
            records = records.filter(action=data["action"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            start = datetime.datetime.combine(data["date_from"], datetime.time.min, zone)
            records = records.filter(recorded_at__gte=start)
        if data["date_to"]:
            end = datetime.datetime.combine(
                data["date_to"] + datetime.timedelta(days=1), datetime.time.min, zone
            )
            records = records.filter(recorded_at__lt=end)
        return records


class AuditTable(tables.Table):
    sequence = tables.Column(
        verbose_name="Record", attrs={"td": {"class": "govuk-table__cell--numeric"}}
    )
    recorded_at = tables.DateTimeColumn(verbose_name="When", format="j M Y H:i:s")
    username = tables.Column(verbose_name="Who", default="system")
    action = tables.Column(verbose_name="Change")
    model = tables.Column(verbose_name="Kind")
    object_repr = tables.TemplateColumn(
        verbose_name="Record changed",
        template_code="{{ record.object_repr|default:'–' }} (id {{ record.object_id }})",
        orderable=False,
    )
    via = tables.Column(verbose_name="Through")
    changes = tables.TemplateColumn(
        verbose_name="Before and after",
        template_name="core/_audit_changes.html",
        orderable=False,
        accessor="pk",
    )

    class Meta:
        model = AuditRecord
        fields = ["sequence", "recorded_at", "username", "action", "model", "object_repr", "via"]
        order_by = "-sequence"
        empty_text = "No audit records match."


class AuditAccessMixin(PermissionRequiredMixin):
    request: HttpRequest
    kwargs: Any

    permission_required = "core.view_auditrecord"

    def handle_no_permission(self):
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()

    @cached_property
    def filter_form(self) -> AuditFilterForm:
        models = list(
            visible_audit_records(self.request.user)
            .order_by("model")
            .values_list("model", flat=True)
            .distinct()
        )
        return AuditFilterForm(self.request.GET or None, models=models)

    def records(self):
        records = visible_audit_records(self.request.user)
        if self.request.GET:
            records = self.filter_form.filter(records)
        return records


class AuditListView(AuditAccessMixin, SingleTableMixin, TemplateView):
    template_name = "core/audit_list.html"
    table_class = AuditTable
    paginate_by = 50

    def get_table_data(self):
        return self.records().select_related(None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.filter_form
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
        rows = export_rows(self.records().order_by("sequence"))
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
