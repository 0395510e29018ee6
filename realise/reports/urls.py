from django.urls import path

from realise.reports import quality_views, views

urlpatterns = [
    path("data-quality/", quality_views.DataQualityView.as_view(), name="data-quality"),
    path(
        "data-quality/duplicates/",
        quality_views.DuplicateDecisionView.as_view(),
        name="data-quality-duplicate",
    ),
    path("register/", views.RegisterView.as_view(), name="register"),
    path("register/export.xlsx", views.RegisterExportView.as_view(), name="register-export"),
    path("register/import/", views.ImportUploadView.as_view(), name="register-import"),
    path(
        "register/import/<int:pk>/",
        views.ImportStatusView.as_view(),
        name="register-import-status",
    ),
    path(
        "register/import/<int:pk>/progress/",
        views.ImportProgressView.as_view(),
        name="register-import-progress",
    ),
]
