from django.urls import path

from realise.reports import views
from realise.reports.views import benchmark, quality

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("benchmark/", benchmark.BenchmarkView.as_view(), name="benchmark"),
    path("data-quality/", quality.DataQualityView.as_view(), name="data-quality"),
    path(
        "data-quality/duplicates/",
        quality.DuplicateDecisionView.as_view(),
        name="data-quality-duplicate",
    ),
    path(
        "benefits/<int:pk>/chart.<str:fmt>",
        views.BenefitChartView.as_view(),
        name="benefit-chart",
    ),
    path("register/", views.RegisterView.as_view(), name="register"),
    # "register/export.xlsx" (register-export) starts a background export: realise.documents.
    path("register/import/", views.ImportUploadView.as_view(), name="register-import"),
    path("register/map/", views.MappedUploadView.as_view(), name="register-map-upload"),
    path("register/map/<int:pk>/", views.MapRegisterView.as_view(), name="register-map"),
    path(
        "register/import/<int:pk>/",
        views.ImportStatusView.as_view(),
        name="register-import-status",
    ),
    path(
        "register/import/<int:pk>/again/",
        views.ImportAgainView.as_view(),
        name="register-import-again",
    ),
    path(
        "register/import/<int:pk>/progress/",
        views.ImportProgressView.as_view(),
        name="register-import-progress",
    ),
]
