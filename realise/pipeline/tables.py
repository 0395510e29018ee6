import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from realise.pipeline.models import Opportunity

NUMERIC = {
    "td": {"class": "govuk-table__cell--numeric"},
    "th": {"class": "govuk-table__header--numeric"},
}
LINK = {"a": {"class": "govuk-link"}}


class OpportunityTable(tables.Table):
    title = tables.Column(verbose_name=_("Title"), linkify=True, attrs=LINK)
    collaboration = tables.Column(verbose_name=_("Collaboration"), linkify=True, attrs=LINK)
    status = tables.Column(verbose_name=_("Status"))
    unit = tables.Column(verbose_name=_("Unit"))
    low = tables.Column(verbose_name=_("Low a year"), attrs=NUMERIC)
    most_likely = tables.Column(verbose_name=_("Most likely a year"), attrs=NUMERIC)
    high = tables.Column(verbose_name=_("High a year"), attrs=NUMERIC)
    confidence = tables.Column(verbose_name=_("Confidence"), attrs=NUMERIC)
    risk_weighted = tables.Column(
        verbose_name=_("Risk-weighted a year"), order_by="weighted_units", attrs=NUMERIC
    )

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "collaboration",
            "status",
            "unit",
            "low",
            "most_likely",
            "high",
            "confidence",
            "risk_weighted",
        ]
        order_by = ("collaboration", "title")
        empty_text = _("No opportunities you can see.")

    def render_confidence(self, value):
        return f"{value}%"

    def render_risk_weighted(self, record):
        return f"{record.risk_weighted:,}"

    def render_low(self, value):
        return f"{value:,}"

    def render_most_likely(self, value):
        return f"{value:,}"

    def render_high(self, value):
        return f"{value:,}"
