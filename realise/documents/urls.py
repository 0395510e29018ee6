from django.urls import path

from realise.documents import views

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
