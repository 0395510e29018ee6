from django.urls import URLPattern, URLResolver, include, path

from realise.appraisal import views

option_patterns = [
    path("", views.OptionDetailView.as_view(), name="economic-case-option"),
    path("edit/", views.OptionUpdateView.as_view(), name="economic-case-option-edit"),
    path("delete/", views.OptionDeleteView.as_view(), name="economic-case-option-delete"),
    path("deflators/", views.OptionDeflatorView.as_view(), name="economic-case-option-deflators"),
    path("costs/new/", views.CostLineFormView.as_view(), name="economic-case-cost-create"),
    path(
        "costs/<int:line_pk>/edit/",
        views.CostLineFormView.as_view(),
        name="economic-case-cost-edit",
    ),
    path(
        "costs/<int:line_pk>/delete/",
        views.LineDeleteView.as_view(),
        name="economic-case-cost-delete",
    ),
    path("benefits/new/", views.BenefitLineFormView.as_view(), name="economic-case-benefit-create"),
    path(
        "benefits/<int:line_pk>/edit/",
        views.BenefitLineFormView.as_view(),
        name="economic-case-benefit-edit",
    ),
    path(
        "benefits/<int:line_pk>/delete/",
        views.BenefitLineDeleteView.as_view(),
        name="economic-case-benefit-delete",
    ),
]

case_patterns: list[URLPattern | URLResolver] = [
    path("", views.EconomicCaseView.as_view(), name="economic-case"),
    path("chart.svg", views.ChartView.as_view(), name="economic-case-chart"),
    path("economic-case.xlsx", views.WorkbookView.as_view(), name="economic-case-xlsx"),
    path("ex-post/", views.ExPostView.as_view(), name="economic-case-ex-post"),
    path("deflators/", views.DeflatorView.as_view(), name="economic-case-deflators"),
    path("options/new/", views.OptionCreateView.as_view(), name="economic-case-option-create"),
    path("options/<int:option_pk>/", include(option_patterns)),
]

urlpatterns = [path("initiatives/<slug:slug>/economic-case/", include(case_patterns))]
