"""The benchmarking page: collaborations side by side and forces by what they get
(`benchmark.benchmark()` for the reader), sortable by any column without JavaScript."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from realise.reports.benchmark import MIN_HIDDEN_GROUP, SORT_KEYS, benchmark

COLUMNS = (
    ("name", _("Collaboration"), False),
    ("realised", _("Realised to date"), True),
    ("planned", _("Planned to date"), True),
    ("realised_percent", _("Realised against plan"), True),
    ("verified_share", _("Actuals verified"), True),
    ("running_costs", _("Running costs"), True),
    ("investment_costs", _("Investment costs"), True),
    ("other_costs", _("Other costs"), True),
    ("benefit_per_pound", _("Realised per £1 of cost"), True),
    ("days_obc_to_implementation", _("Days from OBC to implementation"), True),
)


class BenchmarkView(LoginRequiredMixin, TemplateView):
    template_name = "reports/benchmark.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sort = self.request.GET.get("sort", "name")
        if sort not in SORT_KEYS:
            sort = "name"
        order = "desc" if self.request.GET.get("order") == "desc" else "asc"
        result = benchmark(self.request.user)
        headers = []
        for key, label, numeric in COLUMNS:
            current = key == sort
            following = "desc" if current and order == "asc" else "asc"
            headers.append(
                {
                    "key": key,
                    "label": label,
                    "numeric": numeric,
                    "url": "?" + urlencode({"sort": key, "order": following}),
                    "aria_sort": ("ascending" if order == "asc" else "descending")
                    if current
                    else "none",
                }
            )
        context.update(
            result=result,
            rows=result.sorted_rows(sort, descending=order == "desc"),
            headers=headers,
            sort=sort,
            order=order,
            minimum_group=MIN_HIDDEN_GROUP,
        )
        return context
