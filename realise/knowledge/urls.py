from django.urls import path

from realise.knowledge import views
from realise.knowledge.network import views as network_views

urlpatterns = [
    # the repository
    path("repository/", views.RepositoryHomeView.as_view(), name="repository"),
    path(
        "repository/collaborations/<slug:slug>/",
        views.CatalogueEntryView.as_view(),
        name="catalogue-entry",
    ),
    path("repository/lessons/", views.LessonListView.as_view(), name="lesson-list"),
    path("repository/lessons/new/", views.LessonCreateView.as_view(), name="lesson-create"),
    path("repository/lessons/<int:pk>/", views.LessonDetailView.as_view(), name="lesson-detail"),
    path("repository/lessons/<int:pk>/edit/", views.LessonUpdateView.as_view(), name="lesson-edit"),
    path(
        "repository/lessons/<int:pk>/delete/",
        views.LessonDeleteView.as_view(),
        name="lesson-delete",
    ),
    path("repository/documents/", views.DocumentListView.as_view(), name="document-list"),
    path("repository/documents/new/", views.DocumentCreateView.as_view(), name="document-create"),
    path(
        "repository/documents/<int:pk>/",
        views.DocumentDetailView.as_view(),
        name="document-detail",
    ),
    path(
        "repository/documents/<int:pk>/edit/",
        views.DocumentUpdateView.as_view(),
        name="document-edit",
    ),
    path(
        "repository/documents/<int:pk>/delete/",
        views.DocumentDeleteView.as_view(),
        name="document-delete",
    ),
    path(
        "repository/documents/<int:pk>/versions/new/",
        views.VersionUploadView.as_view(),
        name="document-upload",
    ),
    path(
        "repository/documents/<int:pk>/versions/<int:number>/download/",
        views.document_download,
        name="document-download",
    ),
    # search
    path("search/", views.SearchView.as_view(), name="search"),
    # public pages, no sign-in
    path("public/", views.PublicIndexView.as_view(), name="public-index"),
    path(
        "public/how-benefits-are-measured/",
        views.MeasuringBenefitsView.as_view(),
        name="public-measuring",
    ),
    path(
        "public/collaborations/<slug:slug>/",
        views.PublicCollaborationView.as_view(),
        name="public-collaboration",
    ),
    # open data, stable addresses
    path("open-data/", views.OpenDataView.as_view(), name="open-data"),
    path(
        "open-data/collaborations.json",
        views.open_collaborations_json,
        name="open-data-collaborations-json",
    ),
    path(
        "open-data/collaborations.csv",
        views.open_collaborations_csv,
        name="open-data-collaborations-csv",
    ),
    path("open-data/benefits.json", views.open_benefits_json, name="open-data-benefits-json"),
    path("open-data/benefits.csv", views.open_benefits_csv, name="open-data-benefits-csv"),
    path("open-data/monthly.json", views.open_monthly_json, name="open-data-monthly-json"),
    path("open-data/monthly.csv", views.open_monthly_csv, name="open-data-monthly-csv"),
    path("open-data/datapackage.json", views.open_datapackage, name="open-data-datapackage"),
    # The network of people: the directory, what you share, and networks.
    path("people/", network_views.DirectoryView.as_view(), name="directory"),
    path("account/sharing/", network_views.SharingView.as_view(), name="account-sharing"),
    path("networks/", network_views.NetworkListView.as_view(), name="network-list"),
    path("networks/new/", network_views.NetworkCreateView.as_view(), name="network-create"),
    path("networks/<slug:slug>/", network_views.NetworkDetailView.as_view(), name="network-detail"),
    path(
        "networks/<slug:slug>/join/", network_views.NetworkJoinView.as_view(), name="network-join"
    ),
    path(
        "networks/<slug:slug>/leave/",
        network_views.NetworkJoinView.as_view(leave=True),
        name="network-leave",
    ),
    path(
        "networks/<slug:slug>/resources/new/",
        network_views.NetworkResourceCreateView.as_view(),
        name="network-resource-create",
    ),
]
