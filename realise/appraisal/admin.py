from django.contrib import admin

from realise.appraisal.models import (
    BenefitLine,
    BenefitValue,
    CostLine,
    CostValue,
    Deflator,
    Option,
)
from realise.core.adminsite import DomainHistoryAdmin


@admin.register(Option)
class OptionAdmin(DomainHistoryAdmin):
    list_display = ["name", "initiative", "is_business_as_usual", "first_year", "order"]
    list_filter = ["is_business_as_usual", "discount_schedule"]
    search_fields = ["name", "description", "initiative__name"]
    raw_id_fields = ["initiative"]


@admin.register(CostLine)
class CostLineAdmin(DomainHistoryAdmin):
    list_display = ["name", "option", "kind", "prices", "order"]
    list_filter = ["kind", "prices"]
    search_fields = ["name", "option__name", "option__initiative__name"]
    raw_id_fields = ["option"]


@admin.register(BenefitLine)
class BenefitLineAdmin(DomainHistoryAdmin):
    list_display = ["name", "option", "benefit", "prices", "cost_per_hour"]
    list_filter = ["prices"]
    search_fields = ["name", "option__name", "benefit__title"]
    raw_id_fields = ["option", "benefit"]


@admin.register(CostValue)
class CostValueAdmin(DomainHistoryAdmin):
    list_display = ["line", "year", "amount"]
    list_filter = ["year"]
    search_fields = ["line__name", "line__option__name"]
    raw_id_fields = ["line"]


@admin.register(BenefitValue)
class BenefitValueAdmin(DomainHistoryAdmin):
    list_display = ["line", "year", "amount"]
    list_filter = ["year"]
    search_fields = ["line__name", "line__option__name"]
    raw_id_fields = ["line"]


@admin.register(Deflator)
class DeflatorAdmin(DomainHistoryAdmin):
    list_display = ["initiative", "option", "year", "index"]
    list_filter = ["year"]
    search_fields = ["initiative__name", "option__name"]
    raw_id_fields = ["initiative", "option"]
