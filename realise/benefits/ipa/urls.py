from django.urls import path

from realise.benefits.ipa import views

urlpatterns = [
    path(
        "initiatives/<slug:slug>/map/",
        views.MapView.as_view(kind="initiative"),
        name="initiative-map",
    ),
    path(
        "initiatives/<slug:slug>/map.svg",
        views.MapSvgView.as_view(kind="initiative"),
        name="initiative-map-svg",
    ),
    path(
        "collaborations/<slug:slug>/map/",
        views.MapView.as_view(kind="collaboration"),
        name="collaboration-map",
    ),
    path(
        "collaborations/<slug:slug>/map.svg",
        views.MapSvgView.as_view(kind="collaboration"),
        name="collaboration-map-svg",
    ),
    path(
        "collaborations/<slug:slug>/objectives/new/",
        views.ObjectiveFormView.as_view(),
        name="objective-create",
    ),
    path(
        "collaborations/<slug:slug>/objectives/from-text/",
        views.ObjectivesFromTextView.as_view(),
        name="objectives-from-text",
    ),
    path("objectives/<int:pk>/edit/", views.ObjectiveFormView.as_view(), name="objective-edit"),
    path(
        "initiatives/<slug:slug>/changes/new/", views.ChangeFormView.as_view(), name="change-create"
    ),
    path("changes/<int:pk>/edit/", views.ChangeFormView.as_view(), name="change-edit"),
    path(
        "benefits/<int:pk>/change-requests/new/",
        views.ChangeRequestCreateView.as_view(),
        name="change-request-create",
    ),
    path(
        "change-requests/<int:pk>/",
        views.ChangeRequestDetailView.as_view(),
        name="change-request-detail",
    ),
    path("benefits/<int:pk>/plan/as-at/", views.PlanAsAtView.as_view(), name="benefit-plan-as-at"),
    path(
        "benefits/<int:pk>/contributes-to/",
        views.ContributionView.as_view(),
        name="benefit-contribution",
    ),
    path(
        "benefits/<int:pk>/attribution/",
        views.AttributionView.as_view(),
        name="benefit-attribution",
    ),
    path(
        "benefits/<int:pk>/profile.pdf",
        views.BenefitProfilePdfView.as_view(),
        name="benefit-profile-pdf",
    ),
    path("benefits/links/", views.LinksReportView.as_view(), name="benefit-links"),
    path("benefits/links.csv", views.links_csv, name="benefit-links-csv"),
]
