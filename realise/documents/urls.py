from django.urls import path

from realise.documents import views
from realise.documents.views import inspection, jobs

urlpatterns = [
    path(
        "initiatives/<slug:slug>/highlight/",
        views.HighlightReportView.as_view(),
        name="highlight-report",
    ),
    path(
        "initiatives/<slug:slug>/highlight/<str:month>/download/",
        views.HighlightDownloadView.as_view(),
        name="highlight-download",
    ),
    path("initiatives/<slug:slug>/close/", views.ClosureView.as_view(), name="initiative-close"),
    path(
        "initiatives/<slug:slug>/closure/",
        views.ClosureDetailView.as_view(),
        name="initiative-closure",
    ),
    path(
        "initiatives/<slug:slug>/closure/download/",
        views.ClosureDownloadView.as_view(),
        name="closure-download",
    ),
    path("governance/bodies/<slug:slug>/pack/", views.BoardPackView.as_view(), name="board-pack"),
]

urlpatterns += [
    path(
        "collaborations/<slug:slug>/inspection-pack/",
        inspection.InspectionPackView.as_view(),
        name="inspection-pack",
    ),
    path(
        "collaborations/<slug:slug>/inspection-pack/<int:pk>/",
        inspection.InspectionPackStatusView.as_view(),
        name="inspection-pack-status",
    ),
    path(
        "collaborations/<slug:slug>/inspection-pack/<int:pk>/download/",
        inspection.InspectionPackDownloadView.as_view(),
        name="inspection-pack-download",
    ),
]

urlpatterns += [
    path("documents/jobs/<int:pk>/", jobs.DocumentJobView.as_view(), name="document-job"),
    path(
        "documents/jobs/<int:pk>/download/",
        jobs.DocumentJobDownloadView.as_view(),
        name="document-job-download",
    ),
    path(
        "register/export.xlsx",
        jobs.RegisterExportView.as_view(),
        name="register-export",
    ),
]
